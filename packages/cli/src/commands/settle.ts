/**
 * `abs settle --waterfall ADDRESS --period N [--rpc-url URL]`: the trustee's settlement of one period, a thin shell
 * over `@abs/core`'s `settlement.settlePeriod`: computes the expected distribution with the engine from the
 * chain's configuration, state and report, prints it, runs `Waterfall.runPeriod` with the trustee's key (read
 * from the environment variable named by --key-env, never from a flag or a file in the repository), checks the
 * chain's result and stored state against the engine to the cent, and writes the settlement report (JSON and the
 * readable table) to --out. Exit 0 when verified (or a --dry-run computed), 1 on a failure or a mismatch (the
 * differing fields are listed), 2 on a usage error.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { type Command } from "commander";
import { Contract, type ContractRunner } from "ethers";
import { z } from "zod";
import { formatCents, settlement } from "@abs/core";
import { EXIT } from "../errors";
import { type CliIo } from "../io";
import { withRpcOption } from "../chain";
import { parseOptions } from "./parse-options";
import { keyEnvOption, periodOption, waterfallAddressOption, withSettlementRunner } from "./settle-common";
import { registerCloseOutCommand } from "./settle-close-out";

const optionsSchema = z.strictObject({
  rpcUrl: z.string().optional(),
  waterfall: waterfallAddressOption,
  deal: z.string().optional(),
  period: periodOption,
  indexBps: z.coerce.number().int().min(0).max(100_000).default(0),
  keyEnv: keyEnvOption,
  out: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
});

async function run(raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  // A dry run only reads the chain: no key needed.
  return withSettlementRunner(io, "abs settle", options, async (waterfall, runner) => {
    const report = await settlement.settlePeriod(
      {
        waterfall,
        period: options.period,
        indexRateWad: BigInt(options.indexBps) * 10n ** 14n,
        dryRun: options.dryRun,
      },
      {
        runner,
        log: (line) => {
          if (!options.json) io.stdout.write(`${line}\n`);
        },
      },
    );
    if (options.dryRun) {
      const { inputs, expected } = report;
      await warnCollectionsShort(io, runner, waterfall, inputs, expected.capReceiptCents, options.period);
    } else if (report.expected.accelerated && !report.inputs.accelerated && !options.json) {
      // The pool was not accelerated before: an event-of-default trigger breached in this period.
      io.stdout.write(
        "event of default: a trigger breached in this period; the pool moved to Accelerated in this transaction " +
          "(later periods pay everything to the most senior class outstanding)\n",
      );
    }
    const out = options.out ?? reportsDir(io);
    const base = path.join(out, `settlement-${waterfall.toLowerCase()}-period-${options.period}`);
    await mkdir(out, { recursive: true });
    await writeFile(`${base}.json`, `${settlement.settlementJson(report)}\n`);
    await writeFile(`${base}.txt`, `${report.table}\n`);
    if (options.json) io.stdout.write(`${settlement.settlementJson(report)}\n`);
    else io.stdout.write(`report: ${base}.json, ${base}.txt\n`);
    return EXIT.ok;
  });
}

/**
 * A dry run computes the distribution whatever cash the waterfall holds; the real run is refused while the
 * period's collections are not all there (`CollectionsShort`). Says so, with what is missing and who pays it in.
 */
async function warnCollectionsShort(
  io: CliIo,
  runner: ContractRunner,
  waterfall: string,
  inputs: { interestCollectionsCents: bigint; principalCollectionsCents: bigint },
  capReceiptCents: bigint,
  period: number,
): Promise<void> {
  const collected = inputs.interestCollectionsCents + inputs.principalCollectionsCents;
  const needed = collected + capReceiptCents;
  const contract = new Contract(waterfall, settlement.WATERFALL_ABI, runner);
  const held = (await contract.getFunction("collectionsHeldCents").staticCall()) as bigint;
  if (held >= needed) return;
  const cap = capReceiptCents === 0n ? "" : ` and the interest-rate cap's ${formatCents(capReceiptCents)}`;
  io.stderr.write(
    `warning: the waterfall holds ${formatCents(held)} of the ${formatCents(needed)} period ${period}'s report collected${cap}: ` +
      `a real run is refused (CollectionsShort) until the servicer (abs --as servicer remit --period ${period} ...)` +
      `${capReceiptCents === 0n ? "" : " and the cap provider"} pay in the other ${formatCents(needed - held)}\n`,
  );
}

/**
 * Where reports go without --out: $ABS_SETTLEMENT_DIR, else ~/.abs/settlement-reports. Never the working
 * directory (run from a checkout, the reports landed in the repository's tree).
 */
function reportsDir(io: CliIo): string {
  return io.env.ABS_SETTLEMENT_DIR ?? path.join(io.env.HOME ?? homedir(), ".abs", "settlement-reports");
}

export function registerSettleCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = program
    .command("settle")
    .description("run a period's waterfall on chain and verify it against the engine to the cent")
    // Required, but checked by the options schema: commander would demand a parent's required options of the
    // `close-out` subcommand too.
    .option("--deal <code>", "the deal (its waterfall is read from the chain)")
    .option("--waterfall <address>", "the deal's Waterfall contract (instead of --deal)")
    .option("--period <n>", "the period to settle (the waterfall's last period + 1; required)")
    .option("--index-bps <n>", "the floating-rate index of the period, in basis points", "0")
    .option(
      "--key-env <name>",
      "environment variable holding the trustee's key (default: the key file of `abs --as`)",
      "ABS_TRUSTEE_KEY",
    )
    .option(
      "--out <dir>",
      "directory of the settlement report (JSON and table; default $ABS_SETTLEMENT_DIR or ~/.abs/settlement-reports)",
    )
    .option("--dry-run", "compute and print the expected distribution only", false)
    .option("--json", "print the settlement report as JSON on stdout", false)
    .addHelpText("after", "\nExit codes: 0 verified (or dry run), 1 failure or mismatch, 2 usage error.");
  withRpcOption(command).action(async (raw: unknown) => {
    setExitCode(await run(raw, io));
  });
  // `settle`'s own options are read before a subcommand only (with the program's), so `close-out` gets its own.
  command.enablePositionalOptions();
  registerCloseOutCommand(command, io, setExitCode);
}
