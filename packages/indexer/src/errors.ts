/** Stable error codes of @abs/indexer; tests assert these, never messages. */
export type IndexerErrorCode =
  | "CONFIG_INVALID"
  | "RPC_FAILED"
  | "RPC_RESPONSE_INVALID"
  | "ABI_MISMATCH"
  | "STORE_VALUE_INVALID"
  | "HANDLER_FAILED"
  | "REORG_TOO_DEEP"
  | "CHAIN_CHANGED"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "NOT_ENTITLED"
  | "NO_LOAN_DATA"
  | "AUTH_REQUIRED"
  | "AUTH_INVALID"
  | "NOT_A_MEMBER"
  | "MEMBER_NODE_JOIN_FAILED";

export interface IndexerErrorOptions {
  cause?: unknown;
  /** Whether trying again later can help (a node that is down: yes; a bad config: no). */
  retryable?: boolean;
}

/** Base error of the indexer: a stable `code`, a short message and its `cause`. */
export class IndexerError extends Error {
  override readonly name: string = "IndexerError";
  readonly retryable: boolean;

  constructor(
    readonly code: IndexerErrorCode,
    message: string,
    options: IndexerErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

export class RpcError extends IndexerError {
  override readonly name = "RpcError";
  /** The JSON-RPC error code of a node's refusal (e.g. -32601 method not found); undefined for transport faults. */
  readonly rpcCode: number | undefined;

  constructor(code: IndexerErrorCode, message: string, options: IndexerErrorOptions & { rpcCode?: number } = {}) {
    super(code, message, options);
    this.rpcCode = options.rpcCode;
  }
}

export class StoreError extends IndexerError {
  override readonly name = "StoreError";
}

export class ReorgError extends IndexerError {
  override readonly name = "ReorgError";
}

export class ConfigError extends IndexerError {
  override readonly name = "ConfigError";
}

/** A client's mistake in a query or export request (shown to the client with its code). */
export class UserInputError extends IndexerError {
  override readonly name = "UserInputError";
}

/**
 * A sign-in or a caller that is refused: AUTH_REQUIRED (no session, or it expired: sign in), AUTH_INVALID (a
 * sign-in message or signature that does not verify, a nonce unknown or used), NOT_A_MEMBER (the key is not an
 * active member of the registry). `status` is the HTTP status the indexer answers with.
 */
export class AuthError extends IndexerError {
  override readonly name = "AuthError";

  constructor(
    code: "AUTH_REQUIRED" | "AUTH_INVALID" | "NOT_A_MEMBER",
    message: string,
    readonly status: 401 | 403,
    options: IndexerErrorOptions = {},
  ) {
    super(code, message, options);
  }
}
