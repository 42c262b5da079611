/** A YAML (or JSON) input file checked against a zod schema: every bad field with its path and what it found. */
import { readFile } from "node:fs/promises";
import { type z } from "zod";
import { parse as parseYaml } from "yaml";
import { CliError } from "./errors";

/**
 * Parses `text` (the file `file`, a `what` such as "deal file") with `schema`.
 *
 * @throws CliError `USAGE`: not YAML, or invalid with one detail line per problem ("path: message, found X")
 */
export function parseYamlFile<T extends z.ZodType>(text: string, file: string, what: string, schema: T): z.output<T> {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new CliError("USAGE", `The ${what} ${file} is neither YAML nor JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => {
    const found = valueAt(raw, issue.path);
    return `${issue.path.join(".") || "(file)"}: ${issue.message}${found === undefined ? "" : `, found ${JSON.stringify(found)}`}`;
  });
  throw new CliError(
    "USAGE",
    `The ${what} ${file} is invalid (${details.length} problem${details.length === 1 ? "" : "s"})`,
    { details },
  );
}

/** Reads and parses the file: a missing file is `INPUT_NOT_FOUND`, a bad one a usage error (see {@link parseYamlFile}). */
export async function readYamlFile<T extends z.ZodType>(file: string, what: string, schema: T): Promise<z.output<T>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError("INPUT_NOT_FOUND", `Cannot read the ${what} ${JSON.stringify(file)}`, { cause: error });
  }
  return parseYamlFile(text, file, what, schema);
}

/** The scalar at `path` in `root` (undefined for a missing value or an object). */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value !== null && typeof value === "object" ? undefined : value;
}
