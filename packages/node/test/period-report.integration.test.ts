/**
 * Integration: the servicer reports a period through its node on a real Hardhat chain (the sample deal, Active),
 * and entitled peers read each loan's state with a proof against the loan-state root anchored on chain.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Contract, type HDNodeWallet } from "ethers";
import { Level } from "level";
import pino from "pino";
import {
  generatePerformance,
  hardhatDevWallet,
  performanceCsvBytes,
  type LoanRecord,
  type PerformanceRow,
} from "@abs/core";
import { loadNetworkConfig, sampleDealLoans } from "../../../deploy/config";
import { ASSET_POOL_ABI } from "../src/chain/abi";
import { startNode, type RunningNode } from "../src/node";
import { fetchVerifiedLoanState, fetchVerifiedPeriod } from "../src/period/period-client";
import { AssetPoolRootReader } from "../src/peer-client";
import { toJson } from "../src/tape-store";
import { startConsortiumChain, type ConsortiumChain } from "./consortium-chain";

const TOKEN = "operator-token-for-period-tests-0123";
const SERVICER_ID = "SERV-HUAXIA-CF";
const trustee = hardhatDevWallet(3);
const regulator = hardhatDevWallet(5);
const investor = hardhatDevWallet(6);

describe("period loan states through the servicer's node (real chain)", function () {
  this.timeout(120_000);
  let consortium: ConsortiumChain;
  let node: RunningNode;
  let pool: string;
  let rows: PerformanceRow[];
  let file: Buffer;
  let start: string;
  let end: string;
  const reader = () => new AssetPoolRootReader(consortium.provider);
  const config = () =>
    consortium.originatorConfig({
      ABS_NODE_ROLE: "SERVICER",
      ABS_NODE_MEMBER_ID: SERVICER_ID,
      ABS_NODE_HARDHAT_ACCOUNT: "2",
      ABS_NODE_DATA_DIR: path.join(consortium.dataDir, "servicer-db"),
      ABS_NODE_OPERATOR_TOKEN_FILE: path.join(consortium.dataDir, "token"),
      ABS_NODE_TAPE_KEY_FILE: path.join(consortium.dataDir, "state.key"),
    });
  const post = async (body: Buffer, query: string, period = 1) => {
    const res = await fetch(`${node.url}/v1/pools/${pool}/periods/${period}/report?${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/csv" },
      body: new Uint8Array(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  let beforeReport = "";
  const peer = (signer: HDNodeWallet) => ({
    signer,
    baseUrl: node.url,
    domain: { chainId: consortium.chainId, registry: consortium.deployment.registry },
    target: SERVICER_ID,
    pool,
    period: 1,
    chain: reader(),
  });
  const rowAt = (i: number): PerformanceRow => {
    const row = rows[i];
    if (row === undefined) throw new Error(`no row ${i}`);
    return row;
  };

  before(async () => {
    const deal = loadNetworkConfig("localhost").sampleDeal;
    if (!deal) throw new Error("localhost config has no sample deal");
    consortium = await startConsortiumChain({ withSampleDeal: true });
    const sample = consortium.deployment.sampleDeal;
    if (!sample) throw new Error("sample deal not deployed");
    pool = sample.pool;
    writeFileSync(path.join(consortium.dataDir, "token"), TOKEN);
    writeFileSync(path.join(consortium.dataDir, "state.key"), randomBytes(32).toString("hex"), { mode: 0o600 });
    const loans: LoanRecord[] = [...sampleDealLoans(deal)];
    rows = [...generatePerformance(loans, 1, 11, { asOfDate: deal.cutoffDate })];
    file = await performanceCsvBytes(rows);
    start = deal.cutoffDate;
    end = rowAt(0).periodEndDate;
    node = await startNode(config(), { logger: pino({ level: "silent" }), env: {} });
  });

  after(async () => {
    await node?.stop();
    await consortium?.stop();
  });

  it("refuses an invalid file with every error, storing and sending nothing", async () => {
    const broken = Buffer.from(file.toString("utf8").replace(/,current,0\n/, ",current,12\n"));
    const answer = await post(broken, `start=${start}&end=${end}`);
    expect(answer.status).to.equal(422);
    expect(answer.body).to.deep.include({ rows: rows.length });
    expect((answer.body.error as { code: string }).code).to.equal("REPORT_INVALID");
    const errors = answer.body.errors as { code: string; row: number }[];
    expect(errors[0]).to.include({ code: "REPORT_STATUS_INCONSISTENT" });
    const last = await new Contract(pool, ASSET_POOL_ABI, consortium.provider).getFunction("lastPeriod").staticCall();
    expect(Number(last)).to.equal(0);
    expect(await node.periods.findMeta(pool, 1)).to.equal(undefined);
  });

  it("refuses bad options and callers without the operator token", async () => {
    expect((await post(file, `start=${end}&end=${start}`)).status).to.equal(400);
    expect((await post(file, `start=${start}`)).status).to.equal(400);
    const res = await fetch(`${node.url}/v1/pools/${pool}/periods/1/report?start=${start}&end=${end}`, {
      method: "POST",
      body: new Uint8Array(file),
    });
    expect(res.status).to.equal(401);
  });

  it("submits the report and serves each loan's state with a proof against the anchored root", async () => {
    // The chain before the report: the last test goes back to it, as a node meets a chain started anew.
    beforeReport = await consortium.provider.send("evm_snapshot", []);
    const answer = await post(file, `start=${start}&end=${end}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    expect(answer.body).to.include({ status: "submitted", period: 1, loanCount: rows.length });
    const onChain = (await new Contract(pool, ASSET_POOL_ABI, consortium.provider)
      .getFunction("report")
      .staticCall(1)) as { loanStateRoot: string };
    expect(onChain.loanStateRoot.toLowerCase()).to.equal(answer.body.root);

    const row = rowAt(3);
    const verified = await fetchVerifiedLoanState({ ...peer(trustee), loanId: row.loanId });
    const { periodEndDate: _end, ...state } = row;
    expect(verified.state).to.deep.equal(state);
    expect(verified.anchoredRoot.toLowerCase()).to.equal(answer.body.root);

    const whole = await fetchVerifiedPeriod({ ...peer(regulator), pageSize: 64 }, (s) => s.loanId);
    expect(whole.refused).to.deep.equal([]);
    expect(whole.verified).to.have.length(rows.length);
  });

  it("answers the same file again without sending anything, and refuses another file for the period", async () => {
    const again = await post(file, `start=${start}&end=${end}`);
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ status: "already-submitted", loanCount: rows.length });
    const changed = await performanceCsvBytes(rows.slice(0, -1));
    const other = await post(changed, `start=${start}&end=${end}`);
    expect(other.status).to.equal(409);
    expect((other.body.error as { code: string }).code).to.equal("PERIOD_ALREADY_REPORTED");
    // The committed states are untouched.
    expect((await fetchVerifiedLoanState({ ...peer(trustee), loanId: rowAt(0).loanId })).state.loanId).to.equal(
      rowAt(0).loanId,
    );
  });

  it("refuses an investor loan-level states (403) and answers an unknown loan or period with 404", async () => {
    const refused = await fetchVerifiedLoanState({ ...peer(investor), loanId: rowAt(0).loanId }).catch(
      (e: unknown) => e,
    );
    expect(refused).to.include({ code: "PEER_REQUEST_REFUSED", peerStatus: 403, peerCode: "PEER_NOT_ENTITLED" });
    const missing = await fetchVerifiedLoanState({ ...peer(trustee), loanId: "NO-SUCH-LOAN" }).catch((e: unknown) => e);
    expect(missing).to.include({ peerStatus: 404, peerCode: "LOAN_NOT_FOUND" });
    const unreported = await fetchVerifiedLoanState({ ...peer(trustee), period: 2, loanId: rowAt(0).loanId }).catch(
      (e: unknown) => e,
    );
    expect(unreported).to.include({ peerStatus: 404, peerCode: "PERIOD_NOT_FOUND" });
  });

  it("a state altered in LevelDB after the report is refused on the receiver, the others still verify", async () => {
    const row = rowAt(5);
    await node.stop();
    const db = new Level<string, string>(path.join(consortium.dataDir, "servicer-db"));
    await db.open();
    const utf8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
    const states = db.sublevel<string, string>("periods", utf8).sublevel<string, string>("states", utf8);
    const key = `${pool.toLowerCase()}!${"1".padStart(10, "0")}!${row.loanId}`;
    const raw = await states.get(key);
    if (raw === undefined) throw new Error("stored state not found");
    const value = JSON.parse(raw) as { state: Record<string, unknown> };
    value.state.interestPaidCents = String(row.interestPaidCents + 100n);
    await states.put(key, toJson(value));
    await db.close();
    node = await startNode(config(), { logger: pino({ level: "silent" }), env: {} });

    const error = await fetchVerifiedLoanState({ ...peer(trustee), loanId: row.loanId }).catch((e: unknown) => e);
    expect(error).to.include({ code: "PEER_RECORD_UNVERIFIED" });
    expect((error as Error).message).to.match(/state altered/);
    const whole = await fetchVerifiedPeriod({ ...peer(regulator), pageSize: 50 }, (s) => s.loanId);
    expect(whole.verified).to.have.length(rows.length - 1);
    expect(whole.refused.map((r) => r.loanId)).to.deep.equal([row.loanId]);
  });

  it("says so when its data is another chain's: it holds the period as reported, the chain has no report", async () => {
    await consortium.provider.send("evm_revert", [beforeReport]);
    const answer = await post(file, `start=${start}&end=${end}`);
    expect(answer.status).to.equal(409);
    expect((answer.body.error as { code: string; message: string }).message).to.match(
      /holds period 1 of pool .* as reported \(root 0x[0-9a-f]{64}\), but the chain has no report of it: the node's data directory is from another chain/,
    );
  });
});
