import { z } from "zod";
import { RpcError } from "./errors";

/** A raw log as eth_getLogs returns it (hex quantities). */
export const rawLogSchema = z.object({
  address: z.string(),
  topics: z.array(z.string()),
  data: z.string(),
  blockNumber: z.string(),
  blockHash: z.string(),
  transactionHash: z.string(),
  logIndex: z.string(),
  removed: z.boolean().optional(),
});
export type RawLog = z.infer<typeof rawLogSchema>;

const blockSchema = z.object({
  number: z.string(),
  hash: z.string(),
  parentHash: z.string(),
  timestamp: z.string(),
  // Checked below field by field: a zod union per transaction costs more than the rest of the block.
  transactions: z.array(z.unknown()),
});

/** The slice of a block the indexer needs: hash, time and each transaction's sender. */
export interface BlockInfo {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  /** tx hash (lower case) -> sender (lower case); empty when fetched without transactions */
  txFrom: Map<string, string>;
}

const responseSchema = z.object({
  id: z.number(),
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string() }).optional(),
});

/**
 * JSON-RPC over plain `fetch` + `JSON.parse` (TOOLCHAIN.md: ethers' provider is ~10x slower on
 * large eth_getLogs answers). Supports JSON-RPC batches for block headers.
 */
/** Where the transactions' senders come from: block receipts, full blocks, or not known until the first fetch. */
export type SenderSource = "receipts" | "blocks" | "unknown";

export class JsonRpcClient {
  private nextId = 1;
  /** Whether the node serves `eth_getBlockReceipts` (Anvil, Besu, geth: yes; Hardhat's node: no). */
  private blockReceipts: boolean | undefined;

  /**
   * @param url The node's JSON-RPC URL.
   * @param options.senders "auto" (default): receipts where served, else full blocks; "blocks": full blocks only.
   */
  constructor(
    readonly url: string,
    options: { senders?: "auto" | "blocks" } = {},
  ) {
    if (options.senders === "blocks") this.blockReceipts = false;
  }

  async call(method: string, params: unknown[]): Promise<unknown> {
    const [result] = await this.batch([{ method, params }]);
    return result;
  }

  async batch(calls: { method: string; params: unknown[] }[]): Promise<unknown[]> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    this.nextId += calls.length;
    const body = calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params }));
    let text: string;
    try {
      const res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    } catch (cause) {
      throw new RpcError("RPC_FAILED", `JSON-RPC ${calls[0]?.method ?? ""} to ${this.url} failed`, {
        cause,
        retryable: true,
      });
    }
    const answer: unknown = JSON.parse(text);
    // Checked by hand (zod only explains a failure): zod copies every answer, blocks included.
    if (!Array.isArray(answer) || !answer.every(isResponse)) {
      const parsed = z.array(responseSchema).safeParse(answer);
      const issue = parsed.success ? undefined : parsed.error.issues[0];
      throw new RpcError(
        "RPC_RESPONSE_INVALID",
        `JSON-RPC batch answer is not an array of responses${issue ? `: ${issue.path.join(".")} ${issue.message}` : ""}`,
      );
    }
    const byId = new Map(answer.map((r) => [r.id, r]));
    return calls.map((c, i) => {
      const r = byId.get(first + i);
      if (!r) throw new RpcError("RPC_RESPONSE_INVALID", `no answer to ${c.method} in the batch`);
      if (r.error) {
        throw new RpcError("RPC_FAILED", `${c.method}: ${r.error.message}`, { retryable: true, rpcCode: r.error.code });
      }
      return r.result;
    });
  }

  async blockNumber(): Promise<number> {
    return Number(z.string().parse(await this.call("eth_blockNumber", [])));
  }

  async chainId(): Promise<number> {
    return Number(z.string().parse(await this.call("eth_chainId", [])));
  }

  /** Logs of [from, to] emitted by `addresses` (all addresses when undefined). */
  async getLogs(from: number, to: number, addresses: string[] | undefined): Promise<RawLog[]> {
    const filter: Record<string, unknown> = { fromBlock: hex(from), toBlock: hex(to) };
    if (addresses) filter["address"] = addresses;
    const result = await this.call("eth_getLogs", [filter]);
    if (!Array.isArray(result)) throw new RpcError("RPC_RESPONSE_INVALID", "eth_getLogs answer is not a list");
    // Checked field by field: zod per log costs as much as fetching it (a catch-up figure).
    for (const [i, log] of result.entries()) {
      if (!isRawLog(log)) {
        const parsed = rawLogSchema.safeParse(log);
        const detail = parsed.success
          ? ""
          : `: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`;
        throw new RpcError("RPC_RESPONSE_INVALID", `eth_getLogs answer: log ${i} is not a log${detail}`);
      }
    }
    return result as RawLog[];
  }

  /** Where the senders of `getBlocks(..., true)` come from so far. */
  get senderSource(): SenderSource {
    return this.blockReceipts === undefined ? "unknown" : this.blockReceipts ? "receipts" : "blocks";
  }

  /**
   * Blocks by number in one JSON-RPC batch; `withTxs` adds each transaction's sender: from the blocks' receipts
   * (`eth_getBlockReceipts`, a sender per transaction and no transaction bodies, calldata included) where the
   * node serves them, else from the full blocks. The first refusal of the method switches to full blocks for good.
   */
  async getBlocks(numbers: number[], withTxs: boolean): Promise<BlockInfo[]> {
    if (withTxs && this.blockReceipts !== false) {
      try {
        const blocks = await this.getBlocksWithReceipts(numbers);
        this.blockReceipts = true;
        return blocks;
      } catch (error) {
        if (!(error instanceof RpcError) || !isMethodUnsupported(error, "eth_getBlockReceipts")) throw error;
        this.blockReceipts = false;
      }
    }
    return this.getFullBlocks(numbers, withTxs);
  }

  private async getBlocksWithReceipts(numbers: number[]): Promise<BlockInfo[]> {
    const results = await this.batch([
      ...numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [hex(n), false] })),
      ...numbers.map((n) => ({ method: "eth_getBlockReceipts", params: [hex(n)] })),
    ]);
    return numbers.map((n, i) => {
      const block = toBlockInfo(results[i], n);
      const receipts = results[numbers.length + i];
      if (!Array.isArray(receipts)) {
        throw new RpcError("RPC_RESPONSE_INVALID", `eth_getBlockReceipts(${n}) answer is not a list`, {
          retryable: true,
        });
      }
      for (const receipt of receipts as unknown[]) {
        const r = receipt as Record<string, unknown> | null;
        const hash = r?.["transactionHash"];
        const from = r?.["from"];
        if (typeof hash !== "string" || typeof from !== "string") {
          throw new RpcError("RPC_RESPONSE_INVALID", `eth_getBlockReceipts(${n}): a receipt without hash or sender`);
        }
        block.txFrom.set(hash.toLowerCase(), from.toLowerCase());
      }
      return block;
    });
  }

  private async getFullBlocks(numbers: number[], withTxs: boolean): Promise<BlockInfo[]> {
    const results = await this.batch(
      numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [hex(n), withTxs] })),
    );
    return results.map((r, i) => {
      const block = toBlockInfo(r, numbers[i]);
      for (const t of (r as Block).transactions) {
        if (typeof t !== "object" || t === null || !("hash" in t) || !("from" in t)) continue;
        const { hash, from } = t;
        if (typeof hash === "string" && typeof from === "string") {
          block.txFrom.set(hash.toLowerCase(), from.toLowerCase());
        }
      }
      return block;
    });
  }
}

/** A block's header fields (senders to be added), or RPC_RESPONSE_INVALID naming block `n`. */
function toBlockInfo(r: unknown, n: number | undefined): BlockInfo {
  if (!isBlock(r)) {
    const parsed = blockSchema.safeParse(r);
    const issue = parsed.success ? undefined : parsed.error.issues[0];
    throw new RpcError(
      "RPC_RESPONSE_INVALID",
      `block ${n ?? "?"} is missing or malformed${issue ? `: ${issue.path.join(".")} ${issue.message}` : ""}`,
      { retryable: true },
    );
  }
  return {
    number: Number(r.number),
    hash: r.hash.toLowerCase(),
    parentHash: r.parentHash.toLowerCase(),
    timestamp: Number(r.timestamp),
    txFrom: new Map<string, string>(),
  };
}

/**
 * Whether a node refused `method` as one it does not serve: JSON-RPC's "method not found" (-32601), Hardhat's
 * "not supported" (-32004), or a message saying so; not a transport fault or any other refusal.
 */
export function isMethodUnsupported(error: RpcError, method: string): boolean {
  if (error.rpcCode === -32601 || error.rpcCode === -32004) return true;
  return (
    error.rpcCode !== undefined &&
    error.message.includes(method) &&
    /method\b[^:]*\b(not supported|not found|does not exist|not available)|unknown method/i.test(error.message)
  );
}

type Response = z.infer<typeof responseSchema>;
type Block = z.infer<typeof blockSchema>;

function isResponse(v: unknown): v is Response {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  const e = r["error"];
  return (
    typeof r["id"] === "number" &&
    (e === undefined ||
      (typeof e === "object" &&
        e !== null &&
        typeof (e as Record<string, unknown>)["code"] === "number" &&
        typeof (e as Record<string, unknown>)["message"] === "string"))
  );
}

function isBlock(v: unknown): v is Block {
  if (typeof v !== "object" || v === null) return false;
  const b = v as Record<string, unknown>;
  return (
    typeof b["number"] === "string" &&
    typeof b["hash"] === "string" &&
    typeof b["parentHash"] === "string" &&
    typeof b["timestamp"] === "string" &&
    Array.isArray(b["transactions"])
  );
}

function isRawLog(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const l = v as Record<string, unknown>;
  return (
    typeof l["address"] === "string" &&
    Array.isArray(l["topics"]) &&
    l["topics"].every((t) => typeof t === "string") &&
    typeof l["data"] === "string" &&
    typeof l["blockNumber"] === "string" &&
    typeof l["blockHash"] === "string" &&
    typeof l["transactionHash"] === "string" &&
    typeof l["logIndex"] === "string" &&
    (l["removed"] === undefined || typeof l["removed"] === "boolean")
  );
}

export function hex(n: number): string {
  return "0x" + n.toString(16);
}
