/**
 * Typed errors of the custodian's reconciliation: a bad statement is named by its line (and field), with
 * what was expected and what was found. Bad input is never retryable; a malformed chain answer or a failed
 * anchoring transaction may be (`retryable`).
 */

/** Stable codes of reconciliation errors. */
export type ReconciliationErrorCode =
  | "STATEMENT_LINE_INVALID"
  | "STATEMENT_FORMAT_INVALID"
  | "STATEMENT_BALANCE_MISMATCH"
  | "EXPECTED_FLOWS_INVALID"
  | "CHAIN_ANSWER_INVALID"
  | "ANCHOR_FAILED";

export class ReconciliationError extends Error {
  override readonly name = "ReconciliationError";
  readonly code: ReconciliationErrorCode;
  readonly retryable: boolean;
  /** 1-based line of the statement (or entry of the expected flows), when known. */
  readonly line: number | undefined;

  constructor(code: ReconciliationErrorCode, message: string, line?: number, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.line = line;
    this.retryable = code === "CHAIN_ANSWER_INVALID" || code === "ANCHOR_FAILED";
  }
}
