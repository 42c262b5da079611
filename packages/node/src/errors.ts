/**
 * Typed errors of @abs/node.
 *
 * Every error this package throws on purpose is a `NodeError` with a stable `code` (callers and tests
 * switch on it, never on the message), a short message that says what was expected and what was found,
 * the underlying `cause` when there is one, `retryable` (whether the same call can succeed if tried
 * again) and `httpStatus` (what the peer API answers). Messages never carry keys, signatures or
 * personal data: they may be logged and are sent back to the caller.
 */

export type NodeErrorCode =
  /** A signature header is missing or not in the expected format. */
  | "PEER_AUTH_MALFORMED"
  /** The request timestamp is further from the node's clock than the allowed window (past or future). */
  | "PEER_AUTH_EXPIRED"
  /** The signature does not recover to the claimed caller (tampered request, wrong key, garbage). */
  | "PEER_AUTH_FORGED"
  /** The request was signed for another member's node. */
  | "PEER_AUTH_WRONG_TARGET"
  /** The (caller, nonce) pair was already used within the window. */
  | "PEER_AUTH_REPLAYED"
  /** The caller's key is not an active member of the consortium (unknown, suspended or removed). */
  | "PEER_NOT_MEMBER"
  /** The caller is an active member but its roles do not entitle it to this data. */
  | "PEER_NOT_ENTITLED"
  /** The on-chain registry could not be read (RPC down): retry later. */
  | "PEER_DIRECTORY_UNAVAILABLE"
  /** The node configuration is invalid. */
  | "NODE_CONFIG_INVALID"
  /** The HTTP request itself is unreadable (e.g. body too large). */
  | "REQUEST_INVALID"
  /** No route matches the request. */
  | "NOT_FOUND"
  /** An unexpected fault; details are in the node's log, not in the answer. */
  | "INTERNAL";

export interface NodeErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
}

const HTTP_STATUS: Record<NodeErrorCode, number> = {
  PEER_AUTH_MALFORMED: 401,
  PEER_AUTH_EXPIRED: 401,
  PEER_AUTH_FORGED: 401,
  PEER_AUTH_WRONG_TARGET: 401,
  PEER_AUTH_REPLAYED: 401,
  PEER_NOT_MEMBER: 403,
  PEER_NOT_ENTITLED: 403,
  PEER_DIRECTORY_UNAVAILABLE: 503,
  NODE_CONFIG_INVALID: 500,
  REQUEST_INVALID: 400,
  NOT_FOUND: 404,
  INTERNAL: 500,
};

/** Base class of every error thrown on purpose by @abs/node. */
export class NodeError extends Error {
  override readonly name: string = "NodeError";
  readonly code: NodeErrorCode;
  readonly retryable: boolean;

  constructor(code: NodeErrorCode, message: string, options: NodeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }

  /** The HTTP status the peer API answers with for this error. */
  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

/** A peer request failed authentication (malformed, expired, forged, wrong target, replayed). */
export class PeerAuthError extends NodeError {
  override readonly name: string = "PeerAuthError";
}

/** The authenticated caller may not read what it asked for (not a member, or not entitled). */
export class PeerAccessError extends NodeError {
  override readonly name: string = "PeerAccessError";
}

/** The on-chain member directory could not be read; retrying can help. */
export class DirectoryUnavailableError extends NodeError {
  override readonly name: string = "DirectoryUnavailableError";
  constructor(message: string, options: NodeErrorOptions = {}) {
    super("PEER_DIRECTORY_UNAVAILABLE", message, { ...options, retryable: true });
  }
}

/** The node configuration failed to parse; `issues` lists each field with what was expected. */
export class ConfigError extends NodeError {
  override readonly name: string = "ConfigError";
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super("NODE_CONFIG_INVALID", `invalid node configuration:\n  ${issues.join("\n  ")}`);
    this.issues = issues;
  }
}
