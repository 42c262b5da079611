/**
 * The originator node's store of committed loan tapes (LevelDB), from which loan-level records are served
 * with their Merkle proofs.
 *
 * Layout: one `tapes` sublevel (the tape aggregate) with three nested sublevels, keys prefixed by
 * `<pool, lower-case>!<version, 10 digits>!`:
 * - `meta`   `<tape>`            → { pool, version, root, loanCount, summary }: the "complete" marker;
 * - `loans`  `<tape>!<loanId>`   → { record (pseudonymised LoanRecord), salt, leafIndex };
 * - `leaves` `<tape>!<index, 10 digits>` → leaf (0x hex), in the order the records were committed;
 * - `uploads` `<tape>`            → the journal of an upload in flight (tape-upload.ts);
 * - `anchored` `<pool>!<root>`    → where a committed upload went on chain (version, tx): re-uploads reuse it.
 * Bigints are stored as decimal strings and every value is parsed back with zod on read.
 *
 * Proofs: the store keeps the LEAF LIST, not a proof per loan. A proof is cut from the tree rebuilt from
 * the leaves on the first request for a tape and kept in memory (one tape at a time). For a 1,000,000-loan
 * tape that is ~100 MB of hex leaves on disk, one sequential read and ~72 MB of memory for the tree
 * (see core's tape-commitment.ts), built once; storing a proof per loan instead would cost ~20 x 32 bytes
 * per loan (~1.3 GB as hex) and be re-written on every change. The 200-loan sample is the tested size.
 *
 * Writing: `importTape` first deletes the meta (so nothing is served) and any leftovers of an earlier
 * attempt, then writes loans and leaves in ONE batch per chunk, and writes the meta LAST, in its own
 * batch, only once the tree is built (and matches `expectedRoot`, when given). A tape without meta is
 * half written: readers treat it as absent (TAPE_NOT_FOUND), and the next import of it cleans it up.
 */
import { type Level } from "level";
import { z } from "zod";
import {
  type LoanRecord,
  type LoanTree,
  type TapeSummary,
  TapeCommitmentBuilder,
  buildLoanTree,
  bytesToHex,
  deriveLoanSalt,
  loanRecordSchema,
} from "@abs/core";
import { TapeStoreError } from "./errors";

type Root = Level<string, string>;

const UTF8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
const INDEX_DIGITS = 10;
const DEFAULT_CHUNK = 1_000;
const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "expected 0x followed by 64 lower-case hex digits");
const digits = z.string().regex(/^\d{1,78}$/, "expected a decimal integer");

/** The aggregates of a stored tape: what an "aggregates" member may read. */
export interface StoredTapeMeta {
  /** Pool address, lower case. */
  readonly pool: string;
  readonly version: number;
  readonly root: string;
  readonly loanCount: number;
  readonly summary: TapeSummary;
}

/** One stored loan: the pseudonymised record, its salt and its position among the tape's leaves. */
export interface StoredLoan {
  readonly record: LoanRecord;
  readonly salt: string;
  readonly leafIndex: number;
}

/** Which page of a tape's loan ids to list: ids strictly after `after` (a loan id), at most `limit` of them. */
export interface LoanIdsPageRequest {
  readonly after?: string | undefined;
  readonly limit: number;
}

/** A page of a tape's loan ids; `next` (the last id of the page) is absent on the last page. */
export interface LoanIdsPage {
  /** The tape's number of loans (all pages together list exactly this many ids). */
  readonly loanCount: number;
  readonly loanIds: readonly string[];
  readonly next?: string;
}

/** A page of a tape's loans with their leaves (no proofs: see `LevelTapeStore.listLoans`). */
export interface LoansPage {
  /** The tape's number of loans (all pages together hold exactly this many loans). */
  readonly loanCount: number;
  readonly loans: readonly (StoredLoan & { readonly leaf: string })[];
  /** The `after` of the following page (the last loan id of this one); absent on the last page. */
  readonly next?: string;
}

/** A loan with everything a receiver needs to verify it against the anchored root. */
export interface LoanOpening extends StoredLoan {
  readonly leaf: string;
  readonly proof: readonly string[];
  /** The root of the stored tape (informative: receivers check against the chain, not this). */
  readonly root: string;
}

const metaValue = z.object({
  pool: z.string().regex(/^0x[0-9a-f]{40}$/),
  version: z.number().int().min(1),
  root: bytes32,
  loanCount: z.number().int().min(1),
  summary: z.object({
    loanCount: z.number().int().min(1),
    totalPrincipalCents: digits.transform(BigInt),
    waRateWad: digits.transform(BigInt),
    waRemainingTermMonthsWad: digits.transform(BigInt),
  }),
});

const loanValue = z.object({
  record: loanRecordSchema,
  salt: bytes32,
  leafIndex: z.number().int().min(0),
});

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** A loan as the upload writes it, as bytes (a `CommittedLoan` is one). */
export interface WrittenLoan {
  readonly loanId: string;
  /** The record as `loanRecordJson` gives it, UTF-8. */
  readonly recordJsonUtf8: Uint8Array;
  /** The salt's 0x hex, as ASCII. */
  readonly saltAscii: Uint8Array;
  readonly leafBytes: Uint8Array;
  readonly leafIndex: number;
}

/** Streams one tape's loans into the store; see `LevelTapeStore.openWriter`. */
export interface TapeWriter {
  /** Buffer a loan; returns a promise when a chunk is being written (await it: back-pressure). */
  add(loan: WrittenLoan): Promise<void> | undefined;
  /** Write the loans still buffered. */
  flush(): Promise<void>;
}

const anchorValue = z.object({
  merkleRoot: bytes32,
  loanCount: z.number().int().min(1),
  totalPrincipalCents: digits,
  waRateWad: digits,
  waRemainingTermMonthsWad: digits,
  cutoffDate: z.number().int().min(0),
  contentHash: bytes32,
  dataUri: z.string().min(1),
});

/**
 * An upload in flight, journalled with the tape aggregate. `receiving`: loans are being validated and
 * written; `staged`: the tape is valid and fully written, its anchor is being sent through the chain bridge
 * under `actionKey`. (Committed uploads leave the journal: see `commitUpload`.)
 */
export const uploadEntry = z.discriminatedUnion("state", [
  z.object({
    state: z.literal("receiving"),
    pool: z.string(),
    version: z.number().int().min(1),
    startedAt: z.number(),
  }),
  z.object({
    state: z.literal("staged"),
    pool: z.string(),
    version: z.number().int().min(1),
    startedAt: z.number(),
    actionKey: z.string(),
    kind: z.number().int().min(0).max(4),
    anchor: anchorValue,
    /** The change set against the previous version (absent for an Initial tape: all zero). */
    change: z
      .object({
        loansAdded: z.number().int().min(0),
        loansRemoved: z.number().int().min(0),
        principalAddedCents: z.string().regex(/^\d+$/),
        principalRemovedCents: z.string().regex(/^\d+$/),
        changeSetRoot: z.string().regex(/^0x[0-9a-f]{64}$/),
      })
      .optional(),
  }),
]);
export type UploadEntry = z.input<typeof uploadEntry>;

/** A committed upload: where the tape went on chain. */
const anchoredTape = z.object({
  pool: z.string(),
  version: z.number().int().min(1),
  root: bytes32,
  loanCount: z.number().int().min(1),
  contentHash: bytes32,
  txHash: z.string().regex(/^0x[0-9a-f]{64}$/),
  blockNumber: z.number().int().min(0),
});
export type AnchoredTape = z.output<typeof anchoredTape>;

export interface ImportTapeOptions {
  /** The originator's salt key (salts are derived per loan: `deriveLoanSalt`). */
  readonly saltKey: Uint8Array;
  /** Refuse (TAPE_ROOT_MISMATCH, nothing served) unless the records give this root, e.g. the anchored one. */
  readonly expectedRoot?: string;
  /** Loans per batch. Default 1,000. */
  readonly chunkSize?: number;
}

export class LevelTapeStore {
  private readonly tapes;
  private readonly meta;
  private readonly loans;
  private readonly leaves;
  private readonly uploads;
  private readonly anchored;
  /** The tree of the last tape a proof was asked for. */
  private readonly trees = new LastTreeCache();

  /** `db` is the node's LevelDB (opened and closed by the caller). */
  constructor(db: Root) {
    this.tapes = db.sublevel<string, string>("tapes", UTF8);
    this.meta = this.tapes.sublevel<string, string>("meta", UTF8);
    this.loans = this.tapes.sublevel<string, string>("loans", UTF8);
    this.leaves = this.tapes.sublevel<string, string>("leaves", UTF8);
    this.uploads = this.tapes.sublevel<string, string>("uploads", UTF8);
    this.anchored = this.tapes.sublevel<string, string>("anchored", UTF8);
  }

  /**
   * Commit `records` as tape `version` of `pool` and store it (see the file comment for the write order).
   * Returns the stored meta. Throws core's errors for a bad or duplicate record, TAPE_ROOT_MISMATCH.
   */
  async importTape(
    pool: string,
    version: number,
    records: Iterable<LoanRecord> | AsyncIterable<LoanRecord>,
    options: ImportTapeOptions,
  ): Promise<StoredTapeMeta> {
    const key = tapeKey(pool, version);
    await this.removeTape(pool, version);
    const builder = new TapeCommitmentBuilder({ saltKey: options.saltKey });
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    let loanPuts: { key: string; value: string }[] = [];
    let leafPuts: { key: string; value: string }[] = [];
    const flush = async () => {
      if (loanPuts.length === 0) return;
      // One batch per chunk: a loan and its leaf are always written together.
      await this.tapes.batch([
        ...loanPuts.map((op) => ({ type: "put" as const, sublevel: this.loans, ...op })),
        ...leafPuts.map((op) => ({ type: "put" as const, sublevel: this.leaves, ...op })),
      ]);
      loanPuts = [];
      leafPuts = [];
    };
    for await (const record of records) {
      const salt = deriveLoanSalt(options.saltKey, record.loanId);
      const leafIndex = builder.loanCount;
      const leaf = builder.add(record);
      loanPuts.push({ key: `${key}!${record.loanId}`, value: toJson({ record, salt, leafIndex }) });
      leafPuts.push({ key: `${key}!${indexKey(leafIndex)}`, value: leaf.toLowerCase() });
      if (loanPuts.length >= chunkSize) await flush();
    }
    await flush();
    const { root, summary } = builder.finish();
    if (options.expectedRoot !== undefined && options.expectedRoot.toLowerCase() !== root.toLowerCase()) {
      await this.removeTape(pool, version);
      throw new TapeStoreError(
        "TAPE_ROOT_MISMATCH",
        `tape ${version} of pool ${key.split("!")[0]}: expected root ${options.expectedRoot}, the records give ${root}`,
      );
    }
    const meta: StoredTapeMeta = {
      pool: pool.toLowerCase(),
      version,
      root: root.toLowerCase(),
      loanCount: summary.loanCount,
      summary,
    };
    // The "complete" marker, written last.
    await this.tapes.batch([{ type: "put", sublevel: this.meta, key, value: toJson(meta) }]);
    return meta;
  }

  /**
   * Start writing tape `version` of `pool` loan by loan (the upload pipeline): clears any leftovers, then
   * `add` buffers loans and writes each chunk (loans + leaves) in one batch, `flush` writes the rest. The
   * tape is not served until `commitUpload` writes its meta.
   */
  async openWriter(pool: string, version: number, chunkSize = DEFAULT_CHUNK): Promise<TapeWriter> {
    await this.removeTape(pool, version);
    const key = tapeKey(pool, version);
    let buffered: WrittenLoan[] = [];
    const flush = async () => {
      if (buffered.length === 0) return;
      const loans = buffered;
      buffered = [];
      await this.tapes.batch<string, Uint8Array>(storedLoanOps(loans, key, this.loans, this.leaves), {});
    };
    return {
      add: (loan) => {
        buffered.push(loan);
        return buffered.length >= chunkSize ? flush() : undefined;
      },
      flush,
    };
  }

  // ------------------------------------------------------------ upload journal (the tape aggregate's own)

  /** Record an upload's state (see tape-upload.ts); key: pool and version. */
  async putUpload(entry: UploadEntry): Promise<void> {
    await this.uploads.put(tapeKey(entry.pool, entry.version), toJson(entry));
  }

  /** Every upload that is not committed (after a crash: to resume or roll back). */
  async listUploads(): Promise<UploadEntry[]> {
    const entries: UploadEntry[] = [];
    for await (const [key, raw] of this.uploads.iterator()) {
      entries.push(parseStored(uploadEntry, raw, `upload journal entry ${key}`));
    }
    return entries;
  }

  /** Remove an upload's data and its journal entry (the meta first, if any, then loans and leaves). */
  async abortUpload(pool: string, version: number): Promise<void> {
    await this.removeTape(pool, version);
    await this.uploads.del(tapeKey(pool, version));
  }

  /**
   * Commit an upload in ONE batch: the meta (the tape is served from now on), the anchored index entry
   * (root → version, for idempotent re-uploads), and the removal of the upload's journal entry.
   */
  async commitUpload(meta: StoredTapeMeta, anchored: AnchoredTape): Promise<void> {
    const key = tapeKey(meta.pool, meta.version);
    await this.tapes.batch([
      { type: "put", sublevel: this.meta, key, value: toJson(meta) },
      { type: "put", sublevel: this.anchored, key: `${meta.pool.toLowerCase()}!${meta.root}`, value: toJson(anchored) },
      { type: "del", sublevel: this.uploads, key },
    ]);
  }

  /** The committed upload of `root` to `pool`, if any. */
  async anchoredTape(pool: string, root: string): Promise<AnchoredTape | undefined> {
    const raw = await this.anchored.get(`${pool.toLowerCase()}!${root.toLowerCase()}`);
    return raw === undefined ? undefined : parseStored(anchoredTape, raw, `anchored tape ${root}`);
  }

  /** Whether a complete tape (meta written) is stored. */
  async has(pool: string, version: number): Promise<boolean> {
    return (await this.meta.get(tapeKey(pool, version))) !== undefined;
  }

  /** How many loans and leaves are stored under a tape (complete or not): for checks and tests. */
  async countRows(pool: string, version: number): Promise<{ loans: number; leaves: number }> {
    const key = tapeKey(pool, version);
    const range = { gt: `${key}!`, lt: `${key}!\xff` };
    const loans = (await this.loans.keys(range).all()).length;
    const leaves = (await this.leaves.keys(range).all()).length;
    return { loans, leaves };
  }

  /** Delete a tape (complete or half written): the meta first, so it stops being served at once. */
  async removeTape(pool: string, version: number): Promise<void> {
    const key = tapeKey(pool, version);
    await this.meta.del(key);
    this.trees.drop(key);
    const range = { gt: `${key}!`, lt: `${key}!\xff` };
    await this.loans.clear(range);
    await this.leaves.clear(range);
  }

  /** The meta of a complete tape; TAPE_NOT_FOUND if absent or half written. */
  async getMeta(pool: string, version: number): Promise<StoredTapeMeta> {
    const key = tapeKey(pool, version);
    const raw = await this.meta.get(key);
    if (raw === undefined) {
      throw new TapeStoreError("TAPE_NOT_FOUND", `no tape version ${version} is stored for pool ${pool}`);
    }
    return parseStored(metaValue, raw, `meta of tape ${key}`);
  }

  /**
   * One page of the loan ids of a complete tape, in key order (loan ids sorted by their UTF-8 bytes), starting
   * after `after` (exclusive; from the first id when absent). Reads at most `limit + 1` keys straight from a
   * LevelDB key iterator (no values, nothing else held), so a 1,000,000-loan tape is listed page by page.
   * `next` is the cursor of the following page (the last id of this one), or undefined on the last page.
   * TAPE_NOT_FOUND if the tape is absent or half written.
   */
  async listLoanIds(pool: string, version: number, page: LoanIdsPageRequest): Promise<LoanIdsPage> {
    const meta = await this.getMeta(pool, version);
    const key = tapeKey(pool, version);
    const keys = await this.loans
      .keys({ gt: `${key}!${page.after ?? ""}`, lt: `${key}!\xff`, limit: page.limit + 1 })
      .all();
    const ids = keys.map((k) => k.slice(key.length + 1));
    const more = ids.length > page.limit;
    const loanIds = more ? ids.slice(0, page.limit) : ids;
    const last = loanIds[loanIds.length - 1];
    return { loanCount: meta.loanCount, loanIds, ...(more && last !== undefined ? { next: last } : {}) };
  }

  /**
   * One page of the loans of a complete tape, in loan id order as `listLoanIds` (the same cursor), each with
   * its salt, leaf index and stored leaf, WITHOUT a proof: a receiver that takes the whole tape rebuilds the
   * root from the leaves (the tree sorts its leaves, so their order does not matter), which costs it 32 bytes
   * a loan instead of ~20 x 32 bytes of proof, and costs this node no tree. Reads at most `limit + 1` loans
   * from one LevelDB iterator and their leaves with one `getMany`. TAPE_NOT_FOUND if the tape is absent or
   * half written, TAPE_STORE_CORRUPT if a stored value does not parse or a leaf is missing.
   */
  async listLoans(pool: string, version: number, page: LoanIdsPageRequest): Promise<LoansPage> {
    const meta = await this.getMeta(pool, version);
    const key = tapeKey(pool, version);
    const entries = await this.loans
      .iterator({ gt: `${key}!${page.after ?? ""}`, lt: `${key}!\xff`, limit: page.limit + 1 })
      .all();
    const more = entries.length > page.limit;
    const kept = more ? entries.slice(0, page.limit) : entries;
    const ids = kept.map(([k]) => k.slice(key.length + 1));
    const loans = kept.map(([, raw], i) => parseStored(loanValue, raw, `loan "${ids[i] ?? ""}" of tape ${key}`));
    const leaves = await this.leaves.getMany(loans.map((l) => `${key}!${indexKey(l.leafIndex)}`));
    const withLeaves = loans.map((loan, i) => {
      const leaf = leaves[i];
      if (leaf === undefined) {
        throw new TapeStoreError("TAPE_STORE_CORRUPT", `loan "${loan.record.loanId}" points at a missing leaf`);
      }
      return { ...loan, leaf: parseStored(bytes32, leaf, `leaf ${loan.leafIndex} of tape ${key}`, false) };
    });
    const last = ids[ids.length - 1];
    return { loanCount: meta.loanCount, loans: withLeaves, ...(more && last !== undefined ? { next: last } : {}) };
  }

  /** A stored loan of a complete tape with its leaf and proof; TAPE_NOT_FOUND or LOAN_NOT_FOUND. */
  async openLoan(pool: string, version: number, loanId: string): Promise<LoanOpening> {
    const meta = await this.getMeta(pool, version);
    const key = tapeKey(pool, version);
    const raw = await this.loans.get(`${key}!${loanId}`);
    if (raw === undefined) {
      throw new TapeStoreError("LOAN_NOT_FOUND", `tape version ${version} of pool ${pool} has no loan "${loanId}"`);
    }
    const loan = parseStored(loanValue, raw, `loan "${loanId}" of tape ${key}`);
    const tree = await this.treeOf(key, meta);
    if (loan.leafIndex >= tree.length) {
      throw new TapeStoreError(
        "TAPE_STORE_CORRUPT",
        `loan "${loanId}" points at leaf ${loan.leafIndex} of ${tree.length}`,
      );
    }
    return {
      ...loan,
      leaf: tree.leafAt(loan.leafIndex),
      proof: tree.getProof(loan.leafIndex),
      root: meta.root,
    };
  }

  private treeOf(key: string, meta: StoredTapeMeta): Promise<LoanTree> {
    return this.trees.of(key, () =>
      treeOfStoredLeaves(this.leaves.values({ gt: `${key}!`, lt: `${key}!\xff` }), meta, `tape ${key}`),
    );
  }
}

/** The tree of the last leaf set a proof was asked for (one kept in memory at a time), built once. */
export class LastTreeCache {
  private cached: { key: string; tree: Promise<LoanTree> } | undefined;

  /** The tree of `key`, built by `build` unless it is the one kept (a failed build is not kept). */
  of(key: string, build: () => Promise<LoanTree>): Promise<LoanTree> {
    if (this.cached?.key !== key) {
      const tree = build();
      this.cached = { key, tree };
      tree.catch(() => {
        if (this.cached?.tree === tree) this.cached = undefined;
      });
    }
    return this.cached.tree;
  }

  /** Forget the tree of `key` (its leaves are being removed). */
  drop(key: string): void {
    if (this.cached?.key === key) this.cached = undefined;
  }
}

/**
 * The tree of a stored leaf set, read in index order; TAPE_STORE_CORRUPT unless there are exactly
 * `expected.loanCount` leaves and they give `expected.root`.
 */
export async function treeOfStoredLeaves(
  stored: AsyncIterable<string>,
  expected: { readonly loanCount: number; readonly root: string },
  what: string,
): Promise<LoanTree> {
  const leaves: string[] = [];
  for await (const leaf of stored) leaves.push(parseStored(bytes32, leaf, `leaf ${leaves.length} of ${what}`, false));
  if (leaves.length !== expected.loanCount) {
    throw new TapeStoreError(
      "TAPE_STORE_CORRUPT",
      `${what}: expected ${expected.loanCount} leaves, found ${leaves.length}`,
    );
  }
  const tree = buildLoanTree(leaves);
  if (tree.root !== expected.root) {
    throw new TapeStoreError(
      "TAPE_STORE_CORRUPT",
      `${what}: stored leaves give root ${tree.root}, the stored root is ${expected.root}`,
    );
  }
  return tree;
}

function tapeKey(pool: string, version: number): string {
  return `${pool.toLowerCase()}!${indexKey(version)}`;
}

export function indexKey(n: number): string {
  return String(n).padStart(INDEX_DIGITS, "0");
}

/** Parse a stored value; a failure is a storage fault (TAPE_STORE_CORRUPT). Messages name fields only, never stored values. */
export function parseStored<T>(schema: z.ZodType<T, unknown>, raw: string, what: string, json = true): T {
  let value: unknown = raw;
  if (json) {
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      throw new TapeStoreError("TAPE_STORE_CORRUPT", `stored ${what} is not JSON`, { cause });
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(value)"))];
    throw new TapeStoreError("TAPE_STORE_CORRUPT", `stored ${what} is invalid in: ${fields.join(", ")}`);
  }
  return parsed.data;
}

const LOAN_VALUE_HEAD = Buffer.from('{"record":', "latin1");
const LOAN_VALUE_SALT = Buffer.from(',"salt":"', "latin1");
const LOAN_VALUE_INDEX = Buffer.from('","leafIndex":', "latin1");
/** Room for the leaf index's digits and the closing brace. */
const LOAN_VALUE_TAIL_BYTES = 17;
/** A leaf as stored: "0x" and 64 lowercase hex digits. */
const LEAF_VALUE_BYTES = 66;

/**
 * One batch for a chunk of uploaded loans: each loan's value (the text `toJson({ record, salt, leafIndex })` gives,
 * with the record's JSON as it came) and its leaf (0x hex), all written as bytes into one buffer, so that LevelDB
 * copies each value without a UTF-8 conversion and no string is made per loan but its keys. A loan and its leaf are
 * always written together.
 */
function storedLoanOps<Sublevel>(
  loans: readonly WrittenLoan[],
  key: string,
  loanLevel: Sublevel,
  leafLevel: Sublevel,
): { type: "put"; sublevel: Sublevel; key: string; value: Uint8Array; valueEncoding: "view" }[] {
  let bytes = 0;
  for (const loan of loans) {
    bytes += LOAN_VALUE_HEAD.length + loan.recordJsonUtf8.length + LOAN_VALUE_SALT.length + loan.saltAscii.length;
    bytes += LOAN_VALUE_INDEX.length + LOAN_VALUE_TAIL_BYTES + LEAF_VALUE_BYTES;
  }
  const out = Buffer.allocUnsafe(bytes);
  const ops: ReturnType<typeof storedLoanOps<Sublevel>> = [];
  let at = 0;
  const put = (level: Sublevel, opKey: string, start: number): void => {
    ops.push({ type: "put", sublevel: level, key: opKey, value: out.subarray(start, at), valueEncoding: "view" });
  };
  for (const loan of loans) {
    const start = at;
    at += LOAN_VALUE_HEAD.copy(out, at);
    out.set(loan.recordJsonUtf8, at);
    at += loan.recordJsonUtf8.length;
    at += LOAN_VALUE_SALT.copy(out, at);
    out.set(loan.saltAscii, at);
    at += loan.saltAscii.length;
    at += LOAN_VALUE_INDEX.copy(out, at);
    at += out.write(`${loan.leafIndex}}`, at, "latin1");
    put(loanLevel, `${key}!${loan.loanId}`, start);
  }
  for (const loan of loans) {
    const start = at;
    at += out.write(bytesToHex(loan.leafBytes), at, "latin1");
    put(leafLevel, `${key}!${indexKey(loan.leafIndex)}`, start);
  }
  return ops;
}
