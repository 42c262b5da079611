import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { runInProcess, temporaryDirectory } from "./helpers";

const TOKEN = "0x" + "11".repeat(20);

describe("abs recon", () => {
  const dir = temporaryDirectory();
  after(() => dir.remove());

  it("names the statement line and field of a bad statement, exit 2, before touching the chain", async () => {
    const file = join(dir.path, "bad.csv");
    writeFileSync(file, "value_date,direction,amount,reference,description\n2026-11-24,credit,12.345,REF-1,x\n");
    const run = await runInProcess([
      "recon",
      file,
      "--format",
      "csv",
      "--rpc-url",
      "http://127.0.0.1:9",
      "--cash-token",
      TOKEN,
    ]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include("Statement line 2: amount:").and.to.include("STATEMENT_LINE_INVALID");
  });

  it("refuses bad flags with the flag's name, exit 2", async () => {
    const file = join(dir.path, "ok.csv");
    writeFileSync(file, "value_date,direction,amount,reference,description\n");
    const badFormat = await runInProcess([
      "recon",
      file,
      "--format",
      "xls",
      "--rpc-url",
      "http://x",
      "--cash-token",
      TOKEN,
    ]);
    expect(badFormat.code).to.equal(2);
    expect(badFormat.stderr).to.include("--format");
    const badToken = await runInProcess([
      "recon",
      file,
      "--format",
      "csv",
      "--rpc-url",
      "http://x",
      "--cash-token",
      "0x12",
    ]);
    expect(badToken.code).to.equal(2);
    expect(badToken.stderr).to.include("--cash-token: expected a 0x-prefixed 20-byte address");
    const missing = await runInProcess([
      "recon",
      join(dir.path, "none.csv"),
      "--format",
      "csv",
      "--rpc-url",
      "http://x",
      "--cash-token",
      TOKEN,
    ]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include("Statement not found");
  });

  it("fails with exit 1 when the chain cannot be reached", async () => {
    const file = join(dir.path, "empty.csv");
    writeFileSync(file, "value_date,direction,amount,reference,description\n2026-11-24,credit,1.00,REF-1,x\n");
    const run = await runInProcess([
      "recon",
      file,
      "--format",
      "csv",
      "--rpc-url",
      "http://127.0.0.1:9",
      "--cash-token",
      TOKEN,
    ]);
    expect(run.code).to.equal(1);
  });
});
