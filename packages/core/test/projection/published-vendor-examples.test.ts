/**
 * The worked examples MathWorks publishes for its Financial Instruments Toolbox's mortgage functions, reproduced at
 * their printed precision (the documentation prints five significant digits of each amount, e.g. `9.7996` in a
 * table scaled by 10^7, so a cell agrees when the engine's amount rounds half up to the same digits):
 *
 * - `cmosched`: the PAC balance schedule from a 300-525 PSA band over a $128,687,000 pool (6.48%, 360-month loans
 *   with 325 months left), for a $100,250,000 PAC: all 325 months, the first 40 printed;
 * - `cmoseqcf`: a two-class sequential CMO on a $1,000,000 six-month 12% mortgage without prepayments: the pool's
 *   principal each month and the classes' balance, principal and interest tables (2 x 6 each);
 * - `mbswal`: the weighted average life of a pass-through (gross 8.125%, net 7.5%, issued 2000-01-01, maturing
 *   2030-01-01, settled 2002-04-15, 14-day delay) at 100 PSA: 10.5477 years; and on the same pass-through
 *   `mbsprice` (101.3147 and accrued interest 0.2917 at a 7.25% mortgage yield), `mbsyield` (7.15% mortgage, 7.25%
 *   bond-equivalent yield at 102), `mbsdury` / `mbsdurp` (6.4380 and 6.2080 years at a 7.298413% mortgage yield,
 *   which is the yield at 101) and `mbsconvy` / `mbsconvp` (72.8263 at a 7.125% mortgage yield, 71.6299 at 101).
 *
 * Conventions the examples need: loan age = original term - remaining term (month 1 of `cmosched`'s pool is age 36,
 * fully seasoned at both speeds); monthly 30/360 interest; `mbswal` dates its flows from settlement: payment k 30k + 14
 * days after the start of the settlement month (age 27 there), settlement 14 days into it (`paymentTimesYears`).
 * MathWorks' yields are mortgage yields (compounded monthly), this engine's bond-equivalent (SF-48): a mortgage
 * yield m is the bond-equivalent 200 x [(1 + m/1200)^6 - 1]; its convexity is this engine's cash-flow convexity x 100
 * (the chapter's unit is years squared over 100). Prices are clean, per 100 of current face; the pass-through is
 * projected on a $10bn balance so the cents the projection rounds to are far below the printed digits.
 */
import { expect } from "chai";
import { WAD } from "../../src/cashflow";
import {
  accruedInterest,
  averageLife,
  cashFlowConvexity,
  macaulayDuration,
  modifiedDuration,
  mortgageYield,
  paymentTimesYears,
  priceAtYield,
  yieldAtPrice,
} from "../../src/cashflow/standard/mbs-yield";
import { type CmoClass, type CmoClassMonth, pacSchedule, projectCmo } from "../../src/projection";
import { cents, psaPool as pool } from "./fixtures";

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

  it("cmoseqcf: a two-class sequential CMO, the pool's principal and every cell of its three tables", () => {
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
    const table = (column: (m: CmoClassMonth) => bigint, power: number) =>
      [a, b].map((c) => (c?.months ?? []).map((m) => printed(column(m), power)).join(" "));
    // Balance and Principal (x 10^5) and Interest (x 10^3), 2x6 each; a printed "0" is 0.0000 here.
    expect(table((m) => m.balanceCents, 5)).to.deep.equal([
      "3.3745 1.7328 0.0746 0.0000 0.0000 0.0000",
      "5.0000 5.0000 5.0000 3.3999 1.7084 0.0000",
    ]);
    expect(table((m) => m.principalPaidCents, 5)).to.deep.equal([
      "1.6255 1.6417 1.6582 0.0746 0.0000 0.0000",
      "0.0000 0.0000 0.0000 1.6001 1.6915 1.7084",
    ]);
    expect(table((m) => m.interestPaidCents, 3)).to.deep.equal([
      "5.0000 3.3745 1.7328 0.0746 0.0000 0.0000",
      "5.0000 5.0000 5.0000 5.0000 3.3999 1.7084",
    ]);
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

  describe("the mbswal pass-through priced: mbsprice, mbsyield, mbsdury/mbsdurp, mbsconvy/mbsconvp", () => {
    const balance = 10_000_000_000;
    const months = pool({ balance, grossCoupon: 0.08125, netCoupon: 0.075, ageMonths: 27 }, 100);
    const times = paymentTimesYears(months.length, 14, 14);
    // Per 100 of current face.
    const perHundred = (valueCents: bigint) => Number(valueCents) / balance;
    const flows = months.map((m, i) => ({
      years: times[i] ?? 0,
      principal: perHundred(m.scheduledPrincipalCents + m.prepaidPrincipalCents),
      interest: perHundred(m.interestCents),
    }));
    const accrued = accruedInterest(7.5, 14);
    const bondEquivalent = (mortgagePercent: number) => 200 * (Math.pow(1 + mortgagePercent / 1200, 6) - 1);
    const at4 = (value: number) => value.toFixed(4);

    it("mbsprice: 101.3147 clean at a 7.25% mortgage yield, accrued interest 0.2917", () => {
      expect(at4(accrued)).to.equal("0.2917");
      expect(at4(priceAtYield(flows, bondEquivalent(7.25)) - accrued)).to.equal("101.3147");
    });

    it("mbsyield: at 102, a 7.15% mortgage yield and a 7.25% bond-equivalent yield", () => {
      const yieldPercent = yieldAtPrice(flows, 102 + accrued);
      expect(at4(mortgageYield(yieldPercent) / 100)).to.equal("0.0715");
      expect(at4(yieldPercent / 100)).to.equal("0.0725");
    });

    it("mbsdury and mbsdurp: 6.4380 and 6.2080 years, at 7.298413% or at its price, 101", () => {
      const atYield = bondEquivalent(7.298413);
      expect([at4(macaulayDuration(flows, atYield)), at4(modifiedDuration(flows, atYield))]).to.deep.equal([
        "6.4380",
        "6.2080",
      ]);
      const at101 = yieldAtPrice(flows, 101 + accrued);
      expect(mortgageYield(at101).toFixed(6)).to.equal("7.298413");
      expect([at4(macaulayDuration(flows, at101)), at4(modifiedDuration(flows, at101))]).to.deep.equal([
        "6.4380",
        "6.2080",
      ]);
    });

    it("mbsconvy and mbsconvp: 72.8263 at a 7.125% mortgage yield, 71.6299 at 101", () => {
      expect(at4(100 * cashFlowConvexity(flows, bondEquivalent(7.125)))).to.equal("72.8263");
      expect(at4(100 * cashFlowConvexity(flows, yieldAtPrice(flows, 101 + accrued)))).to.equal("71.6299");
    });
  });
});
