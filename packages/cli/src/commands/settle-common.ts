/**
 * What `abs settle`, `abs settle close-out` and `abs cap remit` share: their options, who sends the transactions
 * (the acting member's node, or a key from the environment) and the run around the library call
 * (`withSettlementRunner`), which also shows a settlement failure.
 */
import { type ContractRunner } from "ethers";
import { z } from "zod";
import { settlement } from "@abs/core";
import { providerFor, rpcUrlOf } from "../chain";
import { waterfallOf } from "../deal/deal-session";
import { CliError, EXIT } from "../errors";
import { type CliIo } from "../io";
import { actingKey, selectedMemberName } from "../consortium/acting-member";
import { senderOf } from "../member-sender";

/** `--key-env`: the name of an environment variable holding a key (never the key itself), `defaultName` if absent. */
export function keyEnvNamed(defaultName: string) {
  return z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name")
    .default(defaultName);
}

/** `--key-env` of the trustee's commands. */
export const keyEnvOption = keyEnvNamed("ABS_TRUSTEE_KEY");

/** `--waterfall`: a Waterfall contract's address (else `--deal` names the deal). */
export const waterfallAddressOption = z
  .string()
  .refine((value) => settlement.isAddressText(value), "expected a 0x-prefixed 20-byte address")
  .optional();

/** `--period <n>`: required, a waterfall period (1 to 2^32 - 1). */
export const periodOption = z
  .string("expected --period <n> (required)")
  .pipe(z.coerce.number<string>().int().min(1).max(4_294_967_295));

const HEX_KEY = /^0x[0-9a-fA-F]{64}$/;

/**
 * The trustee's key: from the environment variable `keyEnv` when it is set, else the key file of the member
 * `abs --as` selects; a usage error when neither gives a well-formed key.
 */
function trusteeKey(io: CliIo, keyEnv: string): string {
  const key = io.env[keyEnv];
  if (key === undefined && selectedMemberName(io) !== undefined) return actingKey(io);
  if (key === undefined || !HEX_KEY.test(key)) {
    throw new CliError(
      "USAGE",
      `Missing trustee key: expected ${keyEnv} to hold a 0x-prefixed 32-byte hex key, found ${key === undefined ? "nothing" : "another value"}`,
    );
  }
  return key;
}

/**
 * The runner the settlement sends with: a dry run only reads; the key in `keyEnv` when that variable is set signs
 * here; otherwise the member `abs --as` selects sends through its node (`senderOf`), or signs with its key file when
 * it has none.
 */
async function trusteeRunner(
  io: CliIo,
  options: { keyEnv: string; rpcUrl: string; dryRun: boolean },
): Promise<{ runner: ContractRunner; close(): void }> {
  if (!options.dryRun && io.env[options.keyEnv] === undefined && selectedMemberName(io) !== undefined) {
    const provider = providerFor(options.rpcUrl);
    const member = await senderOf({}, io, provider);
    return { runner: member.sender, close: () => provider.destroy() };
  }
  return settlement.connectRunner(options.rpcUrl, options.dryRun ? undefined : trusteeKey(io, options.keyEnv));
}

/**
 * The run every settlement command shares: find the deal's waterfall (`--waterfall`, else `--deal`), open the
 * runner it sends with, call `body`, and close the connection; a `SettlementError` is printed as `command`'s
 * failure (exit 1), anything else propagates.
 */
export async function withSettlementRunner(
  io: CliIo,
  command: string,
  options: {
    waterfall?: string | undefined;
    deal?: string | undefined;
    rpcUrl?: string | undefined;
    keyEnv: string;
    dryRun: boolean;
  },
  body: (waterfall: string, runner: ContractRunner) => Promise<number>,
): Promise<number> {
  const waterfall = await waterfallOf(io, options);
  const connection = await trusteeRunner(io, {
    keyEnv: options.keyEnv,
    rpcUrl: rpcUrlOf(options.rpcUrl, io),
    dryRun: options.dryRun,
  });
  try {
    return await body(waterfall, connection.runner);
  } catch (error) {
    return reportSettlementFailure(io, command, error);
  } finally {
    connection.close();
  }
}

/** Prints a settlement failure (its code and every mismatching field) and returns the failure exit code; rethrows anything else. */
function reportSettlementFailure(io: CliIo, command: string, error: unknown): number {
  if (!(error instanceof settlement.SettlementError)) throw error;
  io.stderr.write(`${command}: ${error.message} (${error.code})\n`);
  for (const line of error.mismatches) io.stderr.write(`  ${line}\n`);
  return EXIT.failure;
}
