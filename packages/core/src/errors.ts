/**
 * Typed errors of @abs/core.
 *
 * Every error thrown by this package is a `CoreError` with a stable `code` (tests and callers switch on
 * it, never on the message), a short message that says what was expected and what was found, the
 * underlying `cause` when there is one, and `retryable`: whether trying the same thing again can help.
 * Everything here is about bad input, so nothing here is retryable.
 */

/** Stable codes of the errors thrown by @abs/core. */
export type CoreErrorCode =
  | "INVALID_ARGUMENT"
  | "LOAN_RECORD_INVALID"
  | "DUPLICATE_LOAN_ID"
  | "MONEY_FORMAT_INVALID"
  | "MERKLE_NODE_INVALID"
  | "MERKLE_TREE_EMPTY"
  | "MERKLE_INDEX_OUT_OF_RANGE";

export interface CoreErrorOptions {
  /** The error that led to this one. */
  readonly cause?: unknown;
  /** Whether the same call can succeed if tried again (e.g. a timeout). Default: false. */
  readonly retryable?: boolean;
}

/** Base class of every error thrown by @abs/core. */
export class CoreError extends Error {
  override readonly name: string = "CoreError";
  readonly code: CoreErrorCode;
  readonly retryable: boolean;

  constructor(code: CoreErrorCode, message: string, options: CoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A function was called with an argument outside its contract (a programming or configuration error). */
export class InvalidArgumentError extends CoreError {
  override readonly name: string = "InvalidArgumentError";
  readonly argument: string;
  readonly expected: string;
  readonly found: string;

  constructor(argument: string, expected: string, found: string, options: CoreErrorOptions = {}) {
    super("INVALID_ARGUMENT", `Invalid ${argument}: expected ${expected}, found ${found}`, options);
    this.argument = argument;
    this.expected = expected;
    this.found = found;
  }
}

/** One problem with one field of a loan record. */
export interface LoanRecordIssue {
  /** Template field name, e.g. `currentPrincipalCents` (or the unexpected key's name). */
  readonly field: string;
  /** 1-based column of the field in the source tape, when the caller knows it. */
  readonly column: number | undefined;
  readonly expected: string;
  readonly found: string;
}

/**
 * A loan record does not fit the loan template. The first issue is in the message and the top-level
 * fields; all of them are in `issues`.
 */
export class LoanRecordError extends CoreError {
  override readonly name: string = "LoanRecordError";
  /** 1-based row of the record in the source tape, when the caller knows it. */
  readonly row: number | undefined;
  readonly column: number | undefined;
  readonly field: string;
  readonly expected: string;
  readonly found: string;
  readonly issues: readonly LoanRecordIssue[];

  constructor(row: number | undefined, issues: readonly [LoanRecordIssue, ...LoanRecordIssue[]]) {
    const [first] = issues;
    const where = [
      row === undefined ? undefined : `row ${row}`,
      first.column === undefined ? undefined : `column ${first.column}`,
      `field "${first.field}"`,
    ]
      .filter((part) => part !== undefined)
      .join(", ");
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(
      "LOAN_RECORD_INVALID",
      `Invalid loan record at ${where}: expected ${first.expected}, found ${first.found}${more}`,
    );
    this.row = row;
    this.column = first.column;
    this.field = first.field;
    this.expected = first.expected;
    this.found = first.found;
    this.issues = issues;
  }
}

/** The same loan id appears twice in one tape. */
export class DuplicateLoanIdError extends CoreError {
  override readonly name: string = "DuplicateLoanIdError";
  readonly loanId: string;
  readonly row: number;
  readonly firstRow: number;

  constructor(loanId: string, row: number, firstRow: number) {
    super(
      "DUPLICATE_LOAN_ID",
      `Duplicate loan id at row ${row}: expected each loan id once per tape, found "${loanId}" already at row ${firstRow}`,
    );
    this.loanId = loanId;
    this.row = row;
    this.firstRow = firstRow;
  }
}

/** A decimal money amount could not be read as an exact number of cents. */
export class MoneyFormatError extends CoreError {
  override readonly name: string = "MoneyFormatError";
  readonly expected: string;
  readonly found: string;

  constructor(expected: string, found: string) {
    super("MONEY_FORMAT_INVALID", `Invalid money amount: expected ${expected}, found ${found}`);
    this.expected = expected;
    this.found = found;
  }
}

/** Bad input to the Merkle tree: a node that is not 32 bytes, no leaves, an index out of range. */
export class MerkleTreeError extends CoreError {
  override readonly name: string = "MerkleTreeError";

  constructor(
    code: "MERKLE_NODE_INVALID" | "MERKLE_TREE_EMPTY" | "MERKLE_INDEX_OUT_OF_RANGE",
    expected: string,
    found: string,
  ) {
    super(code, `Invalid Merkle tree input: expected ${expected}, found ${found}`);
  }
}
