// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {
    TriggerKind,
    TriggerEffect,
    TriggerTerms,
    WaterfallConfig,
    WaterfallState,
    PeriodInputs,
    PeriodResult,
    TriggerOutcome
} from "../types/WaterfallTypes.sol";

/// @title TriggerLib
/// @notice Performance triggers of the waterfall: each period, every trigger is measured from the anchored
/// report and the opening state, compared with its threshold, and its breached state updated. Part of the
/// specification at the top of `WaterfallLib.sol` (step 3); mirrored by `packages/core/src/waterfall`.
///
/// Measures (all ratios are wads, 1e18 = 1):
/// - Overcollateralization: `(poolBalanceEnd + principalCollections) / sum(opening balances of the scope)`,
///   rounded down; breach when below the threshold. The scope is the `trancheScope` most senior tranches
///   (0 = all). Over a zero balance the ratio is `type(uint256).max` (never breached).
/// - Interest coverage: `interestCollections / (sum(senior fees due) + sum(interest due of the scope))`,
///   rounded down; breach when below. Over nothing due: `type(uint256).max`.
/// - Cumulative net loss: `cumulativeNetLoss (after this period) / originalPoolBalance`, rounded up; breach
///   when above. The threshold is `scheduleWad[min(period, length) - 1]` when a schedule is set.
/// - 60+ delinquency: `delinquent60Plus / poolBalanceEnd`, rounded up (0 when the pool is empty); breach
///   when above.
/// Every ratio rounds toward a breach: the protection of the senior holders never loses to rounding.
///
/// State: a curable trigger is breached exactly while its measure fails; a non-curable one stays breached
/// once it has failed. `breachedNow` / `curedNow` flag the changes, for the events of the waterfall contract.
library TriggerLib {
    uint256 private constant WAD = 1e18;
    /// @dev A coverage ratio over nothing: never below any threshold.
    uint256 private constant UNBOUNDED = type(uint256).max;

    /// @notice What the breached triggers require of the period.
    struct Effects {
        bool accelerate;
        bool sequential;
        bool trap;
    }

    /// @notice Measures every trigger, writes `r.triggers` and `r.next.triggersBreached`, and returns the
    /// effects of the triggers breached after the period.
    /// @dev Needs `r.fees[f].dueCents`, `r.tranches[t].interestDueCents` and `r.next.cumulativeNetLossCents`.
    function evaluate(
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodInputs memory inputs,
        PeriodResult memory r
    ) internal pure returns (Effects memory effects) {
        uint256 count = config.triggers.length;
        r.triggers = new TriggerOutcome[](count);
        r.next.triggersBreached = new bool[](count);
        for (uint256 k = 0; k < count; ++k) {
            TriggerTerms memory terms = config.triggers[k];
            (uint256 valueWad, uint256 thresholdWad, bool failing) = _measure(terms, config, state, inputs, r);
            bool was = state.triggersBreached[k];
            bool breached = terms.curable ? failing : (was || failing);
            r.triggers[k] = TriggerOutcome({
                valueWad: valueWad,
                thresholdWad: thresholdWad,
                breached: breached,
                breachedNow: breached && !was,
                curedNow: was && !breached
            });
            r.next.triggersBreached[k] = breached;
            if (breached) {
                if (terms.effect == TriggerEffect.EventOfDefault) effects.accelerate = true;
                else if (terms.effect == TriggerEffect.SwitchToSequential) effects.sequential = true;
                else effects.trap = true;
            }
        }
    }

    /// @dev One trigger's measure, the threshold applied, and whether the measure fails it.
    function _measure(
        TriggerTerms memory terms,
        WaterfallConfig memory config,
        WaterfallState memory state,
        PeriodInputs memory inputs,
        PeriodResult memory r
    ) private pure returns (uint256 valueWad, uint256 thresholdWad, bool failing) {
        thresholdWad = terms.thresholdWad;
        uint256 scope = terms.trancheScope == 0 ? config.tranches.length : terms.trancheScope;
        if (terms.kind == TriggerKind.Overcollateralization) {
            valueWad = _overcollateralization(state, inputs, scope);
            failing = valueWad < thresholdWad;
        } else if (terms.kind == TriggerKind.InterestCoverage) {
            valueWad = _interestCoverage(inputs, r, scope);
            failing = valueWad < thresholdWad;
        } else if (terms.kind == TriggerKind.CumulativeNetLoss) {
            uint256 length = terms.scheduleWad.length;
            if (length != 0) {
                uint256 p = inputs.period == 0 ? 1 : inputs.period;
                thresholdWad = terms.scheduleWad[(p < length ? p : length) - 1];
            }
            // Rounded up: a loss ratio rounds toward a breach. validate() makes the denominator non-zero.
            valueWad = Math.mulDiv(
                r.next.cumulativeNetLossCents,
                WAD,
                config.originalPoolBalanceCents,
                Math.Rounding.Ceil
            );
            failing = valueWad > thresholdWad;
        } else {
            // Rounded up: a delinquency ratio rounds toward a breach.
            valueWad =
                inputs.poolBalanceEndCents == 0
                    ? 0
                    : Math.mulDiv(inputs.delinquent60PlusCents, WAD, inputs.poolBalanceEndCents, Math.Rounding.Ceil);
            failing = valueWad > thresholdWad;
        }
    }

    /// @dev (ending pool balance + principal collections) / opening balance of the `scope` most senior tranches.
    function _overcollateralization(
        WaterfallState memory state,
        PeriodInputs memory inputs,
        uint256 scope
    ) private pure returns (uint256) {
        uint256 notesCents = 0;
        for (uint256 t = 0; t < scope; ++t) notesCents += state.tranches[t].balanceCents;
        if (notesCents == 0) return UNBOUNDED;
        // Rounded down: a coverage ratio rounds toward a breach.
        return
            Math.mulDiv(
                inputs.poolBalanceEndCents + inputs.principalCollectionsCents,
                WAD,
                notesCents,
                Math.Rounding.Floor
            );
    }

    /// @dev interest collections / (senior fees due + interest due of the `scope` most senior tranches).
    function _interestCoverage(
        PeriodInputs memory inputs,
        PeriodResult memory r,
        uint256 scope
    ) private pure returns (uint256) {
        uint256 dueCents = 0;
        for (uint256 f = 0; f < r.fees.length; ++f) dueCents += r.fees[f].dueCents;
        for (uint256 t = 0; t < scope; ++t) dueCents += r.tranches[t].interestDueCents;
        if (dueCents == 0) return UNBOUNDED;
        // Rounded down: a coverage ratio rounds toward a breach.
        return Math.mulDiv(inputs.interestCollectionsCents, WAD, dueCents, Math.Rounding.Floor);
    }
}
