/**
 * Loan-tape ingestion at scale: writes a synthetic tape of N loans (default 1,000,000) with 1 bad row in
 * 100 (negative and non-numeric amounts, impossible dates, duplicate ids, cut rows), validates it in one
 * streaming pass, checks that every bad row is reported at its row and that nothing is committed, and
 * prints rows/s and peak RSS. With --commit it also validates + commits the clean tape (the Merkle root).
 * Run from the repository root:
 *
 *   npx ts-node --transpile-only scripts/bench-tape.ts [loanCount] [--commit] [--keep]
 *
 * Wall time depends on what else the machine runs, so CPU time (user + system) is printed too.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import {
  TAPE_COLUMNS,
  generateLoans,
  recordToCells,
  validateTape,
  writeCsv,
  type TapeValidationResult,
  type ValidateTapeOptions,
} from "@abs/core";

const BAD_EVERY = 100;
const LOAN_ID = TAPE_COLUMNS.indexOf("loan_id");
const ORIGINATION = TAPE_COLUMNS.indexOf("origination_date");
const ORIGINAL = TAPE_COLUMNS.indexOf("original_principal_yuan");
const CURRENT = TAPE_COLUMNS.indexOf("current_principal_yuan");

/** Breaks row `index` (one in BAD_EVERY) and returns the issue code expected for it. */
function breakRow(cells: string[], index: number): string | undefined {
  if (index % BAD_EVERY !== BAD_EVERY / 2) return undefined;
  switch (((index / BAD_EVERY) % 5) | 0) {
    case 0:
      cells[ORIGINAL] = "-1000.00";
      return "TAPE_VALUE_INVALID";
    case 1:
      cells[ORIGINATION] = "2023-02-30";
      return "TAPE_VALUE_INVALID";
    case 2:
      cells[CURRENT] = "n/a";
      return "TAPE_VALUE_INVALID";
    case 3:
      cells[LOAN_ID] = "L00000001";
      return "TAPE_DUPLICATE_LOAN_ID";
    default:
      cells.splice(10);
      return "TAPE_ROW_FIELD_COUNT";
  }
}

async function writeTape(path: string, count: number, faults: boolean): Promise<Map<number, string>> {
  const expected = new Map<number, string>();
  function* rows(): Generator<string[]> {
    let index = 0;
    for (const loan of generateLoans(count, 20250630)) {
      const cells = recordToCells(loan);
      const code = faults ? breakRow(cells, index) : undefined;
      if (code !== undefined) expected.set(index + 2, code);
      index += 1;
      yield cells;
    }
  }
  const out = createWriteStream(path);
  await writeCsv(TAPE_COLUMNS, rows(), out);
  out.end();
  await finished(out);
  return expected;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

async function timed(
  label: string,
  path: string,
  options: ValidateTapeOptions,
): Promise<{ result: TapeValidationResult; seconds: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await validateTape(createReadStream(path, { highWaterMark: 1 << 20 }), options);
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  console.log(
    `${label}: ${result.rows.toLocaleString("en-US")} rows in ${seconds.toFixed(1)} s wall / ${cpuUsed.toFixed(1)} s CPU` +
      ` = ${Math.round(result.rows / seconds).toLocaleString("en-US")} rows/s wall, ` +
      `${Math.round(result.rows / cpuUsed).toLocaleString("en-US")} rows/CPU-s; ` +
      `${result.errors.length.toLocaleString("en-US")} errors; peak RSS ${peakRssMb()} MB`,
  );
  return { result, seconds };
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function bench(): Promise<void> {
  const args = process.argv.slice(2);
  const count = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
  const commit = args.includes("--commit");
  const dir = mkdtempSync(join(tmpdir(), "bench-tape-"));
  try {
    const badPath = join(dir, "bad.csv");
    let started = performance.now();
    const expected = await writeTape(badPath, count, true);
    console.log(
      `wrote ${count.toLocaleString("en-US")} loans (${expected.size.toLocaleString("en-US")} bad) in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s, ${(statSync(badPath).size / 1e6).toFixed(0)} MB`,
    );

    const { result } = await timed("validate (1 bad row in 100)", badPath, {});
    const reported = new Map(result.errors.map((issue) => [issue.row, issue.code]));
    const missed = [...expected].filter(([row, code]) => reported.get(row) !== code);
    const extra = result.errors.filter((issue) => expected.get(issue.row) !== issue.code);
    if (missed.length > 0 || extra.length > 0 || result.valid || result.root !== undefined) {
      throw new Error(
        `expected exactly the ${expected.size} bad rows reported and nothing committed; ` +
          `missed ${missed.length}, unexpected ${extra.length}, valid ${result.valid}`,
      );
    }
    console.log(`every bad row reported at its row with its code; invalid tape, no root: OK`);

    if (commit) {
      const cleanPath = join(dir, "clean.csv");
      started = performance.now();
      await writeTape(cleanPath, count, false);
      console.log(`wrote the clean tape in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const key = new Uint8Array(32).fill(7);
      const clean = await timed("validate + commit (clean)", cleanPath, { saltKey: key, borrowerKey: key });
      if (!clean.result.valid || clean.result.root === undefined) throw new Error("the clean tape should be valid");
      console.log(`root ${clean.result.root}`);
    }
  } finally {
    if (!args.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  }
}

bench().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
