/**
 * Stable error codes of the waterfall engine. Tests assert on these, so they never change meaning.
 *
 * - `INVALID_WATERFALL_CONFIG`: a configuration failed to parse, or breaks a rule of `WaterfallLib.validate`.
 * - `INVALID_WATERFALL_STATE`: a state failed to parse.
 * - `INVALID_PERIOD_INPUTS`: period inputs failed to parse, or do not fit the configuration (as `run` checks).
 * - `INVALID_CONTRACT_RESULT`: a value read back from the contract is not a decoded `PeriodResult`.
 */
export type WaterfallErrorCode =
  "INVALID_WATERFALL_CONFIG" | "INVALID_WATERFALL_STATE" | "INVALID_PERIOD_INPUTS" | "INVALID_CONTRACT_RESULT";

/** Options accepted by {@link WaterfallError}. */
export interface WaterfallErrorOptions {
  /** The underlying error, if this one wraps another. */
  readonly cause?: unknown;
  /**
   * The custom error `WaterfallLib` reverts with for the same input (e.g. `"WaterfallStepInvalid"`), and its
   * arguments, so a test can check that both implementations refuse the same thing for the same reason.
   */
  readonly contractError?: ContractError;
}

/** A `WaterfallLib` custom error: its name and arguments, as the contract would revert. */
export interface ContractError {
  readonly name: string;
  readonly args: readonly (bigint | string)[];
}

/**
 * Base error of the waterfall engine: same shape as the package-wide `CoreError` (code, message, cause,
 * retryable). Everything here is about bad input and deterministic, so nothing is retryable.
 */
export class WaterfallError extends Error {
  /** Stable machine-readable code. */
  readonly code: WaterfallErrorCode;
  /** Always `false`: the same input fails the same way. */
  readonly retryable: boolean = false;
  /** The underlying error, if any. */
  override readonly cause: unknown;
  /** The contract's equivalent custom error, when there is one. */
  readonly contractError: ContractError | undefined;

  constructor(code: WaterfallErrorCode, message: string, options: WaterfallErrorOptions = {}) {
    super(message);
    this.name = "WaterfallError";
    this.code = code;
    this.cause = options.cause;
    this.contractError = options.contractError;
  }
}
