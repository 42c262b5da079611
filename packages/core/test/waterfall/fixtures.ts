import { expect } from "chai";
import {
  checkPeriodInvariants,
  runWaterfall,
  summarizeCash,
  validateWaterfallConfig,
  type CouponTerms,
  type PeriodInputs,
  type PeriodResult,
  type WaterfallConfig,
  type WaterfallState,
  type WaterfallStep,
} from "../../src/waterfall";

/** A percentage as a wad, exactly: `pct(5.5)` is 0.055e18. Only for literal test rates with up to 4 decimals. */
export function pct(percent: number): bigint {
  return BigInt(Math.round(percent * 10_000)) * 10n ** 12n;
}

/** A fixed coupon. */
export function fixed(percent: number): CouponTerms {
  return { couponType: "fixed", couponRateWad: pct(percent), floorRateWad: 0n, capRateWad: 0n };
}

/** No coupon (a subordinated or equity-like tranche). */
export const NO_COUPON: CouponTerms = { couponType: "none", couponRateWad: 0n, floorRateWad: 0n, capRateWad: 0n };

/** The canonical order: fees, interest by seniority, principal, reserve, guarantee fee, guarantee reimbursement. */
export function canonicalSteps(feeCount: number, trancheCount: number): WaterfallStep[] {
  return [
    ...Array.from({ length: feeCount }, (_, index) => ({ kind: "fee" as const, index })),
    ...Array.from({ length: trancheCount }, (_, index) => ({ kind: "interest" as const, index })),
    { kind: "principal", index: 0 },
    { kind: "reserveTopUp", index: 0 },
    { kind: "guaranteeFee", index: 0 },
    { kind: "guaranteeReimbursement", index: 0 },
  ];
}

/** A deal with no fees, reserve, guarantee or triggers unless overridden; canonical steps for its fees and tranches. */
export function deal(overrides: Partial<WaterfallConfig> & Pick<WaterfallConfig, "tranches">): WaterfallConfig {
  const fees = overrides.fees ?? [];
  return {
    yearBasisDays: 360,
    principalMode: "sequential",
    targetOcWad: 0n,
    ocFloorCents: 0n,
    originalPoolBalanceCents: 100_000_000n,
    fees,
    steps: canonicalSteps(fees.length, overrides.tranches.length),
    reserve: { targetWad: 0n, floorCents: 0n, coversFees: false, coveredTranches: 0 },
    guarantee: { limitCents: 0n, feeRateWad: 0n, coversFees: false, coveredTranches: 0 },
    triggers: [],
    ...overrides,
  };
}

/** The opening state of a deal with these tranche balances and nothing carried. */
export function opening(
  config: WaterfallConfig,
  balances: readonly bigint[],
  extra: Partial<WaterfallState> = {},
): WaterfallState {
  return {
    tranches: balances.map((balanceCents) => ({ balanceCents, interestShortfallCents: 0n, writtenDownCents: 0n })),
    feeShortfallsCents: config.fees.map(() => 0n),
    triggersBreached: config.triggers.map(() => false),
    reserveCents: 0n,
    guaranteeDrawnCents: 0n,
    guaranteeFeeShortfallCents: 0n,
    cumulativeNetLossCents: 0n,
    ...extra,
  };
}

/** A 30-day period with nothing collected unless overridden. */
export function period(overrides: Partial<PeriodInputs>): PeriodInputs {
  return {
    period: 1,
    accrualDays: 30,
    indexRateWad: 0n,
    accelerated: false,
    interestCollectionsCents: 0n,
    principalCollectionsCents: 0n,
    recoveriesCents: 0n,
    newDefaultsCents: 0n,
    delinquent60PlusCents: 0n,
    poolBalanceBeginCents: 0n,
    poolBalanceEndCents: 0n,
    targetBalancesCents: [],
    ...overrides,
  };
}

/**
 * Runs one period and asserts what every period must satisfy: a valid configuration, cash conserved to the cent
 * (WF-1) and every other invariant of test/INVARIANTS.md (WF-2 .. WF-7).
 */
export function runChecked(config: WaterfallConfig, state: WaterfallState, inputs: PeriodInputs): PeriodResult {
  validateWaterfallConfig(config);
  const result = runWaterfall(config, state, inputs);
  const cash = summarizeCash(inputs, result);
  expect(cash.usesCents, "cash out == cash in").to.equal(cash.sourcesCents);
  expect(checkPeriodInvariants(config, state, inputs, result)).to.deep.equal([]);
  return result;
}

/** Each tranche's field, in seniority order. */
export function column<K extends keyof PeriodResult["tranches"][number]>(
  result: PeriodResult,
  key: K,
): PeriodResult["tranches"][number][K][] {
  return result.tranches.map((t) => t[key]);
}

/** The tranches' balances after the period. */
export function balances(result: PeriodResult): bigint[] {
  return result.next.tranches.map((t) => t.balanceCents);
}
