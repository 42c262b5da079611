import { expect } from "chai";
import fc from "fast-check";
import {
  CashflowError,
  WAD,
  bondEquivalentToMonthly,
  constantCurve,
  lossCoverage,
  macaulayDurationYears,
  modifiedDurationYears,
  monthlyToBondEquivalent,
  overrideTiers,
  parseAssumptionSet,
  percentToWad,
  priceFromYield,
  principalCollectedCents,
  projectPool,
  scenarioGrid,
  scheduledAmortization,
  singleTier,
  weightedAverageLifeYears,
  yieldFromPrice,
  type ProjectionLoan,
} from "../../src/cashflow";

const mortgage = scheduledAmortization({
  currentPrincipalCents: 100_000_00n,
  rateWad: percentToWad("9.5"),
  remainingTermMonths: 360,
  amortization: "levelPayment",
  paymentFrequency: "monthly",
  dayCount: "30/360",
});
const mortgagePayments = mortgage.map((row) => row.paymentCents);

describe("cashflow/analytics", () => {
  describe("bond-equivalent yield", () => {
    it("converts monthly cash-flow yields as published", () => {
      // Fabozzi (bond-equivalent yield of a pass-through, as quoted on qoschin.com): y_M = 0.7% -> 2[(1.007)^6 - 1]
      // = 8.548%; financetrain.com "Cash Flow Yield": 1% a month -> 12.304%.
      expect(monthlyToBondEquivalent(0.007)).to.be.closeTo(0.0854837, 1e-7);
      expect(monthlyToBondEquivalent(0.01)).to.be.closeTo(0.12304, 1e-5);
      expect(bondEquivalentToMonthly(monthlyToBondEquivalent(0.0065))).to.be.closeTo(0.0065, 1e-15);
    });
  });

  describe("weighted average life", () => {
    it("is the principal-weighted average time in years", () => {
      expect(weightedAverageLifeYears([...new Array<bigint>(59).fill(0n), 1_000n])).to.equal(5); // bullet at month 60
      // Equal principal over 12 months: (1 + 2 + ... + 12) / 12 months = 6.5 months.
      expect(weightedAverageLifeYears(new Array<bigint>(12).fill(100n))).to.be.closeTo(6.5 / 12, 1e-15);
      expect(weightedAverageLifeYears([1n, 0n, 1n], 4)).to.equal(0.5); // quarterly periods
    });

    it("shortens as prepayments speed up", () => {
      const principal = mortgage.map((row) => row.principalCents);
      const scheduledWal = weightedAverageLifeYears(principal);
      expect(scheduledWal).to.be.within(21, 22); // a 30-year 9.5% mortgage repays most principal late
      const loan: ProjectionLoan = {
        currentPrincipalCents: 100_000_00n,
        rateWad: percentToWad("9.5"),
        remainingTermMonths: 360,
        ageMonths: 0,
        amortization: "levelPayment",
        paymentFrequency: "monthly",
        dayCount: "30/360",
        tierKey: "all",
      };
      const wals = [0, 100, 300].map((speed) => {
        const pool = projectPool(
          [loan],
          singleTier(
            parseAssumptionSet({
              prepayment: { type: "PSA", value: speed },
              default: { type: "CDR", value: 0 },
              recovery: { severityPercent: 0, lagMonths: 0 },
            }),
          ),
        );
        return weightedAverageLifeYears(pool.periods.map(principalCollectedCents));
      });
      expect(wals[0]).to.equal(scheduledWal);
      expect(wals[0] ?? 0).to.be.greaterThan(wals[1] ?? 0);
      expect(wals[1] ?? 0).to.be.greaterThan(wals[2] ?? 0);
    });

    it("refuses a stream without principal", () => {
      expect(() => weightedAverageLifeYears([0n, 0n]))
        .to.throw(CashflowError)
        .with.property("code", "INVALID_ANALYTICS_INPUT");
    });
  });

  describe("price and yield", () => {
    it("a level-pay mortgage priced at par yields its note rate (monthly, quoted bond-equivalent)", () => {
      const expected = monthlyToBondEquivalent(0.095 / 12); // 9.6885%
      expect(yieldFromPrice(mortgagePayments, 100, 100_000_00n)).to.be.closeTo(expected, 1e-6);
      expect(priceFromYield(mortgagePayments, expected, 100_000_00n)).to.be.closeTo(100, 1e-4);
    });

    it("round-trips price -> yield -> price", () => {
      fc.assert(
        fc.property(fc.double({ min: 60, max: 140, noNaN: true }), (price) => {
          const bey = yieldFromPrice(mortgagePayments, price, 100_000_00n);
          expect(priceFromYield(mortgagePayments, bey, 100_000_00n)).to.be.closeTo(price, 1e-7);
        }),
        { numRuns: 50 },
      );
    });

    it("rejects prices it cannot solve and bad faces", () => {
      expect(() => yieldFromPrice(mortgagePayments, -5, 100_000_00n))
        .to.throw(CashflowError)
        .with.property("code", "INVALID_ANALYTICS_INPUT");
      expect(() => yieldFromPrice([0n, 0n], 100, 100n))
        .to.throw(CashflowError)
        .with.property("code", "NO_CONVERGENCE");
      expect(() => priceFromYield(mortgagePayments, 0.05, 0n))
        .to.throw(CashflowError)
        .with.property("code", "INVALID_ANALYTICS_INPUT");
    });
  });

  describe("duration", () => {
    it("a zero-coupon flow's Macaulay duration is its maturity; modified divides by 1 + BEY/2", () => {
      const zero = [...new Array<bigint>(119).fill(0n), 1_000_000n];
      expect(macaulayDurationYears(zero, 0.06)).to.be.closeTo(10, 1e-12);
      expect(modifiedDurationYears(zero, 0.06)).to.be.closeTo(10 / 1.03, 1e-12);
    });

    it("modified duration is the relative price sensitivity to the bond-equivalent yield", () => {
      const y = 0.07;
      const h = 1e-6;
      const price = (bey: number) => priceFromYield(mortgagePayments, bey, 100_000_00n);
      const numeric = (price(y - h) - price(y + h)) / (2 * h) / price(y);
      expect(modifiedDurationYears(mortgagePayments, y)).to.be.closeTo(numeric, 1e-5);
    });
  });

  describe("loss coverage", () => {
    it("bisects to the highest CDR with no loss", () => {
      const breakeven = percentToWad("12.34");
      const result = lossCoverage((cdr) => (cdr > breakeven ? cdr - breakeven : 0n));
      const shortfall = breakeven - result.breakevenCdrWad;
      expect(shortfall >= 0n && shortfall <= 10n ** 12n, `shortfall ${shortfall}`).to.equal(true);
      expect(result).to.deep.include({ survivesHigh: false, failsLow: false });
      expect(result.evaluations).to.be.below(30);
    });

    it("reports when the tranche survives everything or nothing, and honours a loss threshold", () => {
      expect(lossCoverage(() => 0n)).to.deep.include({ breakevenCdrWad: WAD, survivesHigh: true });
      expect(lossCoverage(() => 1n)).to.deep.include({ breakevenCdrWad: 0n, failsLow: true });
      expect(lossCoverage(() => 1n, { lossThresholdCents: 1n }).survivesHigh).to.equal(true);
      expect(() => lossCoverage(() => 0n, { lowCdrWad: WAD, highCdrWad: 0n }))
        .to.throw(CashflowError)
        .with.property("code", "INVALID_ANALYTICS_INPUT");
    });

    it("finds a higher breakeven CDR for a tranche with more subordination (projected pool)", () => {
      const loans: ProjectionLoan[] = Array.from({ length: 5 }, (_, i) => ({
        currentPrincipalCents: 2_000_000_00n,
        rateWad: percentToWad("7"),
        remainingTermMonths: 60,
        ageMonths: 6 * i,
        amortization: "levelPayment",
        paymentFrequency: "monthly",
        dayCount: "30/360",
        tierKey: "all",
      }));
      const base = singleTier(
        parseAssumptionSet({
          prepayment: { type: "ABS", value: 1.3 },
          default: { type: "CDR", value: 0 },
          recovery: { severityPercent: 50, lagMonths: 6 },
        }),
      );
      const poolLoss = (cdr: bigint) =>
        projectPool(loans, overrideTiers(base, { default: { type: "CDR", curve: constantCurve(cdr) } })).totals
          .lossCents;
      // Senior tranche loss with first-loss subordination of `sub` cents (a stand-in for the waterfall).
      const seniorLoss = (sub: bigint) => (cdr: bigint) => {
        const loss = poolLoss(cdr) - sub;
        return loss > 0n ? loss : 0n;
      };
      const tolerance = 10n ** 14n; // 0.01% CDR
      const thin = lossCoverage(seniorLoss(50_000_00n), { toleranceWad: tolerance });
      const thick = lossCoverage(seniorLoss(500_000_00n), { toleranceWad: tolerance });
      expect(thick.breakevenCdrWad > thin.breakevenCdrWad).to.equal(true);
      expect(seniorLoss(500_000_00n)(thick.breakevenCdrWad)).to.equal(0n);
      expect(seniorLoss(500_000_00n)(thick.breakevenCdrWad + tolerance) > 0n).to.equal(true);
    });
  });

  it("evaluates a caller's metrics over a CPR x CDR grid", () => {
    const loan: ProjectionLoan = {
      currentPrincipalCents: 10_000_000_00n,
      rateWad: percentToWad("8"),
      remainingTermMonths: 48,
      ageMonths: 0,
      amortization: "levelPayment",
      paymentFrequency: "monthly",
      dayCount: "30/360",
      tierKey: "all",
    };
    const base = singleTier(
      parseAssumptionSet({
        prepayment: { type: "CPR", value: 0 },
        default: { type: "CDR", value: 0 },
        recovery: { severityPercent: 45, lagMonths: 3 },
      }),
    );
    const cprs = ["0", "10", "20"].map((value) => percentToWad(value));
    const cdrs = ["0", "5"].map((value) => percentToWad(value));
    const calls: string[] = [];
    const grid = scenarioGrid(cprs, cdrs, (cpr, cdr) => {
      calls.push(`${cpr}/${cdr}`);
      const pool = projectPool(
        [loan],
        overrideTiers(base, {
          prepayment: { type: "CPR", curve: constantCurve(cpr) },
          default: { type: "CDR", curve: constantCurve(cdr) },
        }),
      );
      return { wal: weightedAverageLifeYears(pool.periods.map(principalCollectedCents)), loss: pool.totals.lossCents };
    });
    expect(grid.cells).to.have.length(3);
    expect(grid.cells.every((row) => row.length === 2)).to.equal(true);
    expect(calls).to.deep.equal(cprs.flatMap((cpr) => cdrs.map((cdr) => `${cpr}/${cdr}`)));
    const wal = (i: number, j: number) => grid.cells[i]?.[j]?.wal ?? Number.NaN;
    expect(wal(0, 0)).to.be.greaterThan(wal(1, 0));
    expect(wal(1, 0)).to.be.greaterThan(wal(2, 0));
    expect(grid.cells[0]?.[0]?.loss).to.equal(0n);
    expect((grid.cells[0]?.[1]?.loss ?? 0n) > (grid.cells[2]?.[1]?.loss ?? 0n)).to.equal(true); // prepaid loans can't default
  });
});
