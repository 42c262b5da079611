/**
 * The registry's answer about a key, kept for a moment: every GraphQL request asks who its caller is,
 * and one `eth_call` per request would make the chain node the indexer's bottleneck (measured: 2,300 →
 * 330 trivial queries/s on the Hardhat node). Concurrent lookups of one key share one call, and an
 * answer is reused for `ttlMs` (default 1 s), so a suspension voted on chain takes effect at an
 * indexer within that time; `ttlMs: 0` asks the registry at every request. Failures are not kept.
 */
import { type MemberDirectory, type MemberRecord } from "@abs/node";
import { evictOldest } from "./evict-oldest";

export class CachedMemberDirectory implements MemberDirectory {
  private readonly answers = new Map<string, { record: Promise<MemberRecord>; until: number }>();

  constructor(
    private readonly directory: MemberDirectory,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** Keys remembered at most; the oldest goes first */
    private readonly maxEntries = 10_000,
  ) {}

  lookup(address: string): Promise<MemberRecord> {
    const key = address.toLowerCase();
    const kept = this.answers.get(key);
    if (kept !== undefined && kept.until > this.now()) return kept.record;
    const record = this.directory.lookup(address);
    if (this.ttlMs > 0) {
      this.answers.delete(key);
      evictOldest(this.answers, this.maxEntries);
      // Until the call settles the entry is shared; once settled it lives ttlMs more (or goes, on failure).
      this.answers.set(key, { record, until: Number.POSITIVE_INFINITY });
      record.then(
        () => this.answers.set(key, { record, until: this.now() + this.ttlMs }),
        () => this.answers.delete(key),
      );
    }
    return record;
  }
}
