/**
 * The column-mapping file: how an originator's own headers map to the template's columns, so that a tape
 * can be uploaded as the originator's systems export it.
 *
 * ```json
 * { "columns": { "借据号": "loan_id", "身份证号": "national_id" }, "encoding": "gbk", "delimiter": "," }
 * ```
 *
 * `columns` maps a header (exactly as written, spaces at either end ignored) to a template column; headers
 * not listed must be template column names themselves. `encoding` ("auto", "utf8", "gbk") and `delimiter`
 * (one character) are optional and stand in for the tape options of the same names.
 */
import { z } from "zod";
import { InvalidArgumentError } from "../errors";
import { PERSONAL_DATA_COLUMNS, TAPE_COLUMNS, type TemplateColumnName, isTemplateColumnName } from "./template";

/** Encodings a tape may be in. */
export const TAPE_ENCODINGS = ["utf8", "gbk"] as const;
export type TapeEncoding = (typeof TAPE_ENCODINGS)[number];
/** An encoding to read a tape in: one of `TAPE_ENCODINGS`, or "auto" to detect it. */
export type TapeEncodingOption = TapeEncoding | "auto";

/** A checked column mapping. */
export interface ColumnMapping {
  /** Source header (trimmed) -> template column. */
  readonly columns: ReadonlyMap<string, TemplateColumnName>;
  readonly encoding?: TapeEncodingOption;
  readonly delimiter?: string;
}

/** One problem in a column-mapping file. */
export interface ColumnMappingIssue {
  /** Where in the file, e.g. `columns."客户号"` or `(file)`. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

/** A column-mapping file is not valid JSON or does not fit the schema. All problems are in `issues`. */
export class ColumnMappingError extends InvalidArgumentError {
  override readonly name: string = "ColumnMappingError";
  readonly issues: readonly ColumnMappingIssue[];

  constructor(issues: readonly [ColumnMappingIssue, ...ColumnMappingIssue[]]) {
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(`column mapping at ${first.path}`, first.expected, `${first.found}${more}`);
    this.issues = issues;
  }
}

const TEMPLATE_NAMES_TEXT = [...TAPE_COLUMNS, ...PERSONAL_DATA_COLUMNS].join(", ");

const FORBIDDEN_DELIMITERS = new Set(['"', "\r", "\n"]);

const mappingFileSchema = z.strictObject({
  columns: z.record(z.string(), z.string()),
  encoding: z.enum(["auto", ...TAPE_ENCODINGS]).optional(),
  delimiter: z
    .string()
    .length(1)
    .refine((delimiter) => !FORBIDDEN_DELIMITERS.has(delimiter))
    .optional(),
});

const EXPECTED_AT: Readonly<Record<string, string>> = {
  columns: 'an object of "<your header>": "<template column>" pairs',
  encoding: 'one of "auto", "utf8", "gbk"',
  delimiter: "a single character other than a quote or a line break",
};

function describeJson(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** The issues as a non-empty list (zod reports at least one issue for a failed parse). */
function nonEmpty(issues: readonly ColumnMappingIssue[]): [ColumnMappingIssue, ...ColumnMappingIssue[]] {
  const [first = { path: "(file)", expected: "a valid column mapping", found: "a value the schema rejects" }, ...rest] =
    issues;
  return [first, ...rest];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = new Map(Object.entries(value)).get(String(key));
  }
  return value;
}

/**
 * Reads a column-mapping file's text. Throws `ColumnMappingError` (code `INVALID_ARGUMENT`) naming every
 * problem: bad JSON, unknown keys, an unknown template column, two headers mapped to one column.
 */
export function parseColumnMapping(text: string): ColumnMapping {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : "unreadable text";
    throw new ColumnMappingError([{ path: "(file)", expected: "a JSON object", found: `invalid JSON (${reason})` }]);
  }
  const parsed = mappingFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue): ColumnMappingIssue => {
      if (issue.code === "unrecognized_keys") {
        return {
          path: "(file)",
          expected: 'only the keys "columns", "encoding", "delimiter"',
          found: `unknown key(s) ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}`,
        };
      }
      const [top] = issue.path;
      const path = issue.path.map((key) => (typeof key === "string" ? key : String(key))).join(".");
      return {
        path: path === "" ? "(file)" : path,
        expected: top === undefined ? "a JSON object" : (EXPECTED_AT[String(top)] ?? "a valid value"),
        found: describeJson(valueAt(json, issue.path)),
      };
    });
    throw new ColumnMappingError(nonEmpty(issues));
  }

  const columns = new Map<string, TemplateColumnName>();
  const headerOf = new Map<TemplateColumnName, string>();
  const issues: ColumnMappingIssue[] = [];
  for (const [rawHeader, target] of Object.entries(parsed.data.columns)) {
    const header = rawHeader.trim();
    const path = `columns.${JSON.stringify(rawHeader)}`;
    if (header === "") {
      issues.push({ path, expected: "a non-empty header", found: "an empty header" });
      continue;
    }
    if (!isTemplateColumnName(target)) {
      issues.push({ path, expected: `a template column: one of ${TEMPLATE_NAMES_TEXT}`, found: describeJson(target) });
      continue;
    }
    if (columns.has(header)) {
      issues.push({ path, expected: "each header once", found: `${JSON.stringify(header)} again` });
      continue;
    }
    const earlier = headerOf.get(target);
    if (earlier !== undefined) {
      issues.push({
        path,
        expected: `each template column mapped from one header only`,
        found: `"${target}" already mapped from ${JSON.stringify(earlier)}`,
      });
      continue;
    }
    columns.set(header, target);
    headerOf.set(target, header);
  }
  const [first, ...rest] = issues;
  if (first !== undefined) throw new ColumnMappingError([first, ...rest]);
  return {
    columns,
    ...(parsed.data.encoding === undefined ? {} : { encoding: parsed.data.encoding }),
    ...(parsed.data.delimiter === undefined ? {} : { delimiter: parsed.data.delimiter }),
  };
}
