import path from "node:path";
import pino, { type Logger } from "pino";
import { JsonRpcProvider } from "ethers";
import { AbiRegistry } from "./abi";
import { createAuthDeps } from "./auth/auth-deps";
import { createApp, listen, type RunningServer } from "./app";
import { type IndexerConfig } from "./config";
import { IndexerError } from "./errors";
import { DEFAULT_HANDLERS } from "./handlers";
import { type HandlerTable } from "./handlers/context";
import { Indexer } from "./indexer";
import { LoanBook, type LoanEntitlement } from "./loans";
import { resolveMemberKey, startMemberNodeSync, type MemberNodeSync } from "./member-node-sync";
import { JsonRpcClient } from "./rpc";
import { loadSchemaModel } from "./schema-model";
import { registryFromAddressBook, sourcesFromAddressBook } from "./sources";
import { IndexerStore } from "./store";

export interface IndexerServiceOptions {
  config: IndexerConfig;
  logger?: Logger;
  handlers?: HandlerTable;
  /**
   * Loan-level entitlement of the member this indexer runs beside (default: loan-level when
   * `config.memberNode` is set, until that node refuses; else aggregates only)
   */
  entitlement?: LoanEntitlement;
  /** Environment holding the member key when `config.memberNode.key` names a variable (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RunningIndexerService {
  url: string;
  indexer: Indexer;
  store: IndexerStore;
  loans: LoanBook;
  /** Set when the indexer runs beside a member node (`config.memberNode`). */
  memberNode: MemberNodeSync | undefined;
  server: RunningServer;
  /** Resolves once the indexer has caught up with the chain's head (minus confirmations). */
  caughtUp(): Promise<void>;
  /** Stop polling, close the HTTP server and the database. */
  stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/**
 * The indexer as a service: follow the chain (poll every `pollMs`), serve GraphQL, the audit export
 * and the dashboard. Stops cleanly: the poll loop finishes its batch before the database closes.
 */
export async function startIndexerService(options: IndexerServiceOptions): Promise<RunningIndexerService> {
  const { config } = options;
  const logger = options.logger ?? pino({ level: config.logLevel, name: "abs-indexer" });
  const model = loadSchemaModel();
  const abis = AbiRegistry.fromArtifacts(config.artifactsDir ?? path.join(REPO_ROOT, "artifacts"));
  const store = await IndexerStore.open(config.dataDir, model);
  const indexer = new Indexer({
    rpc: new JsonRpcClient(config.rpcUrl),
    store,
    abis,
    handlers: options.handlers ?? DEFAULT_HANDLERS,
    logger,
    sources: sourcesFromAddressBook(config.addressBook, abis),
    options: config,
  });
  await indexer.init();
  const loans = new LoanBook(store, options.entitlement ?? (config.memberNode ? "loan-level" : "aggregates"));
  const memberNode = config.memberNode
    ? await startMemberNodeSync({
        config: config.memberNode,
        rpcUrl: config.rpcUrl,
        addressBook: config.addressBook,
        store,
        book: loans,
        logger,
        env: options.env ?? process.env,
      })
    : undefined;
  // Sign-in reads the registry, and GraphQL a scheduled deal's targets, through one provider, closed at stop.
  const registryProvider = new JsonRpcProvider(config.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
  const auth = createAuthDeps({
    registry: registryFromAddressBook(config.addressBook),
    runner: registryProvider,
    chainId: Number((await registryProvider.getNetwork()).chainId),
    ...(config.auth.domain === undefined ? {} : { domain: config.auth.domain }),
    sessionTtlMs: config.auth.sessionTtlMs,
    memberCacheMs: config.auth.memberCacheMs,
    openRead: config.auth.openRead,
  });
  // Beside a member node the indexer holds its member's key: its JSON audit exports are signed with it.
  const exportSigner = config.memberNode
    ? resolveMemberKey(config.memberNode.key, options.env ?? process.env)
    : undefined;
  const app = createApp({
    store,
    model,
    logger,
    loans,
    forecasts: config.forecasts,
    chain: registryProvider,
    auth,
    exportSigner,
    hasIndexingErrors: () => indexer.hasIndexingErrors,
  });
  const server = await listen(app, config.listen.host, config.listen.port);
  auth.domain ||= new URL(server.url).host;

  let stopping = false;
  let joining = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const waiters: (() => void)[] = [];
  const tick = async (): Promise<void> => {
    try {
      await indexer.syncOnce();
      if (memberNode && !joining) {
        joining = true; // first join once the tapes anchored so far are indexed
        memberNode.start();
      }
      for (const w of waiters.splice(0)) w();
    } catch (error) {
      const retry = error instanceof IndexerError ? error.retryable : false;
      logger.error({ err: error, retry }, "indexing failed");
      if (!retry && indexer.hasIndexingErrors) return;
    }
    if (!stopping) timer = setTimeout(() => (running = tick()), config.pollMs);
  };
  running = tick();
  logger.info({ url: server.url }, "indexer listening");
  return {
    url: server.url,
    indexer,
    store,
    loans,
    memberNode,
    server,
    caughtUp: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await running;
      memberNode?.stop();
      await server.close();
      registryProvider.destroy();
      await store.close();
    },
  };
}
