/**
 * `abs project FILE [--deal DEAL_FILE] [--tape TAPE [--mapping M]] [--csv | --json] [--grid]`: projects a pool of
 * rep lines (risk tiers; with --tape, the tape's loans grouped as the file's `tiers:` says) by
 * the SIFMA standard formulas and prints its headline figures (WAL, principal window, cumulative defaults and
 * losses), each tier's, and the pool month by month; with `--deal`, pays the pool out through the deal file's
 * waterfall and prints each class's WAL, principal window, principal, interest and loss. `--csv` writes one row
 * per month (pool columns, then interest, principal and balance per class); `--json` everything. `--grid` runs
 * the file's scenario grid (prepayment x default values) and prints one row per scenario instead.
 * Offline: reads only the files. Exit 0 on success, 2 on a bad file or flag.
 */
import { type Command } from "commander";
import { z } from "zod";
import { readDealFile } from "../deal/deal-file";
import { loadScheduleSource } from "../deal/deal-schedule";
import { CliError } from "../errors";
import { type CliIo } from "../io";
import { formatKeyValues, formatTable, formatYuan, writeJson } from "../output";
import { type ProjectionFile, readProjectionFile } from "../projection/projection-file";
import {
  type FileProjection,
  type ProjectionInputs,
  poolPrincipalCents,
  runProjectionFile,
} from "../projection/run-projection";
import { readTapeStrata } from "../projection/tape-strata";
import { parseOptions } from "./parse-options";

const optionsSchema = z.strictObject({
  deal: z.string().min(1).optional(),
  tape: z.string().min(1).optional(),
  mapping: z.string().min(1).optional(),
  csv: z.boolean().default(false),
  json: z.boolean().default(false),
  grid: z.boolean().default(false),
});

const years = (value: number | undefined): string => (value === undefined ? "-" : value.toFixed(2));
const percent = (value: number): string => `${value.toFixed(4)}%`;
const window = (range: readonly [number, number] | undefined): string =>
  range === undefined ? "-" : `${range[0]}-${range[1]}`;
/** Cents as a plain decimal for CSV: "-1234.05". */
const plain = (cents: bigint): string => {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
};

function printSummary(io: CliIo, result: FileProjection): void {
  const { summary } = result;
  io.stdout.write(
    formatKeyValues([
      ["pool balance", formatYuan(summary.balanceCents)],
      ["WAL (years)", years(summary.averageLifeYears)],
      ["principal window (months)", window(summary.principalWindow)],
      ["interest", formatYuan(summary.interestCents)],
      ["cumulative defaults", `${formatYuan(summary.defaultsCents)} (${percent(summary.defaultsPercent)})`],
      ["cumulative losses", `${formatYuan(summary.lossCents)} (${percent(summary.lossPercent)})`],
    ]),
  );
  io.stdout.write("\nTiers\n");
  io.stdout.write(
    formatTable(
      ["tier", "balance", "WAL", "defaults", "losses"],
      result.tiers.map((tier) => [
        tier.name,
        formatYuan(BigInt(Math.round(tier.balance * 100))),
        years(tier.averageLifeYears),
        percent(tier.defaultsPercent),
        percent(tier.lossPercent),
      ]),
    ),
  );
  if (result.paidOut !== undefined) {
    io.stdout.write("\nClasses\n");
    io.stdout.write(
      formatTable(
        ["class", "face", "WAL", "window", "principal", "interest", "loss"],
        result.paidOut.classes.map(({ class: name, tranche }) => [
          name,
          formatYuan(tranche.faceCents),
          years(tranche.averageLifeYears),
          window(tranche.principalWindow),
          formatYuan(tranche.principalPaidCents),
          formatYuan(tranche.interestPaidCents),
          formatYuan(tranche.lossCents),
        ]),
      ),
    );
    if (result.paidOut.acceleratedMonths.length > 0) {
      io.stdout.write(`accelerated from month ${result.paidOut.acceleratedMonths[0]}\n`);
    }
    if (result.paidOut.pacShortfallMonths.length > 0) {
      io.stdout.write(
        `PAC paid short of its schedule in ${result.paidOut.pacShortfallMonths.length} months, from month ${result.paidOut.pacShortfallMonths[0]}\n`,
      );
    }
    io.stdout.write(`residual: ${formatYuan(result.paidOut.residualCents)}\n`);
  }
  io.stdout.write("\nPool by month\n");
  io.stdout.write(
    formatTable(
      ["month", "balance", "interest", "scheduled", "prepaid", "defaults", "recovered", "lost", "ending"],
      result.pool.months.map((m) => [
        String(m.month),
        formatYuan(m.beginningBalanceCents),
        formatYuan(m.interestCents),
        formatYuan(m.scheduledPrincipalCents),
        formatYuan(m.prepaidPrincipalCents),
        formatYuan(m.newDefaultsCents),
        formatYuan(m.recoveryCents),
        formatYuan(m.lossCents),
        formatYuan(m.endingBalanceCents),
      ]),
    ),
  );
}

function printCsv(io: CliIo, result: FileProjection): void {
  const classes = result.paidOut?.classes ?? [];
  const header = [
    "month",
    "beginning_balance",
    "interest",
    "scheduled_principal",
    "prepaid_principal",
    "new_defaults",
    "recoveries",
    "losses",
    "in_foreclosure",
    "ending_balance",
    ...classes.flatMap((c) => [
      `${c.class}_interest`,
      `${c.class}_principal`,
      `${c.class}_writedown`,
      `${c.class}_balance`,
    ]),
  ];
  io.stdout.write(`${header.join(",")}\n`);
  result.pool.months.forEach((m, index) => {
    const cells = [
      String(m.month),
      ...[
        m.beginningBalanceCents,
        m.interestCents,
        m.scheduledPrincipalCents,
        m.prepaidPrincipalCents,
        m.newDefaultsCents,
        m.recoveryCents,
        m.lossCents,
        m.inForeclosureCents,
        m.endingBalanceCents,
      ].map(plain),
      ...classes.flatMap(({ tranche }) => {
        const row = tranche.months[index];
        return row === undefined
          ? ["", "", "", ""]
          : [row.interestPaidCents, row.principalPaidCents, row.netWriteDownCents, row.balanceCents].map(plain);
      }),
    ];
    io.stdout.write(`${cells.join(",")}\n`);
  });
}

function jsonOf(result: FileProjection): unknown {
  return {
    summary: result.summary,
    tiers: result.tiers,
    months: result.pool.months.map((m) => ({ ...m, principalCents: poolPrincipalCents(m) })),
    classes: result.paidOut?.classes.map(({ class: name, couponPercent, tranche }) => ({
      class: name,
      couponPercent,
      ...tranche,
    })),
    residualCents: result.paidOut?.residualCents,
    acceleratedMonths: result.paidOut?.acceleratedMonths,
    pacShortfallMonths: result.paidOut?.pacShortfallMonths,
  };
}

function runGrid(io: CliIo, file: ProjectionFile, inputs: ProjectionInputs, csv: boolean, json: boolean): void {
  const grid = file.grid;
  if (grid === undefined) throw new CliError("USAGE", "--grid needs a grid: section in the projection file");
  const rows: { prepayment: number; default: number; result: FileProjection }[] = [];
  for (const prepayment of grid.prepayment.values) {
    for (const defaultValue of grid.default.values) {
      const result = runProjectionFile(file, {
        ...inputs,
        scenario: {
          prepayment: { type: grid.prepayment.type, percent: prepayment },
          default: { type: grid.default.type, percent: defaultValue },
        },
      });
      rows.push({ prepayment, default: defaultValue, result });
    }
  }
  if (json) {
    writeJson(
      io.stdout,
      rows.map((row) => ({
        prepayment: { type: grid.prepayment.type, percent: row.prepayment },
        default: { type: grid.default.type, percent: row.default },
        pool: row.result.summary,
        classes: row.result.paidOut?.classes.map(({ class: name, tranche }) => ({
          class: name,
          averageLifeYears: tranche.averageLifeYears,
          principalWindow: tranche.principalWindow,
          lossCents: tranche.lossCents,
          lossPercent: tranche.faceCents === 0n ? 0 : (100 * Number(tranche.lossCents)) / Number(tranche.faceCents),
        })),
      })),
    );
    return;
  }
  const classes = rows[0]?.result.paidOut?.classes.map((c) => c.class) ?? [];
  const header = [
    grid.prepayment.type,
    grid.default.type,
    "pool WAL",
    "pool defaults",
    "pool loss",
    ...classes.flatMap((name) => [`${name} WAL`, `${name} loss`]),
  ];
  const cells = rows.map((row) => [
    String(row.prepayment),
    String(row.default),
    years(row.result.summary.averageLifeYears),
    percent(row.result.summary.defaultsPercent),
    percent(row.result.summary.lossPercent),
    ...(row.result.paidOut?.classes ?? []).flatMap(({ tranche }) => [
      years(tranche.averageLifeYears),
      percent(tranche.faceCents === 0n ? 0 : (100 * Number(tranche.lossCents)) / Number(tranche.faceCents)),
    ]),
  ]);
  if (csv) {
    io.stdout.write(`${header.join(",")}\n`);
    for (const row of cells) io.stdout.write(`${row.join(",")}\n`);
    return;
  }
  io.stdout.write(formatTable(header, cells));
}

export function registerProjectCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command("project")
    .description("project a pool (and, with --deal, each class) by the SIFMA standard formulas")
    .argument("<file>", "the projection file (YAML or JSON): rep lines and assumptions")
    .option("--deal <file>", "a deal file: pay the pool out through its waterfall")
    .option("--tape <file>", "a loan tape: the pool is its loans grouped into the file's tiers")
    .option("--mapping <file>", "the tape's column-mapping file")
    .option("--csv", "print the months (or the grid) as CSV")
    .option("--json", "print JSON")
    .option("--grid", "run the file's scenario grid instead of its assumptions")
    .action(async (path: string, raw: unknown) => {
      const options = parseOptions(optionsSchema, raw);
      if (options.csv && options.json) throw new CliError("USAGE", "Choose one of --csv or --json");
      const file = await readProjectionFile(path);
      const deal = options.deal === undefined ? undefined : await readDealFile(options.deal);
      const stratification =
        options.tape === undefined
          ? undefined
          : await readTapeStrata(options.tape, options.mapping, file.tiers?.by ?? []);
      const inputs: ProjectionInputs = {
        ...(deal === undefined ? {} : { deal, schedule: await loadScheduleSource(deal, options.deal ?? "") }),
        ...(stratification === undefined ? {} : { strata: stratification.strata }),
      };
      if (stratification !== undefined && !options.json && !options.csv) {
        const other = stratification.strata.reduce((sum, stratum) => sum + stratum.otherAmortization, 0);
        io.stderr.write(
          `tape ${options.tape}: ${stratification.strata.length} tiers; ${stratification.excludedLoans} loans left out (not performing or no balance, ${formatYuan(stratification.excludedBalanceCents)})${other > 0 ? `; ${other} loans not level-pay, projected as level-pay` : ""}\n`,
        );
      }
      if (options.grid) {
        runGrid(io, file, inputs, options.csv, options.json);
      } else {
        const result = runProjectionFile(file, inputs);
        if (options.json) writeJson(io.stdout, jsonOf(result));
        else if (options.csv) printCsv(io, result);
        else printSummary(io, result);
      }
      setExitCode(0);
    });
}
