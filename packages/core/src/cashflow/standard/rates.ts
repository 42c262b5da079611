/**
 * Prepayment and default quotes as SIFMA states them (Uniform Practices SF-5..SF-15, SF-17, SF-20), in float64
 * and in percent, the unit the chapter quotes them in. `MONTH` is the month during which the loan age goes from
 * MONTH - 1 to MONTH (SF-6): the first month after origination is MONTH 1.
 */
import { CashflowError } from "../errors";

/** SMM (percent) from CPR (percent): SMM = 100 x [1 - (1 - CPR/100)^(1/12)]. Same formula for MDR from CDR. */
export function smmFromCpr(cprPercent: number): number {
  if (cprPercent >= 100) return 100;
  return -100 * Math.expm1(Math.log1p(-cprPercent / 100) / 12);
}

/** CPR (percent) from SMM (percent): CPR = 100 x [1 - (1 - SMM/100)^12]. Same formula for CDR from MDR. */
export function cprFromSmm(smmPercent: number): number {
  if (smmPercent >= 100) return 100;
  return -100 * Math.expm1(12 * Math.log1p(-smmPercent / 100));
}

/** CPR (percent) of `psaPercent` PSA in MONTH `month`: min{(PSA/100) x 0.2 x max{1, min{MONTH, 30}}, 100} (SF-6). */
export function psaToCpr(psaPercent: number, month: number): number {
  return Math.min((psaPercent / 100) * 0.2 * Math.max(1, Math.min(month, 30)), 100);
}

/** PSA (percent) equivalent to a one-month CPR observed in MONTH `month`: 100 x CPR / (0.2 x min{MONTH, 30}). */
export function cprToPsa(cprPercent: number, month: number): number {
  return (100 * cprPercent) / (0.2 * Math.max(1, Math.min(month, 30)));
}

/**
 * Annual default rate (percent) of 100% SDA in MONTH `month` (SF-20): 0.02% x MONTH to 0.60% at month 30, flat to
 * month 60, down 0.0095% a month to 0.03% at month 120, flat after.
 */
export function sdaBaseCdrPercent(month: number): number {
  if (month <= 0) return 0;
  if (month <= 30) return 0.02 * month;
  if (month <= 60) return 0.6;
  if (month <= 120) return 0.6 - 0.0095 * (month - 60);
  return 0.03;
}

/** SMM (percent) of the ABS model at `absPercent` in MONTH `month`: 100 x ABS / [100 - ABS x (MONTH - 1)] (SF-13). */
export function absToSmm(absPercent: number, month: number): number {
  const remaining = 100 - absPercent * (month - 1);
  if (remaining <= absPercent) return 100;
  return (100 * absPercent) / remaining;
}

/** A prepayment quote: a constant, or one value per projection month (the last one holds after the vector). */
export interface PrepaymentQuote {
  readonly type: "SMM" | "CPR" | "PSA" | "ABS";
  readonly percent: number | readonly number[];
}

/** A default quote, same shape as {@link PrepaymentQuote}. */
export interface DefaultQuote {
  readonly type: "MDR" | "CDR" | "SDA";
  readonly percent: number | readonly number[];
}

function quoteAt(percent: number | readonly number[], projectionMonth: number): number {
  if (typeof percent === "number") return percent;
  const value = percent[Math.min(projectionMonth, percent.length) - 1];
  if (value === undefined) throw new CashflowError("INVALID_ASSUMPTIONS", "expected a non-empty rate vector");
  return value;
}

/** Monthly prepayment rate as a fraction, in projection month `projectionMonth` for loans in MONTH `loanMonth`. */
export function monthlyPrepaymentRate(quote: PrepaymentQuote, projectionMonth: number, loanMonth: number): number {
  const value = quoteAt(quote.percent, projectionMonth);
  switch (quote.type) {
    case "SMM":
      return value / 100;
    case "CPR":
      return smmFromCpr(value) / 100;
    case "PSA":
      return smmFromCpr(psaToCpr(value, loanMonth)) / 100;
    case "ABS":
      return absToSmm(value, loanMonth) / 100;
  }
}

/** Monthly default rate as a fraction, in projection month `projectionMonth` for loans in MONTH `loanMonth`. */
export function monthlyDefaultRate(quote: DefaultQuote, projectionMonth: number, loanMonth: number): number {
  const value = quoteAt(quote.percent, projectionMonth);
  switch (quote.type) {
    case "MDR":
      return value / 100;
    case "CDR":
      return smmFromCpr(value) / 100;
    case "SDA":
      return smmFromCpr(Math.min((value / 100) * sdaBaseCdrPercent(loanMonth), 100)) / 100;
  }
}
