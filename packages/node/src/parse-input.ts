/**
 * The node's one way to parse a request's input (body, path parameters, headers) with zod: the parsed value,
 * or the route's typed error naming what was invalid, where, expected and found (`describeZodIssues`).
 */
import { type z } from "zod";
import { describeZodIssues } from "@abs/core";

/**
 * Parse `value` with `schema`; on failure throw `fail("invalid <what>: <issues>")`. An issue about the whole
 * value is named `rootLabel` (by default `what`).
 */
export function parseInput<T>(
  schema: z.ZodType<T, unknown>,
  value: unknown,
  what: string,
  fail: (message: string) => Error,
  rootLabel = what,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw fail(`invalid ${what}: ${describeZodIssues(parsed.error, rootLabel)}`);
}
