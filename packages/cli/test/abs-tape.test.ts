import { expect } from "chai";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import iconv from "iconv-lite";
import { TAPE_COLUMNS, generateLoans, recordToCells } from "@abs/core";
import { abs, temporaryDirectory } from "./helpers";

interface ValidateJson {
  readonly valid: boolean;
  readonly rows: number;
  readonly root?: string;
  readonly summary: { readonly errorCount: number; readonly encoding: string };
  readonly errors: readonly { readonly code: string; readonly row: number; readonly column: number | null }[];
}

function parseJson(text: string): ValidateJson {
  return JSON.parse(text) as ValidateJson; // The CLI's own --json output, checked field by field below.
}

const KEY_HEX = "11".repeat(32);

/** Personal data planted in a tape: none of it may appear in any output. */
const PEOPLE = [
  { nationalId: "11010519491231002X", phone: "13800138000", name: "张伟" },
  { nationalId: "440524188001010014", phone: "13912345678", name: "李秀英" },
  { nationalId: "310101199001011234", phone: "13700001111", name: "王芳" },
];

describe("abs (spawned)", function () {
  this.timeout(180_000);
  const dir = temporaryDirectory();
  after(() => dir.remove());

  it("--help lists the tape commands and exits 0", () => {
    const run = abs(dir.path, "--help");
    expect(run.status).to.equal(0);
    expect(run.stdout).to.include("tape");
    const validateHelp = abs(dir.path, "tape", "validate", "--help");
    expect(validateHelp.status).to.equal(0);
    expect(validateHelp.stdout)
      .to.include("--max-errors <n>")
      .and.include("Exit codes: 0 valid, 1 invalid, 2 usage error.");
  });

  it("generates a tape and a performance file, then validates it with a root, quietly when not a TTY", () => {
    writeFileSync(join(dir.path, "key.hex"), `0x${KEY_HEX}\n`);
    const generated = abs(
      dir.path,
      ...[
        "tape",
        "generate",
        "--loans",
        "2000",
        "--seed",
        "9",
        "--out",
        "tape.csv",
        "--performance-periods",
        "3",
        "--json",
      ],
    );
    expect(generated.status, generated.stderr).to.equal(0);
    const written = JSON.parse(generated.stdout) as {
      tape: { rows: number };
      performance: { path: string; rows: number };
    };
    expect(written.tape.rows).to.equal(2000);
    expect(written.performance.path).to.equal("tape.performance.csv");
    expect(readFileSync(join(dir.path, "tape.performance.csv"), "utf8").split("\n")[0]).to.match(/^loan_id,period,/);
    expect(existsSync(join(dir.path, `tape.csv.partial-${process.pid}`))).to.equal(false);

    const first = abs(dir.path, "tape", "validate", "tape.csv", "--key-file", "key.hex", "--json");
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stderr).to.equal("");
    const result = parseJson(first.stdout);
    expect(result).to.deep.include({ valid: true, rows: 2000 });
    expect(result.root).to.match(/^0x[0-9a-f]{64}$/);
    expect(first.stdout).not.to.include(KEY_HEX);

    const human = abs(dir.path, "tape", "validate", "tape.csv", "--key-file", "key.hex");
    expect(human.status).to.equal(0);
    expect(human.stdout).to.include("VALID").and.include(`Merkle root              ${result.root}`);
    expect(human.stderr).to.equal("");
  });

  it("refuses a tape mixing GBK and UTF-8 (named at its row and byte offset) and one with a JSON key twice", () => {
    const header = TAPE_COLUMNS.join(",");
    const lines = [...generateLoans(12, 5)].map((loan) => recordToCells(loan, () => "广东").join(","));
    const gbkPart = iconv.encode([header, ...lines.slice(0, 10)].join("\n") + "\n", "gbk");
    const utf8Part = Buffer.from(lines.slice(10).join("\n") + "\n", "utf8");
    writeFileSync(join(dir.path, "mixed.csv"), Buffer.concat([gbkPart, utf8Part]));
    const mixed = abs(dir.path, "tape", "validate", "mixed.csv", "--json");
    expect(mixed.status).to.equal(1);
    const result = parseJson(mixed.stdout);
    expect(result.errors.map((e) => [e.code, e.row])).to.deep.equal([["TAPE_ENCODING_MIXED", 12]]);
    const human = abs(dir.path, "tape", "validate", "mixed.csv");
    expect(human.stdout)
      .to.include("TAPE_ENCODING_MIXED")
      .and.include(`byte offset ${gbkPart.length + utf8Part.indexOf(Buffer.from("广东"))}`);

    const objects = [...generateLoans(3, 5)].map((loan) =>
      Object.fromEntries(TAPE_COLUMNS.map((name, i) => [name, recordToCells(loan, () => "Zhejiang")[i] ?? ""])),
    );
    const jsonl = objects.map((o, i) => JSON.stringify(o).replace(/}$/, i === 1 ? ',"status":"current"}' : "}"));
    writeFileSync(join(dir.path, "twice.jsonl"), jsonl.join("\n") + "\n");
    const twice = abs(dir.path, "tape", "validate", "twice.jsonl", "--json");
    expect(twice.status).to.equal(1);
    expect(parseJson(twice.stdout).errors.map((e) => [e.code, e.row])).to.deep.equal([["TAPE_FIELD_DUPLICATE", 2]]);
  });

  it("reports every error of a bad GBK tape with personal data, exits 1, and never prints the personal data", () => {
    const header = ["loan_id", "national_id", "phone", "borrower_name", ...TAPE_COLUMNS.slice(2)];
    const rows = [...generateLoans(30, 3)].map((loan, i) => {
      const person = PEOPLE[i % PEOPLE.length] ?? PEOPLE[0];
      if (person === undefined) throw new Error("no person");
      const cells = recordToCells(loan, () => "广东");
      return [loan.loanId, person.nationalId, person.phone, person.name, ...cells.slice(2)];
    });
    rows[4] = [...(rows[4] ?? [])];
    rows[4][6] = "-100.00"; // original_principal_yuan: negative
    rows[9] = [...(rows[9] ?? [])];
    rows[9][1] = ""; // national_id: empty
    rows[14] = [...(rows[14] ?? [])];
    rows[14][0] = rows[2]?.[0] ?? ""; // duplicate loan id
    rows[20] = (rows[20] ?? []).slice(0, 10); // truncated row
    const text = [header, ...rows].map((row) => row.join(",")).join("\r\n") + "\r\n";
    writeFileSync(join(dir.path, "bad.csv"), iconv.encode(text, "gbk"));

    const json = abs(dir.path, "tape", "validate", "bad.csv", "--json", "--key-file", "key.hex");
    expect(json.status).to.equal(1);
    const result = parseJson(json.stdout);
    expect(result.valid).to.equal(false);
    expect(result.summary.encoding).to.equal("gbk");
    expect(result).not.to.have.property("root");
    expect(result.errors.map((e) => [e.code, e.row, e.column])).to.deep.equal([
      ["TAPE_VALUE_INVALID", 6, 7],
      ["TAPE_VALUE_INVALID", 11, 2],
      ["TAPE_DUPLICATE_LOAN_ID", 16, 1],
      ["TAPE_ROW_FIELD_COUNT", 22, null],
    ]);

    const human = abs(dir.path, "tape", "validate", "bad.csv");
    expect(human.status).to.equal(1);
    expect(human.stdout).to.include("INVALID (4 errors)").and.include("TAPE_DUPLICATE_LOAN_ID");
    for (const output of [json.stdout, json.stderr, human.stdout, human.stderr]) {
      for (const value of PEOPLE.flatMap((person) => [person.nationalId, person.phone, person.name])) {
        expect(output).not.to.include(value);
      }
    }
  });

  it("exits 2 on usage errors: a missing file, a bad flag value, a bad mapping file, an unknown command", () => {
    writeFileSync(join(dir.path, "bad-json.json"), '{"columns": {');
    writeFileSync(join(dir.path, "bad-field.json"), JSON.stringify({ columns: { 客户: "customer_name" } }));
    const missing = abs(dir.path, "tape", "validate", "nope.csv");
    expect([missing.status, missing.stderr]).to.deep.equal([2, 'abs: error: Tape file not found: "nope.csv"\n']);
    expect(abs(dir.path, "tape", "validate", "tape.csv", "--encoding", "latin1").status).to.equal(2);
    const badJson = abs(dir.path, "tape", "validate", "tape.csv", "--mapping", "bad-json.json");
    expect(badJson.status).to.equal(2);
    expect(badJson.stderr)
      .to.include('Invalid mapping file "bad-json.json"')
      .and.include("(file): expected a JSON object");
    const badField = abs(dir.path, "tape", "validate", "tape.csv", "--mapping", "bad-field.json");
    expect(badField.status).to.equal(2);
    expect(badField.stderr)
      .to.include('columns."客户": expected a template column')
      .and.include('found "customer_name"');
    expect(abs(dir.path, "tape", "frobnicate").status).to.equal(2);
  });
});
