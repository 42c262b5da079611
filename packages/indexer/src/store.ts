import { Level } from "level";
import { z } from "zod";
import { EntityCache } from "./entity-cache";
import { StoreError } from "./errors";
import { type EntityModel, type SchemaModel } from "./schema-model";

/** A stored field value: BigInt as decimal string, Bytes as 0x lower-case hex, references as the id. */
export type Scalar = string | number | boolean | null;
export type EntityData = Record<string, Scalar>;

const entityDataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const checkpointSchema = z.object({ number: z.number().int(), hash: z.string() });
export type Checkpoint = z.infer<typeof checkpointSchema>;
const blockRecordSchema = z.object({ hash: z.string(), timestamp: z.number().int() });
export type BlockRecord = z.infer<typeof blockRecordSchema>;
const undoSchema = z.array(z.tuple([z.string(), z.string(), z.union([z.string(), z.null()])]));

/** Block numbers in keys: fixed width so keys sort by number. */
export function padBlock(n: number): string {
  return n.toString().padStart(12, "0");
}

/**
 * The stored form of an entity of `type`: its fields plus `id` and `_b` (the block), keys sorted so
 * that equal states are equal bytes once JSON-encoded.
 */
function withKeys(type: string, data: EntityData, id: string, block: number): EntityData {
  const sorted: EntityData = {};
  for (const key of keyOrder(type, Object.keys(data))) sorted[key] = data[key] ?? null;
  sorted["id"] = id;
  sorted["_b"] = block;
  return sorted;
}

/**
 * The sorted field list (with `id` and `_b`) of an entity whose own keys are `keys`. Entities of one
 * type come in a few key lists (in the same order): each is sorted once, and recognised by comparing
 * the lists (property names are interned strings), which is cheaper than a joined-string lookup.
 */
function keyOrder(type: string, keys: string[]): string[] {
  let known = keyOrders.get(type);
  if (!known) {
    known = [];
    keyOrders.set(type, known);
  }
  for (const k of known) {
    if (k.keys.length === keys.length && k.keys.every((key, i) => key === keys[i])) return k.order;
  }
  const order = [...new Set([...keys, "id", "_b"])].sort();
  if (known.length >= 16) known.shift();
  known.push({ keys, order });
  return order;
}
const keyOrders = new Map<string, { keys: string[]; order: string[] }[]>();

export function decodeEntity(text: string, where: string): EntityData {
  const parsed = entityDataSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new StoreError("STORE_VALUE_INVALID", `${where}: expected an entity object`);
  return parsed.data;
}

import { type AbstractSublevel } from "abstract-level";

type Sub = AbstractSublevel<Level<string, string>, string | Buffer | Uint8Array, string, string>;

/**
 * The indexer's LevelDB. One sublevel per entity type for current values (`e.<Type>`), one for the
 * superseded versions of mutable entities (`h.<Type>`, key `id@block` of the block that wrote the
 * version; the current one is only in `e.`) answering `block: {number}` queries, one
 * per reference field (`x.<Type>.<field>`, key `refId|id`), plus `blocks` (hash and time of every
 * block that had indexed logs), `undo` (per-block previous values of every key a block wrote, kept
 * for the reorg window) and `meta` (the checkpoint). Every block range is one `batch`.
 */
export class IndexerStore {
  private readonly subs = new Map<string, Sub>();
  /** Committed values of mutable entities, with the decoded forms handlers have read (no JSON.parse + zod). */
  private readonly cache = new EntityCache(200_000);
  /** Sublevel names by entity type, built once: see `subNames` */
  private readonly names = new Map<string, SubNames>();
  /** LevelDB reads that missed the cache (a catch-up figure). */
  reads = 0;
  /** Keys of the `undo` sublevel (blocks in the reorg window): see undoKeysBelow */
  private readonly undoKeys = new Set<string>();

  /** The `e.` sublevels of mutable entity types: the ones whose values are cached */
  private readonly mutableSubs: ReadonlySet<string>;

  private constructor(
    readonly db: Level<string, string>,
    readonly model: SchemaModel,
  ) {
    const mutable = [...model.entities.keys()].filter((type) => !this.entityModel(type).immutable);
    this.mutableSubs = new Set(mutable.map((type) => this.subNames(type).current));
  }

  static async open(location: string, model: SchemaModel): Promise<IndexerStore> {
    // A 64 MiB write buffer (LevelDB's default is 4 MiB): a catch-up writes a few MiB per range, and
    // fewer, larger level-0 files mean less compaction competing with the indexer for the CPU.
    const db = new Level<string, string>(location, {
      keyEncoding: "utf8",
      valueEncoding: "utf8",
      writeBufferSize: 64 * 2 ** 20,
    });
    await db.open();
    const store = new IndexerStore(db, model);
    for await (const k of store.sub("undo").keys()) store.undoKeys.add(k);
    return store;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  sub(name: string): Sub {
    let s = this.subs.get(name);
    if (!s) {
      s = this.db.sublevel<string, string>(name, { keyEncoding: "utf8", valueEncoding: "utf8" });
      this.subs.set(name, s);
    }
    return s;
  }

  /**
   * The sublevel names of an entity type. Built once per type: a name concatenated per call is a
   * fresh string, flattened and hashed again by every map it is looked up in.
   */
  subNames(type: string): SubNames {
    let names = this.names.get(type);
    if (!names) {
      names = { current: "e." + type, superseded: "h." + type, refs: new Map() };
      for (const ref of this.entityModel(type).indexed) names.refs.set(ref.name, refSubName(type, ref.name));
      this.names.set(type, names);
    }
    return names;
  }

  entityModel(type: string): EntityModel {
    const m = this.model.entities.get(type);
    if (!m) throw new StoreError("STORE_VALUE_INVALID", `unknown entity type ${type}`);
    return m;
  }

  async checkpoint(): Promise<Checkpoint | undefined> {
    const text = await this.sub("meta").get("checkpoint");
    if (text === undefined) return undefined;
    return checkpointSchema.parse(JSON.parse(text));
  }

  async blockRecord(n: number): Promise<BlockRecord | undefined> {
    const text = await this.sub("blocks").get(padBlock(n));
    return text === undefined ? undefined : blockRecordSchema.parse(JSON.parse(text));
  }

  /** Stored blocks (that had logs) in [from, to], ascending. */
  async blockRecords(from: number, to: number): Promise<(BlockRecord & { number: number })[]> {
    const out: (BlockRecord & { number: number })[] = [];
    for await (const [k, v] of this.sub("blocks").iterator({ gte: padBlock(from), lte: padBlock(to) })) {
      out.push({ number: Number(k), ...blockRecordSchema.parse(JSON.parse(v)) });
    }
    return out;
  }

  /** Committed raw value of a key (cached for mutable entities). */
  async raw(subName: string, key: string): Promise<string | undefined> {
    const hit = this.cache.text(subName, key);
    if (hit !== undefined) return hit ?? undefined;
    this.reads++;
    const value = await this.sub(subName).get(key);
    if (this.mutableSubs.has(subName)) this.cache.set(subName, key, value ?? null);
    return value;
  }

  /** The decoded form of an entity's committed `text` (from the cache when it holds it): read only. */
  decodedValue(type: string, id: string, text: string): EntityData {
    return this.cache.decoded(this.subNames(type).current, id) ?? decodeEntity(text, `${type} ${id}`);
  }

  /** The current value of an entity. */
  async get(type: string, id: string): Promise<EntityData | undefined> {
    const data = await this.peek(type, id);
    return data && { ...data };
  }

  /** The current value of an entity, not copied: the caller must not modify it. */
  async peek(type: string, id: string): Promise<Readonly<EntityData> | undefined> {
    const sub = this.subNames(type).current;
    const known = this.cache.decoded(sub, id);
    if (known) return known;
    const text = await this.raw(sub, id);
    if (text === undefined) return undefined;
    const data = decodeEntity(text, `${type} ${id}`);
    this.cache.setDecoded(sub, id, data);
    return data;
  }

  /** The entity as of the end of block `n` (time travel). */
  async getAt(type: string, id: string, n: number): Promise<EntityData | undefined> {
    const current = await this.get(type, id);
    if (!current) return undefined;
    if (Number(current["_b"]) <= n) return current;
    return this.entityModel(type).immutable ? undefined : this.supersededAt(type, id, n);
  }

  /** Every entity of a type, current or as of block `n`. */
  async *all(type: string, n?: number): AsyncGenerator<EntityData> {
    const mutable = !this.entityModel(type).immutable;
    for await (const v of this.sub(this.subNames(type).current).values()) {
      const e = decodeEntity(v, type);
      if (n === undefined || Number(e["_b"]) <= n) yield e;
      else if (mutable) {
        const then = await this.supersededAt(type, String(e["id"]), n);
        if (then) yield then;
      }
    }
  }

  /**
   * The version of a mutable entity at the end of block `n` when its current version is later:
   * `h.<Type>` keeps each superseded version under the block that wrote it.
   */
  private async supersededAt(type: string, id: string, n: number): Promise<EntityData | undefined> {
    for await (const v of this.sub(this.subNames(type).superseded).values({
      gte: id + "@",
      lte: id + "@" + padBlock(n),
      reverse: true,
      limit: 1,
    })) {
      return v === "null" ? undefined : decodeEntity(v, `${type} ${id}@${n}`);
    }
    return undefined;
  }

  /** Ids of the entities of `type` whose reference `field` is `refId` (current state). */
  async idsByRef(type: string, field: string, refId: string): Promise<string[]> {
    const ids: string[] = [];
    const sub = this.subNames(type).refs.get(field) ?? refSubName(type, field);
    for await (const k of this.sub(sub).keys({ gt: refId + "|", lt: refId + "|~" })) {
      ids.push(k.slice(refId.length + 1));
    }
    return ids;
  }

  /**
   * Start writing a batch of blocks; `previous` is the writer of the batch before it when that
   * batch may not have landed yet (its writes are read through).
   */
  writer(undoFrom: number, previous?: BlockWriter): BlockWriter {
    return new BlockWriter(this, undoFrom, previous?.writes);
  }

  /** Apply a batch and keep the cache in step. */
  async commit(ops: BatchOp[]): Promise<void> {
    // Keys prefixed by hand (the sublevels' own prefixes, so the same bytes): abstract-level's
    // per-operation sublevel handling costs more than LevelDB's write (a catch-up figure).
    const batch = this.db.batch();
    for (const op of ops) {
      const key = this.sub(op.sub).prefix + op.key;
      if (op.value === null) batch.del(key);
      else batch.put(key, op.value);
    }
    await batch.write();
    for (const op of ops) {
      if (op.sub === "undo") {
        if (op.value === null) this.undoKeys.delete(op.key);
        else this.undoKeys.add(op.key);
      } else if (this.mutableSubs.has(op.sub)) {
        // Cache committed values of mutable entities only: immutable ones are written once, rarely read;
        // so is a per-log record (a Transfer, a Claim), which is not kept in memory either.
        if (op.created) this.cache.delete(op.sub, op.key);
        else this.cache.set(op.sub, op.key, op.value, op.data);
      }
    }
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** Undo records of blocks > n, newest first. */
  async undoRecordsAbove(n: number): Promise<{ block: number; ops: [string, string, string | null][] }[]> {
    const out: { block: number; ops: [string, string, string | null][] }[] = [];
    for await (const [k, v] of this.sub("undo").iterator({ gt: padBlock(n), reverse: true })) {
      out.push({ block: Number(k), ops: undoSchema.parse(JSON.parse(v)) });
    }
    return out;
  }

  /**
   * Keys of the undo records of blocks < n, in order. From memory (the undo keys are loaded at open
   * and kept by `commit`): an iterator here would hold a range's batch until the handlers of the
   * next range let its callback run, so the write would not overlap them.
   */
  undoKeysBelow(n: number): string[] {
    const limit = padBlock(n);
    return [...this.undoKeys].filter((k) => k < limit).sort();
  }

  /** Every key and value of the database in key order: the byte-for-byte state. */
  async dump(): Promise<[string, string][]> {
    const out: [string, string][] = [];
    for await (const [k, v] of this.db.iterator()) out.push([k, v]);
    return out;
  }
}

/** The sublevel of a reference index: key `refId|id` for each entity of `type` whose `field` is refId. */
function refSubName(type: string, field: string): string {
  return `x.${type}.${field}`;
}

/** The sublevels of an entity type: current values, superseded versions, one per indexed reference. */
export interface SubNames {
  current: string;
  superseded: string;
  /** by indexed reference field, in the model's order */
  refs: Map<string, string>;
}

export interface BatchOp {
  sub: string;
  key: string;
  /** null deletes */
  value: string | null;
  /** The entity `value` encodes (entity writes only; not stored, feeds the decoded cache) */
  data?: EntityData;
  /** Written by `create` (a new per-log record): the store does not cache it */
  created?: boolean;
}

/** A previous value: the stored text, null (absent), or a write of this batch or the one before. */
type Previous = string | null | BatchOp;

function textOf(prev: Previous): string | null {
  return prev !== null && typeof prev === "object" ? prev.value : prev;
}

/** A mutable entity's write, JSON-encoded when first read (usually when its batch is built). */
class EntityWrite {
  private text: string | undefined;
  constructor(
    readonly sub: string,
    readonly key: string,
    readonly data: EntityData,
    readonly block: number,
  ) {}
  get value(): string {
    return (this.text ??= JSON.stringify(this.data));
  }
}

/** A write collected by a BlockWriter, with the block that made it. */
interface WrittenOp extends BatchOp {
  block: number;
}

/**
 * Collects the writes of a range of blocks: an overlay read by later handlers of the same range,
 * and per block the previous value of every key it touched (the undo record that a reorg replays).
 */
export class BlockWriter {
  /** The latest write of each key, by sublevel then key (no concatenated keys: hashing them costs) */
  private readonly overlay = new Map<string, Map<string, WrittenOp>>();
  /** Per block, the previous value of every key it wrote (once per key: see `record`); a write of
   * this batch or the one before stands for its value, encoded when the batch is built */
  private readonly undo = new Map<number, [string, string, Previous][]>();
  private block = 0;

  constructor(
    private readonly store: IndexerStore,
    /** Blocks >= this keep undo records (the reorg window). */
    private readonly undoFrom: number,
    /** The writes of the batch before this one, while it may still be in flight */
    private before?: ReadonlyMap<string, ReadonlyMap<string, BatchOp>>,
  ) {}

  /** The batch before this one has landed: read the store instead of its writes (and let them go). */
  previousLanded(): void {
    this.before = undefined;
  }

  /** This batch's writes by sublevel and key (read through by the next batch's writer). */
  get writes(): ReadonlyMap<string, ReadonlyMap<string, BatchOp>> {
    return this.overlay;
  }

  setBlock(n: number): void {
    this.block = n;
  }

  get currentBlock(): number {
    return this.block;
  }

  /**
   * The latest write of a key in this batch, or (unless the caller knows the key is new to the
   * store) in the batch before; undefined: read the store.
   */
  private written(sub: string, key: string, knownAbsent: boolean): BatchOp | undefined {
    const own = this.overlay.get(sub)?.get(key);
    if (own || knownAbsent || !this.before) return own;
    return this.before.get(sub)?.get(key);
  }

  private async current(sub: string, key: string, knownAbsent: boolean): Promise<string | null> {
    const o = this.written(sub, key, knownAbsent);
    if (o) return o.value;
    if (knownAbsent) return null;
    return (await this.store.raw(sub, key)) ?? null;
  }

  /** Record a write, and its undo record (the previous value) if it is the key's first in this block. */
  private record(op: WrittenOp, prev: Previous): void {
    let writes = this.overlay.get(op.sub);
    if (!writes) {
      writes = new Map();
      this.overlay.set(op.sub, writes);
    }
    if (this.block >= this.undoFrom && writes.get(op.key)?.block !== this.block) {
      let rec = this.undo.get(this.block);
      if (!rec) {
        rec = [];
        this.undo.set(this.block, rec);
      }
      rec.push([op.sub, op.key, prev]);
    }
    writes.set(op.key, op);
  }

  /** Write one raw key of a sublevel, with its undo record. Returns the previous value. */
  async write(sub: string, key: string, value: string | null, knownAbsent = false): Promise<string | null> {
    const prev = await this.current(sub, key, knownAbsent);
    this.record({ sub, key, value, block: this.block }, prev);
    return prev;
  }

  async raw(sub: string, key: string): Promise<string | null> {
    return this.current(sub, key, false);
  }

  async get(type: string, id: string): Promise<EntityData | undefined> {
    const data = await this.peek(type, id);
    return data && { ...data };
  }

  /** The current value of an entity, not copied: the caller must not modify it. */
  async peek(type: string, id: string): Promise<Readonly<EntityData> | undefined> {
    const o = this.written(this.store.subNames(type).current, id, false);
    if (o) {
      if (o.data) return o.data;
      return o.value === null ? undefined : decodeEntity(o.value, `${type} ${id}`);
    }
    return this.store.peek(type, id);
  }

  /** Write an entity (current value, version for time travel, reference indexes). */
  async set(type: string, id: string, data: EntityData): Promise<void> {
    await this.put(type, id, data, false);
  }

  /**
   * Write an entity the caller knows is new (an id unique to its log): saves the read of a previous
   * value that `set` does for mutable entities.
   */
  async create(type: string, id: string, data: EntityData): Promise<void> {
    await this.put(type, id, data, true);
  }

  private async put(type: string, id: string, data: EntityData, isNew: boolean): Promise<void> {
    const model = this.store.entityModel(type);
    const names = this.store.subNames(type);
    const sub = names.current;
    const knownAbsent = model.immutable || isNew;
    // The previous value (a write of this batch or the one before, or the stored text), and its
    // decoded form where one is at hand (only reference fields and the block are read).
    let prev: Previous = null;
    let prevData: EntityData | undefined;
    const earlier = this.written(sub, id, knownAbsent);
    if (earlier) {
      prev = earlier;
      prevData = earlier.data;
    } else if (!knownAbsent) {
      prev = (await this.store.raw(sub, id)) ?? null;
      if (prev !== null) prevData = this.store.decodedValue(type, id, prev);
    }
    const entity = withKeys(type, data, id, this.block);
    // A per-log record is encoded now and its decoded form dropped (fewer live objects); a mutable
    // entity is encoded when the batch is built, once, however often the range rewrites it.
    const op: WrittenOp = knownAbsent
      ? { sub, key: id, value: JSON.stringify(entity), block: this.block, created: isNew }
      : new EntityWrite(sub, id, entity, this.block);
    this.record(op, prev);
    if (prev !== null && !prevData) prevData = decodeEntity(textOf(prev) ?? "null", `${type} ${id}`);
    // The version this one supersedes is kept for time travel, unless the same block wrote it.
    const prevBlock = prevData?.["_b"];
    if (typeof prevBlock === "number" && prevBlock < this.block && prev !== null) {
      const key = id + "@" + padBlock(prevBlock);
      const from = prev;
      this.record(
        typeof from === "string"
          ? { sub: names.superseded, key, value: from, block: this.block }
          : {
              sub: names.superseded,
              key,
              block: this.block,
              get value() {
                return from.value;
              },
            },
        null,
      );
    }
    for (const [field, refSub] of names.refs) {
      const before = prevData?.[field];
      const after = data[field];
      if (before === after) continue;
      if (typeof before === "string") await this.write(refSub, `${before}|${id}`, null);
      if (typeof after === "string") await this.write(refSub, `${after}|${id}`, "", true);
    }
  }

  /** Everything to commit: entity writes, undo records, block records, the checkpoint, pruned undo. */
  ops(checkpoint: Checkpoint, blocks: Map<number, BlockRecord>, pruneUndoBelow: number): BatchOp[] {
    const out: BatchOp[] = [];
    for (const writes of this.overlay.values()) for (const op of writes.values()) out.push(op);
    for (const [n, rec] of this.undo) {
      const resolved = rec.map(([sub, key, prev]) => [sub, key, textOf(prev)]);
      out.push({ sub: "undo", key: padBlock(n), value: JSON.stringify(resolved) });
    }
    for (const [n, b] of blocks) out.push({ sub: "blocks", key: padBlock(n), value: JSON.stringify(b) });
    out.push({ sub: "meta", key: "checkpoint", value: JSON.stringify(checkpoint) });
    for (const key of this.store.undoKeysBelow(pruneUndoBelow)) out.push({ sub: "undo", key, value: null });
    return out;
  }
}
