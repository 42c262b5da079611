/**
 * Standard prepayment and default rate models, after the SIFMA (formerly PSA / The Bond Market Association)
 * Uniform Practices, chapter SF "Standard Formulas for the Analysis of Mortgage-Backed Securities and Other
 * Related Securities": SMM/CPR (SF-4..5), the PSA benchmark (SF-5), the ABS model (SF-13), MDR/CDR (SF-17) and
 * the SDA benchmark (SF-20). All rates are wad (1e18 = 100%); ages are loan ages in months (month 1 is the first
 * month after origination), never pool ages.
 */
import { WAD, fractionToWad } from "./fixed-point";

/** Memo of {@link cprToSmm}; cleared when it grows past `CACHE_LIMIT` entries. */
const cprToSmmCache = new Map<bigint, bigint>();
const CACHE_LIMIT = 65_536;

/**
 * Single monthly mortality from an annual rate: SMM = 1 - (1 - CPR)^(1/12).
 *
 * The 12th root is derived once in float64 as `-expm1(log1p(-CPR) / 12)` (accurate for small rates) and
 * converted to wad **rounded to the nearest wad unit**; results are memoised per input. CPR >= 100% gives 100%.
 */
export function cprToSmm(cprWad: bigint): bigint {
  if (cprWad <= 0n) return 0n;
  if (cprWad >= WAD) return WAD;
  let smm = cprToSmmCache.get(cprWad);
  if (smm === undefined) {
    smm = fractionToWad(-Math.expm1(Math.log1p(-Number(cprWad) / 1e18) / 12));
    if (cprToSmmCache.size >= CACHE_LIMIT) cprToSmmCache.clear();
    cprToSmmCache.set(cprWad, smm);
  }
  return smm;
}

/**
 * Annual rate from a monthly one: CPR = 1 - (1 - SMM)^12, computed exactly as (WAD^12 - (WAD - SMM)^12) / WAD^11
 * and **rounded down** to the wad unit.
 */
export function smmToCpr(smmWad: bigint): bigint {
  if (smmWad <= 0n) return 0n;
  if (smmWad >= WAD) return WAD;
  return (WAD ** 12n - (WAD - smmWad) ** 12n) / WAD ** 11n;
}

/** Monthly default rate from an annual constant default rate: MDR = 1 - (1 - CDR)^(1/12). Same rounding as {@link cprToSmm}. */
export function cdrToMdr(cdrWad: bigint): bigint {
  return cprToSmm(cdrWad);
}

/** Annual constant default rate from a monthly one: CDR = 1 - (1 - MDR)^12. Same rounding as {@link smmToCpr}. */
export function mdrToCdr(mdrWad: bigint): bigint {
  return smmToCpr(mdrWad);
}

/** 100% PSA: 0.2% CPR per month of loan age, reaching 6% CPR at month 30 (2e15 wad per month). */
const PSA_STEP_WAD = 2n * 10n ** 15n;

/**
 * CPR of the PSA benchmark at `speedWad` (1e18 = 100% PSA) for a loan of age `loanAgeMonths`:
 * CPR = speed x 6% x min(age, 30) / 30, **rounded down**, capped at 100%. Age 0 (not yet seasoned) gives 0.
 */
export function psaCpr(speedWad: bigint, loanAgeMonths: number): bigint {
  const age = BigInt(Math.max(0, Math.min(loanAgeMonths, 30)));
  const cpr = (speedWad * PSA_STEP_WAD * age) / WAD;
  return cpr < WAD ? cpr : WAD;
}

/** 0.02% CDR: the SDA's month-1 rate and monthly increment (2e14 wad). */
const SDA_STEP_WAD = 2n * 10n ** 14n;
/** 0.6% CDR: the SDA plateau, months 30 to 60. */
const SDA_PEAK_WAD = 6n * 10n ** 15n;
/** 0.0095% CDR: the SDA's monthly decline from month 61 to month 120. */
const SDA_DECLINE_WAD = 95n * 10n ** 12n;
/** 0.03% CDR: the SDA tail from month 120 on. */
const SDA_TAIL_WAD = 3n * 10n ** 14n;

/**
 * CDR of 100% SDA at loan age `loanAgeMonths`: 0.02% x age up to 0.6% at month 30, flat to month 60, down by
 * 0.0095% a month to 0.03% at month 120, flat after. All steps are exact in wad.
 */
export function sdaBaseCdr(loanAgeMonths: number): bigint {
  if (loanAgeMonths <= 0) return 0n;
  if (loanAgeMonths <= 30) return SDA_STEP_WAD * BigInt(loanAgeMonths);
  if (loanAgeMonths <= 60) return SDA_PEAK_WAD;
  if (loanAgeMonths < 120) return SDA_PEAK_WAD - SDA_DECLINE_WAD * BigInt(loanAgeMonths - 60);
  return SDA_TAIL_WAD;
}

/** CDR of the SDA benchmark at `speedWad` (1e18 = 100% SDA): speed x base, **rounded down**, capped at 100%. */
export function sdaCdr(speedWad: bigint, loanAgeMonths: number): bigint {
  const cdr = (speedWad * sdaBaseCdr(loanAgeMonths)) / WAD;
  return cdr < WAD ? cdr : WAD;
}

/**
 * SMM of the ABS (absolute prepayment) model at `absWad` for a loan of age `loanAgeMonths`:
 * SMM = ABS / (1 - ABS x (age - 1)), exact rational **rounded down** to wad. Once ABS x (age - 1) >= 1 - ABS the
 * model has prepaid every original loan, and the SMM is 100%.
 */
export function absSmm(absWad: bigint, loanAgeMonths: number): bigint {
  if (absWad <= 0n) return 0n;
  const elapsed = BigInt(Math.max(0, loanAgeMonths - 1));
  const remaining = WAD - absWad * elapsed; // (1 - ABS x (age - 1)) in wad
  if (remaining <= absWad) return WAD;
  return (absWad * WAD) / remaining;
}
