/**
 * Calling the consortium's contracts from `abs`: a contract handle from the generated ABIs, transactions that are
 * simulated first (a revert is reported by its decoded custom error, enum values by name, and nothing is sent),
 * and the decoding of any consortium contract's custom error.
 */
import { Contract, type ContractRunner, Interface, type Result, isError } from "ethers";
import { POOL_STATE_NAMES, TAPE_CHANGE_KIND_NAMES } from "@abs/core";
import { revertDataOf } from "@abs/node";
import { CliError } from "../errors";
import { CONTRACT_ABIS } from "./abi.generated";

export type ContractName = keyof typeof CONTRACT_ABIS;

/** Every custom error of every consortium contract, once per selector. */
const ALL_ERRORS = new Interface(
  [...new Set(Object.values(CONTRACT_ABIS).flatMap((abi) => abi.filter((f) => f.startsWith("error "))))].filter(
    (fragment, i, all) =>
      all.findIndex((other) => other.slice(0, other.indexOf("(")) === fragment.slice(0, fragment.indexOf("("))) === i,
  ),
);

/** Argument names whose integers are enum values, and the names of those values. */
const ENUM_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  state: POOL_STATE_NAMES,
  current: POOL_STATE_NAMES,
  requested: POOL_STATE_NAMES,
  kind: TAPE_CHANGE_KIND_NAMES,
};

export function contractAt(name: ContractName, address: string, runner: ContractRunner): Contract {
  return new Contract(address, CONTRACT_ABIS[name], runner);
}

function formatArgument(name: string, value: unknown): string {
  const names = ENUM_ARGUMENTS[name];
  if (names !== undefined && typeof value === "bigint") return names[Number(value)] ?? value.toString();
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => formatArgument("", v)).join(", ")}]`;
  return String(value);
}

/** `InvalidTransition(current=Draft, requested=Active)`, `Error(reason)`, or undefined. */
export function decodeContractError(error: unknown): string | undefined {
  const data = revertDataOf(error);
  if (data === undefined) {
    if (isError(error, "CALL_EXCEPTION") && typeof error.reason === "string") return `Error(${error.reason})`;
    return undefined;
  }
  try {
    const parsed = ALL_ERRORS.parseError(data);
    if (parsed === null) return `unknown custom error ${data.slice(0, 10)}`;
    const args = parsed.fragment.inputs.map(
      (input, i) => `${input.name}=${formatArgument(input.name, (parsed.args as Result)[i])}`,
    );
    return `${parsed.name}(${args.join(", ")})`;
  } catch {
    return `unknown custom error ${data.slice(0, 10)}`;
  }
}

/** A chain failure as a CliError: "label refused by the chain: DecodedError(...)" or the RPC's message. */
export function callFailure(error: unknown, label: string): CliError {
  if (error instanceof CliError) return error;
  const decoded = decodeContractError(error);
  if (decoded !== undefined)
    return new CliError("CHAIN_FAILED", `${label} refused by the chain: ${decoded}`, { cause: error });
  const short = (error as { shortMessage?: unknown }).shortMessage;
  const message = typeof short === "string" ? short : error instanceof Error ? error.message : String(error);
  return new CliError("CHAIN_FAILED", `${label} failed: ${message}`, { cause: error });
}

/** What one sent transaction gave. */
export interface SentTransaction {
  readonly label: string;
  readonly hash: string;
  readonly blockNumber: number;
  /** The logs of the receipt, decoded where `contract` knows them. */
  readonly events: readonly { readonly name: string; readonly args: Result }[];
}

/**
 * Calls `method(...args)` on `contract` (connected to a signer) as a transaction: simulated first, then sent
 * and waited for one confirmation. A revert at either step is a CHAIN_FAILED CliError naming `label` and the
 * decoded custom error.
 */
export async function sendCall(
  contract: Contract,
  method: string,
  args: readonly unknown[],
  label: string,
): Promise<SentTransaction> {
  const fn = contract.getFunction(method);
  try {
    await fn.staticCall(...args);
    const tx = (await fn.send(...args)) as {
      hash: string;
      wait(confirms?: number): Promise<{
        status: number | null;
        blockNumber: number;
        logs: readonly { topics: readonly string[]; data: string }[];
      } | null>;
    };
    const receipt = await tx.wait(1);
    if (receipt === null || receipt.status !== 1)
      throw new CliError("CHAIN_FAILED", `${label}: transaction ${tx.hash} failed`);
    const events = receipt.logs.flatMap((log) => {
      try {
        const parsed = contract.interface.parseLog({ topics: [...log.topics], data: log.data });
        return parsed === null ? [] : [{ name: parsed.name, args: parsed.args }];
      } catch {
        return [];
      }
    });
    return { label, hash: tx.hash, blockNumber: receipt.blockNumber, events };
  } catch (error) {
    throw callFailure(error, label);
  }
}

/** Reads a view; a failure is a CHAIN_FAILED CliError naming `label`. */
export async function readCall<T>(
  contract: Contract,
  method: string,
  args: readonly unknown[],
  label = method,
): Promise<T> {
  try {
    return (await contract.getFunction(method).staticCall(...args)) as T;
  } catch (error) {
    throw callFailure(error, label);
  }
}
