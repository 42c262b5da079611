/**
 * `abs report submit`: the servicer's period report.
 * - From the performance file, through the servicer's node (the usual way): `abs --as servicer report submit
 *   PERF.csv --performance --period N --start D --end D --deal CODE` streams the file to the member's node, which
 *   checks every row, commits each loan's state with its own state key, stores the states, submits the report
 *   and from then on serves each loan's state with a proof against the anchored root (`abs loan verify
 *   --period N`). The same file again sends nothing; an invalid file is refused with every error.
 * - Locally, without a node (no loan state is served then): with `--key-file K` the report is built here
 *   (`buildPeriodReport`, streaming) and signed with the servicer's key; or `abs report submit REPORT.json`
 *   submits a report built by `abs report build --out`. The call is simulated before it is sent, so a report
 *   the contract refuses (period out of order, dates, buckets above the balance ...) is reported with its
 *   decoded custom error and nothing is sent.
 * Exit 0 submitted, 1 refused or invalid, 2 usage error.
 */
import { readFile, stat } from "node:fs/promises";
import { type Command } from "commander";
import { Interface } from "ethers";
import { z } from "zod";
import { MAX_PERIOD, buildPeriodReport } from "@abs/core";
import { ASSET_POOL_ABI } from "@abs/node";
import { readOriginatorKeys } from "../../keys";
import {
  address,
  providerFor,
  rpcUrlOf,
  sendTransaction,
  signerSchema,
  withRpcOption,
  withSignerOptions,
} from "../../chain";
import { CliError, EXIT } from "../../errors";
import { senderOf } from "../../member-sender";
import { type CliIo } from "../../io";
import { formatCount, formatKeyValues, formatYuan, writeJson } from "../../output";
import { actingNodeUrl, nodeRefusal, postFile, readOperatorToken } from "../../node-upload";
import { parseOptions } from "../parse-options";
import { poolOf } from "../../deal/deal-session";
import { closeInputFile, openInputFile } from "../../input-file";

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

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date yyyy-mm-dd");
const optionsSchema = z.strictObject({
  rpcUrl: z.string().optional(),
  performance: z.boolean().default(false),
  period: z.coerce.number().int().min(1).max(MAX_PERIOD).optional(),
  start: isoDate.optional(),
  end: isoDate.optional(),
  keyFile: z.string().min(1).optional(),
  node: z.url({ protocol: /^https?$/, error: "expected the node's http(s) URL" }).optional(),
  tokenFile: z.string().min(1).optional(),
  pool: address.optional(),
  deal: z.string().optional(),
  multiPeriod: z.boolean().default(false),
  confirmations: z.coerce.number().int().min(1).max(64).default(1),
  json: z.boolean().default(false),
  ...signerSchema,
});

/** Build the report from a performance file; undefined (errors printed) if the file is invalid. */
async function buildFromPerformance(file: string, options: z.output<typeof optionsSchema>): Promise<unknown> {
  const { period, start, end, keyFile } = options;
  if (period === undefined || start === undefined || end === undefined || keyFile === undefined) {
    throw new CliError("USAGE", "--performance needs --period, --start and --end");
  }
  const keys = await readOriginatorKeys(keyFile);
  const input = openInputFile(file);
  let result;
  try {
    result = await buildPeriodReport(input, {
      period,
      startDate: start,
      endDate: end,
      saltKey: keys.saltKey,
      otherPeriods: options.multiPeriod ? "skip" : "refuse",
    });
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") {
      throw new CliError("INPUT_NOT_FOUND", `Performance file not found: ${JSON.stringify(file)}`, { cause: error });
    }
    throw error;
  } finally {
    await closeInputFile(input);
  }
  if (!result.valid || result.report === undefined) {
    const lines = result.errors.map((e) => `row ${e.row}: ${e.code}: expected ${e.expected}; found ${e.found}`);
    throw new CliError("TAPE_INVALID", `The performance file has ${result.errors.length} error(s): nothing submitted`, {
      details: lines.slice(0, 50),
    });
  }
  return JSON.parse(JSON.stringify(result.report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

const nodeAnswer = z.object({
  status: z.enum(["submitted", "already-submitted"]),
  pool: z.string(),
  period: z.number(),
  root: z.string(),
  loanCount: z.number(),
  txHash: z.string(),
  blockNumber: z.number(),
  report: z.object({ endingBalanceCents: digits, loanCount: digits }),
});
const invalidAnswer = z.object({
  error: z.object({ code: z.literal("REPORT_INVALID"), message: z.string() }),
  rows: z.number(),
  errors: z.array(
    z.object({
      row: z.number(),
      code: z.string(),
      expected: z.string(),
      found: z.string(),
      columnName: z.string().optional(),
    }),
  ),
});

/** Stream the performance file to the servicer's node, which builds, stores and submits (see the file comment). */
async function submitThroughNode(file: string, options: z.output<typeof optionsSchema>, io: CliIo): Promise<number> {
  const { period, start, end } = options;
  if (period === undefined || start === undefined || end === undefined) {
    throw new CliError("USAGE", "--performance needs --period, --start and --end");
  }
  const node = actingNodeUrl(options.node, io, "the servicer node's URL, or --key-file to build the report here");
  const pool = await poolOf(io, options);
  try {
    await stat(file);
  } catch (error) {
    throw new CliError("INPUT_NOT_FOUND", `Performance file not found: ${JSON.stringify(file)}`, { cause: error });
  }
  const token = await readOperatorToken(options.tokenFile, io);
  const url = new URL(`/v1/pools/${pool}/periods/${period}/report`, node);
  url.searchParams.set("start", start);
  url.searchParams.set("end", end);
  if (options.multiPeriod) url.searchParams.set("multiPeriod", "true");
  const answer = await postFile(url, { authorization: `Bearer ${token}` }, file, () => undefined);
  const submitted = nodeAnswer.safeParse(answer.body);
  if ((answer.status === 200 || answer.status === 201) && submitted.success) {
    const a = submitted.data;
    if (options.json) writeJson(io.stdout, a);
    else
      io.stdout.write(
        `Period ${a.period} report ${a.status === "submitted" ? "submitted" : "already on chain (nothing sent)"}\n${formatKeyValues(
          [
            ["Pool", a.pool],
            ["Ending balance", `${formatYuan(a.report.endingBalanceCents)} CNY`],
            ["Loans outstanding", formatCount(Number(a.report.loanCount))],
            ["Loan states served", `${formatCount(a.loanCount)} (each provable against the root)`],
            ["Loan-state root", a.root],
            ["Transaction", a.status === "submitted" ? `${a.txHash} (block ${a.blockNumber})` : "none"],
          ],
        )}`,
      );
    return EXIT.ok;
  }
  const invalid = invalidAnswer.safeParse(answer.body);
  if (answer.status === 422 && invalid.success) {
    const lines = invalid.data.errors.map(
      (e) =>
        `row ${e.row}${e.columnName === undefined ? "" : ` (${e.columnName})`}: ${e.code}: expected ${e.expected}; found ${e.found}`,
    );
    throw new CliError(
      "TAPE_INVALID",
      `The performance file has ${invalid.data.errors.length} error(s): nothing submitted`,
      {
        details: lines.slice(0, 50),
      },
    );
  }
  throw nodeRefusal(answer, `period ${period}'s report`);
}

async function run(file: string, raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  if (options.performance && options.keyFile === undefined) return submitThroughNode(file, options, io);
  let value: unknown;
  if (options.performance) value = await buildFromPerformance(file, options);
  else {
    try {
      value = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new CliError("INPUT_NOT_FOUND", `Cannot read a JSON report from ${JSON.stringify(file)}`, { cause: error });
    }
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
  const pool = await poolOf(io, options);
  const provider = providerFor(rpcUrlOf(options.rpcUrl, io));
  try {
    const servicer = await senderOf(options, io, provider);
    const data = POOL.encodeFunctionData("submitReport", [report]);
    const receipt = await sendTransaction(
      servicer.sender,
      provider,
      { to: pool, data, label: `submitReport(period ${report.period})` },
      options.confirmations,
    );
    const result = {
      pool,
      period: report.period,
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
    };
    if (options.json) writeJson(io.stdout, result);
    else
      io.stdout.write(
        `Period ${report.period} report submitted\n${formatKeyValues([
          ["Pool", pool],
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
    .description("submit a period report: a performance file through the servicer's node, or a report JSON")
    .argument("<file>", "the report JSON (or, with --performance, the period's performance file)")
    .option("--performance", "FILE is a performance file: build the report from it, then submit", false)
    .option("--period <n>", "with --performance: the period")
    .option("--start <date>", "with --performance: first day of the period, yyyy-mm-dd")
    .option("--end <date>", "with --performance: the period end date, yyyy-mm-dd")
    .option("--key-file <file>", "with --performance: build here with this state key (no node keeps the loan states)")
    .option("--node <url>", "the servicer node's URL (default: the node of `abs --as <member>`)")
    .option("--token-file <file>", "the node's operator token (default: the consortium file's)")
    .option("--deal <code>", "the deal whose pool takes the report")
    .option("--pool <address>", "the pool (instead of --deal)")
    .option("--multi-period", "with --performance: the file holds every period; read --period's rows only", false)
    .option("--confirmations <n>", "blocks to wait for", "1")
    .option("--json", "print the result as JSON", false);
  withSignerOptions(withRpcOption(command))
    .addHelpText(
      "after",
      "\nWith --performance and no --key-file the file goes to the servicer's node, which keeps and serves each loan's\nstate. The signer is the deal's servicer. Exit codes: 0 submitted, 1 refused or invalid, 2 usage error.",
    )
    .action(async (file: string, raw: unknown) => {
      setExitCode(await run(file, raw, io));
    });
}
