import { CashflowError } from "./errors";

/**
 * Day-count conventions supported by the engine.
 *
 * - `"30/360"`: 30/360 **Bond Basis** (ISDA 2006 Definitions §4.16(f), also called "30/360 US (ISMA)"):
 *   if D1 is 31 it becomes 30; if D2 is 31 and D1 is 30 or 31, D2 becomes 30. There is **no** end-of-February
 *   rule (that is the SIA "30/360 US" variant), so 31 Jan -> 28 Feb counts 28 days, not 30.
 * - `"ACT/360"`: actual calendar days over 360.
 * - `"ACT/365F"`: actual calendar days over a fixed 365 (leap years included).
 */
export type DayCount = "30/360" | "ACT/360" | "ACT/365F";

/** The day-count conventions, in a fixed order (for schemas and generators). */
export const DAY_COUNTS: readonly DayCount[] = ["30/360", "ACT/360", "ACT/365F"];

/** A calendar date without time or time zone (proleptic Gregorian). `month` is 1-12. */
export interface CalendarDate {
  /** Four-digit year. */
  readonly year: number;
  /** Month, 1 (January) to 12 (December). */
  readonly month: number;
  /** Day of month, 1 to the month's length. */
  readonly day: number;
}

/**
 * A year fraction as an exact rational `numerator / denominator` (days over the convention's year basis), so
 * that interest = principal x rate x numerator / denominator is computed with a single rounding.
 */
export interface YearFraction {
  /** Day count of the period under the convention. */
  readonly numerator: bigint;
  /** Days in the convention's year: 360 or 365. */
  readonly denominator: bigint;
}

/** Whether `year` is a Gregorian leap year. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses an ISO `YYYY-MM-DD` date.
 *
 * @throws CashflowError `INVALID_DATE` naming what was expected and what was found
 */
export function parseCalendarDate(text: string): CalendarDate {
  const match = ISO_DATE.exec(text);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (match === null || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new CashflowError("INVALID_DATE", `expected a calendar date YYYY-MM-DD, found ${JSON.stringify(text)}`);
  }
  return { year, month, day };
}

/** Formats a date as ISO `YYYY-MM-DD`. */
export function formatCalendarDate(date: CalendarDate): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, "0");
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/**
 * The date `months` calendar months after `anchor`, keeping the anchor's day of month and clamping it to the
 * target month's length (31 Jan + 1 month = 28/29 Feb). Always count from the same anchor (anchor + t months),
 * never chain, or 31 Jan would drift to the 28th.
 */
export function addMonths(anchor: CalendarDate, months: number): CalendarDate {
  const zeroBased = anchor.year * 12 + (anchor.month - 1) + months;
  const year = Math.floor(zeroBased / 12);
  const month = zeroBased - year * 12 + 1;
  return { year, month, day: Math.min(anchor.day, daysInMonth(year, month)) };
}

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil; exact integer arithmetic). */
export function epochDay(date: CalendarDate): number {
  const y = date.month <= 2 ? date.year - 1 : date.year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5) + date.day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Actual calendar days from `start` to `end` (negative if `end` is earlier). */
export function actualDays(start: CalendarDate, end: CalendarDate): number {
  return epochDay(end) - epochDay(start);
}

/** Days from `start` to `end` under 30/360 Bond Basis (ISDA 2006 §4.16(f)); see {@link DayCount}. */
export function thirty360BondBasisDays(start: CalendarDate, end: CalendarDate): number {
  const d1 = start.day === 31 ? 30 : start.day;
  const d2 = end.day === 31 && d1 === 30 ? 30 : end.day;
  return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1);
}

/** The year basis (denominator) of a convention: 360 or 365. */
export function yearBasis(dayCount: DayCount): bigint {
  return dayCount === "ACT/365F" ? 365n : 360n;
}

/** The exact year fraction from `start` to `end` under `dayCount`. */
export function yearFraction(dayCount: DayCount, start: CalendarDate, end: CalendarDate): YearFraction {
  const days = dayCount === "30/360" ? thirty360BondBasisDays(start, end) : actualDays(start, end);
  return { numerator: BigInt(days), denominator: yearBasis(dayCount) };
}

/**
 * Counts the days of projection periods on a monthly grid: period boundaries are `cutoff + m` months. With no
 * cut-off date only 30/360 can be counted (every month is 30 days), and that is what this does; actual-day
 * conventions then fail with `MISSING_CUTOFF_DATE`.
 */
export class MonthGrid {
  private readonly cache = new Map<number, bigint>();

  /**
   * @param dayCount the convention to count days with
   * @param cutoff the date month 0 starts on; required for ACT/360 and ACT/365F
   * @throws CashflowError `MISSING_CUTOFF_DATE`
   */
  constructor(
    readonly dayCount: DayCount,
    readonly cutoff: CalendarDate | undefined,
  ) {
    if (cutoff === undefined && dayCount !== "30/360") {
      throw new CashflowError(
        "MISSING_CUTOFF_DATE",
        `day count ${dayCount} counts actual days: expected a cut-off date to lay the periods on, found none`,
      );
    }
  }

  /** The convention's year basis (360 or 365). */
  get denominator(): bigint {
    return yearBasis(this.dayCount);
  }

  /** Day count (the year-fraction numerator) from the end of month `fromMonth` to the end of month `toMonth`. */
  days(fromMonth: number, toMonth: number): bigint {
    const key = fromMonth * 4096 + toMonth;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const days =
      this.cutoff === undefined
        ? BigInt(30 * (toMonth - fromMonth))
        : yearFraction(this.dayCount, addMonths(this.cutoff, fromMonth), addMonths(this.cutoff, toMonth)).numerator;
    this.cache.set(key, days);
    return days;
  }
}
