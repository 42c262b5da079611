/**
 * `npm start`: the whole consortium on one machine.
 * Starts Hardhat's node on 127.0.0.1, deploys the consortium and the sample deal from
 * deploy/networks/localhost.json, starts the member nodes (the originator's node holding the sample deal's
 * tape) and the regulator's indexer, which joins the sample tape's loans from the originator's node over
 * signed requests, as in production; prints what is running, and stops everything on Ctrl-C.
 *
 * Environment: ABS_HOST (default 127.0.0.1), ABS_CHAIN_PORT (default 8545), ABS_CHAIN (hardhat, the default, or
 * anvil: Foundry's node with interval mining, a block every ABS_ANVIL_BLOCK_TIME seconds, default 1),
 * ABS_ADDRESS_BOOK (default deploy/addresses/localhost.json), ABS_SAMPLE_PERIODS (default 6: the sample deal's past
 * periods serviced with the members' commands, see scripts/lib/sample-servicing.ts), ABS_CONSORTIUM_FILE; member nodes: see scripts/lib/member-nodes.ts
 * and `memberNodesEnv` (ABS_NODES, ABS_NODES_BASE_PORT, ABS_NODES_DIR).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { z } from "zod";
import { AddressBook } from "../deploy/address-book";
import { loadNetworkConfig, sampleDealLoans } from "../deploy/config";
import { deployConsortium, type ConsortiumDeployment } from "../deploy/consortium";
import { sampleTapeSaltKey } from "../deploy/sample-deal";
import { memberSigners, resolveSigner } from "../deploy/signers";
import { ANVIL_BLOCK_SECONDS, CHAIN_CLIENTS, startChain, type ChainProcess } from "./lib/chain-process";
import { type MemberNodes, type SeedTape, memberNodesEnv, startLocalMemberNodes } from "./lib/member-nodes";
import { writeMemberKeyFiles } from "./lib/member-keys";
import { serviceSampleDeal } from "./lib/sample-servicing";
import { writeSampleForecast } from "./lib/sample-forecast";
import { localConsortiumFile, writeConsortiumFile } from "./lib/local-consortium-file";
import { type ConsortiumFile, consortiumFilePath } from "@abs/cli";
import { startConsortiumIndexer, type ConsortiumIndexer } from "./lib/indexer-service";
import { signInToIndexer } from "@abs/indexer";

const envSchema = z.object({
  ABS_HOST: z.string().default("127.0.0.1"),
  ABS_CHAIN_PORT: z.coerce.number().int().min(1).max(65535).default(8545),
  ABS_CHAIN: z.enum(CHAIN_CLIENTS, "expected hardhat or anvil").default("hardhat"),
  ABS_ANVIL_BLOCK_TIME: z.coerce.number().min(0.1).max(60).default(ANVIL_BLOCK_SECONDS),
  ABS_ADDRESS_BOOK: z.string().optional(),
  /** How many of the sample deal's past periods `npm start` services (0: none). */
  ABS_SAMPLE_PERIODS: z.coerce.number().int().min(0).max(24).default(6),
});

const ROOT = path.resolve(__dirname, "..");

/** The chain child process, stopped on every way out (Ctrl-C, SIGTERM, a failed deployment). */
let chain: ChainProcess | undefined;
let memberNodes: MemberNodes | undefined;
let indexer: ConsortiumIndexer | undefined;

async function main(): Promise<void> {
  const env = envSchema.parse(process.env);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping the consortium...`);
    await indexer?.stop();
    await memberNodes?.stop();
    await chain?.stop();
    console.log("stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  console.log(`starting the embedded chain (${env.ABS_CHAIN}) on ${env.ABS_HOST}:${env.ABS_CHAIN_PORT} ...`);
  chain = await startChain({
    client: env.ABS_CHAIN,
    blockSeconds: env.ABS_ANVIL_BLOCK_TIME,
    host: env.ABS_HOST,
    port: env.ABS_CHAIN_PORT,
    cwd: ROOT,
  });
  void chain.exited.then((code) => {
    if (stopping) return;
    console.error(`the embedded chain exited unexpectedly (code ${String(code)})`);
    process.exit(1);
  });

  const config = loadNetworkConfig("localhost");
  // Receipts polled every 250 ms, not ethers' 4 s: with interval mining (Anvil) every deployment step waits for one.
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, {
    batchMaxCount: 1,
    staticNetwork: true,
    pollingInterval: 250,
  });
  const { chainId } = await provider.getNetwork();
  const genesis = await provider.getBlock(0);
  const book = AddressBook.open(env.ABS_ADDRESS_BOOK ?? AddressBook.defaultPath(config.network), {
    network: config.network,
    chainId: Number(chainId),
    genesisHash: genesis?.hash ?? "unknown",
  });
  const started = Date.now();
  const deployment = await deployConsortium({
    config,
    provider,
    deployer: resolveSigner(config.deployer, provider),
    signerOf: memberSigners(config, provider),
    book,
    log: (line) => console.log(`  ${line}`),
  });
  printSummary(chain.rpcUrl, Number(chainId), deployment, book.file, Date.now() - started);
  const nodesDir = memberNodesEnv.parse(process.env).ABS_NODES_DIR;
  const keyFiles = writeMemberKeyFiles(config, path.join(nodesDir, "keys"));
  memberNodes = await startLocalMemberNodes({
    config,
    rpcUrl: chain.rpcUrl,
    registry: deployment.registry,
    pledgeRegistry: deployment.pledges,
    host: env.ABS_HOST,
    seedTapes: sampleTapeSeed(deployment),
    keyFiles,
    dvp: deployment.dvp,
  });
  // The regulator's indexer, joining loan-level records from the originator's node and each period's loan
  // states from the servicer's (when they run).
  const originator = memberNodes.nodes.find((n) => n.role === "ORIGINATOR");
  const servicer = memberNodes.nodes.find((n) => n.role === "SERVICER");
  const regulator = config.members.find((m) => m.roles.includes("REGULATOR"));
  const forecasts = sampleForecast(deployment, nodesDir);
  indexer = await startConsortiumIndexer({
    ...(forecasts === undefined ? {} : { forecasts }),
    rpcUrl: chain.rpcUrl,
    addressBook: book.file,
    host: env.ABS_HOST,
    deployment,
    ...(originator && regulator
      ? {
          memberNode: { url: originator.url, memberId: originator.memberId, key: regulator.signer },
          ...(servicer ? { servicerNode: { url: servicer.url, memberId: servicer.memberId } } : {}),
        }
      : {}),
  });
  // The dashboard signs in as the regulator with its dev key (the indexer asks every caller to sign in).
  const session = regulator ? await signInToIndexer(indexer.url, resolveSigner(regulator.signer, provider)) : undefined;
  console.log(
    `dashboard      ${indexer.url}/${session ? `#session=${session.token}` : ""}  (GraphQL ${indexer.url}/graphql, audit export ${indexer.url}/audit/export)`,
  );
  if (session) {
    console.log(
      `               signed in as the regulator (dev key) until ${session.expiresAt}; GraphQL clients send "Authorization: Bearer ${session.token}"`,
    );
  }
  const consortiumFile = consortiumFilePath(process.env);
  const file = localConsortiumFile({
    config,
    chainId: Number(chainId),
    rpcUrl: chain.rpcUrl,
    deployment,
    keyFiles,
    nodes: memberNodes.nodes,
    operatorTokenFile: memberNodes.operatorTokenFile,
    indexerUrl: indexer.url,
  });
  writeConsortiumFile(consortiumFile, file);
  const sample = config.sampleDeal;
  if (sample && deployment.sampleDeal && env.ABS_SAMPLE_PERIODS > 0) {
    const last = await serviceSampleDeal({
      consortiumFile,
      rpcUrl: chain.rpcUrl,
      poolFactory: deployment.poolFactory,
      dealId: sample.dealId,
      loans: sample.loans,
      seed: sample.seed,
      cutoffDate: sample.cutoffDate,
      periods: env.ABS_SAMPLE_PERIODS,
      workDir: path.join(nodesDir, "sample"),
      log: (line) => console.log(`  ${line}`),
    });
    console.log(`sample deal    serviced through period ${last} with the members' own commands`);
    // The regulator sees each serviced period's loan states now, not at the indexer's next refresh.
    await indexer.joinNow();
  }
  printMembersTable(file, memberNodes);
  console.log(
    `\nconsortium file ${consortiumFile}: \`abs --as <member> ...\` acts as that member (\`abs members\` lists them)`,
  );
  console.log("ready: the consortium is running. Press Ctrl-C to stop.");
}

/**
 * The sample deal's tape, for the originator's node to store: the loans regenerated from the config's seed,
 * with the sample's public demonstration salt key (deploy/sample-deal.ts, development only), checked against
 * the root the deployment anchored.
 */
function sampleTapeSeed(deployment: ConsortiumDeployment): SeedTape[] {
  const sample = loadNetworkConfig("localhost").sampleDeal;
  const deal = deployment.sampleDeal;
  if (!sample || !deal) return [];
  return [
    {
      member: "originator",
      pool: deal.pool,
      version: deal.tape.version,
      records: sampleDealLoans(sample),
      saltKey: sampleTapeSaltKey(sample.dealId),
      expectedRoot: deal.tape.root,
    },
  ];
}

/** The sample deal's forecast file (see `lib/sample-forecast.ts`), keyed by its pool for the indexer. */
function sampleForecast(deployment: ConsortiumDeployment, dir: string): Record<string, string> | undefined {
  const sample = loadNetworkConfig("localhost").sampleDeal;
  const deal = deployment.sampleDeal;
  if (!sample || !deal) return undefined;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "sample-forecast.json");
  writeSampleForecast(sampleDealLoans(sample), file);
  return { [deal.pool]: file };
}

function printSummary(
  rpcUrl: string,
  chainId: number,
  d: ConsortiumDeployment,
  bookFile: string,
  elapsedMs: number,
): void {
  const line = "─".repeat(78);
  console.log(`\n${line}\nABS consortium (deployed in ${(elapsedMs / 1000).toFixed(1)} s)\n${line}`);
  console.log(`chain          ${rpcUrl}  (chain id ${chainId}, Hardhat node)`);
  console.log(`addresses      ${bookFile}`);
  console.log(`registry       ${d.registry}`);
  console.log(`pool factory   ${d.poolFactory}`);
  console.log(`tranche fact.  ${d.trancheFactory}`);
  console.log(`cash token     ${d.cashToken}`);
  console.log(`documents      ${d.documents}`);
  console.log(`offering fact. ${d.offeringFactory}`);
  console.log(`dvp            ${d.dvp}`);
  console.log(`recon log      ${d.reconciliationLog}`);
  console.log(`pledges        ${d.pledges}`);
  console.log(`waterfall fac. ${d.waterfallFactory}  (engine ${d.waterfallEngine})`);
  const deal = d.sampleDeal;
  if (deal) {
    console.log(`\nsample deal    ${deal.dealId}: pool ${deal.pool} (${deal.state})`);
    console.log(`  waterfall    ${deal.waterfall}  (abs settle --waterfall ${deal.waterfall} ...)`);
    console.log(
      `  tape v${deal.tape.version}      ${deal.tape.loanCount} loans, ${formatCents(deal.tape.totalPrincipalCents)} CNY, root ${deal.tape.root}`,
    );
    for (const t of deal.tranches)
      console.log(`  ${t.symbol.padEnd(12)} ${t.address}  face ${formatCents(t.faceCents)}`);
    console.log(`  prospectus   document #${deal.prospectusDocId}, signed off by trustee and originator`);
  }
  console.log(line);
}

/** The members table: name (for `abs --as`), roles, address, node URL, key file. */
function printMembersTable(file: ConsortiumFile, nodes: MemberNodes): void {
  console.log(`\nmembers        (operator token: ${nodes.operatorTokenFile})`);
  for (const m of file.members) {
    console.log(
      `  ${m.name.padEnd(11)} ${m.roles.join("+").padEnd(19)} ${m.address}  ${(m.nodeUrl ?? "no node").padEnd(22)} ${m.keyFile ?? ""}`,
    );
  }
}

function formatCents(cents: bigint): string {
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${whole}.${(cents % 100n).toString().padStart(2, "0")}`;
}

main().catch(async (error: unknown) => {
  console.error(`npm start failed: ${describeError(error)}`);
  await indexer?.stop();
  await memberNodes?.stop();
  await chain?.stop();
  process.exit(1);
});

/** ethers errors carry the whole transaction in `message`; `shortMessage` is the readable part. */
function describeError(error: unknown): string {
  if (error && typeof error === "object" && "shortMessage" in error && typeof error.shortMessage === "string") {
    return error.shortMessage;
  }
  return error instanceof Error ? error.message : String(error);
}
