/**
 * The standard loan-tape template (see TEMPLATE.md beside this file): its columns, how each cell is read
 * into the loan record (`LoanRecordInput`), and how a record is written back as cells.
 *
 * Cells are read exactly: amounts are decimal yuan with at most 2 decimals ("12345.67" -> 1234567 cents),
 * the rate is a decimal percent with at most 16 decimals ("4.35" -> 0.0435 as a wad), counts are plain
 * digits. No floating point is involved anywhere, so what the originator wrote is what gets committed.
 */
import { type LoanRecord, type LoanRecordField, MAX_CENTS, MAX_DAYS_PAST_DUE, MAX_TERM_MONTHS } from "../loan-record";
import { formatCents, parseCents } from "../money";

/** The template's columns, in template order (the order `writeTapeCsv` writes them in). */
export const TAPE_COLUMNS = [
  "loan_id",
  "borrower_id",
  "origination_date",
  "maturity_date",
  "original_principal_yuan",
  "current_principal_yuan",
  "annual_rate_percent",
  "term_months",
  "remaining_term_months",
  "amortization_type",
  "payment_frequency",
  "status",
  "days_past_due",
  "credit_grade",
  "region",
  "product_type",
  "collateral_type",
  "collateral_value_yuan",
] as const;

/**
 * The optional columns the supervisors' disclosure templates ask for (see TEMPLATE.md, "Disclosure columns"). A
 * tape may have any of them; a row may leave any cell empty (the disclosure then writes a no-data code). The tape
 * writer adds them only when asked (`writeTapeCsv`'s `disclosure`).
 */
export const DISCLOSURE_TAPE_COLUMNS = [
  "credit_score_type",
  "credit_score",
  "income_yuan",
  "income_verification",
  "payment_to_income_percent",
  "employment_status",
  "origination_channel",
  "rate_type",
  "rate_index",
  "rate_margin_percent",
  "rate_reset_months",
  "pool_addition_date",
  "repurchase_date",
  "restructuring_date",
  "region_code",
] as const;

export type TapeColumn = (typeof TAPE_COLUMNS)[number] | (typeof DISCLOSURE_TAPE_COLUMNS)[number];

/**
 * Personal-data columns an originator may upload instead of `borrower_id`. They are replaced at ingestion
 * by a keyed hash (`borrower_id`) and never kept, logged or echoed in an error.
 */
export const PERSONAL_DATA_COLUMNS = ["national_id", "phone", "borrower_name"] as const;

export type PersonalDataColumn = (typeof PERSONAL_DATA_COLUMNS)[number];

/** Every column name a tape header (or a column mapping) may use. */
export type TemplateColumnName = TapeColumn | PersonalDataColumn;

/** Columns a tape may leave out; every other template column is required. */
export const OPTIONAL_TAPE_COLUMNS: readonly TapeColumn[] = ["collateral_type", "collateral_value_yuan"];

/** The loan record field behind each template column. */
export const FIELD_OF_COLUMN: Readonly<Record<TapeColumn, LoanRecordField>> = {
  loan_id: "loanId",
  borrower_id: "borrowerId",
  origination_date: "originationDate",
  maturity_date: "maturityDate",
  original_principal_yuan: "originalPrincipalCents",
  current_principal_yuan: "currentPrincipalCents",
  annual_rate_percent: "rateWad",
  term_months: "termMonths",
  remaining_term_months: "remainingTermMonths",
  amortization_type: "amortization",
  payment_frequency: "paymentFrequency",
  status: "status",
  days_past_due: "daysPastDue",
  credit_grade: "creditGrade",
  region: "region",
  product_type: "productType",
  collateral_type: "collateralType",
  collateral_value_yuan: "collateralValueCents",
  credit_score_type: "creditScoreType",
  credit_score: "creditScore",
  income_yuan: "annualIncomeCents",
  income_verification: "incomeVerification",
  payment_to_income_percent: "paymentToIncomeWad",
  employment_status: "employmentStatus",
  origination_channel: "originationChannel",
  rate_type: "rateType",
  rate_index: "rateIndex",
  rate_margin_percent: "rateMarginWad",
  rate_reset_months: "rateResetMonths",
  pool_addition_date: "poolAdditionDate",
  repurchase_date: "repurchaseDate",
  restructuring_date: "restructuringDate",
  region_code: "regionCode",
};

const COLUMN_BY_FIELD: ReadonlyMap<string, TapeColumn> = new Map(
  [...TAPE_COLUMNS, ...DISCLOSURE_TAPE_COLUMNS].map((column) => [FIELD_OF_COLUMN[column], column]),
);

/** The template column of a loan record field (the inverse of `FIELD_OF_COLUMN`), if it is one. */
export function columnOfField(field: string): TapeColumn | undefined {
  return COLUMN_BY_FIELD.get(field);
}

const TEMPLATE_NAMES: ReadonlySet<string> = new Set<string>([
  ...TAPE_COLUMNS,
  ...DISCLOSURE_TAPE_COLUMNS,
  ...PERSONAL_DATA_COLUMNS,
]);

export function isTemplateColumnName(name: string): name is TemplateColumnName {
  return TEMPLATE_NAMES.has(name);
}

export function isPersonalDataColumn(name: TemplateColumnName): name is PersonalDataColumn {
  return (PERSONAL_DATA_COLUMNS as readonly string[]).includes(name);
}

/** A cell read into a loan record value, or what was wrong with it. */
export type CellResult =
  | { readonly ok: true; readonly value: string | bigint | number | undefined }
  | { readonly ok: false; readonly expected: string; readonly found: string };

const YUAN = /^\d{1,37}(?:\.\d{1,2})?$/;
const PERCENT = /^(\d{1,3})(?:\.(\d{1,16}))?$/;
const DIGITS = /^\d{1,6}$/;

/** 1e16: a wad per percent (1e18 = 100%). */
const WAD_PER_PERCENT = 10n ** 16n;
const RATE_DECIMALS = 16;

/** How a cell looked, for error messages (never used for personal-data columns). */
export function describeCell(cell: string): string {
  if (cell === "") return "an empty cell";
  return cell.length > 80
    ? `${JSON.stringify(cell.slice(0, 80))}... (${cell.length} characters)`
    : JSON.stringify(cell);
}

function amount(minCents: bigint): (cell: string) => CellResult {
  const expected =
    `an amount in yuan from ${formatCents(minCents)}, digits with an optional "." and at most 2 decimals, ` +
    `such as "12345.67" (no sign, spaces or thousands separators)`;
  return (cell) => {
    if (!YUAN.test(cell)) return { ok: false, expected, found: describeCell(cell) };
    const cents = parseCents(cell);
    if (cents < minCents || cents > MAX_CENTS) return { ok: false, expected, found: describeCell(cell) };
    return { ok: true, value: cents };
  };
}

function wholeNumber(min: number, max: number, unit: string): (cell: string) => CellResult {
  const expected = `a whole number of ${unit} from ${min} to ${max} (digits only)`;
  return (cell) => {
    if (!DIGITS.test(cell)) return { ok: false, expected, found: describeCell(cell) };
    const value = Number(cell);
    if (value < min || value > max) return { ok: false, expected, found: describeCell(cell) };
    return { ok: true, value };
  };
}

/** Reads a decimal percent ("4.35" = 4.35% a year) as an exact wad; `undefined` if it is not one. */
export function parseRatePercent(cell: string): bigint | undefined {
  const match = PERCENT.exec(cell);
  if (match === null) return undefined;
  const [, whole = "", decimals = ""] = match;
  const wad = BigInt(whole) * WAD_PER_PERCENT + BigInt(decimals.padEnd(RATE_DECIMALS, "0"));
  return wad <= 100n * WAD_PER_PERCENT ? wad : undefined;
}

/** Writes a wad rate as a decimal percent with at least 2 decimals: 0.045e18 -> "4.50". */
export function formatRatePercent(rateWad: bigint): string {
  const whole = rateWad / WAD_PER_PERCENT;
  const decimals = (rateWad % WAD_PER_PERCENT).toString().padStart(RATE_DECIMALS, "0").replace(/0+$/, "");
  return `${whole}.${decimals.padEnd(2, "0")}`;
}

const RATE_EXPECTED =
  'an annual rate as a decimal percent from 0 to 100 with at most 16 decimals, such as "4.35" for 4.35% ' +
  '(no "%" sign)';

function rate(cell: string): CellResult {
  const wad = parseRatePercent(cell);
  return wad === undefined
    ? { ok: false, expected: RATE_EXPECTED, found: describeCell(cell) }
    : { ok: true, value: wad };
}

/** Text cells go to the loan record as they are; the loan record's schema checks them. */
function text(cell: string): CellResult {
  return { ok: true, value: cell };
}

/** Like `text`, but an empty cell means "not given" (the collateral columns of an unsecured loan). */
function optional(read: (cell: string) => CellResult): (cell: string) => CellResult {
  return (cell) => (cell === "" ? { ok: true, value: undefined } : read(cell));
}

/** How each template column's cell is read. */
export const READ_CELL: Readonly<Record<TapeColumn, (cell: string) => CellResult>> = {
  loan_id: text,
  borrower_id: text,
  origination_date: text,
  maturity_date: text,
  original_principal_yuan: amount(1n),
  current_principal_yuan: amount(0n),
  annual_rate_percent: rate,
  term_months: wholeNumber(1, MAX_TERM_MONTHS, "months"),
  remaining_term_months: wholeNumber(0, MAX_TERM_MONTHS, "months"),
  amortization_type: text,
  payment_frequency: text,
  status: text,
  days_past_due: wholeNumber(0, MAX_DAYS_PAST_DUE, "days"),
  credit_grade: text,
  region: text,
  product_type: text,
  collateral_type: optional(text),
  collateral_value_yuan: optional(amount(0n)),
  credit_score_type: optional(text),
  credit_score: optional(wholeNumber(0, 9999, "points")),
  income_yuan: optional(amount(0n)),
  income_verification: optional(text),
  payment_to_income_percent: optional(rate),
  employment_status: optional(text),
  origination_channel: optional(text),
  rate_type: optional(text),
  rate_index: optional(text),
  rate_margin_percent: optional(rate),
  rate_reset_months: optional(wholeNumber(1, MAX_TERM_MONTHS, "months")),
  pool_addition_date: optional(text),
  repurchase_date: optional(text),
  restructuring_date: optional(text),
  region_code: optional(text),
};

/** A record's disclosure cells, in `DISCLOSURE_TAPE_COLUMNS` order (empty where the record has none). */
export function recordToDisclosureCells(record: LoanRecord): string[] {
  const text = (value: string | number | undefined) => (value === undefined ? "" : String(value));
  const percent = (wad: bigint | undefined) => (wad === undefined ? "" : formatRatePercent(wad));
  return [
    text(record.creditScoreType),
    text(record.creditScore),
    record.annualIncomeCents === undefined ? "" : formatCents(record.annualIncomeCents),
    text(record.incomeVerification),
    percent(record.paymentToIncomeWad),
    text(record.employmentStatus),
    text(record.originationChannel),
    text(record.rateType),
    text(record.rateIndex),
    percent(record.rateMarginWad),
    text(record.rateResetMonths),
    text(record.poolAdditionDate),
    text(record.repurchaseDate),
    text(record.restructuringDate),
    text(record.regionCode),
  ];
}

/** A loan record as template cells, in `TAPE_COLUMNS` order (`region` as given by `regionName`). */
export function recordToCells(
  record: LoanRecord,
  regionName: (region: string) => string = (region) => region,
): string[] {
  return [
    record.loanId,
    record.borrowerId,
    record.originationDate,
    record.maturityDate,
    formatCents(record.originalPrincipalCents),
    formatCents(record.currentPrincipalCents),
    formatRatePercent(record.rateWad),
    String(record.termMonths),
    String(record.remainingTermMonths),
    record.amortization,
    record.paymentFrequency,
    record.status,
    String(record.daysPastDue),
    record.creditGrade,
    regionName(record.region),
    record.productType,
    record.collateralType ?? "",
    record.collateralValueCents === undefined ? "" : formatCents(record.collateralValueCents),
  ];
}
