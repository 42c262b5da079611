/**
 * Retries with exponential backoff for JSON-RPC calls. An error is retried only if it is a transport or
 * node fault (network error, timeout, 5xx, an unknown RPC failure); a revert, a bad argument, missing funds
 * or a nonce problem is permanent and thrown at once, because sending it again cannot help.
 */
import { isError } from "ethers";

export interface RetryPolicy {
  /** Attempts in all (1 = no retry). */
  readonly attempts: number;
  /** First delay, ms; doubled each retry (with up to 25% random jitter), capped at `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 6, baseDelayMs: 300, maxDelayMs: 5_000 };

/**
 * ethers shares one promise between identical requests for 250 ms (its perform cache), failures included:
 * a retry sooner than that would get the same failure back without asking the node again.
 */
export const MIN_RETRY_DELAY_MS = 300;

/** ethers error codes that no retry can fix. */
const PERMANENT_CODES = new Set([
  "CALL_EXCEPTION",
  "INSUFFICIENT_FUNDS",
  "INVALID_ARGUMENT",
  "MISSING_ARGUMENT",
  "UNEXPECTED_ARGUMENT",
  "NONCE_EXPIRED",
  "REPLACEMENT_UNDERPRICED",
  "TRANSACTION_REPLACED",
  "ACTION_REJECTED",
  "NOT_IMPLEMENTED",
  "UNSUPPORTED_OPERATION",
  "BUFFER_OVERRUN",
  "NUMERIC_FAULT",
]);

/** Whether sending the same request again may succeed. */
export function isRetryableRpcError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && PERMANENT_CODES.has(code)) return false;
  if (isError(error, "CALL_EXCEPTION")) return false;
  return true;
}

/** Whether a node refused a raw transaction because its nonce is already used. */
export function isNonceTooLow(error: unknown): boolean {
  if (isError(error, "NONCE_EXPIRED")) return true;
  const text = error instanceof Error ? error.message : String(error);
  return /nonce too low|nonce has already been used|Nonce too low/i.test(text);
}

/** Whether a node refused a raw transaction because it already has it. */
export function isAlreadyKnown(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /already known|known transaction|already imported/i.test(text);
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` until it succeeds, fails permanently, or `policy.attempts` are used up; throws the last error.
 * `onRetry` hears each retried failure (for logs).
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  options: { sleep?: Sleep; onRetry?: (attempt: number, delayMs: number, error: unknown) => void } = {},
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryableRpcError(error)) throw error;
      const base = Math.max(MIN_RETRY_DELAY_MS, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
      const delayMs = Math.round(base * (1 + Math.random() * 0.25));
      options.onRetry?.(attempt, delayMs, error);
      await sleep(delayMs);
    }
  }
}
