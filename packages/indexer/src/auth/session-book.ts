/**
 * The indexer's sign-in state, in memory: the nonces it has handed out (each good for one sign-in,
 * until it expires) and the sessions it has opened (a random bearer token per sign-in, short-lived).
 * A restart signs everyone out, which is the safe direction. Both maps are bounded: when full, the
 * oldest entry goes, so a flood of challenge requests cannot grow the process.
 */
import { randomBytes } from "node:crypto";
import { evictOldest } from "./evict-oldest";

export interface Session {
  /** 32 random bytes, hex: what the client presents (bearer header or cookie) */
  readonly token: string;
  /** The signed-in key, lower case */
  readonly address: string;
  /** Unix ms */
  readonly expiresAt: number;
}

export interface SessionBookOptions {
  sessionTtlMs: number;
  nonceTtlMs: number;
  /** Outstanding nonces kept at most (default 10,000) */
  maxNonces?: number;
  /** Open sessions kept at most (default 10,000) */
  maxSessions?: number;
  /** The clock (tests) */
  now?: () => number;
}

export class SessionBook {
  readonly sessionTtlMs: number;
  readonly nonceTtlMs: number;
  private readonly maxNonces: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  /** nonce -> expiry (unix ms), in issue order */
  private readonly nonces = new Map<string, number>();
  /** token -> session, in opening order */
  private readonly sessions = new Map<string, Session>();

  constructor(options: SessionBookOptions) {
    this.sessionTtlMs = options.sessionTtlMs;
    this.nonceTtlMs = options.nonceTtlMs;
    this.maxNonces = options.maxNonces ?? 10_000;
    this.maxSessions = options.maxSessions ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** A fresh nonce (EIP-4361: alphanumeric, at least 8 characters): 32 hex characters. */
  issueNonce(): { nonce: string; expiresAt: number } {
    const nonce = randomBytes(16).toString("hex");
    const expiresAt = this.now() + this.nonceTtlMs;
    evictOldest(this.nonces, this.maxNonces);
    this.nonces.set(nonce, expiresAt);
    return { nonce, expiresAt };
  }

  /** Use up `nonce`: true once for a nonce issued here and not expired, false ever after. */
  takeNonce(nonce: string): boolean {
    const expiresAt = this.nonces.get(nonce);
    this.nonces.delete(nonce);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  open(address: string): Session {
    const session: Session = {
      token: randomBytes(32).toString("hex"),
      address: address.toLowerCase(),
      expiresAt: this.now() + this.sessionTtlMs,
    };
    evictOldest(this.sessions, this.maxSessions);
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session of `token`; an expired one is dropped and not returned. */
  find(token: string): Session | undefined {
    const session = this.sessions.get(token);
    if (session === undefined) return undefined;
    if (session.expiresAt > this.now()) return session;
    this.sessions.delete(token);
    return undefined;
  }

  close(token: string): void {
    this.sessions.delete(token);
  }
}
