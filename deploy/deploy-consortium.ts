/**
 * Deploy (or finish deploying) the consortium to a configured network:
 *   npx hardhat run deploy/deploy-consortium.ts --network <name>
 * Reads deploy/networks/<name>.json, writes deploy/addresses/<name>.json. Safe to re-run.
 */
import { JsonRpcProvider } from "ethers";
import { network } from "hardhat";
import { AddressBook } from "./address-book";
import { loadNetworkConfig } from "./config";
import { deployConsortium } from "./consortium";
import { memberSigners, resolveSigner } from "./signers";

async function main(): Promise<void> {
  if (!("url" in network.config)) {
    throw new Error(`network "${network.name}" has no RPC URL: deploy to a running node, e.g. --network localhost`);
  }
  const config = loadNetworkConfig(network.name);
  const provider = new JsonRpcProvider(network.config.url, undefined, { batchMaxCount: 1, staticNetwork: true });
  const { chainId } = await provider.getNetwork();
  const genesis = await provider.getBlock(0);
  const book = AddressBook.open(AddressBook.defaultPath(config.network), {
    network: config.network,
    chainId: Number(chainId),
    genesisHash: genesis?.hash ?? "unknown",
  });
  const deployment = await deployConsortium({
    config,
    provider,
    deployer: resolveSigner(config.deployer, provider),
    signerOf: memberSigners(config, provider),
    book,
    log: (line) => console.log(line),
  });
  console.log(`addresses written to ${book.file}`);
  console.log(JSON.stringify(deployment, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
