import { expect } from "chai";
import fc from "fast-check";
import {
  CashflowError,
  WAD,
  bpsToWad,
  fractionToWad,
  mulDivDownUnchecked,
  mulDivHalfUp,
  percentToWad,
  reducedRatio,
} from "../../src/cashflow";

function codeOf(thunk: () => unknown): string | undefined {
  try {
    thunk();
  } catch (error) {
    return error instanceof CashflowError ? error.code : `not a CashflowError: ${String(error)}`;
  }
  return undefined;
}

describe("cashflow/fixed-point", () => {
  it("parses percentage and bps quotes exactly into wad", () => {
    expect(percentToWad("6")).to.equal(6n * 10n ** 16n);
    expect(percentToWad("0.2")).to.equal(2n * 10n ** 15n);
    expect(percentToWad(8.125)).to.equal(8125n * 10n ** 13n);
    expect(percentToWad("100")).to.equal(WAD);
    expect(percentToWad(1e-7)).to.equal(10n ** 9n);
    expect(bpsToWad("62.5")).to.equal(625n * 10n ** 13n);
    expect(bpsToWad(25)).to.equal(25n * 10n ** 14n);
  });

  it("rejects malformed or over-precise quotes with INVALID_DECIMAL", () => {
    expect(codeOf(() => percentToWad("6%"))).to.equal("INVALID_DECIMAL");
    expect(codeOf(() => percentToWad("-1"))).to.equal("INVALID_DECIMAL");
    expect(codeOf(() => percentToWad(Number.NaN))).to.equal("INVALID_DECIMAL");
    expect(codeOf(() => percentToWad("0.00000000000000001"))).to.equal("INVALID_DECIMAL");
    expect(() => percentToWad("abc", "prepayment.value")).to.throw(/prepayment.value: expected .* found "abc"/);
  });

  it("rounds down and half up as documented", () => {
    expect(mulDivDownUnchecked(7n, 1n, 2n)).to.equal(3n);
    expect(mulDivHalfUp(7n, 1n, 2n)).to.equal(4n); // 3.5 -> 4 (tie goes up)
    expect(mulDivHalfUp(10n, 1n, 4n)).to.equal(3n); // 2.5 -> 3
    expect(mulDivHalfUp(9n, 1n, 4n)).to.equal(2n); // 2.25 -> 2
    expect(mulDivHalfUp(11n, 1n, 4n)).to.equal(3n); // 2.75 -> 3
  });

  it("a reduced ratio rounds half up exactly like the unreduced fraction", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 14n }),
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.bigInt({ min: 1n, max: 10n ** 21n }),
        (x, num, den) => {
          const ratio = reducedRatio(num, den);
          expect((x * ratio.num + ratio.half) / ratio.den).to.equal(mulDivHalfUp(x, num, den));
        },
      ),
    );
  });

  it("converts derived float rates to wad to the nearest unit, clamped to [0, 100%]", () => {
    expect(fractionToWad(0.5)).to.equal(WAD / 2n);
    expect(fractionToWad(-0.1)).to.equal(0n);
    expect(fractionToWad(1.5)).to.equal(WAD);
  });
});
