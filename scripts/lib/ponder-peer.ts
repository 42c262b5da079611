/**
 * Ponder (https://ponder.sh), the real peer the indexer's catch-up is compared with in `npm run bench:indexer`:
 * `ponder@0.16.10` with its embedded PGlite database, installed from npm on first use into `.data/ponder-bench`
 * (not a dependency of the repository: 226 MB), then run as its own process (`ponder start`) on an app written
 * here that indexes the same tranche's Transfer events the bench generated: one row per transfer and each
 * holder's balance, what the indexer's handlers do for a transfer (an AuditEvent, the Positions).
 *
 * Measured: seconds from the process's start until its `/ready` answers 200 (the historical backfill to the
 * app's end block is done), its CPU seconds and peak RSS; the row count is checked against the events expected.
 */
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cpuSecondsOf, memoryOf } from "./proc-stats";

export const PONDER_VERSION = "0.16.10";
const ROOT = path.resolve(__dirname, "..", "..");
export const PONDER_DIR = path.join(ROOT, ".data", "ponder-bench");

/** Installs ponder (and its peers viem, hono, typescript) into PONDER_DIR unless that version is there. */
export function ensurePonder(log: (line: string) => void): void {
  const installed = path.join(PONDER_DIR, "node_modules", "ponder", "package.json");
  if (
    existsSync(installed) &&
    (JSON.parse(readFileSync(installed, "utf8")) as { version: string }).version === PONDER_VERSION
  )
    return;
  mkdirSync(PONDER_DIR, { recursive: true });
  writeFileSync(
    path.join(PONDER_DIR, "package.json"),
    JSON.stringify({ name: "abs-ponder-bench", private: true, type: "module" }, null, 2),
  );
  log(`installing ponder@${PONDER_VERSION} into ${path.relative(ROOT, PONDER_DIR)} (once)...`);
  execFileSync(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      `ponder@${PONDER_VERSION}`,
      "viem@2.58.8",
      "hono@4.13.23",
      "typescript@5.9.3",
    ],
    { cwd: PONDER_DIR, stdio: "ignore" },
  );
}

export interface PonderRun {
  /** From the process's start to `/ready`. */
  readonly seconds: number;
  /** The backfill alone, as Ponder logs it ("Completed backfill indexing ... (N ms)"); undefined if not logged. */
  readonly backfillSeconds: number | undefined;
  readonly cpuSeconds: number;
  readonly peakRss: number;
  readonly transfers: number;
}

/**
 * Runs a fresh Ponder app over `tranche`'s Transfer events from block 0 to `endBlock` and waits for its backfill.
 * `transferEvent` is the ABI entry of the event (as a JSON ABI fragment).
 */
export async function measurePonder(options: {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly tranche: string;
  readonly transferEvent: unknown;
  readonly endBlock: number;
  /** Transfers the chain holds at least (the bench's own): fewer indexed is an error, not a figure. */
  readonly expectedTransfers: number;
  readonly port: number;
  readonly timeoutMs: number;
}): Promise<PonderRun> {
  const app = path.join(PONDER_DIR, "app");
  rmSync(app, { recursive: true, force: true });
  mkdirSync(path.join(app, "src", "api"), { recursive: true });
  writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify({ name: "abs-ponder-app", private: true, type: "module" }),
  );
  writeFileSync(
    path.join(app, "ponder.config.ts"),
    `import { createConfig } from "ponder";
export default createConfig({
  database: { kind: "pglite", directory: ${JSON.stringify(path.join(app, ".ponder", "pglite"))} },
  chains: { local: { id: ${options.chainId}, rpc: ${JSON.stringify(options.rpcUrl)} } },
  contracts: {
    Tranche: {
      abi: ${JSON.stringify([options.transferEvent])} as const,
      chain: "local",
      address: ${JSON.stringify(options.tranche)},
      startBlock: 0,
      endBlock: ${options.endBlock},
    },
  },
});
`,
  );
  writeFileSync(
    path.join(app, "ponder.schema.ts"),
    `import { onchainTable } from "ponder";
export const transfer = onchainTable("transfer", (t) => ({
  id: t.text().primaryKey(),
  from: t.hex().notNull(),
  to: t.hex().notNull(),
  amount: t.bigint().notNull(),
  block: t.bigint().notNull(),
}));
export const position = onchainTable("position", (t) => ({
  holder: t.hex().primaryKey(),
  balance: t.bigint().notNull(),
}));
`,
  );
  writeFileSync(
    path.join(app, "src", "index.ts"),
    `import { ponder } from "ponder:registry";
import { position, transfer } from "ponder:schema";
ponder.on("Tranche:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  await context.db.insert(transfer).values({ id: event.id, from, to, amount: value, block: event.block.number });
  for (const [holder, delta] of [[from, -value], [to, value]] as const) {
    await context.db
      .insert(position)
      .values({ holder, balance: delta })
      .onConflictDoUpdate((row) => ({ balance: row.balance + delta }));
  }
});
`,
  );
  writeFileSync(
    path.join(app, "src", "api", "index.ts"),
    `import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { graphql } from "ponder";
const app = new Hono();
app.use("/graphql", graphql({ db, schema }));
export default app;
`,
  );
  // Hoisted: the app resolves ponder from PONDER_DIR's node_modules, one level up.
  const bin = path.join(PONDER_DIR, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");
  const output: string[] = [];
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [bin, "--root", app, "--log-level", "info", "start", "--schema", "bench", "--port", String(options.port)],
    {
      cwd: app,
      env: { ...process.env, NODE_OPTIONS: "", PONDER_TELEMETRY_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`ponder exited (code ${child.exitCode}):\n${output.join("")}`);
      if (performance.now() - started > options.timeoutMs)
        throw new Error(`ponder not ready in time:\n${output.join("")}`);
      try {
        if ((await fetch(`http://127.0.0.1:${options.port}/ready`)).status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const pid = child.pid;
    if (pid === undefined) throw new Error("ponder has no pid");
    const measured = { seconds, cpuSeconds: cpuSecondsOf(pid), peakRss: memoryOf(pid, "VmHWM") };
    const counted = await countTransfers(options.port);
    if (counted < options.expectedTransfers) {
      throw new Error(
        `ponder reported ready with ${counted} transfers, expected at least ${options.expectedTransfers}:\n${output.join("")}`,
      );
    }
    return { ...measured, backfillSeconds: backfillSecondsOf(output.join("")), transfers: counted };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(undefined)));
  }
}

function backfillSecondsOf(log: string): number | undefined {
  const match = /Completed backfill indexing[^(\n]*\((\d+(?:\.\d+)?)(ms|s|m)\)/.exec(log);
  if (match === null) return undefined;
  const value = Number(match[1]);
  return match[2] === "ms" ? value / 1000 : match[2] === "m" ? value * 60 : value;
}

/** The transfer rows through Ponder's GraphQL API (`transfers { totalCount }`). */
async function countTransfers(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ transfers { totalCount } }" }),
  });
  const text = await res.text();
  const body = JSON.parse(text) as { data?: { transfers?: { totalCount?: number } } };
  const count = body.data?.transfers?.totalCount;
  if (count === undefined) throw new Error(`ponder's GraphQL answered ${res.status}: ${text.slice(0, 500)}`);
  return count;
}
