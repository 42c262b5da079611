/**
 * The worked examples SIFMA publishes in Uniform Practices chapter SF ("Standard Formulas for the Analysis of
 * Mortgage-Backed Securities and Other Related Securities", 02/01/99), reproduced figure by figure to the
 * precision the chapter prints them. Where the chapter prints a figure rounded, the test rounds the same way.
 * Every expected value is a published figure, except in the tests marked "(not published)": a round trip, a
 * conservation check and the SF-56 conventions on the chapter's example flows, whose results are worked by hand.
 */
import { expect } from "chai";
import * as sf from "../../src/cashflow/standard";

/** `actual` printed with `decimals` places, as the chapter prints it. */
function printed(actual: number, decimals: number): string {
  return actual.toFixed(decimals);
}

const noDefaults = { default: { type: "MDR", percent: 0 }, severity: 0, monthsToLiquidation: 0 } as const;

describe("SIFMA standard formulas: the published examples", () => {
  describe("SF-4 pass-through cash flow, month 1 (9.0% net, 9.5% gross, 360 months)", () => {
    const month1 = sf.projectStandard(
      { balance: 1, grossCoupon: 0.095, netCoupon: 0.09, originalTermMonths: 360, ageMonths: 0 },
      { prepayment: { type: "PSA", percent: 150 }, ...noDefaults, principalAndInterestAdvanced: false },
    ).periods[0];

    it("reproduces each component per 1 of face", () => {
      if (month1 === undefined) throw new Error("no month 1");
      const gross = month1.expectedInterest * (9.5 / 9);
      const fee = gross - month1.expectedInterest;
      const principal = month1.actualAmortization + month1.voluntaryPrepayments;
      expect(printed(month1.actualAmortization, 8)).to.equal("0.00049188"); // scheduled amortization
      expect(printed(month1.voluntaryPrepayments, 8)).to.equal("0.00025022"); // unscheduled prepayments
      expect(printed(gross, 8)).to.equal("0.00791667"); // gross mortgage interest
      expect(printed(fee, 8)).to.equal("0.00041667"); // servicing fee
      expect(printed(principal, 8)).to.equal("0.00074210"); // pass-through principal
      expect(printed(month1.expectedInterest, 8)).to.equal("0.00750000"); // pass-through interest
      expect(printed(principal + month1.expectedInterest, 8)).to.equal("0.00824210"); // pass-through cash flow
    });
  });

  describe("SF-7/8 speeds from factors (Ginnie Mae I 9.0%, 6/1/89 to 7/1/89)", () => {
    const bal1 = sf.amortizedBalance(0.095, 344, 359);
    const bal2 = sf.amortizedBalance(0.095, 343, 359);
    const speeds = sf.oneMonthSpeeds(0.85150625, 0.84732282, bal1, bal2, 17);

    it("reproduces BAL1, BAL2, the scheduled factor, amortization and prepayments", () => {
      expect(printed(bal1, 8)).to.equal("0.99213300");
      expect(printed(bal2, 8)).to.equal("0.99157471");
      expect(printed(speeds.scheduledFactor, 8)).to.equal("0.85102709");
      expect(printed(speeds.amortization, 8)).to.equal("0.00047916");
      expect(printed(speeds.prepayments, 8)).to.equal("0.00370427");
    });

    it("reproduces SMM 0.435270%, CPR 5.1000% and 150.00% PSA in MONTH 17", () => {
      expect(printed(speeds.smm, 6)).to.equal("0.435270");
      expect(printed(speeds.cpr, 4)).to.equal("5.1000");
      expect(printed(speeds.psa, 2)).to.equal("150.00");
    });

    it("measures the same from the pool's terms", () => {
      const measured = sf.measuredSpeeds(
        [
          {
            originalFace: 1,
            grossCoupon: 0.095,
            originalTermMonths: 359,
            remainingTermMonths: 344,
            ageMonths: 16,
            startFactor: 0.85150625,
            endFactor: 0.84732282,
          },
        ],
        1,
      );
      expect(printed(measured.smm, 6)).to.equal("0.435270");
      expect(printed(measured.cpr, 4)).to.equal("5.1000");
      expect(printed(measured.psa, 2)).to.equal("150.00");
    });
  });

  describe("SF-12 six-month average speeds of two Ginnie Mae I 9% pools (1/1/89 to 7/1/89)", () => {
    const average = sf.measuredSpeeds(
      [
        // $1m issued 4/1/88 with a 358-month WAM; age 360 - WAM (SF-40) = 11 at 1/1/89.
        {
          originalFace: 1_000_000,
          grossCoupon: 0.095,
          originalTermMonths: 358,
          remainingTermMonths: 349,
          ageMonths: 11,
          startFactor: 0.86925218,
          endFactor: 0.84732282,
        },
        // $2m issued 12/1/88, 360 months.
        {
          originalFace: 2_000_000,
          grossCoupon: 0.095,
          originalTermMonths: 360,
          remainingTermMonths: 359,
          ageMonths: 1,
          startFactor: 0.99950812,
          endFactor: 0.9829023,
        },
      ],
      6,
    );

    it("reproduces SMM 0.271142%, CPR 3.2056% and 212.02% PSA (PSA by iteration, not by averaging)", () => {
      expect(printed(average.smm, 6)).to.equal("0.271142");
      expect(printed(average.cpr, 4)).to.equal("3.2056");
      expect(printed(average.psa, 2)).to.equal("212.02");
    });
  });

  describe("SF-14/15 the ABS model", () => {
    it("gives 2.5000% SMM for 2% ABS in month 11 of 36-month car loans", () => {
      expect(printed(sf.absToSmm(2, 11), 4)).to.equal("2.5000");
    });

    it("reproduces the ABS-to-SMM table (selected rows)", () => {
      const table: Record<number, string[]> = {
        1: ["0.50", "1.00", "1.50", "2.00"],
        10: ["0.52", "1.10", "1.73", "2.44"],
        20: ["0.55", "1.23", "2.10", "3.23"],
        30: ["0.58", "1.41", "2.65", "4.76"],
        40: ["0.62", "1.64", "3.61", "9.09"],
        50: ["0.66", "1.96", "5.66", "100.00"],
      };
      for (const [month, row] of Object.entries(table)) {
        const computed = [0.5, 1, 1.5, 2].map((abs) => printed(sf.absToSmm(abs, Number(month)), 2));
        expect(computed, `month ${month}`).to.deep.equal(row);
      }
    });

    it("measures an ABS speed back from factors (SF-14 formula round trip; not published)", () => {
      // A 36-month 12% pool that prepaid at exactly 1.5% ABS from age 0 to 6: F = BAL x survivors.
      const survivors = (age: number) => 1 - 0.015 * age;
      const bal = (age: number) => sf.amortizedBalance(0.12, 36 - age, 36);
      const measured = sf.measuredAbsSpeed(
        {
          originalFace: 1,
          grossCoupon: 0.12,
          originalTermMonths: 36,
          remainingTermMonths: 34,
          ageMonths: 2,
          startFactor: bal(2) * survivors(2),
          endFactor: bal(8) * survivors(8),
        },
        6,
      );
      expect(measured).to.be.closeTo(1.5, 1e-9);
    });
  });

  describe("SF-23..SF-38 cash flows with defaults ($100m, 8% WAC, 360 months, 12 months to liquidation, 20% severity, P&I advanced)", () => {
    const pool = { balance: 100_000_000, grossCoupon: 0.08, netCoupon: 0.08, originalTermMonths: 360, ageMonths: 0 };
    const cashFlowA = sf.projectStandard(pool, {
      prepayment: { type: "SMM", percent: 1 },
      default: { type: "MDR", percent: 1 },
      severity: 0.2,
      monthsToLiquidation: 12,
      principalAndInterestAdvanced: true,
    });

    it("Cash Flow A month 1: 999,329 prepaid on the performing balance after amortization, not after defaults", () => {
      const month1 = cashFlowA.periods[0];
      expect(Math.round(month1?.voluntaryPrepayments ?? 0)).to.equal(999_329);
      expect(Math.round(month1?.newDefaults ?? 0)).to.equal(1_000_000);
      expect(Math.round(month1?.performingBalance ?? 0)).to.equal(97_934_244);
    });

    it("Cash Flow A conserves principal: every dollar prepays, amortizes, recovers or is lost (not published)", () => {
      const { totals } = cashFlowA;
      const principal = totals.expectedAmortization + totals.voluntaryPrepayments + totals.principalRecovery;
      expect(principal + totals.principalLoss).to.be.closeTo(100_000_000, 1e-4);
      const last = cashFlowA.periods[cashFlowA.periods.length - 1];
      expect(last?.performingBalance).to.be.closeTo(0, 1e-6);
      expect(last?.inForeclosure).to.be.closeTo(0, 1e-6);
      // No defaults in the last 12 months of the term (SF-19 j).
      for (const period of cashFlowA.periods.slice(348)) expect(period.newDefaults).to.equal(0);
    });

    it("reproduces the cumulative default matrix (% of original balance, PSA rows x SDA columns)", () => {
      const published: Record<number, string[]> = {
        100: ["1.56", "3.09", "4.59", "6.08", "7.53", "8.97"],
        150: ["1.40", "2.78", "4.13", "5.47", "6.79", "8.08"],
        200: ["1.26", "2.51", "3.74", "4.95", "6.14", "7.32"],
        300: ["1.05", "2.08", "3.10", "4.11", "5.10", "6.08"],
      };
      for (const [psa, row] of Object.entries(published)) {
        const computed = [50, 100, 150, 200, 250, 300].map((sda) => {
          const run = sf.projectStandard(pool, {
            prepayment: { type: "PSA", percent: Number(psa) },
            default: { type: "SDA", percent: sda },
            severity: 0.2,
            monthsToLiquidation: 12,
            principalAndInterestAdvanced: true,
          });
          return printed((100 * run.totals.newDefaults) / pool.balance, 2);
        });
        expect(computed, `${psa}% PSA`).to.deep.equal(row);
      }
    });
  });

  describe("SF-49..SF-51 yield and yield-related measures (Ginnie Mae I 9.0%, 150% PSA, 14-day delay)", () => {
    const projection = sf.projectStandard(
      { balance: 100, grossCoupon: 0.095, netCoupon: 0.09, originalTermMonths: 360, ageMonths: 0 },
      { prepayment: { type: "PSA", percent: 150 }, ...noDefaults, principalAndInterestAdvanced: false },
    );
    const atIssue = sf.timedInvestorFlows(projection, false, 14);
    const yieldAtPar = sf.yieldAtPrice(atIssue, 100);

    it("settled on the issue date at 100: yield, mortgage yield, average life, durations, convexity", () => {
      expect(printed(yieldAtPar, 5)).to.equal("9.10675");
      expect(printed(sf.mortgageYield(yieldAtPar), 5)).to.equal("8.93863");
      expect(printed(sf.averageLife(atIssue), 5)).to.equal("9.77844");
      expect(printed(sf.macaulayDuration(atIssue, yieldAtPar), 5)).to.equal("5.73147");
      expect(printed(sf.modifiedDuration(atIssue, yieldAtPar), 5)).to.equal("5.48186");
      expect(printed(sf.cashFlowConvexity(atIssue, yieldAtPar), 6)).to.equal("0.544326");
    });

    it("prices back to 100 at that yield", () => {
      expect(sf.priceAtYield(atIssue, yieldAtPar)).to.be.closeTo(100, 1e-9);
    });

    it("effective duration 5.44 and convexity -0.600 from the prices 10 bp either side (99.453 / 100.541)", () => {
      const effective = sf.effectiveMeasures(100.541, 100, 99.453, 0.1);
      expect(printed(effective.duration, 2)).to.equal("5.44");
      expect(printed(effective.convexity, 3)).to.equal("-0.600");
    });

    it("total rate of return: three months, flows reinvested at 8%, sold at the yield: PT 102.2502, 9.102% / 2.250%", () => {
      // The third month's flow arrives 14 days after the horizon and is discounted back to it; the sale values
      // the flows after the holding period at the yield.
      const horizon = 0.25;
      const remaining = atIssue.slice(3).map((flow) => ({ ...flow, years: flow.years - horizon }));
      const terminal = sf.terminalValue(atIssue.slice(0, 3), horizon, sf.priceAtYield(remaining, yieldAtPar), 8);
      expect(printed(terminal, 4)).to.equal("102.2502");
      const result = sf.holdingPeriodReturn(100, terminal, horizon);
      expect(printed(result.bondEquivalentPercent, 3)).to.equal("9.102");
      expect(printed(result.totalPercent, 3)).to.equal("2.250");
    });

    it("settled 7 days after issue: full price 100.1750 and yield 9.10644%", () => {
      const fullPrice = 100 + sf.accruedInterest(9, 7);
      expect(printed(fullPrice, 4)).to.equal("100.1750");
      const later = sf.timedInvestorFlows(projection, false, 14, 7);
      expect(printed(sf.yieldAtPrice(later, fullPrice), 5)).to.equal("9.10644");
    });
  });

  describe("SF-56 average life of an accrual instrument (results not published; worked by hand)", () => {
    // $100 at 10% a period: period 1 accretes 10 (negative principal), period 2 pays 11 of interest, period 3
    // repays 110.
    const flows: sf.TimedFlow[] = [
      { years: 1, principal: -10, interest: 10 },
      { years: 2, principal: 0, interest: 11 },
      { years: 3, principal: 110, interest: 11 },
    ];

    it("GPM/ARM convention (all principal): (1 x -10 + 3 x 110) / 100 = 3.2", () => {
      expect(sf.averageLife(flows)).to.be.closeTo(3.2, 1e-12);
    });

    it("Z-bond convention (positive principal only): 3 x 110 / 110 = 3.0", () => {
      expect(sf.averageLife(flows, true)).to.be.closeTo(3, 1e-12);
    });
  });
});
