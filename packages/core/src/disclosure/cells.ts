/**
 * The cells of a disclosure template: a field's published definition (code, name, format, whether a "no data"
 * code may stand in for it) and the value written for one record.
 *
 * The ESMA templates (Delegated Regulation (EU) 2020/1224, formats from Implementing Regulation (EU) 2020/1225)
 * let a field that cannot be reported carry a no-data code instead of a value:
 * - ND1: not collected, as the lending criteria do not require it;
 * - ND2: collected at origination but not loaded into the reporting system at origination;
 * - ND3: collected at origination and loaded into a system other than the reporting system;
 * - ND4: collected but only available from a later date (written `ND4-YYYY-MM-DD`; not used here);
 * - ND5: not applicable.
 * A field whose definition allows none of them must carry a value; Regulation AB II has no such codes (a value the
 * issuer does not have is left out), so its fields allow none and an empty cell is written as an absent element.
 */
import { formatCents } from "../money";

export const NO_DATA_CODES = ["ND1", "ND2", "ND3", "ND4", "ND5"] as const;
export type NoDataCode = (typeof NO_DATA_CODES)[number];

/** A field's format, as the template publishes it. */
export type FieldFormat =
  | "ALPHANUM"
  | "DATE"
  | "MONETARY"
  | "PERCENTAGE"
  | "INTEGER"
  | "LIST"
  | "Y/N"
  | "CURRENCY"
  | "COUNTRY"
  | "NUTS"
  | "YEAR";

/** One field of a template, as published. */
export interface FieldSpec {
  /** Field code (ESMA: `CMRL30`; Regulation AB: the XML element name, `originalLoanAmount`). */
  readonly code: string;
  readonly name: string;
  readonly format: FieldFormat;
  /** Whether ND1-ND4 may stand in for a value. */
  readonly nd14: boolean;
  /** Whether ND5 (not applicable) may stand in for a value. */
  readonly nd5: boolean;
}

/** A cell: a value in the field's format, a no-data code, or nothing (Regulation AB's absent element). */
export type Cell = { readonly value: string } | { readonly nd: NoDataCode } | { readonly absent: true };

export const value = (text: string): Cell => ({ value: text });
export const noData = (code: NoDataCode): Cell => ({ nd: code });
export const ABSENT: Cell = { absent: true };

/** What the cell writes: its value, its no-data code, or undefined when absent. */
export function cellText(cell: Cell): string | undefined {
  if ("value" in cell) return cell.value;
  if ("nd" in cell) return cell.nd;
  return undefined;
}

/** Whether a cell carries a value (not a no-data code, not absent). */
export function isPopulated(cell: Cell): boolean {
  return "value" in cell;
}

/** Currency units with 2 decimals from cents, exactly: `123456n` -> `"1234.56"`. */
export const monetary = (cents: bigint): Cell => value(formatCents(cents));

/**
 * A wad fraction (1e18 = 100 %) as a percentage with at most `decimals` decimals, trailing zeros dropped:
 * `43_500_000_000_000_000n` (4.35 %) -> `"4.35"`. Digits past `decimals` are cut (rounded toward zero): the
 * template's own precision owns that rounding (ESMA's {PERCENTAGE} has 10 decimals at most).
 */
export function wadPercent(wad: bigint, decimals = 10): string {
  return decimalOf(wad * 100n, 18, decimals);
}

/**
 * A wad fraction as a decimal fraction (Regulation AB writes 4.35 % as 0.0435) with at most `decimals`
 * decimals, cut toward zero.
 */
export function wadFraction(wad: bigint, decimals = 10): string {
  return decimalOf(wad, 18, decimals);
}

/** `scaled / 10^scale` written with at most `decimals` decimals (cut toward zero), trailing zeros dropped. */
function decimalOf(scaled: bigint, scale: number, decimals: number): string {
  const sign = scaled < 0n ? "-" : "";
  const magnitude = scaled < 0n ? -scaled : scaled;
  const unit = 10n ** BigInt(scale);
  const whole = magnitude / unit;
  const fraction = (magnitude % unit).toString().padStart(scale, "0").slice(0, decimals).replace(/0+$/, "");
  return `${sign}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

/** A Unix time in seconds as the UTC calendar date `yyyy-mm-dd`. */
export function isoDateOfSeconds(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
}

/** `yyyy-mm-dd` as Regulation AB's `MM/DD/YYYY`. */
export function usDate(isoDate: string): string {
  const [year, month, day] = isoDate.split("-");
  return `${month}/${day}/${year}`;
}
