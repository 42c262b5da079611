/** A tape's column-mapping file (`--mapping`), read and checked: used by \`abs tape validate\` and \`abs project --tape\`. */
import { readFile } from "node:fs/promises";
import { type ColumnMapping, ColumnMappingError, parseColumnMapping } from "@abs/core";
import { CliError } from "./errors";

/** Reads a mapping file; a missing file is `INPUT_NOT_FOUND`, a bad one `MAPPING_INVALID` with every problem. */
export async function readMapping(path: string): Promise<ColumnMapping> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CliError("INPUT_NOT_FOUND", `Cannot read the mapping file ${JSON.stringify(path)}`, { cause: error });
  }
  try {
    return parseColumnMapping(text);
  } catch (error) {
    if (!(error instanceof ColumnMappingError)) throw error;
    throw new CliError("MAPPING_INVALID", `Invalid mapping file ${JSON.stringify(path)}`, {
      cause: error,
      details: error.issues.map((issue) => `${issue.path}: expected ${issue.expected}, found ${issue.found}`),
    });
  }
}
