import { expect } from "chai";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { formatRateWad, formatTable, formatWad, formatYuan } from "../src/output";
import { runInProcess, temporaryDirectory } from "./helpers";

describe("abs (in-process)", function () {
  this.timeout(120_000);
  const dir = temporaryDirectory();
  after(() => dir.remove());

  it("shows a progress bar with rows/s and ETA on a terminal, and none with --json", async () => {
    const tape = join(dir.path, "p.csv");
    const generated = await runInProcess(["tape", "generate", "--loans", "3000", "--out", tape], { tty: true });
    expect(generated.code).to.equal(0);
    expect(generated.stderr).to.include("Generating").and.include("rows/s");
    const validated = await runInProcess(["tape", "validate", tape], { tty: true });
    expect(validated.code).to.equal(0);
    expect(validated.stderr).to.include("Validating").and.include("rows/s").and.include("ETA");
    const quiet = await runInProcess(["tape", "validate", tape, "--json"], { tty: true });
    expect(quiet.stderr).to.equal("");
    expect(JSON.parse(quiet.stdout)).to.have.property("valid", true);
  });

  it("gives the same root for the same tape and key, and stops at --max-errors", async () => {
    const tape = join(dir.path, "q.csv");
    const key = join(dir.path, "k.hex");
    writeFileSync(key, "ab".repeat(40));
    await runInProcess(["tape", "generate", "--loans", "200", "--seed", "4", "--out", tape, "--json"]);
    const a = await runInProcess(["tape", "validate", tape, "--key-file", key, "--json"]);
    const b = await runInProcess(["tape", "validate", tape, "--key-file", key, "--json"]);
    expect((JSON.parse(a.stdout) as { root: string }).root).to.equal((JSON.parse(b.stdout) as { root: string }).root);
    const bad = await runInProcess([
      "tape",
      "validate",
      tape,
      "--json",
      "--max-errors",
      "3",
      "--encoding",
      "utf8",
      "--delimiter",
      ";",
    ]);
    expect(bad.code).to.equal(1);
    const result = JSON.parse(bad.stdout) as { summary: { stoppedEarly: boolean; errorCount: number } };
    expect(result.summary).to.include({ stoppedEarly: true, errorCount: 3 });
  });

  it("rejects a short key file without printing it", async () => {
    const key = join(dir.path, "short.hex");
    writeFileSync(key, "abcdef0123");
    const run = await runInProcess(["tape", "validate", join(dir.path, "q.csv"), "--key-file", key]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include("expected at least 64 hex digits").and.not.include("abcdef0123");
  });

  it("settle close-out: a usage error (exit 2) without the trustee's key or with a bad address; nothing is sent", async () => {
    const waterfall = "0x" + "11".repeat(20);
    const noKey = await runInProcess([
      "settle",
      "close-out",
      "--waterfall",
      waterfall,
      "--rpc-url",
      "http://127.0.0.1:1",
    ]);
    expect(noKey.code).to.equal(2);
    expect(noKey.stderr).to.contain("ABS_TRUSTEE_KEY");
    const badAddress = await runInProcess([
      "settle",
      "close-out",
      "--waterfall",
      "0x12",
      "--rpc-url",
      "http://127.0.0.1:1",
    ]);
    expect(badAddress.code).to.equal(2);
    expect(badAddress.stderr).to.contain("address");
  });

  it("formats amounts, rates and tables for people", () => {
    expect(formatYuan(123456789n)).to.equal("1,234,567.89");
    expect(formatYuan(5n)).to.equal("0.05");
    expect(formatWad(1_500_000_000_000_000_000n, 2)).to.equal("1.50");
    expect(formatRateWad(112163313721258310n)).to.equal("11.2163%");
    expect(
      formatTable(
        ["A", "LONG"],
        [
          ["xyz", "1"],
          ["p", "22"],
        ],
      ),
    ).to.equal("A    LONG\n---  ----\nxyz  1\np    22\n");
  });

  it("formats a table of 300,000 rows (abs report build's errors on a 12-period file overflowed the stack)", () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i), "REPORT_PERIOD_MISMATCH", "x"]);
    const text = formatTable(["ROW", "CODE", "DETAIL"], rows);
    expect(text.split("\n")).to.have.length(300_003);
    expect(text.split("\n")[2]).to.equal("0       REPORT_PERIOD_MISMATCH  x");
  });
});
