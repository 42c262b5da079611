/**
 * From a tape's header (or a JSON Lines row's keys) to a row plan: which source column feeds which
 * template column, which template columns are missing, and which personal-data column keys borrower ids.
 */
import { type ColumnMapping } from "./column-mapping";
import { identityColumn } from "./pseudonymise";
import { tapeIssue, type TapeIssue } from "./tape-issue";
import {
  OPTIONAL_TAPE_COLUMNS,
  TAPE_COLUMNS,
  type PersonalDataColumn,
  type TapeColumn,
  type TemplateColumnName,
  isTemplateColumnName,
} from "./template";

/** One source column that feeds a template column. */
export interface PlannedCell {
  readonly column: TemplateColumnName;
  /** Position of the value in the row's values (0-based). */
  readonly index: number;
  /** 1-based column in the source file (CSV), `undefined` for JSON Lines. */
  readonly sourceColumn: number | undefined;
  /** The header (or key) as written in the source. */
  readonly sourceName: string;
}

export interface RowPlan {
  readonly cells: readonly PlannedCell[];
  /** Template columns the source does not have (their absence is reported once, not per row). */
  readonly missing: ReadonlySet<TapeColumn>;
  /** The personal-data column whose value keys borrower ids, when `borrower_id` is not given. */
  readonly identity: PersonalDataColumn | undefined;
  /**
   * The `national_id` cell each good row's pledge identity digest (`pledgeIdentityDigest`) is read from: set by
   * `validateTape`'s `pledgeIdentities` option; absent, rows yield no digest.
   */
  readonly pledgeIdentity?: PlannedCell;
}

/** What a source header name stands for: a template column, or `undefined` if it is unknown. */
export function resolveHeader(name: string, mapping: ColumnMapping | undefined): TemplateColumnName | undefined {
  const header = name.replace(/^\uFEFF/, "").trim();
  const mapped = mapping?.columns.get(header);
  if (mapped !== undefined) return mapped;
  const lower = header.toLowerCase();
  return isTemplateColumnName(lower) ? lower : undefined;
}

/** The template columns a source lacks, given the ones it has. */
function missingColumns(present: ReadonlySet<string>): TapeColumn[] {
  const hasIdentity = identityColumn(present) !== undefined;
  return TAPE_COLUMNS.filter(
    (column) =>
      !present.has(column) && !OPTIONAL_TAPE_COLUMNS.includes(column) && !(column === "borrower_id" && hasIdentity),
  );
}

const MISSING_EXPECTED = (column: TapeColumn): string =>
  column === "borrower_id"
    ? 'a "borrower_id" column, or a personal-data column to derive it from ("national_id", "phone" or "borrower_name")'
    : `a column "${column}" (or a header mapped to it)`;

/** The plan of a CSV header, with one issue per unknown, duplicate or missing column. */
export function planCsvHeader(
  headers: readonly string[],
  mapping: ColumnMapping | undefined,
  row: number,
): { readonly plan: RowPlan; readonly issues: TapeIssue[] } {
  const issues: TapeIssue[] = [];
  const cells: PlannedCell[] = [];
  const firstAt = new Map<TemplateColumnName, number>();
  headers.forEach((header, index) => {
    const where = { row, column: index + 1, columnName: header };
    const column = resolveHeader(header, mapping);
    if (column === undefined) {
      issues.push(
        tapeIssue(
          "TAPE_COLUMN_UNKNOWN",
          where,
          "a template column (see TEMPLATE.md) or a header named in the column mapping",
          header.trim() === "" ? "an empty header" : `an unknown column ${JSON.stringify(header)}`,
        ),
      );
      return;
    }
    const earlier = firstAt.get(column);
    if (earlier !== undefined) {
      issues.push(
        tapeIssue(
          "TAPE_COLUMN_DUPLICATE",
          { ...where, field: column },
          `each template column once`,
          `"${column}" again (already column ${earlier})`,
        ),
      );
      return;
    }
    firstAt.set(column, index + 1);
    cells.push({ column, index, sourceColumn: index + 1, sourceName: header });
  });
  const present = new Set<string>(firstAt.keys());
  const missing = missingColumns(present);
  for (const column of missing) {
    issues.push(tapeIssue("TAPE_COLUMN_MISSING", { row, field: column }, MISSING_EXPECTED(column), "no such column"));
  }
  return {
    plan: {
      cells,
      missing: new Set(missing),
      identity: present.has("borrower_id") ? undefined : identityColumn(present),
    },
    issues,
  };
}

/**
 * The plan of one JSON Lines row's keys. Unknown and missing keys are issues of that row (a JSON Lines
 * tape has no header to report them on once).
 */
export function planJsonKeys(
  keys: readonly string[],
  mapping: ColumnMapping | undefined,
  row: number,
): { readonly plan: RowPlan; readonly issues: TapeIssue[] } {
  const issues: TapeIssue[] = [];
  const cells: PlannedCell[] = [];
  const present = new Set<string>();
  keys.forEach((key, index) => {
    const column = resolveHeader(key, mapping);
    if (column === undefined) {
      issues.push(
        tapeIssue(
          "TAPE_FIELD_UNKNOWN",
          { row, columnName: key },
          "only template fields (see TEMPLATE.md) or keys named in the column mapping",
          `an unknown field ${JSON.stringify(key)}`,
        ),
      );
      return;
    }
    if (present.has(column)) {
      issues.push(
        tapeIssue(
          "TAPE_FIELD_UNKNOWN",
          { row, columnName: key, field: column },
          "each field once",
          `"${column}" again`,
        ),
      );
      return;
    }
    present.add(column);
    cells.push({ column, index, sourceColumn: undefined, sourceName: key });
  });
  const missing = missingColumns(present);
  for (const column of missing) {
    issues.push(tapeIssue("TAPE_FIELD_MISSING", { row, field: column }, MISSING_EXPECTED(column), "no such field"));
  }
  return {
    plan: {
      cells,
      missing: new Set(missing),
      identity: present.has("borrower_id") ? undefined : identityColumn(present),
    },
    issues,
  };
}
