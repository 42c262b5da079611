/**
 * One rendering of zod validation problems for every parsed boundary of the package:
 * `path: message, found <input>` per issue, joined by "; ".
 */
import { type z } from "zod";

/**
 * Formats zod issues as `path: message, found <input>` (the input is added where zod's message lacks it);
 * an issue about the whole value is named `rootLabel` (e.g. "body" for an HTTP body).
 */
export function describeZodIssues(error: z.ZodError, rootLabel = "(root)"): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length === 0 ? rootLabel : issue.path.join(".");
      const saysFound = /\b(found|received)\b/.test(issue.message) || issue.code === "unrecognized_keys";
      const found = saysFound || !("input" in issue) ? "" : `, found ${describeInput(issue.input)}`;
      return `${path}: ${issue.message}${found}`;
    })
    .join("; ");
}

/** A short rendering of an offending input value (bigints as `123n`, at most 60 characters). */
export function describeInput(input: unknown): string {
  if (typeof input === "bigint") return `${input}n`;
  if (input === undefined) return "nothing";
  const text =
    JSON.stringify(input, (_key, value: unknown) => (typeof value === "bigint" ? `${value}n` : value)) ?? String(input);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
