import { expect } from "chai";
import fc from "fast-check";
import { WAD } from "../src/money";
import { generateLoans } from "../src/synthetic-tape";
import { TapeSummaryAccumulator, summarizeTape, type SummaryInput } from "../src/tape-summary";

const loanArbitrary: fc.Arbitrary<SummaryInput> = fc.record({
  currentPrincipalCents: fc.bigInt({ min: 0n, max: 30_000_000n }),
  rateWad: fc.bigInt({ min: 0n, max: WAD }),
  remainingTermMonths: fc.integer({ min: 0, max: 1200 }),
});

describe("tape-summary", () => {
  describe("summarizeTape", () => {
    it("is all zeros for an empty tape", () => {
      expect(summarizeTape([])).to.deep.equal({
        loanCount: 0,
        totalPrincipalCents: 0n,
        waRateWad: 0n,
        waRemainingTermMonthsWad: 0n,
      });
    });

    it("rounds both averages down, once, at the end", () => {
      // Weighted rate (1*1 + 2*2) / 3 = 1.67 -> 1; term (1*1 + 2*2) / 3 months = 1.666...e18 -> ...666.
      const summary = summarizeTape([
        { currentPrincipalCents: 1n, rateWad: 1n, remainingTermMonths: 1 },
        { currentPrincipalCents: 2n, rateWad: 2n, remainingTermMonths: 2 },
      ]);
      expect(summary).to.deep.equal({
        loanCount: 2,
        totalPrincipalCents: 3n,
        waRateWad: 1n,
        waRemainingTermMonthsWad: 1_666_666_666_666_666_666n,
      });
    });

    it("is exact for a realistic two-loan pool", () => {
      // 100,000.00 CNY at 5% with 12 months left, 300,000.00 CNY at 9% with 36 months left.
      const summary = summarizeTape([
        { currentPrincipalCents: 10_000_000n, rateWad: 50_000_000_000_000_000n, remainingTermMonths: 12 },
        { currentPrincipalCents: 30_000_000n, rateWad: 90_000_000_000_000_000n, remainingTermMonths: 36 },
      ]);
      expect(summary.totalPrincipalCents).to.equal(40_000_000n);
      expect(summary.waRateWad).to.equal(80_000_000_000_000_000n); // 8%
      expect(summary.waRemainingTermMonthsWad).to.equal(30n * WAD); // 30 months
    });

    it("counts loans with no principal but gives them no weight", () => {
      const summary = summarizeTape([
        { currentPrincipalCents: 500n, rateWad: 70_000_000_000_000_000n, remainingTermMonths: 10 },
        { currentPrincipalCents: 0n, rateWad: WAD, remainingTermMonths: 1200 },
      ]);
      expect(summary.loanCount).to.equal(2);
      expect(summary.waRateWad).to.equal(70_000_000_000_000_000n);
      expect(summary.waRemainingTermMonthsWad).to.equal(10n * WAD);
      expect(summarizeTape([{ currentPrincipalCents: 0n, rateWad: WAD, remainingTermMonths: 5 }]).waRateWad).to.equal(
        0n,
      );
    });

    it("averages are the floor of the weighted mean, between the smallest and largest value", () => {
      fc.assert(
        fc.property(fc.array(loanArbitrary, { minLength: 1, maxLength: 50 }), (loans) => {
          const summary = summarizeTape(loans);
          const total = loans.reduce((sum, loan) => sum + loan.currentPrincipalCents, 0n);
          expect(summary.loanCount).to.equal(loans.length);
          expect(summary.totalPrincipalCents).to.equal(total);
          if (total === 0n) return;
          const rateSum = loans.reduce((sum, loan) => sum + loan.currentPrincipalCents * loan.rateWad, 0n);
          const termSum = loans.reduce(
            (sum, loan) => sum + loan.currentPrincipalCents * BigInt(loan.remainingTermMonths) * WAD,
            0n,
          );
          // floor: wa * total <= sum < (wa + 1) * total
          expect(summary.waRateWad * total <= rateSum && rateSum < (summary.waRateWad + 1n) * total).to.equal(true);
          expect(
            summary.waRemainingTermMonthsWad * total <= termSum &&
              termSum < (summary.waRemainingTermMonthsWad + 1n) * total,
          ).to.equal(true);
          const weighted = loans.filter((loan) => loan.currentPrincipalCents > 0n);
          const rates = weighted.map((loan) => loan.rateWad);
          expect(summary.waRateWad >= rates.reduce((a, b) => (a < b ? a : b))).to.equal(true);
          expect(summary.waRateWad <= rates.reduce((a, b) => (a > b ? a : b))).to.equal(true);
        }),
      );
    });

    it("does not depend on the order of the records", () => {
      fc.assert(
        fc.property(fc.array(loanArbitrary, { minLength: 1, maxLength: 30 }), (loans) => {
          expect(summarizeTape([...loans].reverse())).to.deep.equal(summarizeTape(loans));
        }),
      );
    });

    it("the accumulator streams and can report part-way", () => {
      const loans = [...generateLoans(40, 3)];
      const accumulator = new TapeSummaryAccumulator();
      loans.slice(0, 10).forEach((loan) => accumulator.add(loan));
      expect(accumulator.result()).to.deep.equal(summarizeTape(loans.slice(0, 10)));
      loans.slice(10).forEach((loan) => accumulator.add(loan));
      expect(accumulator.loanCount).to.equal(40);
      expect(accumulator.result()).to.deep.equal(summarizeTape(generateLoans(40, 3)));
    });
  });
});
