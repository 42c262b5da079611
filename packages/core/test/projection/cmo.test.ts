/**
 * CMO structures on a projected pool: cash is conserved every month, a PAC class is paid exactly on its schedule
 * at any speed inside its band (and off it outside), a Z class accretes while earlier classes are outstanding and
 * its accrual pays them, an IO strip is paid on its notional. Random speeds with fast-check.
 */
import { expect } from "chai";
import fc from "fast-check";
import { WAD } from "../../src/cashflow";
import { cents, pool400m } from "./fixtures";
import { type CmoClass, pacSchedule, projectCmo } from "../../src/projection";

const pool = pool400m;

const coupon = (percent: string): bigint => (BigInt(Math.round(Number(percent) * 1e6)) * WAD) / 100_000_000n;

function assertCashConserved(
  classes: readonly CmoClass[],
  months: ReturnType<typeof pool>,
  result: ReturnType<typeof projectCmo>,
) {
  let paid = result.residualCents;
  let collected = 0n;
  months.forEach((month, index) => {
    collected +=
      month.interestCents + month.scheduledPrincipalCents + month.prepaidPrincipalCents + month.recoveryCents;
    let principalBalances = 0n;
    result.classes.forEach((c, i) => {
      const row = c.months[index];
      paid += (row?.interestPaidCents ?? 0n) + (row?.principalPaidCents ?? 0n);
      if (classes[i]?.type !== "io") principalBalances += row?.balanceCents ?? 0n;
    });
    expect(principalBalances, `month ${month.month}: classes' balances = pool balance`).to.equal(
      month.endingBalanceCents,
    );
  });
  expect(paid, "every cent collected is paid to a class or the residual").to.equal(collected);
}

describe("projection/cmo", () => {
  describe("sequential with a Z class", () => {
    const classes: CmoClass[] = [
      { name: "A", type: "sequential", faceCents: cents(194_500_000), couponWad: coupon("7.5") },
      { name: "B", type: "sequential", faceCents: cents(36_000_000), couponWad: coupon("7.5") },
      { name: "C", type: "sequential", faceCents: cents(96_500_000), couponWad: coupon("7.5") },
      { name: "Z", type: "z", faceCents: cents(73_000_000), couponWad: coupon("7.5") },
    ];

    it("conserves cash and balances at any speed", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 800 }), (psa) => {
          const months = pool(psa);
          assertCashConserved(classes, months, projectCmo(classes, months));
        }),
        { numRuns: 12 },
      );
    });

    it("Z accretes at its coupon while A, B or C is outstanding, and its accrual pays them", () => {
      const months = pool(165);
      const result = projectCmo(classes, months);
      const [a, b, c, z] = result.classes;
      if (a === undefined || b === undefined || c === undefined || z === undefined) throw new Error("classes");
      let previous = cents(73_000_000);
      for (const [index, row] of z.months.entries()) {
        const earlierOutstanding = [a, b, c].some(
          (cls) => (index === 0 ? cls.faceCents : (cls.months[index - 1]?.balanceCents ?? 0n)) > 0n,
        );
        if (!earlierOutstanding) break;
        expect(row.interestPaidCents).to.equal(0n);
        expect(row.accruedCents).to.equal((previous * coupon("7.5")) / (12n * WAD));
        // Once C is nearly gone the month's principal spills into Z: it amortizes in the same month.
        expect(row.balanceCents).to.equal(previous + row.accruedCents - row.principalPaidCents);
        previous = row.balanceCents;
      }
      // The earlier classes retire sooner than they would without the Z's accrual.
      const withoutZ = projectCmo(
        [
          ...classes.slice(0, 3),
          { name: "Z", type: "sequential", faceCents: cents(73_000_000), couponWad: coupon("7.5") },
        ],
        months,
      );
      expect(c.principalWindow?.[1]).to.be.below(withoutZ.classes[2]?.principalWindow?.[1] ?? 0);
      expect(z.principalPaidCents > z.faceCents, "Z repays its face and its accretion").to.equal(true);
    });
  });

  describe("PAC and support with a 100-300 PSA band", () => {
    const pacFace = cents(240_000_000);
    const classes: CmoClass[] = [
      // P pays 7.0%; the other 0.5% of its collateral's coupon is stripped off as the IO.
      { name: "P", type: "pac", faceCents: pacFace, couponWad: coupon("7.0") },
      { name: "S", type: "support", faceCents: cents(400_000_000) - pacFace, couponWad: coupon("7.5") },
      { name: "IO", type: "io", faceCents: 0n, couponWad: coupon("0.5"), notionalOf: "P" },
    ];
    const targets = pacSchedule(pacFace, pool(100), pool(300));

    it("pays the PAC exactly on schedule at every constant speed inside the band", () => {
      fc.assert(
        fc.property(fc.integer({ min: 100, max: 300 }), (psa) => {
          const months = pool(psa);
          const result = projectCmo(classes, months, targets);
          expect(result.pacShortfallMonths).to.deep.equal([]);
          result.classes[0]?.months.forEach((row, index) => {
            expect(row.balanceCents, `${psa} PSA, month ${index + 1}`).to.equal(targets[index] ?? 0n);
          });
          assertCashConserved(classes, months, result);
        }),
        { numRuns: 15 },
      );
    });

    it("off the band the schedule breaks: too slow pays the PAC short, too fast retires the support and pays it early", () => {
      const slow = projectCmo(classes, pool(50), targets);
      expect(slow.pacShortfallMonths.length).to.be.above(0);
      const fast = projectCmo(classes, pool(800), targets);
      const early = fast.classes[0]?.months.findIndex((row, index) => row.balanceCents < (targets[index] ?? 0n)) ?? -1;
      expect(early).to.be.above(0);
      expect(fast.classes[1]?.months[early]?.balanceCents).to.equal(0n);
    });

    it("the IO strip is paid its coupon on the PAC's opening balance", () => {
      const months = pool(165);
      const result = projectCmo(classes, months, targets);
      const [pac, , io] = result.classes;
      io?.months.forEach((row, index) => {
        const opening = index === 0 ? pacFace : (pac?.months[index - 1]?.balanceCents ?? 0n);
        expect(row.interestPaidCents).to.equal((opening * coupon("0.5")) / (12n * WAD));
      });
    });

    it("refuses a PAC face the band cannot support, and faces that do not add up to the pool", () => {
      expect(() => pacSchedule(cents(390_000_000), pool(100), pool(300))).to.throw(/expected at most/);
      expect(() => projectCmo(classes.slice(0, 1), pool(100), targets)).to.throw(/add up to the pool balance/);
    });
  });
});
