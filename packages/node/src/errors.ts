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
  /** No complete tape is stored for this pool and version (unknown, or only half written). */
  | "TAPE_NOT_FOUND"
  /** The tape (or period) exists but holds no loan with this id. */
  | "LOAN_NOT_FOUND"
  /** No committed period report's loan states are stored for this pool and period. */
  | "PERIOD_NOT_FOUND"
  /** The uploaded performance file is invalid: every error is in the answer; nothing was stored or submitted. */
  | "REPORT_INVALID"
  /**
   * The period already has a report on chain with another loan-state root (a restatement, which no node route sends),
   * or this node holds the period as reported while the chain has no report of it (its data is another chain's).
   */
  | "PERIOD_ALREADY_REPORTED"
  /** A stored tape value does not parse, or the stored leaves do not give the stored root. */
  | "TAPE_STORE_CORRUPT"
  /** A tape being imported does not give the root it was expected to (nothing is served). */
  | "TAPE_ROOT_MISMATCH"
  /** Receiver side: the peer refused the request (its status and code are in the message). */
  | "PEER_REQUEST_REFUSED"
  /** Receiver side: the peer's answer is not the expected JSON shape. */
  | "PEER_RESPONSE_INVALID"
  /** Receiver side: the served record does not verify against the root anchored on chain. */
  | "PEER_RECORD_UNVERIFIED"
  /** Receiver side: the pool's anchored tape could not be read from chain (RPC down, or no such tape). */
  | "CHAIN_TAPE_UNAVAILABLE"
  /** The node configuration is invalid. */
  | "NODE_CONFIG_INVALID"
  /** The chain's RPC endpoint failed or timed out after every retry: retry later. */
  | "CHAIN_UNAVAILABLE"
  /** The contract refused the transaction (the decoded custom error is in the message): permanent. */
  | "CHAIN_REVERTED"
  /** The sender's nonce was taken by another transaction (another sender with the same key?): retry. */
  | "CHAIN_NONCE_CONFLICT"
  /** The transaction was sent but not confirmed in time; the journal resumes it: retry later. */
  | "CHAIN_TX_PENDING"
  /** The operator token is missing or wrong. */
  | "OPERATOR_UNAUTHORIZED"
  /** The uploaded tape is invalid: every error is in the answer; nothing was stored or anchored. */
  | "TAPE_INVALID"
  /** The upload's options (format, cut-off date, mapping ...) are invalid. */
  | "UPLOAD_OPTIONS_INVALID"
  /** A tape change (repurchase, substitution, revolving purchase, correction) has the wrong shape for its kind. */
  | "TAPE_CHANGE_INVALID"
  /** Another upload is in progress on this node: retry when it is done. */
  | "UPLOAD_IN_PROGRESS"
  /** This node's key is not the pool's originator (or servicer, for reports). */
  | "NOT_POOL_PARTY"
  /** The same tape root is already anchored on chain at a version this node does not hold. */
  | "TAPE_ALREADY_ANCHORED"
  /** The HTTP request itself is unreadable (e.g. body too large). */
  | "REQUEST_INVALID"
  /** Custodian: a bank movement or payout decision is not in the expected shape (what is wrong is in the message). */
  | "BANK_MOVEMENT_INVALID"
  /** Custodian: the bank reference is already recorded with different details: nothing recorded or minted. */
  | "BANK_REF_CONFLICT"
  /** Custodian: a stored bank-ledger value does not parse. */
  | "BANK_LEDGER_CORRUPT"
  /** DvP: the body is not a matched pair of orders with a fill (what is wrong is in the message). */
  | "DVP_ORDERS_INVALID"
  /** DvP: an order's signature does not recover to its maker: nothing was sent. */
  | "DVP_SIGNATURE_INVALID"
  /** DvP: an order is past its expiry: nothing was sent. */
  | "DVP_ORDER_EXPIRED"
  /** Pledge registry: loans of the tape are already pledged to another pool, which this pool refuses: nothing anchored. */
  | "PLEDGE_REFUSED"
  /**
   * Pledge registry: the pool registers pledges but this node cannot fingerprint (no key service configured, no key
   * published, or the key service's answer does not verify): nothing stored or anchored.
   */
  | "PLEDGE_SERVICE_UNAVAILABLE"
  /** Key service: the body is not a batch of blinded points (what is wrong is in the message). */
  | "PLEDGE_BATCH_INVALID"
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
  TAPE_NOT_FOUND: 404,
  LOAN_NOT_FOUND: 404,
  PERIOD_NOT_FOUND: 404,
  REPORT_INVALID: 422,
  PERIOD_ALREADY_REPORTED: 409,
  TAPE_STORE_CORRUPT: 500,
  TAPE_ROOT_MISMATCH: 500,
  // Receiver-side codes never answer an HTTP request of this node; 502 says "the peer was at fault".
  PEER_REQUEST_REFUSED: 502,
  PEER_RESPONSE_INVALID: 502,
  PEER_RECORD_UNVERIFIED: 502,
  CHAIN_TAPE_UNAVAILABLE: 503,
  NODE_CONFIG_INVALID: 500,
  CHAIN_UNAVAILABLE: 503,
  CHAIN_REVERTED: 409,
  CHAIN_NONCE_CONFLICT: 503,
  CHAIN_TX_PENDING: 503,
  OPERATOR_UNAUTHORIZED: 401,
  TAPE_INVALID: 422,
  UPLOAD_OPTIONS_INVALID: 400,
  UPLOAD_IN_PROGRESS: 409,
  TAPE_CHANGE_INVALID: 422,
  NOT_POOL_PARTY: 403,
  TAPE_ALREADY_ANCHORED: 409,
  REQUEST_INVALID: 400,
  BANK_MOVEMENT_INVALID: 400,
  BANK_REF_CONFLICT: 409,
  BANK_LEDGER_CORRUPT: 500,
  DVP_ORDERS_INVALID: 400,
  DVP_SIGNATURE_INVALID: 422,
  DVP_ORDER_EXPIRED: 422,
  PLEDGE_REFUSED: 409,
  PLEDGE_SERVICE_UNAVAILABLE: 503,
  PLEDGE_BATCH_INVALID: 400,
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
  constructor(issues: readonly string[], options: NodeErrorOptions = {}) {
    super("NODE_CONFIG_INVALID", `invalid node configuration:\n  ${issues.join("\n  ")}`, options);
    this.issues = issues;
  }
}

/** A tape or loan asked for is not stored, or the stored tape is unusable. */
export class TapeStoreError extends NodeError {
  override readonly name: string = "TapeStoreError";
}

/**
 * Receiver side of loan-level sharing: the peer refused, answered garbage, or served a record that does
 * not verify against the chain. `peerStatus`/`peerCode` are set for PEER_REQUEST_REFUSED.
 */
export class PeerRecordError extends NodeError {
  override readonly name: string = "PeerRecordError";
  readonly peerStatus: number | undefined;
  readonly peerCode: string | undefined;
  constructor(
    code: NodeErrorCode,
    message: string,
    options: NodeErrorOptions & { peerStatus?: number; peerCode?: string } = {},
  ) {
    super(code, message, options);
    this.peerStatus = options.peerStatus;
    this.peerCode = options.peerCode;
  }
}

/**
 * A chain action failed: RPC unavailable (retryable), reverted (permanent; `revert` holds the decoded
 * custom error), nonce conflict or still pending (retryable).
 */
export class ChainError extends NodeError {
  override readonly name: string = "ChainError";
  /** The decoded custom error of a revert, e.g. `TapeCutoffInFuture(cutoffDate=..., blockTime=...)`. */
  readonly revert: string | undefined;
  constructor(code: NodeErrorCode, message: string, options: NodeErrorOptions & { revert?: string } = {}) {
    super(code, message, options);
    this.revert = options.revert;
  }
}

/** A tape upload was refused: bad options, invalid tape (see `issues`), busy node, wrong party. */
export class UploadError extends NodeError {
  override readonly name: string = "UploadError";
}

/** The custodian's bank ledger refused a movement (invalid, conflicting reference) or is corrupt. */
export class CustodianError extends NodeError {
  override readonly name: string = "CustodianError";
}

/** A DvP submission was refused before anything was sent (invalid pair, bad signature, expired order). */
export class DvpError extends NodeError {
  override readonly name: string = "DvpError";
}
