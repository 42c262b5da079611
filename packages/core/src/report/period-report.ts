/**
 * `buildPeriodReport`: one streaming pass over a period performance file (the CSV of `tape/performance.ts`)
 * that checks every row and produces the fields of the pool contract's `PeriodReport` struct
 * (contracts/types/PoolTypes.sol): collections by type, new defaults, delinquency buckets, ending balance,
 * loan count, the loan-state Merkle root and the file's content hash. How each field is defined is in
 * REPORT.md next to this file and in the TSDoc of `PeriodAggregates`.
 *
 * An invalid file yields its issues and no report. Memory stays bounded: rows are not kept, only each loan
 * id (to find duplicates), the issues, and one 32-byte leaf per loan when building the root.
 */
import { keccak256 as jsSha3Keccak256 } from "js-sha3";
import { z } from "zod";
import { InvalidArgumentError } from "../errors";
import { checkSecretKey } from "../hashing";
import { calendarDateToEpochDay, parseIsoDate } from "../iso-date";
import { MAX_CENTS, MAX_DAYS_PAST_DUE } from "../loan-record";
import { formatCents, parseCents } from "../money";
import { LoanTreeBuilder, type LoanTree } from "../tape-commitment";
import { type TapeEncodingOption } from "../tape/column-mapping";
import { REPLACEMENT_CHARACTER, decodeTape } from "../tape/decode";
import {
  PERFORMANCE_COLUMNS,
  PERFORMANCE_STATUSES,
  type PerformanceRow,
  type PerformanceStatus,
} from "../tape/performance";
import { csvRows, trackEnd } from "../tape/read-rows";
import { describeCell } from "../tape/template";
import { type LoanState, deriveLoanStateSalt, loanStateLeaf, loanStateOf } from "./loan-state";
import { reportIssue, type ReportIssue, type ReportIssueCode } from "./report-issue";

type PerformanceColumn = (typeof PERFORMANCE_COLUMNS)[number];

/** Largest period number: the contract's `uint32 period`. */
export const MAX_PERIOD = 0xffff_ffff;
const SECONDS_PER_DAY = 86_400n;

/**
 * The aggregates of one period, as in the contract's `PeriodReport`, without the loan-state root.
 * Amounts are bigint cents summed over the file's rows; "outstanding" means status `current` or
 * `delinquent` at the period end (a loan that is prepaid, matured or defaulted is no longer outstanding).
 */
export interface PeriodAggregates {
  /** The reported period (1-based month after the tape's cut-off date). */
  readonly period: number;
  /** Start of the period: the given start date at 00:00 UTC, unix seconds (period 1: the cut-off date). */
  readonly startDate: bigint;
  /** End of the period: the given end date (every row's `period_end_date`) at 00:00 UTC, unix seconds. */
  readonly endDate: bigint;
  /** Sum of `interest_paid_yuan`. */
  readonly interestCollectedCents: bigint;
  /**
   * Scheduled principal collected: sum of `paid_principal_yuan` (scheduled principal actually paid, plus
   * arrears paid when a delinquent loan cures). Principal due but missed is not collected and not here.
   */
  readonly scheduledPrincipalCents: bigint;
  /** Sum of `prepayment_yuan` (full and partial). */
  readonly prepaymentCents: bigint;
  /** Sum of `recovery_yuan` (cash recovered on defaulted loans). */
  readonly recoveryCents: bigint;
  /** Principal charged off this period: sum of `default_principal_yuan` (only on rows with status `defaulted`). */
  readonly newDefaultsCents: bigint;
  /** Closing principal of outstanding loans 30-59 days past due at the period end. */
  readonly delinquent30Cents: bigint;
  /** Closing principal of outstanding loans 60-89 days past due. */
  readonly delinquent60Cents: bigint;
  /** Closing principal of outstanding (so not defaulted) loans 90 or more days past due. */
  readonly delinquent90PlusCents: bigint;
  /** Sum of `closing_principal_yuan` of outstanding loans (every other row closes at 0). */
  readonly endingBalanceCents: bigint;
  /** Number of outstanding loans at the period end. */
  readonly loanCount: bigint;
  /** keccak256 of the file's bytes exactly as read, 0x hex. */
  readonly contentHash: string;
}

/** Exactly the fields of the contract's `PeriodReport` struct, in its order. */
export interface PeriodReport extends PeriodAggregates {
  /**
   * Root of the StandardMerkleTree of every row's loan-state leaf (`loanStateLeaf`), one leaf per row of
   * the file (outstanding or not), in file order.
   */
  readonly loanStateRoot: string;
}

export interface ReportProgress {
  readonly bytesRead: number;
  readonly rows: number;
  readonly errors: number;
}

/** One committed loan state, as `onLoanState` gets it: the state, its salt, its leaf and its index in the tree. */
export interface StateLeaf {
  readonly state: LoanState;
  readonly salt: string;
  readonly leaf: string;
  readonly leafIndex: number;
}

export interface PeriodReportOptions {
  /** The period reported: every row must be for it (unless `otherPeriods` is "skip"). 1 to 2^32 - 1. */
  readonly period: number;
  /**
   * What a row of another period is: "refuse" (default; a `REPORT_PERIOD_MISMATCH` issue: one period per file) or
   * "skip" (the file holds every period, as `abs tape generate --performance-periods` writes it: only the rows
   * whose `period` cell is exactly `period` are read, every other row is passed over unchecked).
   */
  readonly otherPeriods?: "refuse" | "skip";
  /** First day of the period's span, yyyy-mm-dd (the cut-off date for period 1, else the previous end). */
  readonly startDate: string;
  /** The period end date, yyyy-mm-dd: every row's `period_end_date` must be it. After `startDate`. */
  readonly endDate: string;
  /** The originator's salt key (at least 32 bytes): when given and the file is valid, the result has the report. */
  readonly saltKey?: Uint8Array;
  /** The tape's loan ids: when given, a row for any other loan is a `REPORT_LOAN_UNKNOWN` issue. */
  readonly tapeLoanIds?: { has(loanId: string): boolean };
  /** "auto" (default), "utf8" or "gbk". */
  readonly encoding?: TapeEncodingOption;
  /** Stop reading once this many issues are found. Default: no limit. */
  readonly maxErrors?: number;
  /**
   * With `saltKey`: called with each valid row's state leaf as it joins the tree (a member node stores them to
   * serve proofs). A returned promise is awaited before the next row (back-pressure). Called before the file is
   * known to be valid: a caller storing states discards them when the result is not `valid`.
   */
  readonly onLoanState?: (leaf: StateLeaf) => Promise<void> | undefined;
  /** Called every `progressEveryRows` rows and once at the end. */
  readonly onProgress?: (progress: ReportProgress) => void;
  /** Default 1000. */
  readonly progressEveryRows?: number;
}

export interface PeriodReportResult {
  /** True only if the file has at least one row and no issue at all. */
  readonly valid: boolean;
  /** Loan rows read (the header and blank lines are not rows). */
  readonly rows: number;
  /** Every issue found, by row. */
  readonly errors: readonly ReportIssue[];
  /** Whether reading stopped at `maxErrors`. */
  readonly stoppedEarly: boolean;
  /** Only for a valid file: the report's fields except the root. */
  readonly aggregates?: PeriodAggregates;
  /**
   * Only for a valid file: sum of `opening_principal_yuan`. Conservation, exact by construction:
   * opening = scheduledPrincipal + prepayment + newDefaults + endingBalance.
   */
  readonly openingBalanceCents?: bigint;
  /** Only for a valid file read with a `saltKey`: the report to submit. */
  readonly report?: PeriodReport;
  /** Only with `report`: the loan-state tree (leaf `i` is the `i`-th row of the file), to serve proofs from. */
  readonly tree?: LoanTree;
}

const YUAN = /^\d{1,39}(?:\.\d{1,2})?$/;
const YUAN_EXPECTED =
  'an amount in yuan of 0 or more, digits with an optional "." and at most 2 decimals, such as "12345.67"';

/** How one cell is read: a zod schema over the cell's text, and what it expects in words. */
interface CellRule<T> {
  readonly schema: z.ZodType<T, string>;
  readonly expected: string;
}

const LOAN_ID_RULE: CellRule<string> = {
  schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  expected: "a loan id of 1-64 characters from A-Z, a-z, 0-9, '.', '_', '-'",
};
const PERIOD_RULE: CellRule<number> = {
  schema: z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PERIOD)),
  expected: `a period number from 1 to ${MAX_PERIOD} (digits only)`,
};
const DATE_RULE: CellRule<string> = {
  schema: z.string().refine((text) => parseIsoDate(text) !== undefined),
  expected: "a calendar date yyyy-mm-dd",
};
const YUAN_RULE: CellRule<bigint> = {
  schema: z
    .string()
    .regex(YUAN)
    .transform((text) => parseCents(text))
    .pipe(z.bigint().max(MAX_CENTS)),
  expected: YUAN_EXPECTED,
};
const STATUS_RULE: CellRule<PerformanceStatus> = {
  schema: z.enum(PERFORMANCE_STATUSES),
  expected: `one of ${PERFORMANCE_STATUSES.join(", ")}`,
};
const DAYS_RULE: CellRule<number> = {
  schema: z
    .string()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .pipe(z.number().int().max(MAX_DAYS_PAST_DUE)),
  expected: `a whole number of days from 0 to ${MAX_DAYS_PAST_DUE} (digits only)`,
};

type StructuralCode = "TAPE_ROW_MALFORMED" | "TAPE_TRUNCATED";
const STRUCTURAL_CODE: Readonly<Record<string, ReportIssueCode>> = {
  TAPE_ROW_MALFORMED: "REPORT_ROW_MALFORMED",
  TAPE_TRUNCATED: "REPORT_TRUNCATED",
} satisfies Record<StructuralCode, ReportIssueCode>;

/** The report in the contract struct's field order (the order JSON and tables print it in). */
function withRoot(aggregates: PeriodAggregates, loanStateRoot: string): PeriodReport {
  const { contentHash, ...before } = aggregates;
  return { ...before, loanStateRoot, contentHash };
}

/** Date text -> unix seconds at 00:00 UTC, checking the option. */
function dateOption(name: string, text: string): bigint {
  const date = typeof text === "string" ? parseIsoDate(text) : undefined;
  if (date === undefined) throw new InvalidArgumentError(name, "a calendar date yyyy-mm-dd", JSON.stringify(text));
  return BigInt(calendarDateToEpochDay(date)) * SECONDS_PER_DAY;
}

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
    throw new InvalidArgumentError(name, "a whole number, 1 or more", String(value));
  }
}

/** Passes the input through, hashing its bytes (keccak256) on the way. */
function hashing(input: AsyncIterable<Uint8Array | string>): {
  readonly chunks: AsyncGenerator<Uint8Array | string>;
  digest(): string;
} {
  const hasher = jsSha3Keccak256.create();
  async function* pass(): AsyncGenerator<Uint8Array | string> {
    for await (const chunk of input) {
      hasher.update(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
      yield chunk;
    }
  }
  return { chunks: pass(), digest: () => `0x${hasher.hex()}` };
}

/** Running sums of the period (see `PeriodAggregates`). */
class Totals {
  opening = 0n;
  interest = 0n;
  scheduled = 0n;
  prepayment = 0n;
  recovery = 0n;
  defaults = 0n;
  delinquent30 = 0n;
  delinquent60 = 0n;
  delinquent90Plus = 0n;
  ending = 0n;
  outstanding = 0n;

  add(row: PerformanceRow): void {
    this.opening += row.openingPrincipalCents;
    this.interest += row.interestPaidCents;
    this.scheduled += row.paidPrincipalCents;
    this.prepayment += row.prepaymentCents;
    this.recovery += row.recoveryCents;
    this.defaults += row.defaultPrincipalCents;
    if (row.status !== "current" && row.status !== "delinquent") return;
    this.outstanding += 1n;
    this.ending += row.closingPrincipalCents;
    if (row.daysPastDue >= 90) this.delinquent90Plus += row.closingPrincipalCents;
    else if (row.daysPastDue >= 60) this.delinquent60 += row.closingPrincipalCents;
    else if (row.daysPastDue >= 30) this.delinquent30 += row.closingPrincipalCents;
  }
}

/**
 * The cross-field rules of one row whose cells are all valid: the balance reconciles and the status fits
 * the amounts and days past due. Returns the problems as [column, expected, found].
 */
function ruleProblems(row: PerformanceRow): [PerformanceColumn, string, string][] {
  const problems: [PerformanceColumn, string, string][] = [];
  const expectedClosing =
    row.openingPrincipalCents - row.paidPrincipalCents - row.prepaymentCents - row.defaultPrincipalCents;
  if (row.closingPrincipalCents !== expectedClosing) {
    problems.push([
      "closing_principal_yuan",
      `opening - paid - prepayment - default = ${formatCents(expectedClosing)}`,
      formatCents(row.closingPrincipalCents),
    ]);
  }
  const closing = formatCents(row.closingPrincipalCents);
  const { status, daysPastDue } = row;
  if (status === "current" && daysPastDue !== 0) {
    problems.push(["status", "days_past_due 0 for a current loan", `current with ${daysPastDue} days past due`]);
  }
  if (status === "delinquent" && daysPastDue === 0) {
    problems.push(["status", "days_past_due of 1 or more for a delinquent loan", "delinquent with 0 days past due"]);
  }
  if ((status === "current" || status === "delinquent") && row.closingPrincipalCents === 0n) {
    problems.push(["status", `a closing principal above 0 for a ${status} loan`, `${status} with 0.00`]);
  }
  if ((status === "defaulted" || status === "prepaid" || status === "matured") && row.closingPrincipalCents !== 0n) {
    problems.push(["status", `a closing principal of 0.00 for a ${status} loan`, `${status} with ${closing}`]);
  }
  if (status === "prepaid" && row.prepaymentCents === 0n) {
    problems.push(["status", "a prepayment above 0 for a prepaid loan", "prepaid with prepayment 0.00"]);
  }
  if (status !== "defaulted" && row.defaultPrincipalCents !== 0n) {
    problems.push([
      "status",
      "status defaulted on a row with default principal",
      `${status} with default ${formatCents(row.defaultPrincipalCents)}`,
    ]);
  }
  if (status !== "defaulted" && row.recoveryCents !== 0n) {
    problems.push([
      "status",
      "status defaulted on a row with a recovery",
      `${status} with recovery ${formatCents(row.recoveryCents)}`,
    ]);
  }
  return problems;
}

/**
 * Builds the period report from a performance file in one streaming pass; see the module comment.
 * Throws only on bad options or an unreadable input; a bad file is a result with `valid: false`.
 */
export async function buildPeriodReport(
  input: AsyncIterable<Uint8Array | string>,
  options: PeriodReportOptions,
): Promise<PeriodReportResult> {
  const { period, saltKey, tapeLoanIds, maxErrors, onProgress } = options;
  if (!Number.isSafeInteger(period) || period < 1 || period > MAX_PERIOD) {
    throw new InvalidArgumentError("period", `a whole number from 1 to ${MAX_PERIOD}`, String(period));
  }
  const startDate = dateOption("startDate", options.startDate);
  const endDate = dateOption("endDate", options.endDate);
  if (startDate >= endDate) {
    throw new InvalidArgumentError(
      "endDate",
      `a date after the start date ${options.startDate}`,
      JSON.stringify(options.endDate),
    );
  }
  if (saltKey !== undefined) checkSecretKey("saltKey", saltKey);
  checkCount("maxErrors", maxErrors);
  checkCount("progressEveryRows", options.progressEveryRows);
  const progressEvery = options.progressEveryRows ?? 1000;

  const hashed = hashing(input);
  const decoded = decodeTape(hashed.chunks, options.encoding ?? "auto");
  const tracked = trackEnd(decoded.chunks);
  const errors: ReportIssue[] = [];
  const totals = new Totals();
  const leaves = saltKey === undefined ? undefined : new LoanTreeBuilder();
  const rowOfLoanId = new Map<string, number>();
  let indexOf: ReadonlyMap<PerformanceColumn, number> | undefined;
  let width = 0;
  let rows = 0;
  let lastRow = 0;
  let stoppedEarly = false;
  let sawHeader = false;
  let pendingWrite: Promise<void> | undefined;

  const report = (issue: ReportIssue): boolean => {
    errors.push(issue);
    return maxErrors !== undefined && errors.length >= maxErrors;
  };

  /** Reads the header; returns the column positions if every column is there exactly once. */
  const readHeader = (cells: readonly string[], row: number): boolean => {
    const positions = new Map<PerformanceColumn, number>();
    let stop = false;
    cells.forEach((name, index) => {
      const column = PERFORMANCE_COLUMNS.find((known) => known === name.trim());
      const where = { row, column: index + 1, columnName: name };
      if (column === undefined) {
        stop ||= report(
          reportIssue("REPORT_COLUMN_UNKNOWN", where, `one of ${PERFORMANCE_COLUMNS.join(", ")}`, describeCell(name)),
        );
      } else if (positions.has(column)) {
        const first = (positions.get(column) ?? 0) + 1;
        stop ||= report(
          reportIssue(
            "REPORT_COLUMN_DUPLICATE",
            where,
            "each column once",
            `"${column}" again (first at column ${first})`,
          ),
        );
      } else {
        positions.set(column, index);
      }
    });
    for (const column of PERFORMANCE_COLUMNS) {
      if (!positions.has(column)) {
        stop ||= report(reportIssue("REPORT_COLUMN_MISSING", { row }, `a "${column}" column`, "no such header"));
      }
    }
    if (positions.size === PERFORMANCE_COLUMNS.length) indexOf = positions;
    width = cells.length;
    return stop;
  };

  /** Checks one row and, if it is valid, adds it to the totals and the tree. */
  const readRow = (
    cells: readonly string[],
    row: number,
    positions: ReadonlyMap<PerformanceColumn, number>,
  ): boolean => {
    if (options.otherPeriods === "skip" && (cells[positions.get("period") ?? -1] ?? "").trim() !== String(period)) {
      return false;
    }
    const issues: ReportIssue[] = [];
    const at = (column: PerformanceColumn): { row: number; column: number; columnName: string } => ({
      row,
      column: (positions.get(column) ?? 0) + 1,
      columnName: column,
    });
    const read = <T>(column: PerformanceColumn, rule: CellRule<T>): T | undefined => {
      const cell = cells[positions.get(column) ?? -1] ?? "";
      if (cell.includes(REPLACEMENT_CHARACTER)) {
        const name = decoded.encoding() === "gbk" ? "GBK" : "UTF-8";
        issues.push(
          reportIssue("REPORT_ENCODING_INVALID", at(column), `text in the file's encoding (${name})`, "invalid bytes"),
        );
        return undefined;
      }
      const parsed = rule.schema.safeParse(cell);
      if (parsed.success) return parsed.data;
      issues.push(reportIssue("REPORT_VALUE_INVALID", at(column), rule.expected, describeCell(cell)));
      return undefined;
    };
    const loanId = read("loan_id", LOAN_ID_RULE);
    const rowPeriod = read("period", PERIOD_RULE);
    const periodEndDate = read("period_end_date", DATE_RULE);
    const openingPrincipalCents = read("opening_principal_yuan", YUAN_RULE);
    const scheduledPrincipalCents = read("scheduled_principal_yuan", YUAN_RULE);
    const paidPrincipalCents = read("paid_principal_yuan", YUAN_RULE);
    const interestPaidCents = read("interest_paid_yuan", YUAN_RULE);
    const prepaymentCents = read("prepayment_yuan", YUAN_RULE);
    const defaultPrincipalCents = read("default_principal_yuan", YUAN_RULE);
    const recoveryCents = read("recovery_yuan", YUAN_RULE);
    const closingPrincipalCents = read("closing_principal_yuan", YUAN_RULE);
    const status = read("status", STATUS_RULE);
    const daysPastDue = read("days_past_due", DAYS_RULE);

    if (rowPeriod !== undefined && rowPeriod !== period) {
      issues.push(
        reportIssue(
          "REPORT_PERIOD_MISMATCH",
          at("period"),
          `period ${period} only (one period per file)`,
          String(rowPeriod),
        ),
      );
    }
    if (periodEndDate !== undefined && periodEndDate !== options.endDate) {
      issues.push(
        reportIssue(
          "REPORT_DATE_MISMATCH",
          at("period_end_date"),
          `the period end date ${options.endDate}`,
          periodEndDate,
        ),
      );
    }
    if (loanId !== undefined) {
      const firstRow = rowOfLoanId.get(loanId);
      if (firstRow !== undefined) {
        issues.push(
          reportIssue(
            "REPORT_DUPLICATE_LOAN_ID",
            at("loan_id"),
            "each loan id once per period",
            `"${loanId}" again (first at row ${firstRow})`,
          ),
        );
      } else {
        rowOfLoanId.set(loanId, row);
        if (tapeLoanIds !== undefined && !tapeLoanIds.has(loanId)) {
          issues.push(reportIssue("REPORT_LOAN_UNKNOWN", at("loan_id"), "a loan id of the tape", `"${loanId}"`));
        }
      }
    }
    if (
      loanId === undefined ||
      rowPeriod === undefined ||
      periodEndDate === undefined ||
      openingPrincipalCents === undefined ||
      scheduledPrincipalCents === undefined ||
      paidPrincipalCents === undefined ||
      interestPaidCents === undefined ||
      prepaymentCents === undefined ||
      defaultPrincipalCents === undefined ||
      recoveryCents === undefined ||
      closingPrincipalCents === undefined ||
      status === undefined ||
      daysPastDue === undefined
    ) {
      return issues.some(report);
    }
    const parsed: PerformanceRow = {
      loanId,
      period: rowPeriod,
      periodEndDate,
      openingPrincipalCents,
      scheduledPrincipalCents,
      paidPrincipalCents,
      interestPaidCents,
      prepaymentCents,
      defaultPrincipalCents,
      recoveryCents,
      closingPrincipalCents,
      status,
      daysPastDue,
    };
    for (const [column, expected, found] of ruleProblems(parsed)) {
      const code = column === "closing_principal_yuan" ? "REPORT_BALANCE_MISMATCH" : "REPORT_STATUS_INCONSISTENT";
      issues.push(reportIssue(code, at(column), expected, found));
    }
    if (issues.length > 0) return issues.some(report);
    if (errors.length > 0) return false; // Still checking, but nothing of an invalid file is kept.
    totals.add(parsed);
    if (leaves !== undefined && saltKey !== undefined) {
      const state = loanStateOf(parsed);
      const salt = deriveLoanStateSalt(saltKey, period, loanId);
      const leaf = loanStateLeaf(state, salt);
      const leafIndex = leaves.push(leaf);
      pendingWrite = options.onLoanState?.({ state, salt, leaf, leafIndex });
    }
    return false;
  };

  let sinceProgress = 0;
  for await (const raw of csvRows(tracked.chunks, ",")) {
    let stop: boolean;
    if (raw.kind === "issue") {
      const { issue } = raw;
      lastRow = Math.max(lastRow, issue.row);
      stop = report(
        reportIssue(STRUCTURAL_CODE[issue.code] ?? "REPORT_ROW_MALFORMED", issue, issue.expected, issue.found),
      );
    } else if (raw.kind !== "cells") {
      continue;
    } else if (!sawHeader) {
      sawHeader = true;
      lastRow = raw.row;
      stop = readHeader(raw.cells, raw.row) || indexOf === undefined;
    } else {
      rows += 1;
      lastRow = raw.row;
      if (raw.cells.length !== width) {
        stop = report(
          reportIssue(
            "REPORT_ROW_FIELD_COUNT",
            { row: raw.row },
            `${width} cells, one per header column`,
            `${raw.cells.length} cells`,
          ),
        );
      } else {
        stop = indexOf === undefined ? true : readRow(raw.cells, raw.row, indexOf);
        if (pendingWrite !== undefined) {
          await pendingWrite;
          pendingWrite = undefined;
        }
      }
    }
    if (stop) {
      stoppedEarly = maxErrors !== undefined && errors.length >= maxErrors;
      break;
    }
    if (++sinceProgress >= progressEvery) {
      sinceProgress = 0;
      onProgress?.({ bytesRead: decoded.bytesRead(), rows, errors: errors.length });
    }
  }
  const readToEnd = !stoppedEarly && indexOf !== undefined;
  if (!sawHeader) {
    report(reportIssue("REPORT_EMPTY", { row: 1 }, "a header row", "an empty file"));
  } else if (readToEnd && rows === 0) {
    report(reportIssue("REPORT_NO_ROWS", { row: 2 }, "at least one loan row", "none"));
  } else if (readToEnd && !tracked.end.endsWithLineBreak()) {
    report(
      reportIssue(
        "REPORT_TRUNCATED",
        { row: lastRow },
        "a line break after the last row",
        "the end of the file right after a value (the file may be cut short)",
      ),
    );
  }
  onProgress?.({ bytesRead: decoded.bytesRead(), rows, errors: errors.length });
  errors.sort((a, b) => a.row - b.row);

  const valid = errors.length === 0 && rows > 0 && readToEnd;
  if (!valid) return { valid, rows, errors, stoppedEarly };
  const aggregates: PeriodAggregates = {
    period,
    startDate,
    endDate,
    interestCollectedCents: totals.interest,
    scheduledPrincipalCents: totals.scheduled,
    prepaymentCents: totals.prepayment,
    recoveryCents: totals.recovery,
    newDefaultsCents: totals.defaults,
    delinquent30Cents: totals.delinquent30,
    delinquent60Cents: totals.delinquent60,
    delinquent90PlusCents: totals.delinquent90Plus,
    endingBalanceCents: totals.ending,
    loanCount: totals.outstanding,
    contentHash: hashed.digest(),
  };
  const base = { valid, rows, errors, stoppedEarly, aggregates, openingBalanceCents: totals.opening };
  if (leaves === undefined) return base;
  const tree = leaves.build();
  return { ...base, report: withRoot(aggregates, tree.root), tree };
}
