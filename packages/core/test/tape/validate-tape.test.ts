import { expect } from "chai";
import { type LoanRecord } from "../../src/loan-record";
import { formatCents } from "../../src/money";
import { commitTape } from "../../src/tape-commitment";
import { summarizeTape } from "../../src/tape-summary";
import { parseColumnMapping } from "../../src/tape/column-mapping";
import { REGION_NAMES_ZH, writeTapeCsv } from "../../src/tape/csv-writer";
import { pseudonymousBorrowerId } from "../../src/tape/pseudonymise";
import { TAPE_COLUMNS } from "../../src/tape/template";
import { PassThrough } from "node:stream";
import { HEADER, KEY, col, csvText, gbk, loans, rowsOf, validate, where, withCell } from "./fixtures";

const COMMIT = { saltKey: KEY, borrowerKey: KEY };

async function bytesOf(write: (out: PassThrough) => Promise<unknown>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  await write(out);
  out.end();
  return Buffer.concat(chunks);
}

describe("tape/validateTape", () => {
  const records = loans(300);
  const rows = rowsOf(records);

  describe("a valid tape", () => {
    it("is valid, and its root and summary are those of its records", async () => {
      const result = await validate(csvText(HEADER, rows), COMMIT);
      expect(result.errors).to.deep.equal([]);
      expect(result.valid).to.equal(true);
      expect(result.rows).to.equal(300);
      expect(result.root).to.equal(commitTape(records, { saltKey: KEY }).root);
      const summary = summarizeTape(records);
      expect(result.summary).to.include({
        format: "csv",
        encoding: "utf8",
        bom: false,
        rows: 300,
        validRows: 300,
        invalidRows: 0,
        errorCount: 0,
        stoppedEarly: false,
        totalPrincipalCents: summary.totalPrincipalCents,
        waRateWad: summary.waRateWad,
        waRemainingTermMonthsWad: summary.waRemainingTermMonthsWad,
      });
      expect(result.commitment?.tree.length).to.equal(300);
    });

    it("hands each committed loan to onLoan in leaf order, awaiting it", async () => {
      const seen: { leaf: string; leafIndex: number; loanId: string }[] = [];
      const result = await validate(csvText(HEADER, rows), {
        ...COMMIT,
        onLoan: async ({ record, leaf, leafIndex }) => {
          await new Promise((resolve) => setImmediate(resolve));
          seen.push({ leaf, leafIndex, loanId: record.loanId });
        },
      });
      expect(result.valid).to.equal(true);
      expect(seen.map((s) => s.leafIndex)).to.deep.equal(records.map((_, i) => i));
      expect(seen.map((s) => s.loanId)).to.deep.equal(records.map((r) => r.loanId));
      expect(seen.map((s) => s.leaf)).to.deep.equal(records.map((_, i) => result.commitment?.tree.leafAt(i)));
    });

    it("stops calling onLoan at the first issue", async () => {
      const bad = rows.map((row, i) => (i === 10 ? withCell(row, "current_principal_yuan", "-1") : row));
      let calls = 0;
      const result = await validate(csvText(HEADER, bad), { ...COMMIT, onLoan: () => void (calls += 1) });
      expect(result.valid).to.equal(false);
      expect(calls).to.equal(10);
    });

    it("gives no root without a salt key", async () => {
      const result = await validate(csvText(HEADER, rows));
      expect(result.valid).to.equal(true);
      expect(result).not.to.have.property("root");
    });

    it("reads a UTF-8 BOM, CRLF line ends and quoted cells with commas and quotes", async () => {
      const quoted = rows.slice(0, 20).map((row, i) => (i === 3 ? withCell(row, "product_type", 'auto, "used"') : row));
      const text = "\uFEFF" + csvText(HEADER, quoted, { eol: "\r\n" });
      const result = await validate(text, COMMIT);
      expect(result.errors).to.deep.equal([]);
      expect(result.summary.bom).to.equal(true);
      const expected = records
        .slice(0, 20)
        .map((record, i) => (i === 3 ? { ...record, productType: 'auto, "used"' } : record));
      expect(result.root).to.equal(commitTape(expected, { saltKey: KEY }).root);
    });

    it("reads line ends mixed in one file: CRLF and LF alternating, a CRLF header over LF rows", async () => {
      const alternating = [HEADER, ...rows.slice(0, 12)]
        .map((cells, i) => cells.join(",") + (i % 2 === 0 ? "\r\n" : "\n"))
        .join("");
      const headerOnlyCrlf =
        HEADER.join(",") +
        "\r\n" +
        rows
          .slice(0, 12)
          .map((cells) => cells.join(",") + "\n")
          .join("");
      for (const text of [alternating, headerOnlyCrlf]) {
        const result = await validate(text, COMMIT);
        expect(result.errors).to.deep.equal([]);
        expect(result.root).to.equal(commitTape(records.slice(0, 12), { saltKey: KEY }).root);
      }
    });

    it("names a record too long for what it is (not 'a quote is missing') at its own row, whatever the chunking", async () => {
      const long = [rows[0] ?? [], withCell(rows[1] ?? [], "product_type", "x".repeat(1_100_000))];
      const text = csvText(HEADER, long);
      for (const size of [undefined, 4096]) {
        const result = await validate(text, {}, size);
        expect(where(result)).to.deep.equal([["TAPE_ROW_MALFORMED", 3, undefined]]);
        expect(result.errors[0]?.found).to.match(
          /^a record longer than that \(one very long cell, or a quote that is never closed\)/,
        );
      }
    });

    it("gives the same result whatever the chunking, down to one byte at a time", async () => {
      const text = "\uFEFF" + csvText(HEADER, rows.slice(0, 15), { eol: "\r\n" });
      const whole = await validate(text, COMMIT);
      const bytewise = await validate(text, COMMIT, 1);
      expect(bytewise.root).to.equal(whole.root).and.to.be.a("string");
    });

    it("accepts headers in any order and case, and without the optional collateral columns", async () => {
      const order = [...TAPE_COLUMNS].reverse().filter((name) => !name.startsWith("collateral"));
      const unsecured = records.filter((record) => record.collateralType === undefined).slice(0, 30);
      const shuffled = rowsOf(unsecured).map((row) => order.map((name) => row[TAPE_COLUMNS.indexOf(name)] ?? ""));
      const result = await validate(
        csvText(
          order.map((name) => name.toUpperCase()),
          shuffled,
        ),
        COMMIT,
      );
      expect(result.errors).to.deep.equal([]);
      expect(result.root).to.equal(commitTape(unsecured, { saltKey: KEY }).root);
    });

    it("skips blank lines but keeps counting them in row numbers", async () => {
      const text = csvText(HEADER, rows.slice(0, 3)).replace(/\n/, "\n\n\n");
      const broken = text.replace(rows[1]?.[col("loan_id") - 1] ?? "?", "bad id!");
      const result = await validate(broken);
      expect(result.rows).to.equal(3);
      expect(where(result)).to.deep.equal([["TAPE_VALUE_INVALID", 5, col("loan_id")]]);
    });
  });

  describe("encodings", () => {
    const chinese = records
      .slice(0, 40)
      .map((record) => ({ ...record, region: REGION_NAMES_ZH[record.region] ?? "?" }));

    it("detects GBK and decodes Chinese region names correctly", async () => {
      const data = gbk(csvText(HEADER, rowsOf(chinese)));
      const result = await validate(data, COMMIT, 7);
      expect(result.errors).to.deep.equal([]);
      expect(result.summary.encoding).to.equal("gbk");
      expect(result.root).to.equal(commitTape(chinese, { saltKey: KEY }).root);
    });

    it("detects UTF-8 Chinese, and reads declared GBK the same as detected", async () => {
      const utf8 = await validate(csvText(HEADER, rowsOf(chinese)), COMMIT, 5);
      expect(utf8.summary.encoding).to.equal("utf8");
      expect(utf8.root).to.equal(commitTape(chinese, { saltKey: KEY }).root);
      const declared = await validate(gbk(csvText(HEADER, rowsOf(chinese))), { ...COMMIT, encoding: "gbk" });
      expect(declared.root).to.equal(utf8.root);
    });

    it("writes a GBK tape that validates to the same root as its records with Chinese regions", async () => {
      const data = await bytesOf((out) => writeTapeCsv(records.slice(0, 40), out, { encoding: "gbk" }));
      const result = await validate(data, COMMIT);
      expect(result.summary.encoding).to.equal("gbk");
      expect(result.root).to.equal(commitTape(chinese, { saltKey: KEY }).root);
    });

    it("refuses a GBK tape with a UTF-8 row, naming the row and the byte offset; plain GBK passes", async () => {
      const gbkPart = gbk(csvText(HEADER, rowsOf(chinese.slice(0, 30))));
      const [late = chinese[0]] = chinese.slice(30, 31);
      if (late === undefined) throw new Error("no record");
      const utf8Row = Buffer.from(csvText(HEADER, rowsOf([late])).split("\n")[1] + "\n", "utf8");
      const mixed = Buffer.concat([gbkPart, utf8Row]);
      const result = await validate(mixed, COMMIT, 9);
      expect(result.valid).to.equal(false);
      expect(result).not.to.have.property("root");
      expect(result.errors.map((e) => [e.code, e.row])).to.deep.equal([["TAPE_ENCODING_MIXED", 32]]);
      const offset = gbkPart.length + utf8Row.indexOf(Buffer.from(late.region, "utf8"));
      expect(result.errors[0]?.found).to.equal(`UTF-8 text from byte offset ${offset}`);
      // Many GBK tapes of Chinese labels: never taken for mixed.
      const many = records.map((record) => ({
        ...record,
        region: REGION_NAMES_ZH[record.region] ?? "?",
        productType: "汽车贷款",
      }));
      const clean = await validate(gbk(csvText(HEADER, rowsOf(many))), COMMIT);
      expect(clean.errors).to.deep.equal([]);
      expect(clean.summary.encoding).to.equal("gbk");
    });

    it("reports each cell of a GBK tape declared as UTF-8, with row and column", async () => {
      const data = gbk(csvText(HEADER, rowsOf(chinese.slice(0, 4))));
      const result = await validate(data, { encoding: "utf8" });
      expect(result.valid).to.equal(false);
      expect(where(result)).to.deep.equal([2, 3, 4, 5].map((row) => ["TAPE_ENCODING_INVALID", row, col("region")]));
      expect(result.errors[0]?.found).to.equal("bytes that are not valid UTF-8");
    });

    it("reports a GBK row in an otherwise UTF-8 tape", async () => {
      const head = Buffer.from(csvText(HEADER, rowsOf(chinese.slice(0, 3))), "utf8");
      const tail = gbk(csvText([], rowsOf(chinese.slice(3, 4))).replace(/^\n/, ""));
      const result = await validate(Buffer.concat([head, tail]));
      expect(result.summary.encoding).to.equal("utf8");
      expect(where(result)).to.deep.equal([["TAPE_ENCODING_INVALID", 5, col("region")]]);
    });
  });

  describe("the bad-tape corpus", () => {
    it("an empty file", async () => {
      const result = await validate("");
      expect(where(result)).to.deep.equal([["TAPE_EMPTY", 1, undefined]]);
      expect(result.valid).to.equal(false);
    });

    it("a header and no rows", async () => {
      const result = await validate(csvText(HEADER, []), COMMIT);
      expect(where(result)).to.deep.equal([["TAPE_NO_ROWS", 2, undefined]]);
      expect(result).not.to.have.property("root");
    });

    it("a last line cut mid-record", async () => {
      const text = csvText(HEADER, rows.slice(0, 10));
      const cut = text.slice(0, text.length - 40);
      const result = await validate(cut, COMMIT);
      expect(where(result)).to.deep.equal([["TAPE_TRUNCATED", 11, undefined]]);
      expect(result.errors[0]?.expected).to.equal(
        `${HEADER.length} cells and a line break at the end of the last record`,
      );
      expect(result).not.to.have.property("root");
    });

    it("an unterminated quote at the end of the file", async () => {
      const text = csvText(HEADER, rows.slice(0, 5)) + `${rows[5]?.slice(0, 4).join(",")},"12`;
      const result = await validate(text);
      expect(where(result)).to.deep.equal([["TAPE_TRUNCATED", 7, undefined]]);
    });

    it("a stray quote inside a cell, and the next rows still checked", async () => {
      const bad = withCell(rows[1] ?? [], "region", "x");
      const text = csvText(HEADER, [rows[0] ?? [], bad, rows[2] ?? []]).replace(",x,", ',x"y,');
      const result = await validate(text);
      expect(where(result)).to.deep.equal([["TAPE_ROW_MALFORMED", 3, undefined]]);
      expect(result.rows).to.equal(2);
    });

    it("missing, extra and duplicate columns, each reported once with names", async () => {
      const header = [...HEADER.filter((name) => name !== "maturity_date" && name !== "status"), "notes", "region"];
      const body = rows
        .slice(0, 50)
        .map((row) => [
          ...row.filter((_, i) => HEADER[i] !== "maturity_date" && HEADER[i] !== "status"),
          "free text",
          "Beijing",
        ]);
      const result = await validate(csvText(header, body));
      expect(result.errors.map((e) => [e.code, e.row, e.column, e.columnName ?? e.field])).to.deep.equal([
        ["TAPE_COLUMN_UNKNOWN", 1, 17, "notes"],
        ["TAPE_COLUMN_DUPLICATE", 1, 18, "region"],
        ["TAPE_COLUMN_MISSING", 1, undefined, "maturity_date"],
        ["TAPE_COLUMN_MISSING", 1, undefined, "status"],
      ]);
      expect(result.errors[1]?.found).to.equal('"region" again (already column 13)');
    });

    it("rows with missing or extra cells", async () => {
      const body = rows.slice(0, 5).map((row, i) => (i === 1 ? row.slice(0, -1) : i === 3 ? [...row, "x"] : row));
      const result = await validate(csvText(HEADER, body));
      expect(where(result)).to.deep.equal([
        ["TAPE_ROW_FIELD_COUNT", 3, undefined],
        ["TAPE_ROW_FIELD_COUNT", 5, undefined],
      ]);
      expect(result.errors[0]?.found).to.equal("17 cells (missing values, or a delimiter inside an unquoted cell)");
    });

    it("bad dates", async () => {
      const body = [
        withCell(rows[0] ?? [], "origination_date", "2023-02-29"),
        withCell(rows[1] ?? [], "maturity_date", "2027/01/01"),
        withCell(rows[2] ?? [], "origination_date", "1969-12-31"),
      ];
      const result = await validate(csvText(HEADER, body));
      expect(where(result)).to.deep.equal([
        ["TAPE_VALUE_INVALID", 2, col("origination_date")],
        ["TAPE_VALUE_INVALID", 3, col("maturity_date")],
        ["TAPE_VALUE_INVALID", 4, col("origination_date")],
      ]);
      expect(result.errors[1]?.message).to.equal(
        'TAPE_VALUE_INVALID at row 3 column 4 "maturity_date": expected a calendar date yyyy-mm-dd on or after 1970-01-01, found "2027/01/01"',
      );
    });

    it("negative, non-numeric and over-precise amounts, and a rate with a % sign", async () => {
      const body = [
        withCell(rows[0] ?? [], "original_principal_yuan", "-5000.00"),
        withCell(rows[1] ?? [], "current_principal_yuan", "abc"),
        withCell(rows[2] ?? [], "current_principal_yuan", "1,000.00"),
        withCell(rows[3] ?? [], "original_principal_yuan", "100.005"),
        withCell(rows[4] ?? [], "annual_rate_percent", "4.35%"),
        withCell(rows[5] ?? [], "original_principal_yuan", "0.00"),
      ];
      const result = await validate(csvText(HEADER, body));
      expect(where(result)).to.deep.equal([
        ["TAPE_VALUE_INVALID", 2, col("original_principal_yuan")],
        ["TAPE_VALUE_INVALID", 3, col("current_principal_yuan")],
        ["TAPE_VALUE_INVALID", 4, col("current_principal_yuan")],
        ["TAPE_VALUE_INVALID", 5, col("original_principal_yuan")],
        ["TAPE_VALUE_INVALID", 6, col("annual_rate_percent")],
        ["TAPE_VALUE_INVALID", 7, col("original_principal_yuan")],
      ]);
      expect(result.errors[0]?.found).to.equal('"-5000.00"');
      expect(result.errors[0]?.expected).to.match(/^an amount in yuan from 0.01, /);
    });

    it("every bad cell of a row, not just the first", async () => {
      let row = withCell(rows[0] ?? [], "term_months", "twelve");
      row = withCell(row, "status", "late");
      row = withCell(row, "credit_grade", "");
      const result = await validate(csvText(HEADER, [row]));
      expect(where(result)).to.deep.equal([
        ["TAPE_VALUE_INVALID", 2, col("term_months")],
        ["TAPE_VALUE_INVALID", 2, col("status")],
        ["TAPE_VALUE_INVALID", 2, col("credit_grade")],
      ]);
      expect(result.errors[2]?.found).to.equal("an empty cell");
    });

    it("cross-field rules in the template's terms", async () => {
      const record = records.find((r) => r.status === "current" && r.currentPrincipalCents > 0n) ?? records[0];
      if (record === undefined) throw new Error("no record");
      const [row] = rowsOf([record]);
      const tooMuch = withCell(row ?? [], "current_principal_yuan", formatCents(record.originalPrincipalCents + 1n));
      const tooLong = withCell(row ?? [], "remaining_term_months", String(record.termMonths + 1));
      const result = await validate(csvText(HEADER, [tooMuch, withCell(tooLong, "loan_id", "X2")]));
      expect(where(result)).to.deep.equal([
        ["TAPE_RULE_VIOLATED", 2, col("current_principal_yuan")],
        ["TAPE_RULE_VIOLATED", 3, col("remaining_term_months")],
      ]);
      expect(result.errors[0]?.expected).to.equal(
        `at most original_principal_yuan (${formatCents(record.originalPrincipalCents)})`,
      );
      expect(result.errors[0]?.found).to.equal(formatCents(record.originalPrincipalCents + 1n));
      expect(result.errors[1]?.expected).to.equal(`at most term_months (${record.termMonths})`);
    });

    it("duplicate loan ids, naming the first row", async () => {
      const body = rows.slice(0, 6).map((row, i) => (i === 4 ? withCell(row, "loan_id", rows[1]?.[0] ?? "") : row));
      const result = await validate(csvText(HEADER, body), COMMIT);
      expect(where(result)).to.deep.equal([["TAPE_DUPLICATE_LOAN_ID", 6, col("loan_id")]]);
      expect(result.errors[0]?.found).to.equal(`"${rows[1]?.[0]}" again (first at row 3)`);
      expect(result.summary).to.include({ validRows: 5, invalidRows: 1 });
      expect(result).not.to.have.property("root");
    });

    it("a quoted line break inside a cell: the error names the record's first line, later rows shift", async () => {
      const body = [
        rows[0] ?? [],
        withCell(rows[1] ?? [], "region", "Bei\njing"),
        rows[2] ?? [],
        withCell(rows[3] ?? [], "loan_id", ""),
      ];
      const result = await validate(csvText(HEADER, body));
      expect(where(result)).to.deep.equal([
        ["TAPE_VALUE_INVALID", 3, col("region")],
        ["TAPE_VALUE_INVALID", 6, col("loan_id")],
      ]);
    });

    it("a quoted CRLF or lone CR inside a cell counts as one line, as an editor shows the file", async () => {
      const body = [
        withCell(rows[0] ?? [], "region", "Bei\r\njing"),
        withCell(rows[1] ?? [], "region", "Shang\rhai"),
        withCell(rows[2] ?? [], "loan_id", ""),
      ];
      const result = await validate(csvText(HEADER, body, { eol: "\r\n" }));
      expect(where(result)).to.deep.equal([
        ["TAPE_VALUE_INVALID", 2, col("region")],
        ["TAPE_VALUE_INVALID", 4, col("region")],
        ["TAPE_VALUE_INVALID", 6, col("loan_id")],
      ]);
    });

    it("100 bad rows in 10,000: every one reported at its row and column, nothing committed", async function () {
      this.timeout(120_000);
      const big = rowsOf(loans(10_000, 7));
      const expected: [string, number, number | undefined][] = [];
      const faults: readonly ((row: string[], index: number) => [string[], string, number | undefined])[] = [
        (row) => [
          withCell(row, "original_principal_yuan", "-1.00"),
          "TAPE_VALUE_INVALID",
          col("original_principal_yuan"),
        ],
        (row) => [withCell(row, "origination_date", "2024-02-30"), "TAPE_VALUE_INVALID", col("origination_date")],
        (row) => [withCell(row, "current_principal_yuan", "n/a"), "TAPE_VALUE_INVALID", col("current_principal_yuan")],
        (row) => [withCell(row, "loan_id", big[0]?.[0] ?? ""), "TAPE_DUPLICATE_LOAN_ID", col("loan_id")],
        (row) => [row.slice(0, 12), "TAPE_ROW_FIELD_COUNT", undefined],
      ];
      for (let k = 0; k < 100; k++) {
        const index = 37 + k * 99;
        const fault = faults[k % faults.length];
        const row = big[index];
        if (fault === undefined || row === undefined) throw new Error("bad fixture");
        const [bad, code, column] = fault(row, index);
        big[index] = bad;
        expected.push([code, index + 2, column]);
      }
      const result = await validate(csvText(HEADER, big), COMMIT, 64 * 1024);
      expect(result.rows).to.equal(10_000);
      expect(where(result)).to.deep.equal(expected);
      expect(result.summary).to.include({ validRows: 9_900, invalidRows: 100, errorCount: 100 });
      expect(result.summary.errorsByCode).to.deep.equal({
        TAPE_VALUE_INVALID: 60,
        TAPE_DUPLICATE_LOAN_ID: 20,
        TAPE_ROW_FIELD_COUNT: 20,
      });
      expect(result.valid).to.equal(false);
      expect(result).not.to.have.property("root");
      expect(result).not.to.have.property("commitment");
    });

    it("maxErrors stops reading early and says so", async () => {
      const body = rows.map((row) => withCell(row, "status", "?"));
      const result = await validate(csvText(HEADER, body), { maxErrors: 10 });
      expect(result.errors).to.have.length(10);
      expect(result.summary.stoppedEarly).to.equal(true);
      expect(result.rows).to.be.below(300);
      expect(result.valid).to.equal(false);
    });
  });

  describe("column mapping", () => {
    it("maps the originator's own headers and takes encoding and delimiter from the mapping", async () => {
      const mapping = parseColumnMapping(
        JSON.stringify({
          columns: { 借据号: "loan_id", 地区: "region", " 当前本金 ": "current_principal_yuan" },
          encoding: "gbk",
          delimiter: ";",
        }),
      );
      const header = HEADER.map((name) =>
        name === "loan_id"
          ? "借据号"
          : name === "region"
            ? "地区"
            : name === "current_principal_yuan"
              ? "当前本金"
              : name,
      );
      const text = [header, ...rows.slice(0, 25)].map((row) => row.join(";")).join("\n") + "\n";
      const result = await validate(gbk(text), { ...COMMIT, mapping });
      expect(result.errors).to.deep.equal([]);
      expect(result.root).to.equal(commitTape(records.slice(0, 25), { saltKey: KEY }).root);
    });

    it("names the originator's header in errors", async () => {
      const mapping = parseColumnMapping(JSON.stringify({ columns: { 借据号: "loan_id" } }));
      const header = HEADER.map((name) => (name === "loan_id" ? "借据号" : name));
      const result = await validate(csvText(header, [withCell(rows[0] ?? [], "loan_id", "a b")]), { mapping });
      expect(result.errors[0]?.message).to.match(
        /^TAPE_VALUE_INVALID at row 2 column 1 "借据号" \(loan_id\): expected a loan id/,
      );
    });
  });

  describe("personal data", () => {
    const people = [
      { national_id: "11010519491231002X", phone: "138-0013-8000", borrower_name: "张三" },
      { national_id: "440524188001010014", phone: "13912345678", borrower_name: "李四" },
    ];
    const personalHeader = ["loan_id", "national_id", "phone", "borrower_name", ...HEADER.slice(2)];
    const personalRows = (count: number): string[][] =>
      rows.slice(0, count).map((row, i) => {
        const person = people[i % 2] ?? people[0];
        if (person === undefined) throw new Error("no person");
        return [row[0] ?? "", person.national_id, person.phone, person.borrower_name, ...row.slice(2)];
      });

    it("replaces them by the keyed borrower id of the national id and drops them", async () => {
      const result = await validate(csvText(personalHeader, personalRows(10)), COMMIT);
      expect(result.errors).to.deep.equal([]);
      const expected: LoanRecord[] = records.slice(0, 10).map((record, i) => ({
        ...record,
        borrowerId: pseudonymousBorrowerId(KEY, "national_id", people[i % 2]?.national_id ?? ""),
      }));
      expect(result.root).to.equal(commitTape(expected, { saltKey: KEY }).root);
    });

    it("treats national ids alike whatever the case of the check character and spacing", () => {
      expect(pseudonymousBorrowerId(KEY, "national_id", " 11010519491231002x ")).to.equal(
        pseudonymousBorrowerId(KEY, "national_id", "11010519491231002X"),
      );
      expect(pseudonymousBorrowerId(KEY, "phone", "138-0013-8000")).to.equal(
        pseudonymousBorrowerId(KEY, "phone", "13800138000"),
      );
    });

    it("never puts a personal value in an error, even from a broken row or the wrong column", async () => {
      const broken = personalRows(6);
      broken[0] = [...(broken[0] ?? [])];
      broken[0][1] = ""; // empty national id
      broken[1] = [...(broken[1] ?? []), "x"]; // extra cell
      broken[2] = withCell(broken[2] ?? [], "term_months", "x");
      const secret = "310101199001011234";
      const wrongColumn = [...HEADER];
      const misplaced = withCell(rows[0] ?? [], "borrower_id", secret);
      const personal = await validate(csvText(personalHeader, broken) + '"unclosed');
      const misplacedResult = await validate(csvText(wrongColumn, [misplaced]));
      const text = JSON.stringify([personal, misplacedResult], (_, value: unknown) =>
        typeof value === "bigint" ? value.toString() : value,
      );
      for (const value of [...people.flatMap((person) => Object.values(person)), "13800138000", secret]) {
        expect(text).not.to.include(value);
      }
      expect(personal.errors.map((e) => e.code)).to.include.members(["TAPE_VALUE_INVALID", "TAPE_ROW_FIELD_COUNT"]);
      expect(misplacedResult.errors[0]?.found).to.equal("a value of 18 characters (not shown)");
    });

    it("requires a borrower key when committing", async () => {
      let thrown: unknown;
      try {
        await validate(csvText(HEADER, rows.slice(0, 1)), { saltKey: KEY });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.have.property("code", "INVALID_ARGUMENT");
    });
  });

  describe("JSON Lines", () => {
    const jsonRow = (row: readonly string[]): Record<string, string> =>
      Object.fromEntries(HEADER.map((name, i) => [name, row[i] ?? ""]));

    it("reads a valid JSON Lines tape to the same root as the CSV", async () => {
      const text = rows
        .slice(0, 30)
        .map((row) => JSON.stringify(jsonRow(row)))
        .join("\r\n");
      const result = await validate(text, COMMIT);
      expect(result.summary.format).to.equal("jsonl");
      expect(result.errors).to.deep.equal([]);
      expect(result.root).to.equal(commitTape(records.slice(0, 30), { saltKey: KEY }).root);
    });

    it("refuses a key given twice in a row, naming it (JSON.parse would keep the last value silently)", async () => {
      const [first = [], second = [], third = []] = rows;
      const good = JSON.stringify(jsonRow(second));
      const twice = JSON.stringify(jsonRow(first)).replace(/}$/, ',"current_principal_yuan":"0.01"}');
      const escaped = JSON.stringify(jsonRow(first)).replace(/}$/, ',"\\u0073tatus":"performing"}');
      const result = await validate([good, twice, escaped, JSON.stringify(jsonRow(third))].join("\n"), COMMIT);
      expect(result.errors.map((e) => [e.code, e.row, e.columnName])).to.deep.equal([
        ["TAPE_FIELD_DUPLICATE", 2, "current_principal_yuan"],
        ["TAPE_FIELD_DUPLICATE", 3, "status"],
      ]);
      expect(result.errors[0]?.message).to.contain('the key "current_principal_yuan" twice');
      expect(result).not.to.have.property("root");
    });

    it("reports JSON numbers for amounts, missing and unknown keys, bad lines and a truncated last line", async () => {
      const lines = rows.slice(0, 6).map((row) => jsonRow(row));
      const withNumber = { ...lines[0], current_principal_yuan: 12.5 };
      const { status: _status, ...withoutStatus } = lines[1] ?? {};
      const withExtra = { ...lines[2], nickname: "x" };
      const text = [
        JSON.stringify(withNumber),
        JSON.stringify(withoutStatus),
        JSON.stringify(withExtra),
        "[1, 2]",
        "{not json",
        JSON.stringify(lines[5]).slice(0, 50),
      ].join("\n");
      const result = await validate(text);
      expect(result.errors.map((e) => [e.code, e.row, e.columnName ?? e.field])).to.deep.equal([
        ["TAPE_VALUE_INVALID", 1, "current_principal_yuan"],
        ["TAPE_FIELD_MISSING", 2, "status"],
        ["TAPE_FIELD_UNKNOWN", 3, "nickname"],
        ["TAPE_ROW_MALFORMED", 4, undefined],
        ["TAPE_ROW_MALFORMED", 5, undefined],
        ["TAPE_TRUNCATED", 6, undefined],
      ]);
      expect(result.errors[0]?.found).to.equal("the JSON number 12.5");
    });
  });
});
