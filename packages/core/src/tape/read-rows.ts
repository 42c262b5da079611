/**
 * Raw rows of a tape, streamed from decoded text: CSV records through csv-parse's stream API, JSON Lines
 * line by line. Structural problems (stray or unclosed quotes, a line that is not JSON) come out as issues
 * in the same stream, in file order, so the caller sees every problem and keeps going.
 *
 * Nothing here quotes the source text in an issue: a broken row may hold personal data.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse, type CsvError, type Options } from "csv-parse";
import { parse as parseAll } from "csv-parse/sync";
import { tapeIssue, type TapeIssue } from "./tape-issue";

/** The longest CSV record accepted; an unclosed quote would otherwise swallow the whole file. */
export const MAX_RECORD_BYTES = 1 << 20;

export type RawRow =
  | { readonly kind: "cells"; readonly row: number; readonly cells: readonly string[] }
  | { readonly kind: "object"; readonly row: number; readonly value: Readonly<Record<string, unknown>> }
  | { readonly kind: "issue"; readonly issue: TapeIssue };

/** Whether the text read so far ends with a line break (a complete last record). */
export interface TextEnd {
  endsWithLineBreak(): boolean;
}

/** Passes text chunks through, remembering how the text ends. */
export function trackEnd(chunks: AsyncIterable<string>): {
  readonly chunks: AsyncGenerator<string>;
  readonly end: TextEnd;
} {
  let last = "";
  async function* pass(): AsyncGenerator<string> {
    for await (const chunk of chunks) {
      if (chunk.length > 0) last = chunk.slice(-1);
      yield chunk;
    }
  }
  return { chunks: pass(), end: { endsWithLineBreak: () => last === "\n" || last === "\r" } };
}

/** Line breaks in `text` as an editor counts them: LF, CRLF and a lone CR each end one line. */
export function lineBreaksIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) count += 1;
  for (let at = text.indexOf("\r"); at >= 0; at = text.indexOf("\r", at + 1)) if (text[at + 1] !== "\n") count += 1;
  return count;
}

function crlfsIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\r\n"); at >= 0; at = text.indexOf("\r\n", at + 2)) count += 1;
  return count;
}

/**
 * Turns csv-parse's line count into the file's lines, from `firstLine` (the line the parsed text starts on).
 * csv-parse counts a CRLF inside a quoted cell as two lines (a CR, then an LF); an editor counts one. Records are
 * fed in order, so the surplus so far is known at each record.
 */
class FileLines {
  #surplus = 0;
  constructor(readonly firstLine: number) {}

  /** The file line of csv-parse's line `parserLine`, given the records seen so far. */
  fileLine(parserLine: number): number {
    return this.firstLine - 1 + parserLine - this.#surplus;
  }

  /** A record's row: the file line it starts on, given the csv-parse line it ends on. */
  rowOf(cells: readonly string[], endLine: number): number {
    let breaks = 0;
    for (const cell of cells) {
      if (cell.indexOf("\n") < 0 && cell.indexOf("\r") < 0) continue;
      breaks += lineBreaksIn(cell);
      this.#surplus += crlfsIn(cell);
    }
    return this.fileLine(endLine) - breaks;
  }
}

interface CsvRecordWithInfo {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/** Issue for a record csv-parse had to skip, placed at `row`. */
function skippedRecordIssue(error: CsvError, row: number): TapeIssue {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return tapeIssue(
        "TAPE_TRUNCATED",
        { row },
        "a closing quote for the quoted cell opened in this record",
        "the end of the file inside a quoted cell (the file is cut short, or a quote is missing)",
      );
    case "CSV_MAX_RECORD_SIZE":
      // csv-parse cannot say which: a cell this long, or a quote opened and never closed.
      return tapeIssue(
        "TAPE_ROW_MALFORMED",
        { row },
        `a record of at most ${MAX_RECORD_BYTES} characters`,
        "a record longer than that (one very long cell, or a quote that is never closed); the rest of the file was not read",
      );
    case "INVALID_OPENING_QUOTE":
      return tapeIssue(
        "TAPE_ROW_MALFORMED",
        { row },
        'quotes only around a whole cell (a quote inside a quoted cell is written "")',
        "a quote inside an unquoted cell",
      );
    case "CSV_INVALID_CLOSING_QUOTE":
      return tapeIssue(
        "TAPE_ROW_MALFORMED",
        { row },
        "a delimiter or a line break right after a closing quote",
        "other characters after a closing quote",
      );
    default:
      return tapeIssue(
        "TAPE_ROW_MALFORMED",
        { row },
        "a well-formed CSV record",
        `a record csv-parse rejects (${error.code})`,
      );
  }
}

/** csv-parse's options for a tape (`bom`: strip a byte order mark at the start: only where the file starts). */
export function tapeCsvOptions(delimiter: string, bom: boolean, onSkip: (error: CsvError) => void): Options {
  return {
    delimiter,
    bom,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // Both line ends, even mixed in one file (the template allows either); auto-detection would keep the
    // first one it met and read every line of the other kind as part of a record.
    record_delimiter: ["\r\n", "\n"],
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (error) => {
      if (error !== undefined) onSkip(error);
    },
  };
}

/**
 * The records of a slice of whole records (`csv-slices.ts`), parsed at once, with their rows; `malformed` (and no
 * records) when csv-parse had to skip one: the caller then reads the slice with `csvRows`, which places each
 * problem as reading the whole file does.
 */
export function parseCsvSlice(
  text: string,
  delimiter: string,
  firstLine: number,
): { readonly malformed: boolean; readonly records: readonly { readonly row: number; readonly cells: string[] }[] } {
  let malformed = false;
  const parsed = parseAll(
    text,
    tapeCsvOptions(delimiter, firstLine === 1, () => {
      malformed = true;
    }),
  ) as unknown as CsvRecordWithInfo[];
  if (malformed) return { malformed, records: [] };
  const lines = new FileLines(firstLine);
  return {
    malformed,
    records: parsed.map(({ record, info }) => ({ row: lines.rowOf(record, info.lines), cells: record })),
  };
}

/**
 * CSV records (the header included) with their row: the 1-based line the record starts on, counting from
 * `firstLine` (the line the text starts on in its file). Empty lines are skipped. Stops cleanly when the
 * consumer stops.
 */
export async function* csvRows(text: AsyncIterable<string>, delimiter: string, firstLine = 1): AsyncGenerator<RawRow> {
  const skipped: CsvError[] = [];
  const parser = parse(tapeCsvOptions(delimiter, firstLine === 1, (error) => skipped.push(error)));
  const done = pipeline(Readable.from(text), parser);
  // The consumer may stop early (maxErrors): the pipeline then ends with a premature close, not an error.
  done.catch(() => undefined);
  const fileLines = new FileLines(firstLine);
  /** Line of the last record seen (the start of the next one is after it). */
  let lastLine = firstLine - 1;
  /** Rows already reported as skipped: csv-parse may report one broken record more than once. */
  let lastSkippedRow = 0;
  /** Records handed on so far: the parser runs ahead, so an error is placed only once the records before it are. */
  let recordsOut = 0;
  const drainSkipped = function* (all: boolean): Generator<RawRow> {
    while (skipped.length > 0) {
      const error = skipped[0];
      if (error === undefined || (!all && (typeof error.records === "number" ? error.records : 0) > recordsOut)) return;
      skipped.shift();
      const errorLine = typeof error.lines === "number" ? fileLines.fileLine(error.lines) : lastLine + 1;
      // Quote errors are found on their own line; an unclosed quote is found at the end of the file.
      const row =
        error.code === "CSV_QUOTE_NOT_CLOSED" || error.code === "CSV_MAX_RECORD_SIZE"
          ? Math.min(lastLine + 1, errorLine)
          : errorLine;
      lastLine = Math.max(lastLine, row);
      if (row === lastSkippedRow) continue;
      lastSkippedRow = row;
      yield { kind: "issue", issue: skippedRecordIssue(error, row) };
    }
  };
  for await (const item of parser as AsyncIterable<CsvRecordWithInfo>) {
    yield* drainSkipped(false);
    const row = fileLines.rowOf(item.record, item.info.lines);
    lastLine = fileLines.fileLine(item.info.lines);
    recordsOut += 1;
    yield { kind: "cells", row, cells: item.record };
  }
  await done;
  yield* drainSkipped(true);
}

/** Splits text into lines (LF or CRLF), with their 1-based line numbers; the last line may lack a break. */
async function* lines(text: AsyncIterable<string>): AsyncGenerator<{ readonly line: number; readonly text: string }> {
  let carry = "";
  let line = 0;
  for await (const chunk of text) {
    carry += chunk;
    let start = 0;
    for (let at = carry.indexOf("\n"); at >= 0; at = carry.indexOf("\n", start)) {
      line += 1;
      const end = at > start && carry.charCodeAt(at - 1) === 13 ? at - 1 : at;
      yield { line, text: carry.slice(start, end) };
      start = at + 1;
    }
    carry = carry.slice(start);
  }
  if (carry !== "") yield { line: line + 1, text: carry.replace(/\r$/, "") };
}

/** The kind of a JSON value, for messages that must not quote the value itself. */
export function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a JSON ${typeof value}`;
}

/**
 * JSON Lines rows: one JSON object per line, blank lines skipped. A line that is not a JSON object is a
 * `TAPE_ROW_MALFORMED` issue (`TAPE_TRUNCATED` if it is the last line and has no line break).
 */
export async function* jsonLinesRows(text: AsyncIterable<string>, end: TextEnd): AsyncGenerator<RawRow> {
  let pendingBad: { readonly line: number; readonly found: string } | undefined;
  for await (const { line, text: lineText } of lines(text)) {
    if (pendingBad !== undefined) {
      yield {
        kind: "issue",
        issue: tapeIssue("TAPE_ROW_MALFORMED", { row: pendingBad.line }, "a JSON object", pendingBad.found),
      };
      pendingBad = undefined;
    }
    if (lineText.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch {
      // Never echo the line or the parser's message: both may quote personal data.
      pendingBad = { line, found: `a line that is not valid JSON (${lineText.length} characters)` };
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      yield { kind: "issue", issue: tapeIssue("TAPE_ROW_MALFORMED", { row: line }, "a JSON object", jsonKind(value)) };
      continue;
    }
    const twice = duplicateTopLevelKey(lineText);
    if (twice !== undefined) {
      yield {
        kind: "issue",
        issue: tapeIssue(
          "TAPE_FIELD_DUPLICATE",
          { row: line, columnName: twice },
          `each key once (a reader would see the first "${twice}", the commitment the last)`,
          `the key "${twice}" twice`,
        ),
      };
      continue;
    }
    yield { kind: "object", row: line, value: Object.fromEntries(Object.entries(value)) };
  }
  if (pendingBad !== undefined) {
    const truncated = !end.endsWithLineBreak();
    yield {
      kind: "issue",
      issue: truncated
        ? tapeIssue(
            "TAPE_TRUNCATED",
            { row: pendingBad.line },
            "a complete JSON object ending with a line break",
            "the end of the file in the middle of a JSON object",
          )
        : tapeIssue("TAPE_ROW_MALFORMED", { row: pendingBad.line }, "a JSON object", pendingBad.found),
    };
  }
}

/**
 * The first key that the top-level object of `json` (already known to parse as an object) names twice, or
 * undefined. One pass over the text: strings are skipped with their escapes, and keys are the strings at
 * depth 1 followed by a colon. `JSON.parse` keeps the last of duplicate keys without a word.
 */
export function duplicateTopLevelKey(json: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x22) {
      let end = i + 1;
      while (end < json.length && json.charCodeAt(end) !== 0x22) end += json.charCodeAt(end) === 0x5c ? 2 : 1;
      if (depth === 1) {
        let next = end + 1;
        while (next < json.length && /\s/.test(json.charAt(next))) next++;
        if (json.charAt(next) === ":") {
          // The raw text of the key decoded as JSON: "a" and "\u0061" are the same key.
          const key = JSON.parse(json.slice(i, end + 1)) as string;
          if (seen.has(key)) return key;
          seen.add(key);
        }
      }
      i = end;
    }
  }
  return undefined;
}
