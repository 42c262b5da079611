/**
 * The abuse suite for loan tapes (issue 13): every class of the malformed-tape corpus (test/abuse) goes
 * through the originator's node as a real process (HTTP upload with the operator token) and through the
 * `abs tape validate` command as a separate process. Each path must answer with a clear error naming the
 * same first issue (code, row, column), and nothing may be stored in the node's LevelDB or anchored on chain.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Contract } from "ethers";
import { Level } from "level";
import { ASSET_POOL_ABI } from "@abs/node";
import { loadNetworkConfig } from "../../deploy/config";
import { startConsortiumChain, type ConsortiumChain } from "../../packages/node/test/consortium-chain";
import { freeBasePort, startMemberNodes, type MemberNodes } from "../../scripts/lib/member-nodes";
import { baseTape, malformedTapes, type MalformedTape } from "../abuse/malformed-tapes";
import { abs } from "./abs-process";

interface Issue {
  code: string;
  row: number;
  column?: number | null;
  message: string;
}

const firstOf = (issues: readonly Issue[]): [string, number, number | undefined] => {
  const [first] = issues;
  return [first?.code ?? "none", first?.row ?? 0, first?.column ?? undefined];
};

describe("abuse suite: malformed tapes through the originator's node and the abs command", function () {
  this.timeout(600_000);
  let consortium: ConsortiumChain;
  let nodes: MemberNodes;
  let cases: MalformedTape[];
  let pool = "";
  const dir = mkdtempSync(path.join(tmpdir(), "abs-e2e-abuse-"));
  const originatorUrl = () => nodes.nodes.find((n) => n.name === "originator")?.url ?? "";

  before(async () => {
    cases = malformedTapes(await baseTape());
    consortium = await startConsortiumChain({ withSampleDeal: false });
    nodes = await startMemberNodes({
      config: loadNetworkConfig("localhost"),
      rpcUrl: consortium.chain.rpcUrl,
      registry: consortium.deployment.registry,
      members: ["originator"],
      host: "127.0.0.1",
      basePort: await freeBasePort(8),
      dataDir: path.join(dir, "nodes"),
    });
    pool = await consortium.createPool("ABUSE-2026-1");
  });

  after(async () => {
    await nodes?.stop();
    await consortium?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("has at least 40 classes of malformed tape", () => {
    expect(cases.length).to.be.at.least(40);
    expect(new Set(cases.map((c) => c.name)).size).to.equal(cases.length);
  });

  it("the node refuses each with 422 and the corpus's first issue; the CLI names the same issue and exits 1", async () => {
    const token = readFileSync(nodes.operatorTokenFile, "utf8").trim();
    const differences: string[] = [];
    for (const c of cases) {
      const res = await fetch(`${originatorUrl()}/v1/pools/${pool}/tapes?cutoffDate=2026-06-30`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
        body: new Uint8Array(c.bytes),
      });
      const body = (await res.json()) as { error?: { code: string }; errors?: Issue[] };
      const node = firstOf(body.errors ?? []);
      if (
        res.status !== 422 ||
        body.error?.code !== "TAPE_INVALID" ||
        JSON.stringify(node) !== JSON.stringify(c.first)
      ) {
        differences.push(`${c.name}: node ${res.status} ${JSON.stringify(node)}, expected ${JSON.stringify(c.first)}`);
      }
      for (const issue of body.errors ?? []) {
        // Clear: where, what was expected, what was found.
        if (!/ at row \d+.*: expected .+, found .+/.test(issue.message))
          differences.push(`${c.name}: unclear "${issue.message}"`);
      }
      const file = path.join(dir, c.file);
      writeFileSync(file, c.bytes);
      const cli = await abs("tape", "validate", file, "--json");
      const result = JSON.parse(cli.stdout || "{}") as { valid?: boolean; errors?: Issue[]; root?: string };
      const fromCli = firstOf(result.errors ?? []);
      if (
        cli.code !== 1 ||
        result.valid !== false ||
        result.root !== undefined ||
        JSON.stringify(fromCli) !== JSON.stringify(c.first)
      ) {
        differences.push(
          `${c.name}: CLI exit ${cli.code} ${JSON.stringify(fromCli)}, expected ${JSON.stringify(c.first)} ${cli.stderr}`,
        );
      }
    }
    expect(differences).to.deep.equal([]);
  });

  it("nothing was anchored on chain, and nothing is left in the node's LevelDB", async () => {
    const onChain = new Contract(pool, ASSET_POOL_ABI, consortium.provider);
    expect(await onChain.getFunction("tapeCount")()).to.equal(0n);
    await nodes.stop();
    const db = new Level<string, string>(path.join(dir, "nodes", "originator"), { valueEncoding: "utf8" });
    try {
      const tapes = db.sublevel<string, string>("tapes", { keyEncoding: "utf8", valueEncoding: "utf8" });
      expect(await tapes.keys().all()).to.deep.equal([]);
    } finally {
      await db.close();
    }
  });
});
