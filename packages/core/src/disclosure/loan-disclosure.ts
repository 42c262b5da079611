/**
 * What a loan-level disclosure row is made of: committed data only. The loan's record in an anchored tape
 * (static terms: dates, amounts, rate, schedule, labels) and its state in every reported period up to the one
 * disclosed (each a leaf of that period's anchored loan-state root). Nothing else about the loan goes into a row,
 * so a reader who verifies the record and the states against their roots can rebuild the row and compare.
 *
 * Convention: the servicer reports by period, so an event inside a period (a prepayment, a default, the last day
 * in arrears, a redemption) is dated with the end date of the period it was reported in.
 */
import { type LoanRecord } from "../loan-record";
import { type LoanState } from "../report/loan-state";

/** The deal-level facts every row of a disclosure shares (read from the chain and the consortium file). */
export interface DisclosureContext {
  /** The securitisation's identifier (ESMA Article 11(1): the reporting entity's LEI, N, the year, 2 digits). */
  readonly uniqueIdentifier: string;
  /** ISO 4217 code of the pool's currency. */
  readonly currency: string;
  /** ISO 3166 alpha-2 code of the country where the originator (and original lender) is established. */
  readonly country: string;
  /** The originator's (and original lender's) registered name. */
  readonly originatorName: string;
  /** The servicer's registered name. */
  readonly servicerName: string;
  /** The disclosed period. */
  readonly period: number;
  /** First day of the period (`yyyy-mm-dd`). */
  readonly periodStartDate: string;
  /** The data cut-off date: the period's end date (`yyyy-mm-dd`). */
  readonly dataCutOffDate: string;
  /** The cut-off date of the pool's first tape (`yyyy-mm-dd`): the closing of the securitisation. */
  readonly closingDate: string;
  /** The tape version whose records give each loan's static terms. */
  readonly tapeVersion: number;
  /** The end date of each reported period, index 0 = period 1 (to date events). */
  readonly periodEndDates: readonly string[];
}

/** One loan's committed data: its tape record and its states in periods 1..N (in period order, any gaps allowed). */
export interface LoanDisclosureInput {
  readonly record: LoanRecord;
  readonly states: readonly LoanState[];
}

/** What a loan's period history adds up to at the disclosed period. */
export interface LoanHistoryFacts {
  /** The loan's state in the disclosed period. */
  readonly current: LoanState;
  readonly cumulativePrepaymentCents: bigint;
  readonly cumulativeDefaultCents: bigint;
  readonly cumulativeRecoveryCents: bigint;
  /** The first period the loan defaulted in, if it did. */
  readonly defaultPeriod: number | undefined;
  /** The last period that ended with the loan past due, if any. */
  readonly lastPeriodInArrears: number | undefined;
  /** The last period with a prepayment, if any. */
  readonly lastPrepaymentPeriod: number | undefined;
  /** The period the balance reached 0 by prepayment or maturity, if it did. */
  readonly redemptionPeriod: number | undefined;
}

/** The facts of a loan's history; throws when it has no state in the disclosed period. */
export function loanHistoryFacts(input: LoanDisclosureInput, period: number): LoanHistoryFacts {
  const states = input.states.filter((s) => s.period <= period);
  const current = states.find((s) => s.period === period);
  if (current === undefined) throw new Error(`loan "${input.record.loanId}" has no state in period ${period}`);
  let cumulativePrepaymentCents = 0n;
  let cumulativeDefaultCents = 0n;
  let cumulativeRecoveryCents = 0n;
  let defaultPeriod: number | undefined;
  let lastPeriodInArrears: number | undefined;
  let lastPrepaymentPeriod: number | undefined;
  let redemptionPeriod: number | undefined;
  for (const s of states) {
    cumulativePrepaymentCents += s.prepaymentCents;
    cumulativeDefaultCents += s.defaultPrincipalCents;
    cumulativeRecoveryCents += s.recoveryCents;
    if (s.defaultPrincipalCents > 0n || s.status === "defaulted") defaultPeriod ??= s.period;
    if (s.daysPastDue > 0) lastPeriodInArrears = s.period;
    if (s.prepaymentCents > 0n) lastPrepaymentPeriod = s.period;
    if (redemptionPeriod === undefined && (s.status === "prepaid" || s.status === "matured"))
      redemptionPeriod = s.period;
  }
  return {
    current,
    cumulativePrepaymentCents,
    cumulativeDefaultCents,
    cumulativeRecoveryCents,
    defaultPeriod,
    lastPeriodInArrears,
    lastPrepaymentPeriod,
    redemptionPeriod,
  };
}

/** The end date of `period` (the convention for events inside it). */
export function periodEndDate(context: DisclosureContext, period: number): string {
  const date = context.periodEndDates[period - 1];
  if (date === undefined) throw new Error(`no end date for period ${period}`);
  return date;
}

/** ESMA's fallback for a pool addition date: the later of the closing date and the origination date. */
export function poolAdditionDate(context: DisclosureContext, record: LoanRecord): string {
  return record.originationDate > context.closingDate ? record.originationDate : context.closingDate;
}
