/**
 * Shared output of `abs` commands: JSON for machines (bigint as decimal strings), aligned tables and
 * key-value blocks for people, amounts and rates in the units people read, and progress bars that only
 * appear on a terminal.
 */
import cliProgress from "cli-progress";
import { WAD, formatCents } from "@abs/core";
import { type OutputStream } from "./io";

/** Writes `value` as one JSON document (bigint as decimal strings) and a line break. */
export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(
    `${JSON.stringify(value, (_, item: unknown) => (typeof item === "bigint" ? item.toString() : item), 2)}\n`,
  );
}

/** `1234567n` cents -> "12,345.67". */
export function formatYuan(cents: bigint): string {
  const [units = "0", decimals = "00"] = formatCents(cents).split(".");
  return `${units.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${decimals}`;
}

/** A wad as a decimal, truncated to `decimals` places: (1.5e18, 2) -> "1.50". */
export function formatWad(wad: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const scaled = (wad * scale) / WAD;
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(decimals, "0");
  return decimals === 0 ? whole.toString() : `${whole}.${fraction}`;
}

/** A wad rate (1e18 = 100%) as a percent with 4 decimals: "11.2163%". */
export function formatRateWad(rateWad: bigint): string {
  return `${formatWad(rateWad * 100n, 4)}%`;
}

/** An integer with thousands separators. */
export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

/** Cuts text to `width` characters, marking the cut with "…". */
function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

export interface TableOptions {
  /** Widest a column may be (the last column is never cut). Default 48. */
  readonly maxColumnWidth?: number;
}

/** An aligned plain-text table: header, a rule, then rows. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const max = options.maxColumnWidth ?? 48;
  const last = headers.length - 1;
  // A loop, not Math.max(...rows): spreading 200,000 error rows as arguments overflowed the stack.
  const widths = headers.map((header, i) => {
    if (i === last) return 0;
    let width = header.length;
    for (const row of rows) width = Math.max(width, (row[i] ?? "").length);
    return Math.min(max, width);
  });
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === last ? cell : clip(cell, widths[i] ?? max).padEnd(widths[i] ?? max)))
      .join("  ")
      .trimEnd();
  const rule = headers.map((header, i) => "-".repeat(i === last ? header.length : (widths[i] ?? max))).join("  ");
  const lines = [line(headers), rule];
  for (const row of rows) lines.push(line(row));
  return lines.join("\n") + "\n";
}

/** Aligned "label  value" lines. */
export function formatKeyValues(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join("\n") + "\n";
}

/** A progress display: a bar on a terminal, nothing elsewhere. */
export interface Progress {
  /** `value` out of the total; `rows` processed so far (for the rows/s rate). */
  update(value: number, rows: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

export interface ProgressOptions {
  readonly stream: OutputStream;
  /** False with --json, or whenever the caller wants silence. */
  readonly enabled: boolean;
  readonly label: string;
  /** What `value` counts up to (bytes of a file, loans to write). */
  readonly total: number;
  readonly now: () => number;
}

/**
 * A cli-progress bar with the percentage, rows, rows/s and ETA (from `value` against `total`), on the
 * given stream, only when it is a terminal and `enabled`.
 */
export function createProgress(options: ProgressOptions): Progress {
  if (!options.enabled || options.stream.isTTY !== true) return NO_PROGRESS;
  const started = options.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream,
      format: `${options.label} |{bar}| {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(1, options.total), 0, { rows: "0", rate: "0" });
  return {
    update(value, rows) {
      const seconds = Math.max(0.001, (options.now() - started) / 1000);
      bar.update(Math.min(value, Math.max(1, options.total)), {
        rows: formatCount(rows),
        rate: formatCount(Math.round(rows / seconds)),
      });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Cents with the currency: "12,345.67 CNY". */
export function formatMoney(cents: bigint, currency: string): string {
  return `${formatYuan(cents)} ${currency}`;
}

/** Unix seconds as an ISO 8601 UTC time: "2026-12-04T18:00:00Z" (a whole day as its date only). */
export function formatUnixTime(seconds: bigint | number): string {
  const iso = new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
  return iso.endsWith("T00:00:00Z") ? iso.slice(0, 10) : iso;
}
