/**
 * `abs tape validate FILE`: checks a loan tape against the template in one streaming pass and reports
 * every problem with its row and column. With --key-file it also computes the tape's Merkle root (what
 * `abs tape upload` will anchor). Exit 0 if valid, 1 if not, 2 on a usage error.
 */
import { stat } from "node:fs/promises";
import { type Command } from "commander";
import { z } from "zod";
import { validateTape, type TapeIssue, type TapeValidationResult } from "@abs/core";
import { CliError, EXIT } from "../../errors";
import { type CliIo } from "../../io";
import { readOriginatorKeys } from "../../keys";
import {
  createProgress,
  formatCount,
  formatKeyValues,
  formatRateWad,
  formatTable,
  formatWad,
  formatYuan,
  writeJson,
} from "../../output";
import { parseOptions } from "../parse-options";
import { readMapping } from "../../mapping-file";
import { closeInputFile, openInputFile } from "../../input-file";

const optionsSchema = z.strictObject({
  mapping: z.string().optional(),
  encoding: z.enum(["auto", "utf8", "gbk"]).optional(),
  format: z.enum(["auto", "csv", "jsonl"]).default("auto"),
  delimiter: z.string().length(1).optional(),
  maxErrors: z.coerce.number().int().min(1).optional(),
  keyFile: z.string().optional(),
  json: z.boolean().default(false),
});

type ValidateOptions = z.output<typeof optionsSchema>;

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError("INPUT_NOT_FOUND", `Not a file: ${JSON.stringify(path)}`);
    return info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError("INPUT_NOT_FOUND", `Tape file not found: ${JSON.stringify(path)}`, { cause: error });
  }
}

/** The result as JSON: amounts in cents and yuan, rates as wad and percent, every issue. */
function jsonReport(file: string, result: TapeValidationResult): unknown {
  const { summary } = result;
  return {
    file,
    valid: result.valid,
    rows: result.rows,
    summary: {
      ...summary,
      totalPrincipalYuan: formatYuan(summary.totalPrincipalCents).replace(/,/g, ""),
      waRatePercent: formatWad(summary.waRateWad * 100n, 6),
      waRemainingTermMonths: formatWad(summary.waRemainingTermMonthsWad, 4),
    },
    ...(result.root === undefined ? {} : { root: result.root }),
    // Absent places are null (not left out), so every error has the same keys.
    errors: result.errors.map((issue) => ({
      ...issue,
      column: issue.column ?? null,
      columnName: issue.columnName ?? null,
      field: issue.field ?? null,
    })),
  };
}

function errorRows(errors: readonly TapeIssue[]): string[][] {
  return errors.map((issue) => [
    String(issue.row),
    issue.column === undefined ? "" : String(issue.column),
    issue.columnName ?? issue.field ?? "",
    issue.code,
    `expected ${issue.expected}; found ${issue.found}`,
  ]);
}

function humanReport(file: string, result: TapeValidationResult): string {
  const { summary } = result;
  const status = result.valid
    ? "VALID"
    : `INVALID (${formatCount(summary.errorCount)} error${summary.errorCount === 1 ? "" : "s"}${summary.stoppedEarly ? ", stopped at --max-errors" : ""})`;
  const pairs: [string, string][] = [
    ["Status", status],
    ["Format", `${summary.format}, ${summary.encoding}${summary.bom ? " with BOM" : ""}`],
    ["Rows", formatCount(summary.rows)],
    ["Valid rows", formatCount(summary.validRows)],
    ["Invalid rows", formatCount(summary.invalidRows)],
    ["Total current principal", `${formatYuan(summary.totalPrincipalCents)} CNY`],
    ["WA rate", formatRateWad(summary.waRateWad)],
    ["WA remaining term", `${formatWad(summary.waRemainingTermMonthsWad, 2)} months`],
  ];
  if (!result.valid)
    pairs[5] = ["Total current principal", `${formatYuan(summary.totalPrincipalCents)} CNY (valid rows)`];
  if (result.root !== undefined) pairs.push(["Merkle root", result.root]);
  let text = `Tape ${file}\n${formatKeyValues(pairs)}`;
  if (result.errors.length > 0) {
    const byCode = Object.entries(summary.errorsByCode).map(([code, count]) => [code, formatCount(count ?? 0)]);
    text += `\nErrors by code\n${formatTable(["CODE", "COUNT"], byCode)}`;
    text += `\nErrors\n${formatTable(["ROW", "COL", "COLUMN", "CODE", "PROBLEM"], errorRows(result.errors))}`;
  }
  return text;
}

async function run(file: string, raw: unknown, io: CliIo): Promise<number> {
  const options: ValidateOptions = parseOptions(optionsSchema, raw);
  const size = await fileSize(file);
  const mapping = options.mapping === undefined ? undefined : await readMapping(options.mapping);
  const keys = options.keyFile === undefined ? undefined : await readOriginatorKeys(options.keyFile);
  const progress = createProgress({
    stream: io.stderr,
    enabled: !options.json,
    label: "Validating",
    total: size,
    now: () => io.now(),
  });
  let result: TapeValidationResult;
  // Closed whatever happens, and awaited: a stream left unread (e.g. options refused) must not report later.
  const input = openInputFile(file);
  try {
    result = await validateTape(input, {
      format: options.format,
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
      ...(mapping === undefined ? {} : { mapping }),
      ...(options.maxErrors === undefined ? {} : { maxErrors: options.maxErrors }),
      ...(keys === undefined ? {} : { borrowerKey: keys.borrowerKey, saltKey: keys.saltKey }),
      onProgress: ({ bytesRead, rows }) => progress.update(bytesRead, rows),
    });
  } finally {
    await closeInputFile(input);
    progress.stop();
  }
  if (options.json) writeJson(io.stdout, jsonReport(file, result));
  else io.stdout.write(humanReport(file, result));
  return result.valid ? EXIT.ok : EXIT.failure;
}

/** Registers `validate` under `abs tape`. */
export function registerTapeValidate(tape: Command, io: CliIo, setExitCode: (code: number) => void): void {
  tape
    .command("validate")
    .description("check a loan tape (CSV or JSON Lines, UTF-8 or GBK) and report every error with row and column")
    .argument("<file>", "the tape file")
    .option("--mapping <file>", "column-mapping JSON file: your headers -> template columns")
    .option("--encoding <encoding>", "auto | utf8 | gbk (default: the mapping's, else auto)")
    .option("--format <format>", "auto | csv | jsonl", "auto")
    .option("--delimiter <char>", 'CSV delimiter (default: the mapping\'s, else ",")')
    .option("--max-errors <n>", "stop after N errors")
    .option("--key-file <file>", "originator master key (64+ hex digits): also compute the Merkle root")
    .option("--json", "print the result as JSON on stdout", false)
    .addHelpText(
      "after",
      "\nExit codes: 0 valid, 1 invalid, 2 usage error.\nThe template is documented in packages/core/src/tape/TEMPLATE.md.",
    )
    .action(async (file: string, raw: unknown) => {
      setExitCode(await run(file, raw, io));
    });
}
