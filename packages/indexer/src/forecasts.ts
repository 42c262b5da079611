/**
 * Forecasts to compare each pool's reported periods against: the pool projections its deal was priced on (the
 * JSON `abs project FILE --json` prints), configured per pool with `ABS_INDEXER_FORECASTS` as a JSON object
 * `{ "<pool address>": "<path to the projection JSON>" }`. Read once at start; a bad file stops the start with
 * its path and the field that is wrong.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { describeZodIssues } from "@abs/core";
import { ConfigError } from "./errors";

/** One projected month, in cents. */
export interface ForecastMonth {
  readonly month: number;
  readonly beginningBalanceCents: bigint;
  readonly scheduledPrincipalCents: bigint;
  readonly prepaidPrincipalCents: bigint;
  readonly newDefaultsCents: bigint;
  readonly endingBalanceCents: bigint;
}

/** Forecast months per pool address (lower case). */
export type ForecastBook = ReadonlyMap<string, readonly ForecastMonth[]>;

const cents = z.string().regex(/^\d+$/, "expected cents as a string of digits").transform(BigInt);
const projectionJson = z.object({
  months: z
    .array(
      z.object({
        month: z.number().int().min(1),
        beginningBalanceCents: cents,
        scheduledPrincipalCents: cents,
        prepaidPrincipalCents: cents,
        newDefaultsCents: cents,
        endingBalanceCents: cents,
      }),
    )
    .min(1)
    .max(1200),
});

/** Parses one projection JSON (the output of `abs project --json`). */
export function parseForecast(json: unknown, where: string): ForecastMonth[] {
  const parsed = projectionJson.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError("CONFIG_INVALID", `${where}: ${describeZodIssues(parsed.error, "")}`);
  }
  return parsed.data.months;
}

/** Reads `ABS_INDEXER_FORECASTS` (undefined: no forecasts). */
export function loadForecasts(setting: string | undefined): ForecastBook {
  const book = new Map<string, ForecastMonth[]>();
  if (setting === undefined) return book;
  let files: unknown;
  try {
    files = JSON.parse(setting);
  } catch (cause) {
    throw new ConfigError("CONFIG_INVALID", 'ABS_INDEXER_FORECASTS: expected a JSON object { "<pool>": "<file>" }', {
      cause,
    });
  }
  const entries = z.record(z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a pool address"), z.string().min(1));
  const parsed = entries.safeParse(files);
  if (!parsed.success) {
    throw new ConfigError("CONFIG_INVALID", `ABS_INDEXER_FORECASTS: ${describeZodIssues(parsed.error, "")}`);
  }
  for (const [pool, file] of Object.entries(parsed.data)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (cause) {
      throw new ConfigError("CONFIG_INVALID", `ABS_INDEXER_FORECASTS: cannot read ${file} as JSON`, { cause });
    }
    book.set(pool.toLowerCase(), parseForecast(json, `ABS_INDEXER_FORECASTS ${file}`));
  }
  return book;
}
