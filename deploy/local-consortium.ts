/**
 * The localhost consortium deployed onto any provider with an address book of the caller's choosing: what the
 * benches and the real-chain tests share (`npm start` goes through the same `deployConsortium`).
 */
import { type Provider } from "ethers";
import { AddressBook } from "./address-book";
import { loadNetworkConfig, type NetworkConfig } from "./config";
import { deployConsortium, type ConsortiumDeployment } from "./consortium";
import { memberSigners, resolveSigner } from "./signers";

export interface LocalConsortium {
  readonly config: NetworkConfig;
  readonly deployment: ConsortiumDeployment;
  /** The member's signer (NonceManager-wrapped) by its name in deploy/networks/localhost.json. */
  readonly signerOf: ReturnType<typeof memberSigners>;
  readonly book: AddressBook;
}

export interface LocalConsortiumOptions {
  /** Where the address book is written (a temp file for tests and benches). */
  bookFile: string;
  /** Deploy the sample deal too (issued through its offering, with its waterfall). */
  withSampleDeal: boolean;
  /** The sample deal's loan count instead of the config's (e.g. a 20,000-loan pool for the dashboard's test). */
  sampleLoans?: number;
  /** Deployment progress lines; silent by default. */
  log?: (line: string) => void;
}

/** Deploy (or, with an existing address book, reuse) the localhost consortium on `provider`. */
export async function deployLocalConsortium(
  provider: Provider,
  options: LocalConsortiumOptions,
): Promise<LocalConsortium> {
  const { sampleDeal, ...withoutDeal } = loadNetworkConfig("localhost");
  const deal =
    sampleDeal && options.sampleLoans !== undefined ? { ...sampleDeal, loans: options.sampleLoans } : sampleDeal;
  const config: NetworkConfig = options.withSampleDeal ? { ...withoutDeal, sampleDeal: deal } : withoutDeal;
  const chainId = (await provider.getNetwork()).chainId;
  const book = AddressBook.open(options.bookFile, {
    network: "localhost",
    chainId: Number(chainId),
    genesisHash: (await provider.getBlock(0))?.hash ?? "",
  });
  const signerOf = memberSigners(config, provider);
  const deployment = await deployConsortium({
    config,
    provider,
    deployer: resolveSigner(config.deployer, provider),
    signerOf,
    book,
    log: options.log ?? (() => undefined),
  });
  return { config, deployment, signerOf, book };
}
