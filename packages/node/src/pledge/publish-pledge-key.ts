/**
 * The key service's start-up: its public key goes on chain (PledgeRegistry.publishFingerprintKey) while the
 * registry holds none; a registry holding another key stops the node (originators would refuse every answer).
 */
import { Contract, Interface, type JsonRpcProvider, hexlify } from "ethers";
import { type Logger } from "pino";
import { type PledgeKeyPair } from "@abs/core";
import { type ChainBridge } from "../chain/bridge";
import { ConfigError } from "../errors";
import { PLEDGE_REGISTRY_ABI } from "./pledge-client";

export async function publishPledgeKey(deps: {
  readonly bridge: ChainBridge;
  readonly provider: JsonRpcProvider;
  readonly registry: string;
  readonly key: PledgeKeyPair;
  readonly logger: Logger;
}): Promise<void> {
  const { bridge, registry, logger } = deps;
  const ours = hexlify(deps.key.publicKey);
  const contract = new Contract(registry, PLEDGE_REGISTRY_ABI, deps.provider);
  const [published, service] = (await bridge.rpc("pledges.fingerprintKey", () =>
    contract.getFunction("fingerprintKey").staticCall(),
  )) as [string, string];
  if (published.toLowerCase() === ours) {
    logger.info({ registry, publicKey: ours }, "pledge key service: this node's key is the published one");
    return;
  }
  if (published !== "0x") {
    throw new ConfigError([
      `ABS_NODE_PLEDGE_KEY_FILE: expected the key published in the pledge registry ${registry} (${published}, by ${service}), found another key`,
    ]);
  }
  await bridge.execute(`pledge-key:${registry.toLowerCase()}:${ours}`, {
    to: registry,
    data: new Interface(PLEDGE_REGISTRY_ABI).encodeFunctionData("publishFingerprintKey", [ours]),
    label: "publish the pledge key",
  });
  logger.info({ registry, publicKey: ours }, "pledge key service: key published");
}
