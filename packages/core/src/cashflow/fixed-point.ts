import { CashflowError } from "./errors";

/** Fixed-point scale of rates and curves (`WAD` is 100%) and one basis point in wad: the package's own. */
import { WAD, WAD_PER_BPS as BPS_WAD } from "../money";
export { WAD, BPS_WAD };

/**
 * `a * b / d` rounded down (toward zero). Inputs must be non-negative and `d` positive; used for amounts that
 * leave a balance (defaults, prepayments, recoveries) so that rounding dust stays in the balance. Unchecked (the
 * projection's hot loop): `money.ts`'s `mulDivDown` is the checked twin for amounts that come from outside.
 */
export function mulDivDownUnchecked(a: bigint, b: bigint, d: bigint): bigint {
  return (a * b) / d;
}

/**
 * `a * b / d` rounded half up (to the nearest unit, ties away from zero). Inputs must be non-negative and `d`
 * positive; used for interest and fees, matching how lenders round a period's interest to the cent.
 */
export function mulDivHalfUp(a: bigint, b: bigint, d: bigint): bigint {
  return (2n * a * b + d) / (2n * d);
}

/** Greatest common divisor of two non-negative integers (Euclid). */
export function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/**
 * A fraction reduced to lowest terms, with `half = floor(den / 2)` precomputed so that
 * `(x * num + half) / den` is `x * num / den` rounded half up, for any `den` (when `den` is odd there are no ties).
 * Reducing first keeps products small, which keeps bigint arithmetic on its fast path.
 */
export interface ReducedRatio {
  /** Numerator in lowest terms. */
  readonly num: bigint;
  /** Denominator in lowest terms (positive). */
  readonly den: bigint;
  /** `floor(den / 2)`. */
  readonly half: bigint;
}

/** Reduces `num / den` (non-negative `num`, positive `den`) to lowest terms; see {@link ReducedRatio}. */
export function reducedRatio(num: bigint, den: bigint): ReducedRatio {
  const divisor = num === 0n ? den : gcd(num, den);
  const reducedDen = den / divisor;
  return { num: num / divisor, den: reducedDen, half: reducedDen / 2n };
}

/** Unsigned decimal literal: digits, optionally a point and more digits ("6", "0.25", "100"). */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a non-negative decimal literal exactly into an integer at `10^scaleDigits` (e.g. scale 16 turns a
 * percent into wad). No rounding: a literal with more fractional digits than the scale is rejected.
 *
 * @param text decimal literal, e.g. `"6"`, `"0.125"`
 * @param scaleDigits number of fractional digits kept
 * @param what the quantity being parsed, used in the error message
 * @throws CashflowError `INVALID_DECIMAL` naming what was expected and what was found
 */
export function parseScaledDecimal(text: string, scaleDigits: number, what: string): bigint {
  const match = DECIMAL.exec(text);
  if (match === null) {
    throw new CashflowError(
      "INVALID_DECIMAL",
      `${what}: expected a non-negative decimal such as "6" or "0.25", found ${JSON.stringify(text)}`,
    );
  }
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? "";
  if (fraction.length > scaleDigits) {
    throw new CashflowError(
      "INVALID_DECIMAL",
      `${what}: expected at most ${scaleDigits} fractional digits, found ${fraction.length} in ${JSON.stringify(text)}`,
    );
  }
  return BigInt(whole) * 10n ** BigInt(scaleDigits) + BigInt(fraction.padEnd(scaleDigits, "0") || "0");
}

/**
 * Converts a percentage quote ("6" = 6%) to wad exactly (6% = 6e16). Up to 16 fractional digits are exact.
 *
 * @throws CashflowError `INVALID_DECIMAL`
 */
export function percentToWad(percent: string | number, what = "percentage"): bigint {
  return parseScaledDecimal(typeof percent === "number" ? numberToDecimal(percent, what) : percent, 16, what);
}

/**
 * Converts a basis-point quote ("25" = 0.25%) to wad exactly (25 bps = 2.5e15).
 *
 * @throws CashflowError `INVALID_DECIMAL`
 */
export function bpsToWad(bps: string | number, what = "basis points"): bigint {
  return parseScaledDecimal(typeof bps === "number" ? numberToDecimal(bps, what) : bps, 14, what);
}

/**
 * Converts a float in [0, 1] to wad, rounding to the nearest wad unit. Only for rates that must be derived with
 * floating point (a 12th root); a float64 carries ~16 significant digits, so the result is accurate to about
 * 1e-16 relative, below the wad resolution of most rates in use.
 */
export function fractionToWad(fraction: number): bigint {
  if (!(fraction > 0)) return 0n;
  if (fraction >= 1) return WAD;
  return BigInt(Math.round(fraction * 1e18));
}

/** Converts a wad to a float fraction (1e18 -> 1). For analytics and display only, never for payments. */
export function wadToNumber(wad: bigint): number {
  return Number(wad) / 1e18;
}

/** The shortest decimal form of a finite non-negative number, e.g. 0.1 -> "0.1", 1e-7 -> "0.0000001". */
function numberToDecimal(value: number, what: string): string {
  if (!Number.isFinite(value) || value < 0) {
    throw new CashflowError("INVALID_DECIMAL", `${what}: expected a finite non-negative number, found ${value}`);
  }
  const text = String(value);
  if (!text.includes("e")) return text;
  // Exponent form (1e-7, 1e+21): expand it without going through floating point again.
  const [mantissa = "", exponentText = "0"] = text.split("e");
  const exponent = Number(exponentText);
  const [intPart = "", fracPart = ""] = mantissa.split(".");
  const digits = intPart + fracPart;
  const pointAt = intPart.length + exponent;
  if (pointAt <= 0) return `0.${"0".repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return digits + "0".repeat(pointAt - digits.length);
  return `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}
