import { expect } from "chai";
import fc from "fast-check";
import { WAD } from "../../src/money";
import { READ_CELL, formatRatePercent, parseRatePercent } from "../../src/tape/template";

describe("tape/template", () => {
  it("reads a percent rate exactly as a wad", () => {
    expect(parseRatePercent("4.35")).to.equal(435n * 10n ** 14n);
    expect(parseRatePercent("0")).to.equal(0n);
    expect(parseRatePercent("100")).to.equal(WAD);
    expect(parseRatePercent("12.3456789012345678")).to.equal(123456789012345678n);
    for (const bad of ["100.01", "4.35%", "-1", ".5", "5.", "1e2", " 4", "0.12345678901234567"]) {
      expect(parseRatePercent(bad), bad).to.equal(undefined);
    }
  });

  it("round-trips every wad rate from 0 to 100% through its percent text", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: WAD }), (rateWad) => {
        expect(parseRatePercent(formatRatePercent(rateWad))).to.equal(rateWad);
      }),
    );
    expect(formatRatePercent(45n * 10n ** 15n)).to.equal("4.50");
    expect(formatRatePercent(0n)).to.equal("0.00");
  });

  it("reads amounts in yuan exactly as cents, and refuses what is not exact", () => {
    expect(READ_CELL.original_principal_yuan("12345.67")).to.deep.equal({ ok: true, value: 1234567n });
    expect(READ_CELL.current_principal_yuan("12.5")).to.deep.equal({ ok: true, value: 1250n });
    expect(READ_CELL.current_principal_yuan("0")).to.deep.equal({ ok: true, value: 0n });
    for (const bad of ["-1", "1,000", "1.234", "", " 1", "1e3", "NaN"]) {
      expect(READ_CELL.current_principal_yuan(bad).ok, bad).to.equal(false);
    }
    expect(READ_CELL.original_principal_yuan("0.00").ok).to.equal(false);
    expect(READ_CELL.collateral_value_yuan("")).to.deep.equal({ ok: true, value: undefined });
  });

  it("reads whole numbers within their range only", () => {
    expect(READ_CELL.term_months("36")).to.deep.equal({ ok: true, value: 36 });
    expect(READ_CELL.term_months("0").ok).to.equal(false);
    expect(READ_CELL.term_months("1201").ok).to.equal(false);
    expect(READ_CELL.days_past_due("3.0").ok).to.equal(false);
    expect(READ_CELL.days_past_due("65535")).to.deep.equal({ ok: true, value: 65535 });
  });
});
