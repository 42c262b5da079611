import { expect } from "chai";
import {
  CashflowError,
  WAD,
  assumptionsForTier,
  compileMonthlyRates,
  cprToSmm,
  overrideTiers,
  parseAssumptionSet,
  parseTieredAssumptions,
  percentToWad,
  psaCpr,
  sdaCdr,
  cdrToMdr,
  constantCurve,
} from "../../src/cashflow";

const base = {
  prepayment: { type: "CPR", value: "6" },
  default: { type: "CDR", value: 1 },
  recovery: { severityPercent: "40", lagMonths: 12 },
};

function parseError(input: unknown): CashflowError {
  try {
    parseAssumptionSet(input);
  } catch (error) {
    if (error instanceof CashflowError) return error;
    throw error;
  }
  throw new Error("expected the assumption set to be rejected");
}

describe("cashflow/assumptions", () => {
  describe("parseAssumptionSet", () => {
    it("parses quotes exactly into wad, with defaults for advancing and the fee", () => {
      const set = parseAssumptionSet(base);
      expect(set.prepayment).to.deep.equal({ type: "CPR", curve: { kind: "constant", wad: percentToWad("6") } });
      expect(set.default).to.deep.equal({ type: "CDR", curve: { kind: "constant", wad: percentToWad("1") } });
      expect(set.recovery).to.deep.equal({ severityWad: 4n * 10n ** 17n, lagMonths: 12 });
      expect(set.advancing).to.equal("none");
      expect(set.servicingFeeWad).to.equal(0n);
    });

    it("parses vectors, benchmark speeds above 100%, advancing and a fee strip in bps", () => {
      const set = parseAssumptionSet({
        prepayment: { type: "PSA", value: 250 },
        default: { type: "MDR", vector: ["0.1", 0.2, "0.3"] },
        recovery: { severityPercent: 35, lagMonths: 0 },
        advancing: "interest",
        servicingFeeBps: "37.5",
      });
      expect(set.prepayment.curve).to.deep.equal({ kind: "constant", wad: 25n * 10n ** 17n });
      expect(set.default.curve).to.deep.equal({
        kind: "vector",
        wads: [percentToWad("0.1"), percentToWad("0.2"), percentToWad("0.3")],
      });
      expect(set.advancing).to.equal("interest");
      expect(set.servicingFeeWad).to.equal(375n * 10n ** 13n);
    });

    it("says what was expected and what was found, with the field path", () => {
      const cases: [unknown, RegExp][] = [
        [
          { ...base, prepayment: { type: "CPR" } },
          /prepayment: expected exactly one of "value" or "vector", found neither/,
        ],
        [{ ...base, prepayment: { type: "CPR", value: 6, vector: [6] } }, /found both/],
        [
          { ...base, prepayment: { type: "CPR", value: "150" } },
          /prepayment.value: expected a percentage from 0 to 100, found 150/,
        ],
        [
          { ...base, prepayment: { type: "CPR", vector: ["1", "x"] } },
          /prepayment.vector.1: percentage: expected a non-negative decimal/,
        ],
        [{ ...base, prepayment: { type: "XYZ", value: 1 } }, /prepayment.type: .*expected one of .*, found "XYZ"/],
        [
          { ...base, recovery: { severityPercent: 40, lagMonths: -1 } },
          /recovery.lagMonths: .*expected number to be >=0, found -1/,
        ],
        [
          { ...base, recovery: { severityPercent: 140, lagMonths: 1 } },
          /recovery.severityPercent: expected a percentage from 0 to 100/,
        ],
        [{ ...base, servicingFeeBps: "-5" }, /servicingFeeBps: .*found "-5"/],
        [{ ...base, extra: 1 }, /Unrecognized key: "extra"/],
        ["not an object", /expected object, received string/],
      ];
      for (const [input, message] of cases) {
        const error = parseError(input);
        expect(error.code).to.equal("INVALID_ASSUMPTIONS");
        expect(error.message).to.match(message);
        expect(error.retryable).to.equal(false);
      }
    });
  });

  describe("tiers", () => {
    const table = {
      attribute: "creditGrade",
      tiers: {
        A: { ...base, prepayment: { type: "CPR", value: 10 } },
        B: base,
        C: { ...base, default: { type: "SDA", value: 300 } },
      },
      fallback: "C",
    };

    it("maps an attribute value to its tier's set, and unknown values to the fallback", () => {
      const tiered = parseTieredAssumptions(table);
      expect(tiered.attribute).to.equal("creditGrade");
      expect(assumptionsForTier(tiered, "A").prepayment.curve).to.deep.equal(constantCurve(percentToWad("10")));
      expect(assumptionsForTier(tiered, "B")).to.equal(tiered.tiers.get("B"));
      expect(assumptionsForTier(tiered, "D")).to.equal(tiered.tiers.get("C"));
    });

    it("without a fallback an unknown tier is TIER_NOT_FOUND, naming the known tiers", () => {
      const tiered = parseTieredAssumptions({ ...table, fallback: undefined });
      expect(() => assumptionsForTier(tiered, "D"))
        .to.throw(CashflowError, /creditGrade: expected one of the tiers \(A, B, C\), found "D"/)
        .with.property("code", "TIER_NOT_FOUND");
    });

    it("rejects a fallback that is not a tier and an empty table", () => {
      expect(() => parseTieredAssumptions({ ...table, fallback: "Z" }))
        .to.throw(CashflowError, /fallback: expected one of the tier keys \(A, B, C\), found "Z"/)
        .with.property("code", "INVALID_ASSUMPTIONS");
      expect(() => parseTieredAssumptions({ attribute: "creditGrade", tiers: {} })).to.throw(/at least one tier/);
      expect(() => parseTieredAssumptions({ ...table, tiers: { A: { ...base, default: {} } } })).to.throw(
        /tiers.A.default/,
      );
    });

    it("overrides every tier's rates for a scenario but keeps each tier's severity and lag", () => {
      const tiered = parseTieredAssumptions(table);
      const stressed = overrideTiers(tiered, { default: { type: "CDR", curve: constantCurve(percentToWad("20")) } });
      for (const key of ["A", "B", "C"]) {
        expect(assumptionsForTier(stressed, key).default.curve).to.deep.equal(constantCurve(percentToWad("20")));
        expect(assumptionsForTier(stressed, key).prepayment).to.equal(assumptionsForTier(tiered, key).prepayment);
      }
      expect(assumptionsForTier(tiered, "B").default.curve).to.deep.equal(constantCurve(percentToWad("1")));
    });
  });

  describe("compileMonthlyRates", () => {
    it("ramps PSA and SDA on the loan's age, not on the projection month", () => {
      const rates = compileMonthlyRates(
        parseAssumptionSet({ ...base, prepayment: { type: "PSA", value: 100 }, default: { type: "SDA", value: 100 } }),
      );
      // The same projection month, loans of different ages: different rates; same age in different months: same.
      expect(rates.smm(1, 4)).to.equal(cprToSmm(psaCpr(WAD, 4)));
      expect(rates.smm(1, 40)).to.equal(cprToSmm(percentToWad("6")));
      expect(rates.smm(7, 4)).to.equal(rates.smm(1, 4));
      expect(rates.mdr(1, 61)).to.equal(cdrToMdr(sdaCdr(WAD, 61)));
    });

    it("indexes vectors by projection month and holds the last value", () => {
      const rates = compileMonthlyRates(
        parseAssumptionSet({
          ...base,
          prepayment: { type: "SMM", vector: [1, 2, 3] },
          default: { type: "MDR", value: 0 },
        }),
      );
      expect([1, 2, 3, 4, 100].map((month) => rates.smm(month, 50))).to.deep.equal(
        ["1", "2", "3", "3", "3"].map((value) => percentToWad(value)),
      );
      expect(rates.mdr(5, 5)).to.equal(0n);
    });

    it("a PSA vector multiplies the ramp month by month", () => {
      const rates = compileMonthlyRates(
        parseAssumptionSet({ ...base, prepayment: { type: "PSA", vector: [100, 200] } }),
      );
      expect(rates.smm(1, 10)).to.equal(cprToSmm(psaCpr(WAD, 10)));
      expect(rates.smm(2, 10)).to.equal(cprToSmm(psaCpr(2n * WAD, 10)));
      expect(rates.smm(9, 35)).to.equal(cprToSmm(percentToWad("12")));
    });
  });
});
