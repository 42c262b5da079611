/**
 * ESMA Annex XII's two period sections after the securitisation record, built from the waterfall's own record of
 * the period (`PeriodDistributed`: its inputs and result) and the deal's configuration:
 *
 * - **Tests/events/triggers information section** (IVSR1-IVSR10): one record per trigger of the configuration, in
 *   configured order: what it measures, its threshold and the period's value, whether it stands breached, its cure
 *   period, how often it is measured and what a breach does.
 * - **Cash-flow information section** (IVSF1-IVSF6): one record per item of the priority of payments. Every source
 *   of funds first (collections, then the cap, reserve and facility items the deal has), then every application in
 *   the configured step order, then the residual; each item even at zero. Inflows are positive, payments negative,
 *   and Available Funds Post is what is left after the item, so the section ends at 0.00 (WF-1: a period's sources
 *   equal its uses to the cent).
 *
 * Sources. ESMA Q&A 1430 (ESMA33-128-563, Q&A 5.14.8) names IVSF1 (Unique Identifier, = IVSS1), IVSF2 (Original
 * Cashflow Item Identifier), IVSF4 (Cashflow Item), IVSF5 (Amount Paid During Period) and IVSF6 (Available Funds
 * Post), and gives the rules above: every source and application, zero amounts included, in the documents' order,
 * inflows positive and payments negative, one record per item. ESMA Q&A 1422 (Q&A 5.14.1) gives the pair of
 * original and new identifiers of a test/event/trigger and the identifier ESMA recommends: the securitisation's
 * unique identifier followed by a three-digit sequence number (used here for both sections). IVSF3 (New Cash Flow
 * Item Identifier) and IVSR4-IVSR10 follow the Annex XIII layout the Q&As describe; their names and IVSR10's list
 * codes were transcribed without the annex text at hand (it is not available offline) and are unchecked.
 *
 * Identifiers are fixed at structuring (the configuration's trigger and step order), so an item keeps its identifier
 * from period to period, and the new identifier equals the original one.
 */
import { MAX_UINT256 } from "../waterfall/triggers";
import {
  type PeriodInputs,
  type PeriodResult,
  type TriggerEffect,
  type TriggerTerms,
  type WaterfallConfig,
} from "../waterfall/types";
import { type Cell, type FieldSpec, monetary, noData, value, wadPercent } from "./cells";
import { field, type RowCheck } from "./template";

export const ESMA_ANNEX12_TRIGGER_FIELDS: readonly FieldSpec[] = [
  field("IVSR1", "Unique Identifier", "ALPHANUM"),
  field("IVSR2", "Original Test/Event/Trigger Identifier", "ALPHANUM"),
  field("IVSR3", "New Test/Event/Trigger Identifier", "ALPHANUM"),
  field("IVSR4", "Description", "ALPHANUM"),
  field("IVSR5", "Threshold Level", "PERCENTAGE", "5"),
  field("IVSR6", "Actual Value", "PERCENTAGE", "5"),
  field("IVSR7", "Status", "Y/N"),
  field("IVSR8", "Cure Period", "INTEGER", "5"),
  field("IVSR9", "Calculation Frequency", "INTEGER"),
  field("IVSR10", "Consequence for Breach", "LIST"),
];

export const ESMA_ANNEX12_CASHFLOW_FIELDS: readonly FieldSpec[] = [
  field("IVSF1", "Unique Identifier", "ALPHANUM"),
  field("IVSF2", "Original Cash Flow Item Identifier", "ALPHANUM"),
  field("IVSF3", "New Cash Flow Item Identifier", "ALPHANUM"),
  field("IVSF4", "Cash Flow Item", "ALPHANUM"),
  field("IVSF5", "Amount Paid During Period", "MONETARY"),
  field("IVSF6", "Available Funds Post", "MONETARY"),
];

/** The XML elements of the two sections' records. */
export const TRIGGER_ELEMENT = "TstEvtTrggrInf";
export const CASHFLOW_ELEMENT = "CshFlwInf";

/** A period as the waterfall ran it (decoded from `PeriodDistributed`), with the deal's names for its parties. */
export interface PeriodDistribution {
  readonly config: WaterfallConfig;
  readonly inputs: PeriodInputs;
  readonly result: PeriodResult;
  /** The tranches' names, most senior first (default "class N"). */
  readonly trancheNames?: readonly string[] | undefined;
  /** The fees' names in configured order (default "senior fee N"). */
  readonly feeNames?: readonly string[] | undefined;
}

/**
 * IVSR10's value for each effect. Every trigger of this waterfall changes the priority of payments (a switch to
 * sequential principal, trapping excess spread, or acceleration on an event of default); none replaces a counterparty.
 */
const CONSEQUENCE_CODE: Readonly<Record<TriggerEffect, string>> = {
  switchToSequential: "CHPP",
  trapExcessSpread: "CHPP",
  eventOfDefault: "CHPP",
};

const EFFECT_TEXT: Readonly<Record<TriggerEffect, string>> = {
  switchToSequential: "principal is paid sequentially, most senior first",
  trapExcessSpread: "excess spread is trapped in the reserve account",
  eventOfDefault: "an event of default: the notes are accelerated and paid sequentially",
};

/** `<IVSS1><letter><3-digit sequence>`: Q&A 1422's recommended identifier, with C or T for the section. */
const itemId = (uniqueIdentifier: string, letter: "C" | "T", index: number): string =>
  `${uniqueIdentifier}${letter}${String(index + 1).padStart(3, "0")}`;

function scopeText(terms: TriggerTerms, tranches: number): string {
  const scope = terms.trancheScope === 0 ? tranches : terms.trancheScope;
  return scope === tranches ? "all notes" : `the ${scope} most senior class${scope === 1 ? "" : "es"}`;
}

/** What the trigger measures and does, as one sentence of plain text. */
export function triggerDescription(terms: TriggerTerms, config: WaterfallConfig): string {
  const notes = scopeText(terms, config.tranches.length);
  const measure: Record<TriggerTerms["kind"], string> = {
    overcollateralization: `Overcollateralisation: (pool balance at the period's end + principal collections) / principal outstanding of ${notes}, at least the threshold`,
    interestCoverage: `Interest coverage: interest collections / (senior fees due + interest due on ${notes}), at least the threshold`,
    cumulativeNetLoss: `Cumulative net loss / original pool balance, at most the threshold${terms.scheduleWad.length > 0 ? " (scheduled by period)" : ""}`,
    delinquency60: "Principal 60+ days past due / pool balance at the period's end, at most the threshold",
  };
  const cure = terms.curable ? "cured when the test passes again" : "once breached, breached for good";
  return `${measure[terms.kind]}. If breached, ${EFFECT_TEXT[terms.effect]}; ${cure}.`;
}

/** Months between two measurements: the period's accrual days in 30-day months, at least 1. */
function calculationMonths(inputs: PeriodInputs): number {
  return Math.max(1, Math.round(inputs.accrualDays / 30));
}

/** The tests/events/triggers records, one per configured trigger. */
export function triggerRows(uniqueIdentifier: string, period: PeriodDistribution): readonly (readonly Cell[])[] {
  const { config, inputs, result } = period;
  return config.triggers.map((terms, k) => {
    const outcome = result.triggers[k];
    if (outcome === undefined) throw new Error(`the period's result has no outcome for trigger ${k + 1}`);
    const id = itemId(uniqueIdentifier, "T", k);
    return [
      value(uniqueIdentifier),
      value(id),
      value(id),
      value(triggerDescription(terms, config)),
      value(wadPercent(outcome.thresholdWad)),
      // A coverage ratio over nothing (no notes, nothing due) has no value.
      outcome.valueWad === MAX_UINT256 ? noData("ND5") : value(wadPercent(outcome.valueWad)),
      value(outcome.breached ? "Y" : "N"),
      terms.curable ? value("0") : noData("ND5"),
      value(String(calculationMonths(inputs))),
      value(CONSEQUENCE_CODE[terms.effect]),
    ];
  });
}

/** One item of the priority of payments: what it is and what it moved (inflow positive, payment negative). */
export interface CashFlowItem {
  readonly name: string;
  readonly amountCents: bigint;
}

/** Every source and application of the period's funds, in the order the waterfall applies them. */
export function cashFlowItems(period: PeriodDistribution): readonly CashFlowItem[] {
  const { config, inputs, result } = period;
  const tranche = (j: number) => period.trancheNames?.[j] ?? `class ${j + 1}`;
  const fee = (k: number) => period.feeNames?.[k] ?? `senior fee ${k + 1}`;
  const hasReserve = config.reserve.targetWad > 0n || config.reserve.floorCents > 0n;
  const hasFacility = config.guarantee.limitCents > 0n;
  const items: CashFlowItem[] = [
    { name: "Interest collections", amountCents: inputs.interestCollectionsCents },
    { name: "Principal collections, recoveries included", amountCents: inputs.principalCollectionsCents },
  ];
  // A swap's receipt is its counterparty's net payment; the deal's own net payment is its pay-leg fee.
  const payLeg = (config.cap?.payLegFee ?? 0) - 1;
  const hedge = payLeg < 0 ? "cap" : "swap";
  if (config.cap !== undefined)
    items.push({ name: `Interest-rate ${hedge} receipt`, amountCents: result.capReceiptCents });
  if (hasReserve) {
    items.push({ name: "Reserve account release above its target", amountCents: result.reserveReleaseCents });
    items.push({ name: "Reserve account draw", amountCents: result.reserveDrawCents });
  }
  if (hasFacility) items.push({ name: "Guarantee or liquidity facility draw", amountCents: result.guaranteeDrawCents });
  for (const step of config.steps) {
    switch (step.kind) {
      case "fee":
        items.push({
          name: step.index === payLeg ? `Interest-rate swap payment: ${fee(step.index)}` : `Fee: ${fee(step.index)}`,
          amountCents: -(result.fees[step.index]?.paidCents ?? 0n),
        });
        break;
      case "interest":
        items.push({
          name: `Interest: ${tranche(step.index)}`,
          amountCents: -(result.tranches[step.index]?.interestPaidCents ?? 0n),
        });
        break;
      case "principal":
        result.tranches.forEach((t, j) =>
          items.push({ name: `Principal: ${tranche(j)}`, amountCents: -t.principalPaidCents }),
        );
        break;
      case "reserveTopUp":
        items.push({ name: "Reserve account top-up", amountCents: -result.reserveTopUpCents });
        break;
      case "guaranteeFee":
        items.push({ name: "Guarantee or facility fee", amountCents: -result.guaranteeFeePaidCents });
        break;
      case "guaranteeReimbursement":
        items.push({ name: "Reimbursement of facility draws", amountCents: -result.guaranteeReimbursedCents });
        break;
    }
  }
  items.push({ name: "Residual to the equity holder", amountCents: -result.residualCents });
  return items;
}

/** The cash-flow records: each item with the funds available after it. */
export function cashFlowRows(uniqueIdentifier: string, period: PeriodDistribution): readonly (readonly Cell[])[] {
  let available = 0n;
  return cashFlowItems(period).map((item, index) => {
    available += item.amountCents;
    const id = itemId(uniqueIdentifier, "C", index);
    return [
      value(uniqueIdentifier),
      value(id),
      value(id),
      value(item.name),
      monetary(item.amountCents),
      monetary(available),
    ];
  });
}

/** Within one record: the available funds after an item are never negative (the sources come first). */
export const ESMA_ANNEX12_CASHFLOW_CHECKS: readonly RowCheck[] = [
  {
    name: "the funds available after a cash-flow item (IVSF6) are not negative",
    test: (c) => !(c.get("IVSF6") ?? "").startsWith("-"),
  },
];

/** The check on the whole section: its last record leaves no funds (every cent applied, WF-1). */
export const CASHFLOW_ENDS_AT_ZERO = "the cash-flow section ends with no funds left (IVSF6 of its last item is 0.00)";
