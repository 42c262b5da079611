import { NonceManager, Wallet, type Provider, type Signer } from "ethers";
import { hardhatDevWallet } from "@abs/core";
import { type NetworkConfig, type SignerSource } from "./config";

export class MissingKeyError extends Error {
  override readonly name = "MissingKeyError";
  readonly code = "DEPLOY_KEY_MISSING";
}

/**
 * Resolve a configured signer: a Hardhat dev account, or a private key read from the environment.
 * Wrapped in a NonceManager: ethers caches "pending" nonce reads for a moment, so a signer that
 * sends back to back must count its own nonces (see TOOLCHAIN.md). Resolve each key once.
 */
export function resolveSigner(source: SignerSource, provider: Provider, env: NodeJS.ProcessEnv = process.env): Signer {
  return new NonceManager(resolveWallet(source, provider, env));
}

function resolveWallet(source: SignerSource, provider: Provider, env: NodeJS.ProcessEnv): Signer {
  if ("hardhatAccount" in source) return hardhatDevWallet(source.hardhatAccount).connect(provider);
  const key = env[source.privateKeyEnv];
  if (!key) {
    throw new MissingKeyError(
      `environment variable ${source.privateKeyEnv} is not set (expected a 0x-prefixed private key)`,
    );
  }
  return new Wallet(key, provider);
}

/** `signerOf(name)` for every configured member, resolved once. */
export function memberSigners(config: NetworkConfig, provider: Provider, env: NodeJS.ProcessEnv = process.env) {
  const signers = new Map(config.members.map((m) => [m.name, resolveSigner(m.signer, provider, env)]));
  return (name: string): Signer => {
    const signer = signers.get(name);
    if (!signer) throw new Error(`no member named "${name}" in the ${config.network} config`);
    return signer;
  };
}
