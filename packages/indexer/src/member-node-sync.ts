/**
 * Keeps the loan book joined to the entitled member node the indexer runs beside. On every refresh, each
 * anchored tape version of each indexed pool not joined yet, and the latest version again (records may have
 * been altered on the node since), is fetched from the node and verified against the root anchored on chain
 * (member-node.ts): the whole tape, page by page (`joinTapeFromNode`), unless the optional loan ids file
 * lists loan ids for that pool and version, in which case just those loans are fetched one by one, each with
 * its proof. A node refusing this key loan-level access turns the book to aggregates only (NOT_ENTITLED),
 * which is an answer, not an indexing error.
 */
import { readFileSync } from "node:fs";
import { JsonRpcProvider, Wallet, type HDNodeWallet } from "ethers";
import { type Logger } from "pino";
import { z } from "zod";
import { hardhatDevWallet } from "@abs/core";
import { AssetPoolRootReader } from "@abs/node";
import { type MemberKeySource, type MemberNodeConfig } from "./config";
import { ConfigError, IndexerError } from "./errors";
import { type LoanBook } from "./loans";
import { fetchTapeFromNode, joinPeriodFromNode, joinTapeFromNode, type MemberNodeDeps } from "./member-node";
import { registryFromAddressBook } from "./sources";
import { type IndexerStore } from "./store";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a pool address");
/** `{ "<pool>": { "<version>": ["loanId", ...] } }` */
export const loanIdsManifestSchema = z.record(
  address,
  z.record(z.string().regex(/^\d+$/, "expected a tape version"), z.array(z.string().min(1).max(64))),
);
export type LoanIdsManifest = z.infer<typeof loanIdsManifestSchema>;

/** The member's signing key from its source; the key is never logged nor put in an error. */
export function resolveMemberKey(
  source: MemberKeySource,
  env: Readonly<Record<string, string | undefined>>,
): Wallet | HDNodeWallet {
  if ("hardhatAccount" in source) return hardhatDevWallet(source.hardhatAccount);
  const hex = env[source.privateKeyEnv];
  if (hex === undefined || !/^(0x)?[0-9a-fA-F]{64}$/.test(hex)) {
    throw new ConfigError("CONFIG_INVALID", `${source.privateKeyEnv}: expected a 32-byte hex private key`);
  }
  return new Wallet(hex.startsWith("0x") ? hex : `0x${hex}`);
}

function readJson<T>(file: string, schema: z.ZodType<T>, what: string): T {
  try {
    return schema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (cause) {
    throw new ConfigError("CONFIG_INVALID", `${what} ${file}: cannot read or not the expected shape`, { cause });
  }
}

/** A tape version a refresh could not join, and why. */
export interface TapeJoinFailure {
  pool: string;
  version: number;
  error: unknown;
}

/**
 * Join, for each pool, every tape version the book does not hold yet and the latest one again, in
 * version order. One version that cannot be joined (the node lost it, a page failed) does not keep
 * the others out: it is listed in `failures` and the refresh goes on. A NOT_ENTITLED answer ends it
 * (`refusal`): the node refuses this key every tape.
 */
export async function joinTapes(
  tapes: ReadonlyMap<string, number[]>,
  book: Pick<LoanBook, "hasVersion">,
  join: (pool: string, version: number) => Promise<void>,
): Promise<{ attempted: number; failures: TapeJoinFailure[]; refusal?: IndexerError }> {
  const failures: TapeJoinFailure[] = [];
  let attempted = 0;
  for (const [pool, versions] of tapes) {
    const latest = Math.max(...versions);
    for (const version of [...versions].sort((a, b) => a - b)) {
      if (version !== latest && book.hasVersion(pool, version)) continue;
      attempted++;
      try {
        await join(pool, version);
      } catch (error) {
        if (error instanceof IndexerError && error.code === "NOT_ENTITLED") {
          return { attempted, failures, refusal: error };
        }
        failures.push({ pool, version, error });
      }
    }
  }
  return { attempted, failures };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface MemberNodeSync {
  /**
   * Join every anchored tape version not joined yet, and the latest one of each pool again, once.
   * Rejects with MEMBER_NODE_JOIN_FAILED naming the versions that were not joined, after joining the rest.
   */
  refresh(): Promise<void>;
  /** Refresh now and every `refreshMs` (failures are logged and retried at the next refresh). */
  start(): void;
  stop(): void;
}

export async function startMemberNodeSync(deps: {
  config: MemberNodeConfig;
  rpcUrl: string;
  addressBook: string;
  store: IndexerStore;
  book: LoanBook;
  logger: Logger;
  env: Readonly<Record<string, string | undefined>>;
}): Promise<MemberNodeSync> {
  const { config, store, book, logger } = deps;
  const manifest =
    config.loanIdsFile === undefined ? undefined : readJson(config.loanIdsFile, loanIdsManifestSchema, "loan ids file");
  const registry = registryFromAddressBook(deps.addressBook);
  const provider = new JsonRpcProvider(deps.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
  const nodeDeps: MemberNodeDeps = {
    signer: resolveMemberKey(config.key, deps.env),
    domain: { chainId: (await provider.getNetwork()).chainId, registry },
    chain: new AssetPoolRootReader(provider),
    node: { baseUrl: config.baseUrl, memberId: config.memberId },
    logger,
  };
  const overrides = new Map<string, Record<string, string[]>>(
    Object.entries(manifest ?? {}).map(([pool, versions]) => [pool.toLowerCase(), versions]),
  );
  /** Join one tape version: the loans the override file lists, else the whole tape, page by page. */
  const join = async (pool: string, version: number): Promise<void> => {
    const override = overrides.get(pool)?.[String(version)];
    if (override === undefined) await joinTapeFromNode(nodeDeps, book, pool, version);
    else book.addNodeLoans(pool, version, await fetchTapeFromNode(nodeDeps, pool, version, override));
  };
  const periodChain = new AssetPoolRootReader(provider);
  /**
   * Join every period report on chain whose loan-state root is not joined yet (a restated report has another root)
   * from the servicer's node. A period the node does not hold (404) is marked unavailable in every loan's history.
   */
  const refreshPeriods = async (): Promise<{ attempted: number; failures: string[]; refusal?: IndexerError }> => {
    const servicer = config.servicerNode;
    const failures: string[] = [];
    let attempted = 0;
    if (servicer === undefined) return { attempted, failures };
    for await (const report of store.all("PeriodReport")) {
      const pool = String(report["pool"]).toLowerCase();
      const period = Number(report["period"]);
      const root = String(report["loanStateRoot"]).toLowerCase();
      if (book.hasPeriod(pool, period, root)) continue;
      attempted++;
      try {
        await joinPeriodFromNode(nodeDeps, servicer, periodChain, book, pool, period);
      } catch (error) {
        if (error instanceof IndexerError && error.code === "NOT_ENTITLED")
          return { attempted, failures, refusal: error };
        const notServed = /HTTP 404/.test(messageOf(error));
        if (notServed)
          book.markPeriodUnavailable(
            pool,
            period,
            root,
            `the servicer's node does not serve period ${period}: ${messageOf(error)}`,
          );
        logger.error({ err: error, pool, period }, "period loan states not joined from the servicer's node");
        failures.push(`pool ${pool} period ${period}: ${messageOf(error)}`);
      }
    }
    return { attempted, failures };
  };
  const refresh = async (): Promise<void> => {
    if (book.entitlement !== "loan-level") return;
    const tapes = new Map<string, number[]>();
    for await (const tape of store.all("Tape")) {
      const pool = String(tape["pool"]).toLowerCase();
      tapes.set(pool, [...(tapes.get(pool) ?? []), Number(tape["version"])]);
    }
    const outcome = await joinTapes(tapes, book, join);
    const periods = outcome.refusal ? undefined : await refreshPeriods();
    const refusal = outcome.refusal ?? periods?.refusal;
    if (refusal) {
      book.refuseLoanLevel(refusal.message);
      logger.warn({ node: config.memberId }, "member node refuses loan-level records: aggregates only");
      return;
    }
    for (const { pool, version, error } of outcome.failures) {
      logger.error({ err: error, pool, version }, "tape version not joined from the member node");
    }
    const failed = [
      ...outcome.failures.map((f) => `pool ${f.pool} version ${f.version}: ${messageOf(f.error)}`),
      ...(periods?.failures ?? []),
    ];
    if (failed.length === 0) return;
    throw new IndexerError(
      "MEMBER_NODE_JOIN_FAILED",
      `${failed.length} of ${outcome.attempted + (periods?.attempted ?? 0)} tape versions and periods were not joined ` +
        `(the others were): ${failed.join("; ")}`,
      { retryable: true, cause: outcome.failures[0]?.error },
    );
  };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const loop = async (): Promise<void> => {
    try {
      await refresh();
    } catch (error) {
      logger.error({ err: error }, "joining loans from the member node failed; retrying at the next refresh");
    }
    if (!stopped) timer = setTimeout(() => void loop(), config.refreshMs);
  };
  return {
    refresh,
    start: () => void loop(),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      provider.destroy();
    },
  };
}
