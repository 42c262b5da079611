// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CouponType} from "./TrancheTypes.sol";

// The priority of payments of one deal: its configuration (fixed when the deal is structured), the state it
// carries from one period to the next, the inputs of one period, and everything one period produces.
// `WaterfallLib.run` is the maths; the TypeScript mirror is `packages/core/src/waterfall`.
//
// Units: money is `...Cents` (the cash token's smallest unit), annual rates and ratios are `...Wad`
// (1e18 = 100%). Tranches are always listed most senior first: index 0 is seniority rank 1.
// Every enum is append only: its numeric value is part of stored configurations and of the TypeScript mirror.

/// @notice How principal is allocated among the tranches when no trigger overrides it.
enum PrincipalMode {
    Sequential, // the most senior outstanding tranche first, to zero, then the next
    ProRata, // in proportion to the tranches' balances
    Targeted, // each tranche down to its target balance for the period (set by the trustee), in seniority order
    Scheduled // PAC/TAC: scheduled classes to the schedule fixed at structuring, then the others, then the rest
}

/// @notice What a tranche is in the principal allocation (`WaterfallConfig.classes`; no entries = all `Standard`).
enum ClassKind {
    Standard, // principal by the mode (sequential, pro rata, targeted); in `Scheduled` mode with the supports
    Scheduled, // PAC or TAC: `Scheduled` mode pays it down to its schedule first, and beyond only once the others
    // are retired (the schedule is broken)
    Support, // absorbs what the scheduled classes do not take (`Scheduled` mode), in seniority order
    Accrual, // Z: while an earlier tranche is outstanding its interest is added to its balance, and the same cash
    // is paid as principal (accretion-directed)
    // IO: a strip of the class listed just before it (a principal class): its coupon accrues on that class's opening
    // balance (the notional); it has no principal balance of its own (always 0) and takes no principal
    InterestOnly
}

/// @notice One step of the priority of payments.
enum StepKind {
    Fee, // senior fee `index` (trustee, servicer, custodian, ...)
    Interest, // interest of tranche `index`
    Principal, // the period's principal, allocated by the principal mode
    ReserveTopUp, // the reserve account back to its target (or everything left while trapping)
    GuaranteeFee, // the guarantor's commitment fee
    GuaranteeReimbursement // repay the guarantor's outstanding draws
}

/// @notice What a trigger measures, from the anchored period report.
enum TriggerKind {
    Overcollateralization, // (ending pool balance + principal collections) / tranche balances; breach below
    InterestCoverage, // interest collections / (senior fees + tranche interest due); breach below
    CumulativeNetLoss, // cumulative net loss / original pool balance; breach above
    Delinquency60 // 60+ days delinquent balance / ending pool balance; breach above
}

/// @notice What a breached trigger does.
enum TriggerEffect {
    SwitchToSequential, // principal is paid sequentially
    TrapExcessSpread, // the reserve step keeps everything left instead of passing it on
    EventOfDefault // acceleration: after fees, everything to the most senior outstanding tranche
}

/// @notice One step of the configured order.
/// @param kind The step.
/// @param index The fee or tranche the step pays (`Fee`, `Interest`); 0 for the other kinds.
struct WaterfallStep {
    StepKind kind;
    uint8 index;
}

/// @notice A senior fee: `fixedCents` per period plus `rateWad` a year on the pool's opening balance.
/// @param fixedCents Fixed amount per period.
/// @param rateWad Annual rate on the opening pool balance (e.g. 1e15 = 10 bps), accrued like interest.
struct FeeTerms {
    uint256 fixedCents;
    uint64 rateWad;
}

/// @notice How a tranche's coupon is set.
/// @param couponType Fixed, floating (index + spread), none (no interest) or inverse floating (K - m x index).
/// @param couponRateWad The annual rate (fixed), the spread over the index (floating) or the constant K (inverse
/// floating); 0 for none.
/// @param floorRateWad Floating and inverse floating only: the coupon is never below it (0 = no floor). 0 otherwise.
/// @param capRateWad Floating and inverse floating only: the coupon is never above it (0 = no cap; else >= floor).
/// 0 otherwise.
/// @param indexMultiplierWad Inverse floating only: m, the index's multiplier (1e18 = 1x; > 0). 0 otherwise.
struct CouponTerms {
    CouponType couponType;
    uint64 couponRateWad;
    uint64 floorRateWad;
    uint64 capRateWad;
    uint64 indexMultiplierWad;
}

/// @notice The reserve account: its target, and which shortfalls it covers.
/// @param targetWad Target as a share of the ending pool balance, rounded up (e.g. 1.5e16 = 1.5%).
/// @param floorCents The target is never below this (and never above the tranches' principal balance).
/// @param coversFees Whether the reserve is drawn to pay senior fees the available funds cannot.
/// @param coveredTranches The reserve is drawn for interest shortfalls of the `coveredTranches` most senior
/// tranches.
struct ReserveTerms {
    uint64 targetWad;
    uint256 floorCents;
    bool coversFees;
    uint8 coveredTranches;
}

/// @notice A third-party facility: a guarantee or a liquidity facility. The provider commits cash up to
/// `limitCents`, is drawn on the shortfalls it covers (after the reserve), earns its fees, and is reimbursed in the
/// waterfall. A liquidity facility is the same line with a usage fee on its draws, its commitment fee on the undrawn
/// part, and an expiry.
/// @param limitCents The commitment; draws outstanding never exceed it. 0 = no facility.
/// @param feeRateWad Annual commitment fee, accrued like interest on `limitCents` (or on the undrawn part, see
/// `feeOnUndrawn`); it stops after the expiry.
/// @param coversFees Whether the facility is drawn for senior fee shortfalls.
/// @param coveredTranches The facility is drawn for interest shortfalls of the `coveredTranches` most senior
/// tranches.
/// @param usageRateWad Annual usage fee on the draws outstanding at the period's start, accrued like interest
/// (0 = none); it runs until the draws are reimbursed, expiry or not.
/// @param feeOnUndrawn The commitment fee accrues on `limitCents` less the draws outstanding at the period's start
/// (a liquidity facility) instead of on `limitCents` (a guarantee).
/// @param expiryPeriod The facility can be drawn in periods up to `expiryPeriod` only (0 = no expiry); after it no
/// commitment fee accrues. Draws outstanding are still reimbursed.
struct GuaranteeTerms {
    uint256 limitCents;
    uint64 feeRateWad;
    bool coversFees;
    uint8 coveredTranches;
    uint64 usageRateWad;
    bool feeOnUndrawn;
    uint16 expiryPeriod;
}

/// @notice An interest-rate cap bought at closing (its premium paid outside the waterfall). In each period the index
/// is above the strike the cap provider pays `accrue(notional, index - strike)`, the notional being the opening
/// balance of the `trancheScope` most senior tranches; the payment is part of the period's available funds. The
/// provider transfers it to the waterfall before the period is run, as the servicer remits the collections.
/// With a pay leg the hedge is an interest-rate swap, the deal paying the strike as its fixed rate and receiving the
/// index, settled net: above the strike the counterparty pays as a cap provider does; below it the deal owes
/// `accrue(notional, strike - index)`, added to the pay-leg fee's due. That fee's payee is the counterparty, its
/// place in the steps is the swap payment's priority, and an unpaid part is carried as any fee shortfall (no interest).
/// @param strikeRateWad The strike (an annual rate), a swap's fixed rate; 0 without a cap.
/// @param trancheScope The notional is the opening balance of this many most senior tranches; 0 = no cap.
/// @param payLegFee 0 = a cap; k = a swap whose net payments from the deal are due through fee k - 1.
/// @param expiryPeriod The last period the cap or swap pays or is paid in (its term); 0 = the deal's whole life.
struct CapTerms {
    uint64 strikeRateWad;
    uint8 trancheScope;
    uint8 payLegFee;
    uint16 expiryPeriod;
}

/// @notice How one tranche takes part in the principal allocation, fixed at structuring.
/// @param kind Standard, scheduled (PAC/TAC), support, accrual (Z), or interest only (IO, on the class before it).
/// @param lockoutPeriods No principal in periods 1..lockoutPeriods (0 = none); acceleration lifts the lockout. 0 for
/// an interest-only class (it takes no principal).
struct ClassTerms {
    ClassKind kind;
    uint16 lockoutPeriods;
}

/// @notice A performance trigger, evaluated each period before any payment.
/// @param kind What it measures.
/// @param effect What it does while breached.
/// @param curable Whether it un-breaches when the measure recovers; a non-curable trigger stays breached.
/// @param trancheScope Overcollateralization and interest coverage: the measure uses the `trancheScope` most
/// senior tranches (0 = all). 0 for the other kinds.
/// @param thresholdWad The threshold (a ratio, 1e18 = 1 = 100%).
/// @param scheduleWad Cumulative net loss only, optional: the threshold of period p is
/// `scheduleWad[min(p, length) - 1]` (the last value holds after the schedule's end). Empty otherwise.
struct TriggerTerms {
    TriggerKind kind;
    TriggerEffect effect;
    bool curable;
    uint8 trancheScope;
    uint64 thresholdWad;
    uint64[] scheduleWad;
}

/// @notice A deal's priority of payments, checked once by `WaterfallLib.validate` when it is stored.
/// @param yearBasisDays 360 or 365: accrual is `base * rate * accrualDays / yearBasisDays`.
/// @param principalMode Principal allocation while no trigger overrides it.
/// @param targetOcWad Target overcollateralization as a share of the ending pool balance, rounded up
/// (not `Targeted` mode).
/// @param ocFloorCents The target overcollateralization is never below this (nor above the pool balance).
/// @param originalPoolBalanceCents The pool balance at closing, the denominator of cumulative net loss (> 0).
/// @param tranches Coupon terms per tranche, most senior first (1 to 16).
/// @param fees Senior fees (0 to 8).
/// @param steps The order of payments: each fee and each tranche's interest exactly once (interest in
/// seniority order), and each other kind exactly once. The residual is what is left after the last step.
/// @param reserve The reserve account.
/// @param guarantee The guarantee facility.
/// @param triggers The triggers (0 to 8).
/// @param classes Per tranche, how it takes part in the principal allocation; empty = every tranche `Standard`
/// with no lockout. `Scheduled` classes need `Scheduled` mode and the reverse; the targets of `Scheduled` mode
/// come from the schedule the trustee fixes at structuring (`IWaterfall.setSchedule`).
/// @param stepDownPeriod Principal is paid sequentially in the periods before it (the step-down date), by the
/// configured mode from it on (0 = no step-down); a switch trigger still makes it sequential.
/// @param principalDeficiencyLedger Losses are carried on a principal deficiency ledger instead of being written off
/// each period: the tranches keep their balances above the performing pool by the deficiency (allocated to the
/// tranches most junior first, each class's sub-ledger), which later periods' principal distribution amount cures
/// from excess spread; what is still uncured is written off only once the pool is exhausted.
/// @param cap An interest-rate cap on the notes (`trancheScope` 0 = none).
struct WaterfallConfig {
    uint16 yearBasisDays;
    PrincipalMode principalMode;
    uint64 targetOcWad;
    uint256 ocFloorCents;
    uint256 originalPoolBalanceCents;
    CouponTerms[] tranches;
    FeeTerms[] fees;
    WaterfallStep[] steps;
    ReserveTerms reserve;
    GuaranteeTerms guarantee;
    TriggerTerms[] triggers;
    ClassTerms[] classes;
    uint16 stepDownPeriod;
    bool principalDeficiencyLedger;
    CapTerms cap;
}

/// @notice What a tranche carries from one period to the next.
/// @param balanceCents Outstanding principal (after write-downs).
/// @param interestShortfallCents Interest due and unpaid; it bears interest at the tranche's coupon.
/// @param writtenDownCents Principal written down and not yet written back up.
struct TrancheBalances {
    uint256 balanceCents;
    uint256 interestShortfallCents;
    uint256 writtenDownCents;
}

/// @notice What the waterfall carries from one period to the next (the `next` of the previous result).
/// @param tranches Per tranche, most senior first.
/// @param feeShortfallsCents Unpaid senior fees, per fee (no interest).
/// @param triggersBreached Whether each trigger was breached after the previous period.
/// @param reserveCents Reserve account balance.
/// @param guaranteeDrawnCents Guarantee draws not yet reimbursed (<= the limit).
/// @param guaranteeFeeShortfallCents Unpaid guarantee fee (no interest).
/// @param cumulativeNetLossCents Cumulative defaults less cumulative recoveries (never below 0).
struct WaterfallState {
    TrancheBalances[] tranches;
    uint256[] feeShortfallsCents;
    bool[] triggersBreached;
    uint256 reserveCents;
    uint256 guaranteeDrawnCents;
    uint256 guaranteeFeeShortfallCents;
    uint256 cumulativeNetLossCents;
}

/// @notice The inputs of one period, taken from the anchored period report and the trustee.
/// @param period The period number (from 1); selects the cumulative net loss threshold of a schedule.
/// @param accrualDays Days of interest in the period (30 for 30/360; actual days for actual/360 or /365).
/// @param indexRateWad The floating-rate index the trustee set for the period.
/// @param accelerated The pool is accelerated whatever the triggers say (the trustee declared a default).
/// @param interestCollectionsCents Interest collected.
/// @param principalCollectionsCents Principal collected: scheduled, prepaid and recoveries.
/// @param recoveriesCents Recoveries on defaulted loans (part of principal collections).
/// @param newDefaultsCents Principal of the loans that defaulted in the period.
/// @param delinquent60PlusCents Principal 60 or more days past due (not defaulted) at the period's end.
/// @param poolBalanceBeginCents Performing pool balance at the period's start (the fee base).
/// @param poolBalanceEndCents Performing pool balance at the period's end.
/// @param targetBalancesCents `Targeted` mode: each tranche's target balance after the period, from the trustee;
/// `Scheduled` mode: from the schedule fixed at structuring (0 for an unscheduled class); else empty.
struct PeriodInputs {
    uint32 period;
    uint16 accrualDays;
    uint64 indexRateWad;
    bool accelerated;
    uint256 interestCollectionsCents;
    uint256 principalCollectionsCents;
    uint256 recoveriesCents;
    uint256 newDefaultsCents;
    uint256 delinquent60PlusCents;
    uint256 poolBalanceBeginCents;
    uint256 poolBalanceEndCents;
    uint256[] targetBalancesCents;
}

/// @notice What one senior fee was due and paid (the shortfall is `next.feeShortfallsCents`).
struct FeePayment {
    uint256 dueCents;
    uint256 paidCents;
}

/// @notice What one tranche was due and paid in the period.
/// @param rateWad The coupon applied (floating: index + spread within floor and cap).
/// @param interestDueCents Current interest, interest on the carried shortfall, and the shortfall itself.
/// @param interestPaidCents Interest paid.
/// @param principalPaidCents Principal paid.
/// @param writeDownCents Principal written down for losses.
/// @param writeUpCents Principal written back up from recoveries.
struct TranchePayment {
    uint256 rateWad;
    uint256 interestDueCents;
    uint256 interestPaidCents;
    uint256 principalPaidCents;
    uint256 writeDownCents;
    uint256 writeUpCents;
}

/// @notice How a trigger stood in the period.
/// @param valueWad The measure, rounded toward a breach (down for coverage ratios, up for loss and
/// delinquency ratios); `type(uint256).max` for a coverage ratio over nothing.
/// @param thresholdWad The threshold applied.
/// @param breached Whether the trigger is breached after the period (its effect applied this period).
/// @param breachedNow Breached now and not before the period.
/// @param curedNow Breached before the period and not now.
struct TriggerOutcome {
    uint256 valueWad;
    uint256 thresholdWad;
    bool breached;
    bool breachedNow;
    bool curedNow;
}

/// @notice Everything one period produces. Cash is conserved:
/// `interestCollections + principalCollections + reserveRelease + reserveDraw + guaranteeDraw + capReceipt ==
///  sum(fees paid) + sum(interest paid) + sum(principal paid) + reserveTopUp + guaranteeFeePaid +
///  guaranteeReimbursed + residual`, and `next.reserveCents == reserve - release - draw + topUp`.
/// @param accelerated Acceleration applied (an event-of-default trigger or `inputs.accelerated`).
/// @param principalMode The allocation applied (`Sequential` when accelerated or switched by a trigger).
/// @param trapping Excess spread trapped in the reserve (a breached trap trigger, not accelerated).
/// @param principalDueCents The principal distribution amount the principal step aimed to pay.
/// @param fees Per fee.
/// @param tranches Per tranche, most senior first.
/// @param triggers Per trigger.
/// @param reserveTargetCents The reserve target of the period (0 when accelerated).
/// @param reserveReleaseCents Reserve above its target, released into the available funds first (not while
/// trapping).
/// @param reserveDrawCents Drawn from the reserve for fee and interest shortfalls.
/// @param reserveTopUpCents Paid into the reserve by the reserve step.
/// @param guaranteeDrawCents Drawn from the guarantor for fee and interest shortfalls.
/// @param guaranteeFeeDueCents Guarantee fee due (current and carried).
/// @param guaranteeFeePaidCents Guarantee fee paid.
/// @param guaranteeReimbursedCents Guarantor draws repaid.
/// @param residualCents What is left after the last step, to the equity holder.
/// @param next The state for the next period.
/// @param accretedCents Per tranche, the interest added to an accrual (Z) class's balance and paid as principal
/// instead; empty unless the deal has an accrual class. Not part of `interestPaidCents`.
/// @param capReceiptCents What the interest-rate cap pays into the period's available funds (0 without a cap or
/// with the index at or below the strike).
struct PeriodResult {
    bool accelerated;
    PrincipalMode principalMode;
    bool trapping;
    uint256 principalDueCents;
    FeePayment[] fees;
    TranchePayment[] tranches;
    TriggerOutcome[] triggers;
    uint256 reserveTargetCents;
    uint256 reserveReleaseCents;
    uint256 reserveDrawCents;
    uint256 reserveTopUpCents;
    uint256 guaranteeDrawCents;
    uint256 guaranteeFeeDueCents;
    uint256 guaranteeFeePaidCents;
    uint256 guaranteeReimbursedCents;
    uint256 residualCents;
    WaterfallState next;
    uint256[] accretedCents;
    uint256 capReceiptCents;
}
