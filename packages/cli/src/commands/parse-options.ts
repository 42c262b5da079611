/** Checks a command's options (as commander parsed them) with zod: a bad flag value is a usage error. */
import { type z } from "zod";
import { CliError } from "../errors";

function flagOf(path: readonly PropertyKey[]): string {
  const [key] = path;
  return typeof key === "string" ? `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}` : "options";
}

export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => `${flagOf(issue.path)}: ${issue.message}`);
  throw new CliError("USAGE", `Invalid option ${details[0] ?? ""}`, { details: details.slice(1) });
}
