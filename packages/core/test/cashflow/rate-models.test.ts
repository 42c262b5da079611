import { expect } from "chai";
import fc from "fast-check";
import {
  WAD,
  absSmm,
  cdrToMdr,
  cprToSmm,
  mdrToCdr,
  percentToWad,
  psaCpr,
  sdaBaseCdr,
  sdaCdr,
  smmToCpr,
  wadToNumber,
} from "../../src/cashflow";

const pct = percentToWad;
/** A wad rounded to `digits` decimals as a fraction, for comparing with published rounded figures. */
const rounded = (wad: bigint, digits: number): number => Number(wadToNumber(wad).toFixed(digits));

describe("cashflow/rate-models", () => {
  describe("CPR <-> SMM and CDR <-> MDR", () => {
    it("matches published conversions", () => {
      // 6% CPR -> SMM 0.005143 (SMM = 1 - (1 - CPR)^(1/12); e.g. the CFA Level II worked answer on analystforum
      // "CPR" thread, and Fabozzi Exhibit 11-3: "from month 27 on, the SMM is 0.00514, a CPR of 6%").
      expect(rounded(cprToSmm(pct("6")), 6)).to.equal(0.005143);
      // CFA: month 6 at 100 PSA -> CPR 1.2% -> SMM 0.001006.
      expect(rounded(cprToSmm(psaCpr(WAD, 6)), 6)).to.equal(0.001006);
      // Annual default rates convert with the same formula (SIFMA SF-17: MDR = 1 - (1 - CDR)^(1/12)).
      expect(cdrToMdr(pct("6"))).to.equal(cprToSmm(pct("6")));
      expect(cprToSmm(0n)).to.equal(0n);
      expect(cprToSmm(WAD)).to.equal(WAD);
    });

    it("SMM -> CPR is exact in integers: 1 - (1 - SMM)^12, rounded down", () => {
      // SMM 1% -> CPR 1 - 0.99^12 = 0.113615128283870719... (exact rational, truncated at 18 digits).
      expect(smmToCpr(pct("1"))).to.equal(113_615_128_283_870_719n);
      expect(mdrToCdr(pct("1"))).to.equal(smmToCpr(pct("1")));
    });

    it("round-trips CPR -> SMM -> CPR within float precision", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: WAD - 10n ** 12n }), (cpr) => {
          const back = smmToCpr(cprToSmm(cpr));
          const error = back > cpr ? back - cpr : cpr - back;
          expect(error <= 10_000n, `cpr ${cpr} came back as ${back}`).to.equal(true); // < 1e-14 absolute
        }),
      );
    });
  });

  describe("PSA benchmark (ramp on loan age)", () => {
    it("follows the published ramp: 0.2% CPR per month of age, 6% from month 30", () => {
      // SIFMA SF-5 / Oracle OFSAA "PSA method" page: 100% PSA = 0.2% CPR in month 1, +0.2% a month, 6% from 30;
      // 200% PSA = 0.4% in month 1, 12% from month 30.
      expect(psaCpr(WAD, 1)).to.equal(pct("0.2"));
      expect(psaCpr(WAD, 15)).to.equal(pct("3"));
      expect(psaCpr(WAD, 30)).to.equal(pct("6"));
      expect(psaCpr(WAD, 31)).to.equal(pct("6"));
      expect(psaCpr(WAD, 360)).to.equal(pct("6"));
      expect(psaCpr(2n * WAD, 1)).to.equal(pct("0.4"));
      expect(psaCpr(2n * WAD, 30)).to.equal(pct("12"));
      expect(psaCpr(WAD, 0)).to.equal(0n);
    });

    it("matches published SMMs: 200 PSA months 10 and 30, and a pool seasoned 3 months", () => {
      // FRM practice question (gaodun.com/frm/873131): 200% PSA -> SMM 0.34% in month 10 and 1.06% in month 30.
      expect(rounded(cprToSmm(psaCpr(2n * WAD, 10)), 4)).to.equal(0.0034);
      expect(rounded(cprToSmm(psaCpr(2n * WAD, 30)), 4)).to.equal(0.0106);
      // Fabozzi Exhibit 11-3 (WAM 357, so the loans are 3 months old): month 1 is loan age 4, CPR 0.8%,
      // SMM 0.00067; from projection month 27 (age 30) on the SMM is 0.00514.
      expect(rounded(cprToSmm(psaCpr(WAD, 4)), 5)).to.equal(0.00067);
      expect(rounded(cprToSmm(psaCpr(WAD, 30)), 5)).to.equal(0.00514);
    });

    it("caps the CPR at 100% for extreme speeds", () => {
      expect(psaCpr(50n * WAD, 30)).to.equal(WAD);
    });
  });

  describe("SDA benchmark (ramp on loan age)", () => {
    it("follows the published curve: 0.02% rising to 0.6%, flat to 60, down to 0.03% at 120", () => {
      // SIFMA SF-20 as summarised by pistulka.com "Standard Default Assumption (SDA)": 0.02% CDR in month 1, +0.02%
      // a month to 0.6% at month 30, flat to month 60, then -0.0095% a month to 0.03% at month 120, flat after.
      expect(sdaBaseCdr(1)).to.equal(pct("0.02"));
      expect(sdaBaseCdr(2)).to.equal(pct("0.04"));
      expect(sdaBaseCdr(30)).to.equal(pct("0.6"));
      expect(sdaBaseCdr(45)).to.equal(pct("0.6"));
      expect(sdaBaseCdr(60)).to.equal(pct("0.6"));
      expect(sdaBaseCdr(61)).to.equal(pct("0.5905"));
      expect(sdaBaseCdr(90)).to.equal(pct("0.315"));
      expect(sdaBaseCdr(119)).to.equal(pct("0.0395"));
      expect(sdaBaseCdr(120)).to.equal(pct("0.03"));
      expect(sdaBaseCdr(360)).to.equal(pct("0.03"));
      expect(sdaBaseCdr(0)).to.equal(0n);
    });

    it("scales with the speed: 200% SDA doubles every month", () => {
      for (const age of [1, 30, 61, 120, 200]) expect(sdaCdr(2n * WAD, age)).to.equal(2n * sdaBaseCdr(age));
      expect(sdaCdr(WAD / 2n, 30)).to.equal(pct("0.3"));
    });
  });

  describe("ABS prepayment model", () => {
    it("matches the published example: 1.5% ABS five months out is 1.60% SMM", () => {
      // Allman, Modeling Structured Finance Cash Flows with Microsoft Excel, ch. 3 "ABS: Absolute Prepayment
      // Speed": SMM = ABS / (1 - ABS x (n - 1)); 1.50% ABS -> 1.60% SMM five months out.
      expect(rounded(absSmm(pct("1.5"), 5), 4)).to.equal(0.016);
      expect(absSmm(pct("1.5"), 1)).to.equal(pct("1.5")); // a new loan: SMM = ABS
    });

    it("reaches 100% once every original loan has prepaid", () => {
      // 10% ABS: 10 months prepay all ten tenths of the original loans.
      expect(absSmm(pct("10"), 10)).to.equal(WAD);
      expect(absSmm(pct("10"), 9)).to.equal(WAD / 2n); // 0.1 / (1 - 0.8) = 50%
    });
  });
});
