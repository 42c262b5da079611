/**
 * A projected pool run through a deal's priority of payments: the pool's months in cents (from
 * `cashflow.standard.projectRepLines`) become the waterfall's period inputs, and `runWaterfall` (the TypeScript
 * twin of the contract) pays them out, so a projected tranche is paid exactly as the chain would pay it.
 *
 * Each month is one period. The pool's interest at its net coupon is the interest collected; scheduled principal,
 * prepayments and recoveries are the principal collected; loans in foreclosure are the 60+ delinquent balance.
 */
import { type PoolMonthCents } from "../cashflow/standard/cash-boundary";
import { isInterestOnlyClass } from "../waterfall/classes";
import { runWaterfall } from "../waterfall/engine";
import { principalSummary } from "./principal-summary";
import { type PeriodResult, type WaterfallConfig, type WaterfallState } from "../waterfall/types";

/** What a deal projection needs besides the pool. */
export interface DealProjectionInput {
  readonly config: WaterfallConfig;
  /** Opening balance of each tranche, most senior first. */
  readonly facesCents: readonly bigint[];
  /** The pool, month by month. */
  readonly months: readonly PoolMonthCents[];
  /** Days of interest in period p (1-based), on the deal's day count. */
  readonly accrualDays: (period: number) => number;
  /** The floating-rate index in period p (wad). */
  readonly indexRateWad: (period: number) => bigint;
  /** Reserve account balance at closing (default 0). */
  readonly openingReserveCents?: bigint;
  /**
   * A `scheduled` deal's schedule, as `Waterfall.setSchedule` takes it: one list of target balances per scheduled
   * class (seniority order), period by period; a target is 0 after its list.
   */
  readonly scheduleCents?: readonly (readonly bigint[])[];
}

/** Period `period`'s target of every tranche, as the waterfall reads it from its schedule (else none). */
function targetsOf(input: DealProjectionInput, period: number): bigint[] {
  if (input.config.principalMode !== "scheduled") return [];
  let k = 0;
  return input.facesCents.map((_, t) => {
    if (input.config.classes?.[t]?.kind !== "scheduled") return 0n;
    const list = input.scheduleCents?.[k++] ?? [];
    return list[period - 1] ?? 0n;
  });
}

/** One tranche in one period. */
export interface TrancheMonth {
  readonly month: number;
  readonly interestPaidCents: bigint;
  readonly principalPaidCents: bigint;
  /** Write-down less write-up in the period. */
  readonly netWriteDownCents: bigint;
  /** Balance after the period. */
  readonly balanceCents: bigint;
  /** Interest due and not paid, carried. */
  readonly interestShortfallCents: bigint;
}

/** One tranche over the whole projection. */
export interface TrancheProjection {
  readonly faceCents: bigint;
  readonly months: readonly TrancheMonth[];
  readonly principalPaidCents: bigint;
  readonly interestPaidCents: bigint;
  /** Principal written down and never written back up. */
  readonly lossCents: bigint;
  /** Weighted average life in years (principal-weighted months / 12); undefined if no principal is paid. */
  readonly averageLifeYears: number | undefined;
  /** First and last month that paid principal (the principal window); undefined if none. */
  readonly principalWindow: readonly [number, number] | undefined;
}

/** The deal over the projection. */
export interface DealProjection {
  readonly periods: readonly PeriodResult[];
  readonly tranches: readonly TrancheProjection[];
  readonly residualCents: bigint;
  /** Months in which an event-of-default trigger accelerated the deal. */
  readonly acceleratedMonths: readonly number[];
}

/**
 * The deal's state at closing: tranches at face (an interest-only class at 0: its face is a notional, as
 * `Waterfall.configure` stores it), nothing owed, no trigger breached.
 */
export function closingState(
  config: WaterfallConfig,
  facesCents: readonly bigint[],
  reserveCents = 0n,
): WaterfallState {
  return {
    tranches: facesCents.map((faceCents, t) => ({
      balanceCents: isInterestOnlyClass(config, t) ? 0n : faceCents,
      interestShortfallCents: 0n,
      writtenDownCents: 0n,
    })),
    feeShortfallsCents: config.fees.map(() => 0n),
    triggersBreached: config.triggers.map(() => false),
    reserveCents,
    guaranteeDrawnCents: 0n,
    guaranteeFeeShortfallCents: 0n,
    cumulativeNetLossCents: 0n,
  };
}

/**
 * Runs every projected month through the waterfall.
 *
 * @throws WaterfallError as `runWaterfall` does for a bad configuration or inputs
 */
export function projectDeal(input: DealProjectionInput): DealProjection {
  let state = closingState(input.config, input.facesCents, input.openingReserveCents ?? 0n);
  const periods: PeriodResult[] = [];
  const months: TrancheMonth[][] = input.facesCents.map(() => []);
  const acceleratedMonths: number[] = [];
  let residualCents = 0n;
  for (const month of input.months) {
    const result = runWaterfall(input.config, state, {
      period: month.month,
      accrualDays: input.accrualDays(month.month),
      indexRateWad: input.indexRateWad(month.month),
      accelerated: false,
      interestCollectionsCents: month.interestCents,
      principalCollectionsCents: month.scheduledPrincipalCents + month.prepaidPrincipalCents + month.recoveryCents,
      recoveriesCents: month.recoveryCents,
      newDefaultsCents: month.newDefaultsCents,
      delinquent60PlusCents: month.inForeclosureCents,
      poolBalanceBeginCents: month.beginningBalanceCents,
      poolBalanceEndCents: month.endingBalanceCents,
      targetBalancesCents: targetsOf(input, month.month),
    });
    periods.push(result);
    if (result.accelerated) acceleratedMonths.push(month.month);
    residualCents += result.residualCents;
    result.tranches.forEach((paid, index) => {
      const next = result.next.tranches[index];
      months[index]?.push({
        month: month.month,
        interestPaidCents: paid.interestPaidCents,
        principalPaidCents: paid.principalPaidCents,
        netWriteDownCents: paid.writeDownCents - paid.writeUpCents,
        balanceCents: next?.balanceCents ?? 0n,
        interestShortfallCents: next?.interestShortfallCents ?? 0n,
      });
    });
    state = result.next;
  }
  const tranches = input.facesCents.map((faceCents, index): TrancheProjection => {
    const rows = months[index] ?? [];
    const summary = principalSummary(rows.map((row) => ({ month: row.month, principalCents: row.principalPaidCents })));
    return {
      faceCents,
      months: rows,
      principalPaidCents: summary.principalCents,
      interestPaidCents: rows.reduce((sum, row) => sum + row.interestPaidCents, 0n),
      lossCents: state.tranches[index]?.writtenDownCents ?? 0n,
      averageLifeYears: summary.averageLifeYears,
      principalWindow: summary.principalWindow,
    };
  });
  return { periods, tranches, residualCents, acceleratedMonths };
}
