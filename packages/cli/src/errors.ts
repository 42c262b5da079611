/**
 * Typed errors of the `abs` CLI. Each has a stable `code` and the process exit code it maps to:
 * 2 for usage errors (bad flags, a missing input file, a bad mapping or key file), 1 for failures.
 */

export type CliErrorCode =
  | "USAGE"
  | "INPUT_NOT_FOUND"
  | "MAPPING_INVALID"
  | "KEY_FILE_INVALID"
  | "OUTPUT_FAILED"
  | "TAPE_INVALID"
  /** A member node refused the request or could not be reached (its code and message follow). */
  | "NODE_REQUEST_FAILED"
  /** The chain refused a transaction (decoded custom error) or could not be reached. */
  | "CHAIN_FAILED"
  /** A loan record does not verify against the root anchored on chain. */
  | "LOAN_UNVERIFIED"
  /** A disclosure file is not the anchored one, or a row differs from the committed data it is built from. */
  | "DISCLOSURE_UNVERIFIED"
  /** The indexer refused a sign-in or could not be reached (its code and message follow). */
  | "INDEXER_REQUEST_FAILED";

/** Exit codes of `abs`. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const EXIT_CODE_OF: Readonly<Record<CliErrorCode, number>> = {
  USAGE: EXIT.usage,
  INPUT_NOT_FOUND: EXIT.usage,
  MAPPING_INVALID: EXIT.usage,
  KEY_FILE_INVALID: EXIT.usage,
  OUTPUT_FAILED: EXIT.failure,
  TAPE_INVALID: EXIT.failure,
  NODE_REQUEST_FAILED: EXIT.failure,
  CHAIN_FAILED: EXIT.failure,
  LOAN_UNVERIFIED: EXIT.failure,
  DISCLOSURE_UNVERIFIED: EXIT.failure,
  INDEXER_REQUEST_FAILED: EXIT.failure,
};

export interface CliErrorOptions {
  readonly cause?: unknown;
  /** Lines printed after the message (e.g. every problem of a mapping file). */
  readonly details?: readonly string[];
}

export class CliError extends Error {
  override readonly name: string = "CliError";
  readonly code: CliErrorCode;
  readonly exitCode: number;
  readonly details: readonly string[];

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = EXIT_CODE_OF[code];
    this.details = options.details ?? [];
  }
}
