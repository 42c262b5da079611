/**
 * Replay protection: every (caller, nonce) pair is accepted once.
 *
 * Stored in LevelDB under the `peer-nonces` sublevel, as two nested sublevels written together in one
 * batch: `seen` (key `caller:nonce`, value = expiry ms) answers "was this used?", and `expiry` (key
 * `<expiry ms, zero-padded>!caller:nonce`) lets `prune` delete expired pairs in key order without a full
 * scan. A pair must be kept at least as long as its request could still pass the timestamp check, i.e.
 * until `timestamp + window`; after that the timestamp check refuses the request anyway, so the pair can go.
 *
 * The check-then-write of `consume` is serialised inside the process (LevelDB itself is locked to one
 * process), so two concurrent requests with the same nonce cannot both pass.
 */
import { type Level } from "level";
import { z } from "zod";
import { PeerAuthError } from "./errors";

/** What the auth layer needs from a nonce store. */
export interface NonceStore {
  /** Record (caller, nonce) as used until `expiresAtMs`; throws PEER_AUTH_REPLAYED if already used. */
  consume(caller: string, nonce: string, expiresAtMs: number): Promise<void>;
  /** Forget every pair that expired before `nowMs`; returns how many were removed. */
  prune(nowMs: number): Promise<number>;
}

type Root = Level<string, string>;

const EXPIRY_DIGITS = 15; // ms timestamps below 10^15 (year 33658)
const PRUNE_CHUNK = 1_000;
const UTF8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
const expiryValue = z.string().regex(/^\d{1,15}$/, "expected an expiry in ms");

export class LevelNonceStore implements NonceStore {
  private readonly nonces;
  private readonly seen;
  private readonly expiry;
  private queue: Promise<unknown> = Promise.resolve();

  /** `db` is the node's LevelDB (opened by the caller, closed by the caller). */
  constructor(db: Root) {
    this.nonces = db.sublevel<string, string>("peer-nonces", UTF8);
    this.seen = this.nonces.sublevel<string, string>("seen", UTF8);
    this.expiry = this.nonces.sublevel<string, string>("expiry", UTF8);
  }

  consume(caller: string, nonce: string, expiresAtMs: number): Promise<void> {
    const run = this.queue.then(() => this.consumeNow(caller, nonce, expiresAtMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async consumeNow(caller: string, nonce: string, expiresAtMs: number): Promise<void> {
    const key = `${caller.toLowerCase()}:${nonce.toLowerCase()}`;
    const existing = await this.seen.get(key);
    if (existing !== undefined) {
      expiryValue.parse(existing); // a corrupt value is a storage fault, not a replay: let it throw
      throw new PeerAuthError("PEER_AUTH_REPLAYED", "request nonce was already used by this caller");
    }
    await this.nonces.batch([
      { type: "put", sublevel: this.seen, key, value: String(expiresAtMs) },
      { type: "put", sublevel: this.expiry, key: `${expiryKey(expiresAtMs)}!${key}`, value: "" },
    ]);
  }

  async prune(nowMs: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const keys = await this.expiry.keys({ lt: expiryKey(nowMs), limit: PRUNE_CHUNK }).all();
      if (keys.length === 0) return removed;
      await this.nonces.batch(
        keys.flatMap((k) => [
          { type: "del" as const, sublevel: this.expiry, key: k },
          { type: "del" as const, sublevel: this.seen, key: k.slice(EXPIRY_DIGITS + 1) },
        ]),
      );
      removed += keys.length;
    }
  }
}

function expiryKey(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(EXPIRY_DIGITS, "0");
}
