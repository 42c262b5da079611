/**
 * The worked examples MathWorks publishes for its Financial Instruments Toolbox's mortgage functions, reproduced at
 * their printed precision (the documentation prints five significant digits of each amount, e.g. `9.7996` in a
 * table scaled by 10^7, so a cell agrees when the engine's amount rounds half up to the same digits):
 *
 * - `cmosched`: the PAC balance schedule from a 300-525 PSA band over a $128,687,000 pool (6.48%, 360-month loans
 *   with 325 months left), for a $100,250,000 PAC: all 325 months, the first 40 printed;
 * - `cmoseqcf`: a two-class sequential CMO on a $1,000,000 six-month 12% mortgage without prepayments: the pool's
 *   principal each month and the classes' balances as printed;
 * - `mbswal`: the weighted average life of a pass-through (gross 8.125%, net 7.5%, issued 2000-01-01, maturing
 *   2030-01-01, settled 2002-04-15, 14-day delay) at 100 PSA: 10.5477 years.
 *
 * Conventions the examples need: loan age = original term - remaining term (month 1 of `cmosched`'s pool is age 36,
 * fully seasoned at both speeds); monthly 30/360 interest; `mbswal` dates its flows from settlement: payment k 30k + 14
 * days after the start of the settlement month (age 27 there), settlement 14 days into it (`paymentTimesYears`).
 */
import { expect } from "chai";
import { WAD } from "../../src/cashflow";
import { projectRepLines } from "../../src/cashflow/standard";
import { averageLife, paymentTimesYears } from "../../src/cashflow/standard/mbs-yield";
import { type CmoClass, pacSchedule, projectCmo } from "../../src/projection";
import { cents } from "./fixtures";

/** A pool of 360-month (or `termMonths`) loans, `ageMonths` old, projected at `psa` PSA without defaults. */
function pool(
  terms: { balance: number; grossCoupon: number; netCoupon?: number; termMonths?: number; ageMonths: number },
  psa: number,
) {
  const { balance, grossCoupon, netCoupon = grossCoupon, termMonths = 360, ageMonths } = terms;
  return projectRepLines([
    {
      name: "collateral",
      pool: { balance, grossCoupon, netCoupon, originalTermMonths: termMonths, ageMonths },
      assumptions: {
        prepayment: { type: "PSA", percent: psa },
        default: { type: "MDR", percent: 0 },
        severity: 0,
        monthsToLiquidation: 0,
        principalAndInterestAdvanced: false,
      },
    },
  ]).months;
}

/** Cents as the documentation prints them: in a table scaled by `10^power` dollars, to four decimals. */
const printed = (valueCents: bigint, power: number): string => (Number(valueCents) / 100 / 10 ** power).toFixed(4);

describe("projection/published worked examples (MathWorks Financial Instruments Toolbox)", () => {
  it("cmosched: the PAC schedule of a 300-525 PSA band, every printed month to the fifth digit", () => {
    const collateral = { balance: 128_687_000, grossCoupon: 0.0648, ageMonths: 35 };
    const schedule = pacSchedule(cents(100_250_000), pool(collateral, 300), pool(collateral, 525));
    // BalanceSchedule = 1x325, x 10^7: the first 40 months as printed.
    const published =
      "9.7996 9.5780 9.3602 9.1461 8.9357 8.7289 8.5257 8.3259 8.1296 7.9366 7.7469 7.5605 7.3773 7.1972 7.0202 " +
      "6.8463 6.6754 6.5073 6.3422 6.1799 6.0204 5.8637 5.7096 5.5582 5.4094 5.2632 5.1194 4.9782 4.8394 4.7030 " +
      "4.5689 4.4372 4.3077 4.1804 4.0554 3.9325 3.8118 3.6931 3.5765 3.4619";
    expect(schedule).to.have.length(325);
    expect(schedule.slice(0, 40).map((c) => printed(c, 7))).to.deep.equal(published.split(" "));
  });

  it("cmoseqcf: a two-class sequential CMO, the pool's principal and the classes' balances as printed", () => {
    const months = pool({ balance: 1_000_000, grossCoupon: 0.12, termMonths: 6, ageMonths: 0 }, 0);
    // PrincipalPayments = 1x6, x 10^5.
    expect(months.map((m) => printed(m.scheduledPrincipalCents + m.prepaidPrincipalCents, 5))).to.deep.equal(
      "1.6255 1.6417 1.6582 1.6747 1.6915 1.7084".split(" "),
    );
    const coupon = (12n * WAD) / 100n;
    const classes: CmoClass[] = [
      { name: "A", type: "sequential", faceCents: cents(500_000), couponWad: coupon },
      { name: "B", type: "sequential", faceCents: cents(500_000), couponWad: coupon },
    ];
    const [a, b] = projectCmo(classes, months).classes;
    // Balance = 2x6, x 10^5: A's row, and B's first two cells (the rest of the row is not in the printed excerpt).
    expect(a?.months.map((m) => printed(m.balanceCents, 5))).to.deep.equal(
      "3.3745 1.7328 0.0746 0.0000 0.0000 0.0000".split(" "),
    );
    expect(b?.months.slice(0, 2).map((m) => printed(m.balanceCents, 5))).to.deep.equal(["5.0000", "5.0000"]);
  });

  it("mbswal: a pass-through's average life from settlement at 100 PSA, 10.5477 years", () => {
    // Issued 2000-01-01, maturing 2030-01-01: 360 months, 27 of them run by the settlement month (April 2002).
    const months = pool({ balance: 1_000_000, grossCoupon: 0.08125, netCoupon: 0.075, ageMonths: 27 }, 100);
    // Settled on the 15th (14 days, 30/360, into the accrual month); each payment 14 days after its month ends.
    const times = paymentTimesYears(months.length, 14, 14);
    const flows = months.map((m, i) => ({
      years: times[i] ?? 0,
      principal: Number(m.scheduledPrincipalCents + m.prepaidPrincipalCents),
      interest: Number(m.interestCents),
    }));
    expect(months).to.have.length(333);
    expect(averageLife(flows).toFixed(4)).to.equal("10.5477");
  });
});
