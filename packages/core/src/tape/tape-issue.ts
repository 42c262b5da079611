/**
 * What is wrong with a loan tape, one problem at a time.
 *
 * A bad tape is an expected outcome, not an exception: `validateTape` returns its issues instead of
 * throwing, so that every problem of a 1,000,000-row tape can be reported in one pass. Each issue has a
 * stable `code` (callers and tests switch on it), the row and column it is at, and what was expected and
 * what was found. `found` never carries personal data: values of personal-data columns (name, national id,
 * phone) are described by their shape only ("a value of 18 characters"), never quoted.
 */

/** Stable codes of tape issues. */
export const TAPE_ISSUE_CODES = [
  /** The file has no header row (it is empty or blank). */
  "TAPE_EMPTY",
  /** The file has a header but no loan rows. */
  "TAPE_NO_ROWS",
  /** A template column the tape must have is not in the header (reported once, on row 1). */
  "TAPE_COLUMN_MISSING",
  /** A header names a column that is neither in the template nor in the column mapping (reported once). */
  "TAPE_COLUMN_UNKNOWN",
  /** Two headers name (or are mapped to) the same template column (reported once). */
  "TAPE_COLUMN_DUPLICATE",
  /** A JSON Lines row lacks a required field, or has a field the template does not know. */
  "TAPE_FIELD_MISSING",
  "TAPE_FIELD_UNKNOWN",
  /** A JSON Lines row names the same key twice (JSON.parse would keep the last value silently). */
  "TAPE_FIELD_DUPLICATE",
  /** A row has more or fewer cells than the header. */
  "TAPE_ROW_FIELD_COUNT",
  /** A row cannot be read: a stray or unclosed quote, or a JSON Lines line that is not a JSON object. */
  "TAPE_ROW_MALFORMED",
  /** The file ends in the middle of a record: an unclosed quote, or a last line cut short. */
  "TAPE_TRUNCATED",
  /** A cell holds bytes that are not valid in the file's encoding (e.g. GBK read as UTF-8). */
  "TAPE_ENCODING_INVALID",
  /** A file read as GBK holds UTF-8 text (reported once, where it starts): it would commit garbled labels. */
  "TAPE_ENCODING_MIXED",
  /** A cell's value has the wrong type, format or range (amount, rate, date, enum, label, id). */
  "TAPE_VALUE_INVALID",
  /** The cells are each valid but break a rule between fields (current <= original principal, ...). */
  "TAPE_RULE_VIOLATED",
  /** A loan id appears a second time. */
  "TAPE_DUPLICATE_LOAN_ID",
] as const;

export type TapeIssueCode = (typeof TAPE_ISSUE_CODES)[number];

/** One problem in a tape. */
export interface TapeIssue {
  readonly code: TapeIssueCode;
  /**
   * 1-based line of the file where the record starts (the CSV header is row 1, so the first loan is
   * usually row 2). For a record whose quoted field spans lines, its first line.
   */
  readonly row: number;
  /** 1-based column in the source file (CSV only); `undefined` for row-level or JSON Lines issues. */
  readonly column: number | undefined;
  /** The column's header as written in the source file (or the JSON key), when the issue is about one. */
  readonly columnName: string | undefined;
  /** The template column (e.g. `current_principal_yuan`) the issue is about, when there is one. */
  readonly field: string | undefined;
  readonly expected: string;
  readonly found: string;
  /** One line: where, what was expected, what was found. */
  readonly message: string;
}

/** Builds an issue and its message. */
export function tapeIssue(
  code: TapeIssueCode,
  where: {
    readonly row: number;
    readonly column?: number | undefined;
    readonly columnName?: string | undefined;
    readonly field?: string | undefined;
  },
  expected: string,
  found: string,
): TapeIssue {
  const place = [
    `row ${where.row}`,
    where.column === undefined ? undefined : `column ${where.column}`,
    where.columnName === undefined ? undefined : `"${where.columnName}"`,
    where.field === undefined || where.field === where.columnName ? undefined : `(${where.field})`,
  ]
    .filter((part) => part !== undefined)
    .join(" ");
  return {
    code,
    row: where.row,
    column: where.column,
    columnName: where.columnName,
    field: where.field,
    expected,
    found,
    message: `${code} at ${place}: expected ${expected}, found ${found}`,
  };
}
