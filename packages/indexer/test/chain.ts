/**
 * The real chain the indexer's tests run against: Hardhat's node as a process on a random port,
 * the localhost consortium (and optionally the sample deal) deployed by deploy/consortium.ts,
 * a temp dir for the address book and LevelDB files.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider, NonceManager, keccak256, toUtf8Bytes, type Signer } from "ethers";
import pino from "pino";
import { type ConsortiumDeployment } from "../../../deploy/consortium";
import { deployLocalConsortium } from "../../../deploy/local-consortium";
import { sampleTapeSaltKey } from "../../../deploy/sample-deal";
import { type LoanRecord } from "@abs/core";
import { loadNetworkConfig, sampleDealLoans } from "../../../deploy/config";
import { memberSigners } from "../../../deploy/signers";
import {
  AssetPool__factory,
  CashToken__factory,
  TrancheToken__factory,
  Waterfall__factory,
} from "../../../typechain-types";
import { rpc, startChain, type ChainProcess } from "../../../scripts/lib/chain-process";
import {
  AbiRegistry,
  DEFAULT_ALERT_RULES,
  DEFAULT_HANDLERS,
  Indexer,
  IndexerStore,
  JsonRpcClient,
  loadSchemaModel,
  createAuthDeps,
  signInToIndexer,
  sourcesFromAddressBook,
  type AuthDeps,
  type IndexerOptions,
} from "../src";

export const ROOT = path.resolve(__dirname, "..", "..", "..");
export const abis = AbiRegistry.fromArtifacts(path.join(ROOT, "artifacts"));
export const model = loadSchemaModel();

export interface TestChain {
  chain: ChainProcess;
  provider: JsonRpcProvider;
  deployment: ConsortiumDeployment;
  addressBook: string;
  dir: string;
  rpc<T>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

export async function startTestChain(options: { withSampleDeal: boolean; sampleLoans?: number }): Promise<TestChain> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // ABS_TEST_CHAIN=anvil runs these tests on Anvil with interval mining (npm run test:indexer:anvil).
  const chain = await startChain({
    client: process.env["ABS_TEST_CHAIN"] === "anvil" ? "anvil" : "hardhat",
    ...(process.env["ABS_ANVIL_BLOCK_TIME"] === undefined
      ? {}
      : { blockSeconds: Number(process.env["ABS_ANVIL_BLOCK_TIME"]) }),
    host: "127.0.0.1",
    port,
    cwd: ROOT,
  });
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, {
    batchMaxCount: 1,
    staticNetwork: true,
    pollingInterval: 250,
  });
  const dir = mkdtempSync(path.join(tmpdir(), "abs-indexer-test-"));
  const addressBook = path.join(dir, "addresses.json");
  const { deployment } = await deployLocalConsortium(provider, {
    bookFile: addressBook,
    withSampleDeal: options.withSampleDeal,
    ...(options.sampleLoans === undefined ? {} : { sampleLoans: options.sampleLoans }),
  });
  return {
    chain,
    provider,
    deployment,
    addressBook,
    dir,
    rpc: (method, params = []) => rpc(chain.rpcUrl, method, params),
    async stop() {
      provider.destroy();
      await chain.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const silentLogger = pino({ level: "silent" });

export interface TestIndexer {
  indexer: Indexer;
  store: IndexerStore;
  close(): Promise<void>;
}

/** An indexer over `chain` with its LevelDB in `<chain.dir>/<name>`. */
export async function openIndexer(
  chain: TestChain,
  name: string,
  options: Partial<IndexerOptions> = {},
): Promise<TestIndexer> {
  const store = await IndexerStore.open(path.join(chain.dir, name), model);
  const indexer = new Indexer({
    rpc: new JsonRpcClient(chain.chain.rpcUrl),
    store,
    abis,
    handlers: DEFAULT_HANDLERS,
    logger: silentLogger,
    sources: sourcesFromAddressBook(chain.addressBook, abis),
    options: {
      confirmations: 0,
      reorgWindow: 64,
      startBlock: 0,
      maxLogsPerRequest: 2000,
      alertRules: DEFAULT_ALERT_RULES,
      ...options,
    },
  });
  await indexer.init();
  return { indexer, store, close: () => store.close() };
}

/** Deal actions the tests drive on the real chain (sample deal required). */
export function dealActions(chain: TestChain) {
  const config = loadNetworkConfig("localhost");
  // The bare wallet, not deploy/'s NonceManager: after evm_revert the chain's nonces go back, and
  // the nonce below comes straight from the node (ethers caches identical reads for a moment).
  const signerOf = (name: string): Signer => {
    const signer = memberSigners(config, chain.provider)(name);
    return signer instanceof NonceManager ? signer.signer : signer;
  };
  const nonceOf = async (name: string) =>
    Number(await chain.rpc<string>("eth_getTransactionCount", [await signerOf(name).getAddress(), "pending"]));
  const deal = chain.deployment.sampleDeal;
  if (!deal) throw new Error("the test chain has no sample deal");
  const cutoff = Date.parse(`${config.sampleDeal?.cutoffDate ?? "2026-11-01"}T00:00:00Z`) / 1000;
  const MONTH = 30 * 86_400;
  return {
    deal,
    signerOf,
    /** Move `amount` units of tranche `index` between two members. */
    async transfer(from: string, to: string, index: number, amount: bigint): Promise<void> {
      const tranche = deal.tranches[index];
      if (!tranche) throw new Error(`no tranche ${index}`);
      const token = TrancheToken__factory.connect(tranche.address, signerOf(from));
      await (await token.transfer(await signerOf(to).getAddress(), amount, { nonce: await nonceOf(from) })).wait();
    },
    /**
     * Submit the servicer's report of `period` (monthly from the cut-off), moving the chain's clock
     * past its end date first. Balances fall 2 % a month; defaults and delinquencies grow with `stress`.
     */
    async report(period: number, stress = 1): Promise<void> {
      const start = cutoff + (period - 1) * MONTH;
      const end = start + MONTH;
      // Not the provider: ethers caches identical reads for a moment, stale right after evm_revert.
      const latest = Number(
        (await chain.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp,
      );
      if (latest <= end) {
        await chain.rpc("evm_increaseTime", [end - latest + 60]);
        await chain.rpc("evm_mine", []);
      }
      const opening =
        (deal.tape.totalPrincipalCents * BigInt(Math.round(Math.pow(0.98, period - 1) * 1e6))) / 1_000_000n;
      const ending = (opening * 98n) / 100n;
      const pool = AssetPool__factory.connect(deal.pool, signerOf("servicer"));
      const hash = (s: string) => keccak256(toUtf8Bytes(s));
      await (
        await pool.submitReport(
          {
            period,
            startDate: start,
            endDate: end,
            interestCollectedCents: opening / 100n,
            scheduledPrincipalCents: opening / 100n,
            prepaymentCents: (opening * 6n) / 1000n,
            recoveryCents: (opening * BigInt(stress)) / 10_000n,
            newDefaultsCents: (opening * 4n * BigInt(stress)) / 1000n,
            delinquent30Cents: (ending * 2n * BigInt(stress)) / 100n,
            delinquent60Cents: (ending * BigInt(stress)) / 100n,
            delinquent90PlusCents: (ending * 5n * BigInt(stress)) / 1000n,
            endingBalanceCents: ending,
            loanCount: BigInt(deal.tape.loanCount),
            loanStateRoot: hash(`loan-states-${period}`),
            contentHash: hash(`report-${period}-${stress}`),
          },
          { nonce: await nonceOf("servicer") },
        )
      ).wait();
    },
    /**
     * Settle reported period `period`: the custodian credits the servicer the period's collections, the servicer
     * pays them into the waterfall, and the trustee runs the period (distributions, factors, trigger outcomes).
     */
    async settle(period: number): Promise<void> {
      const pool = AssetPool__factory.connect(deal.pool, chain.provider);
      const r = await pool.report(period);
      const collections = r.interestCollectedCents + r.scheduledPrincipalCents + r.prepaymentCents + r.recoveryCents;
      const servicer = await signerOf("servicer").getAddress();
      const cash = CashToken__factory.connect(chain.deployment.cashToken, signerOf("custodian"));
      const ref = keccak256(toUtf8Bytes(`collections-${deal.pool}-${period}`));
      await (await cash.mint(servicer, collections, ref, { nonce: await nonceOf("custodian") })).wait();
      const asServicer = CashToken__factory.connect(chain.deployment.cashToken, signerOf("servicer"));
      await (await asServicer.transfer(deal.waterfall, collections, { nonce: await nonceOf("servicer") })).wait();
      const waterfall = Waterfall__factory.connect(deal.waterfall, signerOf("trustee"));
      await (await waterfall.runPeriod(period, 0n, [], { nonce: await nonceOf("trustee") })).wait();
    },
  };
}

/**
 * The sample deal's loan records and salt key, as the originator's node holds them (regenerated
 * from the deal's seed: the public demonstration tape).
 */
export function sampleTape(loans?: number): { records: LoanRecord[]; saltKey: Buffer } {
  const deal = loadNetworkConfig("localhost").sampleDeal;
  if (!deal) throw new Error("deploy/networks/localhost.json has no sample deal");
  return {
    records: [...sampleDealLoans(deal, loans ?? deal.loans)],
    saltKey: sampleTapeSaltKey(deal.dealId),
  };
}

/**
 * Sign-in for an app served over `chain`: the real registry decides who is a member. The domain is
 * filled in by `sessionOf` once the app listens (as the service does).
 */
export async function testAuth(chain: TestChain, options: { openRead?: boolean } = {}): Promise<AuthDeps> {
  // The registry is asked at every request (no cache): the suspension test reads its effect at once.
  return createAuthDeps({
    registry: chain.deployment.registry,
    runner: chain.provider,
    chainId: Number(await chain.rpc<string>("eth_chainId")),
    sessionTtlMs: 3_600_000,
    memberCacheMs: 0,
    openRead: options.openRead ?? false,
  });
}

/** The signer of member `name` of the localhost consortium (its own Hardhat dev key). */
export function memberSigner(chain: TestChain, name: string): Signer {
  const signer = memberSigners(loadNetworkConfig("localhost"), chain.provider)(name);
  return signer instanceof NonceManager ? signer.signer : signer;
}

/** A session token of member `name` at the indexer served at `url` (signed in with its own key). */
export async function sessionOf(chain: TestChain, auth: AuthDeps, url: string, name: string): Promise<string> {
  auth.domain ||= new URL(url).host;
  return (await signInToIndexer(url, memberSigner(chain, name))).token;
}
