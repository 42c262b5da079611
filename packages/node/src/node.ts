/**
 * Wiring of one member node: LevelDB, chain provider, registry directory, nonce store, HTTP server.
 * `main.ts` is the process shell around `startNode`; tests call `startNode` directly.
 */
import { type HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import { hardhatDevWallet } from "@abs/core";
import { Level } from "level";
import { type Logger } from "pino";
import { createApp, listen } from "./app";
import { type KeySource, type NodeConfig } from "./config";
import { RegistryMemberDirectory } from "./entitlement";
import { ConfigError } from "./errors";
import { LevelNonceStore } from "./nonce-store";
import { LevelTapeStore } from "./tape-store";

export interface RunningNode {
  readonly url: string;
  /** This node's own signing address (never its key). */
  readonly address: string;
  /** The node's tape store: import committed tapes here to serve them. */
  readonly tapes: LevelTapeStore;
  /** Stop serving, stop pruning, close the database and the provider. */
  stop(): Promise<void>;
}

/** Resolve the member's signing key. The key itself is never logged nor returned in errors. */
export function resolveKey(
  source: KeySource,
  env: Readonly<Record<string, string | undefined>>,
): Wallet | HDNodeWallet {
  if ("hardhatAccount" in source) {
    return hardhatDevWallet(source.hardhatAccount);
  }
  const key = env[source.privateKeyEnv];
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new ConfigError([`${source.privateKeyEnv}: expected a 0x-prefixed 32-byte private key (value not shown)`]);
  }
  return new Wallet(key);
}

export async function startNode(
  config: NodeConfig,
  deps: { logger: Logger; env: Readonly<Record<string, string | undefined>> },
): Promise<RunningNode> {
  const { logger } = deps;
  const wallet = resolveKey(config.key, deps.env);
  const provider = new JsonRpcProvider(config.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
  const db = new Level<string, string>(config.dataDir);
  try {
    const { chainId } = await provider.getNetwork();
    await db.open();
    const directory = new RegistryMemberDirectory(config.registry, provider);
    const self = await directory.lookup(wallet.address);
    if (self.status !== "Active" || self.memberId !== config.memberId) {
      throw new ConfigError([
        `ABS_NODE_MEMBER_ID: expected the node key to be the active member "${config.memberId}", ` +
          `found member "${self.memberId}" with status ${self.status}`,
      ]);
    }
    const nonces = new LevelNonceStore(db);
    const tapes = new LevelTapeStore(db);
    const app = createApp({
      logger,
      auth: {
        domain: { chainId, registry: config.registry },
        memberId: config.memberId,
        windowMs: config.windowMs,
        nonces,
      },
      directory,
      tapes,
      policy: config.policy,
    });
    const server = await listen(app, config.listen.host, config.listen.port);
    const pruning = setInterval(() => {
      nonces
        .prune(Date.now())
        .then((removed) => logger.debug({ removed }, "pruned expired nonces"))
        .catch((err: unknown) => logger.error({ err }, "nonce pruning failed"));
    }, config.windowMs);
    pruning.unref();
    logger.info(
      { url: server.url, memberId: config.memberId, role: config.role, address: wallet.address },
      "node listening",
    );
    return {
      url: server.url,
      address: wallet.address,
      tapes,
      async stop() {
        clearInterval(pruning);
        await server.close();
        await db.close();
        provider.destroy();
        logger.info("node stopped");
      },
    };
  } catch (error) {
    await db.close();
    provider.destroy();
    throw error;
  }
}
