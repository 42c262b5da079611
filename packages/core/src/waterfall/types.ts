/**
 * The waterfall's types: the TypeScript mirror of `contracts/types/WaterfallTypes.sol`, field for field and in
 * the same order. Money is `...Cents` (bigint, the cash token's smallest unit), rates and ratios `...Wad`
 * (bigint, 1e18 = 100%). Tranches are listed most senior first. Solidity enums are string unions here; the
 * position of a value in its `..._KINDS`-style tuple is the Solidity enum's numeric value.
 */

/** How a tranche's coupon is set (`CouponType` in `TrancheTypes.sol`). */
export const COUPON_TYPES = ["fixed", "floating", "none", "inverseFloating"] as const;
/**
 * A coupon type: fixed rate, floating (index + spread, within floor and cap), none, or inverse floating
 * (K - m x index, within floor and cap).
 */
export type CouponType = (typeof COUPON_TYPES)[number];

/** Principal allocation while no trigger overrides it (`PrincipalMode`). */
export const PRINCIPAL_MODES = ["sequential", "proRata", "targeted", "scheduled"] as const;
/**
 * `sequential`: most senior first; `proRata`: by balance; `targeted`: each tranche down to the target balance the
 * trustee gives for the period; `scheduled` (PAC/TAC): the scheduled classes down to the schedule fixed at
 * structuring, then the other classes, then the scheduled classes beyond it.
 */
export type PrincipalMode = (typeof PRINCIPAL_MODES)[number];

/** What a tranche is in the principal allocation (`ClassKind`). */
export const CLASS_KINDS = ["standard", "scheduled", "support", "accrual", "interestOnly"] as const;
/**
 * `standard`: by the mode; `scheduled`: a PAC or TAC class (`scheduled` mode); `support`: takes what the scheduled
 * classes do not; `accrual`: a Z class, whose interest accretes to its balance and pays earlier classes' principal
 * while one of them is outstanding; `interestOnly`: an IO strip of the principal class listed just before it, its
 * coupon accruing on that class's opening balance (the notional), with no principal balance of its own (always 0).
 */
export type ClassKind = (typeof CLASS_KINDS)[number];

/** How one tranche takes part in the principal allocation (`ClassTerms`). */
export interface ClassTerms {
  /** Standard, scheduled, support, accrual or interest only. */
  readonly kind: ClassKind;
  /** No principal in periods 1..lockoutPeriods (0 = none); acceleration lifts it. 0 for an interest-only class. */
  readonly lockoutPeriods: number;
}

/** The steps of the priority of payments (`StepKind`). */
export const STEP_KINDS = [
  "fee",
  "interest",
  "principal",
  "reserveTopUp",
  "guaranteeFee",
  "guaranteeReimbursement",
] as const;
/** One kind of step. `fee` and `interest` name their fee or tranche by `index`. */
export type StepKind = (typeof STEP_KINDS)[number];

/** What a trigger measures (`TriggerKind`). */
export const TRIGGER_KINDS = [
  "overcollateralization",
  "interestCoverage",
  "cumulativeNetLoss",
  "delinquency60",
] as const;
/** A trigger's measure. */
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** What a breached trigger does (`TriggerEffect`). */
export const TRIGGER_EFFECTS = ["switchToSequential", "trapExcessSpread", "eventOfDefault"] as const;
/** A trigger's effect. */
export type TriggerEffect = (typeof TRIGGER_EFFECTS)[number];

/** One step of the configured order. */
export interface WaterfallStep {
  /** The step. */
  readonly kind: StepKind;
  /** The fee or tranche the step pays (`fee`, `interest`); 0 for the other kinds. */
  readonly index: number;
}

/** A senior fee: `fixedCents` per period plus `rateWad` a year on the pool's opening balance. */
export interface FeeTerms {
  /** Fixed amount per period. */
  readonly fixedCents: bigint;
  /** Annual rate on the opening pool balance, accrued like interest. */
  readonly rateWad: bigint;
}

/** How a tranche's coupon is set. */
export interface CouponTerms {
  /** Fixed, floating or none. */
  readonly couponType: CouponType;
  /** The annual rate (fixed), the spread over the index (floating) or the constant K (inverse floating); 0 for none. */
  readonly couponRateWad: bigint;
  /** Floating and inverse floating only: the coupon is never below it (0 = no floor). 0 otherwise. */
  readonly floorRateWad: bigint;
  /** Floating and inverse floating only: the coupon is never above it (0 = no cap; else >= floor). 0 otherwise. */
  readonly capRateWad: bigint;
  /** Inverse floating only: m, the index's multiplier (1e18 = 1x, > 0); absent or 0 otherwise. */
  readonly indexMultiplierWad?: bigint | undefined;
}

/** The reserve account: its target and which shortfalls it covers. */
export interface ReserveTerms {
  /** Target as a share of the ending pool balance, rounded up. */
  readonly targetWad: bigint;
  /** The target is never below this (and never above the tranches' opening balance). */
  readonly floorCents: bigint;
  /** Whether the reserve is drawn for senior fee shortfalls. */
  readonly coversFees: boolean;
  /** The reserve is drawn for interest shortfalls of this many most senior tranches. */
  readonly coveredTranches: number;
}

/**
 * A third-party facility: a guarantee, or a liquidity facility (the same line with a usage fee on its draws, its
 * commitment fee on the undrawn part, and an expiry).
 */
export interface GuaranteeTerms {
  /** The commitment; draws outstanding never exceed it. 0 = no facility. */
  readonly limitCents: bigint;
  /**
   * Annual commitment fee, accrued like interest on the limit (or on the undrawn part, `feeOnUndrawn`); none after
   * the expiry.
   */
  readonly feeRateWad: bigint;
  /** Whether the facility is drawn for senior fee shortfalls. */
  readonly coversFees: boolean;
  /** The facility is drawn for interest shortfalls of this many most senior tranches. */
  readonly coveredTranches: number;
  /**
   * Annual usage fee on the draws outstanding at the period's start, accrued like interest and due with the
   * commitment fee; it runs until the draws are reimbursed. Absent = 0.
   */
  readonly usageRateWad?: bigint | undefined;
  /** The commitment fee accrues on the limit less the opening draws (a liquidity facility). Absent = false. */
  readonly feeOnUndrawn?: boolean | undefined;
  /**
   * The facility can be drawn in periods up to this one only, and earns no commitment fee after it; draws
   * outstanding are still reimbursed. Absent or 0 = no expiry.
   */
  readonly expiryPeriod?: number | undefined;
}

/** A performance trigger, evaluated each period before any payment. */
export interface TriggerTerms {
  /** What it measures. */
  readonly kind: TriggerKind;
  /** What it does while breached. */
  readonly effect: TriggerEffect;
  /** Whether it un-breaches when the measure recovers. */
  readonly curable: boolean;
  /** Overcollateralization and interest coverage: the measure's most senior tranches (0 = all); else 0. */
  readonly trancheScope: number;
  /** The threshold, a ratio (1e18 = 1). */
  readonly thresholdWad: bigint;
  /** Cumulative net loss only, optional: the threshold of period p is `scheduleWad[min(p, length) - 1]`. */
  readonly scheduleWad: readonly bigint[];
}

/** A deal's priority of payments. See `WaterfallConfig` in `WaterfallTypes.sol`. */
export interface WaterfallConfig {
  /** 360 or 365. */
  readonly yearBasisDays: number;
  /** Principal allocation while no trigger overrides it. */
  readonly principalMode: PrincipalMode;
  /** Target overcollateralization, share of the ending pool balance, rounded up. */
  readonly targetOcWad: bigint;
  /** The target overcollateralization is never below this (nor above the pool balance). */
  readonly ocFloorCents: bigint;
  /** The pool balance at closing (> 0), the cumulative net loss denominator. */
  readonly originalPoolBalanceCents: bigint;
  /** Coupon terms per tranche, most senior first (1 to 16). */
  readonly tranches: readonly CouponTerms[];
  /** Senior fees (0 to 8). */
  readonly fees: readonly FeeTerms[];
  /** The order of payments. */
  readonly steps: readonly WaterfallStep[];
  /** The reserve account. */
  readonly reserve: ReserveTerms;
  /** The guarantee facility. */
  readonly guarantee: GuaranteeTerms;
  /** The triggers (0 to 8). */
  readonly triggers: readonly TriggerTerms[];
  /**
   * Per tranche, its class; absent or empty = every tranche `standard` with no lockout (the ABI value is then an
   * empty list).
   */
  readonly classes?: readonly ClassTerms[] | undefined;
  /**
   * Principal is sequential in the periods before it (the step-down date), by the configured mode from it on;
   * absent or 0 = no step-down.
   */
  readonly stepDownPeriod?: number | undefined;
  /**
   * Losses are carried on a principal deficiency ledger instead of being written off each period: the tranches stay
   * above the performing pool by the deficiency ({@link principalDeficiencies}: most junior first), which the next
   * periods' principal distribution amount cures from excess spread; what is left is written off once the pool is
   * exhausted. Absent = false (written off each period).
   */
  readonly principalDeficiencyLedger?: boolean | undefined;
  /**
   * An interest-rate cap on the notes, or with a pay leg a swap; absent = none (the ABI value is then a zero scope,
   * strike and pay leg).
   */
  readonly cap?: CapTerms | undefined;
}

/**
 * An interest-rate cap bought at closing (premium outside the waterfall): in a period whose index is above the
 * strike the provider pays `accrue(notional, index - strike)` into the available funds, the notional being the
 * opening balance of the `trancheScope` most senior tranches. The provider transfers it to the waterfall before the
 * period is run.
 *
 * With a pay leg it is an interest-rate swap: the deal pays the strike as its fixed rate and receives the index,
 * settled net. Above the strike the counterparty pays as a cap provider does; below it the deal owes
 * `accrue(notional, strike - index)` (`swapPayment`), added to the pay-leg fee's due: that fee's payee is the
 * counterparty, its place in the steps is the payment's priority, and an unpaid part is carried like any fee
 * shortfall, without interest.
 */
export interface CapTerms {
  /** The strike, an annual rate; a swap's fixed rate. */
  readonly strikeRateWad: bigint;
  /** The notional is the opening balance of this many most senior tranches (1 to the tranche count). */
  readonly trancheScope: number;
  /** A swap: the deal's net payments are due through fee `payLegFee - 1`. Absent or 0: a cap. */
  readonly payLegFee?: number | undefined;
  /** The last period the cap or swap pays or is paid in (its term). Absent or 0: the deal's whole life. */
  readonly expiryPeriod?: number | undefined;
}

/** What a tranche carries from one period to the next. */
export interface TrancheBalances {
  /** Outstanding principal (after write-downs). */
  readonly balanceCents: bigint;
  /** Interest due and unpaid; bears interest at the coupon. */
  readonly interestShortfallCents: bigint;
  /** Principal written down and not yet written back up. */
  readonly writtenDownCents: bigint;
}

/** What the waterfall carries from one period to the next. */
export interface WaterfallState {
  /** Per tranche, most senior first. */
  readonly tranches: readonly TrancheBalances[];
  /** Unpaid senior fees, per fee. */
  readonly feeShortfallsCents: readonly bigint[];
  /** Whether each trigger was breached after the previous period. */
  readonly triggersBreached: readonly boolean[];
  /** Reserve account balance. */
  readonly reserveCents: bigint;
  /** Guarantee draws not yet reimbursed. */
  readonly guaranteeDrawnCents: bigint;
  /** Unpaid guarantee fee. */
  readonly guaranteeFeeShortfallCents: bigint;
  /** Cumulative defaults less cumulative recoveries (never below 0). */
  readonly cumulativeNetLossCents: bigint;
}

/** The inputs of one period, from the anchored report and the trustee. */
export interface PeriodInputs {
  /** The period number, from 1. */
  readonly period: number;
  /** Days of interest in the period. */
  readonly accrualDays: number;
  /** The floating-rate index for the period. */
  readonly indexRateWad: bigint;
  /** Accelerated whatever the triggers say. */
  readonly accelerated: boolean;
  /** Interest collected. */
  readonly interestCollectionsCents: bigint;
  /** Principal collected, recoveries included. */
  readonly principalCollectionsCents: bigint;
  /** Recoveries (part of principal collections). */
  readonly recoveriesCents: bigint;
  /** Principal of the loans that defaulted in the period. */
  readonly newDefaultsCents: bigint;
  /** Principal 60+ days past due at the period's end. */
  readonly delinquent60PlusCents: bigint;
  /** Performing pool balance at the period's start. */
  readonly poolBalanceBeginCents: bigint;
  /** Performing pool balance at the period's end. */
  readonly poolBalanceEndCents: bigint;
  /**
   * `targeted` mode: each tranche's target balance after the period (from the trustee); `scheduled` mode: from the
   * schedule fixed at structuring (0 for an unscheduled class); else empty.
   */
  readonly targetBalancesCents: readonly bigint[];
}

/** What one senior fee was due and paid. */
export interface FeePayment {
  /** Current fee and the carried shortfall. */
  readonly dueCents: bigint;
  /** Paid (the rest is `next.feeShortfallsCents`). */
  readonly paidCents: bigint;
}

/** What one tranche was due and paid. */
export interface TranchePayment {
  /** The coupon applied. */
  readonly rateWad: bigint;
  /** Current interest, interest on the carried shortfall, and the shortfall. */
  readonly interestDueCents: bigint;
  /** Interest paid (the rest is the tranche's next shortfall). */
  readonly interestPaidCents: bigint;
  /** Principal paid. */
  readonly principalPaidCents: bigint;
  /** Principal written down for losses (step 9). */
  readonly writeDownCents: bigint;
  /** Principal written back up from recoveries (step 4). */
  readonly writeUpCents: bigint;
}

/** How a trigger stood in the period. */
export interface TriggerOutcome {
  /** The measure, rounded toward a breach; `MAX_UINT256` for a coverage ratio over nothing. */
  readonly valueWad: bigint;
  /** The threshold applied. */
  readonly thresholdWad: bigint;
  /** Breached after the period. */
  readonly breached: boolean;
  /** Breached now, not before. */
  readonly breachedNow: boolean;
  /** Breached before, not now. */
  readonly curedNow: boolean;
}

/** Everything one period produces. See `PeriodResult` in `WaterfallTypes.sol` for each field. */
export interface PeriodResult {
  /** Acceleration applied (an event-of-default trigger or `inputs.accelerated`). */
  readonly accelerated: boolean;
  /** The allocation applied (`sequential` when accelerated or switched by a trigger). */
  readonly principalMode: PrincipalMode;
  /** Excess spread trapped in the reserve (a breached trap trigger, not accelerated). */
  readonly trapping: boolean;
  /** The principal distribution amount the principal step aimed to pay. */
  readonly principalDueCents: bigint;
  /** Per fee. */
  readonly fees: readonly FeePayment[];
  /** Per tranche, most senior first. */
  readonly tranches: readonly TranchePayment[];
  /** Per trigger. */
  readonly triggers: readonly TriggerOutcome[];
  /** The reserve target of the period (0 when accelerated). */
  readonly reserveTargetCents: bigint;
  /** Reserve above its target released into the available funds first (not while trapping). */
  readonly reserveReleaseCents: bigint;
  /** Drawn from the reserve for fee and interest shortfalls. */
  readonly reserveDrawCents: bigint;
  /** Paid into the reserve by the reserve step. */
  readonly reserveTopUpCents: bigint;
  /** Drawn from the guarantor for fee and interest shortfalls. */
  readonly guaranteeDrawCents: bigint;
  /** Guarantee fee due (current and carried). */
  readonly guaranteeFeeDueCents: bigint;
  /** Guarantee fee paid. */
  readonly guaranteeFeePaidCents: bigint;
  /** Guarantor draws repaid. */
  readonly guaranteeReimbursedCents: bigint;
  /** What is left after the last step, to the equity holder. */
  readonly residualCents: bigint;
  /** The state for the next period. */
  readonly next: WaterfallState;
  /**
   * Per tranche, the interest added to an accrual class's balance and paid as principal instead (not interest
   * paid); empty unless the deal has an accrual class.
   */
  readonly accretedCents: readonly bigint[];
  /** What the interest-rate cap paid into the period's available funds (0 without a cap or below the strike). */
  readonly capReceiptCents: bigint;
}
