import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type WaterfallHarness } from "../../typechain-types";
import {
  CLASS_KINDS,
  PRINCIPAL_MODES,
  TRIGGER_EFFECTS,
  TRIGGER_KINDS,
  checkPeriodInvariants,
  fromAbiResult,
  isInterestOnlyClass,
  principalDeficiencies,
  runWaterfall,
  swapPayment,
  toAbiConfig,
  toAbiInputs,
  toAbiState,
  validateWaterfallConfig,
  type CapTerms,
  type ClassTerms,
  type CouponTerms,
  type FeeTerms,
  type PeriodInputs,
  type PeriodResult,
  type TrancheBalances,
  type TriggerTerms,
  type WaterfallConfig,
  type WaterfallState,
  type WaterfallStep,
} from "../../packages/core/src/waterfall";

/**
 * Differential property test: random deals and periods (1-6 tranches, 0-3 fees, 0-4 triggers of every kind and
 * effect, every principal mode, shuffled step orders, reserve, guarantee, carried shortfalls, write-downs,
 * recoveries, acceleration, inverse floaters, classes: scheduled (PAC/TAC) and support classes, accrual (Z)
 * classes, lockouts; step-down periods; liquidity facilities: usage fee, commitment fee on the undrawn part, expiry;
 * principal deficiency ledgers; interest-rate caps)
 * run through `WaterfallLib` on chain (WaterfallHarness.runBatch, one eth_call per batch) and through the TypeScript engine. Every field of every result must be identical, and both must satisfy
 * the invariants WF-1 .. WF-7, WF-9 and WF-10 of test/INVARIANTS.md.
 */

const BATCH = 40;
const BATCHES = 26; // 1,040 cases
const BPS = 10n ** 14n; // one basis point as a wad

interface Case {
  readonly config: WaterfallConfig;
  readonly state: WaterfallState;
  readonly inputs: PeriodInputs;
}

const bps = (min: number, max: number) => fc.integer({ min, max }).map((b) => BigInt(b) * BPS);
/** `amount * b / 10,000`, for amounts drawn relative to the deal's size. */
const part = (amount: bigint, b: number): bigint => (amount * BigInt(b)) / 10_000n;
const exactly = <T>(arb: fc.Arbitrary<T>, length: number) => fc.array(arb, { minLength: length, maxLength: length });
/** Mostly zero, sometimes a share (in bps) of something. */
const sometimes = (max: number) => fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max }));

const couponArb: fc.Arbitrary<CouponTerms> = fc.oneof(
  fc.record({
    couponType: fc.constant("fixed" as const),
    couponRateWad: bps(0, 1_500),
    floorRateWad: fc.constant(0n),
    capRateWad: fc.constant(0n),
  }),
  fc
    .record({
      spread: bps(0, 500),
      floor: fc.oneof(fc.constant(0n), bps(1, 400)),
      cap: fc.oneof(fc.constant(0n), bps(1, 1_200)),
    })
    .map(({ spread, floor, cap }) => ({
      couponType: "floating" as const,
      couponRateWad: spread,
      floorRateWad: floor,
      capRateWad: cap === 0n || cap >= floor ? cap : floor,
    })),
  fc.constant({ couponType: "none" as const, couponRateWad: 0n, floorRateWad: 0n, capRateWad: 0n }),
  fc
    .record({
      constant: bps(0, 3_000),
      multiplier: fc.integer({ min: 1, max: 50 }).map((tenths) => BigInt(tenths) * 10n ** 17n),
      floor: fc.oneof(fc.constant(0n), bps(1, 400)),
      cap: fc.oneof(fc.constant(0n), bps(1, 2_500)),
    })
    .map(({ constant, multiplier, floor, cap }) => ({
      couponType: "inverseFloating" as const,
      couponRateWad: constant,
      floorRateWad: floor,
      capRateWad: cap === 0n || cap >= floor ? cap : floor,
      indexMultiplierWad: multiplier,
    })),
);

/** A tranche balance in cents (mostly outstanding, sometimes paid off), its carried shortfall and write-down. */
const trancheArb = fc.record({
  balance: fc.oneof({ weight: 1, arbitrary: fc.constant(0n) }, { weight: 6, arbitrary: fc.bigInt(1n, 2_000_000_000n) }),
  shortfallBps: sometimes(300),
  writtenDownBps: sometimes(3_000),
});

const feeArb: fc.Arbitrary<FeeTerms> = fc.record({
  fixedCents: fc.oneof(fc.constant(0n), fc.bigInt(1n, 5_000_000n)),
  rateWad: fc.oneof(fc.constant(0n), bps(1, 100)),
});

function triggerArb(trancheCount: number): fc.Arbitrary<TriggerTerms> {
  return fc
    .record({
      kind: fc.constantFrom(...TRIGGER_KINDS),
      // Acceleration ends the interesting part of a deal: drawn less often than the other effects.
      effect: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...TRIGGER_EFFECTS.filter((e) => e !== "eventOfDefault")) },
        { weight: 1, arbitrary: fc.constant("eventOfDefault" as const) },
      ),
      curable: fc.boolean(),
      scope: fc.integer({ min: 0, max: trancheCount }),
      coverage: bps(8_000, 13_000),
      ratio: bps(0, 1_000),
      schedule: fc.oneof(fc.constant([]), fc.array(bps(0, 1_000), { minLength: 1, maxLength: 6 })),
    })
    .map(({ kind, effect, curable, scope, coverage, ratio, schedule }) => {
      const isCoverage = kind === "overcollateralization" || kind === "interestCoverage";
      return {
        kind,
        effect,
        curable,
        trancheScope: isCoverage ? scope : 0,
        thresholdWad: isCoverage ? coverage : ratio,
        scheduleWad: kind === "cumulativeNetLoss" ? schedule : [],
      };
    });
}

/** A step order: canonical (fees, interest, principal, reserve, guarantee) or shuffled, interest kept in seniority. */
function stepsArb(feeCount: number, trancheCount: number): fc.Arbitrary<WaterfallStep[]> {
  const canonical: WaterfallStep[] = [
    ...Array.from({ length: feeCount }, (_, f) => ({ kind: "fee" as const, index: f })),
    ...Array.from({ length: trancheCount }, (_, t) => ({ kind: "interest" as const, index: t })),
    { kind: "principal", index: 0 },
    { kind: "reserveTopUp", index: 0 },
    { kind: "guaranteeFee", index: 0 },
    { kind: "guaranteeReimbursement", index: 0 },
  ];
  const shuffled = fc
    .shuffledSubarray(canonical, { minLength: canonical.length, maxLength: canonical.length })
    .map((steps) => {
      let nextInterest = 0;
      return steps.map((step) => (step.kind === "interest" ? { kind: step.kind, index: nextInterest++ } : step));
    });
  return fc.oneof(fc.constant(canonical), shuffled);
}

/**
 * Per tranche, a class drawn freely, then made to fit the deal as `validate` requires: scheduled classes only in
 * scheduled mode (and at least one there), no accrual class first, under pro-rata or with the principal step
 * before an interest step, an interest-only class only after a principal class, with a coupon and no lockout.
 * Often none at all outside scheduled mode.
 */
function classesFor(
  mode: WaterfallConfig["principalMode"],
  steps: readonly WaterfallStep[],
  coupons: readonly CouponTerms[],
  drawn: readonly { kind: ClassTerms["kind"]; lockoutPeriods: number }[],
  firstScheduled: number,
  none: boolean,
): ClassTerms[] | undefined {
  if (none && mode !== "scheduled") return undefined;
  const principalAt = steps.findIndex((s) => s.kind === "principal");
  const principalLast = steps.every((s, i) => s.kind !== "interest" || i < principalAt);
  const classes = drawn.map(({ kind, lockoutPeriods }, t): ClassTerms => {
    let fitted = kind;
    if (fitted === "scheduled" && mode !== "scheduled") fitted = "support";
    if (fitted === "accrual" && (t === 0 || mode === "proRata" || !principalLast)) fitted = "standard";
    if (fitted === "interestOnly" && (t === 0 || coupons[t]?.couponType === "none")) fitted = "standard";
    return { kind: fitted, lockoutPeriods: fitted === "interestOnly" ? 0 : lockoutPeriods };
  });
  if (mode === "scheduled" && !classes.some((c) => c.kind === "scheduled")) {
    const t = firstScheduled % classes.length;
    classes[t] = { kind: "scheduled", lockoutPeriods: classes[t]?.lockoutPeriods ?? 0 };
  }
  // An interest-only class strips the principal class before it: never two in a row.
  classes.forEach((c, t) => {
    if (c.kind === "interestOnly" && classes[t - 1]?.kind === "interestOnly") classes[t] = { ...c, kind: "standard" };
  });
  return classes;
}

/** The drawn cap, a swap when its pay leg names one of the deal's `feeCount` fees; 0 = no expiry. */
const capTerms = (
  cap: { strikeRateWad: bigint; scope: number; payLeg: number; expiryPeriod: number },
  feeCount: number,
): CapTerms => ({
  strikeRateWad: cap.strikeRateWad,
  trancheScope: cap.scope,
  ...(cap.payLeg === 0 || cap.payLeg > feeCount ? {} : { payLegFee: cap.payLeg }),
  ...(cap.expiryPeriod === 0 ? {} : { expiryPeriod: cap.expiryPeriod }),
});

/** An interest-only class carries no principal balance or write-down (only a carried interest shortfall). */
const withoutNotionalBalances = (tranches: TrancheBalances[], classes: readonly ClassTerms[] | undefined) =>
  tranches.map((t, i) => (isInterestOnlyClass({ classes }, i) ? { ...t, balanceCents: 0n, writtenDownCents: 0n } : t));

const classArb = fc.record({
  kind: fc.constantFrom(...CLASS_KINDS),
  lockoutPeriods: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 12 })),
});

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 1, max: 6 }),
    m: fc.integer({ min: 0, max: 3 }),
    k: fc.integer({ min: 0, max: 4 }),
  })
  .chain(({ n, m, k }) =>
    fc.record({
      scale: fc.constantFrom(1n, 1n, 1n, 7n, 10n ** 12n),
      yearBasisDays: fc.constantFrom(360, 365),
      principalMode: fc.constantFrom(...PRINCIPAL_MODES),
      targetOcWad: fc.oneof(fc.constant(0n), bps(1, 1_000)),
      ocFloorBps: sometimes(300),
      originalBps: fc.integer({ min: 10_000, max: 15_000 }),
      coupons: exactly(couponArb, n),
      tranches: exactly(trancheArb, n),
      fees: exactly(feeArb, m),
      feeShortfallBps: exactly(sometimes(20), m),
      triggers: exactly(triggerArb(n), k),
      breached: exactly(fc.boolean(), k),
      steps: stepsArb(m, n),
      reserve: fc.record({
        targetWad: fc.oneof(fc.constant(0n), bps(1, 500)),
        floorBps: sometimes(200),
        coversFees: fc.boolean(),
        coveredTranches: fc.integer({ min: 0, max: n }),
        balanceBps: sometimes(500),
      }),
      guarantee: fc.record({
        limitBps: sometimes(800),
        feeRateWad: fc.oneof(fc.constant(0n), bps(1, 200)),
        coversFees: fc.boolean(),
        coveredTranches: fc.integer({ min: 0, max: n }),
        drawnBps: fc.integer({ min: 0, max: 12_000 }), // of the limit; above 100% models a reduced limit
        feeShortfallBps: sometimes(50),
        // A liquidity facility's terms: a usage fee, the commitment fee on the undrawn part, an expiry.
        usageRateWad: fc.oneof(fc.constant(0n), bps(1, 900)),
        feeOnUndrawn: fc.boolean(),
        expiryPeriod: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 30 })),
      }),
      period: fc.integer({ min: 0, max: 40 }),
      accrualDays: fc.constantFrom(0, 28, 30, 31, 90, 181),
      indexRateWad: bps(0, 800),
      acceleratedDraw: fc.integer({ min: 0, max: 19 }), // 0: the trustee declared a default (1 in 20)
      poolEndBps: fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 9, arbitrary: fc.integer({ min: 5_000, max: 13_000 }) },
      ),
      principalBps: fc.integer({ min: 0, max: 2_000 }),
      recoveryBps: sometimes(10_000),
      interestBps: fc.integer({ min: 0, max: 250 }),
      defaultBps: sometimes(800),
      delinquentBps: sometimes(1_500),
      cnlBps: sometimes(1_500),
      targetBps: exactly(fc.integer({ min: 0, max: 11_000 }), n),
      classes: exactly(classArb, n),
      firstScheduled: fc.nat(),
      noClasses: fc.boolean(),
      stepDownPeriod: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 12 })),
      principalDeficiencyLedger: fc.boolean(),
      // A pay leg naming one of the fees makes the cap a swap (a leg beyond the fees is drawn as none).
      cap: fc.record({
        strikeRateWad: bps(0, 800),
        scope: fc.integer({ min: 0, max: n }),
        payLeg: fc.nat({ max: 3 }),
        expiryPeriod: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 30 })),
      }),
    }),
  )
  .map((d): Case => {
    const classes = classesFor(d.principalMode, d.steps, d.coupons, d.classes, d.firstScheduled, d.noClasses);
    const drawnTranches: TrancheBalances[] = d.tranches.map((t) => {
      const balanceCents = t.balance * d.scale;
      return {
        balanceCents,
        interestShortfallCents: part(balanceCents, t.shortfallBps),
        writtenDownCents: part(balanceCents, t.writtenDownBps),
      };
    });
    const tranches = withoutNotionalBalances(drawnTranches, classes);
    const notes = tranches.reduce((a, t) => a + t.balanceCents, 0n);
    const size = notes === 0n ? 1_000_000n * d.scale : notes; // what relative amounts are drawn against
    const poolEnd = part(size, d.poolEndBps);
    const principal = part(size, d.principalBps);
    const poolBegin = poolEnd + principal + part(size, d.defaultBps);
    const limit = part(size, d.guarantee.limitBps);
    const config: WaterfallConfig = {
      yearBasisDays: d.yearBasisDays,
      principalMode: d.principalMode,
      targetOcWad: d.targetOcWad,
      ocFloorCents: part(size, d.ocFloorBps),
      originalPoolBalanceCents: part(size, d.originalBps),
      tranches: d.coupons,
      fees: d.fees.map((f) => ({ fixedCents: f.fixedCents * d.scale, rateWad: f.rateWad })),
      steps: d.steps,
      reserve: {
        targetWad: d.reserve.targetWad,
        floorCents: part(size, d.reserve.floorBps),
        coversFees: d.reserve.coversFees,
        coveredTranches: d.reserve.coveredTranches,
      },
      guarantee: {
        limitCents: limit,
        feeRateWad: d.guarantee.feeRateWad,
        coversFees: d.guarantee.coversFees,
        coveredTranches: d.guarantee.coveredTranches,
        ...(d.guarantee.usageRateWad === 0n ? {} : { usageRateWad: d.guarantee.usageRateWad }),
        ...(d.guarantee.feeOnUndrawn ? { feeOnUndrawn: true } : {}),
        ...(d.guarantee.expiryPeriod === 0 ? {} : { expiryPeriod: d.guarantee.expiryPeriod }),
      },
      triggers: d.triggers,
      classes,
      ...(d.stepDownPeriod === 0 ? {} : { stepDownPeriod: d.stepDownPeriod }),
      ...(d.principalDeficiencyLedger ? { principalDeficiencyLedger: true } : {}),
      ...(d.cap.scope === 0 ? {} : { cap: capTerms(d.cap, d.fees.length) }),
    };
    const state: WaterfallState = {
      tranches,
      feeShortfallsCents: d.feeShortfallBps.map((b) => part(size, b)),
      triggersBreached: d.breached,
      reserveCents: part(size, d.reserve.balanceBps),
      guaranteeDrawnCents: part(limit, d.guarantee.drawnBps),
      guaranteeFeeShortfallCents: part(size, d.guarantee.feeShortfallBps),
      cumulativeNetLossCents: part(size, d.cnlBps),
    };
    const inputs: PeriodInputs = {
      period: d.period,
      accrualDays: d.accrualDays,
      indexRateWad: d.indexRateWad,
      accelerated: d.acceleratedDraw === 0,
      interestCollectionsCents: part(poolBegin, d.interestBps),
      principalCollectionsCents: principal,
      recoveriesCents: part(principal, d.recoveryBps),
      newDefaultsCents: part(size, d.defaultBps),
      delinquent60PlusCents: part(poolEnd, d.delinquentBps),
      poolBalanceBeginCents: poolBegin,
      poolBalanceEndCents: poolEnd,
      targetBalancesCents:
        d.principalMode === "targeted" || d.principalMode === "scheduled"
          ? tranches.map((t, i) => part(t.balanceCents, d.targetBps[i] ?? 0))
          : [],
    };
    return { config, state, inputs };
  });

/** The first path where two values differ, or undefined when they are equal (bigint, boolean, string, arrays, objects). */
function firstDifference(chain: unknown, engine: unknown, path = "result"): string | undefined {
  if (typeof chain !== "object" || chain === null || typeof engine !== "object" || engine === null) {
    return chain === engine ? undefined : `${path}: chain ${String(chain)}, engine ${String(engine)}`;
  }
  if (Array.isArray(chain) !== Array.isArray(engine)) return `${path}: array on one side only`;
  const keys = new Set([...Object.keys(chain), ...Object.keys(engine)]);
  for (const key of keys) {
    const found = firstDifference(
      (chain as Record<string, unknown>)[key],
      (engine as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A case as JSON (bigints as strings), to replay a failure in a unit test. */
function describeCase(c: Case): string {
  return JSON.stringify(c, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

describe("WaterfallLib vs the TypeScript engine (differential, WF-1 .. WF-8)", function () {
  async function deployHarness(): Promise<WaterfallHarness> {
    const harness = await ethers.deployContract("WaterfallHarness");
    await harness.waitForDeployment();
    return harness;
  }

  /** Runs `cases` on chain in one eth_call and decodes each result. */
  async function onChain(harness: WaterfallHarness, cases: readonly Case[]): Promise<PeriodResult[]> {
    const encoded = cases.map((c) => ({
      config: toAbiConfig(c.config),
      state: toAbiState(c.state),
      inputs: toAbiInputs(c.inputs),
    }));
    const results = await harness.runBatch(encoded);
    return results.map((r) => fromAbiResult(r));
  }

  it(`agrees to the unit on ${BATCH * BATCHES} random deals and periods, and both keep the invariants`, async function () {
    const harness = await loadFixture(deployHarness);
    const seen = {
      sequential: 0,
      proRata: 0,
      targeted: 0,
      scheduled: 0,
      accretion: 0,
      lockout: 0,
      brokenSchedule: 0,
      beforeStepDown: 0,
      facilityExpired: 0,
      deficiencyCarried: 0,
      capPaid: 0,
      swapOwed: 0,
      hedgeExpired: 0,
      interestOnlyPaid: 0,
      usageFee: 0,
      accelerated: 0,
      trapping: 0,
      shortfall: 0,
      writeDown: 0,
      writeUp: 0,
      draws: 0,
      breaches: 0,
      cures: 0,
    };
    await fc.assert(
      fc.asyncProperty(exactly(caseArb, BATCH), async (cases) => {
        const chain = await onChain(harness, cases);
        expect(chain).to.have.length(cases.length);
        cases.forEach((c, i) => {
          validateWaterfallConfig(c.config); // the generator only builds valid deals
          const engine = runWaterfall(c.config, c.state, c.inputs);
          const fromChain = chain[i];
          const difference = firstDifference(fromChain, engine);
          expect(difference, `case ${i}: ${difference ?? ""}\n${describeCase(c)}`).to.equal(undefined);
          if (fromChain === undefined) return;
          // WF-1 .. WF-7 on both results (identical here, but each is checked in its own right).
          expect(checkPeriodInvariants(c.config, c.state, c.inputs, fromChain), `case ${i} (chain)`).to.deep.equal([]);
          expect(checkPeriodInvariants(c.config, c.state, c.inputs, engine), `case ${i} (engine)`).to.deep.equal([]);

          seen[engine.principalMode] += 1;
          if (engine.accretedCents.some((a) => a > 0n)) seen.accretion += 1;
          const lockouts = c.config.classes ?? [];
          if (
            !engine.accelerated &&
            lockouts.some((k) => k.lockoutPeriods !== 0 && c.inputs.period <= k.lockoutPeriods)
          ) {
            seen.lockout += 1;
          }
          const scheduledPaidBeyond = engine.tranches.some(
            (t, i) =>
              lockouts[i]?.kind === "scheduled" &&
              t.principalPaidCents >
                (c.state.tranches[i]?.balanceCents ?? 0n) - (c.inputs.targetBalancesCents[i] ?? 0n),
          );
          if (engine.principalMode === "scheduled" && scheduledPaidBeyond) seen.brokenSchedule += 1;
          const stepDown = c.config.stepDownPeriod ?? 0;
          if (c.config.principalMode !== "sequential" && c.inputs.period < stepDown) seen.beforeStepDown += 1;
          const { expiryPeriod, usageRateWad } = c.config.guarantee;
          if ((expiryPeriod ?? 0) !== 0 && c.inputs.period > (expiryPeriod ?? 0) && c.config.guarantee.limitCents > 0n)
            seen.facilityExpired += 1;
          if ((usageRateWad ?? 0n) !== 0n && c.state.guaranteeDrawnCents > 0n && c.inputs.accrualDays > 0)
            seen.usageFee += 1;
          const deficiency = principalDeficiencies(engine.next, c.inputs.poolBalanceEndCents);
          if (c.config.principalDeficiencyLedger === true && deficiency.some((d) => d > 0n))
            seen.deficiencyCarried += 1;
          if (engine.capReceiptCents > 0n) seen.capPaid += 1;
          if (swapPayment(c.config, c.state, c.inputs) > 0n) seen.swapOwed += 1;
          if (c.inputs.period > (c.config.cap?.expiryPeriod ?? Infinity)) seen.hedgeExpired += 1;
          if (engine.tranches.some((t, i) => isInterestOnlyClass(c.config, i) && t.interestPaidCents > 0n))
            seen.interestOnlyPaid += 1;
          if (engine.accelerated) seen.accelerated += 1;
          if (engine.trapping) seen.trapping += 1;
          if (engine.next.tranches.some((t) => t.interestShortfallCents > 0n)) seen.shortfall += 1;
          if (engine.tranches.some((t) => t.writeDownCents > 0n)) seen.writeDown += 1;
          if (engine.tranches.some((t) => t.writeUpCents > 0n)) seen.writeUp += 1;
          if (engine.reserveDrawCents + engine.guaranteeDrawCents > 0n) seen.draws += 1;
          if (engine.triggers.some((t) => t.breachedNow)) seen.breaches += 1;
          if (engine.triggers.some((t) => t.curedNow)) seen.cures += 1;
        });
      }),
      // No shrinking: each shrink step is an eth_call of a whole batch. The message names the case and its field.
      { numRuns: BATCHES, endOnFailure: true },
    );
    // The random deals reach every path that matters, not only the easy ones.
    if (process.env.WATERFALL_COVERAGE === "1") console.log(seen);
    for (const [path, count] of Object.entries(seen)) expect(count, `cases that reached ${path}`).to.be.greaterThan(10);
  });
});
