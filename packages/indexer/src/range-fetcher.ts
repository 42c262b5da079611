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
 * (`follow`) widens what is already fetched with its logs, in short requests first (how many logs
 * it emits is unknown: one long answer would make the indexer wait for all of it), and drops the
 * requests in flight.
 * Ranges only depend on the chain: how they are cut does not change what is indexed (IDX-1).
 */
export class RangeFetcher {
  /** eth_getLogs answers in block order, each split into parts */
  private readonly requests: Promise<Part[]>[] = [];
  /** Parts of the answer being consumed */
  private parts: Part[] = [];
  /** Fetched logs still to widen with contracts followed since: returned before `requests` */
  private widening: Widening | undefined;
  private nextFrom: number;
  /** Parts whose blocks were asked for and that next() has not returned yet */
  private blocksAhead = 0;
  /** Until the first answer of this fetcher arrives, the density is a guess: one request at a time. */
  private calibrated = false;
  /** Requests whose answers `follow` dropped, still settling (close() waits for them) */
  private readonly dropped: Promise<Part[]>[] = [];
  /** Counts `follow` calls: an answer asked for before the last one is dropped */
  private generation = 0;
  span: number;

  constructor(private readonly o: RangeFetcherOptions) {
    this.nextFrom = o.from;
    this.span = o.span;
  }

  /** The next range in block order; undefined once the target is reached. */
  async next(): Promise<FetchedRange | undefined> {
    while (this.parts.length === 0) {
      if (this.widening) {
        this.parts = await this.nextWidened(this.widening);
        continue;
      }
      this.fill();
      const first = this.requests.shift();
      if (!first) return undefined;
      this.parts = await first;
    }
    if (!this.widening) this.fill();
    // Blocks (each a few hundred KB with its transactions) are fetched for the next `depth` parts only.
    const head = this.parts[0];
    if (head) this.startBlocks(head, true);
    for (const p of this.parts) if (!this.startBlocks(p)) break;
    const part = this.parts.shift();
    if (!part?.blocks) return undefined;
    this.blocksAhead = Math.max(0, this.blocksAhead - 1);
    return { from: part.from, to: part.to, logs: part.logs, blocks: await part.blocks };
  }

  /**
   * Follow more contracts from the block after the one that created them (`rest.from`) on. What is
   * fetched and not returned yet (`rest`, the rest of the range being indexed, and the parts ahead)
   * is widened with their logs in growing chunks (`nextWidened`); requests in flight are dropped,
   * and requests after the widening ask for every contract.
   */
  follow(added: string[], rest: { from: number; to: number; logs: QueuedLog[] }): void {
    this.o.addresses.push(...added);
    // Everything fetched and not returned yet: the rest of the range being indexed, the parts of
    // the answer being consumed and what an earlier widening has not returned (its contracts are
    // asked for again over all of it; `widen` drops the logs it already has).
    const queued = this.parts.splice(0);
    this.blocksAhead = 0; // the blocks of what is widened are asked for again with its new logs
    const spans: [number, number][] = queued.map((p) => [p.from, p.to]);
    if (rest.from <= rest.to) spans.unshift([rest.from, rest.to]);
    const logs = [...rest.logs, ...queued.flatMap((p) => p.logs)];
    const contracts = [...added];
    const earlier = this.widening;
    if (earlier) {
      spans.push([earlier.pending[0]?.from ?? earlier.from, earlier.to]);
      logs.push(...earlier.pending.flatMap((c) => c.logs), ...earlier.logs.slice(earlier.taken));
      contracts.push(...earlier.added);
      this.dropped.push(...earlier.pending.map((c) => c.answer));
    }
    this.widening = undefined;
    const from = spans[0]?.[0];
    const to = spans[spans.length - 1]?.[1] ?? -1;
    if (from !== undefined && from <= to) {
      this.widening = { from, to, logs, taken: 0, added: contracts, size: 1, probing: true, pending: [] };
    }
    // Requests in flight are dropped (their blocks are asked for again, with every contract, once
    // the widening has shown how dense the new contracts' logs are): waiting for them and widening
    // them would leave the node busy behind a long answer.
    this.dropped.push(...this.requests.splice(0));
    this.generation++;
    this.nextFrom = Math.max(to, rest.to) + 1;
    if (!this.widening) {
      this.span = 1;
      this.calibrated = false;
    }
  }

  /**
   * The next chunk of the widening. Chunks span 1, 2, 4, ... blocks, one at a time, until the
   * density seen bounds them (see `spanFor`); then `depth` chunks of that span are asked for ahead.
   */
  private async nextWidened(w: Widening): Promise<Part[]> {
    this.askChunks(w);
    const chunk = w.pending.shift();
    if (!chunk) {
      this.widening = undefined;
      return [];
    }
    const parts = await chunk.answer;
    const span = this.spanFor(parts.flatMap((p) => p.logs));
    if (span < w.size * 2) w.probing = false;
    w.size = Math.min(w.size * 2, span);
    this.askChunks(w);
    if (w.from > w.to) {
      // Every chunk is asked for: later requests (every contract) go on at the chunks' span.
      this.span = w.size;
      this.fill();
    }
    if (w.pending.length === 0) this.widening = undefined;
    return parts;
  }

  private askChunks(w: Widening): void {
    while (w.from <= w.to && w.pending.length < (w.probing ? 1 : this.o.depth)) {
      const from = w.from;
      const to = Math.min(w.to, from + w.size - 1);
      const start = w.taken;
      while (w.taken < w.logs.length && (w.logs[w.taken]?.blockNumber ?? Infinity) <= to) w.taken++;
      const logs = w.logs.slice(start, w.taken);
      w.from = to + 1;
      const generation = this.generation;
      const answer = this.widen(from, to, logs, w.added).then((parts) => {
        // Blocks as soon as the chunk is known, unless a later `follow` took the widening over.
        if (generation === this.generation) for (const p of parts) this.startBlocks(p, true);
        return parts;
      });
      answer.catch(() => undefined); // rethrown by next(), or dropped by close()
      w.pending.push({ from, logs, answer });
    }
  }

  /**
   * Blocks [from, to] with their fetched `logs` and those of the `added` contracts (one request), in
   * parts at the limit. A contract asked for again (a widening taken over by a later one) comes once.
   */
  private async widen(from: number, to: number, logs: QueuedLog[], added: string[]): Promise<Part[]> {
    const { rpc, timings } = this.o;
    const t0 = performance.now();
    const extra = (await rpc.getLogs(from, to, added)).map(toQueuedLog);
    timings.logs += performance.now() - t0;
    const merged = logs.concat(extra).sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    const unique = merged.filter(
      (l, i) => i === 0 || l.blockNumber !== merged[i - 1]?.blockNumber || l.logIndex !== merged[i - 1]?.logIndex,
    );
    return this.split(from, to, unique);
  }

  /**
   * Blocks per request that aim at 80 % of the request limit, if blocks are as dense as the densest
   * block of `logs` (in block order): activity starts suddenly, and an average over quiet blocks
   * would ask for far too many logs at once.
   */
  private spanFor(logs: QueuedLog[]): number {
    let densest = 0;
    for (let i = 0, run = 0; i < logs.length; i++) {
      run = i > 0 && logs[i]?.blockNumber === logs[i - 1]?.blockNumber ? run + 1 : 1;
      densest = Math.max(densest, run);
    }
    return Math.max(1, Math.min(100_000, Math.floor((this.o.maxLogsPerRequest * 0.8) / Math.max(1, densest))));
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
    const w = this.widening;
    this.widening = undefined;
    await Promise.allSettled(w?.pending.map((c) => c.answer) ?? []);
    const parts = this.parts.splice(0);
    await Promise.allSettled(this.requests.splice(0));
    await Promise.allSettled(parts.map((p) => p.blocks));
    await Promise.allSettled(this.dropped.splice(0));
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
    const { rpc, addresses, timings } = this.o;
    const t0 = performance.now();
    const generation = this.generation;
    const logs = (await rpc.getLogs(from, to, addresses)).map(toQueuedLog);
    timings.logs += performance.now() - t0;
    if (generation !== this.generation) return []; // dropped by follow: nothing of it is used
    this.span = Math.min(this.spanFor(logs), this.span * 2); // grow at most 2x a step
    this.calibrated = true;
    const parts = this.split(from, to, logs);
    for (const p of parts) if (!this.startBlocks(p)) break;
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

/** Fetched logs [first block, to] being widened with the logs of `added` contracts, chunk by chunk. */
interface Widening {
  /** First block not asked for yet */
  from: number;
  to: number;
  /** The fetched logs; those before `taken` are in a chunk asked for */
  logs: QueuedLog[];
  taken: number;
  added: string[];
  /** Blocks of the next chunk */
  size: number;
  /** Chunks still grow 2x a step, one at a time */
  probing: boolean;
  /** Chunks asked for and not returned, in block order, with their fetched logs */
  pending: { from: number; logs: QueuedLog[]; answer: Promise<Part[]> }[];
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
