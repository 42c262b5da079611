/**
 * End-to-end: one loan pledged by two originators is caught. A local chain with the consortium deployed, the member
 * nodes as real processes (the regulator's node is the pledge key service and publishes its key at start), and the
 * real `abs` binary run as each member with its own key:
 * the trustee creates a pool per originator and sets their pledge policies; the first originator anchors its tape
 * (every loan registered by consortium fingerprint); the second originator's tape holds 50 of the same loans (its own
 * loan ids, the same borrowers, dates and amounts): refused whole while its pool refuses, then registered with 50
 * DoublePledge alerts for the regulator once the pool only alerts. The key service refuses other roles, junk and
 * replays.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Contract, type JsonRpcProvider, id } from "ethers";
import { hardhatDevWallet } from "@abs/core";
import { loadNetworkConfig } from "../../deploy/config";
import { startConsortiumChain, type ConsortiumChain } from "../../packages/node/test/consortium-chain";
import { signRequest } from "../../packages/node/src/request-signing";
import { PLEDGE_EVALUATE_PATH } from "../../packages/node/src/pledge/pledge-key-router";
import { freeBasePort, startMemberNodes, type MemberNodes } from "../../scripts/lib/member-nodes";
import { writeMemberKeyFiles } from "../../scripts/lib/member-keys";
import { localConsortiumFile, writeConsortiumFile } from "../../scripts/lib/local-consortium-file";
import { absWithEnv, type AbsRun } from "./abs-process";

const PLEDGES_ABI = [
  "function fingerprintKey() view returns (bytes publicKey, address keyService)",
  "function pledgeCount(address pool) view returns (uint256)",
  "function totalPledges() view returns (uint256)",
];
const SHARED = 50;

describe("e2e: a loan pledged by two originators is caught by the pledge registry", function () {
  this.timeout(300_000);
  const dir = mkdtempSync(path.join(tmpdir(), "abs-e2e-pledges-"));
  const env = { ABS_CONSORTIUM_FILE: path.join(dir, "consortium.json"), HOME: dir };
  const config = loadNetworkConfig("localhost");
  let consortium: ConsortiumChain;
  let nodes: MemberNodes;
  let provider: JsonRpcProvider;
  let pledges: Contract;
  const pools: Record<string, string> = {};
  const tapeA = path.join(dir, "tape-a.csv");
  const tapeB = path.join(dir, "tape-b.csv");
  const urlOf = (name: string) => nodes.nodes.find((n) => n.name === name)?.url ?? "";

  async function as<T = Record<string, unknown>>(member: string, ...args: string[]): Promise<T> {
    const run = await absWithEnv(env, "--as", member, ...args, "--json");
    expect(run.code, `abs --as ${member} ${args.join(" ")}\n${run.stderr}${run.stdout}`).to.equal(0);
    return JSON.parse(run.stdout) as T;
  }
  const attempt = (member: string, ...args: string[]): Promise<AbsRun> => absWithEnv(env, "--as", member, ...args);
  /** A synthetic tape with personal data (national_id), cut off 2026-06-30. */
  async function generate(loans: number, seed: number, out: string): Promise<void> {
    const made = await absWithEnv(
      env,
      "tape",
      "generate",
      "--loans",
      String(loans),
      "--seed",
      String(seed),
      "--personal-data",
      "--as-of",
      "2026-06-30",
      "--out",
      out,
    );
    expect(made.code, made.stderr).to.equal(0);
  }

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: false });
    provider = consortium.provider;
    const keyFiles = writeMemberKeyFiles(config, path.join(dir, "keys"));
    nodes = await startMemberNodes({
      config,
      rpcUrl: consortium.chain.rpcUrl,
      registry: consortium.deployment.registry,
      pledgeRegistry: consortium.deployment.pledges,
      members: ["originator", "originator-2", "servicer", "trustee", "regulator"],
      host: "127.0.0.1",
      basePort: await freeBasePort(8),
      dataDir: path.join(dir, "nodes"),
      keyFiles,
    });
    writeConsortiumFile(
      env.ABS_CONSORTIUM_FILE,
      localConsortiumFile({
        config,
        chainId: Number(consortium.chainId),
        rpcUrl: consortium.chain.rpcUrl,
        deployment: consortium.deployment,
        keyFiles,
        nodes: nodes.nodes,
        operatorTokenFile: nodes.operatorTokenFile,
      }),
    );
    pledges = new Contract(consortium.deployment.pledges, PLEDGES_ABI, provider);
  });

  after(async () => {
    await nodes.stop();
    await consortium.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the regulator's node published the consortium's pledge key when it started", async () => {
    const [key, service] = (await pledges.getFunction("fingerprintKey").staticCall()) as [string, string];
    expect(key).to.match(/^0x0[23][0-9a-f]{64}$/);
    expect(service).to.equal(hardhatDevWallet(5).address);
  });

  it("the trustee creates a pool per originator and sets both to refuse a loan pledged elsewhere", async () => {
    for (const [deal, originator] of [
      ["PLEDGE-A", "originator"],
      ["PLEDGE-B", "originator-2"],
    ] as const) {
      const created = await as<{ pool: string }>(
        "trustee",
        "pool",
        "create",
        "--deal-id",
        deal,
        "--name",
        `Pledge test ${deal}`,
        "--originator",
        originator,
        "--servicer",
        "servicer",
      );
      pools[deal] = created.pool;
      const set = await as<{ policy: string; previous: string }>(
        "trustee",
        "pool",
        "pledges",
        "--deal",
        deal,
        "--policy",
        "refuse",
      );
      expect(set).to.include({ policy: "refuse", previous: "none" });
    }
    // Only the pool's trustee sets its policy.
    const refused = await attempt("originator", "pool", "pledges", "--deal", "PLEDGE-A", "--policy", "none");
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/NotPoolTrustee/);
  });

  it("the first originator anchors its tape: every loan registered to its pool", async () => {
    await generate(300, 3, tapeA);
    const uploaded = await as<{ status: string; pledges: { registered: number; alerts: unknown[] } }>(
      "originator",
      "tape",
      "upload",
      tapeA,
      "--deal",
      "PLEDGE-A",
      "--cutoff-date",
      "2026-06-30",
    );
    expect(uploaded.status).to.equal("anchored");
    expect(uploaded.pledges).to.deep.include({ registered: 300, alerts: [] });
    expect(await pledges.getFunction("pledgeCount").staticCall(pools["PLEDGE-A"])).to.equal(300n);
  });

  it("the second originator's tape holding 50 of those loans is refused whole: nothing anchored, nothing registered", async () => {
    // The second originator's own records: its own loan ids, the same borrowers, dates and amounts for 50 loans.
    await generate(200, 4, tapeB);
    const shared = readFileSync(tapeA, "utf8")
      .trim()
      .split("\n")
      .slice(1, SHARED + 1)
      .map((line) => line.replace(/^L/, "JX-"));
    // And one of its own loans listed twice under another id: the registry cannot tell the two apart.
    const own = readFileSync(tapeB, "utf8").trimEnd();
    const repeated = (own.split("\n")[1] ?? "").replace(/^L00000001,/, "JX-DUP-1,");
    writeFileSync(tapeB, `${own}\n${shared.join("\n")}\n${repeated}\n`);
    const upload = ["tape", "upload", tapeB, "--deal", "PLEDGE-B", "--cutoff-date", "2026-06-30"];
    const refused = await attempt("originator-2", ...upload);
    expect(refused.code, refused.stdout).to.equal(1);
    expect(refused.stderr).to.match(/PLEDGE_REFUSED/);
    expect(refused.stderr).to.match(/found 50: JX-00000001 \(pool 0x[0-9a-fA-F]{40}\)/);
    expect(refused.stderr).to.include(pools["PLEDGE-A"]);
    expect(await pledges.getFunction("pledgeCount").staticCall(pools["PLEDGE-B"])).to.equal(0n);
    const shown = await as<{ tapes: unknown[] }>("originator-2", "pool", "show", pools["PLEDGE-B"] ?? "");
    expect(shown.tapes).to.deep.equal([]);
  });

  it("once the pool only alerts, the tape is anchored and the 50 loans are raised to the regulator on chain", async () => {
    await as("trustee", "pool", "pledges", "--deal", "PLEDGE-B", "--policy", "alert");
    const uploaded = await as<{
      status: string;
      pledges: {
        registered: number;
        alerts: { loanId: string; firstPool: string }[];
        sameIdentity: { loanId: string; sameAs: string }[];
      };
    }>("originator-2", "tape", "upload", tapeB, "--deal", "PLEDGE-B", "--cutoff-date", "2026-06-30");
    expect(uploaded.status).to.equal("anchored");
    expect(uploaded.pledges.registered).to.equal(200);
    expect(uploaded.pledges.sameIdentity).to.deep.equal([{ loanId: "JX-DUP-1", sameAs: "L00000001" }]);
    expect(uploaded.pledges.alerts).to.have.length(SHARED);
    expect(uploaded.pledges.alerts[0]).to.deep.equal({ loanId: "JX-00000001", firstPool: pools["PLEDGE-A"] });
    const logs = await provider.getLogs({
      address: consortium.deployment.pledges,
      topics: [id("DoublePledge(bytes32,address,address,address)")],
      fromBlock: 0,
    });
    expect(logs).to.have.length(SHARED);
    const poolTopic = (a: string | undefined) => `0x${"00".repeat(12)}${(a ?? "").slice(2).toLowerCase()}`;
    expect(logs.every((l) => l.topics[2] === poolTopic(pools["PLEDGE-A"]))).to.equal(true);
    expect(logs.every((l) => l.topics[3] === poolTopic(pools["PLEDGE-B"]))).to.equal(true);
    // The first pledge keeps the loans.
    expect(await pledges.getFunction("pledgeCount").staticCall(pools["PLEDGE-A"])).to.equal(300n);
    expect(await pledges.getFunction("totalPledges").staticCall()).to.equal(500n);
  });

  it("the regulator follows each alert to the loan of both pools through the originators' nodes", async () => {
    const shown = await as<{
      alerts: {
        fingerprint: string;
        first: { pool: string; loanId: string };
        second: { pool: string; loanId: string };
      }[];
    }>("regulator", "pool", "double-pledges", "--deal", "PLEDGE-B");
    expect(shown.alerts).to.have.length(SHARED);
    for (const alert of shown.alerts) {
      expect(alert.first.pool).to.equal(pools["PLEDGE-A"]?.toLowerCase());
      expect(alert.second.pool).to.equal(pools["PLEDGE-B"]?.toLowerCase());
      // The same loan under each originator's own id: L00000007 there, JX-00000007 here.
      expect(alert.second.loanId).to.equal(alert.first.loanId.replace(/^L/, "JX-"));
    }
    // A member without loan-level rights learns which pools, never which loans.
    const investor = await as<{ alerts: { first: { loanId?: string; unresolved?: string } }[] }>(
      "investor-1",
      "pool",
      "double-pledges",
    );
    expect(investor.alerts[0]?.first.loanId).to.equal(undefined);
    expect(investor.alerts[0]?.first.unresolved).to.match(/HTTP 403 PEER_NOT_ENTITLED/);
  });

  it("the trustee releases a loan that left its pool; a loan of another pool or a stranger's attempt releases nothing", async () => {
    const released = await as<{ released: string[]; registered: string }>(
      "trustee",
      "pool",
      "release-pledges",
      "--deal",
      "PLEDGE-A",
      "--loans",
      "L00000002",
    );
    expect(released).to.deep.include({ released: ["L00000002"], registered: "299" });
    const foreign = await attempt("trustee", "pool", "release-pledges", "--deal", "PLEDGE-A", "--loans", "JX-00000003");
    expect(foreign.code).to.equal(1);
    expect(foreign.stderr).to.match(/JX-00000003: .*LOAN_NOT_FOUND.*nothing released/);
    const stranger = await attempt(
      "investor-1",
      "pool",
      "release-pledges",
      "--deal",
      "PLEDGE-A",
      "--loans",
      "L00000003",
    );
    expect(stranger.code).to.equal(1);
    expect(stranger.stderr).to.match(/PEER_NOT_ENTITLED|NotPoolTrustee/);
    expect(await pledges.getFunction("pledgeCount").staticCall(pools["PLEDGE-A"])).to.equal(299n);
  });

  it("the key service answers originators only, and refuses junk and replays", async () => {
    const domain = { chainId: consortium.chainId, registry: consortium.deployment.registry };
    const body = JSON.stringify({ pool: pools["PLEDGE-A"], blinded: [`0x02${"11".repeat(32)}`] });
    const post = async (account: number, payload: string, replay?: Record<string, string>) => {
      const headers =
        replay ??
        (await signRequest(
          hardhatDevWallet(account),
          { method: "POST", path: PLEDGE_EVALUATE_PATH, body: payload },
          { domain, target: "REGU-SECURITIES" },
        ));
      const res = await fetch(urlOf("regulator") + PLEDGE_EVALUATE_PATH, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: payload,
      });
      return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code, headers };
    };
    expect(await post(3, body)).to.include({ status: 403, code: "PEER_NOT_ENTITLED" }); // the trustee
    const junk = await post(1, body); // a string of the right shape, off the curve
    expect(junk).to.include({ status: 400, code: "PLEDGE_BATCH_INVALID" });
    expect(await post(1, JSON.stringify({ pool: pools["PLEDGE-A"], blinded: [] }))).to.include({
      status: 400,
      code: "PLEDGE_BATCH_INVALID",
    });
    expect(await post(1, body, junk.headers)).to.include({ status: 401, code: "PEER_AUTH_REPLAYED" });
  });
});
