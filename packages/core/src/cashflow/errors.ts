/**
 * Stable error codes raised by the cash-flow engine. Tests assert on these, so they never change meaning.
 *
 * - `INVALID_ASSUMPTIONS`: an assumption set or tier table failed to parse.
 * - `INVALID_DECIMAL`: a decimal quote (percent, bps) was malformed or more precise than the wad scale.
 * - `INVALID_DATE`: a calendar date was malformed or does not exist.
 * - `INVALID_LOAN`: a projection or schedule input breaks an invariant (negative balance, zero term, ...).
 * - `MISSING_CUTOFF_DATE`: an actual-day count convention was used without a calendar to count days on.
 * - `TIER_NOT_FOUND`: a loan's tier key has no assumption set and the tier table has no fallback.
 * - `INVALID_ANALYTICS_INPUT`: an analytics function received inputs it cannot price (no cash flow, bad price).
 * - `NO_CONVERGENCE`: an iterative solver did not bracket or converge.
 */
export type CashflowErrorCode =
  | "INVALID_ASSUMPTIONS"
  | "INVALID_DECIMAL"
  | "INVALID_DATE"
  | "INVALID_LOAN"
  | "MISSING_CUTOFF_DATE"
  | "TIER_NOT_FOUND"
  | "INVALID_ANALYTICS_INPUT"
  | "NO_CONVERGENCE";

/** Options accepted by {@link CashflowError}. */
export interface CashflowErrorOptions {
  /** The underlying error, if this one wraps another. */
  readonly cause?: unknown;
  /** Whether repeating the same call can succeed. Engine errors are deterministic, so this defaults to `false`. */
  readonly retryable?: boolean;
}

/**
 * Base error of the cash-flow engine. Same shape as the package-wide `CoreError` (code, message, cause,
 * retryable) so the two can be merged without touching call sites.
 */
export class CashflowError extends Error {
  /** Stable machine-readable code. */
  readonly code: CashflowErrorCode;
  /** Whether repeating the same call can succeed (never, for these deterministic computations, unless stated). */
  readonly retryable: boolean;
  /** The underlying error, if any. */
  override readonly cause: unknown;

  constructor(code: CashflowErrorCode, message: string, options: CashflowErrorOptions = {}) {
    super(message);
    this.name = "CashflowError";
    this.code = code;
    this.cause = options.cause;
    this.retryable = options.retryable ?? false;
  }
}
