/**
 * `abs cap remit --deal CODE | --waterfall ADDRESS --period N --index-bps B [--dry-run] [--json]`: the interest-rate
 * cap provider pays its period's payment into the deal's waterfall, a thin shell over `@abs/core`'s
 * `settlement.remitCapPayment`. The amount is what the cap pays at the index the trustee settles the period with
 * (`abs settle --index-bps`), computed from the chain's configuration and state, so `runPeriod` finds exactly the cash
 * it needs; it is paid after the servicer's collections and only the part not yet there (running it again pays
 * nothing). A swap's counterparty uses it for its receive leg; below the fixed rate nothing is due from it and it is
 * told what the waterfall owes it for the period (paid as the swap's pay-leg fee, withdrawn as any fee credit).
 * The key: `abs --as MEMBER` (through the member's node) or the variable named by --key-env.
 * Exit 0 paid (or dry run, or nothing due), 1 failure, 2 usage error.
 */
import { type Command } from "commander";
import { z } from "zod";
import { formatCents, settlement } from "@abs/core";
import { EXIT } from "../errors";
import { type CliIo } from "../io";
import { withRpcOption } from "../chain";
import { parseOptions } from "./parse-options";
import { keyEnvNamed, periodOption, waterfallAddressOption, withSettlementRunner } from "./settle-common";
import { formatRateWad, writeJson } from "../output";

const optionsSchema = z.strictObject({
  rpcUrl: z.string().optional(),
  waterfall: waterfallAddressOption,
  deal: z.string().optional(),
  period: periodOption,
  indexBps: z.coerce.number().int().min(0).max(100_000),
  keyEnv: keyEnvNamed("ABS_CAP_PROVIDER_KEY"),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
});

async function run(raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  return withSettlementRunner(io, "abs cap remit", options, async (waterfall, runner) => {
    const paid = await settlement.remitCapPayment(
      {
        waterfall,
        period: options.period,
        indexRateWad: BigInt(options.indexBps) * 10n ** 14n,
        dryRun: options.dryRun,
      },
      { runner },
    );
    if (options.json) {
      writeJson(io.stdout, paid);
    } else {
      const sent =
        paid.transactionHash !== undefined
          ? `paid ${formatCents(paid.dueCents)} (tx ${paid.transactionHash})`
          : options.dryRun
            ? `due ${formatCents(paid.dueCents)} (dry run, nothing sent)`
            : "nothing due: the waterfall already holds it";
      const terms = paid.swap
        ? `the swap's counterparty pays ${formatCents(paid.receiptCents)} at an index of ` +
          `${formatRateWad(paid.indexRateWad)} (fixed rate ${formatRateWad(paid.strikeRateWad)})`
        : `the cap pays ${formatCents(paid.receiptCents)} at an index of ` +
          `${formatRateWad(paid.indexRateWad)} (strike ${formatRateWad(paid.strikeRateWad)})`;
      const owed =
        paid.owedByDealCents > 0n
          ? `; the deal owes the counterparty ${formatCents(paid.owedByDealCents)}, paid by the waterfall when the period runs`
          : "";
      const ended =
        paid.expiryPeriod !== undefined && paid.period > paid.expiryPeriod
          ? `; its term ended with period ${paid.expiryPeriod}`
          : "";
      io.stdout.write(`period ${paid.period}: ${terms}; ${sent}${owed}${ended}\n`);
    }
    return EXIT.ok;
  });
}

/** Registers `abs cap remit`. */
export function registerCapCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const cap = program
    .command("cap")
    .description("the interest-rate cap provider's (or swap counterparty's) payments into a deal's waterfall");
  const command = cap
    .command("remit")
    .description("pay the cap's payment for a period (after the servicer's collections) into the waterfall")
    .option("--deal <code>", "the deal (its waterfall is read from the chain)")
    .option("--waterfall <address>", "the deal's Waterfall contract (instead of --deal)")
    .option("--period <n>", "the period the trustee settles next (required)")
    .requiredOption("--index-bps <n>", "the index the trustee settles the period with, in basis points")
    .option(
      "--key-env <name>",
      "environment variable holding the provider's key (default: the key file of `abs --as`)",
      "ABS_CAP_PROVIDER_KEY",
    )
    .option("--dry-run", "compute what is due only", false)
    .option("--json", "print the payment as JSON on stdout", false)
    .addHelpText("after", "\nExit codes: 0 paid (or dry run, or nothing due), 1 failure, 2 usage error.");
  withRpcOption(command).action(async (raw: unknown) => {
    setExitCode(await run(raw, io));
  });
}
