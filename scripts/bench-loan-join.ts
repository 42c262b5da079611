/**
 * How long an indexer takes to join one tape from a member node: the per-loan path (the loan ids listed
 * page by page, then one signed request per loan, each with its proof) against the paged path (one signed
 * request per page of loans, the whole tape verified against the anchored root from its leaves).
 *
 * Both run against a real node app (`createApp`, its LevelDB tape store, signed requests, nonces) on
 * 127.0.0.1, with an in-memory member directory and a chain reader that answers the committed root without
 * RPC (so the per-loan path is spared the `eth_call` per loan it makes in production: its real cost is higher).
 *
 * Usage: ts-node --transpile-only scripts/bench-loan-join.ts [loans=20000] [pageSize=1000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Level } from "level";
import pino from "pino";
import { commitTape, generateLoans, hardhatDevWallet, type RoleName } from "@abs/core";
import { LoanBook, type IndexerStore } from "@abs/indexer";
import {
  LevelNonceStore,
  LevelTapeStore,
  createApp,
  listen,
  type AnchoredRootReader,
  type MemberRecord,
} from "@abs/node";
import { discoverLoanIds, fetchTapeFromNode, joinTapeFromNode } from "../packages/indexer/src/member-node";

const POOL = "0x00000000000000000000000000000000000000aa";
const NODE_ID = "ORIG-BENCH";

async function main(): Promise<void> {
  const loanCount = Number(process.argv[2] ?? 20_000);
  const pageSize = Number(process.argv[3] ?? 1_000);
  const dir = mkdtempSync(path.join(tmpdir(), "abs-bench-join-"));
  const db = new Level<string, string>(dir);
  await db.open();
  const logger = pino({ level: "silent" });
  const regulator = hardhatDevWallet(5);
  const saltKey = new Uint8Array(32).fill(9);
  const records = [...generateLoans(loanCount, 7, { asOfDate: "2026-11-01" })];
  const { root } = commitTape(records, { saltKey });
  const tapes = new LevelTapeStore(db);
  await tapes.importTape(POOL, 1, records, { saltKey, expectedRoot: root });
  const member: MemberRecord = {
    address: regulator.address,
    memberId: "REGU-BENCH",
    status: "Active",
    roles: ["REGULATOR"] as RoleName[],
  };
  const domain = { chainId: 31337n, registry: "0x00000000000000000000000000000000000000bb" };
  const app = createApp({
    logger,
    auth: { domain, memberId: NODE_ID, windowMs: 600_000, nonces: new LevelNonceStore(db) },
    directory: { lookup: (address) => Promise.resolve({ ...member, address }) },
    tapes,
  });
  const server = await listen(app, "127.0.0.1", 0);
  const chain: AnchoredRootReader = { anchoredRoot: () => Promise.resolve(root) };
  const deps = { signer: regulator, domain, chain, node: { baseUrl: server.url, memberId: NODE_ID }, logger };
  // `addTape` (not used here) is the only LoanBook method that reads the indexer store.
  const store = {} as IndexerStore;
  try {
    console.log(`joining a ${loanCount}-loan tape from a member node on 127.0.0.1 (page size ${pageSize})`);
    let started = performance.now();
    const perLoan = new LoanBook(store, "loan-level");
    const outcomes = await fetchTapeFromNode(deps, POOL, 1, discoverLoanIds(deps, POOL, 1, pageSize));
    const counted = perLoan.addNodeLoans(POOL, 1, outcomes);
    const perLoanMs = performance.now() - started;
    console.log(
      `  per loan (before): ${(perLoanMs / 1000).toFixed(1)} s, ${Math.ceil(loanCount / pageSize) + loanCount} requests, ${counted.verified} verified`,
    );
    started = performance.now();
    const paged = new LoanBook(store, "loan-level");
    const joined = await joinTapeFromNode(deps, paged, POOL, 1, pageSize);
    const pagedMs = performance.now() - started;
    console.log(
      `  paged (after):     ${(pagedMs / 1000).toFixed(1)} s, ${Math.ceil(loanCount / pageSize)} requests, ${joined.verified} verified`,
    );
    console.log(`  speed-up:          ${(perLoanMs / pagedMs).toFixed(1)}x`);
  } finally {
    await server.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
