import { expect } from "chai";
import fc from "fast-check";
import {
  AMORTIZATIONS,
  type AmortizingLoan,
  CashflowError,
  DAY_COUNTS,
  PAYMENT_FREQUENCIES,
  WAD,
  levelPaymentCents,
  parseCalendarDate,
  percentToWad,
  scheduledAmortization,
} from "../../src/cashflow";

const monthly = (overrides: Partial<AmortizingLoan>): AmortizingLoan => ({
  currentPrincipalCents: 100_000_00n,
  rateWad: percentToWad("6"),
  remainingTermMonths: 12,
  amortization: "levelPayment",
  paymentFrequency: "monthly",
  dayCount: "30/360",
  ...overrides,
});

/** Dollars-and-cents text to cents: "10,923.70" -> 1092370n. */
const cents = (text: string): bigint => BigInt(text.replace(/[,.]/g, ""));

describe("cashflow/schedule", () => {
  describe("level payment against published amortization tables", () => {
    it("reproduces a published 36-month table to the cent ($11,200 at 8%)", () => {
      // Source: searchlawrence.com mortgage calculator, amortization schedule for amount=11200, rate=8, months=36
      // (https://www.searchlawrence.com/mortgage_calculator/amortization_schedule.php?amount=11200&rate=8&months=36).
      // Columns: payment, interest, principal, balance; rows 1-34 transcribed. The source carries unrounded float
      // balances and prints them rounded, so its balance column drifts from the cent-exact running balance by up to
      // 2 cents (row 4: 10,365.55 - 281.87 = 10,083.68, it prints 10,083.69). Payment, interest and principal must
      // match exactly, and our balance must be 11,200.00 minus the published principals so far. In rows 35-36 the
      // drift reaches the payment (it prints a last payment of 350.86 on a 348.54 balance), so there we check our
      // own arithmetic: the last payment absorbs the residue and the balance ends at 0.
      const published = `
        350.97 74.67 276.30 10,923.70 | 350.97 72.82 278.15 10,645.55 | 350.97 70.97 280.00 10,365.55
        350.97 69.10 281.87 10,083.69 | 350.97 67.22 283.75 9,799.94  | 350.97 65.33 285.64 9,514.30
        350.97 63.43 287.54 9,226.76  | 350.97 61.51 289.46 8,937.30  | 350.97 59.58 291.39 8,645.92
        350.97 57.64 293.33 8,352.58  | 350.97 55.68 295.29 8,057.30  | 350.97 53.72 297.25 7,760.04
        350.97 51.73 299.24 7,460.81  | 350.97 49.74 301.23 7,159.58  | 350.97 47.73 303.24 6,856.34
        350.97 45.71 305.26 6,551.08  | 350.97 43.67 307.30 6,243.78  | 350.97 41.63 309.34 5,934.43
        350.97 39.56 311.41 5,623.03  | 350.97 37.49 313.48 5,309.54  | 350.97 35.40 315.57 4,993.97
        350.97 33.29 317.68 4,676.29  | 350.97 31.18 319.79 4,356.50  | 350.97 29.04 321.93 4,034.57
        350.97 26.90 324.07 3,710.50  | 350.97 24.74 326.23 3,384.27  | 350.97 22.56 328.41 3,055.86
        350.97 20.37 330.60 2,725.26  | 350.97 18.17 332.80 2,392.46  | 350.97 15.95 335.02 2,057.44
        350.97 13.72 337.25 1,720.19  | 350.97 11.47 339.50 1,380.68  | 350.97 9.20 341.77 1,038.92
        350.97 6.93 344.04 694.87`
        .split(/[|\n]/)
        .filter((row) => row.trim() !== "")
        .map((row) => row.trim().split(/\s+/).map(cents));
      expect(published).to.have.length(34);
      const rows = scheduledAmortization(
        monthly({ currentPrincipalCents: 11_200_00n, rateWad: percentToWad("8"), remainingTermMonths: 36 }),
      );
      expect(rows).to.have.length(36);
      let repaid = 0n;
      published.forEach((expected, index) => {
        const row = rows[index];
        const [payment, interest, principal = 0n] = expected;
        expect([row?.paymentCents, row?.interestCents, row?.principalCents], `row ${index + 1}`).to.deep.equal([
          payment,
          interest,
          principal,
        ]);
        repaid += principal;
        expect(row?.balanceCents, `row ${index + 1} balance`).to.equal(11_200_00n - repaid);
      });
      const [row35, row36] = [rows[34], rows[35]];
      expect(row35).to.deep.include({ paymentCents: 350_97n, interestCents: 4_63n, principalCents: 346_34n });
      expect(row36).to.deep.include({ interestCents: 2_32n, principalCents: 348_53n, balanceCents: 0n });
      expect(row36?.paymentCents).to.equal(350_85n); // the last payment absorbs the rounding residue
    });

    it("computes the level payment of published examples exactly, rounded half up to the cent", () => {
      // GnuCash financial calculator sample (src/calculation/sample): $345,725.00 at 8.25% for 360 months -> 2,597.32.
      expect(levelPaymentCents(345_725_00n, percentToWad("8.25"), 12, 360)).to.equal(2_597_32n);
      // searchlawrence.com: $1,870,000 at 4.875% for 360 months -> 9,896.19.
      expect(levelPaymentCents(1_870_000_00n, percentToWad("4.875"), 12, 360)).to.equal(9_896_19n);
      // Fabozzi, Bond Markets, Analysis, and Strategies, Exhibit 11-3: $400 million, WAC 8.125%, WAM 357 months,
      // month-1 mortgage payment $2,975,868 (to the dollar).
      const payment = levelPaymentCents(400_000_000_00n, percentToWad("8.125"), 12, 357);
      expect((payment + 50n) / 100n).to.equal(2_975_868n);
      // A zero rate repays in equal parts.
      expect(levelPaymentCents(1_200_00n, 0n, 12, 12)).to.equal(100_00n);
    });
  });

  describe("other amortization types", () => {
    it("equal principal: the same principal each period, interest on the declining balance", () => {
      // $1,200.00 at 12% over 4 quarters, 30/360: principal 300.00 a quarter; interest 3% of the balance.
      const rows = scheduledAmortization(
        monthly({
          currentPrincipalCents: 1_200_00n,
          rateWad: percentToWad("12"),
          remainingTermMonths: 12,
          amortization: "equalPrincipal",
          paymentFrequency: "quarterly",
        }),
      );
      expect(rows.map((row) => [row.month, row.principalCents, row.interestCents, row.balanceCents])).to.deep.equal([
        [3, 300_00n, 36_00n, 900_00n],
        [6, 300_00n, 27_00n, 600_00n],
        [9, 300_00n, 18_00n, 300_00n],
        [12, 300_00n, 9_00n, 0n],
      ]);
    });

    it("equal principal: the last installment takes the rounding remainder", () => {
      const rows = scheduledAmortization(
        monthly({ currentPrincipalCents: 100_00n, remainingTermMonths: 3, amortization: "equalPrincipal" }),
      );
      expect(rows.map((row) => row.principalCents)).to.deep.equal([33_33n, 33_33n, 33_34n]);
    });

    it("interest-only then bullet: coupons every period, principal at maturity", () => {
      const rows = scheduledAmortization(
        monthly({
          currentPrincipalCents: 10_000_00n,
          rateWad: percentToWad("5"),
          remainingTermMonths: 24,
          amortization: "interestOnlyBullet",
          paymentFrequency: "semiAnnual",
        }),
      );
      expect(rows.map((row) => [row.month, row.interestCents, row.principalCents])).to.deep.equal([
        [6, 250_00n, 0n],
        [12, 250_00n, 0n],
        [18, 250_00n, 0n],
        [24, 250_00n, 10_000_00n],
      ]);
    });

    it("bullet: principal and simple interest since the cut-off in one payment", () => {
      // $10,000 at 6% for 18 months, 30/360: interest 10,000 x 6% x 540/360 = 900.00.
      const rows = scheduledAmortization(
        monthly({ currentPrincipalCents: 10_000_00n, remainingTermMonths: 18, amortization: "bullet" }),
      );
      expect(rows).to.have.length(18);
      expect(rows.slice(0, 17).every((row) => row.paymentCents === 0n)).to.equal(true);
      expect(rows[17]).to.deep.include({ interestCents: 900_00n, principalCents: 10_000_00n, balanceCents: 0n });
    });

    it("a term that is not a multiple of the period starts with a short stub", () => {
      const rows = scheduledAmortization(
        monthly({ remainingTermMonths: 7, amortization: "interestOnlyBullet", paymentFrequency: "quarterly" }),
      );
      // Payments in months 1, 4, 7; the 1-month stub pays one month of interest (100,000 x 6% / 12 = 500).
      expect(rows.map((row) => [row.month, row.interestCents])).to.deep.equal([
        [1, 500_00n],
        [4, 1_500_00n],
        [7, 1_500_00n],
      ]);
    });

    it("ACT/360 interest follows the calendar; the level payment uses rate / 12", () => {
      const loan = monthly({ currentPrincipalCents: 36_000_00n, dayCount: "ACT/360", remainingTermMonths: 3 });
      const rows = scheduledAmortization(loan, { cutoffDate: parseCalendarDate("2023-01-15") });
      // 15 Jan -> 15 Feb: 31 days; interest = 36,000 x 6% x 31/360 = 186.00.
      expect(rows[0]?.interestCents).to.equal(186_00n);
      expect(rows[0]?.paymentCents).to.equal(levelPaymentCents(36_000_00n, percentToWad("6"), 12, 3));
      expect(rows[2]?.balanceCents).to.equal(0n);
      expect(() => scheduledAmortization(loan))
        .to.throw(CashflowError)
        .with.property("code", "MISSING_CUTOFF_DATE");
    });
  });

  it("rejects a loan that breaks an invariant with INVALID_LOAN", () => {
    for (const bad of [
      monthly({ currentPrincipalCents: -1n }),
      monthly({ rateWad: -1n }),
      monthly({ remainingTermMonths: 0 }),
      monthly({ remainingTermMonths: 1.5 }),
    ]) {
      expect(() => scheduledAmortization(bad))
        .to.throw(CashflowError, /expected/)
        .with.property("code", "INVALID_LOAN");
    }
  });

  it("every schedule repays exactly the balance and ends at 0; level payments are level but the last", () => {
    fc.assert(
      fc.property(
        fc.record({
          currentPrincipalCents: fc.bigInt({ min: 0n, max: 10n ** 11n }),
          rateWad: fc.bigInt({ min: 0n, max: WAD / 4n }),
          remainingTermMonths: fc.integer({ min: 1, max: 480 }),
          amortization: fc.constantFrom(...AMORTIZATIONS),
          paymentFrequency: fc.constantFrom(...PAYMENT_FREQUENCIES),
          dayCount: fc.constantFrom(...DAY_COUNTS),
        }),
        (loan) => {
          const rows = scheduledAmortization(loan, { cutoffDate: parseCalendarDate("2024-01-31") });
          const repaid = rows.reduce((sum, row) => sum + row.principalCents, 0n);
          expect(repaid).to.equal(loan.currentPrincipalCents);
          expect(rows[rows.length - 1]?.balanceCents).to.equal(0n);
          for (const row of rows) {
            expect(row.principalCents >= 0n && row.interestCents >= 0n).to.equal(true);
            expect(row.paymentCents).to.equal(row.principalCents + row.interestCents);
          }
          if (loan.amortization === "levelPayment" && loan.dayCount === "30/360") {
            // Level until the last payment, unless cent rounding makes the installment repay a tiny balance early
            // or fall below the interest (then the row pays the interest and no principal; see
            // scheduledPrincipalCents).
            const installment = levelPaymentCents(
              loan.currentPrincipalCents,
              loan.rateWad,
              12 / ({ monthly: 1, quarterly: 3, semiAnnual: 6, annual: 12 } as const)[loan.paymentFrequency],
              rows.length,
            );
            for (const row of rows.slice(0, -1)) {
              if (row.balanceCents > 0n && row.interestCents < installment) {
                expect(row.paymentCents).to.equal(installment);
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
