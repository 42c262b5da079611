import { expect } from "chai";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import {
  buildPeriodReport,
  deriveOriginatorKeys,
  generateLoans,
  generatePerformance,
  writePerformanceCsv,
} from "@abs/core";
import { abs, runInProcess, temporaryDirectory } from "./helpers";

const KEY_HEX = "3c".repeat(32);

interface BuildJson {
  readonly valid: boolean;
  readonly rows: number;
  readonly report: Readonly<Record<string, string | number | null>> | null;
  readonly errors: readonly { readonly code: string; readonly row: number; readonly column: number | null }[];
}

/** Period 1 of a synthetic tape's performance, as CSV text. */
async function periodOneCsv(): Promise<string> {
  const rows = [...generatePerformance(generateLoans(200, 21), 1, 21)];
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  await writePerformanceCsv(rows, out);
  out.end();
  return text;
}

describe("abs report build", function () {
  this.timeout(120_000);
  const dir = temporaryDirectory();
  const at = (name: string): string => join(dir.path, name);
  const period = ["--period", "1", "--start", "2025-06-30", "--end", "2025-07-31"];
  let text = "";

  before(async () => {
    text = await periodOneCsv();
    writeFileSync(at("p1.csv"), text);
    writeFileSync(at("key.hex"), `${KEY_HEX}\n`);
    // Row 5 (the 4th loan): the closing balance no longer reconciles.
    const lines = text.split("\n");
    lines[4] = (lines[4] ?? "").replace(/,(\d+\.\d{2}),(current|delinquent|defaulted|prepaid|matured),/, ",1.23,$2,");
    writeFileSync(at("bad.csv"), lines.join("\n"));
  });
  after(() => dir.remove());

  it("(spawned) prints the report as JSON, equal to the library's, and writes it atomically with --out", async () => {
    const run = abs(
      dir.path,
      "report",
      "build",
      "p1.csv",
      ...period,
      "--key-file",
      "key.hex",
      "--json",
      "--out",
      "r1.json",
    );
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.equal("");
    const printed = JSON.parse(run.stdout) as BuildJson;
    expect(printed.valid).to.equal(true);
    expect(printed.errors).to.deep.equal([]);

    const expected = await buildPeriodReport(Readable.from([Buffer.from(text)]), {
      period: 1,
      startDate: "2025-06-30",
      endDate: "2025-07-31",
      saltKey: deriveOriginatorKeys(Buffer.from(KEY_HEX, "hex")).saltKey,
    });
    const report = expected.report;
    if (report === undefined) throw new Error("the library built no report");
    const asJson = Object.fromEntries(
      Object.entries(report).map(([key, value]) => [key, typeof value === "bigint" ? value.toString() : value]),
    );
    expect(printed.report).to.deep.equal({ ...asJson, openingBalanceCents: String(expected.openingBalanceCents) });
    expect(JSON.parse(readFileSync(at("r1.json"), "utf8"))).to.deep.equal(printed.report);
    expect(readdirSync(dir.path).filter((name) => name.includes(".partial-"))).to.deep.equal([]);
    expect(run.stdout).not.to.include(KEY_HEX);
  });

  it("(spawned) exits 1 with every error by row and column, and writes nothing", () => {
    const run = abs(
      dir.path,
      "report",
      "build",
      "bad.csv",
      ...period,
      "--key-file",
      "key.hex",
      "--json",
      "--out",
      "r2.json",
    );
    expect(run.status, run.stderr).to.equal(1);
    const printed = JSON.parse(run.stdout) as BuildJson;
    expect(printed.valid).to.equal(false);
    expect(printed.report).to.equal(null);
    expect(printed.errors.map((e) => [e.code, e.row])).to.deep.include(["REPORT_BALANCE_MISMATCH", 5]);
    expect(printed.errors.every((e) => e.row === 5)).to.equal(true);
    expect(existsSync(at("r2.json"))).to.equal(false);
  });

  it("prints a table with amounts in yuan, and the root only with a key", async () => {
    const keyed = await runInProcess(["report", "build", at("p1.csv"), ...period, "--key-file", at("key.hex")]);
    expect(keyed.code, keyed.stderr).to.equal(0);
    expect(keyed.stdout).to.match(/Ending balance\s+[\d,]+\.\d{2} CNY/);
    expect(keyed.stdout).to.match(/Loan-state root\s+0x[0-9a-f]{64}/);
    const keyless = await runInProcess(["report", "build", at("p1.csv"), ...period]);
    expect(keyless.code).to.equal(0);
    expect(keyless.stdout).to.include("(needs --key-file)");
    const bad = await runInProcess(["report", "build", at("bad.csv"), ...period]);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.match(/INVALID \(1 error\)[\s\S]*5\s+11\s+closing_principal_yuan\s+REPORT_BALANCE_MISMATCH/);
  });

  it("exits 2 on usage errors", async () => {
    const cases: string[][] = [
      ["report", "build", at("p1.csv"), "--start", "2025-06-30", "--end", "2025-07-31"],
      ["report", "build", at("p1.csv"), ...period, "--out", at("r3.json")],
      ["report", "build", at("missing.csv"), ...period],
      ["report", "build", at("p1.csv"), "--period", "0", "--start", "2025-06-30", "--end", "2025-07-31"],
      ["report", "build", at("p1.csv"), "--period", "1", "--start", "2025-07-31", "--end", "2025-07-31"],
    ];
    for (const argv of cases) {
      const run = await runInProcess(argv);
      expect(run.code, `${argv.join(" ")}: ${run.stderr}`).to.equal(2);
    }
    expect(existsSync(at("r3.json"))).to.equal(false);
  });
});
