import { type Logger } from "pino";
import { type AbiRegistry, type DecodedArgs } from "./abi";
import { IndexerError, ReorgError } from "./errors";
import {
  Args,
  type AuditHints,
  type DecodedLog,
  type HandlerContext,
  type HandlerTable,
  ZERO_ADDRESS,
  eventId,
} from "./handlers/context";
import { type FetchedRange, type QueuedLog, RangeFetcher, toQueuedLog } from "./range-fetcher";
import { type JsonRpcClient } from "./rpc";
import { type AlertRule } from "./config";
import { type BatchOp, type BlockRecord, type BlockWriter, type IndexerStore, padBlock } from "./store";

export interface IndexerOptions {
  confirmations: number;
  reorgWindow: number;
  startBlock: number;
  maxLogsPerRequest: number;
  alertRules: readonly AlertRule[];
}

export interface IndexerDeps {
  rpc: JsonRpcClient;
  store: IndexerStore;
  abis: AbiRegistry;
  handlers: HandlerTable;
  logger: Logger;
  options: IndexerOptions;
  /** Contracts followed from the start (the address book): address -> kind (artifact name). */
  sources: ReadonlyMap<string, string>;
}

/** Eth_getLogs requests kept in flight ahead of the range being indexed. */
const PREFETCH_DEPTH = 3;

/** Event arguments that name the acting account, in order of preference. */
const ACTOR_ARGS = [
  "actor",
  "proposer",
  "approver",
  "executor",
  "trustee",
  "submittedBy",
  "restatedBy",
  "anchoredBy",
  "createdBy",
  "registeredBy",
  "signer",
  "owner",
  "holder",
  "from",
  "account",
];

/**
 * Follows the consortium's contracts into LevelDB: fetches logs by block range with plain JSON-RPC,
 * decodes them with the compiled ABIs, writes one AuditEvent per log and the entities of the
 * registered handlers, and commits each range (entities, undo records, block hashes, checkpoint)
 * in one batch. Detects reorgs by the checkpoint's block hash and rolls back to the common ancestor.
 */
export class Indexer {
  private sources = new Map<string, string>();
  private span = 100;
  private indexingError: IndexerError | undefined;
  /**
   * Where catch-up time goes, in ms: eth_getLogs and block requests (wall time of each request; they
   * run ahead, concurrently with the rest), waiting for fetched data, handlers, and the LevelDB
   * commit time not hidden behind the next range's handlers.
   */
  readonly timings = { logs: 0, blocks: 0, fetchWait: 0, handlers: 0, commit: 0 };

  constructor(private readonly deps: IndexerDeps) {}

  /** True once a handler failed: the indexer stops at the block before (as graph-node does). */
  get hasIndexingErrors(): boolean {
    return this.indexingError !== undefined;
  }

  async init(): Promise<void> {
    this.sources = new Map(this.deps.sources);
    for await (const [address, kind] of this.deps.store.sub("sources").iterator()) this.sources.set(address, kind);
  }

  /**
   * Index up to the head minus the confirmations, or up to `upTo` if that is lower (an index as of a given block,
   * e.g. to compare two indexings of a chain that keeps mining); returns the new checkpoint block (or -1).
   */
  async syncOnce(upTo = Number.POSITIVE_INFINITY): Promise<number> {
    if (this.indexingError) throw this.indexingError;
    const { rpc, store, options } = this.deps;
    const head = await rpc.blockNumber();
    const target = Math.min(head - options.confirmations, upTo);
    let checkpoint = await store.checkpoint();
    if (checkpoint) {
      const [onChain] = await rpc.getBlocks([checkpoint.number], false);
      if (!onChain || onChain.hash !== checkpoint.hash) {
        await this.rollback(checkpoint.number);
        checkpoint = await store.checkpoint();
      }
    }
    let from = checkpoint ? checkpoint.number + 1 : options.startBlock;
    // Ranges are fetched ahead (RangeFetcher), and while one range's batch is written the next
    // range's handlers run on top of it (its writer reads the writes still in flight). Batches are
    // committed strictly in order, each with its checkpoint, so a crash leaves a range boundary.
    const fetcher = this.fetcher(from, target);
    let inflight: { writer: BlockWriter; done: Promise<void> } | undefined;
    try {
      while (from <= target) {
        const t0 = performance.now();
        const fetched = await fetcher.next();
        this.timings.fetchWait += performance.now() - t0;
        if (!fetched || fetched.from !== from) {
          throw new IndexerError("CHAIN_CHANGED", `no range fetched from block ${from}`, { retryable: true });
        }
        const indexed = await this.indexRange(fetched, target, inflight?.writer);
        const t1 = performance.now();
        if (inflight) {
          const previous = inflight;
          inflight = undefined;
          await previous.done;
          indexed.writer.previousLanded();
        }
        const done = this.commitRange(indexed);
        if (indexed.followed.size > 0) {
          // Contracts followed from this range: later ranges (and the rest of this one) get their logs.
          await done;
          for (const [a, k] of indexed.followed) this.sources.set(a, k);
          fetcher.follow([...indexed.followed.keys()], {
            from: indexed.to + 1,
            to: fetched.to,
            logs: indexed.leftover,
          });
        } else {
          done.catch(() => undefined); // awaited before the next commit, or in finally
          inflight = { writer: indexed.writer, done };
        }
        this.timings.commit += performance.now() - t1;
        from = indexed.to + 1;
      }
      if (inflight) {
        const t2 = performance.now();
        const last = inflight;
        inflight = undefined;
        await last.done;
        this.timings.commit += performance.now() - t2;
      }
    } finally {
      this.span = fetcher.span;
      await fetcher.close();
      if (inflight) await inflight.done.catch(() => undefined);
    }
    return (await store.checkpoint())?.number ?? -1;
  }

  private fetcher(from: number, target: number): RangeFetcher {
    return new RangeFetcher({
      rpc: this.deps.rpc,
      addresses: [...this.sources.keys()],
      from,
      target,
      maxLogsPerRequest: this.deps.options.maxLogsPerRequest,
      span: this.span,
      depth: PREFETCH_DEPTH,
      timings: this.timings,
    });
  }

  /**
   * Run the handlers of a fetched range into a new writer (on top of `previous`, the range whose
   * batch may still be in flight). A contract followed at block B ends the range at B (its logs of B
   * join the queue): the next range asks for its logs too.
   */
  private async indexRange(
    fetched: FetchedRange,
    target: number,
    previous: BlockWriter | undefined,
  ): Promise<IndexedRange> {
    const { rpc, store, abis, handlers, options } = this.deps;
    let to = fetched.to;
    const blockCache = fetched.blocks;
    const fetchBlocks = async (numbers: number[]): Promise<void> => {
      const missing = [...new Set(numbers)].filter((n) => !blockCache.has(n));
      if (missing.length > 0) for (const b of await rpc.getBlocks(missing, true)) blockCache.set(b.number, b);
    };
    const queue = fetched.logs;
    /** Logs of the blocks after a discovery that ended the range early */
    const leftover: QueuedLog[] = [];
    const t1 = performance.now();
    const writer = store.writer(target - options.reorgWindow, previous);
    const followed = new Map<string, string>();
    const blockRecords = new Map<number, BlockRecord>();
    for (let i = 0; i < queue.length; i++) {
      const raw = queue[i];
      if (!raw) continue;
      const block = blockCache.get(raw.blockNumber);
      if (!block || block.hash !== raw.blockHash) {
        throw new IndexerError("CHAIN_CHANGED", `block ${raw.blockNumber} changed while indexing it`, {
          retryable: true,
        });
      }
      blockRecords.set(block.number, { hash: block.hash, timestamp: block.timestamp });
      writer.setBlock(block.number);
      const kind = followed.get(raw.address) ?? this.sources.get(raw.address) ?? "DealContract";
      const topic0 = raw.topics[0] ?? "";
      const spec = abis.eventOf(kind, topic0);
      let args: DecodedArgs;
      let name: string;
      let signature: string;
      if (spec && spec.indexedCount + 1 === raw.topics.length) {
        args = spec.decode(raw.topics, raw.data);
        name = spec.name;
        signature = spec.signature;
      } else {
        args = [
          ["topics", raw.topics],
          ["data", raw.data],
        ];
        name = topic0 || "Anonymous";
        signature = "";
      }
      const log: DecodedLog = {
        kind,
        name,
        signature,
        address: raw.address,
        args,
        blockNumber: block.number,
        blockHash: block.hash,
        timestamp: block.timestamp,
        txHash: raw.txHash,
        txFrom: block.txFrom.get(raw.txHash) ?? ZERO_ADDRESS,
        logIndex: raw.logIndex,
      };
      const hints: AuditHints = {};
      const newSources: string[] = [];
      const ctx: HandlerContext = {
        log,
        args: new Args(args),
        store: writer,
        audit: hints,
        alertRules: options.alertRules,
        follow: async (address, followKind) => {
          const a = address.toLowerCase();
          if (this.sources.has(a) || followed.has(a)) return;
          followed.set(a, followKind);
          newSources.push(a);
          await writer.write("sources", a, followKind);
        },
      };
      const handler = handlers[kind]?.[name];
      if (handler) {
        try {
          await handler(ctx);
        } catch (cause) {
          this.indexingError = new IndexerError(
            "HANDLER_FAILED",
            `${kind}.${name} failed at block ${block.number} log ${raw.logIndex}: ${cause instanceof Error ? cause.message : String(cause)}`,
            { cause },
          );
          throw this.indexingError;
        }
      }
      await this.writeAudit(ctx);
      if (newSources.length > 0) {
        // A contract created here: its logs of this block join the queue in order, and the range
        // ends with this block (the next one asks for the new contract's logs as well).
        to = block.number;
        for (let j = i + 1; j < queue.length; j++) {
          const l = queue[j];
          if (l && l.blockNumber > to) leftover.push(l);
        }
        const extra = (await rpc.getLogs(block.number, to, newSources)).map(toQueuedLog);
        await fetchBlocks(extra.map((l) => l.blockNumber));
        const rest = queue
          .slice(i + 1)
          .filter((l) => l.blockNumber <= to)
          .concat(extra);
        rest.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
        queue.length = i + 1;
        queue.push(...rest);
      }
    }
    this.timings.handlers += performance.now() - t1;
    const toBlock = blockCache.get(to);
    if (!toBlock) throw new IndexerError("CHAIN_CHANGED", `block ${to} is missing`, { retryable: true });
    if (queue.length > 0) this.deps.logger.debug({ from: fetched.from, to, logs: queue.length }, "indexed range");
    return { to, toHash: toBlock.hash, writer, blockRecords, followed, leftover };
  }

  /** Write an indexed range with its checkpoint in one batch (the batch before it has landed). */
  private async commitRange(indexed: IndexedRange): Promise<void> {
    const { store, options } = this.deps;
    const { to, toHash, writer, blockRecords } = indexed;
    const ops = writer.ops({ number: to, hash: toHash }, blockRecords, to - options.reorgWindow);
    await store.commit(ops);
  }

  private async writeAudit(ctx: HandlerContext): Promise<void> {
    const { log, audit, store } = ctx;
    let actor = audit.actor;
    if (actor === undefined) {
      for (const name of ACTOR_ARGS) {
        const v = ctx.args.has(name) ? ctx.args.value(name) : undefined;
        if (typeof v === "string" && /^0x[0-9a-f]{40}$/.test(v) && v !== ZERO_ADDRESS) {
          actor = v;
          break;
        }
      }
    }
    actor ??= log.txFrom;
    let pool = audit.pool;
    let tranche = audit.tranche;
    if (tranche === undefined) tranche = log.kind === "TrancheToken" ? log.address : argAddress(ctx, "tranche");
    if (pool === undefined) {
      if (log.kind === "AssetPool") pool = log.address;
      else if (tranche) {
        const t = await store.peek("Tranche", tranche);
        pool = typeof t?.["pool"] === "string" ? t["pool"] : null;
      } else pool = argAddress(ctx, "pool");
    }
    const member = await store.peek("Member", actor);
    await store.set("AuditEvent", eventId(log), {
      contract: log.address,
      contractKind: log.kind,
      name: log.name,
      actor,
      txFrom: log.txFrom,
      blockNumber: String(log.blockNumber),
      blockHash: log.blockHash,
      timestamp: String(log.timestamp),
      transactionHash: log.txHash,
      logIndex: String(log.logIndex),
      args: JSON.stringify(Object.fromEntries(log.args)),
      pool: pool ?? null,
      tranche: tranche ?? null,
      actorMemberId: typeof member?.["memberId"] === "string" ? member["memberId"] : "0x" + "00".repeat(32),
      actorRoles: typeof member?.["roles"] === "number" ? member["roles"] : 0,
    });
  }

  /** Roll back to the newest stored block still on the chain, undoing every later block. */
  private async rollback(checkpointNumber: number): Promise<void> {
    const { rpc, store, options, logger } = this.deps;
    const windowStart = Math.max(options.startBlock - 1, checkpointNumber - options.reorgWindow);
    const stored = (await store.blockRecords(Math.max(0, windowStart + 1), checkpointNumber)).reverse();
    let ancestor = windowStart;
    for (let i = 0; i < stored.length; i += 100) {
      const slice = stored.slice(i, i + 100);
      const onChain = await rpc.getBlocks(
        slice.map((b) => b.number),
        false,
      );
      const match = slice.findIndex((b, j) => onChain[j]?.hash === b.hash);
      if (match >= 0) {
        ancestor = slice[match]?.number ?? windowStart;
        break;
      }
    }
    if (ancestor === windowStart) {
      const below = await store.blockRecords(0, windowStart);
      const last = below[below.length - 1];
      if (last) {
        const [onChain] = await rpc.getBlocks([last.number], false);
        if (onChain?.hash !== last.hash) {
          throw new ReorgError(
            "REORG_TOO_DEEP",
            `the chain reorganised below the reorg window (${options.reorgWindow} blocks): block ${last.number} changed; re-index from scratch`,
          );
        }
      }
    }
    const finalValues = new Map<string, BatchOp>();
    const undo = await store.undoRecordsAbove(ancestor);
    for (const record of undo) {
      for (const [sub, key, prev] of record.ops) finalValues.set(sub + "\u0000" + key, { sub, key, value: prev });
    }
    const ops: BatchOp[] = [...finalValues.values()];
    for (const record of undo) ops.push({ sub: "undo", key: padBlock(record.block), value: null });
    for (const b of await store.blockRecords(ancestor + 1, checkpointNumber)) {
      ops.push({ sub: "blocks", key: padBlock(b.number), value: null });
    }
    if (ancestor >= 0 && ancestor >= options.startBlock) {
      const [a] = await rpc.getBlocks([ancestor], false);
      if (!a) throw new IndexerError("CHAIN_CHANGED", `block ${ancestor} is missing`, { retryable: true });
      ops.push({ sub: "meta", key: "checkpoint", value: JSON.stringify({ number: ancestor, hash: a.hash }) });
    } else {
      ops.push({ sub: "meta", key: "checkpoint", value: null });
    }
    await store.commit(ops);
    store.clearCache();
    await this.init();
    logger.warn({ from: checkpointNumber, to: ancestor, undone: undo.length }, "chain reorganisation: rolled back");
  }
}

interface IndexedRange {
  to: number;
  toHash: string;
  writer: BlockWriter;
  blockRecords: Map<number, BlockRecord>;
  followed: Map<string, string>;
  /** Logs after `to` of the fetched range (when a discovery ended it early) */
  leftover: QueuedLog[];
}

function argAddress(ctx: HandlerContext, name: string): string | null {
  if (!ctx.args.has(name)) return null;
  const v = ctx.args.value(name);
  return typeof v === "string" && /^0x[0-9a-f]{40}$/.test(v) ? v : null;
}
