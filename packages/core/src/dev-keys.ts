import { HDNodeWallet, Mnemonic } from "ethers";

/**
 * Hardhat's well-known development mnemonic. Its keys are public: they sign only on the embedded
 * chain and in tests, never on a consortium network (whose keys come from the environment).
 */
export const HARDHAT_DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** The key of Hardhat's development account `index` (m/44'/60'/0'/0/index), not connected to a provider. */
export function hardhatDevWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_DEV_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}
