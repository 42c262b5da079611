/**
 * A loan-level disclosure template: its published fields, how one loan's committed data fills them, and the
 * cross-field checks its data-quality score counts. `esma-annex6.ts` and `regab-auto.ts` are the two templates.
 */
import { type Cell, type FieldFormat, type FieldSpec } from "./cells";
import { type DisclosureContext, type LoanDisclosureInput } from "./loan-disclosure";

/** A check between the cells of one row: undefined when it does not apply to the row. */
export interface RowCheck {
  readonly name: string;
  readonly test: (cells: ReadonlyMap<string, string | undefined>) => boolean | undefined;
}

export interface LoanTemplate {
  /** The `--template` name. */
  readonly id: string;
  readonly title: string;
  /** Where the field list comes from. */
  readonly source: string;
  /** The XML element of one underlying exposure. */
  readonly recordElement: string;
  /** The field holding the loan id (a row is found and proven by it). */
  readonly loanIdField: string;
  readonly fields: readonly FieldSpec[];
  /** The row of one loan, one cell per field, in field order. */
  readonly row: (input: LoanDisclosureInput, context: DisclosureContext) => readonly Cell[];
  readonly checks: readonly RowCheck[];
}

/** A field spec; `nd` says which no-data codes the template allows for it ("none", "1-4", "5", "all"). */
export function field(
  code: string,
  name: string,
  format: FieldFormat,
  nd: "none" | "1-4" | "5" | "all" = "none",
): FieldSpec {
  return { code, name, format, nd14: nd === "1-4" || nd === "all", nd5: nd === "5" || nd === "all" };
}

/** A row's cells by field code (no-data codes and values alike; absent cells as undefined). */
export function cellsByCode(
  fields: readonly FieldSpec[],
  texts: readonly (string | undefined)[],
): Map<string, string | undefined> {
  return new Map(fields.map((f, i) => [f.code, texts[i]]));
}
