/**
 * The two PAC/support/Z implementations against each other: `projection.projectCmo` (standalone CMO projections,
 * `abs project`) and the waterfall's `scheduled` principal mode (what the deal's contract runs, engine = contract in
 * the differential test). One pool, projected at speeds inside, below and above the PAC band, is paid month by month
 * through both; every class's interest, principal, accretion and balance, and the residual, agree to the cent. The
 * same with a notional IO strip of the PAC (the waterfall's `interestOnly` class on the class listed before it).
 */
import { expect } from "chai";
import { WAD } from "../../src/cashflow";
import { cents, pool400m } from "./fixtures";
import { type CmoClass, pacClassTargets, pacSchedule, projectCmo, projectDeal } from "../../src/projection";
import { runWaterfall, type WaterfallConfig, type WaterfallState } from "../../src/waterfall";
import { deal, fixed, opening, period } from "../waterfall/fixtures";

const pool = pool400m;

const COUPON = (75n * WAD) / 1000n;
const rate = (percent: number): bigint => (BigInt(Math.round(percent * 1000)) * WAD) / 100_000n;

/**
 * Pays the pool at `psa` through `projectCmo` and through the waterfall month by month, and expects every class's
 * interest, principal, accretion and balance, and the residual, to agree; returns both for the caller's checks.
 */
function payBoth(
  classes: readonly CmoClass[],
  config: WaterfallConfig,
  combined: readonly bigint[],
  pacTargets: readonly bigint[],
  psa: number,
): { cmo: ReturnType<typeof projectCmo>; state: WaterfallState } {
  const months = pool(psa);
  const cmo = projectCmo(classes, months, combined);
  let state: WaterfallState = opening(
    config,
    classes.map((c) => c.faceCents),
  );
  let residual = 0n;
  months.forEach((month, index) => {
    const result = runWaterfall(
      config,
      state,
      period({
        period: index + 1,
        interestCollectionsCents: month.interestCents,
        principalCollectionsCents: month.scheduledPrincipalCents + month.prepaidPrincipalCents + month.recoveryCents,
        poolBalanceBeginCents: month.beginningBalanceCents,
        poolBalanceEndCents: month.endingBalanceCents,
        targetBalancesCents: classes.map((c) => (c.type === "pac" ? (pacTargets[index] ?? 0n) : 0n)),
      }),
    );
    residual += result.residualCents;
    cmo.classes.forEach((c, i) => {
      const row = c.months[index];
      const paid = result.tranches[i];
      const where = `${psa} PSA, month ${month.month}, class ${c.name}`;
      expect(paid?.interestPaidCents, `${where}: interest`).to.equal(row?.interestPaidCents);
      expect(paid?.principalPaidCents, `${where}: principal`).to.equal(row?.principalPaidCents);
      expect(result.accretedCents[i] ?? 0n, `${where}: accretion`).to.equal(row?.accruedCents);
      expect(result.next.tranches[i]?.balanceCents, `${where}: balance`).to.equal(row?.balanceCents);
    });
    state = result.next;
  });
  expect(residual, `${psa} PSA: residual`).to.equal(cmo.residualCents);
  return { cmo, state };
}

describe("projection/cmo and the waterfall's scheduled mode: the same PAC/support/Z deal", () => {
  const faces = [cents(200_000_000), cents(130_000_000), cents(70_000_000)];
  const classes: CmoClass[] = [
    { name: "P", type: "pac", faceCents: faces[0] ?? 0n, couponWad: COUPON },
    { name: "S", type: "support", faceCents: faces[1] ?? 0n, couponWad: COUPON },
    { name: "Z", type: "z", faceCents: faces[2] ?? 0n, couponWad: COUPON },
  ];
  const combined = pacSchedule(faces[0] ?? 0n, pool(100), pool(300));
  const [pacTargets = []] = pacClassTargets(combined, [faces[0] ?? 0n]);
  const config = deal({
    tranches: [fixed(7.5), fixed(7.5), fixed(7.5)],
    principalMode: "scheduled",
    classes: [
      { kind: "scheduled", lockoutPeriods: 0 },
      { kind: "support", lockoutPeriods: 0 },
      { kind: "accrual", lockoutPeriods: 0 },
    ],
    originalPoolBalanceCents: cents(400_000_000),
  });

  for (const psa of [50, 100, 165, 300, 500]) {
    it(`pays every class the same, month by month, at ${psa} PSA`, () => {
      const { cmo, state } = payBoth(classes, config, combined, pacTargets, psa);
      // What the speed exercised: Z accretion always; inside the band the PAC on schedule, below it paid short,
      // above it paid ahead (the support retired early).
      const inBand = psa >= 100 && psa <= 300;
      expect(cmo.classes[2]?.months.some((row) => row.accruedCents > 0n)).to.equal(true);
      const early = cmo.classes[0]?.months.some((row, index) => row.balanceCents < (pacTargets[index] ?? 0n));
      expect(early, "PAC paid ahead of its schedule").to.equal(psa > 300);
      if (inBand) expect(cmo.pacShortfallMonths, "PAC paid short").to.deep.equal([]);
      else if (psa < 100) expect(cmo.pacShortfallMonths, "PAC paid short").to.not.deep.equal([]);
      expect(state.tranches.map((t) => t.balanceCents)).to.deep.equal([0n, 0n, 0n]);
    });
  }
});

describe("projection/cmo and the waterfall: a notional IO strip of the PAC (interestOnly on the class before it)", () => {
  // The PAC's 7.5% coupon split: 6% to the PAC, 1.5% on the PAC's balance to its IO strip (a notional class).
  const pacFace = cents(200_000_000);
  const classes: CmoClass[] = [
    { name: "P", type: "pac", faceCents: pacFace, couponWad: rate(6) },
    { name: "PIO", type: "io", faceCents: 0n, couponWad: rate(1.5), notionalOf: "P" },
    { name: "S", type: "support", faceCents: cents(130_000_000), couponWad: COUPON },
    { name: "Z", type: "z", faceCents: cents(70_000_000), couponWad: COUPON },
  ];
  const combined = pacSchedule(pacFace, pool(100), pool(300));
  const [pacTargets = []] = pacClassTargets(combined, [pacFace]);
  const config = deal({
    tranches: [fixed(6), fixed(1.5), fixed(7.5), fixed(7.5)],
    principalMode: "scheduled",
    classes: [
      { kind: "scheduled", lockoutPeriods: 0 },
      { kind: "interestOnly", lockoutPeriods: 0 },
      { kind: "support", lockoutPeriods: 0 },
      { kind: "accrual", lockoutPeriods: 0 },
    ],
    originalPoolBalanceCents: cents(400_000_000),
  });

  for (const psa of [100, 165, 500]) {
    it(`pays the IO 1.5% on the PAC's opening balance and no principal, as projectCmo, at ${psa} PSA`, () => {
      const { cmo, state } = payBoth(classes, config, combined, pacTargets, psa);
      const pac = cmo.classes[0]?.months ?? [];
      const io = cmo.classes[1]?.months ?? [];
      // Month 1: 1.5% / 12 on the PAC's face, and the IO's interest is a quarter of the PAC's (1.5% of 6%).
      expect(io[0]?.interestPaidCents).to.equal((pacFace * rate(1.5)) / (12n * WAD));
      io.forEach((row, m) => {
        expect(row.principalPaidCents, `month ${m + 1}: IO principal`).to.equal(0n);
        // floor(B x 6% / 12) - 4 x floor(B x 1.5% / 12) is 0 to 3 cents.
        const gap = (pac[m]?.interestPaidCents ?? 0n) - 4n * row.interestPaidCents;
        expect(gap >= 0n && gap <= 3n, `month ${m + 1}: PAC interest - 4 x IO interest = ${gap}`).to.equal(true);
      });
      expect(io.reduce((a, row) => a + row.interestPaidCents, 0n) > 0n).to.equal(true);
      expect(state.tranches.map((t) => t.balanceCents)).to.deep.equal([0n, 0n, 0n, 0n]);
    });
  }

  it("projects the same through projectDeal (abs project), given the IO's notional as its face", () => {
    const months = pool(165);
    const cmo = projectCmo(classes, months, combined);
    const faces = [pacFace, pacFace, cents(130_000_000), cents(70_000_000)];
    const projected = projectDeal({
      config,
      facesCents: faces,
      months,
      accrualDays: () => 30,
      indexRateWad: () => 0n,
      scheduleCents: [pacTargets],
    });
    const io = projected.tranches[1];
    expect(io?.months.map((m) => m.interestPaidCents)).to.deep.equal(
      cmo.classes[1]?.months.map((m) => m.interestPaidCents),
    );
    expect(io?.principalPaidCents).to.equal(0n);
    expect(io?.months.every((m) => m.balanceCents === 0n)).to.equal(true);
  });
});
