/**
 * End-to-end: a local chain with the consortium deployed, the member nodes as real processes
 * (scripts/lib/member-nodes.ts), and the real `abs` binary:
 * generate → validate → pool create → upload to the originator node (twice: one anchor) → the trustee's and
 * the regulator's nodes fetch sample loans from the originator's node over signed HTTP and verify them
 * against the root anchored on chain; the investor's node is refused loan-level data.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { hardhatDevWallet } from "@abs/core";
import { loadNetworkConfig } from "../../deploy/config";
import { startConsortiumChain, type ConsortiumChain } from "../../packages/node/test/consortium-chain";
import { freeBasePort, startMemberNodes, type MemberNodes } from "../../scripts/lib/member-nodes";
import { abs } from "./abs-process";

const LOANS = 2_000;

describe("e2e: tape upload through the CLI and loan verification by peer nodes", function () {
  this.timeout(240_000);
  let consortium: ConsortiumChain;
  let nodes: MemberNodes;
  const dir = mkdtempSync(path.join(tmpdir(), "abs-e2e-upload-"));
  const tape = path.join(dir, "tape.csv");
  let pool = "";
  let root = "";
  const urlOf = (name: string) => nodes.nodes.find((n) => n.name === name)?.url ?? "";

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: false });
    nodes = await startMemberNodes({
      config: loadNetworkConfig("localhost"),
      rpcUrl: consortium.chain.rpcUrl,
      registry: consortium.deployment.registry,
      members: ["originator", "trustee", "regulator", "investor-1"],
      host: "127.0.0.1",
      basePort: await freeBasePort(8),
      dataDir: path.join(dir, "nodes"),
    });
  });

  after(async () => {
    await nodes.stop();
    await consortium.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("generates and validates a tape with personal data", async () => {
    const generated = await abs(
      "tape",
      "generate",
      "--loans",
      String(LOANS),
      "--seed",
      "9",
      "--personal-data",
      "--as-of",
      "2026-06-30",
      "--out",
      tape,
    );
    expect(generated.code, generated.stderr).to.equal(0);
    const validated = await abs("tape", "validate", tape, "--json");
    expect(validated.code, validated.stderr).to.equal(0);
    expect(JSON.parse(validated.stdout)).to.include({ valid: true, rows: LOANS });
  });

  it("the trustee creates the pool; the originator uploads the tape once (a re-upload sends nothing)", async () => {
    const { deployment } = consortium;
    const created = await abs(
      "pool",
      "create",
      "--rpc-url",
      consortium.chain.rpcUrl,
      "--hardhat-account",
      "3",
      "--json",
      "--factory",
      deployment.poolFactory,
      "--deal-id",
      "E2E-2026-1",
      "--name",
      "E2E deal",
      "--originator",
      hardhatDevWallet(1).address,
      "--servicer",
      hardhatDevWallet(2).address,
      "--cash-token",
      deployment.cashToken,
    );
    expect(created.code, created.stderr).to.equal(0);
    pool = (JSON.parse(created.stdout) as { pool: string }).pool;

    const upload = [
      "tape",
      "upload",
      tape,
      "--node",
      urlOf("originator"),
      "--pool",
      pool,
      "--cutoff-date",
      "2026-06-30",
      "--token-file",
      nodes.operatorTokenFile,
      "--json",
    ];
    const first = await abs(...upload);
    expect(first.code, first.stderr).to.equal(0);
    const anchored = JSON.parse(first.stdout) as { status: string; version: number; root: string; loanCount: number };
    expect(anchored).to.include({ status: "anchored", version: 1, loanCount: LOANS });
    root = anchored.root;
    const again = await abs(...upload);
    expect(again.code, again.stderr).to.equal(0);
    expect(JSON.parse(again.stdout)).to.include({ status: "already-anchored", version: 1, root });

    const shown = await abs("pool", "show", pool, "--rpc-url", consortium.chain.rpcUrl, "--json");
    expect(shown.code, shown.stderr).to.equal(0);
    const view = JSON.parse(shown.stdout) as { tapes: { merkleRoot: string; loanCount: string }[] };
    expect(view.tapes).to.deep.equal([{ ...view.tapes[0], merkleRoot: root, loanCount: String(LOANS) }]);
  });

  it("the trustee's and the regulator's nodes fetch sample loans and verify them against the chain; the investor's node is refused", async () => {
    const ids = readFileSync(tape, "utf8")
      .split("\n")
      .slice(1)
      .filter((_, i) => i % 997 === 0)
      .map((line) => line.split(",")[0] ?? "");
    const token = readFileSync(nodes.operatorTokenFile, "utf8").trim();
    const ask = (name: string, loanId: string) =>
      fetch(`${urlOf(name)}/v1/peer-loans/verify`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ node: urlOf("originator"), memberId: "ORIG-HUAXIA-CF", pool, version: 1, loanId }),
      });
    for (const name of ["trustee", "regulator"]) {
      for (const loanId of ids) {
        const res = await ask(name, loanId);
        const body = (await res.json()) as {
          verified?: boolean;
          anchoredRoot?: string;
          record?: { loanId: string; borrowerId: string };
        };
        expect(res.status, JSON.stringify(body)).to.equal(200);
        expect(body).to.include({ verified: true, anchoredRoot: root });
        expect(body.record?.loanId).to.equal(loanId);
        expect(body.record?.borrowerId).to.match(/^0x[0-9a-f]{64}$/); // a pseudonym, never the national id
      }
    }
    const refused = await ask("investor-1", ids[0] ?? "");
    expect(refused.status).to.equal(502);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error.message).to.include(
      "HTTP 403",
    );

    const cli = await abs(
      "loan",
      "verify",
      "--rpc-url",
      consortium.chain.rpcUrl,
      "--hardhat-account",
      "5",
      "--node",
      urlOf("originator"),
      "--member-id",
      "ORIG-HUAXIA-CF",
      "--pool",
      pool,
      "--tape-version",
      "1",
      "--loan",
      ids[1] ?? "",
      "--json",
    );
    expect(cli.code, cli.stderr).to.equal(0);
    expect(JSON.parse(cli.stdout)).to.include({ verified: true, anchoredRoot: root });
  });
});
