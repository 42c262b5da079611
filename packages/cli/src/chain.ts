/**
 * What `abs` commands that talk to the chain share: the RPC provider, the member's signer (a Hardhat dev
 * account, a key in a named environment variable, or an encrypted keystore with its password file), and
 * sending one transaction with a decoded revert on failure. Keys never reach an output or an error.
 */
import { type Command } from "commander";
import { type HDNodeWallet, JsonRpcProvider, type Signer, type Wallet, isError } from "ethers";
import { z } from "zod";
import { NodeError, asChainError, resolveKey, type KeySource } from "@abs/node";
import { CliError } from "./errors";
import { type CliIo } from "./io";
import { actingWallet, selectedMemberName } from "./consortium/acting-member";
import { readConsortiumFile } from "./consortium/consortium-file";

export const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

/** Adds --rpc-url (default $ABS_RPC_URL). */
export function withRpcOption(command: Command): Command {
  return command.option("--rpc-url <url>", "JSON-RPC URL of a chain node (default: $ABS_RPC_URL)");
}

/** Adds the signer options. */
export function withSignerOptions(command: Command): Command {
  return command
    .option("--hardhat-account <n>", "sign with Hardhat dev account N (local chains only)")
    .option("--key-env <name>", "sign with the 0x private key held in this environment variable")
    .option("--keystore <file>", "sign with this encrypted JSON keystore")
    .option("--password-file <file>", "the keystore's password");
}

export const signerSchema = {
  hardhatAccount: z.coerce.number().int().min(0).max(19).optional(),
  keyEnv: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, "expected an environment variable name")
    .optional(),
  keystore: z.string().min(1).optional(),
  passwordFile: z.string().min(1).optional(),
};

/** --rpc-url, else $ABS_RPC_URL, else the consortium file's. */
export function rpcUrlOf(option: string | undefined, io: CliIo): string {
  const url = option ?? io.env.ABS_RPC_URL ?? readConsortiumFile(io)?.rpcUrl;
  if (url === undefined || !/^https?:\/\/\S+$/.test(url)) {
    throw new CliError(
      "USAGE",
      `Invalid option --rpc-url: expected an http(s) URL (or $ABS_RPC_URL, or a consortium file from \`npm start\`), found ${url ?? "nothing"}`,
    );
  }
  return url;
}

export function providerFor(url: string): JsonRpcProvider {
  // A transaction signed here waits for its block polling every 500 ms (ethers' default is 4 s).
  return new JsonRpcProvider(url, undefined, { batchMaxCount: 1, staticNetwork: true, pollingInterval: 500 });
}

/** Resolve the signer from exactly one of the signer options. */
export async function signerOf(
  options: {
    hardhatAccount?: number | undefined;
    keyEnv?: string | undefined;
    keystore?: string | undefined;
    passwordFile?: string | undefined;
  },
  io: CliIo,
): Promise<Wallet | HDNodeWallet> {
  const sources: KeySource[] = [];
  if (options.hardhatAccount !== undefined) sources.push({ hardhatAccount: options.hardhatAccount });
  if (options.keyEnv !== undefined) sources.push({ privateKeyEnv: options.keyEnv });
  if (options.keystore !== undefined) {
    if (options.passwordFile === undefined) throw new CliError("USAGE", "--keystore needs --password-file");
    sources.push({ keystoreFile: options.keystore, password: { file: options.passwordFile } });
  }
  const [source] = sources;
  // No signer flag: the member `--as` selects signs with its key file.
  if (sources.length === 0 && selectedMemberName(io) !== undefined) return actingWallet(io);
  if (source === undefined || sources.length !== 1) {
    throw new CliError(
      "USAGE",
      `Expected exactly one signer (--as <member>, --hardhat-account, --key-env or --keystore), found ${sources.length}`,
    );
  }
  try {
    return await resolveKey(source, io.env);
  } catch (error) {
    if (error instanceof NodeError) throw new CliError("KEY_FILE_INVALID", error.message, { cause: error });
    throw error;
  }
}

/** A chain failure as a CliError: the decoded custom error of a revert, or the RPC failure. */
export function chainFailure(error: unknown, what: string): CliError {
  if (error instanceof CliError) return error;
  const chainError = asChainError(error, what);
  return new CliError(
    "CHAIN_FAILED",
    `${chainError.message} (${chainError.code}${chainError.retryable ? ", retry may help" : ""})`,
    {
      cause: error,
    },
  );
}

/**
 * Send `data` to `to` through `sender` (the member's node or its key: `senderOf`): simulated first (a revert is reported decoded and nothing is sent),
 * then sent and waited for `confirmations`. Returns the receipt.
 */
export async function sendTransaction(
  sender: Signer,
  provider: JsonRpcProvider,
  call: { to: string; data: string; label: string },
  confirmations = 1,
) {
  try {
    await provider.estimateGas({ from: await sender.getAddress(), to: call.to, data: call.data });
    const tx = await sender.sendTransaction({ to: call.to, data: call.data });
    const receipt = await tx.wait(confirmations);
    if (receipt === null || receipt.status !== 1)
      throw new CliError("CHAIN_FAILED", `${call.label}: transaction ${tx.hash} failed`);
    return receipt;
  } catch (error) {
    if (isError(error, "CALL_EXCEPTION") || !(error instanceof CliError)) throw chainFailure(error, call.label);
    throw error;
  }
}
