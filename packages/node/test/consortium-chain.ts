/**
 * The real-chain setup shared by the node's integration tests: a Hardhat node started as a process,
 * the consortium deployed onto it by deploy/consortium.ts, a temp data dir, and the originator node's
 * config for that chain.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Contract, type ContractTransactionResponse, JsonRpcProvider, type Signer, encodeBytes32String } from "ethers";
import { hardhatDevWallet } from "@abs/core";
import { ASSET_POOL_FACTORY_ABI } from "../src/chain/abi";
import { type ConsortiumDeployment } from "../../../deploy/consortium";
import { deployLocalConsortium } from "../../../deploy/local-consortium";
import { startChain, type ChainProcess } from "../../../scripts/lib/chain-process";
import { parseNodeConfig, type NodeConfig } from "../src/config";

const ROOT = path.resolve(__dirname, "..", "..", "..");

/** The originator's member id in deploy/networks/localhost.json (Hardhat dev account 1). */
export const ORIGINATOR_ID = "ORIG-HUAXIA-CF";

export interface ConsortiumChain {
  readonly chain: ChainProcess;
  readonly provider: JsonRpcProvider;
  readonly chainId: bigint;
  readonly deployment: ConsortiumDeployment;
  /** The deployment's member signers (they keep counting their own nonces: reuse them, don't make new ones). */
  readonly signerOf: (name: string) => Signer;
  readonly dataDir: string;
  /** The originator node's config on this chain, its LevelDB in `<dataDir>/db`; `extra` env overrides. */
  originatorConfig(extra?: Readonly<Record<string, string>>): NodeConfig;
  /** Create a fresh Draft pool (trustee = dev account 3, originator 1, servicer 2); returns its address. */
  createPool(dealCode: string): Promise<string>;
  /** Close the provider, stop the chain and remove the data dir. */
  stop(): Promise<void>;
}

/** Start a chain on a random port and deploy the localhost consortium, with or without the sample deal. */
export async function startConsortiumChain(options: { withSampleDeal: boolean }): Promise<ConsortiumChain> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const chain = await startChain({ host: "127.0.0.1", port, cwd: ROOT });
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), "abs-node-it-"));
  const chainId = (await provider.getNetwork()).chainId;
  // The trustee's nonce is counted here across createPool calls (ethers caches "pending" nonce reads).
  const trustee = hardhatDevWallet(3).connect(provider);
  let trusteeNonce: number | undefined;
  const { deployment, signerOf } = await deployLocalConsortium(provider, {
    bookFile: path.join(dataDir, "addresses.json"),
    withSampleDeal: options.withSampleDeal,
  });
  return {
    chain,
    provider,
    chainId,
    deployment,
    signerOf,
    dataDir,
    async createPool(dealCode: string) {
      const factory = new Contract(deployment.poolFactory, ASSET_POOL_FACTORY_ABI, trustee);
      const dealId = encodeBytes32String(dealCode);
      const params = {
        dealId,
        name: `Test deal ${dealCode}`,
        originator: hardhatDevWallet(1).address,
        servicer: hardhatDevWallet(2).address,
        trustee: trustee.address,
        cashToken: deployment.cashToken,
      };
      trusteeNonce ??= Number(await provider.send("eth_getTransactionCount", [trustee.address, "pending"]));
      const nonce = trusteeNonce;
      trusteeNonce += 1;
      const tx = (await factory.getFunction("createPool")(params, { nonce })) as ContractTransactionResponse;
      await tx.wait();
      return String(await factory.getFunction("poolOf").staticCall(dealId));
    },
    originatorConfig: (extra = {}) =>
      parseNodeConfig({
        ABS_NODE_ROLE: "ORIGINATOR",
        ABS_NODE_MEMBER_ID: ORIGINATOR_ID,
        ABS_NODE_LISTEN: "127.0.0.1:0",
        ABS_NODE_RPC_URL: chain.rpcUrl,
        ABS_NODE_REGISTRY: deployment.registry,
        ABS_NODE_DATA_DIR: path.join(dataDir, "db"),
        ABS_NODE_HARDHAT_ACCOUNT: "1",
        ABS_NODE_WINDOW_MS: "30000",
        ABS_NODE_LOG_LEVEL: "silent",
        ...extra,
      }),
    async stop() {
      provider.destroy();
      await chain.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
