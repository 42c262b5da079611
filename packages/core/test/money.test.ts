import { expect } from "chai";
import fc from "fast-check";
import { CoreError } from "../src/errors";
import {
  WAD,
  bpsToWad,
  formatCents,
  mulDivDown,
  mulDivUp,
  parseCents,
  wadDivDown,
  wadDivUp,
  wadMulDown,
  wadMulUp,
} from "../src/money";

describe("money", () => {
  describe("parseCents", () => {
    it("reads 0, 1 or 2 decimals exactly", () => {
      const cases: [string, bigint][] = [
        ["0", 0n],
        ["12", 1200n],
        ["12.3", 1230n],
        ["12.34", 1234n],
        ["0.05", 5n],
        ["-0.05", -5n],
        ["-12.30", -1230n],
        ["007.50", 750n],
        ["300000.00", 30_000_000n],
        ["123456789012345678901234567890.12", 12345678901234567890123456789012n],
      ];
      for (const [text, cents] of cases) expect(parseCents(text), text).to.equal(cents);
    });

    it("rejects more than 2 decimals, even trailing zeros, saying how many", () => {
      expect(() => parseCents("1.234"))
        .to.throw(
          CoreError,
          'Invalid money amount: expected at most 2 decimal places (whole cents), found 3 decimal places in "1.234"',
        )
        .with.property("code", "MONEY_FORMAT_INVALID");
      expect(() => parseCents("1.230")).to.throw(CoreError, 'found 3 decimal places in "1.230"');
      expect(() => parseCents("0.000001")).to.throw(CoreError, 'found 6 decimal places in "0.000001"');
    });

    it("rejects anything that is not a plain decimal", () => {
      const bad = ["", " 1", "1 ", "+1", ".5", "5.", "1e3", "1,000.00", "NaN", "0x10", "1.2.3", "--1", "１２", "¥12"];
      for (const text of bad) {
        expect(() => parseCents(text), JSON.stringify(text))
          .to.throw(
            CoreError,
            `Invalid money amount: expected a decimal amount such as "1234.56" (digits, an optional "-" and "." and at most 2 decimals), found ${JSON.stringify(text)}`,
          )
          .with.property("code", "MONEY_FORMAT_INVALID");
      }
    });
  });

  describe("formatCents", () => {
    it("writes exactly 2 decimals", () => {
      expect(formatCents(0n)).to.equal("0.00");
      expect(formatCents(5n)).to.equal("0.05");
      expect(formatCents(-5n)).to.equal("-0.05");
      expect(formatCents(120n)).to.equal("1.20");
      expect(formatCents(123456n)).to.equal("1234.56");
      expect(formatCents(-100n)).to.equal("-1.00");
    });

    it("round-trips through parseCents for any amount", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }), (cents) => {
          expect(parseCents(formatCents(cents))).to.equal(cents);
        }),
      );
    });
  });

  describe("mulDiv", () => {
    const operand = fc.bigInt({ min: 0n, max: 2n ** 200n });
    const denominator = fc.bigInt({ min: 1n, max: 2n ** 100n });

    it("mulDivDown is the floor and mulDivUp the ceiling of x * y / d", () => {
      fc.assert(
        fc.property(operand, operand, denominator, (x, y, d) => {
          const down = mulDivDown(x, y, d);
          const up = mulDivUp(x, y, d);
          expect(down * d <= x * y && x * y < (down + 1n) * d).to.equal(true);
          expect((up - 1n) * d < x * y && x * y <= up * d).to.equal(true);
          expect(up - down).to.equal((x * y) % d === 0n ? 0n : 1n);
        }),
      );
    });

    it("rounds the examples as documented", () => {
      expect(mulDivDown(10n, 1n, 3n)).to.equal(3n);
      expect(mulDivUp(10n, 1n, 3n)).to.equal(4n);
      expect(mulDivUp(9n, 1n, 3n)).to.equal(3n);
      expect(mulDivUp(0n, 5n, 3n)).to.equal(0n);
      expect(wadMulDown(10n, WAD / 3n)).to.equal(3n);
      expect(wadMulUp(10n, WAD / 3n)).to.equal(4n);
      expect(wadDivDown(1n, 3n)).to.equal(333_333_333_333_333_333n);
      expect(wadDivUp(1n, 3n)).to.equal(333_333_333_333_333_334n);
      expect(wadMulDown(12_345n, WAD)).to.equal(12_345n);
    });

    it("rejects negative operands and a non-positive denominator", () => {
      expect(() => mulDivDown(-1n, 1n, 1n))
        .to.throw(CoreError, "Invalid x: expected a non-negative bigint, found -1")
        .with.property("code", "INVALID_ARGUMENT");
      expect(() => mulDivUp(1n, -2n, 1n)).to.throw(CoreError, "Invalid y: expected a non-negative bigint, found -2");
      expect(() => mulDivDown(1n, 1n, 0n)).to.throw(
        CoreError,
        "Invalid denominator: expected a positive bigint, found 0",
      );
      expect(() => wadDivUp(1n, 0n)).to.throw(CoreError, "Invalid denominator");
    });
  });

  it("bpsToWad converts basis points exactly and rejects fractions", () => {
    expect(bpsToWad(450)).to.equal(45_000_000_000_000_000n);
    expect(bpsToWad(10_000n)).to.equal(WAD);
    expect(() => bpsToWad(1.5))
      .to.throw(CoreError, "Invalid bps: expected a whole number of basis points, found 1.5")
      .with.property("code", "INVALID_ARGUMENT");
  });
});
