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
export class JsonRpcClient {
  private nextId = 1;

  constructor(readonly url: string) {}

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
        throw new RpcError("RPC_FAILED", `${c.method}: ${r.error.message}`, { retryable: true });
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

  /** Blocks by number in one JSON-RPC batch; `withTxs` adds each transaction's sender. */
  async getBlocks(numbers: number[], withTxs: boolean): Promise<BlockInfo[]> {
    const results = await this.batch(
      numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [hex(n), withTxs] })),
    );
    return results.map((r, i) => {
      if (!isBlock(r)) {
        const parsed = blockSchema.safeParse(r);
        const issue = parsed.success ? undefined : parsed.error.issues[0];
        throw new RpcError(
          "RPC_RESPONSE_INVALID",
          `block ${numbers[i] ?? "?"} is missing or malformed${issue ? `: ${issue.path.join(".")} ${issue.message}` : ""}`,
          { retryable: true },
        );
      }
      const b = r;
      const txFrom = new Map<string, string>();
      for (const t of b.transactions) {
        if (typeof t !== "object" || t === null || !("hash" in t) || !("from" in t)) continue;
        const { hash, from } = t;
        if (typeof hash === "string" && typeof from === "string") txFrom.set(hash.toLowerCase(), from.toLowerCase());
      }
      return {
        number: Number(b.number),
        hash: b.hash.toLowerCase(),
        parentHash: b.parentHash.toLowerCase(),
        timestamp: Number(b.timestamp),
        txFrom,
      };
    });
  }
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
