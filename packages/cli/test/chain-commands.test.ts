/**
 * The chain-facing commands against a real Hardhat chain and a real originator node (in this process, over
 * real HTTP): pool create → tape upload (twice: one anchor) → pool show → loan verify (from the node, and
 * from a saved opening, tampered or not) → report submit refused with the decoded custom error.
 */
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { expect } from "chai";
import pino from "pino";
import { generateLoans, generatePerformance, hardhatDevWallet, writePerformanceCsv, writeTapeCsv } from "@abs/core";
import { startNode, toJson, type RunningNode } from "@abs/node";
import { ORIGINATOR_ID, startConsortiumChain, type ConsortiumChain } from "../../node/test/consortium-chain";
import { runInProcess, temporaryDirectory } from "./helpers";
import { loadNetworkConfig } from "../../../deploy/config";

const TOKEN = "cli-operator-token-0123456789abcdef";

describe("abs pool / tape upload / loan verify / report submit (real chain and node)", function () {
  this.timeout(120_000);
  const dir = temporaryDirectory();
  const at = (name: string) => join(dir.path, name);
  let consortium: ConsortiumChain;
  let node: RunningNode;
  let rpc: string[];
  let pool = "";
  let root = "";
  const loans = [...generateLoans(300, 5, { asOfDate: "2026-06-30" })];

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: true });
    rpc = ["--rpc-url", consortium.chain.rpcUrl];
    writeFileSync(at("token"), TOKEN);
    writeFileSync(at("tape.key"), "ef".repeat(32));
    node = await startNode(
      consortium.originatorConfig({
        ABS_NODE_OPERATOR_TOKEN_FILE: at("token"),
        ABS_NODE_TAPE_KEY_FILE: at("tape.key"),
      }),
      { logger: pino({ level: "silent" }), env: {} },
    );
    const out = createWriteStream(at("tape.csv"));
    await writeTapeCsv(loans, out, { personalData: true });
    out.end();
    await once(out, "finish");
  });

  after(async () => {
    await node.stop();
    await consortium.stop();
    dir.remove();
  });

  it("pool create: the trustee creates a Draft pool through the factory", async () => {
    const { deployment } = consortium;
    const run = await runInProcess([
      "pool",
      "create",
      ...rpc,
      "--hardhat-account",
      "3",
      "--json",
      "--factory",
      deployment.poolFactory,
      "--deal-id",
      "CLI-2026-1",
      "--name",
      "CLI deal",
      "--originator",
      hardhatDevWallet(1).address,
      "--servicer",
      hardhatDevWallet(2).address,
      "--cash-token",
      deployment.cashToken,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    pool = (JSON.parse(run.stdout) as { pool: string }).pool;
    expect(pool).to.match(/^0x[0-9a-fA-F]{40}$/);
    const again = await runInProcess([
      "pool",
      "create",
      ...rpc,
      "--hardhat-account",
      "3",
      "--factory",
      deployment.poolFactory,
      "--deal-id",
      "CLI-2026-1",
      "--name",
      "CLI deal",
      "--originator",
      hardhatDevWallet(1).address,
      "--servicer",
      hardhatDevWallet(2).address,
      "--cash-token",
      deployment.cashToken,
    ]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/DealIdTaken\(dealId=0x[0-9a-f]{64}, pool=/);
  });

  it("tape upload: anchors once; the same tape again sends nothing; a bad tape stores nothing (exit 1)", async () => {
    const upload = [
      "tape",
      "upload",
      at("tape.csv"),
      "--node",
      node.url,
      "--pool",
      pool,
      "--cutoff-date",
      "2026-06-30",
      "--token-file",
      at("token"),
      "--json",
    ];
    const first = await runInProcess(upload);
    expect(first.code, first.stderr).to.equal(0);
    const anchored = JSON.parse(first.stdout) as { status: string; version: number; root: string; loanCount: number };
    expect(anchored).to.include({ status: "anchored", version: 1, loanCount: 300 });
    root = anchored.root;
    const second = await runInProcess(upload);
    expect(second.code).to.equal(0);
    expect(JSON.parse(second.stdout)).to.include({ status: "already-anchored", version: 1, root });

    writeFileSync(at("bad.csv"), "loan_id,foo\nL1,2\n");
    const bad = await runInProcess([
      "tape",
      "upload",
      at("bad.csv"),
      "--node",
      node.url,
      "--pool",
      pool,
      "--cutoff-date",
      "2026-06-30",
      "--token-file",
      at("token"),
    ]);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.include("INVALID").and.include("TAPE_COLUMN_MISSING");
    const noToken = await runInProcess([
      "tape",
      "upload",
      at("tape.csv"),
      "--node",
      node.url,
      "--pool",
      pool,
      "--cutoff-date",
      "2026-06-30",
    ]);
    expect(noToken.code).to.equal(2);
  });

  it("pool show: state, parties and the anchored tape, as a table and as JSON", async () => {
    const json = await runInProcess(["pool", "show", pool, ...rpc, "--json"]);
    expect(json.code, json.stderr).to.equal(0);
    const view = JSON.parse(json.stdout) as {
      state: string;
      dealId: string;
      tapes: { merkleRoot: string; loanCount: string }[];
    };
    expect(view).to.include({ state: "Draft", dealId: "CLI-2026-1" });
    expect(view.tapes).to.have.length(1);
    expect(view.tapes[0]).to.include({ merkleRoot: root, loanCount: "300" });
    const table = await runInProcess(["pool", "show", pool, ...rpc]);
    expect(table.code).to.equal(0);
    expect(table.stdout).to.include("State").and.include("Draft").and.include("Tapes").and.include(root);
  });

  it("loan verify: the regulator fetches a loan from the node and checks it against the chain; the investor is refused", async () => {
    const loanId = loans[42]?.loanId ?? "";
    const args = [
      "loan",
      "verify",
      ...rpc,
      "--node",
      node.url,
      "--member-id",
      ORIGINATOR_ID,
      "--pool",
      pool,
      "--tape-version",
      "1",
      "--loan",
      loanId,
    ];
    const ok = await runInProcess([...args, "--hardhat-account", "5", "--json"]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(JSON.parse(ok.stdout)).to.include({ verified: true, anchoredRoot: root, loanId });
    const investor = await runInProcess([...args, "--hardhat-account", "6"]);
    expect(investor.code).to.equal(1);
    expect(investor.stderr).to.include("PEER_NOT_ENTITLED");
  });

  it("loan verify --record: a saved opening verifies; a tampered one does not (exit 1)", async () => {
    const loanId = loans[7]?.loanId ?? "";
    const opening = await node.tapes.openLoan(pool, 1, loanId);
    writeFileSync(at("loan.json"), toJson({ pool, version: 1, ...opening }));
    const ok = await runInProcess(["loan", "verify", ...rpc, "--record", at("loan.json"), "--json"]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(JSON.parse(ok.stdout)).to.include({ verified: true, offChain: true, onChain: true });
    const tampered = {
      ...opening,
      record: { ...opening.record, currentPrincipalCents: opening.record.currentPrincipalCents + 1n },
    };
    writeFileSync(at("tampered.json"), toJson({ pool, version: 1, ...tampered }));
    const bad = await runInProcess(["loan", "verify", ...rpc, "--record", at("tampered.json")]);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.include("NOT VERIFIED");
  });

  it("report submit: a Draft pool refuses reports, with the decoded custom error; nothing is sent", async () => {
    const report = {
      period: 1,
      startDate: "1782777600",
      endDate: "1785456000",
      interestCollectedCents: "1",
      scheduledPrincipalCents: "2",
      prepaymentCents: "0",
      recoveryCents: "0",
      newDefaultsCents: "0",
      delinquent30Cents: "0",
      delinquent60Cents: "0",
      delinquent90PlusCents: "0",
      endingBalanceCents: "100",
      loanCount: "3",
      loanStateRoot: `0x${"11".repeat(32)}`,
      contentHash: `0x${"22".repeat(32)}`,
    };
    writeFileSync(at("report.json"), JSON.stringify(report));
    const run = await runInProcess([
      "report",
      "submit",
      at("report.json"),
      ...rpc,
      "--pool",
      pool,
      "--hardhat-account",
      "2",
    ]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/ReportNotAllowed\(state=0\)/);
    writeFileSync(at("broken.json"), JSON.stringify({ ...report, loanStateRoot: "0x12" }));
    const broken = await runInProcess([
      "report",
      "submit",
      at("broken.json"),
      ...rpc,
      "--pool",
      pool,
      "--hardhat-account",
      "2",
    ]);
    expect(broken.code).to.equal(2);
    expect(broken.stderr).to.include("loanStateRoot");
  });

  it("report submit --performance: the servicer builds period 1 of the sample deal and submits it once", async () => {
    const samplePool = consortium.deployment.sampleDeal?.pool ?? "";
    const cutoff = loadNetworkConfig("localhost").sampleDeal?.cutoffDate ?? "";
    const sampleLoans = generateLoans(200, 20261124, { asOfDate: cutoff });
    const out = createWriteStream(at("perf.csv"));
    await writePerformanceCsv(generatePerformance(sampleLoans, 1, 20261124, { asOfDate: cutoff }), out);
    out.end();
    await once(out, "finish");
    writeFileSync(at("servicer.key"), "9d".repeat(32));
    // The period must have ended on chain: move the chain's clock past it.
    await consortium.provider.send("evm_increaseTime", [70 * 86_400]);
    await consortium.provider.send("evm_mine", []);
    const submit = [
      "report",
      "submit",
      at("perf.csv"),
      "--performance",
      "--period",
      "1",
      "--start",
      cutoff,
      "--end",
      readFileSync(at("perf.csv"), "utf8").split("\n")[1]?.split(",")[2] ?? "",
      "--key-file",
      at("servicer.key"),
      ...rpc,
      "--pool",
      samplePool,
      "--hardhat-account",
      "2",
    ];
    const first = await runInProcess([...submit, "--json"]);
    expect(first.code, first.stderr).to.equal(0);
    expect(JSON.parse(first.stdout)).to.include({ period: 1 });
    const shown = await runInProcess(["pool", "show", samplePool, ...rpc, "--json"]);
    const view = JSON.parse(shown.stdout) as { periods: { period: number; endingBalanceCents: string }[] };
    expect(view.periods.map((p) => p.period)).to.deep.equal([1]);
    const again = await runInProcess(submit);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/PeriodOutOfOrder\(expected=2, found=1\)/);
  });
});
