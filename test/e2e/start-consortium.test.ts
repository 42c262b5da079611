/**
 * End-to-end: `npm start`'s launcher as a real process (real Hardhat node, real JSON-RPC), then the
 * deployment checked on chain, re-run for idempotency, and stopped with SIGINT.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, keccak256 } from "ethers";
import { hardhatDevWallet, TapeCommitmentBuilder } from "@abs/core";
import { AssetPool__factory, ConsortiumRegistry__factory, TrancheToken__factory } from "../../typechain-types";
import { AddressBook } from "../../deploy/address-book";
import { loadNetworkConfig, sampleDealLoans } from "../../deploy/config";
import { deployConsortium } from "../../deploy/consortium";
import { sampleTapeSaltKey } from "../../deploy/sample-deal";
import { memberSigners, resolveSigner } from "../../deploy/signers";
import { isPortInUse } from "../../scripts/lib/chain-process";
import { abs, absWithEnv } from "./abs-process";

const ROOT = path.resolve(__dirname, "..", "..");
const PORT = 18545 + Math.floor(Math.random() * 1000);
const NODES_PORT = 19600 + Math.floor(Math.random() * 1000);

describe("npm start (local consortium launcher)", function () {
  this.timeout(180_000);
  let launcher: ChildProcessWithoutNullStreams;
  let output = "";
  const bookFile = path.join(mkdtempSync(path.join(tmpdir(), "abs-e2e-")), "localhost.json");
  const rpcUrl = `http://127.0.0.1:${PORT}`;
  const consortiumFile = path.join(path.dirname(bookFile), "consortium.json");

  before(async () => {
    launcher = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/start-consortium.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        ABS_CHAIN_PORT: String(PORT),
        ABS_ADDRESS_BOOK: bookFile,
        ABS_NODES_BASE_PORT: String(NODES_PORT),
        ABS_NODES_DIR: path.join(path.dirname(bookFile), "nodes"),
        ABS_INDEXER_PORT: "0",
        ABS_CONSORTIUM_FILE: consortiumFile,
      },
    });
    launcher.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      () => output.includes("ready:"),
      120_000,
      () => `launcher never became ready:\n${output}`,
    );
  });

  after(async () => {
    if (launcher.exitCode === null) launcher.kill("SIGKILL");
  });

  it("prints the chain, the contracts, every member and the sample deal", () => {
    expect(output).to.include(rpcUrl);
    for (const name of ["registry", "pool factory", "cash token", "documents", "sample deal", "prospectus"]) {
      expect(output).to.include(name);
    }
    for (const member of loadNetworkConfig("localhost").members) expect(output).to.include(member.name);
  });

  it("runs a node for every member, each with its own key file, and writes the consortium file `abs --as` reads", async () => {
    const members = loadNetworkConfig("localhost").members;
    const file = JSON.parse(readFileSync(consortiumFile, "utf8")) as {
      rpcUrl: string;
      members: { name: string; memberId: string; address: string; keyFile: string; nodeUrl: string }[];
    };
    expect(file.rpcUrl).to.equal(rpcUrl);
    expect(file.members.map((m) => m.name)).to.deep.equal(members.map((m) => m.name));
    for (const m of file.members) {
      expect(output).to.include(m.nodeUrl);
      expect(statSync(m.keyFile).mode & 0o077, `${m.keyFile} readable by others`).to.equal(0);
      const res = await fetch(`${m.nodeUrl}/v1/health`);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { status: string; memberId: string };
      expect(body).to.deep.equal({ status: "ok", memberId: m.memberId });
    }
    const listed = await absWithEnv({ ABS_CONSORTIUM_FILE: consortiumFile }, "members", "--json");
    expect(listed.code, listed.stderr).to.equal(0);
    const rows = JSON.parse(listed.stdout) as { name: string; status: string }[];
    expect(rows.map((r) => `${r.name} ${r.status}`)).to.deep.equal(members.map((m) => `${m.name} Active`));
  });

  it("deployed a governed registry and the sample pool, issued every tranche in full, then serviced six periods", async () => {
    const provider = new JsonRpcProvider(rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
    const book = JSON.parse(readFileSync(bookFile, "utf8")) as {
      contracts: Record<string, string>;
      deals: Record<string, { pool: string; tranches: string[] }>;
    };
    const config = loadNetworkConfig("localhost");
    const registryAddress = book.contracts["ConsortiumRegistry"] ?? "";
    const registry = ConsortiumRegistry__factory.connect(registryAddress, provider);
    expect(await registry.threshold()).to.equal(BigInt(config.threshold));
    expect(await registry.votingMemberCount()).to.equal(BigInt(config.members.filter((m) => m.voting).length));

    const deal = book.deals["HUAXIA-2026-1"];
    if (!deal) throw new Error("sample deal missing from the address book");
    const pool = AssetPool__factory.connect(deal.pool, provider);
    // Issued (Active), then serviced through six periods with the members' commands: the sample's loss trigger
    // is an event of default, which the trustee declared (Accelerated).
    expect(await pool.state()).to.equal(5n); // Accelerated
    expect(await pool.lastPeriod()).to.equal(6n);
    expect(output).to.include("serviced through period 6 with the members' own commands");
    expect(output).to.include("sample  DvP: investor-1 sold 100,000.00 of class A to investor-2");
    expect(output).to.include("sample  repurchase: the originator bought back 2 loans");
    // The sample's delinquency trigger (index 2, curable) breaches in period 2 and cures in period 3.
    expect(output).to.include("sample  trigger 2 breached in period 2");
    expect(output).to.include("sample  trigger 2 cured in period 3");
    // The sample's commands send through the members' nodes: no node found a nonce of its key taken by another.
    expect(output).to.not.include("nonce taken by another sender");
    expect(await pool.tapeCount()).to.equal(2n);
    const tape = await pool.tape(1);
    expect(tape.anchor.loanCount).to.equal(200n);

    let faces = 0n;
    for (const trancheAddress of deal.tranches) {
      const tranche = TrancheToken__factory.connect(trancheAddress, provider);
      const terms = await tranche.terms();
      expect(await tranche.totalSupply()).to.equal(terms.originalFaceCents);
      faces += terms.originalFaceCents;
    }
    // Faces add up to the tape principal to the cent: the junior tranche owns the rounding.
    expect(faces).to.equal(tape.anchor.totalPrincipalCents);
    provider.destroy();
  });

  it("anchored a tape whose loans verify on chain, and a tampered loan does not", async () => {
    const provider = new JsonRpcProvider(rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
    const sample = loadNetworkConfig("localhost").sampleDeal;
    if (!sample) throw new Error("no sample deal configured");
    const builder = new TapeCommitmentBuilder({
      saltKey: sampleTapeSaltKey(sample.dealId),
    });
    const leaves = [...sampleDealLoans(sample)].map((l) => builder.add(l));
    const { tree } = builder.finish();
    const book = JSON.parse(readFileSync(bookFile, "utf8")) as { deals: Record<string, { pool: string }> };
    const pool = AssetPool__factory.connect(book.deals[sample.dealId]?.pool ?? "", provider);
    const leaf = leaves[17] ?? "";
    const proof = tree.getProof(tree.indexOf(leaf));
    expect(await pool.verifyLoan(1, leaf, proof)).to.equal(true);
    expect(await pool.verifyLoan(1, keccak256(leaf), proof)).to.equal(false);
    provider.destroy();
  });

  it("serves the sample pool over the indexer's GraphQL and the dashboard", async () => {
    const url = /dashboard +(http:\/\/[^/\s]+)\//.exec(output)?.[1];
    if (!url) throw new Error(`no dashboard URL in the output:\n${output}`);
    // The printed dashboard link signs in as the regulator; without it the indexer serves nothing.
    const token = /dashboard +http:\/\/[^/\s]+\/#session=([0-9a-f]{64})/.exec(output)?.[1];
    if (!token) throw new Error(`no session link in the output:\n${output}`);
    const unsigned = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ pools { id } }" }),
    });
    expect(unsigned.status).to.equal(401);
    const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        query:
          "{ pools { id name state trancheCount lastDistributedPeriod eventOfDefaultTrigger tapes { loanCount } } _meta { hasIndexingErrors } }",
      }),
    });
    const body = (await res.json()) as {
      data: { pools: { id: string }[]; _meta: { hasIndexingErrors: boolean } };
    };
    expect(body.data.pools.map(({ id: _id, ...rest }) => rest)).to.deep.equal([
      {
        name: loadNetworkConfig("localhost").sampleDeal?.name,
        // The sample's event-of-default trigger (cumulative net loss, index 1) accelerated the pool by itself.
        state: "Accelerated",
        eventOfDefaultTrigger: 1,
        trancheCount: 3,
        lastDistributedPeriod: 6,
        tapes: [{ loanCount: "200" }, { loanCount: "198" }],
      },
    ]);
    expect(body.data._meta.hasIndexingErrors).to.equal(false);
    // The dashboard's source shows the breach and the cure.
    const triggerRes = await fetch(`${url}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: "{ triggerEvents(first: 100) { period trigger breached } }" }),
    });
    const triggerEvents = ((await triggerRes.json()) as { data: { triggerEvents: unknown[] } }).data.triggerEvents;
    expect(triggerEvents).to.deep.include({ period: 2, trigger: 2, breached: true });
    expect(triggerEvents).to.deep.include({ period: 3, trigger: 2, breached: false });

    // The regulator's indexer joined the sample tape from the originator's node, every loan verified against
    // the root anchored on chain (not added in-process).
    const loansRes = await fetch(`${url}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        query: `{ loans(pool: "${body.data.pools[0]?.id ?? ""}", first: 1000) { proofStatus } }`,
      }),
    });
    const loans = (await loansRes.json()) as { data: { loans: { proofStatus: string }[] } };
    // The current view is the latest tape: version 2, after the repurchase of two loans.
    expect(loans.data.loans).to.have.length(198);
    expect(loans.data.loans.every((l) => l.proofStatus === "verified")).to.equal(true);
    // ... and each serviced period's loan states from the servicer's node, verified against the loan-state
    // root anchored with each period's report: a loan's history period by period.
    const periodsRes = await fetch(`${url}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        query: `{ loans(pool: "${body.data.pools[0]?.id ?? ""}", first: 200) { periods { period proofStatus } } }`,
      }),
    });
    const histories = (
      (await periodsRes.json()) as { data: { loans: { periods: { period: number; proofStatus: string }[] }[] } }
    ).data.loans.map((l) => l.periods);
    expect(histories.flat().every((p) => p.proofStatus === "verified")).to.equal(true);
    expect(Math.max(...histories.map((h) => h.length))).to.equal(6);
    expect(histories.every((h) => h.every((p, i) => p.period === i + 1))).to.equal(true);
    // The sample deal's forecast (its tape by grade, projected at its pricing assumptions) beside each period.
    const forecastRes = await fetch(`${url}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        query: `{ poolForecast(pool: "${body.data.pools[0]?.id ?? ""}") { period forecastEndingBalanceCents actualEndingBalanceCents } }`,
      }),
    });
    const forecast = (
      (await forecastRes.json()) as {
        data: {
          poolForecast: {
            period: number;
            forecastEndingBalanceCents: string;
            actualEndingBalanceCents: string | null;
          }[];
        };
      }
    ).data.poolForecast;
    expect(forecast.length).to.be.greaterThan(6);
    expect(forecast.slice(0, 6).every((p) => p.actualEndingBalanceCents !== null)).to.equal(true);
    expect(forecast[6]?.actualEndingBalanceCents).to.equal(null);
    expect((await fetch(`${url}/`)).status).to.equal(200);
  });

  it("`abs indexer login` (a separate process, the member's own key) signs in; a non-member key is refused", async () => {
    const url = /dashboard +(http:\/\/[^/\s]+)\//.exec(output)?.[1] ?? "";
    const investor = await abs("indexer", "login", "--indexer", url, "--hardhat-account", "6", "--json");
    expect(investor.code, investor.stderr).to.equal(0);
    const session = JSON.parse(investor.stdout) as {
      token: string;
      memberId: string;
      roles: string[];
      dashboard: string;
    };
    expect(session.memberId).to.equal("INV-PENSION-01");
    expect(session.roles).to.deep.equal(["INVESTOR"]);
    expect(session.dashboard).to.equal(`${url}/#session=${session.token}`);
    const loans = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ query: "{ pools { id } }" }),
    });
    expect(loans.status).to.equal(200);
    // Hardhat account 19 is no member of the consortium.
    const stranger = await abs("indexer", "login", "--indexer", url, "--hardhat-account", "19");
    expect(stranger.code).to.equal(1);
    expect(stranger.stderr).to.contain("NOT_A_MEMBER");
  });

  it("voting members admit a new member with `abs governance` (k of n, idempotent); its key then signs in", async () => {
    const url = /dashboard +(http:\/\/[^/\s]+)\//.exec(output)?.[1] ?? "";
    const env = { ABS_CONSORTIUM_FILE: consortiumFile };
    const newcomer = hardhatDevWallet(19).address;
    const admit = [
      "governance",
      "admit",
      "--account",
      newcomer,
      "--member-id",
      "REG-NEW-01",
      "--legal-entity",
      "New Supervisory Authority",
      "--roles",
      "REGULATOR",
    ];
    type Proposal = { id: string; status: string; approvals: number; threshold: number; action: string };
    const run = async (member: string, ...args: string[]) => absWithEnv(env, "--as", member, ...args);
    const json = async <T>(member: string, ...args: string[]): Promise<T> => {
      const r = await run(member, ...args, "--json");
      expect(r.code, `abs --as ${member} ${args.join(" ")}\n${r.stderr}`).to.equal(0);
      return JSON.parse(r.stdout) as T;
    };
    // Wrong role, bad input: refused with the reason, nothing proposed.
    const notVoting = await run("regulator", ...admit);
    expect(notVoting.code).to.equal(1);
    expect(notVoting.stderr).to.contain("NotVotingMember");
    const badRole = await run("originator", ...admit.slice(0, -1), "REGULATR");
    expect(badRole.code).to.equal(2);
    expect(badRole.stderr).to.contain("--roles").and.contain("REGULATR");
    const badAccount = await run(
      "originator",
      "governance",
      "admit",
      ...admit.slice(2).map((a) => (a === newcomer ? "0x1234" : a)),
    );
    expect(badAccount.code).to.equal(2);
    expect(badAccount.stderr).to.contain("20-byte address");
    const investorWithout = await run("originator", ...admit.slice(0, -1), "INVESTOR");
    expect(investorWithout.code).to.equal(2);
    expect(investorWithout.stderr).to.contain("--investor-class");

    const proposed = await json<Proposal>("originator", ...admit);
    expect(proposed).to.include({ status: "Pending", approvals: 1, threshold: 3 });
    expect(proposed.action).to.equal(`admit REG-NEW-01 (${newcomer}) as REGULATOR`);
    // Re-running the same command answers the same proposal and sends nothing.
    const again = await json<Proposal & { txHash: string | null }>("originator", ...admit);
    expect(again).to.include({ id: proposed.id, txHash: null });
    const pending = await json<Proposal[]>("investor-1", "governance", "proposals");
    expect(pending.map((p) => p.id)).to.deep.equal([proposed.id]);

    expect(await json<Proposal>("servicer", "governance", "approve", proposed.id)).to.include({
      status: "Pending",
      approvals: 2,
    });
    const twice = await run("servicer", "governance", "approve", proposed.id);
    expect(twice.code).to.equal(1);
    expect(twice.stderr).to.contain("AlreadyApproved");
    expect(await json<Proposal>("trustee", "governance", "approve", proposed.id)).to.include({
      status: "Executed",
      approvals: 3,
    });
    expect(await json<Proposal[]>("investor-1", "governance", "proposals")).to.deep.equal([]);
    const all = await json<Proposal[]>("investor-1", "governance", "proposals", "--all");
    expect(all.find((p) => p.id === proposed.id)?.status).to.equal("Executed");

    // Refused before (the previous test), the newcomer's own key now signs in as the regulator it was admitted as.
    await new Promise((r) => setTimeout(r, 1_100)); // the indexer's member cache (1 s)
    const login = await abs("indexer", "login", "--indexer", url, "--hardhat-account", "19", "--json");
    expect(login.code, login.stderr).to.equal(0);
    expect(JSON.parse(login.stdout)).to.deep.include({ memberId: "REG-NEW-01", roles: ["REGULATOR"] });
  });

  it("prints the sample deal's waterfall, and `abs pool show` names the same one", async () => {
    const pool = /sample deal +\S+: pool (0x[0-9a-fA-F]{40})/.exec(output)?.[1];
    const printed = /waterfall +(0x[0-9a-fA-F]{40})/.exec(output)?.[1];
    if (!pool || !printed) throw new Error(`no sample pool or waterfall in the output:\n${output}`);
    const shown = await abs("pool", "show", pool, "--rpc-url", rpcUrl, "--json");
    expect(shown.code, shown.stderr).to.equal(0);
    expect((JSON.parse(shown.stdout) as { waterfall: string }).waterfall).to.equal(printed);
    const human = await abs("pool", "show", pool, "--rpc-url", rpcUrl);
    expect(human.stdout).to.match(new RegExp(`Waterfall +${printed}`));
  });

  it("the sample deal's disclosure: the trustee writes the three files for a period, the regulator verifies each row by row", async () => {
    const deal = /sample deal +(\S+): pool/.exec(output)?.[1];
    if (deal === undefined) throw new Error(`no sample deal in the output:\n${output}`);
    const dir = mkdtempSync(path.join(tmpdir(), "abs-disclose-"));
    const env = { ABS_CONSORTIUM_FILE: consortiumFile };
    const json = async <T>(member: string, ...args: string[]): Promise<T> => {
      const r = await absWithEnv(env, "--as", member, ...args, "--json");
      expect(r.code, `abs --as ${member} ${args.join(" ")}\n${r.stderr}`).to.equal(0);
      return JSON.parse(r.stdout) as T;
    };
    const files: Record<string, string> = {};
    for (const template of ["esma-annex6", "esma-annex12", "regab-auto"]) {
      files[template] = path.join(dir, `${template}.xml`);
      const written = await json<{ records: number; documentId: string }>(
        "trustee",
        "disclose",
        "--deal",
        deal,
        "--template",
        template,
        "--period",
        "3",
        "--out",
        files[template] ?? "",
      );
      expect(written.documentId, template).to.not.equal("0");
      expect(written.records, template).to.be.above(1);
    }
    const annex12 = readFileSync(files["esma-annex12"] ?? "", "utf8");
    expect(annex12).to.contain("<TstEvtTrggrInf>").and.contain("<IVSF4>Residual to the equity holder</IVSF4>");
    const loanId = /<CMRL2>([^<]+)<\/CMRL2>/.exec(readFileSync(files["esma-annex6"] ?? "", "utf8"))?.[1] ?? "";
    for (const template of ["esma-annex6", "regab-auto"]) {
      const verified = await json<{ verified: boolean; mismatches: unknown[] }>(
        "regulator",
        "disclose",
        "--deal",
        deal,
        "--verify",
        files[template] ?? "",
        "--loan",
        loanId,
      );
      expect([verified.verified, verified.mismatches], template).to.deep.equal([true, []]);
    }
    const report = await json<{ verified: boolean }>(
      "regulator",
      "disclose",
      "--deal",
      deal,
      "--verify",
      files["esma-annex12"] ?? "",
    );
    expect(report.verified).to.equal(true);
  });

  it("`abs audit verify` re-checks the indexer's signed export against the chain; any altered event fails, named", async () => {
    const url = /dashboard +(http:\/\/[^/\s]+)\//.exec(output)?.[1] ?? "";
    const token = /#session=([0-9a-f]{64})/.exec(output)?.[1] ?? "";
    const res = await fetch(`${url}/audit/export?format=json`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    const exported = (await res.json()) as {
      events: { name: string; args: string; blockNumber: string; logIndex: string }[];
      blocks: { hash: string }[];
      signature?: { signer: string };
    };
    const regulator = hardhatDevWallet(5).address;
    expect(exported.signature?.signer).to.equal(regulator.toLowerCase());
    expect(exported.events.length).to.be.greaterThan(50);
    const dir = path.dirname(bookFile);
    const file = path.join(dir, "audit.json");
    writeFileSync(file, JSON.stringify(exported));
    const ok = await abs("audit", "verify", file, "--rpc-url", rpcUrl, "--signer", regulator, "--json");
    expect(ok.code, ok.stderr + ok.stdout.slice(0, 2000)).to.equal(0);
    expect(JSON.parse(ok.stdout)).to.include({ verified: true, signer: regulator.toLowerCase() });

    // An event's arguments altered after export (and the signature no longer holds).
    const altered = structuredClone(exported);
    const target = altered.events.find((e) => e.name === "TapeAnchored") ?? altered.events[0];
    if (!target) throw new Error("no event");
    const args = JSON.parse(target.args) as Record<string, unknown>;
    const numeric = Object.keys(args).find((k) => typeof args[k] === "string" && /^\d+$/.test(String(args[k])));
    if (numeric === undefined) throw new Error(`no numeric argument in ${target.args}`);
    args[numeric] = (BigInt(String(args[numeric])) + 1n).toString();
    target.args = JSON.stringify(args);
    writeFileSync(file, JSON.stringify(altered));
    const bad = await abs("audit", "verify", file, "--rpc-url", rpcUrl);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.contain("NOT VERIFIED").and.contain(`block ${target.blockNumber} log ${target.logIndex}`);
    expect(bad.stdout).to.contain("arguments").and.contain("digest");
    // A file that is no export is a usage error.
    writeFileSync(file, JSON.stringify({ hello: 1 }));
    expect((await abs("audit", "verify", file, "--rpc-url", rpcUrl)).code).to.equal(2);
  });

  it("is idempotent: deploying again onto the running chain reuses everything and sends no transaction", async () => {
    const provider = new JsonRpcProvider(rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
    const config = loadNetworkConfig("localhost");
    const genesis = await provider.getBlock(0);
    const book = AddressBook.open(bookFile, { network: "localhost", chainId: 31337, genesisHash: genesis?.hash ?? "" });
    const before = await provider.getBlockNumber();
    const lines: string[] = [];
    await deployConsortium({
      config,
      provider,
      deployer: resolveSigner(config.deployer, provider),
      signerOf: memberSigners(config, provider),
      book,
      log: (line) => lines.push(line),
    });
    expect(await provider.getBlockNumber()).to.equal(before);
    expect(lines.every((l) => l.startsWith("reuse"))).to.equal(true, lines.join("\n"));
    provider.destroy();
  });

  it("stops the chain and exits 0 on Ctrl-C (SIGINT)", async () => {
    const exited = new Promise<number | null>((resolve) => launcher.once("exit", (code) => resolve(code)));
    launcher.kill("SIGINT");
    expect(await exited).to.equal(0);
    await waitFor(
      async () => !(await isPortInUse("127.0.0.1", PORT)),
      10_000,
      () => "chain port still open",
    );
    for (let i = 0; i < 4; i += 1) expect(await isPortInUse("127.0.0.1", NODES_PORT + i)).to.equal(false);
  });
});

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((r) => setTimeout(r, 250));
  }
}
