/**
 * `npm start`'s indexer: follows the local chain from the deployment's address book, serves GraphQL,
 * the audit export and the regulator's dashboard, with the sample deal's loan-level records joined
 * as the regulator's node holds them (the public demonstration tape, regenerated from its seed).
 *
 * Environment: ABS_INDEXER_PORT (default 4350; 0 = any free port), ABS_INDEXER_DATA_DIR (default a
 * fresh temp dir per run, removed on stop: each `npm start` is a new chain), ABS_INDEXER_* (see
 * packages/indexer/README.md).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateLoans } from "@abs/core";
import { parseIndexerConfig, startIndexerService } from "@abs/indexer";
import pino from "pino";
import { type ConsortiumDeployment } from "../../deploy/consortium";
import { loadNetworkConfig } from "../../deploy/config";
import { sampleTapeSaltKey } from "../../deploy/sample-deal";

export interface ConsortiumIndexer {
  url: string;
  stop(): Promise<void>;
}

export async function startConsortiumIndexer(options: {
  rpcUrl: string;
  addressBook: string;
  host: string;
  deployment: ConsortiumDeployment;
}): Promise<ConsortiumIndexer> {
  const ownDir = process.env["ABS_INDEXER_DATA_DIR"] === undefined;
  const dataDir = process.env["ABS_INDEXER_DATA_DIR"] ?? mkdtempSync(path.join(tmpdir(), "abs-indexer-"));
  const config = parseIndexerConfig({
    ...process.env,
    ABS_INDEXER_RPC_URL: options.rpcUrl,
    ABS_INDEXER_ADDRESS_BOOK: options.addressBook,
    ABS_INDEXER_DATA_DIR: dataDir,
    ABS_INDEXER_LISTEN: `${options.host}:${process.env["ABS_INDEXER_PORT"] ?? "4350"}`,
    ABS_INDEXER_LOG_LEVEL: process.env["ABS_INDEXER_LOG_LEVEL"] ?? "warn",
  });
  const service = await startIndexerService({
    config,
    logger: pino({ level: config.logLevel, name: "abs-indexer" }),
    entitlement: "loan-level",
  });
  await service.caughtUp();
  const sample = loadNetworkConfig("localhost").sampleDeal;
  const deal = options.deployment.sampleDeal;
  if (sample && deal) {
    const records = generateLoans(sample.loans, sample.seed, { asOfDate: sample.cutoffDate });
    await service.loans.addTape(deal.pool, deal.tape.version, records, sampleTapeSaltKey(sample.dealId));
  }
  return {
    url: service.url,
    async stop() {
      await service.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
