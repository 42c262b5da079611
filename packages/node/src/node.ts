/**
 * Wiring of one member node: LevelDB, chain provider, registry directory, nonce store, HTTP server.
 * `main.ts` is the process shell around `startNode`; tests call `startNode` directly.
 */
import { readFile, stat } from "node:fs/promises";
import { type HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import {
  deriveOriginatorKeys,
  hardhatDevWallet,
  pledgeKeyFromSecret,
  type OriginatorKeys,
  type PledgeKeyPair,
} from "@abs/core";
import { Level } from "level";
import { type Logger } from "pino";
import { type NodeRouter, createApp, listen } from "./app";
import { ChainBridge } from "./chain/bridge";
import { DEFAULT_RETRY_POLICY } from "./chain/retry";
import { type KeySource, type NodeConfig } from "./config";
import { RegistryMemberDirectory } from "./entitlement";
import { ConfigError } from "./errors";
import { LevelNonceStore } from "./nonce-store";
import { LevelTapeStore } from "./tape-store";
import { TapeUploadService } from "./tape-upload";
import { tapeUploadRouter } from "./tape-upload-router";
import { peerLoansRouter } from "./peer-loans-router";
import { AssetPoolRootReader } from "./peer-client";
import { LevelBankLedger } from "./custodian/bank-ledger";
import { CustodianService } from "./custodian/custodian-service";
import { custodianRouter } from "./custodian/custodian-router";
import { DvpService } from "./dvp/dvp-service";
import { NATIVE_SIGNATURE_RECOVERY } from "./dvp/recover-signer";
import { LevelPeriodStore } from "./period/period-store";
import { PeriodReportService } from "./period/period-report-service";
import { periodReportRouter, periodStatesRouter } from "./period/period-router";
import { dvpRouter } from "./dvp/dvp-router";
import { transactionRouter } from "./operator/transaction-router";
import { PledgeClient } from "./pledge/pledge-client";
import { pledgeKeyRouter } from "./pledge/pledge-key-router";
import { LevelPledgeIndex } from "./pledge/pledge-index";
import { pledgeLookupRouter } from "./pledge/pledge-lookup-router";
import { publishPledgeKey } from "./pledge/publish-pledge-key";

/**
 * LevelDB's memtable size. The default 4 MiB turns a 1M-loan tape (~600 MB of values) into hundreds of level-0
 * files and their compactions; 64 MiB cut the store's CPU time by about a third (300k loans written
 * through the tape writer alone: 6.4 s → 4.0 s CPU) for at most two memtables (128 MiB) more memory.
 */
const WRITE_BUFFER_BYTES = 64 * 1024 * 1024;

export interface RunningNode {
  readonly url: string;
  /** This node's own signing address (never its key). */
  readonly address: string;
  /** The node's tape store: import committed tapes here to serve them. */
  readonly tapes: LevelTapeStore;
  /** The node's store of reported periods' loan states (the servicer's). */
  readonly periods: LevelPeriodStore;
  /** The node's chain bridge (its only transaction sender). */
  readonly bridge: ChainBridge;
  /** Stop serving, stop pruning, close the database and the provider. */
  stop(): Promise<void>;
}

/** Resolve the member's signing key. The key itself is never logged nor returned in errors. */
export async function resolveKey(
  source: KeySource,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Wallet | HDNodeWallet> {
  if ("hardhatAccount" in source) {
    return hardhatDevWallet(source.hardhatAccount);
  }
  if ("privateKeyFile" in source) {
    await requireOwnerOnly("ABS_NODE_KEY_FILE", source.privateKeyFile);
    const key = await readSecretFile(
      "ABS_NODE_KEY_FILE",
      source.privateKeyFile,
      /^0x[0-9a-fA-F]{64}$/,
      "a 0x-prefixed 32-byte private key",
    );
    return new Wallet(key);
  }
  if ("keystoreFile" in source) {
    let json: string;
    let password: string | undefined;
    try {
      json = await readFile(source.keystoreFile, "utf8");
    } catch (cause) {
      throw new ConfigError([`ABS_NODE_KEYSTORE_FILE: cannot read ${JSON.stringify(source.keystoreFile)}`], { cause });
    }
    if ("file" in source.password) {
      try {
        password = (await readFile(source.password.file, "utf8")).replace(/\r?\n$/, "");
      } catch (cause) {
        throw new ConfigError(
          [`ABS_NODE_KEYSTORE_PASSWORD_FILE: cannot read ${JSON.stringify(source.password.file)}`],
          {
            cause,
          },
        );
      }
    } else {
      password = env[source.password.env];
      if (password === undefined) {
        throw new ConfigError([
          `${source.password.env}: expected the keystore password (value not shown), found nothing`,
        ]);
      }
    }
    try {
      const wallet = await Wallet.fromEncryptedJson(json, password);
      return wallet;
    } catch {
      throw new ConfigError([
        `ABS_NODE_KEYSTORE_FILE: expected an encrypted JSON keystore that the given password opens (wrong password or not a keystore)`,
      ]);
    }
  }
  const key = env[source.privateKeyEnv];
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new ConfigError([`${source.privateKeyEnv}: expected a 0x-prefixed 32-byte private key (value not shown)`]);
  }
  return new Wallet(key);
}

/** A key file others can read is refused: a key is the member's signature on chain. */
async function requireOwnerOnly(variable: string, file: string): Promise<void> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (cause) {
    throw new ConfigError([`${variable}: cannot read ${JSON.stringify(file)}`], { cause });
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError([
      `${variable}: expected ${JSON.stringify(file)} readable by its owner only (mode 0600), found mode 0${(mode & 0o777).toString(8)}`,
    ]);
  }
}

async function readSecretFile(variable: string, file: string, pattern: RegExp, expected: string): Promise<string> {
  let text: string;
  try {
    text = (await readFile(file, "utf8")).trim();
  } catch (cause) {
    throw new ConfigError([`${variable}: cannot read ${JSON.stringify(file)}`], { cause });
  }
  if (!pattern.test(text))
    throw new ConfigError([`${variable}: expected ${expected} in ${JSON.stringify(file)} (value not shown)`]);
  return text;
}

async function readTapeKeys(file: string): Promise<OriginatorKeys> {
  const hex = await readSecretFile(
    "ABS_NODE_TAPE_KEY_FILE",
    file,
    /^(?:0x)?(?:[0-9a-fA-F]{2}){32,}$/,
    "at least 64 hex digits (a 32-byte master key)",
  );
  return deriveOriginatorKeys(Buffer.from(hex.replace(/^0x/, ""), "hex"));
}

async function readPledgeKey(file: string): Promise<PledgeKeyPair> {
  await requireOwnerOnly("ABS_NODE_PLEDGE_KEY_FILE", file);
  const hex = await readSecretFile(
    "ABS_NODE_PLEDGE_KEY_FILE",
    file,
    /^(?:0x)?[0-9a-fA-F]{64}$/,
    "64 hex digits (a secp256k1 scalar)",
  );
  try {
    return pledgeKeyFromSecret(Buffer.from(hex.replace(/^0x/, ""), "hex"));
  } catch {
    throw new ConfigError([
      "ABS_NODE_PLEDGE_KEY_FILE: expected a scalar from 1 to the curve order - 1 (value not shown)",
    ]);
  }
}

export async function startNode(
  config: NodeConfig,
  deps: { logger: Logger; env: Readonly<Record<string, string | undefined>> },
): Promise<RunningNode> {
  const { logger } = deps;
  const wallet = await resolveKey(config.key, deps.env);
  const operatorToken =
    config.operatorTokenFile === undefined
      ? undefined
      : await readSecretFile(
          "ABS_NODE_OPERATOR_TOKEN_FILE",
          config.operatorTokenFile,
          /^\S{16,}$/,
          "a token of 16+ characters",
        );
  const tapeKeys = config.tapeKeyFile === undefined ? undefined : await readTapeKeys(config.tapeKeyFile);
  const pledgeKey = config.pledgeKeyFile === undefined ? undefined : await readPledgeKey(config.pledgeKeyFile);
  const provider = new JsonRpcProvider(config.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
  const db = new Level<string, string>(config.dataDir, { writeBufferSize: WRITE_BUFFER_BYTES });
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
    const periods = new LevelPeriodStore(db);
    const bridge = new ChainBridge(
      { wallet, provider, db, logger },
      {
        confirmations: config.chain.confirmations,
        confirmTimeoutMs: config.chain.txTimeoutMs,
        pollMs: config.chain.receiptPollMs,
        retry: { ...DEFAULT_RETRY_POLICY, attempts: config.chain.rpcAttempts },
      },
    );
    const routers: NodeRouter[] = [
      peerLoansRouter({
        signer: wallet,
        domain: { chainId, registry: config.registry },
        chain: new AssetPoolRootReader(provider),
      }),
      periodStatesRouter(periods),
      // The member's own transactions go out through its node: one sender, one nonce count per key.
      transactionRouter({ bridge, provider }),
    ];
    if (config.role === "REGULATOR" && pledgeKey !== undefined) {
      if (config.pledgeRegistry !== undefined) {
        await publishPledgeKey({ bridge, provider, registry: config.pledgeRegistry, key: pledgeKey, logger });
      }
      routers.push(pledgeKeyRouter(pledgeKey));
    }
    const pledges =
      config.pledgeRegistry === undefined
        ? undefined
        : new PledgeClient({
            registry: config.pledgeRegistry,
            provider,
            bridge,
            ...(config.pledgeService === undefined
              ? {}
              : {
                  keyService: {
                    signer: wallet,
                    baseUrl: config.pledgeService.url,
                    domain: { chainId, registry: config.registry },
                    target: config.pledgeService.memberId,
                  },
                }),
          });
    const pledgeIndex = pledges === undefined ? undefined : new LevelPledgeIndex(db);
    if (config.role === "ORIGINATOR" && pledgeIndex !== undefined) routers.push(pledgeLookupRouter(pledgeIndex));
    if (config.role === "ORIGINATOR" && tapeKeys !== undefined) {
      const uploads = new TapeUploadService({
        ...(pledges === undefined || pledgeIndex === undefined ? {} : { pledges, pledgeIndex }),
        store: tapes,
        bridge,
        provider,
        keys: tapeKeys,
        memberId: config.memberId,
        logger,
        ...(config.uploadRowWorkers === undefined ? {} : { rowWorkers: config.uploadRowWorkers }),
      });
      const recovered = await uploads.recover();
      if (recovered.committed + recovered.rolledBack > 0) logger.warn(recovered, "recovered interrupted tape uploads");
      routers.push(tapeUploadRouter(uploads, { maxUploadErrors: config.maxUploadErrors }));
    }
    // The servicer reports periods through its node, which keeps each period's loan states to serve them.
    if ((config.role === "SERVICER" || config.role === "ORIGINATOR") && tapeKeys !== undefined) {
      const reports = new PeriodReportService({
        store: periods,
        bridge,
        provider,
        saltKey: tapeKeys.saltKey,
        logger,
      });
      const recovered = await reports.recover();
      if (recovered.committed + recovered.rolledBack > 0)
        logger.warn(recovered, "recovered interrupted period reports");
      routers.push(periodReportRouter(reports, { maxUploadErrors: config.maxUploadErrors }));
    }
    if (config.role === "CUSTODIAN" && config.cashToken !== undefined) {
      const custodian = new CustodianService({
        ledger: new LevelBankLedger(db),
        bridge,
        provider,
        cashToken: config.cashToken,
        logger,
      });
      const resumed = await custodian.recover();
      if (resumed > 0) logger.warn({ resumed }, "settled bank movements interrupted by a restart");
      routers.push(custodianRouter(custodian));
    }
    if (config.dvp !== undefined) {
      routers.push(dvpRouter(new DvpService({ bridge, provider, dvp: config.dvp, chainId, logger })));
      logger.info(
        { dvp: config.dvp, nativeSignatureRecovery: NATIVE_SIGNATURE_RECOVERY },
        "dvp trades: order signatures recovered " +
          (NATIVE_SIGNATURE_RECOVERY ? "natively (libsecp256k1)" : "in JavaScript"),
      );
    }
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
      ...(operatorToken === undefined ? {} : { operatorToken }),
      routers,
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
      periods,
      bridge,
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
