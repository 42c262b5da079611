/**
 * `abs report build FILE --period N --start YYYY-MM-DD --end YYYY-MM-DD`: checks one period's performance
 * file in a streaming pass and prints the period report the pool contract takes (`submitReport`), as a
 * table (amounts in yuan) or JSON (bigints as decimal strings). With --key-file it also computes the
 * loan-state root, and --out writes the report as JSON, atomically. Exit 0 if valid, 1 if not, 2 on a
 * usage error. Submitting the report on chain comes with the member node.
 */
import { stat } from "node:fs/promises";
import { type Command } from "commander";
import { z } from "zod";
import {
  MAX_PERIOD,
  buildPeriodReport,
  epochDayToIsoDate,
  type PeriodAggregates,
  type PeriodReportResult,
  type ReportIssue,
} from "@abs/core";
import { CliError, EXIT } from "../../errors";
import { writeFileAtomically } from "../../atomic-write";
import { type CliIo } from "../../io";
import { readOriginatorKeys } from "../../keys";
import { createProgress, formatCount, formatKeyValues, formatTable, formatYuan, writeJson } from "../../output";
import { parseOptions } from "../parse-options";
import { closeInputFile, openInputFile } from "../../input-file";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date yyyy-mm-dd");

const optionsSchema = z.strictObject({
  period: z.coerce.number().int().min(1).max(MAX_PERIOD),
  start: isoDate,
  end: isoDate,
  keyFile: z.string().min(1).optional(),
  encoding: z.enum(["auto", "utf8", "gbk"]).default("auto"),
  maxErrors: z.coerce.number().int().min(1).optional(),
  multiPeriod: z.boolean().default(false),
  out: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

type BuildOptions = z.output<typeof optionsSchema>;

/** The report's money fields, in the contract struct's order, with their table labels. */
const AMOUNTS: readonly (readonly [keyof PeriodAggregates, string])[] = [
  ["interestCollectedCents", "Interest collected"],
  ["scheduledPrincipalCents", "Scheduled principal collected"],
  ["prepaymentCents", "Prepayments"],
  ["recoveryCents", "Recoveries"],
  ["newDefaultsCents", "New defaults"],
  ["delinquent30Cents", "Delinquent 30-59 days"],
  ["delinquent60Cents", "Delinquent 60-89 days"],
  ["delinquent90PlusCents", "Delinquent 90+ days"],
  ["endingBalanceCents", "Ending balance"],
];

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError("INPUT_NOT_FOUND", `Not a file: ${JSON.stringify(path)}`);
    return info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError("INPUT_NOT_FOUND", `Performance file not found: ${JSON.stringify(path)}`, { cause: error });
  }
}

/** Unix seconds at 00:00 UTC -> yyyy-mm-dd. */
function isoOf(unixSeconds: bigint): string {
  return epochDayToIsoDate(Number(unixSeconds / 86_400n));
}

/** The report as a JSON value: the contract's fields (root `null` without a key), then the opening balance. */
function jsonReportOf(result: PeriodReportResult): unknown {
  if (result.aggregates === undefined) return null;
  const { contentHash, ...before } = result.aggregates;
  return {
    ...before,
    loanStateRoot: result.report?.loanStateRoot ?? null,
    contentHash,
    openingBalanceCents: result.openingBalanceCents,
  };
}

function jsonOutput(file: string, result: PeriodReportResult): unknown {
  return {
    file,
    valid: result.valid,
    rows: result.rows,
    stoppedEarly: result.stoppedEarly,
    report: jsonReportOf(result),
    errors: result.errors.map((issue) => ({
      ...issue,
      column: issue.column ?? null,
      columnName: issue.columnName ?? null,
    })),
  };
}

function errorRows(errors: readonly ReportIssue[]): string[][] {
  return errors.map((issue) => [
    String(issue.row),
    issue.column === undefined ? "" : String(issue.column),
    issue.columnName ?? "",
    issue.code,
    `expected ${issue.expected}; found ${issue.found}`,
  ]);
}

function humanOutput(file: string, result: PeriodReportResult): string {
  const count = result.errors.length;
  const status = result.valid
    ? "VALID"
    : `INVALID (${formatCount(count)} error${count === 1 ? "" : "s"}${result.stoppedEarly ? ", stopped at --max-errors" : ""})`;
  let text = `Performance file ${file}\n${formatKeyValues([
    ["Status", status],
    ["Rows", formatCount(result.rows)],
  ])}`;
  const aggregates = result.aggregates;
  if (aggregates !== undefined) {
    const rows: string[][] = [
      ["Period", String(aggregates.period)],
      ["Start date", `${isoOf(aggregates.startDate)} (${aggregates.startDate})`],
      ["End date", `${isoOf(aggregates.endDate)} (${aggregates.endDate})`],
      ["Opening balance", `${formatYuan(result.openingBalanceCents ?? 0n)} CNY`],
      ...AMOUNTS.map(([field, label]) => [label, `${formatYuan(BigInt(aggregates[field]))} CNY`]),
      ["Loans outstanding", formatCount(Number(aggregates.loanCount))],
      ["Loan-state root", result.report?.loanStateRoot ?? "(needs --key-file)"],
      ["Content hash", aggregates.contentHash],
    ];
    text += `\nPeriod report\n${formatTable(["FIELD", "VALUE"], rows)}`;
  }
  if (count > 0) {
    text += `\nErrors\n${formatTable(["ROW", "COL", "COLUMN", "CODE", "PROBLEM"], errorRows(result.errors))}`;
  }
  return text;
}

async function run(file: string, raw: unknown, io: CliIo): Promise<number> {
  const options: BuildOptions = parseOptions(optionsSchema, raw);
  if (options.out !== undefined && options.keyFile === undefined) {
    throw new CliError("USAGE", "--out needs --key-file: a report without its loan-state root cannot be submitted");
  }
  const size = await fileSize(file);
  const keys = options.keyFile === undefined ? undefined : await readOriginatorKeys(options.keyFile);
  const progress = createProgress({
    stream: io.stderr,
    enabled: !options.json,
    label: "Reading",
    total: size,
    now: () => io.now(),
  });
  let result: PeriodReportResult;
  // Closed whatever happens, and awaited: a stream left unread (e.g. options refused) must not report later.
  const input = openInputFile(file);
  try {
    result = await buildPeriodReport(input, {
      period: options.period,
      startDate: options.start,
      endDate: options.end,
      encoding: options.encoding,
      otherPeriods: options.multiPeriod ? "skip" : "refuse",
      ...(keys === undefined ? {} : { saltKey: keys.saltKey }),
      ...(options.maxErrors === undefined ? {} : { maxErrors: options.maxErrors }),
      onProgress: ({ bytesRead, rows }) => progress.update(bytesRead, rows),
    });
  } finally {
    await closeInputFile(input);
    progress.stop();
  }
  if (result.valid && options.out !== undefined) {
    await writeFileAtomically(options.out, (out) => void out.write(jsonText(jsonReportOf(result))));
  }
  if (options.json) writeJson(io.stdout, jsonOutput(file, result));
  else io.stdout.write(humanOutput(file, result));
  return result.valid ? EXIT.ok : EXIT.failure;
}

/** The same JSON text `writeJson` prints (bigints as decimal strings), for a file. */
function jsonText(value: unknown): string {
  return `${JSON.stringify(value, (_, item: unknown) => (typeof item === "bigint" ? item.toString() : item), 2)}\n`;
}

/** Registers `build` under `abs report`. */
export function registerReportBuild(report: Command, io: CliIo, setExitCode: (code: number) => void): void {
  report
    .command("build")
    .description("check a period performance file and build the period report the pool contract takes")
    .argument("<file>", "the period performance file (CSV, one row per loan)")
    .requiredOption("--period <n>", "the period reported (every row must be for it)")
    .requiredOption("--start <date>", "start of the period, yyyy-mm-dd (the cut-off date for period 1)")
    .requiredOption("--end <date>", "end of the period, yyyy-mm-dd (every row's period_end_date)")
    .option("--key-file <file>", "originator master key (64+ hex digits): also compute the loan-state root")
    .option("--encoding <encoding>", "auto | utf8 | gbk", "auto")
    .option("--max-errors <n>", "stop after N errors")
    .option(
      "--multi-period",
      "the file holds every period (abs tape generate --performance-periods): read --period's rows only",
      false,
    )
    .option("--out <file>", "write the report as JSON to this file (atomically; needs --key-file)")
    .option("--json", "print the result as JSON on stdout", false)
    .addHelpText(
      "after",
      "\nExit codes: 0 valid, 1 invalid, 2 usage error.\nThe aggregates are defined in packages/core/src/report/REPORT.md.",
    )
    .action(async (file: string, raw: unknown) => {
      setExitCode(await run(file, raw, io));
    });
}
