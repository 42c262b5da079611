/**
 * Money and fixed-point helpers. Money is a `bigint` number of cents (the smallest unit, 0.01 CNY);
 * rates and other fractions are wads (`bigint`, 1e18 = 1 = 100%). No floating point anywhere.
 *
 * Rounding (as in Morpho Blue's `MathLib`): `...Down` rounds toward zero, `...Up` away from zero. The
 * helpers take non-negative operands only, so "toward zero" is "down". A caller picks the direction that
 * goes against whoever asked, e.g. what a pool owes an investor rounds down, what an investor owes rounds up.
 */
import { InvalidArgumentError, MoneyFormatError } from "./errors";

/** 1e18: the scale of a wad. */
export const WAD = 10n ** 18n;

/** 1e14: one basis point (0.01%) as a wad. */
export const WAD_PER_BPS = 10n ** 14n;

/** Cents in one currency unit. */
export const CENTS_PER_UNIT = 100n;

const DECIMAL_AMOUNT = /^(-?)(\d+)(?:\.(\d+))?$/;
const EXPECTED_AMOUNT = 'a decimal amount such as "1234.56" (digits, an optional "-" and "." and at most 2 decimals)';

/**
 * Reads a decimal amount in currency units (e.g. `"1234.56"` CNY) as an exact number of cents.
 * Accepts an optional leading `-`, and 0, 1 or 2 decimals (`"12"`, `"12.3"`, `"12.30"`). Rejects
 * anything else with a `MoneyFormatError`: more than 2 decimals (even `"1.230"`: the tape must be
 * exact, not merely equal), exponents, thousands separators, spaces, `"+"`, `".5"`, `"5."`.
 */
export function parseCents(text: string): bigint {
  const match = DECIMAL_AMOUNT.exec(text);
  if (match === null) throw new MoneyFormatError(EXPECTED_AMOUNT, JSON.stringify(text));
  const [, sign = "", units = "", decimals = ""] = match;
  if (decimals.length > 2) {
    throw new MoneyFormatError(
      `at most 2 decimal places (whole cents)`,
      `${decimals.length} decimal places in ${JSON.stringify(text)}`,
    );
  }
  const cents = BigInt(units) * CENTS_PER_UNIT + BigInt(decimals.padEnd(2, "0"));
  return sign === "-" ? -cents : cents;
}

/** Writes cents as a decimal amount with exactly 2 decimals: `123456n` -> `"1234.56"`, `-5n` -> `"-0.05"`. */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const magnitude = cents < 0n ? -cents : cents;
  const units = magnitude / CENTS_PER_UNIT;
  const rest = magnitude % CENTS_PER_UNIT;
  return `${sign}${units}.${rest.toString().padStart(2, "0")}`;
}

function checkNonNegative(name: string, value: bigint): void {
  if (value < 0n) throw new InvalidArgumentError(name, "a non-negative bigint", value.toString());
}

function checkDenominator(denominator: bigint): void {
  if (denominator <= 0n) throw new InvalidArgumentError("denominator", "a positive bigint", denominator.toString());
}

/** `floor(x * y / denominator)` for non-negative `x`, `y` and positive `denominator`. */
export function mulDivDown(x: bigint, y: bigint, denominator: bigint): bigint {
  checkNonNegative("x", x);
  checkNonNegative("y", y);
  checkDenominator(denominator);
  return (x * y) / denominator;
}

/** `ceil(x * y / denominator)` for non-negative `x`, `y` and positive `denominator`. */
export function mulDivUp(x: bigint, y: bigint, denominator: bigint): bigint {
  checkNonNegative("x", x);
  checkNonNegative("y", y);
  checkDenominator(denominator);
  return (x * y + denominator - 1n) / denominator;
}

/** `x * y` where `y` is a wad, rounded down: e.g. cents times a rate. */
export function wadMulDown(x: bigint, y: bigint): bigint {
  return mulDivDown(x, y, WAD);
}

/** `x * y` where `y` is a wad, rounded up. */
export function wadMulUp(x: bigint, y: bigint): bigint {
  return mulDivUp(x, y, WAD);
}

/** `x / y` as a wad, rounded down: e.g. a ratio of two amounts. */
export function wadDivDown(x: bigint, y: bigint): bigint {
  return mulDivDown(x, WAD, y);
}

/** `x / y` as a wad, rounded up. */
export function wadDivUp(x: bigint, y: bigint): bigint {
  return mulDivUp(x, WAD, y);
}

/** Basis points as a wad, exactly: `bpsToWad(450)` is 4.5% = 0.045e18. */
export function bpsToWad(bps: number | bigint): bigint {
  if (typeof bps === "number" && !Number.isSafeInteger(bps)) {
    throw new InvalidArgumentError("bps", "a whole number of basis points", String(bps));
  }
  return BigInt(bps) * WAD_PER_BPS;
}
