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
import { checkSecretKey } from "../hashing";
import { type LoanRecord, type LoanRecordField, loanRecordShape, safeParseLoanRecord } from "../loan-record";
import { formatCents } from "../money";
import { TapeCommitmentBuilder, type TapeCommitment } from "../tape-commitment";
import { TapeSummaryAccumulator } from "../tape-summary";
import { type ColumnMapping, type TapeEncoding, type TapeEncodingOption } from "./column-mapping";
import { REPLACEMENT_CHARACTER, decodeTape } from "./decode";
import { planCsvHeader, planJsonKeys, type RowPlan } from "./header";
import { pseudonymousBorrowerId, personalValueProblem } from "./pseudonymise";
import { csvRows, jsonKind, jsonLinesRows, trackEnd, type RawRow } from "./read-rows";
import { tapeIssue, type TapeIssue, type TapeIssueCode } from "./tape-issue";
import {
  FIELD_OF_COLUMN,
  READ_CELL,
  type TapeColumn,
  type TemplateColumnName,
  columnOfField,
  describeCell,
  isPersonalDataColumn,
} from "./template";

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
}

/** A loan as committed: the pseudonymised record, its leaf and its position among the leaves. */
export interface CommittedLoan {
  readonly record: LoanRecord;
  readonly leaf: string;
  readonly leafIndex: number;
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

const DEFAULT_PROGRESS_EVERY_ROWS = 1000;

/** Columns whose values are never echoed: a wrong value there may be personal data put in the wrong column. */
const NEVER_ECHOED: ReadonlySet<TapeColumn> = new Set(["borrower_id"]);

const CENTS_FIELDS: ReadonlySet<string> = new Set([
  "originalPrincipalCents",
  "currentPrincipalCents",
  "collateralValueCents",
]);

/** A cross-field issue in the template's words: column names, amounts in yuan. */
function inTemplateTerms(text: string): string {
  return text.replace(/\b([a-z][A-Za-z]+)\b(?: \((\d+)\))?/g, (match, name: string, value: string | undefined) => {
    const column = columnOfField(name);
    if (column === undefined) return match;
    if (value === undefined) return column;
    return `${column} (${CENTS_FIELDS.has(name) ? formatCents(BigInt(value)) : value})`;
  });
}

function checkOptions(options: ValidateTapeOptions): void {
  const { maxErrors, saltKey, borrowerKey, progressEveryRows } = options;
  if (maxErrors !== undefined && (!Number.isSafeInteger(maxErrors) || maxErrors < 1)) {
    throw new InvalidArgumentError("maxErrors", "a whole number of errors, 1 or more", String(maxErrors));
  }
  if (progressEveryRows !== undefined && (!Number.isSafeInteger(progressEveryRows) || progressEveryRows < 1)) {
    throw new InvalidArgumentError("progressEveryRows", "a whole number of rows, 1 or more", String(progressEveryRows));
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
      (cell.column === "term_months" || cell.column === "remaining_term_months" || cell.column === "days_past_due")
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

/** Issues and the checked record (if any) of one row. */
interface RowOutcome {
  readonly record: LoanRecord | undefined;
  readonly issues: TapeIssue[];
}

/**
 * Checks one row: each cell read per the template, personal data replaced by the keyed borrower id (and
 * dropped), then the loan record's own checks. Every problem of the row is reported, not just the first.
 */
function checkRow(
  row: number,
  plan: RowPlan,
  cells: readonly string[],
  encoding: () => TapeEncoding | undefined,
  borrowerKey: Uint8Array,
  alreadyFailed: ReadonlySet<TemplateColumnName> = new Set(),
): RowOutcome {
  const issues: TapeIssue[] = [];
  const failed = new Set<TemplateColumnName>(alreadyFailed);
  const input: Record<string, unknown> = {};
  const where = new Map<string, { readonly column: number | undefined; readonly columnName: string }>();
  for (const planned of plan.cells) {
    const cell = cells[planned.index] ?? "";
    const at = { row, column: planned.sourceColumn, columnName: planned.sourceName, field: planned.column };
    where.set(planned.column, { column: planned.sourceColumn, columnName: planned.sourceName });
    if (failed.has(planned.column)) continue;
    if (isPersonalDataColumn(planned.column)) {
      // Only the identity column is read; the others are dropped unread. Values are never echoed.
      if (planned.column !== plan.identity) continue;
      if (cell.includes(REPLACEMENT_CHARACTER)) {
        failed.add(planned.column);
        issues.push(encodingIssue(at, encoding()));
        continue;
      }
      const problem = personalValueProblem(planned.column, cell);
      if (problem !== undefined) {
        failed.add(planned.column);
        issues.push(tapeIssue("TAPE_VALUE_INVALID", at, `a ${planned.column.replace("_", " ")} (not shown)`, problem));
        continue;
      }
      input.borrowerId = pseudonymousBorrowerId(borrowerKey, planned.column, cell);
      continue;
    }
    if (cell.includes(REPLACEMENT_CHARACTER)) {
      failed.add(planned.column);
      issues.push(encodingIssue(at, encoding()));
      continue;
    }
    const read = READ_CELL[planned.column](cell);
    if (!read.ok) {
      failed.add(planned.column);
      issues.push(tapeIssue("TAPE_VALUE_INVALID", at, read.expected, read.found));
      continue;
    }
    if (read.value !== undefined) input[FIELD_OF_COLUMN[planned.column]] = read.value;
  }
  // Cells that failed above still go to the record check (as text) so that it fails on shape and skips
  // the cross-field rules, but their issues are not reported twice.
  for (const column of failed) {
    if (!isPersonalDataColumn(column)) input[fieldOf(column)] = "\u0000";
  }
  if (plan.identity !== undefined && failed.has(plan.identity)) input.borrowerId = "\u0000";

  const parsed = safeParseLoanRecord(input);
  if (parsed.success) return { record: parsed.record, issues };
  const crossField = loanRecordShape.safeParse(input).success;
  for (const issue of parsed.error.issues) {
    const column = columnOfField(issue.field);
    if (column !== undefined && (failed.has(column) || plan.missing.has(column))) continue;
    if (column === "borrower_id" && plan.identity !== undefined) {
      if (failed.has(plan.identity)) continue;
    }
    const place =
      column === undefined
        ? { row }
        : {
            row,
            ...(where.get(column) ?? where.get(plan.identity ?? "") ?? { column: undefined, columnName: undefined }),
            field: column,
          };
    if (crossField) {
      const found =
        CENTS_FIELDS.has(issue.field) && /^\d+$/.test(issue.found) ? formatCents(BigInt(issue.found)) : issue.found;
      issues.push(tapeIssue("TAPE_RULE_VIOLATED", place, inTemplateTerms(issue.expected), inTemplateTerms(found)));
      continue;
    }
    const cell = column === undefined ? undefined : cellOf(column, plan, cells);
    const found =
      cell === undefined
        ? issue.found
        : column !== undefined && NEVER_ECHOED.has(column)
          ? cell === ""
            ? "an empty cell"
            : `a value of ${cell.length} characters (not shown)`
          : describeCell(cell);
    issues.push(tapeIssue("TAPE_VALUE_INVALID", place, inTemplateTerms(issue.expected), found));
  }
  return { record: undefined, issues };
}

function fieldOf(column: TapeColumn): LoanRecordField {
  return FIELD_OF_COLUMN[column];
}

function cellOf(column: TapeColumn, plan: RowPlan, cells: readonly string[]): string | undefined {
  const planned = plan.cells.find((cell) => cell.column === column);
  return planned === undefined ? undefined : (cells[planned.index] ?? "");
}

function encodingIssue(
  at: {
    readonly row: number;
    readonly column: number | undefined;
    readonly columnName: string;
    readonly field: string;
  },
  encoding: TapeEncoding | undefined,
): TapeIssue {
  const name = encoding === "gbk" ? "GBK" : "UTF-8";
  return tapeIssue(
    "TAPE_ENCODING_INVALID",
    at,
    `text in the tape's encoding (${name}; declare the right one with the encoding option)`,
    `bytes that are not valid ${name}`,
  );
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
  const source = format === "csv" ? csvRows(sniffed.chunks, delimiter) : jsonLinesRows(sniffed.chunks, tracked.end);

  const errors: TapeIssue[] = [];
  const summary = new TapeSummaryAccumulator();
  let builder = options.saltKey === undefined ? undefined : new TapeCommitmentBuilder({ saltKey: options.saltKey });
  const rowOfLoanId = new Map<string, number>();
  let rows = 0;
  let invalidRows = 0;
  let stoppedEarly = false;
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
    builder = undefined; // An invalid tape is never committed: stop hashing.
    return maxErrors !== undefined && errors.length >= maxErrors;
  };
  const reportAll = (issues: readonly TapeIssue[]): boolean => {
    for (const issue of issues) if (report(issue)) return true;
    return false;
  };

  const accept = (record: LoanRecord, row: number): TapeIssue | undefined => {
    const firstRow = rowOfLoanId.get(record.loanId);
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
        `"${record.loanId}" again (first at row ${firstRow})`,
      );
    }
    rowOfLoanId.set(record.loanId, row);
    summary.add(record);
    if (builder !== undefined) {
      const leafIndex = builder.loanCount;
      const leaf = builder.add(record, row);
      if (options.onLoan !== undefined) pendingLoan = { record, leaf, leafIndex };
    }
    return undefined;
  };

  const handle = (raw: RawRow): boolean => {
    if (raw.kind === "issue") {
      shortLastRecord = undefined;
      return report(raw.issue);
    }
    if (raw.kind === "cells" && !sawHeader) {
      sawHeader = true;
      const header = planCsvHeader(raw.cells, mapping, raw.row);
      csvPlan = header.plan;
      csvWidth = raw.cells.length;
      return reportAll(header.issues);
    }
    rows += 1;
    shortLastRecord = undefined;
    let outcome: RowOutcome;
    if (raw.kind === "cells") {
      const plan = csvPlan;
      if (plan === undefined) return false;
      if (raw.cells.length !== csvWidth) {
        invalidRows += 1;
        if (raw.cells.length < csvWidth) shortLastRecord = { errorIndex: errors.length, row: raw.row };
        return report(
          tapeIssue(
            "TAPE_ROW_FIELD_COUNT",
            { row: raw.row },
            `${csvWidth} cells, one per header column`,
            `${raw.cells.length} cells (${raw.cells.length < csvWidth ? "missing" : "extra"} values, or a delimiter inside an unquoted cell)`,
          ),
        );
      }
      outcome = checkRow(raw.row, plan, raw.cells, decoded.encoding, borrowerKey);
    } else {
      sawHeader = true;
      const keys = Object.keys(raw.value);
      const signature = keys.join("\u0000");
      let planned = jsonPlans.get(signature);
      if (planned === undefined) {
        planned = planJsonKeys(keys, mapping, 0);
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
      outcome = { record: checked.record, issues: [...keyIssues, ...converted.issues, ...checked.issues] };
      if (keyIssues.length > 0) outcome = { record: undefined, issues: outcome.issues };
    }
    if (outcome.record !== undefined && outcome.issues.length === 0) {
      const duplicate = accept(outcome.record, raw.row);
      if (duplicate === undefined) return false;
      invalidRows += 1;
      return report(duplicate);
    }
    invalidRows += 1;
    return reportAll(outcome.issues);
  };

  let sinceProgress = 0;
  for await (const raw of source) {
    if (handle(raw)) {
      stoppedEarly = true;
      break;
    }
    if (pendingLoan !== undefined) {
      const loan = pendingLoan;
      pendingLoan = undefined;
      const stored = options.onLoan?.(loan);
      if (stored !== undefined) await stored;
    }
    if (raw.kind !== "issue" && ++sinceProgress >= progressEvery) {
      sinceProgress = 0;
      onProgress?.({ bytesRead: decoded.bytesRead(), rows, errors: errors.length });
    }
  }
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
  const commitment = valid && builder !== undefined ? builder.finish() : undefined;
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
