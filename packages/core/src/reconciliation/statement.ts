/**
 * Bank statements of the trust's account at the custodian bank, in two formats, parsed line by line
 * into `BankLine`s, every field checked with zod (the error names the line, the field, what was expected
 * and what was found; nothing is returned from a statement with any bad line):
 *
 * CSV, UTF-8, with this header (any column order):
 *   value_date,direction,amount,reference,description
 *   2026-11-24,credit,1000000.00,SUB-INV1-0001,Subscription investor-1
 * `direction` is `credit` (money into the account) or `debit`; `amount` is positive, in currency units
 * with at most 2 decimals; `reference` is the bank's transaction reference (what the custodian cites,
 * hashed, as the cash token's `bankRef`).
 *
 * MT940-style (SWIFT customer statement, the subset banks export for one account):
 *   :20:<statement id>   :25:<account>   :28C:<sequence>   :60F:<C|D><YYMMDD><CCY><amount>
 *   :61:<YYMMDD>[<MMDD>]<C|D><amount>N<3-char type><reference>[//<bank ref>]   (one per movement)
 *   :86:<description>    (optional, after its :61:)
 *   :62F:<C|D><YYMMDD><CCY><amount>
 * Amounts use a decimal comma (`1000000,00`). The closing balance must equal the opening balance plus
 * the credits minus the debits, to the cent.
 */
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { parseIsoDate } from "../iso-date";
import { parseCents } from "../money";
import { describeZodIssues } from "../zod-issues";
import { ReconciliationError } from "./errors";

/** One movement on the bank statement. */
export interface BankLine {
  /** 1-based line (CSV: record line including the header; MT940: the `:61:` line). */
  readonly line: number;
  /** Value date, yyyy-mm-dd. */
  readonly valueDate: string;
  readonly direction: "credit" | "debit";
  /** Positive amount in cents. */
  readonly amountCents: bigint;
  /** The bank's transaction reference. */
  readonly reference: string;
  readonly description: string;
}

/** A parsed statement. */
export interface BankStatement {
  /** The statement's id (MT940 `:20:`; for CSV, given by the caller). */
  readonly statementId: string;
  readonly lines: readonly BankLine[];
}

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9\-_.:/]{0,63}$/;

const isoDate = z.string().refine((s) => parseIsoDate(s) !== undefined, "expected a calendar date yyyy-mm-dd");
const positiveCents = z.string().transform((text, ctx) => {
  let cents: bigint;
  try {
    cents = parseCents(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
  if (cents <= 0n) {
    ctx.addIssue({ code: "custom", message: `expected an amount above 0.00, found ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return cents;
});
const reference = z
  .string()
  .regex(REFERENCE, "expected a bank reference of 1-64 letters, digits or - _ . : / (starting with a letter or digit)");

const csvRow = z.strictObject({
  value_date: isoDate,
  direction: z.enum(["credit", "debit"]),
  amount: positiveCents,
  reference,
  description: z.string().max(256, "expected at most 256 characters"),
});

function lineError(line: number, error: z.ZodError): ReconciliationError {
  return new ReconciliationError("STATEMENT_LINE_INVALID", `Statement line ${line}: ${describeZodIssues(error)}`, line);
}

/** Parse a CSV statement (see the module comment). */
export function parseCsvStatement(text: string, statementId: string): BankStatement {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new ReconciliationError(
      "STATEMENT_FORMAT_INVALID",
      `Statement is not valid CSV: ${error instanceof Error ? error.message : String(error)}`,
      undefined,
      { cause: error },
    );
  }
  const lines: BankLine[] = [];
  records.forEach((record, i) => {
    const line = i + 2; // the header is line 1
    const parsed = csvRow.safeParse(record);
    if (!parsed.success) throw lineError(line, parsed.error);
    const r = parsed.data;
    lines.push({
      line,
      valueDate: r.value_date,
      direction: r.direction,
      amountCents: r.amount,
      reference: r.reference,
      description: r.description,
    });
  });
  return { statementId, lines };
}

const MT_LINE = /^(\d{2})(\d{2})(\d{2})(\d{4})?(C|D)(\d{1,15},\d{0,2})N([A-Z0-9]{3})([^/]{1,16})(?:\/\/(.{0,16}))?$/;
const MT_BALANCE = /^(C|D)(\d{2})(\d{2})(\d{2})([A-Z]{3})(\d{1,15},\d{0,2})$/;

function mtAmount(text: string, line: number, field: string): bigint {
  const decimal = text.replace(",", ".");
  try {
    return parseCents(decimal.endsWith(".") ? decimal.slice(0, -1) : decimal);
  } catch (error) {
    throw new ReconciliationError(
      "STATEMENT_LINE_INVALID",
      `Statement line ${line}, ${field}: expected an amount like 1000,00, found ${JSON.stringify(text)}`,
      line,
      { cause: error },
    );
  }
}

function mtDate(yy: string, mm: string, dd: string, line: number, field: string): string {
  const iso = `20${yy}-${mm}-${dd}`;
  if (parseIsoDate(iso) === undefined) {
    throw new ReconciliationError(
      "STATEMENT_LINE_INVALID",
      `Statement line ${line}, ${field}: expected a date YYMMDD, found ${JSON.stringify(yy + mm + dd)}`,
      line,
    );
  }
  return iso;
}

/** Parse an MT940-style statement (see the module comment). */
export function parseMt940Statement(text: string): BankStatement {
  const raw = text.split(/\r?\n/);
  let statementId: string | undefined;
  let opening: bigint | undefined;
  let closing: bigint | undefined;
  let closingLine = 0;
  const lines: BankLine[] = [];
  let last: { index: number } | undefined;
  raw.forEach((content, i) => {
    const n = i + 1;
    const text = content.trim();
    if (text === "" || text === "-") return;
    const tag = /^:(\d{2}[A-Z]?):(.*)$/.exec(text);
    if (!tag) {
      throw new ReconciliationError(
        "STATEMENT_LINE_INVALID",
        `Statement line ${n}: expected a field such as ":61:...", found ${JSON.stringify(text.slice(0, 40))}`,
        n,
      );
    }
    const [, code = "", value = ""] = tag;
    if (code === "20") statementId = value;
    else if (code === "25" || code === "28C") return;
    else if (code === "60F" || code === "62F" || code === "60M" || code === "62M") {
      const m = MT_BALANCE.exec(value);
      if (!m) {
        throw new ReconciliationError(
          "STATEMENT_LINE_INVALID",
          `Statement line ${n}, :${code}: balance: expected C|D YYMMDD CCY amount (e.g. C261124CNY1000,00), found ${JSON.stringify(value)}`,
          n,
        );
      }
      const [, sign = "C", yy = "", mm = "", dd = "", , amount = ""] = m;
      mtDate(yy, mm, dd, n, `:${code}: date`);
      const cents = mtAmount(amount, n, `:${code}: amount`) * (sign === "D" ? -1n : 1n);
      if (code.startsWith("60")) opening = cents;
      else {
        closing = cents;
        closingLine = n;
      }
    } else if (code === "61") {
      const m = MT_LINE.exec(value);
      if (!m) {
        throw new ReconciliationError(
          "STATEMENT_LINE_INVALID",
          `Statement line ${n}, :61: movement: expected YYMMDD[MMDD] C|D amount N type reference[//bank ref] (e.g. 2611241124C1000,00NTRFSUB-0001), found ${JSON.stringify(value)}`,
          n,
        );
      }
      const [, yy = "", mm = "", dd = "", , dc = "C", amount = "", , ref = ""] = m;
      const parsedRef = reference.safeParse(ref.trim());
      if (!parsedRef.success) {
        throw new ReconciliationError(
          "STATEMENT_LINE_INVALID",
          `Statement line ${n}, :61: reference: ${describeZodIssues(parsedRef.error)}`,
          n,
        );
      }
      const cents = mtAmount(amount, n, ":61: amount");
      if (cents <= 0n) {
        throw new ReconciliationError(
          "STATEMENT_LINE_INVALID",
          `Statement line ${n}, :61: amount: expected an amount above 0,00, found ${JSON.stringify(amount)}`,
          n,
        );
      }
      lines.push({
        line: n,
        valueDate: mtDate(yy, mm, dd, n, ":61: value date"),
        direction: dc === "C" ? "credit" : "debit",
        amountCents: cents,
        reference: parsedRef.data,
        description: "",
      });
      last = { index: lines.length - 1 };
      return;
    } else if (code === "86") {
      const target = last === undefined ? undefined : lines[last.index];
      if (target === undefined) {
        throw new ReconciliationError(
          "STATEMENT_LINE_INVALID",
          `Statement line ${n}: expected :86: to follow a :61: movement, found it before any`,
          n,
        );
      }
      lines[last?.index ?? 0] = { ...target, description: value.slice(0, 256) };
    } else {
      throw new ReconciliationError(
        "STATEMENT_LINE_INVALID",
        `Statement line ${n}: expected one of :20: :25: :28C: :60F: :61: :86: :62F:, found :${code}:`,
        n,
      );
    }
    last = code === "86" ? undefined : last;
  });
  if (statementId === undefined || statementId === "") {
    throw new ReconciliationError("STATEMENT_FORMAT_INVALID", "Statement: expected a :20: statement id, found none");
  }
  if (opening === undefined || closing === undefined) {
    throw new ReconciliationError(
      "STATEMENT_FORMAT_INVALID",
      `Statement ${statementId}: expected an opening (:60F:) and a closing (:62F:) balance, found ${opening === undefined ? "no opening" : "no closing"}`,
    );
  }
  const net = lines.reduce((sum, l) => sum + (l.direction === "credit" ? l.amountCents : -l.amountCents), 0n);
  if (opening + net !== closing) {
    throw new ReconciliationError(
      "STATEMENT_BALANCE_MISMATCH",
      `Statement ${statementId}: the closing balance (line ${closingLine}) should be opening ${opening} + movements ${net} = ${opening + net} cents, found ${closing}`,
      closingLine,
    );
  }
  return { statementId, lines };
}
