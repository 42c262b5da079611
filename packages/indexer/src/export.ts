import { z } from "zod";
import { UserInputError } from "./errors";
import { type EntityData, type IndexerStore } from "./store";
import { describeZodIssues, spreadsheetCell } from "@abs/core";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x address")
  .transform((s) => s.toLowerCase());

/** The audit export's query: every filter optional. */
export const auditExportQuerySchema = z
  .object({
    format: z.enum(["json", "csv"]).default("json"),
    contract: address.optional(),
    contractKind: z.string().max(100).optional(),
    name: z.string().max(100).optional(),
    actor: address.optional(),
    pool: address.optional(),
    fromBlock: z.coerce.number().int().min(0).optional(),
    toBlock: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  })
  .strict();
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;

export function parseAuditExportQuery(query: unknown): AuditExportQuery {
  const parsed = auditExportQuerySchema.safeParse(query);
  if (!parsed.success) {
    throw new UserInputError(
      "BAD_USER_INPUT",
      `invalid audit export query: ${describeZodIssues(parsed.error, "query")}`,
    );
  }
  return parsed.data;
}

export interface AuditExport {
  /** The block range the export covers (the filter's, bounded by what is indexed) */
  range: { fromBlock: number; toBlock: number };
  /** The indexer's checkpoint when exported: re-verify `toBlock`'s hash against the chain */
  checkpoint: { number: number; hash: string } | null;
  /** Hash of every block an exported event is in: compare with eth_getBlockByNumber */
  blocks: { number: number; hash: string }[];
  events: EntityData[];
}

const COLUMNS = [
  "blockNumber",
  "blockHash",
  "timestamp",
  "transactionHash",
  "logIndex",
  "contract",
  "contractKind",
  "name",
  "actor",
  "actorMemberId",
  "actorRoles",
  "txFrom",
  "pool",
  "tranche",
  "args",
] as const;

/** Filtered AuditEvents in chain order, with the block range and the block hashes to re-verify them. */
export async function exportAudit(store: IndexerStore, q: AuditExportQuery): Promise<AuditExport> {
  const checkpoint = (await store.checkpoint()) ?? null;
  const fromBlock = q.fromBlock ?? 0;
  const toBlock = Math.min(q.toBlock ?? Number.MAX_SAFE_INTEGER, checkpoint?.number ?? -1);
  const events: EntityData[] = [];
  for await (const e of store.all("AuditEvent")) {
    const n = Number(e["blockNumber"]);
    if (n < fromBlock || n > toBlock) continue;
    if (q.contract && e["contract"] !== q.contract) continue;
    if (q.contractKind && e["contractKind"] !== q.contractKind) continue;
    if (q.name && e["name"] !== q.name) continue;
    if (q.actor && e["actor"] !== q.actor) continue;
    if (q.pool && e["pool"] !== q.pool) continue;
    events.push(e);
  }
  events.sort(
    (a, b) => Number(a["blockNumber"]) - Number(b["blockNumber"]) || Number(a["logIndex"]) - Number(b["logIndex"]),
  );
  events.length = Math.min(events.length, q.limit);
  const blocks = new Map<number, string>();
  for (const e of events) blocks.set(Number(e["blockNumber"]), String(e["blockHash"]));
  return {
    range: { fromBlock, toBlock },
    checkpoint,
    blocks: [...blocks].map(([number, hash]) => ({ number, hash })),
    events: events.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== "_b"))),
  };
}

/** Regulators open the export in a spreadsheet: formula-like text is neutralised (`spreadsheetCell`). */
function csvCell(v: unknown): string {
  return spreadsheetCell(v === null || v === undefined ? "" : String(v));
}

/** CSV: `#` comment lines with the range and checkpoint, then a header and one row per event (with its block hash). */
export function auditCsv(x: AuditExport): string {
  const lines = [
    `# abs audit export: blocks ${x.range.fromBlock}-${x.range.toBlock}; checkpoint ${x.checkpoint ? `${x.checkpoint.number} ${x.checkpoint.hash}` : "none"}`,
    `# every row carries its block hash: re-verify with eth_getBlockByNumber(blockNumber).hash`,
    COLUMNS.join(","),
  ];
  for (const e of x.events) lines.push(COLUMNS.map((c) => csvCell(e[c])).join(","));
  return lines.join("\n") + "\n";
}
