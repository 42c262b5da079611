/**
 * `abs settle close-out --waterfall ADDRESS [--rpc-url URL]`: the trustee's close-out of a deal whose pool is
 * Redeemed, a thin shell over `@abs/core`'s `settlement.closeOutDeal`: runs `Waterfall.closeOut` with the trustee's
 * key (read from the environment variable named by --key-env), checks that the guarantor's committed cash, the
 * reserve and the collections held were released exactly and that the waterfall now holds only its payables, and
 * prints what was released. Exit 0 when verified, 1 on a failure or a mismatch, 2 on a usage error.
 */
import { type Command } from "commander";
import { z } from "zod";
import { formatCents, settlement } from "@abs/core";
import { EXIT } from "../errors";
import { type CliIo } from "../io";
import { withRpcOption } from "../chain";
import { parseOptions } from "./parse-options";
import { keyEnvOption, waterfallAddressOption, withSettlementRunner } from "./settle-common";
import { writeJson } from "../output";

const optionsSchema = z.strictObject({
  rpcUrl: z.string().optional(),
  waterfall: waterfallAddressOption,
  deal: z.string().optional(),
  keyEnv: keyEnvOption,
  json: z.boolean().default(false),
});

async function run(raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  return withSettlementRunner(io, "abs settle close-out", { ...options, dryRun: false }, async (waterfall, runner) => {
    const report = await settlement.closeOutDeal({ waterfall }, { runner });
    if (options.json) {
      writeJson(io.stdout, report);
    } else {
      io.stdout.write(
        `closed out after period ${report.lastPeriod}: guarantee ${formatCents(report.guaranteeReleasedCents)} ` +
          `to ${report.guarantor}; reserve ${formatCents(report.reserveReleasedCents)} + collections ` +
          `${formatCents(report.collectionsReleasedCents)} to ${report.equityHolder}; cash held = payables = ` +
          `${formatCents(report.payablesCents)} (tx ${report.transactionHash})\n`,
      );
    }
    return EXIT.ok;
  });
}

/** Registers `close-out` under `abs settle`. */
export function registerCloseOutCommand(settle: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = settle
    .command("close-out")
    .description("close a redeemed deal's waterfall out: release the guarantee cash, the reserve and the collections")
    .option("--deal <code>", "the deal (its waterfall is read from the chain)")
    .option("--waterfall <address>", "the deal's Waterfall contract (instead of --deal)")
    .option("--key-env <name>", "environment variable holding the trustee's key", "ABS_TRUSTEE_KEY")
    .option("--json", "print the close-out report as JSON on stdout", false)
    .addHelpText("after", "\nExit codes: 0 verified, 1 failure or mismatch, 2 usage error.");
  withRpcOption(command).action(async (raw: unknown) => {
    setExitCode(await run(raw, io));
  });
}
