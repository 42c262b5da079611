// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {CouponType} from "../types/TrancheTypes.sol";
import {TriggerLib} from "./TriggerLib.sol";
import {
    PrincipalMode,
    ClassKind,
    ClassTerms,
    StepKind,
    TriggerKind,
    WaterfallStep,
    FeeTerms,
    CouponTerms,
    GuaranteeTerms,
    TriggerTerms,
    WaterfallConfig,
    TrancheBalances,
    WaterfallState,
    PeriodInputs,
    FeePayment,
    TranchePayment,
    PeriodResult
} from "../types/WaterfallTypes.sol";

/// @title WaterfallLib
/// @notice The priority of payments of one period: pure maths, no storage. A waterfall contract loads the
/// deal's configuration and state from storage, calls `run`, then moves the cash and stores `result.next`.
/// The TypeScript engine `packages/core/src/waterfall` implements the same specification to the last unit;
/// a differential property test holds the two together.
///
/// SPECIFICATION (both implementations follow it step by step). Tranche 0 is the most senior. `WAD` = 1e18.
/// `accrue(base, rate) = floor(base * rate * accrualDays / (WAD * yearBasisDays))`: interest and fees are rounded
/// down (the deal never owes a fraction of a cent; what rounding leaves stays in the available funds).
///
/// 1. Rates. Fixed: `couponRateWad`. Floating: `index + spread`, raised to the floor, then lowered to the cap
///    (cap 0 = none). Inverse floating: `max(0, K - floor(m * index / WAD))`, raised to the floor, then lowered to
///    the cap. None: 0.
/// 2. Amounts due, from the opening state:
///    - fee f: `fixedCents + accrue(poolBalanceBegin, rateWad) + carried fee shortfall`, plus for a swap's pay-leg fee
///      (`cap.payLegFee` = f + 1) `accrue(notional, strike - index)` if the index is below the strike (the notional
///      and the term as the cap's);
///    - tranche t: `accrue(opening balance + carried shortfall, rate) + carried shortfall` (the shortfall bears
///      interest at the coupon, one rounding for both); an interest-only class accrues on its notional instead of
///      its own balance (always 0): the opening balance of the class listed just before it;
///    - guarantee fee: `accrue(committed, feeRateWad) + accrue(opening draws, usageRateWad) + carried guarantee fee
///      shortfall`, with committed = the limit (or the limit less the opening draws if `feeOnUndrawn`) while the
///      facility is open (`expiryPeriod` 0 or `period <= expiryPeriod`), 0 after it;
///    - cumulative net loss after the period: `max(0, cumulative + newDefaults - recoveries)`;
///    - cap receipt: `accrue(notional, index - strike)` if the deal has a cap (`cap.trancheScope` > 0) and the
///      index is above the strike, else 0; notional = the opening balance of the `cap.trancheScope` most senior
///      tranches; nothing after the cap's `expiryPeriod` (0 = none). A swap (a cap with a pay leg) receives the same
///      way; its payment below the strike is the pay-leg fee's (above), within the same term.
/// 3. Triggers, on the opening balances (TriggerLib / triggers.ts; every ratio rounds toward a breach):
///    - overcollateralization: `(poolBalanceEnd + principalCollections) / opening balance of the scope`, rounded
///      down, breached below the threshold (over a zero balance: `type(uint256).max`, never breached);
///    - interest coverage: `interestCollections / (fees due + interest due of the scope)`, rounded down, breached
///      below (over nothing due: `type(uint256).max`);
///    - cumulative net loss: `cumulative net loss / originalPoolBalance`, rounded up, breached above; the threshold
///      of period p is `scheduleWad[min(max(p, 1), length) - 1]` when a schedule is set;
///    - 60+ delinquency: `delinquent60Plus / poolBalanceEnd`, rounded up (0 for an empty pool), breached above.
///    A curable trigger is breached while failing; a non-curable one stays breached. Acceleration applies if
///    `inputs.accelerated` or an event-of-default trigger is breached; otherwise principal is sequential if a
///    switch trigger is breached or the period is before `stepDownPeriod` (whatever the configured mode), and excess
///    spread is trapped if a trap trigger is breached.
/// 4. Write-up: the recoveries write back up what earlier losses wrote down, the most senior tranche first, each up
///    to what it has written down (the recovered cash is in the principal collections and is paid out as principal
///    below). The balances after write-up, B_t (sum B), are the principal balances of steps 5 to 9.
/// 5. Reserve release. Target = 0 when accelerated, else
///    `min(max(ceil(poolBalanceEnd * targetWad / WAD), floorCents), B)` (rounded up: the reserve protects the
///    holders). A reserve above its target releases the excess into the available funds, except while
///    excess spread is trapped.
///    Available funds = interest collections + principal collections + release + cap receipt.
///    Guarantee room = `limit - drawn outstanding` (0 if negative) while the facility is open, 0 after its expiry;
///    reimbursements in the period do not restore it until the next period.
///    Accrual classes: tranche t of kind `Accrual` accrues this period if not accelerated and some earlier tranche
///    (j < t) has B_j > 0. Locked out: tranche t with `0 < period <= lockoutPeriods_t`, not accelerated.
/// 6. Principal distribution amount (PDA):
///    - accelerated: B (everything);
///    - targeted (no override): sum over tranches not locked out of `max(0, B_t - target balance_t)`;
///    - otherwise (sequential, pro-rata, scheduled): `max(0, B - (poolBalanceEnd - targetOc))`, with
///      `targetOc = min(max(ceil(poolBalanceEnd * targetOcWad / WAD), ocFloorCents), poolBalanceEnd)`: the
///      tranches are paid down to the pool balance less the target overcollateralization, so principal collections
///      and the excess spread needed to cover the period's defaults both go to principal.
/// 7. Payments, in the configured step order (not accelerated). Each step pays `min(available, due)` and carries
///    the rest of what was due as a shortfall:
///    - fee f, interest t: first, if the available funds are short and the reserve covers the step (fees, or
///      tranche t < coveredTranches), the reserve is drawn for the gap, up to its balance; then, if still short
///      and the guarantee covers the step, the guarantor is drawn for the gap, up to its room;
///    - interest of an accruing accrual class: no cover; `accreted_t = min(available, due)` is taken from the
///      available funds, added to the class's balance (and to what the principal step may pay it) and to the
///      principal step's amount; `due - accreted_t` is carried as its shortfall. Not interest paid;
///    - principal: `min(available, PDA)` plus the period's accretion, allocated by the mode applied; a tranche
///      locked out takes nothing, and what no tranche can take returns to the available funds:
///      sequential: tranche 0 up to B_0, then tranche 1, ...;
///      pro-rata: each tranche not locked out `floor(min(amount, B') * B_t / B')` (B' the sum of their B_t); the
///      rounding remainder (fewer units than there are tranches) goes to the most senior tranches first, each up to its
///      balance;
///      targeted: tranche 0 up to `B_0 - target_0`, then tranche 1, ...;
///      scheduled: first each `Scheduled` class in seniority order up to `B_t - target_t` (the schedule, with
///      the catch-up of any period it missed), then every other class in seniority order up to B_t, then the
///      `Scheduled` classes in seniority order up to B_t (the schedule is broken once the others are retired);
///    - reserve top-up: while trapping, everything available; else up to `target - reserve balance`;
///    - guarantee fee: up to the guarantee fee due;
///    - guarantee reimbursement: up to the draws outstanding (opening outstanding + this period's draws so far).
///    Accelerated: the fee steps in their configured order, then for each tranche by seniority its interest (with
///    the same reserve and guarantee cover) then its principal up to B_t, then the guarantee fee, then the
///    guarantee reimbursement. No reserve step: the reserve was released in 5.
/// 8. Residual: what is left after the last step goes to the equity holder.
/// 9. Write-down: if the balances after principal sum to N > poolBalanceEnd, `N - poolBalanceEnd` is written down,
///    the most junior tranche first, each up to its balance. The tranches never end a period above the
///    performing pool. With a principal deficiency ledger (`principalDeficiencyLedger`) nothing is written down
///    while poolBalanceEnd > 0: `N - poolBalanceEnd` is the ledger's balance (the deficiency, allocated to the tranches
///    most junior first), which step 6 of the next periods cures from excess spread; once the pool is exhausted what
///    is left is written down as above.
///
/// Rounding dust: every amount moved is a whole number of cents, each step moves at most what is available, and
/// what no step takes is the residual, so no unit is created or lost. Fractions dropped by `accrue` are never owed;
/// the pro-rata remainder goes to the most senior tranches; ratio rounding only decides triggers.
/// Conservation: `interest + principal collections + release + reserve draws + guarantee draws + cap receipt ==
/// fees paid +
/// interest paid + principal paid + top-up + guarantee fee paid + reimbursed + residual` (accreted interest is
/// paid as principal). Balances: `next B_t = opening_t + writeUp_t + accreted_t - principal_t - writeDown_t`.
///
/// Interest-only (IO) classes: a strip of the class listed just before it. Its balance is 0 from closing on (the state
/// must say so: `WaterfallNotionalHasBalance` otherwise), so it is in no principal sum (triggers, reserve target,
/// principal distribution amount, cap notional, write-down) and takes no principal; only its interest (2) differs.
///
/// Domain: amounts below 2^128, rates and thresholds below 2^64 (their types), accrual days below 2^16: no
/// intermediate overflows. `config` must have passed `validate`; `run` checks only the shape of the state and
/// inputs against it.
library WaterfallLib {
    /// @notice Most tranches of a deal (as `AssetPool.MAX_TRANCHES`).
    uint256 internal constant MAX_TRANCHES = 16;
    /// @notice Most senior fees of a deal.
    uint256 internal constant MAX_FEES = 8;
    /// @notice Most triggers of a deal.
    uint256 internal constant MAX_TRIGGERS = 8;
    /// @notice Longest cumulative net loss schedule, in periods.
    uint256 internal constant MAX_SCHEDULE = 480;

    uint256 private constant WAD = 1e18;
    /// @dev Each non-fee, non-interest step kind appears exactly once.
    uint256 private constant SINGLE_STEPS = 4;

    /// @notice The year basis is neither 360 nor 365.
    error WaterfallYearBasisInvalid(uint16 yearBasisDays);
    /// @notice A deal has 1 to `MAX_TRANCHES` tranches.
    error WaterfallTrancheCountInvalid(uint256 count);
    /// @notice A deal has at most `MAX_FEES` fees.
    error WaterfallFeeCountInvalid(uint256 count);
    /// @notice A deal has at most `MAX_TRIGGERS` triggers.
    error WaterfallTriggerCountInvalid(uint256 count);
    /// @notice The original pool balance (the cumulative net loss denominator) is zero.
    error WaterfallOriginalBalanceZero();
    /// @notice A tranche's coupon terms are inconsistent (floor or cap off a floating coupon, cap below floor,
    /// a rate on a no-coupon tranche).
    error WaterfallCouponInvalid(uint256 tranche);
    /// @notice The reserve or the guarantee covers more tranches than the deal has.
    error WaterfallCoverInvalid(uint8 coveredTranches, uint256 trancheCount);
    /// @notice The step list does not have one step per fee, one per tranche and one of each other kind.
    error WaterfallStepCountInvalid(uint256 count, uint256 expected);
    /// @notice The step at `position` is unknown, repeated, or out of seniority order.
    error WaterfallStepInvalid(uint256 position);
    /// @notice A trigger's scope or schedule does not fit its kind or the deal.
    error WaterfallTriggerInvalid(uint256 trigger);
    /// @notice The state or the inputs do not match the configuration: `field` has `found` entries, not
    /// `expected` ("tranches", "fees", "triggers" of the state; "targets" of the inputs).
    error WaterfallLengthMismatch(bytes32 field, uint256 found, uint256 expected);
    /// @notice The class list has `found` entries: a deal lists none or one per tranche (`expected`).
    error WaterfallClassCountInvalid(uint256 found, uint256 expected);
    /// @notice Tranche `tranche`'s class does not fit the deal: a scheduled class outside `Scheduled` mode (or that
    /// mode without one), an accrual class first, under pro-rata, or with the principal step before an interest step,
    /// an interest-only class first, after another one, with no coupon or with a lockout.
    error WaterfallClassInvalid(uint256 tranche);
    /// @notice The cap's notional covers more tranches than the deal has, a strike or expiry is set without a cap, or
    /// a swap's pay leg names no fee of the deal (or has no cap).
    error WaterfallCapInvalid(uint8 trancheScope, uint256 trancheCount);
    /// @notice Interest-only tranche `tranche` has a principal balance or a write-down in the state: an IO class
    /// carries none (its balance is 0 from closing on).
    error WaterfallNotionalHasBalance(uint256 tranche);
    /// @notice Recoveries are part of principal collections, so they cannot exceed them.
    error WaterfallRecoveriesExceedCollections(uint256 recoveriesCents, uint256 principalCollectionsCents);

    /// @dev Running cash of the period.
    struct Funds {
        uint256 available; // cash not yet paid out
        uint256 guaranteeRoom; // what the guarantor can still be drawn for
        uint256[] principalCaps; // what the principal step may pay each tranche (its first pass when scheduled)
        uint256 lockedBits; // bit t: tranche t is locked out this period
        uint256 accruingBits; // bit t: tranche t is an accrual class accruing this period
        uint256 accretion; // the accrual classes' interest taken so far, to be paid as principal
    }

    // ================================================================ validation

    /// @notice Reverts unless `config` is a well-formed priority of payments (see the errors). Call it once
    /// when a deal's configuration is stored; `run` relies on it.
    /// @param config The configuration to check.
    function validate(WaterfallConfig memory config) internal pure {
        require(
            config.yearBasisDays == 360 || config.yearBasisDays == 365,
            WaterfallYearBasisInvalid(config.yearBasisDays)
        );
        uint256 n = config.tranches.length;
        require(n >= 1 && n <= MAX_TRANCHES, WaterfallTrancheCountInvalid(n));
        require(config.fees.length <= MAX_FEES, WaterfallFeeCountInvalid(config.fees.length));
        require(config.triggers.length <= MAX_TRIGGERS, WaterfallTriggerCountInvalid(config.triggers.length));
        require(config.originalPoolBalanceCents != 0, WaterfallOriginalBalanceZero());
        for (uint256 t = 0; t < n; ++t) {
            require(_couponValid(config.tranches[t]), WaterfallCouponInvalid(t));
        }
        require(config.reserve.coveredTranches <= n, WaterfallCoverInvalid(config.reserve.coveredTranches, n));
        require(config.guarantee.coveredTranches <= n, WaterfallCoverInvalid(config.guarantee.coveredTranches, n));
        require(
            config.cap.trancheScope <= n &&
                (config.cap.trancheScope != 0 ||
                    (config.cap.strikeRateWad == 0 && config.cap.payLegFee == 0 && config.cap.expiryPeriod == 0)) &&
                config.cap.payLegFee <= config.fees.length,
            WaterfallCapInvalid(config.cap.trancheScope, n)
        );
        _validateSteps(config.steps, config.fees.length, n);
        for (uint256 k = 0; k < config.triggers.length; ++k) {
            require(_triggerValid(config.triggers[k], n), WaterfallTriggerInvalid(k));
        }
        _validateClasses(config);
    }

    /// @dev None or one class per tranche; scheduled classes exactly in `Scheduled` mode; an accrual class has an
    /// earlier tranche, is not paid pro rata, and the principal step follows every interest step (its accretion is
    /// paid out by that step); an interest-only class strips the principal class just before it, has a coupon and no
    /// lockout.
    function _validateClasses(WaterfallConfig memory config) private pure {
        ClassTerms[] memory classes = config.classes;
        uint256 n = config.tranches.length;
        require(classes.length == 0 || classes.length == n, WaterfallClassCountInvalid(classes.length, n));
        bool scheduledMode = config.principalMode == PrincipalMode.Scheduled;
        bool anyScheduled = false;
        for (uint256 t = 0; t < classes.length; ++t) {
            ClassKind kind = classes[t].kind;
            if (kind == ClassKind.Scheduled) {
                require(scheduledMode, WaterfallClassInvalid(t));
                anyScheduled = true;
            } else if (kind == ClassKind.Accrual) {
                require(
                    t != 0 && config.principalMode != PrincipalMode.ProRata && _principalAfterInterest(config.steps),
                    WaterfallClassInvalid(t)
                );
            } else if (kind == ClassKind.InterestOnly) {
                require(
                    t != 0 &&
                        classes[t - 1].kind != ClassKind.InterestOnly &&
                        config.tranches[t].couponType != CouponType.None &&
                        classes[t].lockoutPeriods == 0,
                    WaterfallClassInvalid(t)
                );
            }
        }
        require(!scheduledMode || anyScheduled, WaterfallClassInvalid(0));
    }

    /// @dev Whether the principal step comes after the last interest step.
    function _principalAfterInterest(WaterfallStep[] memory steps) private pure returns (bool) {
        bool principalSeen = false;
        for (uint256 i = 0; i < steps.length; ++i) {
            if (steps[i].kind == StepKind.Principal) principalSeen = true;
            else if (steps[i].kind == StepKind.Interest && principalSeen) return false;
        }
        return true;
    }

    function _couponValid(CouponTerms memory c) private pure returns (bool) {
        bool capOk = c.capRateWad == 0 || c.capRateWad >= c.floorRateWad;
        if (c.couponType == CouponType.InverseFloating) return c.indexMultiplierWad != 0 && capOk;
        if (c.indexMultiplierWad != 0) return false;
        if (c.couponType == CouponType.Floating) return capOk;
        if (c.couponType == CouponType.None) return c.couponRateWad == 0 && c.floorRateWad == 0 && c.capRateWad == 0;
        return c.floorRateWad == 0 && c.capRateWad == 0;
    }

    /// @dev With the count fixed at fees + tranches + 4, "each fee at most once, interest in seniority order, each
    /// other kind at most once" means each exactly once.
    function _validateSteps(WaterfallStep[] memory steps, uint256 feeCount, uint256 trancheCount) private pure {
        uint256 expected = feeCount + trancheCount + SINGLE_STEPS;
        require(steps.length == expected, WaterfallStepCountInvalid(steps.length, expected));
        uint256 seenFees = 0; // bit f: fee f seen
        uint256 seenKinds = 0; // bit k: single step kind k seen
        uint256 nextInterest = 0;
        for (uint256 i = 0; i < steps.length; ++i) {
            WaterfallStep memory step = steps[i];
            bool ok;
            if (step.kind == StepKind.Fee) {
                uint256 bit = uint256(1) << step.index;
                ok = step.index < feeCount && seenFees & bit == 0;
                seenFees |= bit;
            } else if (step.kind == StepKind.Interest) {
                ok = step.index == nextInterest;
                ++nextInterest;
            } else {
                uint256 bit = uint256(1) << uint8(step.kind);
                ok = step.index == 0 && seenKinds & bit == 0;
                seenKinds |= bit;
            }
            require(ok, WaterfallStepInvalid(i));
        }
    }

    function _triggerValid(TriggerTerms memory terms, uint256 trancheCount) private pure returns (bool) {
        bool coverage = terms.kind == TriggerKind.Overcollateralization || terms.kind == TriggerKind.InterestCoverage;
        if (coverage ? terms.trancheScope > trancheCount : terms.trancheScope != 0) return false;
        if (terms.kind == TriggerKind.CumulativeNetLoss) return terms.scheduleWad.length <= MAX_SCHEDULE;
        return terms.scheduleWad.length == 0;
    }

    // ================================================================ one period

    /// @notice Runs the priority of payments of one period (see the specification above).
    /// @param config The deal's configuration; must have passed `validate`.
    /// @param state The state after the previous period (`next` of its result; zeros and the tranches' face
    /// before the first).
    /// @param inputs The period's collections, report aggregates and index.
    /// @return r Every amount due, paid, drawn, written down or up, the trigger outcomes, and the next state.
    function run(
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodInputs memory inputs
    ) internal pure returns (PeriodResult memory r) {
        _checkShape(config, state, inputs);
        _open(config, state, inputs, r);

        TriggerLib.Effects memory effects = TriggerLib.evaluate(config, state, inputs, r);
        r.accelerated = inputs.accelerated || effects.accelerate;
        bool beforeStepDown = inputs.period < config.stepDownPeriod;
        r.principalMode =
            (r.accelerated || effects.sequential || beforeStepDown) ? PrincipalMode.Sequential : config.principalMode;
        r.trapping = effects.trap && !r.accelerated;

        _writeUp(inputs, r);
        Funds memory funds = _prepare(config, state, inputs, r);
        if (r.accelerated) _payAccelerated(config, state, r, funds);
        else _payInOrder(config, state, r, funds);
        r.residualCents = funds.available;

        r.next.guaranteeDrawnCents = state.guaranteeDrawnCents + r.guaranteeDrawCents - r.guaranteeReimbursedCents;
        if (!config.principalDeficiencyLedger || inputs.poolBalanceEndCents == 0) _writeDown(inputs, r);
    }

    function _checkShape(
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodInputs memory inputs
    ) private pure {
        uint256 n = config.tranches.length;
        require(state.tranches.length == n, WaterfallLengthMismatch("tranches", state.tranches.length, n));
        uint256 m = config.fees.length;
        require(
            state.feeShortfallsCents.length == m,
            WaterfallLengthMismatch("fees", state.feeShortfallsCents.length, m)
        );
        uint256 k = config.triggers.length;
        require(
            state.triggersBreached.length == k,
            WaterfallLengthMismatch("triggers", state.triggersBreached.length, k)
        );
        PrincipalMode mode = config.principalMode;
        uint256 targets = mode == PrincipalMode.Targeted || mode == PrincipalMode.Scheduled ? n : 0;
        require(
            inputs.targetBalancesCents.length == targets,
            WaterfallLengthMismatch("targets", inputs.targetBalancesCents.length, targets)
        );
        require(
            inputs.recoveriesCents <= inputs.principalCollectionsCents,
            WaterfallRecoveriesExceedCollections(inputs.recoveriesCents, inputs.principalCollectionsCents)
        );
        for (uint256 t = 0; t < config.classes.length; ++t) {
            TrancheBalances memory b = state.tranches[t];
            require(
                config.classes[t].kind != ClassKind.InterestOnly || (b.balanceCents == 0 && b.writtenDownCents == 0),
                WaterfallNotionalHasBalance(t)
            );
        }
    }

    /// @dev Steps 1 and 2: rates and amounts due; copies the opening state into `r.next`.
    function _open(
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodInputs memory inputs,
        PeriodResult memory r
    ) private pure {
        uint256 n = config.tranches.length;
        r.tranches = new TranchePayment[](n);
        r.next.tranches = new TrancheBalances[](n);
        // An interest-only class accrues on the balance of the class it strips (t - 1, never the first: `validate`).
        bool anyClass = config.classes.length != 0;
        for (uint256 t = 0; t < n; ++t) {
            TrancheBalances memory opening = state.tranches[t];
            uint256 rateWad = _couponRate(config.tranches[t], inputs.indexRateWad);
            uint256 carried = opening.interestShortfallCents;
            uint256 baseCents =
                anyClass && config.classes[t].kind == ClassKind.InterestOnly
                    ? state.tranches[t - 1].balanceCents
                    : opening.balanceCents;
            r.tranches[t].rateWad = rateWad;
            r.tranches[t].interestDueCents = _accrue(config, inputs, baseCents + carried, rateWad) + carried;
            r.next.tranches[t] = TrancheBalances({
                balanceCents: opening.balanceCents,
                interestShortfallCents: 0, // set by the interest step
                writtenDownCents: opening.writtenDownCents
            });
        }

        uint256 m = config.fees.length;
        r.fees = new FeePayment[](m);
        r.next.feeShortfallsCents = new uint256[](m);
        for (uint256 f = 0; f < m; ++f) {
            FeeTerms memory fee = config.fees[f];
            r.fees[f].dueCents =
                fee.fixedCents +
                _accrue(config, inputs, inputs.poolBalanceBeginCents, fee.rateWad) +
                state.feeShortfallsCents[f];
        }

        r.guaranteeFeeDueCents = _facilityFeeDue(config, state, inputs);
        _hedge(config, state, inputs, r);

        uint256 lossCents = state.cumulativeNetLossCents + inputs.newDefaultsCents;
        r.next.cumulativeNetLossCents = lossCents > inputs.recoveriesCents ? lossCents - inputs.recoveriesCents : 0;
        r.next.reserveCents = state.reserveCents;
    }

    /// @dev The facility's fees of the period: the commitment fee (on the limit or the undrawn part, while open), the
    /// usage fee on the opening draws, and the carried shortfall.
    function _facilityFeeDue(
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodInputs memory inputs
    ) private pure returns (uint256) {
        GuaranteeTerms memory facility = config.guarantee;
        uint256 drawn = state.guaranteeDrawnCents;
        uint256 committed = _facilityOpen(facility, inputs.period) ? facility.limitCents : 0;
        if (facility.feeOnUndrawn) committed = committed > drawn ? committed - drawn : 0;
        uint256 due = _accrue(config, inputs, committed, facility.feeRateWad) + state.guaranteeFeeShortfallCents;
        // A guarantee has no usage fee: skip the (zero) accrual.
        if (facility.usageRateWad != 0) due += _accrue(config, inputs, drawn, facility.usageRateWad);
        return due;
    }

    /// @dev The cap or swap of the period, on the notional = the opening balance of its `trancheScope` most senior
    /// tranches: above the strike the counterparty pays `accrue(notional, index - strike)` (the cap receipt); below
    /// it a swap's pay-leg fee is due `accrue(notional, strike - index)` more. Nothing without a cap, or after its
    /// expiry period.
    function _hedge(
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodInputs memory inputs,
        PeriodResult memory r
    ) private pure {
        uint256 scope = config.cap.trancheScope;
        if (scope == 0) return;
        uint256 expiry = config.cap.expiryPeriod;
        if (expiry != 0 && inputs.period > expiry) return;
        uint256 notionalCents = 0;
        for (uint256 t = 0; t < scope; ++t) notionalCents += state.tranches[t].balanceCents;
        uint256 strike = config.cap.strikeRateWad;
        uint256 index = inputs.indexRateWad;
        if (index > strike) {
            r.capReceiptCents = _accrue(config, inputs, notionalCents, index - strike);
        } else if (config.cap.payLegFee != 0) {
            r.fees[config.cap.payLegFee - 1].dueCents += _accrue(config, inputs, notionalCents, strike - index);
        }
    }

    /// @dev Step 4: recoveries write back up what earlier losses wrote down, the most senior tranche first.
    function _writeUp(PeriodInputs memory inputs, PeriodResult memory r) private pure {
        TrancheBalances[] memory next = r.next.tranches;
        uint256 left = inputs.recoveriesCents;
        for (uint256 t = 0; t < next.length && left != 0; ++t) {
            TrancheBalances memory tranche = next[t];
            uint256 gain = Math.min(left, tranche.writtenDownCents);
            tranche.balanceCents += gain;
            tranche.writtenDownCents -= gain;
            r.tranches[t].writeUpCents = gain;
            left -= gain;
        }
    }

    /// @dev Steps 5 and 6: reserve target and release, guarantee room, principal distribution amount. Reads the
    /// principal balances after write-up (`r.next.tranches`, not yet paid).
    function _prepare(
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodInputs memory inputs,
        PeriodResult memory r
    ) private pure returns (Funds memory funds) {
        TrancheBalances[] memory balances = r.next.tranches;
        uint256 n = balances.length;
        uint256 notesCents = 0;
        for (uint256 t = 0; t < n; ++t) notesCents += balances[t].balanceCents;
        uint256 poolEnd = inputs.poolBalanceEndCents;

        if (!r.accelerated) {
            // Rounded up: the reserve target protects the holders.
            uint256 target = Math.max(
                Math.mulDiv(poolEnd, config.reserve.targetWad, WAD, Math.Rounding.Ceil),
                config.reserve.floorCents
            );
            r.reserveTargetCents = Math.min(target, notesCents);
        }
        // While trapping, what is in the reserve stays there.
        if (!r.trapping && state.reserveCents > r.reserveTargetCents) {
            r.reserveReleaseCents = state.reserveCents - r.reserveTargetCents;
            r.next.reserveCents = r.reserveTargetCents;
        }
        funds.available =
            inputs.interestCollectionsCents +
            inputs.principalCollectionsCents +
            r.reserveReleaseCents +
            r.capReceiptCents;
        uint256 limit = _facilityOpen(config.guarantee, inputs.period) ? config.guarantee.limitCents : 0;
        funds.guaranteeRoom = limit > state.guaranteeDrawnCents ? limit - state.guaranteeDrawnCents : 0;

        if (config.classes.length != 0) _classesOfPeriod(config, inputs, r, funds);
        _setPrincipalCaps(config, inputs, r, funds);
        if (r.accelerated) {
            r.principalDueCents = notesCents;
        } else if (r.principalMode == PrincipalMode.Targeted) {
            for (uint256 t = 0; t < n; ++t) r.principalDueCents += funds.principalCaps[t];
        } else {
            // Rounded up: the overcollateralization target protects the holders.
            uint256 targetOc = Math.min(
                Math.max(Math.mulDiv(poolEnd, config.targetOcWad, WAD, Math.Rounding.Ceil), config.ocFloorCents),
                poolEnd
            );
            uint256 paydownTo = poolEnd - targetOc;
            r.principalDueCents = notesCents > paydownTo ? notesCents - paydownTo : 0;
        }
    }

    /// @dev What the principal step may pay each tranche (its first pass in scheduled mode): nothing if locked out;
    /// targeted: the balance above the target; scheduled: a scheduled class's balance above its target, no other
    /// class; otherwise (and accelerated) the balance.
    function _setPrincipalCaps(
        WaterfallConfig memory config,
        PeriodInputs memory inputs,
        PeriodResult memory r,
        Funds memory funds
    ) private pure {
        TrancheBalances[] memory balances = r.next.tranches;
        uint256 n = balances.length;
        funds.principalCaps = new uint256[](n);
        bool targeted = !r.accelerated && r.principalMode == PrincipalMode.Targeted;
        bool scheduled = !r.accelerated && r.principalMode == PrincipalMode.Scheduled;
        for (uint256 t = 0; t < n; ++t) {
            if ((funds.lockedBits >> t) & 1 == 1) continue;
            uint256 balance = balances[t].balanceCents;
            uint256 target = targeted ? inputs.targetBalancesCents[t] : 0;
            if (scheduled) {
                target = config.classes[t].kind == ClassKind.Scheduled ? inputs.targetBalancesCents[t] : balance;
            }
            funds.principalCaps[t] = balance > target ? balance - target : 0;
        }
    }

    /// @dev Step 5's class flags: which tranches are locked out and which accrual classes accrue (on the balances
    /// after write-up, before any payment); the accretion list when the deal has an accrual class.
    function _classesOfPeriod(
        WaterfallConfig memory config,
        PeriodInputs memory inputs,
        PeriodResult memory r,
        Funds memory funds
    ) private pure {
        ClassTerms[] memory classes = config.classes;
        TrancheBalances[] memory balances = r.next.tranches;
        bool earlierOutstanding = false;
        bool anyAccrual = false;
        for (uint256 t = 0; t < classes.length; ++t) {
            ClassTerms memory c = classes[t];
            if (c.kind == ClassKind.Accrual) {
                anyAccrual = true;
                if (earlierOutstanding && !r.accelerated) funds.accruingBits |= uint256(1) << t;
            }
            if (!r.accelerated && inputs.period <= c.lockoutPeriods && c.lockoutPeriods != 0)
                funds.lockedBits |= uint256(1) << t;
            if (balances[t].balanceCents != 0) earlierOutstanding = true;
        }
        if (anyAccrual) r.accretedCents = new uint256[](classes.length);
    }

    /// @dev Step 7, not accelerated: the configured order.
    function _payInOrder(
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodResult memory r,
        Funds memory funds
    ) private pure {
        WaterfallStep[] memory steps = config.steps;
        for (uint256 i = 0; i < steps.length; ++i) {
            StepKind kind = steps[i].kind;
            uint256 index = steps[i].index;
            if (kind == StepKind.Fee) {
                _payFee(config, r, funds, index);
            } else if (kind == StepKind.Interest) {
                _payInterest(config, r, funds, index);
            } else if (kind == StepKind.Principal) {
                _payPrincipal(config, r, funds);
            } else if (kind == StepKind.ReserveTopUp) {
                uint256 deposit =
                    r.trapping
                        ? funds.available
                        : Math.min(funds.available, Math.saturatingSub(r.reserveTargetCents, r.next.reserveCents));
                funds.available -= deposit;
                r.reserveTopUpCents = deposit;
                r.next.reserveCents += deposit;
            } else if (kind == StepKind.GuaranteeFee) {
                _payGuaranteeFee(r, funds);
            } else {
                _reimburseGuarantee(state, r, funds);
            }
        }
    }

    /// @dev Step 7, accelerated: fees in configured order, then interest and principal tranche by tranche.
    function _payAccelerated(
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodResult memory r,
        Funds memory funds
    ) private pure {
        WaterfallStep[] memory steps = config.steps;
        for (uint256 i = 0; i < steps.length; ++i) {
            if (steps[i].kind == StepKind.Fee) _payFee(config, r, funds, steps[i].index);
        }
        for (uint256 t = 0; t < config.tranches.length; ++t) {
            _payInterest(config, r, funds, t);
            uint256 paid = Math.min(funds.available, funds.principalCaps[t]);
            funds.available -= paid;
            r.tranches[t].principalPaidCents = paid;
            r.next.tranches[t].balanceCents -= paid;
        }
        _payGuaranteeFee(r, funds);
        _reimburseGuarantee(state, r, funds);
    }

    function _payFee(WaterfallConfig memory config, PeriodResult memory r, Funds memory funds, uint256 f) private pure {
        uint256 due = r.fees[f].dueCents;
        _cover(r, funds, due, config.reserve.coversFees, config.guarantee.coversFees);
        uint256 paid = _take(funds, due);
        r.fees[f].paidCents = paid;
        r.next.feeShortfallsCents[f] = due - paid;
    }

    function _payInterest(
        WaterfallConfig memory config,
        PeriodResult memory r,
        Funds memory funds,
        uint256 t
    ) private pure {
        uint256 due = r.tranches[t].interestDueCents;
        if ((funds.accruingBits >> t) & 1 == 1) {
            _accrete(r, funds, t, due);
            return;
        }
        _cover(r, funds, due, t < config.reserve.coveredTranches, t < config.guarantee.coveredTranches);
        uint256 paid = _take(funds, due);
        r.tranches[t].interestPaidCents = paid;
        r.next.tranches[t].interestShortfallCents = due - paid;
    }

    /// @dev An accruing accrual class: its interest is added to its balance, and the cash goes to the principal step.
    function _accrete(PeriodResult memory r, Funds memory funds, uint256 t, uint256 due) private pure {
        uint256 accreted = _take(funds, due);
        r.accretedCents[t] = accreted;
        r.next.tranches[t].balanceCents += accreted;
        r.next.tranches[t].interestShortfallCents = due - accreted;
        funds.accretion += accreted;
        // What the principal step may pay it grows with its balance (sequential: the balance; targeted: the balance
        // above its target). Scheduled mode pays it in the second pass, whose caps are the balances.
        if ((funds.lockedBits >> t) & 1 == 0 && r.principalMode != PrincipalMode.Scheduled) {
            funds.principalCaps[t] += accreted;
        }
    }

    /// @dev Pays `min(available, PDA)` and the accretion by the mode applied (sequential and targeted differ only by
    /// their caps; scheduled adds two passes); what no tranche can take returns to the available funds.
    function _payPrincipal(WaterfallConfig memory config, PeriodResult memory r, Funds memory funds) private pure {
        uint256 amount = Math.min(funds.available, r.principalDueCents);
        funds.available -= amount;
        amount += funds.accretion;
        TrancheBalances[] memory balances = r.next.tranches; // after write-up and accretion, not yet paid
        uint256[] memory caps = funds.principalCaps;
        uint256 n = balances.length;
        uint256 left = amount;
        if (r.principalMode == PrincipalMode.ProRata && amount != 0) {
            // The caps are the balances of the tranches not locked out.
            uint256 notesCents = 0;
            for (uint256 t = 0; t < n; ++t) notesCents += caps[t];
            // Locked-out tranches take nothing, so the amount may exceed what the others can take.
            uint256 split = Math.min(amount, notesCents);
            for (uint256 t = 0; t < n && notesCents != 0; ++t) {
                // Rounded down; the remainder is placed below, most senior first.
                uint256 share = Math.mulDiv(split, caps[t], notesCents, Math.Rounding.Floor);
                r.tranches[t].principalPaidCents = share;
                left -= share;
            }
        }
        // Sequential and Targeted: the whole amount; ProRata: the remainder (< n units); Scheduled: the first pass.
        left = _fill(r, caps, left);
        if (r.principalMode == PrincipalMode.Scheduled && left != 0) {
            // Then every other class to zero, then the scheduled classes beyond their schedule.
            for (uint256 pass = 0; pass < 2; ++pass) {
                bool scheduledPass = pass == 1;
                for (uint256 t = 0; t < n; ++t) {
                    bool inPass = (config.classes[t].kind == ClassKind.Scheduled) == scheduledPass;
                    caps[t] = inPass && (funds.lockedBits >> t) & 1 == 0 ? balances[t].balanceCents : 0;
                }
                left = _fill(r, caps, left);
            }
        }
        for (uint256 t = 0; t < n; ++t) balances[t].balanceCents -= r.tranches[t].principalPaidCents;
        funds.available += left;
    }

    /// @dev Tops each tranche's principal up to its cap, most senior first; returns what is left.
    function _fill(PeriodResult memory r, uint256[] memory caps, uint256 left) private pure returns (uint256) {
        for (uint256 t = 0; t < caps.length && left != 0; ++t) {
            uint256 paidSoFar = r.tranches[t].principalPaidCents;
            uint256 extra = Math.min(left, Math.saturatingSub(caps[t], paidSoFar));
            r.tranches[t].principalPaidCents = paidSoFar + extra;
            left -= extra;
        }
        return left;
    }

    function _payGuaranteeFee(PeriodResult memory r, Funds memory funds) private pure {
        uint256 paid = _take(funds, r.guaranteeFeeDueCents);
        r.guaranteeFeePaidCents = paid;
        r.next.guaranteeFeeShortfallCents = r.guaranteeFeeDueCents - paid;
    }

    function _reimburseGuarantee(WaterfallState memory state, PeriodResult memory r, Funds memory funds) private pure {
        r.guaranteeReimbursedCents = _take(funds, state.guaranteeDrawnCents + r.guaranteeDrawCents);
    }

    /// @dev Draws the reserve, then the guarantee, for the gap between `due` and the available funds.
    function _cover(
        PeriodResult memory r,
        Funds memory funds,
        uint256 due,
        bool fromReserve,
        bool fromGuarantee
    ) private pure {
        if (funds.available >= due) return;
        uint256 gap = due - funds.available;
        if (fromReserve) {
            uint256 draw = Math.min(gap, r.next.reserveCents);
            r.next.reserveCents -= draw;
            r.reserveDrawCents += draw;
            funds.available += draw;
            gap -= draw;
        }
        if (fromGuarantee) {
            uint256 draw = Math.min(gap, funds.guaranteeRoom);
            funds.guaranteeRoom -= draw;
            r.guaranteeDrawCents += draw;
            funds.available += draw;
        }
    }

    /// @dev Pays `min(available, due)` out of the available funds.
    function _take(Funds memory funds, uint256 due) private pure returns (uint256 paid) {
        paid = Math.min(funds.available, due);
        funds.available -= paid;
    }

    /// @dev Step 9: tranches above the ending pool balance are written down, the most junior first.
    function _writeDown(PeriodInputs memory inputs, PeriodResult memory r) private pure {
        TrancheBalances[] memory next = r.next.tranches;
        uint256 notesCents = 0;
        for (uint256 t = 0; t < next.length; ++t) notesCents += next[t].balanceCents;
        uint256 left = notesCents > inputs.poolBalanceEndCents ? notesCents - inputs.poolBalanceEndCents : 0;
        for (uint256 t = next.length; t > 0 && left != 0; --t) {
            TrancheBalances memory tranche = next[t - 1];
            uint256 loss = Math.min(left, tranche.balanceCents);
            tranche.balanceCents -= loss;
            tranche.writtenDownCents += loss;
            r.tranches[t - 1].writeDownCents = loss;
            left -= loss;
        }
    }

    function _couponRate(CouponTerms memory c, uint256 indexRateWad) private pure returns (uint256 rateWad) {
        if (c.couponType == CouponType.Fixed) return c.couponRateWad;
        if (c.couponType == CouponType.None) return 0;
        if (c.couponType == CouponType.InverseFloating) {
            // m x index rounded down (the holders' way); below zero the rate is zero, then the floor applies.
            rateWad = Math.saturatingSub(c.couponRateWad, Math.mulDiv(c.indexMultiplierWad, indexRateWad, WAD));
            rateWad = Math.max(rateWad, c.floorRateWad);
        } else {
            rateWad = Math.max(indexRateWad + c.couponRateWad, c.floorRateWad);
        }
        if (c.capRateWad != 0) rateWad = Math.min(rateWad, c.capRateWad);
    }

    /// @dev Whether the facility can be drawn and earns its commitment fee in `period` (no expiry, or not past it).
    function _facilityOpen(GuaranteeTerms memory facility, uint32 period) private pure returns (bool) {
        return facility.expiryPeriod == 0 || period <= facility.expiryPeriod;
    }

    /// @dev `floor(base * rate * days / (WAD * yearBasisDays))`: rounded down, so no fraction of a cent is owed.
    function _accrue(
        WaterfallConfig memory config,
        PeriodInputs memory inputs,
        uint256 baseCents,
        uint256 rateWad
    ) private pure returns (uint256) {
        // rate < 2^65 and days < 2^16, so the product fits; the denominator is below 2^69.
        return Math.mulDiv(baseCents, rateWad * inputs.accrualDays, WAD * config.yearBasisDays, Math.Rounding.Floor);
    }
}
