/**
 * Calendar dates as ISO `yyyy-mm-dd` strings and as day numbers.
 *
 * On chain a date is a day number: whole days since 1970-01-01 (the Unix epoch), so that
 * `block.timestamp / 1 days` is today's day number. The conversions are pure integer arithmetic in the
 * proleptic Gregorian calendar (no time zones, no `Date`).
 */
import { InvalidArgumentError } from "./errors";

export interface CalendarDate {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in `month` (1..12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Reads `yyyy-mm-dd`; `undefined` unless it is a real calendar date (no 2023-02-29, no 2024-13-01). */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const match = ISO_DATE.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function formatIsoDate(date: CalendarDate): string {
  const pad = (value: number, width: number): string => String(value).padStart(width, "0");
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Days since 1970-01-01 of a calendar date (negative before it). */
export function calendarDateToEpochDay({ year, month, day }: CalendarDate): number {
  // Howard Hinnant's days_from_civil: years start in March so the leap day is the last day of a year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The calendar date of a day number (days since 1970-01-01). */
export function epochDayToCalendarDate(epochDay: number): CalendarDate {
  if (!Number.isSafeInteger(epochDay)) {
    throw new InvalidArgumentError("epochDay", "a whole number of days", String(epochDay));
  }
  // Howard Hinnant's civil_from_days, the inverse of calendarDateToEpochDay.
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Days since 1970-01-01 of an ISO date; throws `InvalidArgumentError` if it is not a real date. */
export function isoDateToEpochDay(text: string): number {
  const date = parseIsoDate(text);
  if (date === undefined) {
    throw new InvalidArgumentError("date", "a calendar date yyyy-mm-dd", JSON.stringify(text));
  }
  return calendarDateToEpochDay(date);
}

/** The ISO date `yyyy-mm-dd` of a day number (days since 1970-01-01, 0..2932896 for years up to 9999). */
export function epochDayToIsoDate(epochDay: number): string {
  return formatIsoDate(epochDayToCalendarDate(epochDay));
}

/** `date` moved by `months` (may be negative); the day is clamped to the end of a shorter month. */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}
