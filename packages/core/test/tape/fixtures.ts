/** Builders of small tapes for the tape tests: valid synthetic rows, then one fault at a time. */
import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { type LoanRecord } from "../../src/loan-record";
import { generateLoans } from "../../src/synthetic-tape";
import { TAPE_COLUMNS, recordToCells, type TapeColumn } from "../../src/tape/template";
import { validateTape, type TapeValidationResult, type ValidateTapeOptions } from "../../src/tape/validate-tape";

export const KEY = new Uint8Array(32).fill(0x42);
export const HEADER: readonly string[] = TAPE_COLUMNS;

/** 1-based CSV column of a template column in the standard header. */
export function col(column: TapeColumn): number {
  return (TAPE_COLUMNS as readonly string[]).indexOf(column) + 1;
}

export function loans(count: number, seed = 20250630): LoanRecord[] {
  return [...generateLoans(count, seed)];
}

export function rowsOf(records: readonly LoanRecord[]): string[][] {
  return records.map((record) => recordToCells(record));
}

/** Sets one cell of a row (by template column). */
export function withCell(row: readonly string[], column: TapeColumn, value: string): string[] {
  const copy = [...row];
  copy[col(column) - 1] = value;
  return copy;
}

function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** CSV text of a header and rows; `eol` between records and after the last one (unless `noFinalEol`). */
export function csvText(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { readonly eol?: string; readonly noFinalEol?: boolean } = {},
): string {
  const eol = options.eol ?? "\n";
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(","));
  return lines.join(eol) + (options.noFinalEol === true ? "" : eol);
}

export function gbk(text: string): Buffer {
  return iconv.encode(text, "gbk");
}

/** Validates bytes (or text, as UTF-8) given in chunks of `chunkSize` bytes (default: one chunk). */
export function validate(
  data: Buffer | string,
  options: ValidateTapeOptions = {},
  chunkSize?: number,
): Promise<TapeValidationResult> {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const chunks: Buffer[] = [];
  const size = chunkSize ?? Math.max(1, bytes.length);
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return validateTape(Readable.from(chunks), options);
}

/** The issues as compact `[code, row, column]` triples, for exact assertions. */
export function where(result: TapeValidationResult): [string, number, number | undefined][] {
  return result.errors.map((issue) => [issue.code, issue.row, issue.column]);
}
