/**
 * `abs report submit REPORT.json --pool ADDR`: submits a period report built by `abs report build --out`
 * to the pool (`submitReport`), signed by the deal's SERVICER. The file is checked first (every field, the
 * loan-state root present); the call is simulated before it is sent, so a report the contract refuses
 * (period out of order, dates, buckets above the balance ...) is reported with its decoded custom error
 * and nothing is sent. Exit 0 submitted, 1 refused, 2 usage error.
 */
import { readFile } from "node:fs/promises";
import { type Command } from "commander";
import { Interface } from "ethers";
import { z } from "zod";
import { ASSET_POOL_ABI } from "@abs/node";
import {
  address,
  providerFor,
  rpcUrlOf,
  sendTransaction,
  signerOf,
  signerSchema,
  withRpcOption,
  withSignerOptions,
} from "../../chain";
import { CliError, EXIT } from "../../errors";
import { type CliIo } from "../../io";
import { formatKeyValues, formatYuan, writeJson } from "../../output";
import { parseOptions } from "../parse-options";

const POOL = new Interface(ASSET_POOL_ABI);
const digits = z.union([z.string().regex(/^\d{1,78}$/), z.number().int().min(0)]).transform((v) => BigInt(v));
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x and 64 hex digits");

/** The report file, in the contract struct's field order. */
const reportFile = z.object({
  period: z.number().int().min(1).max(0xffff_ffff),
  startDate: digits,
  endDate: digits,
  interestCollectedCents: digits,
  scheduledPrincipalCents: digits,
  prepaymentCents: digits,
  recoveryCents: digits,
  newDefaultsCents: digits,
  delinquent30Cents: digits,
  delinquent60Cents: digits,
  delinquent90PlusCents: digits,
  endingBalanceCents: digits,
  loanCount: digits,
  loanStateRoot: hex32,
  contentHash: hex32,
});

const optionsSchema = z.strictObject({
  rpcUrl: z.string().optional(),
  pool: address,
  confirmations: z.coerce.number().int().min(1).max(64).default(1),
  json: z.boolean().default(false),
  ...signerSchema,
});

async function run(file: string, raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new CliError("INPUT_NOT_FOUND", `Cannot read a JSON report from ${JSON.stringify(file)}`, { cause: error });
  }
  const parsed = reportFile.safeParse(value);
  if (!parsed.success) {
    throw new CliError(
      "USAGE",
      `Invalid report file ${JSON.stringify(file)} (expected the output of abs report build --out)`,
      {
        details: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
      },
    );
  }
  const report = parsed.data;
  const provider = providerFor(rpcUrlOf(options.rpcUrl, io));
  try {
    const servicer = await signerOf(options, io);
    const data = POOL.encodeFunctionData("submitReport", [report]);
    const receipt = await sendTransaction(
      servicer,
      provider,
      { to: options.pool, data, label: `submitReport(period ${report.period})` },
      options.confirmations,
    );
    const result = {
      pool: options.pool,
      period: report.period,
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
    };
    if (options.json) writeJson(io.stdout, result);
    else
      io.stdout.write(
        `Period ${report.period} report submitted\n${formatKeyValues([
          ["Pool", options.pool],
          ["Ending balance", `${formatYuan(report.endingBalanceCents)} CNY`],
          ["Loan-state root", report.loanStateRoot],
          ["Transaction", `${receipt.hash} (block ${receipt.blockNumber})`],
        ])}`,
      );
    return EXIT.ok;
  } finally {
    provider.destroy();
  }
}

export function registerReportSubmit(report: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = report
    .command("submit")
    .description("submit a period report (from abs report build --out) to the pool, signed by the servicer")
    .argument("<file>", "the report JSON")
    .requiredOption("--pool <address>", "the pool")
    .option("--confirmations <n>", "blocks to wait for", "1")
    .option("--json", "print the result as JSON", false);
  withSignerOptions(withRpcOption(command))
    .addHelpText("after", "\nThe signer is the deal's servicer. Exit codes: 0 submitted, 1 refused, 2 usage error.")
    .action(async (file: string, raw: unknown) => {
      setExitCode(await run(file, raw, io));
    });
}
