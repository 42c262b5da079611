/**
 * One tape row checked against the template (internal to `validateTape` and its row workers): each cell read,
 * personal data replaced by the keyed borrower id, the loan record's own checks, every problem reported with
 * its row and column in the template's words.
 */
import { isoDateToEpochDay } from "../iso-date";
import { type LoanRecord, type LoanRecordField, loanRecordShape, safeParseLoanRecord } from "../loan-record";
import { bytesToHex } from "../hashing";
import { formatCents } from "../money";
import { saltedLoanLeaf } from "../tape-commitment";
import { type TapeEncoding } from "./column-mapping";
import { REPLACEMENT_CHARACTER } from "./decode";
import { type PlannedCell, type RowPlan } from "./header";
import { pledgeIdentityDigest } from "../pledge/pledge-identity";
import { normalisePersonalValue, pseudonymousBorrowerId, personalValueProblem } from "./pseudonymise";
import { tapeIssue, type TapeIssue } from "./tape-issue";
import {
  FIELD_OF_COLUMN,
  READ_CELL,
  type TapeColumn,
  type TemplateColumnName,
  columnOfField,
  describeCell,
  isPersonalDataColumn,
} from "./template";

/** Columns whose values are never echoed: a wrong value there may be personal data put in the wrong column. */
const NEVER_ECHOED: ReadonlySet<TapeColumn> = new Set(["borrower_id"]);

const CENTS_FIELDS: ReadonlySet<string> = new Set([
  "originalPrincipalCents",
  "currentPrincipalCents",
  "collateralValueCents",
]);

/** A cross-field issue in the template's words: column names, amounts in yuan. */
function inTemplateTerms(text: string): string {
  return text.replace(/\b([a-z][A-Za-z]+)\b(?: \((\d+)\))?/g, (match, name: string, value: string | undefined) => {
    const column = columnOfField(name);
    if (column === undefined) return match;
    if (value === undefined) return column;
    return `${column} (${CENTS_FIELDS.has(name) ? formatCents(BigInt(value)) : value})`;
  });
}

/** Issues and the checked record (if any) of one row. */
export interface RowOutcome {
  readonly record: LoanRecord | undefined;
  readonly issues: TapeIssue[];
  /**
   * With a plan's `pledgeIdentity`, for a good row: the loan's pledge identity digest, 0x hex. It is a hash of
   * the borrower's national id: kept in memory for the fingerprint exchange only, never stored, logged or sent.
   */
  readonly pledgeDigest?: string;
}

/** A checked row, and for a good row checked with a salt key, the loan's salt and leaf (not yet committed). */
export interface CheckedRow extends RowOutcome {
  readonly salt?: string;
  readonly leaf?: Uint8Array;
}

/**
 * `checkRow`, then, for a good row when `saltKey` is given, the loan's salt and leaf. Whether the loan is
 * committed (its id not seen before, the tape good so far) is the caller's decision, in row order.
 */
export function checkAndSaltRow(
  row: number,
  plan: RowPlan,
  cells: readonly string[],
  encoding: TapeEncoding | undefined,
  borrowerKey: Uint8Array,
  saltKey: Uint8Array | undefined,
): CheckedRow {
  const outcome = checkRow(row, plan, cells, () => encoding, borrowerKey);
  if (saltKey === undefined || outcome.record === undefined || outcome.issues.length > 0) return outcome;
  return { ...outcome, ...saltedLoanLeaf(saltKey, outcome.record) };
}

/**
 * Checks one row: each cell read per the template, personal data replaced by the keyed borrower id (and
 * dropped), then the loan record's own checks. Every problem of the row is reported, not just the first.
 */
export function checkRow(
  row: number,
  plan: RowPlan,
  cells: readonly string[],
  encoding: () => TapeEncoding | undefined,
  borrowerKey: Uint8Array,
  alreadyFailed: ReadonlySet<TemplateColumnName> = new Set(),
): RowOutcome {
  const issues: TapeIssue[] = [];
  const failed = new Set<TemplateColumnName>(alreadyFailed);
  const input: Record<string, unknown> = {};
  // Where a cell is, for its issue: made only when there is one (a good row makes no such object per cell).
  const at = (planned: PlannedCell) => ({
    row,
    column: planned.sourceColumn,
    columnName: planned.sourceName,
    field: planned.column,
  });
  for (const planned of plan.cells) {
    const cell = cells[planned.index] ?? "";
    if (failed.size > 0 && failed.has(planned.column)) continue;
    if (isPersonalDataColumn(planned.column)) {
      // Only the identity column is read; the others are dropped unread. Values are never echoed.
      if (planned.column !== plan.identity) continue;
      if (cell.includes(REPLACEMENT_CHARACTER)) {
        failed.add(planned.column);
        issues.push(encodingIssue(at(planned), encoding()));
        continue;
      }
      const problem = personalValueProblem(planned.column, cell);
      if (problem !== undefined) {
        failed.add(planned.column);
        issues.push(
          tapeIssue("TAPE_VALUE_INVALID", at(planned), `a ${planned.column.replace("_", " ")} (not shown)`, problem),
        );
        continue;
      }
      input.borrowerId = pseudonymousBorrowerId(borrowerKey, planned.column, cell);
      continue;
    }
    if (cell.includes(REPLACEMENT_CHARACTER)) {
      failed.add(planned.column);
      issues.push(encodingIssue(at(planned), encoding()));
      continue;
    }
    const read = READ_CELL[planned.column](cell);
    if (!read.ok) {
      failed.add(planned.column);
      issues.push(tapeIssue("TAPE_VALUE_INVALID", at(planned), read.expected, read.found));
      continue;
    }
    if (read.value !== undefined) input[FIELD_OF_COLUMN[planned.column]] = read.value;
  }
  // Cells that failed above still go to the record check (as text) so that it fails on shape and skips
  // the cross-field rules, but their issues are not reported twice.
  for (const column of failed) {
    if (!isPersonalDataColumn(column)) input[fieldOf(column)] = "\u0000";
  }
  if (plan.identity !== undefined && failed.has(plan.identity)) input.borrowerId = "\u0000";

  const parsed = safeParseLoanRecord(input);
  if (parsed.success)
    return plan.pledgeIdentity === undefined
      ? { record: parsed.record, issues }
      : withPledgeDigest(row, plan.pledgeIdentity, cells, parsed.record, issues);
  const crossField = loanRecordShape.safeParse(input).success;
  for (const issue of parsed.error.issues) {
    const column = columnOfField(issue.field);
    if (column !== undefined && (failed.has(column) || plan.missing.has(column))) continue;
    if (column === "borrower_id" && plan.identity !== undefined) {
      if (failed.has(plan.identity)) continue;
    }
    const place =
      column === undefined
        ? { row }
        : {
            row,
            ...(placeOf(plan, column) ?? placeOf(plan, plan.identity) ?? { column: undefined, columnName: undefined }),
            field: column,
          };
    if (crossField) {
      const found =
        CENTS_FIELDS.has(issue.field) && /^\d+$/.test(issue.found) ? formatCents(BigInt(issue.found)) : issue.found;
      issues.push(tapeIssue("TAPE_RULE_VIOLATED", place, inTemplateTerms(issue.expected), inTemplateTerms(found)));
      continue;
    }
    const cell = column === undefined ? undefined : cellOf(column, plan, cells);
    const found =
      cell === undefined
        ? issue.found
        : column !== undefined && NEVER_ECHOED.has(column)
          ? cell === ""
            ? "an empty cell"
            : `a value of ${cell.length} characters (not shown)`
          : describeCell(cell);
    issues.push(tapeIssue("TAPE_VALUE_INVALID", place, inTemplateTerms(issue.expected), found));
  }
  return { record: undefined, issues };
}

/** Where the plan reads `column` from (its last planned cell), if it reads it at all. */
function placeOf(
  plan: RowPlan,
  column: TemplateColumnName | undefined,
): { readonly column: number | undefined; readonly columnName: string } | undefined {
  const planned = plan.cells.findLast((cell) => cell.column === column);
  return planned === undefined ? undefined : { column: planned.sourceColumn, columnName: planned.sourceName };
}

/**
 * A good row's outcome with its pledge identity digest, or with the issue of its `national_id` cell (read here
 * even when `borrower_id` keys the row: the pledge registry needs the identity two originators share).
 */
function withPledgeDigest(
  row: number,
  planned: PlannedCell,
  cells: readonly string[],
  record: LoanRecord,
  issues: TapeIssue[],
): RowOutcome {
  const cell = cells[planned.index] ?? "";
  const problem = cell.includes(REPLACEMENT_CHARACTER)
    ? "bytes that are not valid text"
    : personalValueProblem("national_id", cell);
  if (problem !== undefined) {
    const at = { row, column: planned.sourceColumn, columnName: planned.sourceName, field: planned.column };
    return {
      record: undefined,
      issues: [
        ...issues,
        tapeIssue("TAPE_VALUE_INVALID", at, "a national id (not shown): the pool registers pledges", problem),
      ],
    };
  }
  const digest = pledgeIdentityDigest({
    nationalId: normalisePersonalValue("national_id", cell),
    originationDay: isoDateToEpochDay(record.originationDate),
    originalPrincipalCents: record.originalPrincipalCents,
  });
  return { record, issues, pledgeDigest: bytesToHex(digest) };
}

function fieldOf(column: TapeColumn): LoanRecordField {
  return FIELD_OF_COLUMN[column];
}

function cellOf(column: TapeColumn, plan: RowPlan, cells: readonly string[]): string | undefined {
  const planned = plan.cells.find((cell) => cell.column === column);
  return planned === undefined ? undefined : (cells[planned.index] ?? "");
}

function encodingIssue(
  at: {
    readonly row: number;
    readonly column: number | undefined;
    readonly columnName: string;
    readonly field: string;
  },
  encoding: TapeEncoding | undefined,
): TapeIssue {
  const name = encoding === "gbk" ? "GBK" : "UTF-8";
  return tapeIssue(
    "TAPE_ENCODING_INVALID",
    at,
    `text in the tape's encoding (${name}; declare the right one with the encoding option)`,
    `bytes that are not valid ${name}`,
  );
}
