/**
 * Besu QBFT network files, computed (never hand-written) from the consortium's members: the genesis with its
 * extraData, the static nodes, the permissions allowlists. Pure functions: `scripts/besu-kit.ts` writes them.
 *
 * References (Besu's documentation, "Configure QBFT consensus"): the genesis carries `difficulty` 0x1 and the BFT
 * mixHash; its extraData is RLP([32-byte vanity, [validators], no vote, round 0, no seals]) with block-header
 * validator selection.
 */
import { type BytesLike, computeAddress, decodeRlp, encodeRlp, getAddress, SigningKey } from "ethers";

/** The mixHash every BFT (IBFT 2.0 and QBFT) block carries: "ctical byzantine fault tolerance" in ASCII. */
export const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
/** EIP-170: the largest contract the network accepts, as on mainnet (WaterfallFactory is the closest to it). */
export const CONTRACT_SIZE_LIMIT = 24_576;
const VANITY = `0x${"00".repeat(32)}`;

/**
 * The genesis extraData of a QBFT network whose validators are named in the block header: RLP of the 32-byte
 * zero vanity, the validators in the order given, an empty vote, round 0 (the empty byte string) and no commit seals.
 */
export function qbftExtraData(validators: readonly string[]): string {
  const addresses = validators.map((v) => getAddress(v).toLowerCase());
  const items: (BytesLike | BytesLike[])[] = [VANITY, addresses, [], "0x", []];
  return encodeRlp(items as Parameters<typeof encodeRlp>[0]);
}

/** The validators a QBFT genesis extraData names (the inverse of `qbftExtraData`), checksummed. */
export function qbftValidatorsOf(extraData: string): string[] {
  const items = decodeRlp(extraData);
  const validators = Array.isArray(items) ? items[1] : undefined;
  if (!Array.isArray(validators))
    throw new Error("expected QBFT extraData: RLP [vanity, validators, vote, round, seals]");
  return validators.map((v) => getAddress(String(v)));
}

/** Validators in ascending order of address (what every node must agree on; the generator's canonical order). */
export function sortValidators(validators: readonly string[]): string[] {
  return [...validators].map((v) => getAddress(v)).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
}

export interface QbftTiming {
  /** Seconds between blocks. */
  readonly blockPeriodSeconds: number;
  /** Blocks between resets of validator votes. */
  readonly epochLength: number;
  /** Seconds before a round times out (must exceed the block period). */
  readonly requestTimeoutSeconds: number;
}

export interface QbftGenesisInput extends QbftTiming {
  readonly chainId: number;
  readonly validators: readonly string[];
  /** The genesis block's time, unix seconds. */
  readonly timestamp: number;
  readonly gasLimit: bigint;
  /** Accounts funded at genesis (none need be: gas is free, base fee zero). */
  readonly alloc?: Readonly<Record<string, { balance: string }>>;
}

/**
 * A QBFT genesis: every fork through Cancun active from genesis (`evmVersion` "cancun" in hardhat.config.ts), zero
 * base fee (members pay no gas price), the EIP-170 contract-size limit, QBFT timing, the validators sorted.
 */
export function qbftGenesis(input: QbftGenesisInput): Record<string, unknown> {
  if (input.validators.length === 0) throw new Error("a QBFT network needs at least one validator");
  if (input.requestTimeoutSeconds <= input.blockPeriodSeconds) {
    throw new Error(
      `requesttimeoutseconds must exceed blockperiodseconds: ${input.requestTimeoutSeconds} <= ${input.blockPeriodSeconds}`,
    );
  }
  const validators = sortValidators(input.validators);
  return {
    config: {
      chainId: input.chainId,
      homesteadBlock: 0,
      eip150Block: 0,
      eip155Block: 0,
      eip158Block: 0,
      byzantiumBlock: 0,
      constantinopleBlock: 0,
      petersburgBlock: 0,
      istanbulBlock: 0,
      muirGlacierBlock: 0,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      zeroBaseFee: true,
      contractSizeLimit: CONTRACT_SIZE_LIMIT,
      qbft: {
        blockperiodseconds: input.blockPeriodSeconds,
        epochlength: input.epochLength,
        requesttimeoutseconds: input.requestTimeoutSeconds,
      },
    },
    nonce: "0x0",
    timestamp: `0x${input.timestamp.toString(16)}`,
    extraData: qbftExtraData(validators),
    gasLimit: `0x${input.gasLimit.toString(16)}`,
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: `0x${"00".repeat(20)}`,
    alloc: input.alloc ?? {},
    number: "0x0",
    gasUsed: "0x0",
    parentHash: `0x${"00".repeat(32)}`,
  };
}

/** A node's identity from its private key: the enode public key (64 bytes, no 04 prefix) and its address. */
export function nodeIdentity(privateKey: string): { publicKey: string; address: string } {
  const uncompressed = SigningKey.computePublicKey(privateKey, false);
  return { publicKey: uncompressed.slice(4), address: computeAddress(privateKey) };
}

/** `enode://<public key>@<host>:<port>`. */
export function enodeUrl(publicKey: string, host: string, port = 30303): string {
  if (!/^[0-9a-f]{128}$/.test(publicKey)) throw new Error(`expected a 64-byte hex public key, found ${publicKey}`);
  return `enode://${publicKey}@${host}:${port}`;
}

/**
 * Besu's local permissions file (`--permissions-nodes-config-file`, `--permissions-accounts-config-file`): the
 * enodes that may connect and the accounts that may send transactions.
 */
export function permissionsToml(nodes: readonly string[], accounts: readonly string[]): string {
  const list = (values: readonly string[]) => `[\n${values.map((v) => `  "${v}"`).join(",\n")}\n]`;
  return (
    "# Generated by scripts/besu-kit.ts from deploy/networks/<network>.json: do not edit by hand.\n" +
    `nodes-allowlist=${list(nodes)}\n` +
    `accounts-allowlist=${list(accounts.map((a) => getAddress(a)))}\n`
  );
}
