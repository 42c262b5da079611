/**
 * `abs tape generate`: writes a realistic synthetic loan tape in the template (UTF-8 or GBK), and
 * optionally its monthly performance file, deterministically from a seed. Files are written to a
 * temporary name and renamed at the end, so an interrupted run leaves no half-written tape behind.
 */
import { type Command } from "commander";
import { z } from "zod";
import { generateLoans, generatePerformance, writePerformanceCsv, writeTapeCsv, type CsvWriteOptions } from "@abs/core";
import { CliError, EXIT } from "../../errors";
import { writeFileAtomically } from "../../atomic-write";
import { type CliIo } from "../../io";
import { createProgress, formatCount, formatKeyValues, writeJson } from "../../output";
import { parseOptions } from "../parse-options";

const optionsSchema = z.strictObject({
  loans: z.coerce.number().int().min(1).max(100_000_000),
  seed: z.coerce.number().int().min(0).max(0xffff_ffff).default(1),
  out: z.string().min(1),
  encoding: z.enum(["utf8", "gbk"]).default("utf8"),
  regionNames: z.enum(["en", "zh"]).optional(),
  personalData: z.boolean().default(false),
  disclosureFields: z.boolean().default(false),
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default("2025-06-30"),
  performancePeriods: z.coerce.number().int().min(1).max(600).optional(),
  performanceOut: z.string().min(1).optional(),
  bom: z.boolean().default(false),
  crlf: z.boolean().default(false),
  json: z.boolean().default(false),
});

type GenerateOptions = z.output<typeof optionsSchema>;

/** `tape.csv` -> `tape.performance.csv`. */
export function performancePath(out: string): string {
  return /\.csv$/i.test(out) ? out.replace(/\.csv$/i, ".performance.csv") : `${out}.performance.csv`;
}

async function run(raw: unknown, io: CliIo): Promise<number> {
  const options: GenerateOptions = parseOptions(optionsSchema, raw);
  if (options.performanceOut !== undefined && options.performancePeriods === undefined) {
    throw new CliError("USAGE", "--performance-out needs --performance-periods");
  }
  const started = io.now();
  const loanOptions = { asOfDate: options.asOf, disclosure: options.disclosureFields };
  const csv: CsvWriteOptions = {
    encoding: options.encoding,
    bom: options.bom,
    lineEnding: options.crlf ? "\r\n" : "\n",
  };
  const progress = createProgress({
    stream: io.stderr,
    enabled: !options.json,
    label: "Generating",
    total: options.loans,
    now: () => io.now(),
  });
  let tape: { rows: number; bytes: number };
  try {
    tape = await writeFileAtomically(options.out, (out) =>
      writeTapeCsv(generateLoans(options.loans, options.seed, loanOptions), out, {
        ...csv,
        ...(options.regionNames === undefined ? {} : { regionNames: options.regionNames }),
        personalData: options.personalData,
        disclosure: options.disclosureFields,
        onRows: (rows) => progress.update(rows, rows),
      }),
    );
  } finally {
    progress.stop();
  }
  let performance: { path: string; rows: number; bytes: number } | undefined;
  if (options.performancePeriods !== undefined) {
    const path = options.performanceOut ?? performancePath(options.out);
    const periods = options.performancePeriods;
    const written = await writeFileAtomically(path, (out) =>
      writePerformanceCsv(
        generatePerformance(
          generateLoans(options.loans, options.seed, loanOptions),
          periods,
          options.seed,
          loanOptions,
        ),
        out,
        csv,
      ),
    );
    performance = { path, ...written };
  }
  const seconds = (io.now() - started) / 1000;
  if (options.json) {
    writeJson(io.stdout, {
      tape: { path: options.out, rows: tape.rows, bytes: tape.bytes, encoding: options.encoding },
      ...(performance === undefined ? {} : { performance: { ...performance, periods: options.performancePeriods } }),
      seed: options.seed,
      seconds,
    });
  } else {
    const pairs: [string, string][] = [
      [
        "Tape",
        `${options.out} (${formatCount(tape.rows)} loans, ${formatCount(tape.bytes)} bytes, ${options.encoding})`,
      ],
      ["Seed", String(options.seed)],
      [
        "Personal data",
        options.personalData ? "synthetic national_id, phone, borrower_name columns" : "none (borrower_id)",
      ],
    ];
    if (performance !== undefined) {
      pairs.push([
        "Performance",
        `${performance.path} (${formatCount(performance.rows)} rows over ${options.performancePeriods ?? 0} months)`,
      ]);
    }
    pairs.push([
      "Time",
      `${seconds.toFixed(1)} s (${formatCount(Math.round(tape.rows / Math.max(seconds, 0.001)))} loans/s)`,
    ]);
    io.stdout.write(`Generated\n${formatKeyValues(pairs)}`);
  }
  return EXIT.ok;
}

/** Registers `generate` under `abs tape`. */
export function registerTapeGenerate(tape: Command, io: CliIo, setExitCode: (code: number) => void): void {
  tape
    .command("generate")
    .description("write a realistic synthetic loan tape (and performance file) in the standard template")
    .requiredOption("--loans <n>", "number of loans")
    .requiredOption("--out <file>", "tape file to write")
    .option("--seed <n>", "seed (0 to 4294967295): the same seed gives the same files", "1")
    .option("--encoding <encoding>", "utf8 | gbk", "utf8")
    .option("--region-names <lang>", "en (pinyin) | zh (Chinese); default zh for gbk, en for utf8")
    .option("--personal-data", "write synthetic national_id, phone and borrower_name instead of borrower_id", false)
    .option(
      "--disclosure-fields",
      "also write the optional disclosure columns (credit score, income, employment, channel, rate type, region code)",
      false,
    )
    .option("--as-of <date>", "cut-off date yyyy-mm-dd", "2025-06-30")
    .option("--performance-periods <n>", "also write a monthly performance file over N months")
    .option("--performance-out <file>", "performance file (default: <out>.performance.csv)")
    .option("--bom", "start the tape with a UTF-8 byte order mark", false)
    .option("--crlf", "end lines with CRLF", false)
    .option("--json", "print what was written as JSON on stdout", false)
    .action(async (raw: unknown) => {
      setExitCode(await run(raw, io));
    });
}
