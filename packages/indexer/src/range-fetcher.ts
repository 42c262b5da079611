import { type BlockInfo, type JsonRpcClient, type RawLog } from "./rpc";

/** A log as the indexer queues it: lower-case hex, numbers as numbers. */
export interface QueuedLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
}

/** Whole blocks [from, to] with every followed log in them, and the blocks that have logs (plus `to`). */
export interface FetchedRange {
  from: number;
  to: number;
  logs: QueuedLog[];
  blocks: Map<number, BlockInfo>;
}

export interface RangeFetcherOptions {
  rpc: JsonRpcClient;
  /** The followed contracts (fixed for this fetcher: a new contract means a new fetcher) */
  addresses: string[];
  from: number;
  target: number;
  maxLogsPerRequest: number;
  /** Blocks per eth_getLogs request to start with (the density seen before) */
  span: number;
  /** eth_getLogs requests kept in flight ahead of the indexer */
  depth: number;
  timings: { logs: number; blocks: number };
}

/** Blocks per JSON-RPC batch of eth_getBlockByNumber. */
const BLOCKS_PER_BATCH = 200;

/**
 * Fetches the followed contracts' logs and their blocks ahead of the indexer, in block order.
 *
 * Several eth_getLogs requests stay in flight so the node works while the indexer runs handlers (the
 * answers are read whenever the indexer awaits). Requests cover consecutive block spans sized from
 * the log density seen so far (aiming at 80 % of the request limit); an answer over the limit is
 * split at block boundaries into ranges of at most `maxLogsPerRequest` logs (a single block may
 * exceed it), so every log fetched is used. The blocks of the next `depth` ranges (hash, time,
 * transaction senders) are fetched as soon as their logs are read. A contract followed on the way
 * (`follow`) widens what is already fetched or asked for with its logs, instead of dropping it.
 * Ranges only depend on the chain: how they are cut does not change what is indexed (IDX-1).
 */
export class RangeFetcher {
  /** eth_getLogs answers in block order, each split into parts */
  private readonly requests: Promise<Part[]>[] = [];
  /** Parts of the answer being consumed */
  private parts: Part[] = [];
  private nextFrom: number;
  /** Parts whose blocks were asked for and that next() has not returned yet */
  private blocksAhead = 0;
  /** Until the first answer of this fetcher arrives, the density is a guess: one request at a time. */
  private calibrated = false;
  span: number;

  constructor(private readonly o: RangeFetcherOptions) {
    this.nextFrom = o.from;
    this.span = o.span;
  }

  /** The next range in block order; undefined once the target is reached. */
  async next(): Promise<FetchedRange | undefined> {
    while (this.parts.length === 0) {
      this.fill();
      const first = this.requests.shift();
      if (!first) return undefined;
      this.parts = await first;
    }
    this.fill();
    // Blocks (each a few hundred KB with its transactions) are fetched for the next `depth` parts only.
    const head = this.parts[0];
    if (head) this.startBlocks(head, true);
    for (const p of this.parts) if (!this.startBlocks(p)) break;
    const part = this.parts.shift();
    if (!part?.blocks) return undefined;
    this.blocksAhead--;
    return { from: part.from, to: part.to, logs: part.logs, blocks: await part.blocks };
  }

  /**
   * Follow more contracts from block `leftover.from` (or the next range) on: every range not yet
   * returned, fetched or in flight, gets their logs as well, and later requests ask for them.
   * `leftover` is the rest of the range being indexed, after the block that created them.
   */
  follow(
    added: string[],
    leftover?: { from: number; to: number; logs: QueuedLog[]; blocks: Map<number, BlockInfo> },
  ): void {
    this.o.addresses.push(...added);
    const queued = this.parts.splice(0);
    if (leftover && leftover.from <= leftover.to) {
      queued.unshift({ ...leftover, blocks: Promise.resolve(leftover.blocks) });
      this.blocksAhead++;
    }
    const answers = [Promise.resolve(queued), ...this.requests.splice(0)];
    for (const answer of answers) {
      const widened = answer.then((parts) => this.widen(parts, added));
      widened.catch(() => undefined); // rethrown by next(), or dropped by close()
      this.requests.push(widened);
    }
  }

  /**
   * Parts (consecutive) with the logs of `added` contracts merged in (one request), each split again
   * at the limit; the first of each keeps the part's blocks (plus those of its new logs), if asked for.
   */
  private async widen(parts: Part[], added: string[]): Promise<Part[]> {
    const { rpc, timings } = this.o;
    const first = parts[0];
    const last = parts[parts.length - 1];
    if (!first || !last) return parts;
    const t0 = performance.now();
    const extra = (await rpc.getLogs(first.from, last.to, added)).map(toQueuedLog);
    timings.logs += performance.now() - t0;
    if (extra.length === 0) return parts;
    const out: Part[] = [];
    let e = 0;
    for (const part of parts) {
      const mine: QueuedLog[] = [];
      while (e < extra.length && (extra[e]?.blockNumber ?? Infinity) <= part.to) mine.push(extra[e++] as QueuedLog);
      if (mine.length === 0) {
        out.push(part);
        continue;
      }
      const logs = part.logs.concat(mine).sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
      const split = this.split(part.from, part.to, logs);
      const head = split[0];
      if (part.blocks && head) {
        head.blocks = part.blocks.then(async (known) => {
          const missing = [...new Set(head.logs.map((l) => l.blockNumber).concat(head.to))].filter(
            (n) => !known.has(n),
          );
          if (missing.length > 0) for (const b of await rpc.getBlocks(missing, true)) known.set(b.number, b);
          return known;
        });
        head.blocks.catch(() => undefined);
      }
      out.push(...split);
    }
    return out;
  }

  /** Whole blocks [from, to] in parts of at most `maxLogsPerRequest` logs (a block over it is a part alone). */
  private split(from: number, to: number, logs: QueuedLog[]): Part[] {
    const limit = this.o.maxLogsPerRequest;
    const parts: Part[] = [];
    let start = 0;
    let partFrom = from;
    while (logs.length - start > limit) {
      const cutBlock = logs[start + limit]?.blockNumber ?? to;
      let end = start + limit;
      while (end > start && (logs[end - 1]?.blockNumber ?? -1) >= cutBlock) end--;
      if (end === start) {
        end = start + 1;
        while (end < logs.length && logs[end]?.blockNumber === logs[start]?.blockNumber) end++;
      }
      const partTo = (logs[end]?.blockNumber ?? to + 1) - 1;
      parts.push({ from: partFrom, to: partTo, logs: logs.slice(start, end) });
      start = end;
      partFrom = partTo + 1;
    }
    if (partFrom <= to) parts.push({ from: partFrom, to, logs: start === 0 ? logs : logs.slice(start) });
    return parts;
  }

  /** Wait for the requests still in flight (their answers are dropped). */
  async close(): Promise<void> {
    this.nextFrom = this.o.target + 1;
    const parts = this.parts.splice(0);
    await Promise.allSettled(this.requests.splice(0));
    await Promise.allSettled(parts.map((p) => p.blocks));
  }

  private fill(): void {
    const depth = this.calibrated ? this.o.depth : 1;
    while (this.requests.length < depth && this.nextFrom <= this.o.target) {
      const from = this.nextFrom;
      const to = Math.min(this.o.target, from + this.span - 1);
      this.nextFrom = to + 1;
      const answer = this.fetchLogs(from, to);
      answer.catch(() => undefined); // rethrown by next(), or dropped by close()
      this.requests.push(answer);
    }
  }

  private async fetchLogs(from: number, to: number): Promise<Part[]> {
    const { rpc, addresses, maxLogsPerRequest, timings } = this.o;
    const t0 = performance.now();
    const logs = (await rpc.getLogs(from, to, addresses)).map(toQueuedLog);
    timings.logs += performance.now() - t0;
    // Aim at 80 % of the limit; grow at most 2x a step so one answer never balloons.
    const wanted = Math.floor(((to - from + 1) * maxLogsPerRequest * 0.8) / Math.max(1, logs.length));
    this.span = Math.max(1, Math.min(100_000, wanted, this.span * 2));
    this.calibrated = true;
    const parts = this.split(from, to, logs);
    if (this.parts.length === 0) for (const p of parts) if (!this.startBlocks(p)) break;
    return parts;
  }

  /**
   * Fetch the blocks of a part (once): those with logs, and its last block (the checkpoint's hash).
   * At most `depth` parts ahead (unless `now`): false when that many are already asked for.
   */
  private startBlocks(part: Part, now = false): boolean {
    if (part.blocks) return true;
    if (this.blocksAhead >= this.o.depth && !now) return false;
    this.blocksAhead++;
    const { rpc, timings } = this.o;
    const t0 = performance.now();
    const numbers: number[] = [];
    let last = -1;
    for (const l of part.logs) {
      if (l.blockNumber !== last) numbers.push((last = l.blockNumber));
    }
    if (last !== part.to) numbers.push(part.to);
    const batches: Promise<BlockInfo[]>[] = [];
    for (let i = 0; i < numbers.length; i += BLOCKS_PER_BATCH) {
      batches.push(rpc.getBlocks(numbers.slice(i, i + BLOCKS_PER_BATCH), true));
    }
    part.blocks = Promise.all(batches).then((answers) => {
      const blocks = new Map<number, BlockInfo>();
      for (const answer of answers) for (const b of answer) blocks.set(b.number, b);
      timings.blocks += performance.now() - t0;
      return blocks;
    });
    part.blocks.catch(() => undefined); // rethrown by next(), or dropped by close()
    return true;
  }
}

interface Part {
  from: number;
  to: number;
  logs: QueuedLog[];
  blocks?: Promise<Map<number, BlockInfo>>;
}

export function toQueuedLog(l: RawLog): QueuedLog {
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
