/**
 * The period performance file: what happened to each loan in each monthly period after the tape's
 * cut-off date (what a servicer reports), and a generator of realistic synthetic performance.
 *
 * Columns (amounts in yuan, "12345.67"; one row per loan per period, loan by loan):
 *
 * | column | meaning |
 * | --- | --- |
 * | loan_id | the loan, as in the tape |
 * | period | 1-based month after the cut-off date |
 * | period_end_date | last day of that month, yyyy-mm-dd |
 * | opening_principal_yuan | balance at the start of the period |
 * | scheduled_principal_yuan | principal due in the period per the schedule |
 * | paid_principal_yuan | principal paid (scheduled, plus arrears when a delinquent loan cures) |
 * | interest_paid_yuan | interest paid |
 * | prepayment_yuan | principal paid ahead of schedule (full or partial) |
 * | default_principal_yuan | balance charged off when the loan defaults (90+ days past due) |
 * | recovery_yuan | cash recovered on a defaulted loan |
 * | closing_principal_yuan | opening - paid - prepayment - default (always) |
 * | status | current, delinquent, defaulted, prepaid, matured |
 * | days_past_due | at the period end |
 *
 * A loan gets rows from period 1 until it is paid off (prepaid or matured: that period is its last row)
 * or, once defaulted, until its recovery is received. Money is bigint cents throughout.
 */
import { PassThrough, type Writable } from "node:stream";
import { InvalidArgumentError } from "../errors";
import { addMonths, daysInMonth, formatIsoDate, parseIsoDate } from "../iso-date";
import { PAYMENT_PERIOD_MONTHS, type LoanRecord } from "../loan-record";
import { WAD, formatCents, mulDivDown, wadMulDown } from "../money";
import { checkSeed, mulberry32, type Prng } from "../prng";
import { type CsvWriteOptions, writeCsv } from "./csv-writer";

export const PERFORMANCE_COLUMNS = [
  "loan_id",
  "period",
  "period_end_date",
  "opening_principal_yuan",
  "scheduled_principal_yuan",
  "paid_principal_yuan",
  "interest_paid_yuan",
  "prepayment_yuan",
  "default_principal_yuan",
  "recovery_yuan",
  "closing_principal_yuan",
  "status",
  "days_past_due",
] as const;

export const PERFORMANCE_STATUSES = ["current", "delinquent", "defaulted", "prepaid", "matured"] as const;
export type PerformanceStatus = (typeof PERFORMANCE_STATUSES)[number];

export interface PerformanceRow {
  readonly loanId: string;
  readonly period: number;
  readonly periodEndDate: string;
  readonly openingPrincipalCents: bigint;
  readonly scheduledPrincipalCents: bigint;
  readonly paidPrincipalCents: bigint;
  readonly interestPaidCents: bigint;
  readonly prepaymentCents: bigint;
  readonly defaultPrincipalCents: bigint;
  readonly recoveryCents: bigint;
  readonly closingPrincipalCents: bigint;
  readonly status: PerformanceStatus;
  readonly daysPastDue: number;
}

export interface PerformanceOptions {
  /** The tape's cut-off date, yyyy-mm-dd: period 1 is the month after it. Default 2025-06-30. */
  readonly asOfDate?: string;
}

/** Monthly probability that a current loan misses a payment, by credit grade (others: grade C). */
const MISS_RATE: Readonly<Record<string, number>> = { A: 0.004, B: 0.008, C: 0.013, D: 0.022, E: 0.035 };
/** Monthly probability of full prepayment (about 8% a year) and of a partial one. */
const FULL_PREPAY_RATE = 0.007;
const PARTIAL_PREPAY_RATE = 0.01;
/** Monthly probability that a delinquent loan pays all its arrears. */
const CURE_RATE = 0.35;
const DAYS_PER_MISSED_MONTH = 30;
const DEFAULT_DAYS = 90;

/** The row as cells, in `PERFORMANCE_COLUMNS` order. */
export function performanceRowToCells(row: PerformanceRow): string[] {
  return [
    row.loanId,
    String(row.period),
    row.periodEndDate,
    formatCents(row.openingPrincipalCents),
    formatCents(row.scheduledPrincipalCents),
    formatCents(row.paidPrincipalCents),
    formatCents(row.interestPaidCents),
    formatCents(row.prepaymentCents),
    formatCents(row.defaultPrincipalCents),
    formatCents(row.recoveryCents),
    formatCents(row.closingPrincipalCents),
    row.status,
    String(row.daysPastDue),
  ];
}

function wadPow(base: bigint, exponent: number): bigint {
  let result = WAD;
  for (let i = 0; i < exponent; i++) result = wadMulDown(result, base);
  return result;
}

/** Level installment (principal + interest) of `balance` over `payments` at `periodRateWad`, rounded up. */
function levelInstallment(balance: bigint, periodRateWad: bigint, payments: number): bigint {
  if (payments <= 0) return balance;
  if (periodRateWad === 0n) return (balance + BigInt(payments) - 1n) / BigInt(payments);
  const growth = wadPow(WAD + periodRateWad, payments);
  return (balance * periodRateWad * growth + (growth - WAD) * WAD - 1n) / ((growth - WAD) * WAD);
}

/**
 * Yields synthetic performance rows for `loans` over `periods` months, deterministically from `seed`.
 * Current loans mostly pay as scheduled; some prepay (fully or partly), some miss payments, roll to 30,
 * 60, 90 days past due and default, and a few of those cure. Defaulted loans (including those defaulted at
 * the cut-off) recover part of their balance 3 to 9 months later: 30-70% with collateral, 5-25% without.
 */
export function* generatePerformance(
  loans: Iterable<LoanRecord>,
  periods: number,
  seed: number,
  options: PerformanceOptions = {},
): Generator<PerformanceRow, void, undefined> {
  if (!Number.isSafeInteger(periods) || periods < 1 || periods > 600) {
    throw new InvalidArgumentError("periods", "a whole number of months from 1 to 600", String(periods));
  }
  checkSeed(seed);
  const asOfText = options.asOfDate ?? "2025-06-30";
  const asOf = parseIsoDate(asOfText);
  if (asOf === undefined) {
    throw new InvalidArgumentError("asOfDate", "a calendar date yyyy-mm-dd", JSON.stringify(asOfText));
  }
  const periodEnd: string[] = [];
  for (let period = 1; period <= periods; period++) {
    const month = addMonths({ ...asOf, day: 1 }, period);
    periodEnd.push(formatIsoDate({ ...month, day: daysInMonth(month.year, month.month) }));
  }
  const random = mulberry32(seed);
  for (const loan of loans) yield* loanPerformance(loan, periodEnd, random);
}

function loanPerformance(loan: LoanRecord, periodEnd: readonly string[], random: Prng): Generator<PerformanceRow> {
  return (function* () {
    if (loan.status === "prepaid" || loan.status === "repurchased" || loan.currentPrincipalCents === 0n) return;
    const periodMonths = PAYMENT_PERIOD_MONTHS[loan.paymentFrequency];
    const periodRateWad = mulDivDown(loan.rateWad, BigInt(periodMonths), 12n);
    const monthlyRateWad = loan.rateWad / 12n;
    let balance = loan.currentPrincipalCents;
    let remaining = loan.remainingTermMonths;
    let daysPastDue = loan.daysPastDue;
    let arrearsPrincipal = 0n;
    let defaulted = loan.status === "defaulted";
    let chargeOffPending = defaulted;
    let chargedOff = 0n;
    let recovery: { readonly period: number; readonly cents: bigint } | undefined;
    let installment = levelInstallment(balance, periodRateWad, Math.ceil(remaining / periodMonths));
    const missRate = MISS_RATE[loan.creditGrade] ?? MISS_RATE.C ?? 0.013;
    const secured = loan.collateralType !== undefined;

    for (let index = 0; index < periodEnd.length; index++) {
      const period = index + 1;
      const opening = balance;
      let scheduled = 0n;
      let paid = 0n;
      let interest = 0n;
      let prepayment = 0n;
      let defaultPrincipal = 0n;
      let recovered = 0n;
      let status: PerformanceStatus;

      if (defaulted) {
        if (chargeOffPending) {
          defaultPrincipal = balance;
          chargedOff = balance;
          balance = 0n;
          chargeOffPending = false;
        }
        if (recovery === undefined) {
          const share = secured ? random.int(30, 70) : random.int(5, 25);
          recovery = { period: period + random.int(3, 9), cents: mulDivDown(chargedOff, BigInt(share), 100n) };
        }
        if (period === recovery.period) recovered = recovery.cents;
        status = "defaulted";
        daysPastDue += DAYS_PER_MISSED_MONTH;
      } else {
        remaining = Math.max(0, remaining - 1);
        const isPaymentMonth = remaining % periodMonths === 0;
        if (isPaymentMonth) {
          const dueInterest = wadMulDown(opening, periodRateWad);
          scheduled =
            loan.amortization === "level"
              ? installment - dueInterest
              : loan.amortization === "equal-principal"
                ? opening / BigInt(remaining / periodMonths + 1)
                : remaining === 0
                  ? opening
                  : 0n;
          if (remaining === 0 || scheduled > opening) scheduled = opening;
          if (scheduled < 0n) scheduled = 0n;
        }
        const interestDue = wadMulDown(opening, monthlyRateWad);
        const delinquent = daysPastDue > 0;
        const pays = delinquent ? random.chance(CURE_RATE) : !random.chance(missRate);
        if (pays) {
          paid = scheduled + arrearsPrincipal > opening ? opening : scheduled + arrearsPrincipal;
          interest = interestDue;
          arrearsPrincipal = 0n;
          daysPastDue = 0;
          const left = opening - paid;
          if (left > 0n && random.chance(FULL_PREPAY_RATE)) {
            prepayment = left;
          } else if (left > 0n && random.chance(PARTIAL_PREPAY_RATE)) {
            prepayment = mulDivDown(left, BigInt(random.int(10, 30)), 100n);
            installment = levelInstallment(left - prepayment, periodRateWad, Math.ceil(remaining / periodMonths));
          }
        } else {
          arrearsPrincipal += scheduled;
          daysPastDue += DAYS_PER_MISSED_MONTH;
        }
        balance = opening - paid - prepayment;
        if (daysPastDue >= DEFAULT_DAYS) {
          defaultPrincipal = balance;
          chargedOff = balance;
          balance = 0n;
          defaulted = true;
          status = "defaulted";
        } else if (balance === 0n) {
          status = prepayment > 0n ? "prepaid" : "matured";
        } else {
          status = daysPastDue > 0 ? "delinquent" : "current";
        }
      }
      yield {
        loanId: loan.loanId,
        period,
        periodEndDate: periodEnd[index] ?? "",
        openingPrincipalCents: opening,
        scheduledPrincipalCents: scheduled,
        paidPrincipalCents: paid,
        interestPaidCents: interest,
        prepaymentCents: prepayment,
        defaultPrincipalCents: defaultPrincipal,
        recoveryCents: recovered,
        closingPrincipalCents: balance,
        status,
        daysPastDue,
      };
      if (status === "prepaid" || status === "matured") return;
      if (defaulted && recovery !== undefined && period >= recovery.period) return;
    }
  })();
}

/** Writes performance rows as CSV (header `PERFORMANCE_COLUMNS`). Does not end `out`. */
export async function writePerformanceCsv(
  rows: Iterable<PerformanceRow>,
  out: Writable,
  options: CsvWriteOptions = {},
): Promise<{ readonly rows: number; readonly bytes: number }> {
  function* cells(): Generator<string[]> {
    for (const row of rows) yield performanceRowToCells(row);
  }
  return writeCsv(PERFORMANCE_COLUMNS, cells(), out, options);
}

/** The CSV of `rows` as one buffer (what a servicer uploads to its node), for a file small enough to hold. */
export async function performanceCsvBytes(rows: Iterable<PerformanceRow>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  await writePerformanceCsv(rows, out);
  return Buffer.concat(chunks);
}
