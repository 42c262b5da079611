/**
 * The servicer node's store of each period's loan states (LevelDB): what a period report's `loanStateRoot`
 * commits to, kept so that entitled peers can read any loan's state in any period with a proof against the
 * root anchored on chain (core's report/loan-state.ts defines the leaf).
 *
 * Layout: one `periods` sublevel with nested sublevels, keys prefixed by `<pool, lower-case>!<period, 10 digits>`:
 * - `meta`    `<period>`            → { pool, period, root, loanCount, contentHash, txHash, blockNumber }: the
 *   "committed" marker (the report is on chain with this root), written last;
 * - `states`  `<period>!<loanId>`   → { state, salt, leafIndex };
 * - `leaves`  `<period>!<index>`    → leaf (0x hex), in file order (the tree's leaf order);
 * - `reports` `<period>`            → the journal of a report in flight (period-report-service.ts).
 * As in the tape store: a period without meta is half written and never served; proofs are cut from the tree
 * rebuilt from the stored leaves on the first request for a period, one period kept in memory at a time.
 */
import { type Level } from "level";
import { z } from "zod";
import { type LoanState, type LoanTree, type StateLeaf, loanStateSchema } from "@abs/core";
import { TapeStoreError } from "../errors";
import {
  LastTreeCache,
  type LoanIdsPageRequest,
  indexKey,
  parseStored,
  toJson,
  treeOfStoredLeaves,
} from "../tape-store";

type Root = Level<string, string>;

const UTF8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
const DEFAULT_CHUNK = 1_000;
const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "expected 0x followed by 64 lower-case hex digits");
const digits = z.string().regex(/^\d{1,78}$/, "expected a decimal integer");

/** A committed period: its report is on chain with `root`, and its states are served. */
export interface StoredPeriodMeta {
  /** Pool address, lower case. */
  readonly pool: string;
  readonly period: number;
  readonly root: string;
  /** Loan states committed (one per row of the performance file, outstanding or not). */
  readonly loanCount: number;
  readonly contentHash: string;
  readonly txHash: string;
  readonly blockNumber: number;
}

/** One stored loan state, its salt and its position among the period's leaves. */
export interface StoredLoanState {
  readonly state: LoanState;
  readonly salt: string;
  readonly leafIndex: number;
}

/** A page of a period's loan states with their leaves (no proofs: the receiver rebuilds the root). */
export interface LoanStatesPage {
  readonly loanCount: number;
  readonly states: readonly (StoredLoanState & { readonly leaf: string })[];
  /** The `after` of the following page (its last loan id); absent on the last page. */
  readonly next?: string;
}

/** A loan state with what a receiver needs to verify it against the anchored root. */
export interface LoanStateOpening extends StoredLoanState {
  readonly leaf: string;
  readonly proof: readonly string[];
  /** The stored root (informative: receivers check against the chain). */
  readonly root: string;
}

const metaValue = z.object({
  pool: z.string().regex(/^0x[0-9a-f]{40}$/),
  period: z.number().int().min(1),
  root: bytes32,
  loanCount: z.number().int().min(1),
  contentHash: bytes32,
  txHash: bytes32,
  blockNumber: z.number().int().min(0),
});

const stateValue = z.object({ state: loanStateSchema, salt: bytes32, leafIndex: z.number().int().min(0) });

/** The report as journalled: the contract struct's fields, bigints as decimal strings. */
const journalledReport = z.object({
  period: z.number().int().min(1),
  startDate: digits,
  endDate: digits,
  interestCollectedCents: digits,
  scheduledPrincipalCents: digits,
  prepaymentCents: digits,
  recoveryCents: digits,
  newDefaultsCents: digits,
  delinquent30Cents: digits,
  delinquent60Cents: digits,
  delinquent90PlusCents: digits,
  endingBalanceCents: digits,
  loanCount: digits,
  loanStateRoot: bytes32,
  contentHash: bytes32,
});
export type JournalledReport = z.output<typeof journalledReport>;

/**
 * A report in flight. `receiving`: the performance file is being read and its states written; `staged`: the
 * file is valid and its states fully written, `submitReport` is being sent through the chain bridge under
 * `actionKey`. (Committed reports leave the journal: see `commit`.)
 */
export const reportJournalEntry = z.discriminatedUnion("state", [
  z.object({ state: z.literal("receiving"), pool: z.string(), period: z.number().int().min(1), startedAt: z.number() }),
  z.object({
    state: z.literal("staged"),
    pool: z.string(),
    period: z.number().int().min(1),
    startedAt: z.number(),
    actionKey: z.string(),
    /** The period's loan states written (the leaves of its loan-state tree). */
    states: z.number().int().min(1),
    report: journalledReport,
  }),
]);
export type ReportJournalEntry = z.output<typeof reportJournalEntry>;

/** Streams one period's states into the store; see `LevelPeriodStore.openWriter`. */
export interface PeriodWriter {
  /** Buffer a state; returns a promise when a chunk is being written (await it: back-pressure). */
  add(leaf: StateLeaf): Promise<void> | undefined;
  /** Write the states still buffered. */
  flush(): Promise<void>;
}

export class LevelPeriodStore {
  private readonly periods;
  private readonly meta;
  private readonly states;
  private readonly leaves;
  private readonly reports;
  /** The tree of the last period a proof was asked for. */
  private readonly trees = new LastTreeCache();

  /** `db` is the node's LevelDB (opened and closed by the caller). */
  constructor(db: Root) {
    this.periods = db.sublevel<string, string>("periods", UTF8);
    this.meta = this.periods.sublevel<string, string>("meta", UTF8);
    this.states = this.periods.sublevel<string, string>("states", UTF8);
    this.leaves = this.periods.sublevel<string, string>("leaves", UTF8);
    this.reports = this.periods.sublevel<string, string>("reports", UTF8);
  }

  /**
   * Start writing the states of `period` of `pool` (the report pipeline): clears any leftovers of an earlier
   * attempt, then `add` buffers states and writes each chunk (states + leaves) in one batch. Nothing is served
   * until `commit` writes the meta.
   */
  async openWriter(pool: string, period: number, chunkSize = DEFAULT_CHUNK): Promise<PeriodWriter> {
    await this.removePeriod(pool, period);
    const key = periodKey(pool, period);
    let states: { key: string; value: string }[] = [];
    let leaves: { key: string; value: string }[] = [];
    const flush = async () => {
      if (states.length === 0) return;
      // One batch per chunk: a state and its leaf are always written together.
      const batch = [
        ...states.map((op) => ({ type: "put" as const, sublevel: this.states, ...op })),
        ...leaves.map((op) => ({ type: "put" as const, sublevel: this.leaves, ...op })),
      ];
      states = [];
      leaves = [];
      await this.periods.batch(batch);
    };
    return {
      add: ({ state, salt, leaf, leafIndex }) => {
        states.push({ key: `${key}!${state.loanId}`, value: toJson({ state, salt, leafIndex }) });
        leaves.push({ key: `${key}!${indexKey(leafIndex)}`, value: leaf.toLowerCase() });
        return states.length >= chunkSize ? flush() : undefined;
      },
      flush,
    };
  }

  /** Record a report's state in the journal; key: pool and period. */
  async putJournal(entry: ReportJournalEntry): Promise<void> {
    await this.reports.put(periodKey(entry.pool, entry.period), toJson(entry));
  }

  /** Every report not committed (after a crash: to resume or roll back). */
  async listJournal(): Promise<ReportJournalEntry[]> {
    const entries: ReportJournalEntry[] = [];
    for await (const [key, raw] of this.reports.iterator()) {
      entries.push(parseStored(reportJournalEntry, raw, `report journal entry ${key}`));
    }
    return entries;
  }

  /** Remove a report's states and its journal entry. A committed period is never aborted (see the service). */
  async abort(pool: string, period: number): Promise<void> {
    await this.removePeriod(pool, period);
    await this.reports.del(periodKey(pool, period));
  }

  /** Commit a report in ONE batch: the meta (its states are served from now on) and the journal entry's removal. */
  async commit(meta: StoredPeriodMeta): Promise<void> {
    const key = periodKey(meta.pool, meta.period);
    await this.periods.batch([
      { type: "put", sublevel: this.meta, key, value: toJson(meta) },
      { type: "del", sublevel: this.reports, key },
    ]);
  }

  /** The committed period's meta, or undefined. */
  async findMeta(pool: string, period: number): Promise<StoredPeriodMeta | undefined> {
    const key = periodKey(pool, period);
    const raw = await this.meta.get(key);
    return raw === undefined ? undefined : parseStored(metaValue, raw, `meta of period ${key}`);
  }

  /** The committed period's meta; PERIOD_NOT_FOUND if absent or half written. */
  async getMeta(pool: string, period: number): Promise<StoredPeriodMeta> {
    const meta = await this.findMeta(pool, period);
    if (meta === undefined) {
      throw new TapeStoreError("PERIOD_NOT_FOUND", `no loan states of period ${period} are stored for pool ${pool}`);
    }
    return meta;
  }

  /** The committed periods of `pool`, ascending. */
  async periodsOf(pool: string): Promise<number[]> {
    const prefix = `${pool.toLowerCase()}!`;
    const keys = await this.meta.keys({ gt: prefix, lt: `${prefix}\xff` }).all();
    return keys.map((k) => Number(k.slice(prefix.length)));
  }

  /**
   * One page of a committed period's states in loan id order, after `after` (exclusive), each with its salt and
   * leaf, without proofs (the receiver rebuilds the root from every leaf). PERIOD_NOT_FOUND, TAPE_STORE_CORRUPT.
   */
  async listStates(pool: string, period: number, page: LoanIdsPageRequest): Promise<LoanStatesPage> {
    const meta = await this.getMeta(pool, period);
    const key = periodKey(pool, period);
    const entries = await this.states
      .iterator({ gt: `${key}!${page.after ?? ""}`, lt: `${key}!\xff`, limit: page.limit + 1 })
      .all();
    const more = entries.length > page.limit;
    const kept = more ? entries.slice(0, page.limit) : entries;
    const ids = kept.map(([k]) => k.slice(key.length + 1));
    const states = kept.map(([, raw], i) => parseStored(stateValue, raw, `state "${ids[i] ?? ""}" of period ${key}`));
    const leaves = await this.leaves.getMany(states.map((s) => `${key}!${indexKey(s.leafIndex)}`));
    const withLeaves = states.map((stored, i) => {
      const leaf = leaves[i];
      if (leaf === undefined) {
        throw new TapeStoreError("TAPE_STORE_CORRUPT", `state "${stored.state.loanId}" points at a missing leaf`);
      }
      return { ...stored, leaf: parseStored(bytes32, leaf, `leaf ${stored.leafIndex} of period ${key}`, false) };
    });
    const last = ids[ids.length - 1];
    return { loanCount: meta.loanCount, states: withLeaves, ...(more && last !== undefined ? { next: last } : {}) };
  }

  /** A loan's state in a committed period with its leaf and proof; PERIOD_NOT_FOUND or LOAN_NOT_FOUND. */
  async openState(pool: string, period: number, loanId: string): Promise<LoanStateOpening> {
    const meta = await this.getMeta(pool, period);
    const key = periodKey(pool, period);
    const raw = await this.states.get(`${key}!${loanId}`);
    if (raw === undefined) {
      throw new TapeStoreError("LOAN_NOT_FOUND", `period ${period} of pool ${pool} has no state of loan "${loanId}"`);
    }
    const stored = parseStored(stateValue, raw, `state "${loanId}" of period ${key}`);
    const tree = await this.treeOf(key, meta);
    if (stored.leafIndex >= tree.length) {
      throw new TapeStoreError("TAPE_STORE_CORRUPT", `state "${loanId}" points at leaf ${stored.leafIndex}`);
    }
    return { ...stored, leaf: tree.leafAt(stored.leafIndex), proof: tree.getProof(stored.leafIndex), root: meta.root };
  }

  /** Delete a period's states and leaves (and meta, if any: first, so it stops being served at once). */
  private async removePeriod(pool: string, period: number): Promise<void> {
    const key = periodKey(pool, period);
    await this.meta.del(key);
    this.trees.drop(key);
    const range = { gt: `${key}!`, lt: `${key}!\xff` };
    await this.states.clear(range);
    await this.leaves.clear(range);
  }

  private treeOf(key: string, meta: StoredPeriodMeta): Promise<LoanTree> {
    return this.trees.of(key, () =>
      treeOfStoredLeaves(this.leaves.values({ gt: `${key}!`, lt: `${key}!\xff` }), meta, `period ${key}`),
    );
  }
}

function periodKey(pool: string, period: number): string {
  return `${pool.toLowerCase()}!${indexKey(period)}`;
}
