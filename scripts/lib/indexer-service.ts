/**
 * `npm start`'s indexer: follows the local chain from the deployment's address book, serves GraphQL,
 * the audit export and the regulator's dashboard. Given `memberNode` (the originator's node and the
 * regulator's key source), it joins loan-level records from that node as in production: every anchored
 * tape page by page over signed requests, each loan shown only if the tape verifies against the root
 * anchored on chain (packages/indexer/src/member-node-sync.ts); given `servicerNode`, every reported period's
 * loan states too, each verified against the period's anchored loan-state root. It is ready once the sample deal's tape is
 * joined (or after `joinTimeoutMs`, with a warning: the sync keeps retrying).
 *
 * Environment: ABS_INDEXER_PORT (default 4350; 0 = any free port), ABS_INDEXER_DATA_DIR (default a
 * fresh temp dir per run, removed on stop: each `npm start` is a new chain), ABS_INDEXER_* (see
 * packages/indexer/README.md; an explicit ABS_INDEXER_MEMBER_NODE_URL wins over `memberNode`). Sessions last 12 hours
 * here unless ABS_INDEXER_SESSION_TTL_S says otherwise (the indexer's default is one hour).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseIndexerConfig, startIndexerService } from "@abs/indexer";
import pino from "pino";
import { type ConsortiumDeployment } from "../../deploy/consortium";
import { type SignerSource } from "../../deploy/config";

export interface ConsortiumIndexer {
  url: string;
  /**
   * Index to the chain's head, then join what the member nodes hold now (tapes, reported periods) instead of at
   * the next refresh; a failure is logged, not thrown (the sync retries at its next refresh).
   */
  joinNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startConsortiumIndexer(options: {
  rpcUrl: string;
  addressBook: string;
  host: string;
  deployment: ConsortiumDeployment;
  /** The node to join loans from, and the key source of the member whose indexer this is. */
  memberNode?: { url: string; memberId: string; key: SignerSource };
  /** The servicer's node, to join every reported period's loan states from (with `memberNode`'s key). */
  servicerNode?: { url: string; memberId: string };
  /** Forecast files per pool address (ABS_INDEXER_FORECASTS), unless the environment sets its own. */
  forecasts?: Record<string, string>;
  /** How long to wait for the sample tape's join before reporting ready anyway. Default 60 s. */
  joinTimeoutMs?: number;
}): Promise<ConsortiumIndexer> {
  const ownDir = process.env["ABS_INDEXER_DATA_DIR"] === undefined;
  const dataDir = process.env["ABS_INDEXER_DATA_DIR"] ?? mkdtempSync(path.join(tmpdir(), "abs-indexer-"));
  const member = options.memberNode;
  const memberEnv: Record<string, string> =
    member === undefined || process.env["ABS_INDEXER_MEMBER_NODE_URL"] !== undefined
      ? {}
      : {
          ABS_INDEXER_MEMBER_NODE_URL: member.url,
          ABS_INDEXER_MEMBER_NODE_ID: member.memberId,
          ...("hardhatAccount" in member.key
            ? { ABS_INDEXER_MEMBER_HARDHAT_ACCOUNT: String(member.key.hardhatAccount) }
            : { ABS_INDEXER_MEMBER_KEY_ENV: member.key.privateKeyEnv }),
          ...(options.servicerNode === undefined
            ? {}
            : {
                ABS_INDEXER_SERVICER_NODE_URL: options.servicerNode.url,
                ABS_INDEXER_SERVICER_NODE_ID: options.servicerNode.memberId,
              }),
        };
  const config = parseIndexerConfig({
    ...process.env,
    ...memberEnv,
    ABS_INDEXER_RPC_URL: options.rpcUrl,
    ABS_INDEXER_ADDRESS_BOOK: options.addressBook,
    ABS_INDEXER_DATA_DIR: dataDir,
    ABS_INDEXER_LISTEN: `${options.host}:${process.env["ABS_INDEXER_PORT"] ?? "4350"}`,
    ABS_INDEXER_LOG_LEVEL: process.env["ABS_INDEXER_LOG_LEVEL"] ?? "warn",
    ABS_INDEXER_SESSION_TTL_S: process.env["ABS_INDEXER_SESSION_TTL_S"] ?? "43200",
    ...(options.forecasts === undefined || process.env["ABS_INDEXER_FORECASTS"] !== undefined
      ? {}
      : { ABS_INDEXER_FORECASTS: JSON.stringify(options.forecasts) }),
  });
  const logger = pino({ level: config.logLevel, name: "abs-indexer" });
  const service = await startIndexerService({ config, logger });
  await service.caughtUp();
  const deal = options.deployment.sampleDeal;
  if (deal && config.memberNode) {
    // The sync starts joining once the indexer has caught up; wait for the sample tape to be in the book.
    const deadline = Date.now() + (options.joinTimeoutMs ?? 60_000);
    while (!service.loans.hasVersion(deal.pool, deal.tape.version) && service.loans.entitlement === "loan-level") {
      if (Date.now() > deadline) {
        logger.warn({ pool: deal.pool }, "the sample tape is not joined yet from the member node; still trying");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url: service.url,
    async joinNow() {
      try {
        // Index up to the chain's head first (the second wait is a whole sync begun after this call), so that
        // the period reports just made are known.
        await service.caughtUp();
        await service.caughtUp();
        await service.memberNode?.refresh();
      } catch (error) {
        logger.warn({ err: error }, "joining from the member nodes failed; the sync retries at its next refresh");
      }
    },
    async stop() {
      await service.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
