/**
 * The relation between the cents engine (`projectPool`, the loan-level projection that feeds on-chain figures)
 * and the full-precision SIFMA reference (`standard.projectStandard`), for one level-pay loan with no servicer
 * advancing:
 * - both take defaults, amortization and prepayments in the SF-18 order and on the same bases;
 * - each monthly flow of the cents engine is the reference's rounded down, off by less than a few cents;
 * - the balance differs by (a) the loan's own cent-rounded level payment (a real loan pays whole cents), at most
 *   half a cent a month, and (b) the three flows rounded down each month, under 3 cents a month that stay in
 *   the balance; both compound at the loan rate at most: sum_{k<n} 0.035 x (1 + r/12)^k. Removing (b) by
 *   rounding cumulative flows once at the cash boundary is open work (issue 14).
 */
import { expect } from "chai";
import { parseAssumptionSet, percentToWad, projectPool, singleTier, standard } from "../../src/cashflow";

const SCENARIOS = [
  { smm: 1, mdr: 1, lag: 12 }, // Cash Flow A without advancing
  { smm: 0, mdr: 0, lag: 0 },
  { smm: 0.5, mdr: 0.2, lag: 6 },
  { smm: 3, mdr: 0, lag: 0 },
];

describe("cashflow/standard vs the cents engine", () => {
  for (const { smm, mdr, lag } of SCENARIOS) {
    it(`SMM ${smm}%, MDR ${mdr}%, ${lag}-month lag: flows within cents, balance within the payment-rounding bound`, () => {
      const cents = projectPool(
        [
          {
            currentPrincipalCents: 10_000_000_000n,
            rateWad: percentToWad("8"),
            remainingTermMonths: 360,
            ageMonths: 0,
            amortization: "levelPayment",
            paymentFrequency: "monthly",
            dayCount: "30/360",
            tierKey: "all",
          },
        ],
        singleTier(
          parseAssumptionSet({
            prepayment: { type: "SMM", value: smm },
            default: { type: "MDR", value: mdr },
            recovery: { severityPercent: 20, lagMonths: lag },
          }),
        ),
      );
      const reference = standard.projectStandard(
        { balance: 100_000_000, grossCoupon: 0.08, netCoupon: 0.08, originalTermMonths: 360, ageMonths: 0 },
        {
          prepayment: { type: "SMM", percent: smm },
          default: { type: "MDR", percent: mdr },
          severity: 0.2,
          monthsToLiquidation: lag,
          principalAndInterestAdvanced: false,
        },
      );
      expect(cents.periods.length).to.equal(reference.periods.length);
      let bound = 0;
      reference.periods.forEach((exact, index) => {
        const row = cents.periods[index];
        if (row === undefined) throw new Error(`no month ${index + 1}`);
        const dollars = (value: bigint): number => Number(value) / 100;
        const where = `month ${index + 1}`;
        if (index < 360) bound = bound * (1 + 0.08 / 12) + 0.035;
        expect(dollars(row.endingBalanceCents), where).to.be.closeTo(exact.performingBalance, bound + 0.01);
        expect(dollars(row.defaultedPrincipalCents), where).to.be.closeTo(exact.newDefaults, 0.02);
        expect(dollars(row.prepaidPrincipalCents), where).to.be.closeTo(exact.voluntaryPrepayments, 0.03);
        expect(dollars(row.scheduledPrincipalCents), where).to.be.closeTo(exact.actualAmortization, bound + 0.02);
        expect(dollars(row.interestCents), where).to.be.closeTo(exact.actualInterest, 0.06);
        expect(dollars(row.recoveryCents), where).to.be.closeTo(exact.principalRecovery, 0.03);
      });
    });
  }
});
