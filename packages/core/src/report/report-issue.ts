/**
 * What is wrong with a period performance file, one problem at a time.
 *
 * Like a tape, a bad performance file is an expected outcome: `buildPeriodReport` returns every issue it
 * finds (with its stable `code`, row and column, what was expected and what was found) and no report.
 */

/** Stable codes of performance-file issues. */
export const REPORT_ISSUE_CODES = [
  /** The file has no header row. */
  "REPORT_EMPTY",
  /** The file has a header but no loan rows. */
  "REPORT_NO_ROWS",
  /** A column of the performance format is not in the header (the rows are then not read). */
  "REPORT_COLUMN_MISSING",
  /** A header names a column the performance format does not have. */
  "REPORT_COLUMN_UNKNOWN",
  /** Two headers name the same column. */
  "REPORT_COLUMN_DUPLICATE",
  /** A row has more or fewer cells than the header. */
  "REPORT_ROW_FIELD_COUNT",
  /** A row cannot be read as CSV (a stray or unclosed quote). */
  "REPORT_ROW_MALFORMED",
  /** The file ends without a line break after its last row: it may be cut short. */
  "REPORT_TRUNCATED",
  /** A cell holds bytes that are not valid in the file's encoding. */
  "REPORT_ENCODING_INVALID",
  /** A cell's value has the wrong type, format or range. */
  "REPORT_VALUE_INVALID",
  /** A row is for another period than the one being reported (a file mixing periods). */
  "REPORT_PERIOD_MISMATCH",
  /** A row's period end date is not the report's end date. */
  "REPORT_DATE_MISMATCH",
  /** closing principal != opening - paid - prepayment - default. */
  "REPORT_BALANCE_MISMATCH",
  /** The status does not fit the row's amounts or days past due (e.g. "current" with 30 days past due). */
  "REPORT_STATUS_INCONSISTENT",
  /** A loan id appears a second time. */
  "REPORT_DUPLICATE_LOAN_ID",
  /** A loan id that is not in the tape's loan-id set. */
  "REPORT_LOAN_UNKNOWN",
] as const;

export type ReportIssueCode = (typeof REPORT_ISSUE_CODES)[number];

/** One problem in a performance file. */
export interface ReportIssue {
  readonly code: ReportIssueCode;
  /** 1-based line of the file where the record starts (the header is row 1). */
  readonly row: number;
  /** 1-based column in the file; `undefined` for row-level issues. */
  readonly column: number | undefined;
  /** The column's header (e.g. `closing_principal_yuan`), when the issue is about one. */
  readonly columnName: string | undefined;
  readonly expected: string;
  readonly found: string;
  /** One line: where, what was expected, what was found. */
  readonly message: string;
}

/** Builds an issue and its message. */
export function reportIssue(
  code: ReportIssueCode,
  where: { readonly row: number; readonly column?: number | undefined; readonly columnName?: string | undefined },
  expected: string,
  found: string,
): ReportIssue {
  const place = [
    `row ${where.row}`,
    where.column === undefined ? undefined : `column ${where.column}`,
    where.columnName === undefined ? undefined : `"${where.columnName}"`,
  ]
    .filter((part) => part !== undefined)
    .join(" ");
  return {
    code,
    row: where.row,
    column: where.column,
    columnName: where.columnName,
    expected,
    found,
    message: `${code} at ${place}: expected ${expected}, found ${found}`,
  };
}
