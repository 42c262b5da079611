/**
 * `validateTape`: one streaming pass over a loan tape (CSV or JSON Lines, UTF-8 or GBK) that reports every
 * problem with its row and column, summarises the valid loans and, given the originator's salt key,
 * commits the tape (Merkle root) in the same pass.
 *
 * An invalid tape yields no root and no commitment: nothing of it can be anchored or stored. Memory stays
 * bounded whatever the tape's size: the rows are not kept, only each loan id (to find duplicates), the
 * issues found, and, when committing, one 32-byte leaf per loan.
 */
import { randomBytes } from "node:crypto";
import { InvalidArgumentError } from "../errors";
import { checkSecretKey, fastKeccakReady } from "../hashing";
import { type LoanRecord, parseLoanRecord } from "../loan-record";
import { LoanTreeBuilder, saltedLoanLeaf, type LoanTree, type TapeCommitment } from "../tape-commitment";
import { TapeSummaryAccumulator, type SummaryInput } from "../tape-summary";
import { type ColumnMapping, type TapeEncoding, type TapeEncodingOption } from "./column-mapping";
import { decodeTape } from "./decode";
import { type CheckedRow, checkAndSaltRow, checkRow } from "./check-row";
import { planCsvHeader, planJsonKeys, type RowPlan } from "./header";
import { type CommittedLoan, LazyCommittedLoan } from "./committed-loan";
import { type CheckedSlice, RowWorkerPool, goodLoanAt } from "./row-workers";
import { csvRecordSlices } from "./csv-slices";
import { takeSlices } from "./take-slices";
import { MAX_RECORD_BYTES, csvRows, jsonKind, jsonLinesRows, parseCsvSlice, trackEnd, type RawRow } from "./read-rows";
import { tapeIssue, type TapeIssue, type TapeIssueCode } from "./tape-issue";
import { type TemplateColumnName, isPersonalDataColumn } from "./template";

/** Columns a JSON Lines row may give as JSON integers (counts, not amounts: exact either way). */
const WHOLE_NUMBER_COLUMNS: ReadonlySet<string> = new Set([
  "term_months",
  "remaining_term_months",
  "days_past_due",
  "credit_score",
  "rate_reset_months",
]);

export type TapeFormat = "csv" | "jsonl";

export interface TapeProgress {
  /** Bytes of the input read so far. */
  readonly bytesRead: number;
  /** Loan rows read so far. */
  readonly rows: number;
  /** Issues found so far. */
  readonly errors: number;
}

export interface ValidateTapeOptions {
  /** "csv", "jsonl", or "auto" (default): JSON Lines if the first character is "{". */
  readonly format?: TapeFormat | "auto";
  /** Default: the mapping's encoding, else "auto". */
  readonly encoding?: TapeEncodingOption;
  /** CSV delimiter. Default: the mapping's delimiter, else ",". */
  readonly delimiter?: string;
  /** How the tape's own headers map to the template's columns. */
  readonly mapping?: ColumnMapping;
  /** Stop reading once this many issues are found (the result says it stopped early). Default: no limit. */
  readonly maxErrors?: number;
  /**
   * Key of the pseudonymous borrower ids derived from personal-data columns (at least 32 bytes). Required
   * with `saltKey`; without either, a throwaway key is used (the ids then only serve the validation).
   */
  readonly borrowerKey?: Uint8Array;
  /** The originator's salt key: when given and the tape is valid, the result carries its commitment. */
  readonly saltKey?: Uint8Array;
  /** Called every `progressEveryRows` rows and once at the end. */
  readonly onProgress?: (progress: TapeProgress) => void;
  /** Default 1000. */
  readonly progressEveryRows?: number;
  /**
   * Called, with `saltKey`, for each committed loan while the tape is still valid so far, in leaf order;
   * awaited when it returns a promise (back-pressure for a store). Not called again once an issue is
   * found: a caller that stores loans as they come must discard them unless the result is `valid`.
   */
  readonly onLoan?: (loan: CommittedLoan) => void | Promise<void>;
  /**
   * Each committed loan also carries its pledge identity digest (`CommittedLoan.pledgeDigest`), for a pool that
   * registers pledges: the tape must then have a `national_id` column (read even when `borrower_id` is given).
   */
  readonly pledgeIdentities?: boolean;
  /**
   * Worker threads that check and hash CSV rows while this thread reads them (order kept; results are the
   * same). Default 0: every row on this thread. Worth it for large tapes: a worker takes ~0.1 s to start.
   */
  readonly workerThreads?: number;
  /**
   * With `workerThreads`: characters of CSV text per slice of whole records sent to a worker (default 64 KiB). The
   * first slices, up to the header, are read on this thread. Smaller slices spread a small tape over the workers.
   */
  readonly sliceChars?: number;
}

export interface TapeValidationSummary {
  readonly format: TapeFormat;
  /** The encoding the tape was read in (declared or detected). */
  readonly encoding: TapeEncoding;
  /** Whether the tape began with a UTF-8 byte order mark. */
  readonly bom: boolean;
  /** Loan rows read (the header and blank lines are not rows). */
  readonly rows: number;
  readonly validRows: number;
  readonly invalidRows: number;
  /** Number of issues found (reading stops at `maxErrors`, so at most that many). */
  readonly errorCount: number;
  readonly errorsByCode: Readonly<Partial<Record<TapeIssueCode, number>>>;
  /** Whether reading stopped at `maxErrors` before the end of the tape. */
  readonly stoppedEarly: boolean;
  /** Over the valid rows: sum of current principal, in cents. */
  readonly totalPrincipalCents: bigint;
  /** Over the valid rows: current-principal-weighted average rate (wad), rounded down. */
  readonly waRateWad: bigint;
  /** Over the valid rows: current-principal-weighted average remaining term (months, wad), rounded down. */
  readonly waRemainingTermMonthsWad: bigint;
}

export interface TapeValidationResult {
  /** True only if the tape has at least one loan row and no issue at all. */
  readonly valid: boolean;
  /** Loan rows read. */
  readonly rows: number;
  /** Every issue found, by row. */
  readonly errors: readonly TapeIssue[];
  readonly summary: TapeValidationSummary;
  /** The Merkle root to anchor: only for a valid tape validated with a `saltKey`. */
  readonly root?: string;
  /** The full commitment (tree, summary): only for a valid tape validated with a `saltKey`. */
  readonly commitment?: TapeCommitment;
}

export type { CommittedLoan } from "./committed-loan";

/** A good row ready to commit: from this thread's check (the record) or a worker's (the record's JSON as UTF-8). */
type GoodRow = {
  readonly loanId: string;
  readonly summary: SummaryInput;
  /** 0x hex, as text (checked here) or as its ASCII bytes (checked on a worker). */
  readonly salt?: string | Uint8Array;
  readonly leaf?: Uint8Array;
  readonly pledgeDigest?: string;
} & (
  | { readonly record: LoanRecord; readonly recordJsonUtf8?: undefined }
  | { readonly record?: undefined; readonly recordJsonUtf8: Uint8Array }
);

const DEFAULT_PROGRESS_EVERY_ROWS = 1000;
/** Characters of CSV per slice sent to a row worker, and slices out per worker before the reader waits for the oldest. */
const SLICE_CHARS = 64 * 1024;
const SLICES_IN_FLIGHT_PER_WORKER = 4;

function checkOptions(options: ValidateTapeOptions): void {
  const { maxErrors, saltKey, borrowerKey, progressEveryRows, workerThreads, sliceChars } = options;
  if (maxErrors !== undefined && (!Number.isSafeInteger(maxErrors) || maxErrors < 1)) {
    throw new InvalidArgumentError("maxErrors", "a whole number of errors, 1 or more", String(maxErrors));
  }
  if (progressEveryRows !== undefined && (!Number.isSafeInteger(progressEveryRows) || progressEveryRows < 1)) {
    throw new InvalidArgumentError("progressEveryRows", "a whole number of rows, 1 or more", String(progressEveryRows));
  }
  if (
    workerThreads !== undefined &&
    (!Number.isSafeInteger(workerThreads) || workerThreads < 0 || workerThreads > 64)
  ) {
    throw new InvalidArgumentError("workerThreads", "a whole number of threads from 0 to 64", String(workerThreads));
  }
  if (sliceChars !== undefined && (!Number.isSafeInteger(sliceChars) || sliceChars < 1)) {
    throw new InvalidArgumentError("sliceChars", "a whole number of characters, 1 or more", String(sliceChars));
  }
  if (saltKey !== undefined) {
    checkSecretKey("saltKey", saltKey);
    if (borrowerKey === undefined) {
      throw new InvalidArgumentError(
        "borrowerKey",
        "a borrower key whenever a salt key is given (committed borrower ids must be stable)",
        "none",
      );
    }
  }
  if (borrowerKey !== undefined) checkSecretKey("borrowerKey", borrowerKey);
}

/** Reads the first characters to tell JSON Lines ("{") from CSV, then yields the text unchanged. */
async function sniffFormat(
  chunks: AsyncGenerator<string>,
): Promise<{ readonly format: TapeFormat; readonly chunks: AsyncGenerator<string> }> {
  const seen: string[] = [];
  let format: TapeFormat = "csv";
  for (;;) {
    const next = await chunks.next();
    if (next.done === true) break;
    seen.push(next.value);
    const text = next.value.replace(/^[\s\uFEFF]+/, "");
    if (text !== "") {
      format = text.startsWith("{") ? "jsonl" : "csv";
      break;
    }
  }
  async function* replay(): AsyncGenerator<string> {
    yield* seen;
    yield* chunks;
  }
  return { format, chunks: replay() };
}

/** Turns JSON values into cells; wrong JSON types become issues. */
function jsonCells(
  row: number,
  plan: RowPlan,
  value: Readonly<Record<string, unknown>>,
): { readonly cells: string[]; readonly issues: TapeIssue[]; readonly failed: Set<TemplateColumnName> } {
  const cells: string[] = [];
  const issues: TapeIssue[] = [];
  const failed = new Set<TemplateColumnName>();
  const values = Object.values(value);
  for (const cell of plan.cells) {
    const json = values[cell.index];
    const where = { row, columnName: cell.sourceName, field: cell.column };
    if (typeof json === "string") {
      cells[cell.index] = json;
    } else if (json === null || json === undefined) {
      cells[cell.index] = "";
    } else if (
      typeof json === "number" &&
      Number.isSafeInteger(json) &&
      json >= 0 &&
      WHOLE_NUMBER_COLUMNS.has(cell.column)
    ) {
      cells[cell.index] = String(json);
    } else {
      cells[cell.index] = "";
      failed.add(cell.column);
      const exact = typeof json === "number" ? " (JSON numbers are not exact: write amounts and rates as strings)" : "";
      issues.push(
        tapeIssue(
          "TAPE_VALUE_INVALID",
          where,
          `a string${exact}`,
          isPersonalDataColumn(cell.column) || typeof json !== "number" ? jsonKind(json) : `the JSON number ${json}`,
        ),
      );
    }
  }
  return { cells, issues, failed };
}

/**
 * Validates a loan tape in one streaming pass; see the module comment. Throws only on bad options or an
 * unreadable input (the stream's own error); a bad tape is a result with `valid: false`, never a throw.
 */
export async function validateTape(
  input: AsyncIterable<Uint8Array | string>,
  options: ValidateTapeOptions = {},
): Promise<TapeValidationResult> {
  checkOptions(options);
  await fastKeccakReady; // every leaf with the fast hasher
  const { mapping, maxErrors, onProgress } = options;
  const progressEvery = options.progressEveryRows ?? DEFAULT_PROGRESS_EVERY_ROWS;
  const borrowerKey = options.borrowerKey ?? randomBytes(32);
  const delimiter = options.delimiter ?? mapping?.delimiter ?? ",";
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new InvalidArgumentError(
      "delimiter",
      "a single character other than a quote or a line break",
      JSON.stringify(delimiter),
    );
  }
  const decoded = decodeTape(input, options.encoding ?? mapping?.encoding ?? "auto");
  const tracked = trackEnd(decoded.chunks);
  const sniffed =
    options.format === "csv" || options.format === "jsonl"
      ? { format: options.format, chunks: tracked.chunks }
      : await sniffFormat(tracked.chunks);
  const { format } = sniffed;

  const errors: TapeIssue[] = [];
  const summary = new TapeSummaryAccumulator();
  /** A plan with the pledge identity asked for: its `national_id` column, or the issue of its absence. */
  const withPledgeIdentity = (
    planned: { readonly plan: RowPlan; readonly issues: TapeIssue[] },
    row: number,
  ): { readonly plan: RowPlan; readonly issues: TapeIssue[] } => {
    if (options.pledgeIdentities !== true) return planned;
    const nationalId = planned.plan.cells.find((cell) => cell.column === "national_id");
    if (nationalId !== undefined)
      return { plan: { ...planned.plan, pledgeIdentity: nationalId }, issues: planned.issues };
    const missing = tapeIssue(
      "TAPE_COLUMN_MISSING",
      { row, field: "national_id" },
      "a national_id column: the pool registers pledges, and the borrower's national id (with the origination date and original principal) identifies a loan across originators",
      "no such column",
    );
    return { plan: planned.plan, issues: [...planned.issues, missing] };
  };
  const { saltKey } = options;
  /** The leaves committed so far: undefined without a salt key, and from the first issue on (never anchored). */
  let leaves = saltKey === undefined ? undefined : new LoanTreeBuilder();
  const rowOfLoanId = new Map<string, number>();
  let rows = 0;
  let invalidRows = 0;
  let csvPlan: RowPlan | undefined;
  let csvWidth = 0;
  let sawHeader = false;
  /** The last record with too few cells, if it was the last record read: the file may be cut short. */
  let shortLastRecord: { readonly errorIndex: number; readonly row: number } | undefined;
  const jsonPlans = new Map<string, { readonly plan: RowPlan; readonly issues: TapeIssue[] }>();
  /** The loan `accept` just committed, handed to `onLoan` by the reading loop (which may await). */
  let pendingLoan: CommittedLoan | undefined;

  const report = (issue: TapeIssue): boolean => {
    errors.push(issue);
    leaves = undefined; // An invalid tape is never committed: stop hashing.
    return maxErrors !== undefined && errors.length >= maxErrors;
  };
  const reportAll = (issues: readonly TapeIssue[]): boolean => {
    for (const issue of issues) if (report(issue)) return true;
    return false;
  };

  const accept = (good: GoodRow, row: number): TapeIssue | undefined => {
    const { loanId } = good;
    const firstRow = rowOfLoanId.get(loanId);
    if (firstRow !== undefined) {
      const loanIdColumn = csvPlan?.cells.find((cell) => cell.column === "loan_id");
      return tapeIssue(
        "TAPE_DUPLICATE_LOAN_ID",
        {
          row,
          column: loanIdColumn?.sourceColumn,
          columnName: loanIdColumn?.sourceName ?? "loan_id",
          field: "loan_id",
        },
        "each loan id once per tape",
        `"${loanId}" again (first at row ${firstRow})`,
      );
    }
    rowOfLoanId.set(loanId, row);
    summary.add(good.summary);
    if (leaves !== undefined && saltKey !== undefined) {
      // Salted already (by `checkAndSaltRow`, here or on a worker) unless the row was checked without the key.
      const { salt, leaf } =
        good.salt !== undefined && good.leaf !== undefined
          ? { salt: good.salt, leaf: good.leaf }
          : saltedLoanLeaf(
              saltKey,
              good.record ?? parseLoanRecord(JSON.parse(Buffer.from(good.recordJsonUtf8).toString("utf8"))),
            );
      const leafIndex = leaves.push(leaf);
      if (options.onLoan !== undefined) {
        const form = good.record === undefined ? { recordJsonUtf8: good.recordJsonUtf8 } : { record: good.record };
        pendingLoan = new LazyCommittedLoan(loanId, form, salt, leaf, leafIndex, good.pledgeDigest);
      }
    }
    return undefined;
  };

  /** Counts a loan row (not the header), read in order. */
  const countRow = (): void => {
    rows += 1;
    shortLastRecord = undefined;
  };
  /** Reports a CSV record whose width is not the header's; true to stop reading. */
  const reportWidth = (row: number, width: number): boolean => {
    invalidRows += 1;
    if (width < csvWidth) shortLastRecord = { errorIndex: errors.length, row };
    return report(
      tapeIssue(
        "TAPE_ROW_FIELD_COUNT",
        { row },
        `${csvWidth} cells, one per header column`,
        `${width} cells (${width < csvWidth ? "missing" : "extra"} values, or a delimiter inside an unquoted cell)`,
      ),
    );
  };

  /** Handles one row read on this thread, in order; true to stop reading. */
  const handle = (raw: RawRow): boolean => {
    if (raw.kind === "issue") {
      shortLastRecord = undefined;
      return report(raw.issue);
    }
    if (raw.kind === "cells" && !sawHeader) {
      sawHeader = true;
      const header = withPledgeIdentity(planCsvHeader(raw.cells, mapping, raw.row), raw.row);
      csvPlan = header.plan;
      csvWidth = raw.cells.length;
      return reportAll(header.issues);
    }
    countRow();
    let outcome: CheckedRow;
    if (raw.kind === "cells") {
      const plan = csvPlan;
      if (plan === undefined) return false;
      if (raw.cells.length !== csvWidth) return reportWidth(raw.row, raw.cells.length);
      outcome = checkAndSaltRow(
        raw.row,
        plan,
        raw.cells,
        decoded.encoding(),
        borrowerKey,
        leaves === undefined ? undefined : saltKey,
      );
    } else {
      sawHeader = true;
      const keys = Object.keys(raw.value);
      const signature = keys.join("\u0000");
      let planned = jsonPlans.get(signature);
      if (planned === undefined) {
        planned = withPledgeIdentity(planJsonKeys(keys, mapping, 0), 0);
        if (jsonPlans.size < 64) jsonPlans.set(signature, planned);
      }
      const keyIssues = planned.issues.map((issue) =>
        tapeIssue(
          issue.code,
          { row: raw.row, columnName: issue.columnName, field: issue.field },
          issue.expected,
          issue.found,
        ),
      );
      const converted = jsonCells(raw.row, planned.plan, raw.value);
      const checked = checkRow(raw.row, planned.plan, converted.cells, decoded.encoding, borrowerKey, converted.failed);
      outcome = {
        record: checked.record,
        issues: [...keyIssues, ...converted.issues, ...checked.issues],
        ...(checked.pledgeDigest === undefined ? {} : { pledgeDigest: checked.pledgeDigest }),
      };
      if (keyIssues.length > 0) outcome = { record: undefined, issues: outcome.issues };
    }
    const { record, salt, leaf, pledgeDigest } = outcome;
    if (record !== undefined && outcome.issues.length === 0) {
      return acceptOrReport(
        {
          loanId: record.loanId,
          record,
          summary: record,
          ...(salt === undefined ? {} : { salt }),
          ...(leaf === undefined ? {} : { leaf }),
          ...(pledgeDigest === undefined ? {} : { pledgeDigest }),
        },
        raw.row,
      );
    }
    invalidRows += 1;
    return reportAll(outcome.issues);
  };
  /** Accepts a good row, or reports it as a duplicate; true to stop reading. */
  const acceptOrReport = (good: GoodRow, row: number): boolean => {
    const duplicate = accept(good, row);
    if (duplicate === undefined) return false;
    invalidRows += 1;
    return report(duplicate);
  };

  let sinceProgress = 0;
  /** After a row (not an issue): hands `onLoan` the loan just committed, if any, and reports progress. */
  const afterRow = async (): Promise<void> => {
    if (pendingLoan !== undefined) {
      const loan = pendingLoan;
      pendingLoan = undefined;
      const stored = options.onLoan?.(loan);
      if (stored !== undefined) await stored;
    }
    if (++sinceProgress >= progressEvery) {
      sinceProgress = 0;
      onProgress?.({ bytesRead: decoded.bytesRead(), rows, errors: errors.length });
    }
  };
  /** Handles `raw`, then `afterRow`; true to stop reading. */
  const take = async (raw: RawRow): Promise<boolean> => {
    if (handle(raw)) return true;
    if (raw.kind !== "issue") await afterRow();
    return false;
  };
  /** Reads every row of `text` (from line `firstLine`) on this thread; true to stop reading. */
  const takeAll = async (text: AsyncIterable<string>, firstLine: number): Promise<boolean> => {
    const rowsOfText = format === "csv" ? csvRows(text, delimiter, firstLine) : jsonLinesRows(text, tracked.end);
    for await (const raw of rowsOfText) if (await take(raw)) return true;
    return false;
  };
  /** Takes the records of a slice a row worker checked, in order; true to stop reading. */
  const takeChecked = async (slice: CheckedSlice): Promise<boolean> => {
    let bad = 0;
    let good = 0;
    for (let index = 0; index < slice.rows.length; index++) {
      const row = slice.rows[index] ?? 0;
      const width = slice.widths[index] ?? 0;
      countRow();
      let stop: boolean;
      if (width !== csvWidth) {
        stop = reportWidth(row, width);
      } else if (slice.bad[bad]?.index === index) {
        invalidRows += 1;
        stop = reportAll(slice.bad[bad]?.issues ?? []);
        bad += 1;
      } else {
        const loan = goodLoanAt(slice, good);
        good += 1;
        stop = acceptOrReport(loan, row);
      }
      if (stop) return true;
      await afterRow();
    }
    return false;
  };

  const workerCount = format === "csv" ? (options.workerThreads ?? 0) : 0;
  const stoppedEarly =
    workerCount === 0
      ? await takeAll(sniffed.chunks, 1)
      : await takeSlices(csvRecordSlices(sniffed.chunks, options.sliceChars ?? SLICE_CHARS, MAX_RECORD_BYTES), {
          ready: () => csvPlan !== undefined,
          takeHere: async (slice) => {
            const parsed = parseCsvSlice(slice.text, delimiter, slice.firstLine);
            if (parsed.malformed) return "malformed";
            for (const { row, cells } of parsed.records) if (await take({ kind: "cells", row, cells })) return "stop";
            return "taken";
          },
          startWorkers: () => {
            if (csvPlan === undefined) throw new Error("row workers start once the header is read");
            return new RowWorkerPool(workerCount, {
              plan: csvPlan,
              width: csvWidth,
              delimiter,
              borrowerKey,
              saltKey: leaves === undefined ? undefined : saltKey,
            });
          },
          encoding: () => decoded.encoding(),
          inFlight: SLICES_IN_FLIGHT_PER_WORKER * workerCount,
          takeChecked,
          takeAll,
        });
  if (!stoppedEarly && shortLastRecord !== undefined && !tracked.end.endsWithLineBreak()) {
    const { errorIndex, row } = shortLastRecord;
    const found = errors[errorIndex]?.found ?? "fewer cells than the header";
    errors[errorIndex] = tapeIssue(
      "TAPE_TRUNCATED",
      { row },
      `${csvWidth} cells and a line break at the end of the last record`,
      `the end of the file after ${found}`,
    );
  }
  if (!stoppedEarly && !sawHeader) {
    report(
      tapeIssue(
        "TAPE_EMPTY",
        { row: 1 },
        format === "csv" ? "a header row" : "a JSON object per line",
        "an empty file",
      ),
    );
  } else if (!stoppedEarly && rows === 0) {
    report(tapeIssue("TAPE_NO_ROWS", { row: 2 }, "at least one loan row", "none"));
  }
  const mixed = decoded.mixedAt();
  if (mixed !== undefined) {
    report(
      tapeIssue(
        "TAPE_ENCODING_MIXED",
        { row: mixed.line },
        "one encoding for the whole file (GBK, as its first non-ASCII bytes are; save the file in one encoding)",
        `UTF-8 text from byte offset ${mixed.byteOffset}`,
      ),
    );
  }
  onProgress?.({ bytesRead: decoded.bytesRead(), rows, errors: errors.length });

  errors.sort((a, b) => a.row - b.row);
  const errorsByCode: Partial<Record<TapeIssueCode, number>> = {};
  for (const issue of errors) errorsByCode[issue.code] = (errorsByCode[issue.code] ?? 0) + 1;
  const totals = summary.result();
  const valid = errors.length === 0 && rows > 0 && !stoppedEarly;
  const commitment = valid && leaves !== undefined ? { ...leafTree(leaves), summary: totals } : undefined;
  return {
    valid,
    rows,
    errors,
    summary: {
      format,
      encoding: decoded.encoding() ?? "utf8",
      bom: decoded.hadBom(),
      rows,
      validRows: rows - invalidRows,
      invalidRows,
      errorCount: errors.length,
      errorsByCode,
      stoppedEarly,
      totalPrincipalCents: totals.totalPrincipalCents,
      waRateWad: totals.waRateWad,
      waRemainingTermMonthsWad: totals.waRemainingTermMonthsWad,
    },
    ...(commitment === undefined ? {} : { root: commitment.root, commitment }),
  };
}

/** The tree of the committed leaves, and its root. */
function leafTree(leaves: LoanTreeBuilder): { readonly root: string; readonly tree: LoanTree } {
  const tree = leaves.build();
  return { root: tree.root, tree };
}
