/**
 * Stable error codes of the settlement:
 * - `SETTLEMENT_INVARIANT`: the engine's own result breaks a waterfall invariant (WF-1..WF-7): nothing was sent.
 * - `SETTLEMENT_REVERTED`: the period transaction failed or was not mined: nothing changed on chain (retry after
 *   fixing the cause named in the message, e.g. collections not deposited).
 * - `SETTLEMENT_MISMATCH`: the chain's result differs from the engine's: the settlement stops; the differing
 *   fields are listed in `mismatches`.
 */
export type SettlementErrorCode =
  | "SETTLEMENT_INVARIANT"
  | "SETTLEMENT_REVERTED"
  | "SETTLEMENT_MISMATCH"
  /** The period is not the waterfall's next one (already distributed, or one skipped): nothing computed or sent. */
  | "SETTLEMENT_PERIOD_INVALID";

/** Typed error of the settlement, with a stable `code`, whether a retry can help, and the field-level details. */
export class SettlementError extends Error {
  override readonly name: string = "SettlementError";
  readonly code: SettlementErrorCode;
  /** Only a reverted transaction may succeed when retried (once its cause is fixed). */
  readonly retryable: boolean;
  readonly mismatches: readonly string[];

  constructor(code: SettlementErrorCode, message: string, options: { cause?: unknown; mismatches?: string[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = code === "SETTLEMENT_REVERTED";
    this.mismatches = options.mismatches ?? [];
  }
}
