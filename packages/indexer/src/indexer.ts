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
import { type BlockInfo, type JsonRpcClient, type RawLog } from "./rpc";
import { type AlertRule } from "./config";
import { type BatchOp, type BlockRecord, type IndexerStore, padBlock } from "./store";

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
  private span = 1000;
  private indexingError: IndexerError | undefined;

  constructor(private readonly deps: IndexerDeps) {}

  /** True once a handler failed: the indexer stops at the block before it (as graph-node does). */
  get hasIndexingErrors(): boolean {
    return this.indexingError !== undefined;
  }

  async init(): Promise<void> {
    this.sources = new Map(this.deps.sources);
    for await (const [address, kind] of this.deps.store.sub("sources").iterator()) this.sources.set(address, kind);
  }

  /** Index up to the head minus the confirmations; returns the new checkpoint block (or -1). */
  async syncOnce(): Promise<number> {
    if (this.indexingError) throw this.indexingError;
    const { rpc, store, options } = this.deps;
    const head = await rpc.blockNumber();
    const target = head - options.confirmations;
    let checkpoint = await store.checkpoint();
    if (checkpoint) {
      const [onChain] = await rpc.getBlocks([checkpoint.number], false);
      if (!onChain || onChain.hash !== checkpoint.hash) {
        await this.rollback(checkpoint.number);
        checkpoint = await store.checkpoint();
      }
    }
    let from = checkpoint ? checkpoint.number + 1 : options.startBlock;
    while (from <= target) {
      let to = Math.min(target, from + this.span - 1);
      let logs = await rpc.getLogs(from, to, [...this.sources.keys()]);
      if (logs.length > options.maxLogsPerRequest) {
        // Keep whole blocks up to the limit and ask for fewer blocks next time.
        const cut = logs[options.maxLogsPerRequest];
        const cutBlock = cut ? Number(cut.blockNumber) : to;
        if (cutBlock > from) {
          to = cutBlock - 1;
          logs = logs.filter((l) => Number(l.blockNumber) <= to);
        }
      }
      const blocks = to - from + 1;
      const wanted = Math.max(1, Math.floor((blocks * options.maxLogsPerRequest * 0.8) / Math.max(1, logs.length)));
      this.span = Math.min(100_000, logs.length === 0 ? this.span * 2 : wanted);
      await this.processRange(from, to, target, logs);
      from = to + 1;
    }
    return (await store.checkpoint())?.number ?? -1;
  }

  private async processRange(from: number, to: number, target: number, rawLogs: RawLog[]): Promise<void> {
    const { rpc, store, abis, handlers, options } = this.deps;
    const blockCache = new Map<number, BlockInfo>();
    const fetchBlocks = async (numbers: number[]): Promise<void> => {
      const missing = [...new Set(numbers)].filter((n) => !blockCache.has(n));
      for (let i = 0; i < missing.length; i += 200) {
        for (const b of await rpc.getBlocks(missing.slice(i, i + 200), true)) blockCache.set(b.number, b);
      }
    };
    const queue = rawLogs.map(toLog);
    await fetchBlocks([...queue.map((l) => l.blockNumber), to]);
    const writer = store.writer(target - options.reorgWindow);
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
        // A contract created here: its logs in the rest of this range join the queue in order.
        const extra = (await rpc.getLogs(block.number, to, newSources)).map(toLog);
        await fetchBlocks(extra.map((l) => l.blockNumber));
        const rest = queue.slice(i + 1).concat(extra);
        rest.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
        queue.length = i + 1;
        queue.push(...rest);
      }
    }
    const toBlock = blockCache.get(to);
    if (!toBlock) throw new IndexerError("CHAIN_CHANGED", `block ${to} is missing`, { retryable: true });
    const ops = await writer.ops({ number: to, hash: toBlock.hash }, blockRecords, to - options.reorgWindow);
    await store.commit(ops);
    for (const [a, k] of followed) this.sources.set(a, k);
    if (queue.length > 0) this.deps.logger.debug({ from, to, logs: queue.length }, "indexed range");
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
        const t = await store.get("Tranche", tranche);
        pool = typeof t?.["pool"] === "string" ? t["pool"] : null;
      } else pool = argAddress(ctx, "pool");
    }
    const member = await store.get("Member", actor);
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

interface QueuedLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
}

function toLog(l: RawLog): QueuedLog {
  return {
    address: l.address.toLowerCase(),
    topics: l.topics.map((t) => t.toLowerCase()),
    data: l.data,
    blockNumber: Number(l.blockNumber),
    blockHash: l.blockHash.toLowerCase(),
    txHash: l.transactionHash.toLowerCase(),
    logIndex: Number(l.logIndex),
  };
}

function argAddress(ctx: HandlerContext, name: string): string | null {
  if (!ctx.args.has(name)) return null;
  const v = ctx.args.value(name);
  return typeof v === "string" && /^0x[0-9a-f]{40}$/.test(v) ? v : null;
}
