/**
 * The malformed-tape corpus: one broken tape per class of mistake an originator (or an attacker) can make,
 * each with the first issue every path must report for it: the code, the row (the line the record starts
 * on) and, for a cell, the column. Built from a valid template tape with personal data, so that a broken
 * tape differs from a good one by its one mistake. Used by the abuse suite (test/e2e/tape-abuse.test.ts),
 * which sends each through the originator's node and through `abs tape validate`.
 */
import { PassThrough } from "node:stream";
import iconv from "iconv-lite";
import { generateLoans, writeTapeCsv } from "@abs/core";

export interface MalformedTape {
  name: string;
  /** File name (the CLI reads the format from the content; the extension is for people) */
  file: string;
  bytes: Buffer;
  /** The first issue, as [code, row, column] (column undefined for row- and file-level issues) */
  first: [code: string, row: number, column: number | undefined];
}

/** The base tape: 12 loans with personal data, as `abs tape generate` writes them. */
export async function baseTape(): Promise<string[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await writeTapeCsv(generateLoans(12, 2026, { asOfDate: "2026-06-30" }), out, { personalData: true });
  out.end();
  return Buffer.concat(chunks).toString("utf8").trimEnd().split("\n");
}

/** 1-based column of `name` in the base header. */
function colOf(header: string, name: string): number {
  const at = header.split(",").indexOf(name);
  if (at < 0) throw new Error(`no column ${name}`);
  return at + 1;
}

/** Build the corpus from the base tape's lines (header first). Row 3 is the tape's second loan. */
export function malformedTapes(lines: readonly string[]): MalformedTape[] {
  const [header = "", ...rows] = lines;
  const csv = (ls: readonly string[]) => Buffer.from(ls.join("\n") + "\n", "utf8");
  /** The tape with one cell of file row `row` replaced. */
  const withCell = (row: number, column: string, value: string): Buffer => {
    const c = colOf(header, column) - 1;
    return csv(
      lines.map((line, i) => {
        if (i !== row - 1) return line;
        const cells = line.split(",");
        cells[c] = value;
        return cells.join(",");
      }),
    );
  };
  const cell = (name: string, column: string, value: string, code = "TAPE_VALUE_INVALID"): MalformedTape => ({
    name,
    file: "tape.csv",
    bytes: withCell(3, column, value),
    first: [code, 3, colOf(header, column)],
  });
  const row3 = rows[1] ?? "";
  const jsonRows = rows.slice(0, 4).map((line) => {
    const names = header.split(",");
    return Object.fromEntries(line.split(",").map((v, i) => [names[i] ?? `c${i}`, v]));
  });
  const jsonl = (objects: readonly unknown[], edit?: (text: string, i: number) => string) =>
    Buffer.from(objects.map((o, i) => (edit ? edit(JSON.stringify(o), i) : JSON.stringify(o))).join("\n") + "\n");
  const region = colOf(header, "region") - 1;

  return [
    cell("loan id with a space and a bang", "loan_id", "bad id!"),
    cell("empty loan id", "loan_id", ""),
    cell("empty national id", "national_id", ""),
    // Personal data is checked for what the borrower id needs (phone and name are dropped, never stored).
    cell("a national id of spaces only", "national_id", "   "),
    cell("a national id far too long", "national_id", "1".repeat(300)),
    cell("a date that does not exist", "origination_date", "2026-02-30"),
    cell("a date in another format", "maturity_date", "13/01/2027"),
    cell("a negative amount", "original_principal_yuan", "-100.00"),
    cell("an amount finer than a cent", "current_principal_yuan", "10.001"),
    cell("an amount with a thousands separator", "original_principal_yuan", '"31,700.00"'),
    cell("a rate that is no number", "annual_rate_percent", "abc"),
    cell("a rate over 100 %", "annual_rate_percent", "150"),
    cell("a term of zero months", "term_months", "0"),
    cell("a remaining term beyond any loan", "remaining_term_months", "5000"),
    cell("an unknown amortization type", "amortization_type", "annuity"),
    cell("an unknown payment frequency", "payment_frequency", "weekly"),
    cell("an unknown status", "status", "paid"),
    cell("negative days past due", "days_past_due", "-1"),
    cell("a credit grade too long", "credit_grade", "AAAAAAAAAA"),
    cell("a region with a right-to-left override (U+202E)", "region", "Zhe\u202ejiang"),
    cell("a product type with a leading space", "product_type", " consumer"),
    cell("a NUL byte in a label", "product_type", "con\u0000sumer"),
    cell("a collateral value that is no number", "collateral_value_yuan", "abc"),
    cell("a current principal above the original", "current_principal_yuan", "99999999.00", "TAPE_RULE_VIOLATED"),
    cell("a maturity before the origination", "maturity_date", "2000-01-01", "TAPE_RULE_VIOLATED"),
    {
      name: "a row with fewer cells than the header",
      file: "tape.csv",
      bytes: csv([header, rows[0] ?? "", row3.split(",").slice(0, 10).join(","), ...rows.slice(2)]),
      first: ["TAPE_ROW_FIELD_COUNT", 3, undefined],
    },
    {
      name: "a row with more cells than the header",
      file: "tape.csv",
      bytes: csv([header, rows[0] ?? "", `${row3},extra`, ...rows.slice(2)]),
      first: ["TAPE_ROW_FIELD_COUNT", 3, undefined],
    },
    {
      name: "a quote inside an unquoted cell",
      file: "tape.csv",
      bytes: withCell(3, "product_type", 'con"sumer'),
      first: ["TAPE_ROW_MALFORMED", 3, undefined],
    },
    {
      name: "characters after a closing quote",
      file: "tape.csv",
      bytes: withCell(3, "product_type", '"consumer"x'),
      first: ["TAPE_ROW_MALFORMED", 3, undefined],
    },
    {
      name: "a quote opened and never closed",
      file: "tape.csv",
      bytes: withCell(6, "product_type", '"consumer'),
      first: ["TAPE_TRUNCATED", 6, undefined],
    },
    {
      name: "a file cut short in its last record",
      file: "tape.csv",
      bytes: Buffer.from(lines.join("\n").slice(0, -40)),
      first: ["TAPE_TRUNCATED", lines.length, undefined],
    },
    {
      name: "a 2 MB cell",
      file: "tape.csv",
      bytes: withCell(3, "product_type", "x".repeat(2_000_000)),
      first: ["TAPE_ROW_MALFORMED", 3, undefined],
    },
    {
      name: "a loan id given twice",
      file: "tape.csv",
      bytes: csv([...lines, rows[3] ?? ""]),
      first: ["TAPE_DUPLICATE_LOAN_ID", lines.length + 1, 1],
    },
    {
      name: "a required column missing",
      file: "tape.csv",
      bytes: csv(
        lines.map((l) =>
          l
            .split(",")
            .filter((_, i) => i !== colOf(header, "region") - 1)
            .join(","),
        ),
      ),
      first: ["TAPE_COLUMN_MISSING", 1, undefined],
    },
    {
      name: "an unknown column",
      file: "tape.csv",
      bytes: csv(lines.map((l, i) => `${l},${i === 0 ? "nickname" : "x"}`)),
      first: ["TAPE_COLUMN_UNKNOWN", 1, colOf(header, "collateral_value_yuan") + 1],
    },
    {
      name: "a column named twice",
      file: "tape.csv",
      bytes: csv(lines.map((l, i) => `${l},${i === 0 ? "region" : "Zhejiang"}`)),
      first: ["TAPE_COLUMN_DUPLICATE", 1, colOf(header, "collateral_value_yuan") + 1],
    },
    { name: "an empty file", file: "tape.csv", bytes: Buffer.alloc(0), first: ["TAPE_EMPTY", 1, undefined] },
    { name: "a header and no loans", file: "tape.csv", bytes: csv([header]), first: ["TAPE_NO_ROWS", 2, undefined] },
    {
      name: "GBK bytes in a UTF-8 tape",
      file: "tape.csv",
      bytes: (() => {
        const cells = row3.split(",");
        cells[region] = "@@";
        const [before = "", after = ""] = [header, rows[0] ?? "", cells.join(","), ...rows.slice(2)]
          .join("\n")
          .split("@@");
        return Buffer.concat([Buffer.from(before), Buffer.from([0xd5, 0xc5]), Buffer.from(`${after}\n`)]);
      })(),
      first: ["TAPE_ENCODING_INVALID", 3, region + 1],
    },
    {
      name: "UTF-8 rows in a GBK tape",
      file: "tape.csv",
      bytes: Buffer.concat([iconv.encode(lines.slice(0, 8).join("\n") + "\n", "gbk"), csv(lines.slice(8))]),
      first: ["TAPE_ENCODING_MIXED", 9, undefined],
    },
    {
      name: "JSON Lines: a key given twice",
      file: "tape.jsonl",
      bytes: jsonl(jsonRows, (t, i) => (i === 1 ? t.replace(/}$/, ',"status":"current"}') : t)),
      first: ["TAPE_FIELD_DUPLICATE", 2, undefined],
    },
    {
      name: "JSON Lines: a line that is not JSON",
      file: "tape.jsonl",
      bytes: jsonl(jsonRows, (t, i) => (i === 2 ? t.slice(0, -1) + "," : t)),
      first: ["TAPE_ROW_MALFORMED", 3, undefined],
    },
    {
      name: "JSON Lines: a required key missing",
      file: "tape.jsonl",
      bytes: jsonl(
        jsonRows.map((o, i) => (i === 1 ? Object.fromEntries(Object.entries(o).filter(([k]) => k !== "status")) : o)),
      ),
      first: ["TAPE_FIELD_MISSING", 2, undefined],
    },
    {
      name: "JSON Lines: an amount as a JSON number",
      file: "tape.jsonl",
      bytes: jsonl(jsonRows.map((o, i) => (i === 0 ? { ...o, current_principal_yuan: 12.5 } : o))),
      first: ["TAPE_VALUE_INVALID", 1, undefined],
    },
    {
      name: "JSON Lines: an array instead of an object",
      file: "tape.jsonl",
      bytes: jsonl(jsonRows, (t, i) => (i === 3 ? "[1, 2]" : t)),
      first: ["TAPE_ROW_MALFORMED", 4, undefined],
    },
  ];
}
