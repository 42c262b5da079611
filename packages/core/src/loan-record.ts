/**
 * The standard loan template: one row of a loan tape, checked at the boundary, and its canonical
 * ABI encoding (what the on-chain Merkle root commits to).
 *
 * Personal data never reaches this type: the borrower is a pseudonymous 32-byte id, and the schema is
 * strict, so a tape row with an extra column (a name, an ID-card number) is rejected, not dropped silently.
 */
import { AbiCoder } from "ethers";
import { z } from "zod";
import { LoanRecordError, type LoanRecordIssue } from "./errors";
import { isoDateToEpochDay, parseIsoDate } from "./iso-date";
import { WAD } from "./money";

/** How principal is repaid. The array order is the on-chain code (`uint8`): never reorder, only append. */
export const AMORTIZATION_TYPES = ["level", "equal-principal", "interest-only", "bullet"] as const;
/** How often payments fall due. The array order is the on-chain code (`uint8`). */
export const PAYMENT_FREQUENCIES = ["monthly", "quarterly", "semi-annual", "annual"] as const;
/** Where the loan stands at the tape's cut-off date. The array order is the on-chain code (`uint8`). */
export const LOAN_STATUSES = ["current", "delinquent", "defaulted", "prepaid", "repurchased"] as const;

/** Disclosure fields (optional; see `DISCLOSURE_FIELDS`). Each enum's order is its canonical code: only append. */
export const INCOME_VERIFICATIONS = ["verified", "self-certified", "not-verified", "credit-bureau", "other"] as const;
export const EMPLOYMENT_STATUSES = [
  "employed-private",
  "employed-public",
  "employed",
  "self-employed",
  "unemployed",
  "student",
  "pensioner",
  "other",
] as const;
export const ORIGINATION_CHANNELS = ["branch", "direct", "broker", "online", "agent", "dealer", "other"] as const;
export const RATE_TYPES = ["fixed", "floating", "fixed-to-floating", "other"] as const;

export type Amortization = (typeof AMORTIZATION_TYPES)[number];
export type IncomeVerification = (typeof INCOME_VERIFICATIONS)[number];
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];
export type OriginationChannel = (typeof ORIGINATION_CHANNELS)[number];
export type RateType = (typeof RATE_TYPES)[number];
export type PaymentFrequency = (typeof PAYMENT_FREQUENCIES)[number];
export type LoanStatus = (typeof LOAN_STATUSES)[number];

/** Months between two payments. */
export const PAYMENT_PERIOD_MONTHS: Readonly<Record<PaymentFrequency, number>> = {
  monthly: 1,
  quarterly: 3,
  "semi-annual": 6,
  annual: 12,
};

/** Largest amount in cents a record may carry: amounts are `uint128` on chain. */
export const MAX_CENTS = 2n ** 128n - 1n;
/** Longest term in months (100 years); terms are `uint16` on chain. */
export const MAX_TERM_MONTHS = 1200;
/** Largest days-past-due; `uint16` on chain. */
export const MAX_DAYS_PAST_DUE = 65_535;
/** Earliest date a record may carry: dates are day numbers since 1970-01-01 (`uint32`) on chain. */
export const MIN_DATE = "1970-01-01";

/**
 * The optional fields the supervisors' disclosure templates ask for (ESMA Annex V/VI, Regulation AB II), in
 * template order. A record with none of them encodes as template version 1, unchanged; a record with any of them
 * as version 2 (see `canonicalLoanRecord`).
 */
export const DISCLOSURE_FIELDS = [
  "creditScoreType",
  "creditScore",
  "annualIncomeCents",
  "incomeVerification",
  "paymentToIncomeWad",
  "employmentStatus",
  "originationChannel",
  "rateType",
  "rateIndex",
  "rateMarginWad",
  "rateResetMonths",
  "poolAdditionDate",
  "repurchaseDate",
  "restructuringDate",
  "regionCode",
] as const;

/** ISO 3166-2 subdivision (`CN-GD`) or NUTS 3 (`DE300`) code. */
export const REGION_CODE = /^(?:[A-Z]{2}-[A-Z0-9]{1,3}|[A-Z]{2}[A-Z0-9]{3})$/;

/** Names of the loan template's fields, in template order: the base fields, then the disclosure fields. */
export const LOAN_RECORD_FIELDS = [
  "loanId",
  "borrowerId",
  "originationDate",
  "maturityDate",
  "originalPrincipalCents",
  "currentPrincipalCents",
  "rateWad",
  "termMonths",
  "remainingTermMonths",
  "amortization",
  "paymentFrequency",
  "status",
  "daysPastDue",
  "creditGrade",
  "region",
  "productType",
  "collateralType",
  "collateralValueCents",
  ...DISCLOSURE_FIELDS,
] as const;

export type LoanRecordField = (typeof LOAN_RECORD_FIELDS)[number];

/** What each field must hold, in the words of the error messages. */
const FIELD_EXPECTATIONS: Readonly<Record<LoanRecordField, string>> = {
  loanId: "a loan id of 1-64 characters from A-Z, a-z, 0-9, '.', '_', '-'",
  borrowerId: "a pseudonymous borrower id: 0x followed by 64 hex digits",
  originationDate: `a calendar date yyyy-mm-dd on or after ${MIN_DATE}`,
  maturityDate: `a calendar date yyyy-mm-dd on or after ${MIN_DATE}`,
  originalPrincipalCents: "whole cents from 1 to 2^128-1, as a bigint or a string of digits",
  currentPrincipalCents: "whole cents from 0 to 2^128-1, as a bigint or a string of digits",
  rateWad: "an annual rate as a wad from 0 (0%) to 10^18 (100%), as a bigint or a string of digits",
  termMonths: `a whole number of months from 1 to ${MAX_TERM_MONTHS}`,
  remainingTermMonths: `a whole number of months from 0 to ${MAX_TERM_MONTHS}`,
  amortization: `one of ${AMORTIZATION_TYPES.map((value) => `"${value}"`).join(", ")}`,
  paymentFrequency: `one of ${PAYMENT_FREQUENCIES.map((value) => `"${value}"`).join(", ")}`,
  status: `one of ${LOAN_STATUSES.map((value) => `"${value}"`).join(", ")}`,
  daysPastDue: `a whole number of days from 0 to ${MAX_DAYS_PAST_DUE}`,
  creditGrade:
    "a label of 1-8 characters (no control or format characters such as U+202E, no spaces at either end, Unicode NFC)",
  region:
    "a label of 1-32 characters (no control or format characters such as U+202E, no spaces at either end, Unicode NFC)",
  productType:
    "a label of 1-32 characters (no control or format characters such as U+202E, no spaces at either end, Unicode NFC)",
  collateralType:
    "a label of 1-32 characters (no control or format characters such as U+202E, no spaces at either end, Unicode NFC)",
  collateralValueCents: "whole cents from 0 to 2^128-1, as a bigint or a string of digits",
  creditScoreType: "a label of 1-16 characters naming the score (e.g. PBOC, FICO)",
  creditScore: "a whole number from 0 to 9999",
  annualIncomeCents: "whole cents from 0 to 2^128-1, as a bigint or a string of digits",
  incomeVerification: `one of ${INCOME_VERIFICATIONS.map((value) => `"${value}"`).join(", ")}`,
  paymentToIncomeWad: "a ratio as a wad from 0 to 10^18 (100%), as a bigint or a string of digits",
  employmentStatus: `one of ${EMPLOYMENT_STATUSES.map((value) => `"${value}"`).join(", ")}`,
  originationChannel: `one of ${ORIGINATION_CHANNELS.map((value) => `"${value}"`).join(", ")}`,
  rateType: `one of ${RATE_TYPES.map((value) => `"${value}"`).join(", ")}`,
  rateIndex: "a label of 1-16 characters naming the index (e.g. LPR-1Y)",
  rateMarginWad: "a margin as a wad from 0 to 10^18 (100%), as a bigint or a string of digits",
  rateResetMonths: `a whole number of months from 1 to ${MAX_TERM_MONTHS}`,
  poolAdditionDate: `a calendar date yyyy-mm-dd on or after ${MIN_DATE}`,
  repurchaseDate: `a calendar date yyyy-mm-dd on or after ${MIN_DATE}`,
  restructuringDate: `a calendar date yyyy-mm-dd on or after ${MIN_DATE}`,
  regionCode: "an ISO 3166-2 subdivision code (e.g. CN-GD) or a NUTS 3 code (e.g. DE300)",
};

/**
 * Control (Cc) and format (Cf) characters: a label holding U+202E (right-to-left override) or a zero-width
 * character reads differently from what it is, in a record, a report or an export.
 */
const CONTROL_CHARACTER = /[\p{Cc}\p{Cf}]/u;

function cents(min: bigint) {
  return z
    .union([
      z.bigint(),
      z
        .string()
        .regex(/^\d{1,39}$/)
        .transform((digits) => BigInt(digits)),
    ])
    .pipe(z.bigint().min(min).max(MAX_CENTS));
}

function isoDate() {
  return z
    .string()
    .refine((text) => parseIsoDate(text) !== undefined)
    .refine((text) => text >= MIN_DATE);
}

function label(maxLength: number) {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .refine((text) => text === text.trim() && !CONTROL_CHARACTER.test(text) && text === text.normalize("NFC"));
}

/** A fraction as a wad from 0 to 1e18 (100 %). */
function fraction() {
  return z
    .union([
      z.bigint(),
      z
        .string()
        .regex(/^\d{1,19}$/)
        .transform((digits) => BigInt(digits)),
    ])
    .pipe(z.bigint().min(0n).max(WAD));
}

function months(min: number) {
  return z.number().int().min(min).max(MAX_TERM_MONTHS);
}

/**
 * The loan template's field-by-field shape only. Use `parseLoanRecord` or `loanRecordSchema`, which
 * also check the cross-field rules (current <= original principal, and so on).
 */
export const loanRecordShape = z.strictObject({
  loanId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  borrowerId: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/)
    .transform((hex) => hex.toLowerCase()),
  originationDate: isoDate(),
  maturityDate: isoDate(),
  originalPrincipalCents: cents(1n),
  currentPrincipalCents: cents(0n),
  rateWad: fraction(),
  termMonths: months(1),
  remainingTermMonths: months(0),
  amortization: z.enum(AMORTIZATION_TYPES),
  paymentFrequency: z.enum(PAYMENT_FREQUENCIES),
  status: z.enum(LOAN_STATUSES),
  daysPastDue: z.number().int().min(0).max(MAX_DAYS_PAST_DUE),
  creditGrade: label(8),
  region: label(32),
  productType: label(32),
  collateralType: label(32).optional(),
  collateralValueCents: cents(0n).optional(),
  creditScoreType: label(16).optional(),
  creditScore: z.number().int().min(0).max(9999).optional(),
  annualIncomeCents: cents(0n).optional(),
  incomeVerification: z.enum(INCOME_VERIFICATIONS).optional(),
  paymentToIncomeWad: fraction().optional(),
  employmentStatus: z.enum(EMPLOYMENT_STATUSES).optional(),
  originationChannel: z.enum(ORIGINATION_CHANNELS).optional(),
  rateType: z.enum(RATE_TYPES).optional(),
  rateIndex: label(16).optional(),
  rateMarginWad: fraction().optional(),
  rateResetMonths: months(1).optional(),
  poolAdditionDate: isoDate().optional(),
  repurchaseDate: isoDate().optional(),
  restructuringDate: isoDate().optional(),
  regionCode: z.string().regex(REGION_CODE).optional(),
});

/** A loan record as accepted at the boundary (amounts may still be digit strings). */
export type LoanRecordInput = z.input<typeof loanRecordShape>;

/**
 * A checked loan record: amounts in cents and the rate as a wad are `bigint`, the borrower id is
 * lowercase hex, dates are real calendar dates, and every cross-field rule holds.
 */
export type LoanRecord = z.output<typeof loanRecordShape>;

/** Where a record came from, so that errors can name the row and column. */
export interface LoanRecordContext {
  /** 1-based row in the source tape. */
  readonly row?: number;
  /** 1-based column of each field in the source tape. */
  readonly columns?: Readonly<Partial<Record<LoanRecordField, number>>>;
}

export type LoanRecordParseResult =
  | { readonly success: true; readonly record: LoanRecord }
  | { readonly success: false; readonly error: LoanRecordError };

/** Stands in if zod fails a record without an issue we can place (not expected; never accept such a record). */
const UNKNOWN_ISSUE: LoanRecordIssue = {
  field: "(record)",
  column: undefined,
  expected: "a valid loan record",
  found: "a value the template rejects",
};

/** What a fast rule answers when it cannot decide alone: zod then decides, and words the issues. */
const UNDECIDED: unique symbol = Symbol("undecided");
type FastRule = (value: unknown) => unknown;

const DIGITS_39 = /^\d{1,39}$/;
const DIGITS_19 = /^\d{1,19}$/;
const LOAN_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BORROWER_ID = /^0x[0-9a-fA-F]{64}$/;
/** Printable ASCII with no space at either end: trimmed, without control or format characters, and NFC. */
const PLAIN_LABEL = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function fastAmount(min: bigint, max: bigint, digits: RegExp): FastRule {
  return (value) => {
    const amount = typeof value === "string" && digits.test(value) ? BigInt(value) : value;
    return typeof amount === "bigint" && amount >= min && amount <= max ? amount : UNDECIDED;
  };
}

function fastWhole(min: number, max: number): FastRule {
  return (value) => (Number.isSafeInteger(value) && Number(value) >= min && Number(value) <= max ? value : UNDECIDED);
}

function fastEnum(values: readonly string[]): FastRule {
  const allowed = new Set(values);
  return (value) => (typeof value === "string" && allowed.has(value) ? value : UNDECIDED);
}

function fastLabel(maxLength: number): FastRule {
  return (value) =>
    typeof value === "string" && value.length <= maxLength && PLAIN_LABEL.test(value) ? value : UNDECIDED;
}

const fastDate: FastRule = (value) =>
  typeof value === "string" && value >= MIN_DATE && parseIsoDate(value) !== undefined ? value : UNDECIDED;
const fastCents = (min: bigint): FastRule => fastAmount(min, MAX_CENTS, DIGITS_39);
const fastFraction = fastAmount(0n, WAD, DIGITS_19);

/** `loanRecordShape`'s rule per field, for the values a tape row gives; anything else is left to zod. */
const FAST_RULES: Readonly<Record<LoanRecordField, FastRule>> = {
  loanId: (value) => (typeof value === "string" && LOAN_ID.test(value) ? value : UNDECIDED),
  borrowerId: (value) => (typeof value === "string" && BORROWER_ID.test(value) ? value.toLowerCase() : UNDECIDED),
  originationDate: fastDate,
  maturityDate: fastDate,
  originalPrincipalCents: fastCents(1n),
  currentPrincipalCents: fastCents(0n),
  rateWad: fastFraction,
  termMonths: fastWhole(1, MAX_TERM_MONTHS),
  remainingTermMonths: fastWhole(0, MAX_TERM_MONTHS),
  amortization: fastEnum(AMORTIZATION_TYPES),
  paymentFrequency: fastEnum(PAYMENT_FREQUENCIES),
  status: fastEnum(LOAN_STATUSES),
  daysPastDue: fastWhole(0, MAX_DAYS_PAST_DUE),
  creditGrade: fastLabel(8),
  region: fastLabel(32),
  productType: fastLabel(32),
  collateralType: fastLabel(32),
  collateralValueCents: fastCents(0n),
  creditScoreType: fastLabel(16),
  creditScore: fastWhole(0, 9999),
  annualIncomeCents: fastCents(0n),
  incomeVerification: fastEnum(INCOME_VERIFICATIONS),
  paymentToIncomeWad: fastFraction,
  employmentStatus: fastEnum(EMPLOYMENT_STATUSES),
  originationChannel: fastEnum(ORIGINATION_CHANNELS),
  rateType: fastEnum(RATE_TYPES),
  rateIndex: fastLabel(16),
  rateMarginWad: fastFraction,
  rateResetMonths: fastWhole(1, MAX_TERM_MONTHS),
  poolAdditionDate: fastDate,
  repurchaseDate: fastDate,
  restructuringDate: fastDate,
  regionCode: (value) => (typeof value === "string" && REGION_CODE.test(value) ? value : UNDECIDED),
};

/** The fields `loanRecordShape` requires (the others are optional). */
const REQUIRED_FIELDS: ReadonlySet<LoanRecordField> = new Set(
  LOAN_RECORD_FIELDS.filter((field) => !loanRecordShape.shape[field].safeParse(undefined).success),
);

/**
 * `loanRecordShape.safeParse(input).data` without zod, for a tape's rows (zod's unions, pipes and refinements were
 * about a tenth of a tape upload's validation time): the same record, keys in the shape's order, when every field
 * is one of the plain forms a tape row gives (amounts and wads as bigints or digit strings, labels printable
 * ASCII); `undefined` otherwise, and zod decides. It never accepts what zod refuses: a property test draws records
 * and near misses and compares the two (exported for that test; `safeParseLoanRecord` is the interface).
 */
export function shapeWithoutZod(input: unknown): LoanRecord | undefined {
  if (typeof input !== "object" || input === null || Object.getPrototypeOf(input) !== Object.prototype)
    return undefined;
  const fields = input as Readonly<Record<string, unknown>>;
  const record: Record<string, unknown> = {};
  let present = 0;
  for (const field of LOAN_RECORD_FIELDS) {
    if (!Object.hasOwn(fields, field)) {
      if (REQUIRED_FIELDS.has(field)) return undefined;
      continue;
    }
    const value = FAST_RULES[field](fields[field]);
    if (value === UNDECIDED) return undefined;
    record[field] = value;
    present += 1;
  }
  // A field outside the template: zod's strict object refuses it, and names it.
  if (Object.keys(fields).length !== present) return undefined;
  return record as LoanRecord;
}

/** Parses and checks a loan record; throws `LoanRecordError` (code `LOAN_RECORD_INVALID`). */
export function parseLoanRecord(input: unknown, context: LoanRecordContext = {}): LoanRecord {
  const result = safeParseLoanRecord(input, context);
  if (!result.success) throw result.error;
  return result.record;
}

/** Like `parseLoanRecord`, but returns the error instead of throwing (for collecting a tape's errors). */
export function safeParseLoanRecord(input: unknown, context: LoanRecordContext = {}): LoanRecordParseResult {
  const checked = shapeWithoutZod(input);
  if (checked !== undefined && crossFieldIssues(checked).length === 0) return { success: true, record: checked };
  const parsed = loanRecordShape.safeParse(input);
  const issues = parsed.success ? crossFieldIssues(parsed.data) : shapeIssues(parsed.error, input);
  if (parsed.success && issues.length === 0) return { success: true, record: parsed.data };
  const [first = UNKNOWN_ISSUE, ...rest] = issues.map((issue) => ({
    ...issue,
    column: columnOf(context, issue.field),
  }));
  return { success: false, error: new LoanRecordError(context.row, [first, ...rest]) };
}

/**
 * A checked record as JSON, amounts and the rate as digit strings (what a store keeps; `parseLoanRecord` of its
 * `JSON.parse` gives the record back). The same text as `JSON.stringify` with a bigint-to-string replacer, in
 * the record's own key order, without the replacer's cost: one call per loan of a tape.
 */
export function loanRecordJson(record: LoanRecord): string {
  // Written out rather than `JSON.stringify` of a copy with the bigints as strings: half the time, no copy. Keys are
  // the template's field names (nothing to escape); text values go through `JSON.stringify`, numbers are safe
  // integers, and an absent optional field is skipped, as `JSON.stringify` skips `undefined`.
  let json = "";
  for (const key in record) {
    const value: unknown = record[key as LoanRecordField];
    if (value === undefined) continue;
    const text =
      typeof value === "bigint" ? `"${value}"` : typeof value === "number" ? String(value) : JSON.stringify(value);
    json += json === "" ? `{"${key}":${text}` : `,"${key}":${text}`;
  }
  return json === "" ? "{}" : `${json}}`;
}

/**
 * The full check (shape and cross-field rules) as a zod schema, to compose into other schemas (an HTTP
 * body, a stored value). Each issue's path is the field and its message "expected ..., found ...".
 */
export const loanRecordSchema: z.ZodType<LoanRecord, unknown> = z.unknown().transform((input, context) => {
  const result = safeParseLoanRecord(input);
  if (result.success) return result.record;
  for (const issue of result.error.issues) {
    context.addIssue({
      code: "custom",
      path: isTemplateField(issue.field) ? [issue.field] : [],
      message: `expected ${issue.expected}, found ${issue.found}`,
      input,
    });
  }
  return z.NEVER;
});

type FieldIssue = Omit<LoanRecordIssue, "column">;

function columnOf(context: LoanRecordContext, field: string): number | undefined {
  const columns: Readonly<Partial<Record<string, number>>> | undefined = context.columns;
  return columns?.[field];
}

function isTemplateField(key: string): key is LoanRecordField {
  return Object.hasOwn(FIELD_EXPECTATIONS, key);
}

/** JSON-quoted, with format characters escaped too: a message must not turn itself right to left. */
function quoteVisibly(text: string): string {
  return JSON.stringify(text).replace(/\p{Cf}/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

/** How a received value looked, for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (typeof value === "string") {
    return value.length > 80
      ? `${quoteVisibly(value.slice(0, 80))}... (${value.length} characters)`
      : quoteVisibly(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (Array.isArray(value)) return "an array";
  return `a value of type ${typeof value}`;
}

/** One issue per field, in template order, then unexpected fields (named, their values never echoed). */
function shapeIssues(error: z.ZodError, input: unknown): FieldIssue[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return [{ field: "(record)", expected: "an object with the loan template's fields", found: describeValue(input) }];
  }
  const fields = new Set<LoanRecordField>();
  const unexpected: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      unexpected.push(...issue.keys);
      continue;
    }
    const key = issue.path[0];
    if (typeof key === "string" && isTemplateField(key)) fields.add(key);
  }
  const record = new Map(Object.entries(input));
  const issues: FieldIssue[] = LOAN_RECORD_FIELDS.filter((field) => fields.has(field)).map((field) => ({
    field,
    expected: FIELD_EXPECTATIONS[field],
    found: describeValue(record.get(field)),
  }));
  for (const key of unexpected) {
    issues.push({
      field: key,
      expected: "only the loan template's fields (no personal data, no extra columns)",
      found: `an unexpected field ${JSON.stringify(key)}`,
    });
  }
  return issues;
}

/** The rules that tie fields together, checked on a record whose fields are each valid. */
function crossFieldIssues(record: LoanRecord): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: LoanRecordField, expected: string, found: string): void => {
    issues.push({ field, expected, found });
  };
  if (record.maturityDate <= record.originationDate) {
    add(
      "maturityDate",
      `a date after originationDate (${record.originationDate})`,
      JSON.stringify(record.maturityDate),
    );
  }
  if (record.currentPrincipalCents > record.originalPrincipalCents) {
    add(
      "currentPrincipalCents",
      `at most originalPrincipalCents (${record.originalPrincipalCents})`,
      record.currentPrincipalCents.toString(),
    );
  }
  const periodMonths = PAYMENT_PERIOD_MONTHS[record.paymentFrequency];
  if (record.termMonths % periodMonths !== 0) {
    add(
      "termMonths",
      `a multiple of ${periodMonths} months for ${record.paymentFrequency} payments`,
      String(record.termMonths),
    );
  }
  if (record.remainingTermMonths > record.termMonths) {
    add("remainingTermMonths", `at most termMonths (${record.termMonths})`, String(record.remainingTermMonths));
  }
  if ((record.status === "current" || record.status === "prepaid") && record.daysPastDue !== 0) {
    add("daysPastDue", `0 for a loan with status "${record.status}"`, String(record.daysPastDue));
  }
  if (record.status === "delinquent" && record.daysPastDue === 0) {
    add("daysPastDue", `at least 1 for a loan with status "delinquent"`, "0");
  }
  if (record.status === "prepaid" && record.currentPrincipalCents !== 0n) {
    add("currentPrincipalCents", `0 for a loan with status "prepaid"`, record.currentPrincipalCents.toString());
  }
  if (record.collateralType !== undefined && record.collateralValueCents === undefined) {
    add("collateralValueCents", "a collateral value, since collateralType is given", describeValue(undefined));
  }
  if (record.collateralType === undefined && record.collateralValueCents !== undefined) {
    add("collateralType", "a collateral type, since collateralValueCents is given", describeValue(undefined));
  }
  if ((record.creditScore === undefined) !== (record.creditScoreType === undefined)) {
    const [given, missing] =
      record.creditScore === undefined ? ["creditScoreType", "creditScore"] : ["creditScore", "creditScoreType"];
    add(missing as LoanRecordField, `a value, since ${given} is given`, describeValue(undefined));
  }
  for (const field of ["poolAdditionDate", "repurchaseDate", "restructuringDate"] as const) {
    const date = record[field];
    if (date !== undefined && date < record.originationDate)
      add(field, `a date on or after originationDate (${record.originationDate})`, JSON.stringify(date));
  }
  return issues;
}

/**
 * Version of the loan template and its canonical encoding; first value of every encoded record. A record with any
 * of the `DISCLOSURE_FIELDS` encodes as `LOAN_TEMPLATE_VERSION_DISCLOSURE` (version 1's fields, then those).
 */
export const LOAN_TEMPLATE_VERSION = 1;
export const LOAN_TEMPLATE_VERSION_DISCLOSURE = 2;

/**
 * The canonical encoding, field by field, in order. Dates are day numbers since 1970-01-01, enums are
 * their index in the `*_TYPES` / `*_FREQUENCIES` / `*_STATUSES` arrays, and an absent collateral is
 * `collateralType = ""`, `collateralValueCents = 0` (the two are present together or not at all, and a
 * present type is never empty, so the encoding is one-to-one).
 */
export const CANONICAL_LOAN_FIELDS = [
  { name: "templateVersion", type: "uint8" },
  { name: "loanId", type: "string" },
  { name: "borrowerId", type: "bytes32" },
  { name: "originationDay", type: "uint32" },
  { name: "maturityDay", type: "uint32" },
  { name: "originalPrincipalCents", type: "uint128" },
  { name: "currentPrincipalCents", type: "uint128" },
  { name: "rateWad", type: "uint64" },
  { name: "termMonths", type: "uint16" },
  { name: "remainingTermMonths", type: "uint16" },
  { name: "amortization", type: "uint8" },
  { name: "paymentFrequency", type: "uint8" },
  { name: "status", type: "uint8" },
  { name: "daysPastDue", type: "uint16" },
  { name: "creditGrade", type: "string" },
  { name: "region", type: "string" },
  { name: "productType", type: "string" },
  { name: "collateralType", type: "string" },
  { name: "collateralValueCents", type: "uint128" },
] as const;

/** The ABI types of the canonical encoding, in order. */
export const CANONICAL_LOAN_TYPES: readonly string[] = CANONICAL_LOAN_FIELDS.map((field) => field.type);

/**
 * Version 2 appends the disclosure fields after version 1's, led by a bit set of those present (bit i for
 * `DISCLOSURE_FIELDS[i]`): an absent field encodes as 0 or "", and the bit set tells it from a present 0, so the
 * encoding stays one-to-one. Dates as day numbers, enums as their index, amounts and wads as given.
 */
export const CANONICAL_DISCLOSURE_FIELDS = [
  { name: "disclosurePresent", type: "uint16" },
  { name: "creditScoreType", type: "string" },
  { name: "creditScore", type: "uint16" },
  { name: "annualIncomeCents", type: "uint128" },
  { name: "incomeVerification", type: "uint8" },
  { name: "paymentToIncomeWad", type: "uint64" },
  { name: "employmentStatus", type: "uint8" },
  { name: "originationChannel", type: "uint8" },
  { name: "rateType", type: "uint8" },
  { name: "rateIndex", type: "string" },
  { name: "rateMarginWad", type: "uint64" },
  { name: "rateResetMonths", type: "uint16" },
  { name: "poolAdditionDay", type: "uint32" },
  { name: "repurchaseDay", type: "uint32" },
  { name: "restructuringDay", type: "uint32" },
  { name: "regionCode", type: "string" },
] as const;

/** The ABI types of a version 2 record. */
export const CANONICAL_LOAN_TYPES_DISCLOSURE: readonly string[] = [
  ...CANONICAL_LOAN_TYPES,
  ...CANONICAL_DISCLOSURE_FIELDS.map((field) => field.type),
];

/** Whether the record carries any disclosure field (and so encodes as version 2). */
export function hasDisclosureFields(record: LoanRecord): boolean {
  return DISCLOSURE_FIELDS.some((field) => record[field] !== undefined);
}

function disclosureValues(record: LoanRecord): CanonicalValue[] {
  const present = DISCLOSURE_FIELDS.reduce(
    (bits, field, i) => (record[field] === undefined ? bits : bits | (1 << i)),
    0,
  );
  const day = (date: string | undefined) => (date === undefined ? 0 : isoDateToEpochDay(date));
  const index = (values: readonly string[], value: string | undefined) =>
    value === undefined ? 0 : values.indexOf(value);
  return [
    present,
    record.creditScoreType ?? "",
    record.creditScore ?? 0,
    record.annualIncomeCents ?? 0n,
    index(INCOME_VERIFICATIONS, record.incomeVerification),
    record.paymentToIncomeWad ?? 0n,
    index(EMPLOYMENT_STATUSES, record.employmentStatus),
    index(ORIGINATION_CHANNELS, record.originationChannel),
    index(RATE_TYPES, record.rateType),
    record.rateIndex ?? "",
    record.rateMarginWad ?? 0n,
    record.rateResetMonths ?? 0,
    day(record.poolAdditionDate),
    day(record.repurchaseDate),
    day(record.restructuringDate),
    record.regionCode ?? "",
  ];
}

/** A value of the canonical encoding: `uint128`/`uint64` as bigint, small uints as number, the rest strings. */
export type CanonicalValue = string | bigint | number;

export interface CanonicalLoanRecord {
  readonly types: readonly string[];
  readonly values: readonly CanonicalValue[];
}

/**
 * THE canonical encoding of a loan record, as ABI types and values (see `CANONICAL_LOAN_FIELDS`).
 * The bytes committed on chain are `abi.encode(...)` of these values as separate arguments (a flat
 * tuple, not a struct: a struct with strings would add an offset word).
 */
export function canonicalLoanRecord(record: LoanRecord): CanonicalLoanRecord {
  const disclosure = hasDisclosureFields(record);
  return {
    types: disclosure ? CANONICAL_LOAN_TYPES_DISCLOSURE : CANONICAL_LOAN_TYPES,
    values: [
      disclosure ? LOAN_TEMPLATE_VERSION_DISCLOSURE : LOAN_TEMPLATE_VERSION,
      record.loanId,
      record.borrowerId,
      isoDateToEpochDay(record.originationDate),
      isoDateToEpochDay(record.maturityDate),
      record.originalPrincipalCents,
      record.currentPrincipalCents,
      record.rateWad,
      record.termMonths,
      record.remainingTermMonths,
      AMORTIZATION_TYPES.indexOf(record.amortization),
      PAYMENT_FREQUENCIES.indexOf(record.paymentFrequency),
      LOAN_STATUSES.indexOf(record.status),
      record.daysPastDue,
      record.creditGrade,
      record.region,
      record.productType,
      record.collateralType ?? "",
      record.collateralValueCents ?? 0n,
      ...(disclosure ? disclosureValues(record) : []),
    ],
  };
}

/** `abi.encode` of the canonical encoding, as 0x hex. */
export function encodeLoanRecord(record: LoanRecord): string {
  const { types, values } = canonicalLoanRecord(record);
  return AbiCoder.defaultAbiCoder().encode(types, values);
}
