import { mulDivDown, mulDivUp, WAD } from "../money";
import {
  type FeePayment,
  type PeriodInputs,
  type TranchePayment,
  type TriggerOutcome,
  type TriggerTerms,
  type WaterfallConfig,
  type WaterfallState,
} from "./types";

/** `type(uint256).max`: a coverage ratio over nothing, never below any threshold. */
export const MAX_UINT256 = 2n ** 256n - 1n;

/** What the breached triggers require of the period. */
export interface TriggerEffects {
  readonly accelerate: boolean;
  readonly sequential: boolean;
  readonly trap: boolean;
}

/** What the triggers read besides the configuration, state and inputs (computed in step 2). */
export interface TriggerContext {
  readonly fees: readonly FeePayment[];
  readonly tranches: readonly Pick<TranchePayment, "interestDueCents">[];
  /** Cumulative net loss after the period. */
  readonly cumulativeNetLossCents: bigint;
}

/**
 * Step 3 of the waterfall, as `TriggerLib.evaluate`: measures every trigger (ratios rounded toward a breach),
 * updates its state (curable: breached while failing; non-curable: breached once failed), and returns the
 * outcomes with the effects of the breached triggers.
 */
export function evaluateTriggers(
  config: WaterfallConfig,
  state: WaterfallState,
  inputs: PeriodInputs,
  context: TriggerContext,
): { readonly outcomes: TriggerOutcome[]; readonly effects: TriggerEffects } {
  let accelerate = false;
  let sequential = false;
  let trap = false;
  const outcomes = config.triggers.map((terms, k): TriggerOutcome => {
    const { valueWad, thresholdWad, failing } = measure(terms, config, state, inputs, context);
    const was = state.triggersBreached[k] ?? false;
    const breached = terms.curable ? failing : was || failing;
    if (breached) {
      if (terms.effect === "eventOfDefault") accelerate = true;
      else if (terms.effect === "switchToSequential") sequential = true;
      else trap = true;
    }
    return { valueWad, thresholdWad, breached, breachedNow: breached && !was, curedNow: was && !breached };
  });
  return { outcomes, effects: { accelerate, sequential, trap } };
}

function measure(
  terms: TriggerTerms,
  config: WaterfallConfig,
  state: WaterfallState,
  inputs: PeriodInputs,
  context: TriggerContext,
): { valueWad: bigint; thresholdWad: bigint; failing: boolean } {
  const scope = terms.trancheScope === 0 ? config.tranches.length : terms.trancheScope;
  switch (terms.kind) {
    case "overcollateralization": {
      const notesCents = sum(state.tranches.slice(0, scope).map((t) => t.balanceCents));
      const valueWad =
        notesCents === 0n
          ? MAX_UINT256
          : mulDivDown(inputs.poolBalanceEndCents + inputs.principalCollectionsCents, WAD, notesCents);
      return { valueWad, thresholdWad: terms.thresholdWad, failing: valueWad < terms.thresholdWad };
    }
    case "interestCoverage": {
      const dueCents =
        sum(context.fees.map((f) => f.dueCents)) + sum(context.tranches.slice(0, scope).map((t) => t.interestDueCents));
      const valueWad = dueCents === 0n ? MAX_UINT256 : mulDivDown(inputs.interestCollectionsCents, WAD, dueCents);
      return { valueWad, thresholdWad: terms.thresholdWad, failing: valueWad < terms.thresholdWad };
    }
    case "cumulativeNetLoss": {
      const length = terms.scheduleWad.length;
      const period = Math.max(inputs.period, 1);
      const scheduled = length === 0 ? undefined : terms.scheduleWad[Math.min(period, length) - 1];
      const thresholdWad = scheduled ?? terms.thresholdWad;
      const valueWad = mulDivUp(context.cumulativeNetLossCents, WAD, config.originalPoolBalanceCents);
      return { valueWad, thresholdWad, failing: valueWad > thresholdWad };
    }
    case "delinquency60": {
      const valueWad =
        inputs.poolBalanceEndCents === 0n
          ? 0n
          : mulDivUp(inputs.delinquent60PlusCents, WAD, inputs.poolBalanceEndCents);
      return { valueWad, thresholdWad: terms.thresholdWad, failing: valueWad > terms.thresholdWad };
    }
  }
}

function sum(values: readonly bigint[]): bigint {
  return values.reduce((a, b) => a + b, 0n);
}
