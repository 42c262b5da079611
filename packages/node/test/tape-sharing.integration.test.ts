/**
 * Integration: loan-level sharing on a real Hardhat chain. The consortium and the sample deal are deployed
 * by deploy/consortium.ts; the originator's node (startNode) stores the sample tape regenerated exactly as
 * deploy/sample-deal.ts commits it; receivers verify every loan against the root read from the pool.
 */
import path from "node:path";
import { expect } from "chai";
import { Contract, type HDNodeWallet, type JsonRpcProvider } from "ethers";
import { Level } from "level";
import pino from "pino";
import { hardhatDevWallet, type LoanRecord } from "@abs/core";
import { loadNetworkConfig, sampleDealLoans } from "../../../deploy/config";
import { sampleTapeSaltKey } from "../../../deploy/sample-deal";
import { type NodeError } from "../src/errors";
import { startNode, type RunningNode } from "../src/node";
import {
  ASSET_POOL_TAPE_ABI,
  AssetPoolRootReader,
  fetchVerifiedLoan,
  fetchVerifiedTape,
  listLoanIds,
  type AnchoredRootReader,
} from "../src/peer-client";
import { signRequest } from "../src/request-signing";
import { toJson } from "../src/tape-store";
import { ORIGINATOR_ID, startConsortiumChain, type ConsortiumChain } from "./consortium-chain";
import { errorCode, getJson } from "./helpers";

const devKey = hardhatDevWallet;
// Hardhat dev accounts as configured in deploy/networks/localhost.json.
const trustee = devKey(3);
const regulator = devKey(5);
const investor = devKey(6);
const outsider = devKey(15);

/** Rejects with the NodeError code of `promise`, or fails. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as NodeError).code;
  }
  throw new Error("expected a rejection");
}

describe("loan-level sharing against a real consortium chain", function () {
  this.timeout(60_000);
  let consortium: ConsortiumChain;
  let provider: JsonRpcProvider;
  let node: RunningNode;
  let chainId: bigint;
  let registry: string;
  let pool: string;
  let dataDir: string;
  let loans: LoanRecord[];
  let reader: AnchoredRootReader;

  const nodeConfig = () => consortium.originatorConfig();
  const fetchLoan = (signer: HDNodeWallet, loanId: string, chainReader: AnchoredRootReader = reader) =>
    fetchVerifiedLoan({
      signer,
      baseUrl: node.url,
      domain: { chainId, registry },
      target: ORIGINATOR_ID,
      pool,
      version: 1,
      loanId,
      chain: chainReader,
    });
  const loanAt = (i: number): LoanRecord => {
    const loan = loans[i];
    if (!loan) throw new Error(`no loan ${i}`);
    return loan;
  };

  before(async () => {
    const deal = loadNetworkConfig("localhost").sampleDeal;
    if (!deal) throw new Error("localhost config has no sample deal");
    consortium = await startConsortiumChain({ withSampleDeal: true });
    ({ provider, chainId, dataDir } = consortium);
    registry = consortium.deployment.registry;
    if (!consortium.deployment.sampleDeal) throw new Error("sample deal not deployed");
    pool = consortium.deployment.sampleDeal.pool;
    reader = new AssetPoolRootReader(provider);
    node = await startNode(nodeConfig(), { logger: pino({ level: "silent" }), env: {} });
    // The same loans and salt key as deploy/sample-deal.ts `commitSampleTape`.
    loans = [...sampleDealLoans(deal)];
    const meta = await node.tapes.importTape(pool, 1, loans, {
      saltKey: sampleTapeSaltKey(deal.dealId),
      expectedRoot: await reader.anchoredRoot(pool, 1),
      chunkSize: 64,
    });
    expect(meta.loanCount).to.equal(200);
  });

  after(async () => {
    await node?.stop();
    await consortium?.stop();
  });

  it("serves the trustee and the regulator loans that verify against the anchored root", async () => {
    const first = await fetchLoan(trustee, loanAt(0).loanId);
    expect(first.record).to.deep.equal(loanAt(0));
    expect(first.anchoredRoot).to.equal(await reader.anchoredRoot(pool, 1));
    const last = await fetchLoan(regulator, loanAt(199).loanId);
    expect(last.record).to.deep.equal(loanAt(199));
  });

  it("refuses an investor (403), an unknown key and an unknown loan", async () => {
    const loanId = loanAt(1).loanId;
    expect(await codeOf(fetchLoan(investor, loanId))).to.equal("PEER_REQUEST_REFUSED");
    const refused = await fetchLoan(investor, loanId).catch((e: unknown) => e);
    expect(refused).to.include({ peerStatus: 403, peerCode: "PEER_NOT_ENTITLED" });
    const stranger = await fetchLoan(outsider, loanId).catch((e: unknown) => e);
    expect(stranger).to.include({ peerStatus: 403, peerCode: "PEER_NOT_MEMBER" });
    const missing = await fetchLoan(trustee, "NO-SUCH-LOAN").catch((e: unknown) => e);
    expect(missing).to.include({ peerStatus: 404, peerCode: "LOAN_NOT_FOUND" });
  });

  it("refuses a replayed request", async () => {
    const p = `/v1/pools/${pool}/tapes/1/loans/${loanAt(2).loanId}`;
    const headers = await signRequest(
      trustee,
      { method: "GET", path: p },
      { domain: { chainId, registry }, target: ORIGINATOR_ID },
    );
    expect((await getJson(node.url, p, headers)).status).to.equal(200);
    const replay = await getJson(node.url, p, headers);
    expect([replay.status, errorCode(replay.body)]).to.deep.equal([401, "PEER_AUTH_REPLAYED"]);
  });

  it("serves the summary to an investor; an unknown version is 404", async () => {
    const sign = async (p: string) =>
      getJson(
        node.url,
        p,
        await signRequest(
          investor,
          { method: "GET", path: p },
          { domain: { chainId, registry }, target: ORIGINATOR_ID },
        ),
      );
    const summary = await sign(`/v1/pools/${pool}/tapes/1/summary`);
    expect(summary.status).to.equal(200);
    expect(summary.body).to.include({ pool: pool.toLowerCase(), version: 1, loanCount: 200 });
    const unknown = await sign(`/v1/pools/${pool}/tapes/2/summary`);
    expect([unknown.status, errorCode(unknown.body)]).to.deep.equal([404, "TAPE_NOT_FOUND"]);
  });

  it("lists the tape's loan ids page by page to the trustee and the regulator: exactly the anchored tape's ids", async () => {
    const target = { baseUrl: node.url, domain: { chainId, registry }, target: ORIGINATOR_ID, pool, version: 1 };
    const onChain = (await new Contract(pool, ASSET_POOL_TAPE_ABI, provider).getFunction("tape").staticCall(1)) as {
      anchor: { loanCount: bigint };
    };
    for (const signer of [trustee, regulator]) {
      const listed: string[] = [];
      for await (const id of listLoanIds({ ...target, signer, pageSize: 64 })) listed.push(id);
      // INV NODE-5: the listed ids are the anchored tape's, each once, as many as the anchor's loanCount.
      expect(listed).to.have.length(Number(onChain.anchor.loanCount));
      expect(new Set(listed)).to.deep.equal(new Set(loans.map((l) => l.loanId)));
    }
  });

  it("refuses the loan id listing to an investor and a stranger (403), and bad paging with what/expected/found (400)", async () => {
    const list = (signer: HDNodeWallet) =>
      listLoanIds({
        signer,
        baseUrl: node.url,
        domain: { chainId, registry },
        target: ORIGINATOR_ID,
        pool,
        version: 1,
      });
    const drain = async (ids: AsyncIterable<string>) => {
      for await (const _ of ids) void _;
    };
    expect(await drain(list(investor)).catch((e: unknown) => e)).to.include({
      peerStatus: 403,
      peerCode: "PEER_NOT_ENTITLED",
    });
    expect(await drain(list(outsider)).catch((e: unknown) => e)).to.include({
      peerStatus: 403,
      peerCode: "PEER_NOT_MEMBER",
    });
    const ask = async (signer: HDNodeWallet, p: string) =>
      getJson(
        node.url,
        p,
        await signRequest(signer, { method: "GET", path: p }, { domain: { chainId, registry }, target: ORIGINATOR_ID }),
      );
    const base = `/v1/pools/${pool}/tapes/1/loan-ids`;
    const cases: [string, RegExp][] = [
      ["?limit=0", /limit: expected a page size from 1 to 10000, found "0"/],
      ["?limit=10001", /limit: expected a page size from 1 to 10000, found 10001/],
      ["?limit=ten", /limit: expected a page size from 1 to 10000, found "ten"/],
      ["?limit=5&limit=6", /limit: .*expected string, received array/],
      ["?after=no%20spaces", /after: expected a loan id \(the `next` of the previous page\), found "no spaces"/],
      ["?offset=100", /query: Unrecognized key: "offset"/],
    ];
    for (const [query, message] of cases) {
      const answer = await ask(trustee, base + query);
      expect([answer.status, errorCode(answer.body)], query).to.deep.equal([400, "REQUEST_INVALID"]);
      const text = (answer.body as { error: { message: string } }).error.message;
      expect(text, query).to.match(message);
      expect(text, query).to.match(/expected \?after=<loanId>&limit=<1\.\.10000>$/);
    }
    // The entitlement is checked before the input: an investor learns nothing, not even a paging error.
    expect(errorCode((await ask(investor, base + "?limit=0")).body)).to.equal("PEER_NOT_ENTITLED");
    const unknown = await ask(trustee, `/v1/pools/${pool}/tapes/2/loan-ids`);
    expect([unknown.status, errorCode(unknown.body)]).to.deep.equal([404, "TAPE_NOT_FOUND"]);
  });

  it("the listing client refuses pages that do not advance or list more ids than the tape holds", async () => {
    const rewriting =
      (edit: (page: { loanCount: number; next?: string }) => void): typeof fetch =>
      async (input, init) => {
        const res = await fetch(input, init);
        const page = (await res.json()) as { loanCount: number; next?: string };
        edit(page);
        return new Response(JSON.stringify(page), { status: res.status });
      };
    const drain = async (edit: (page: { loanCount: number; next?: string }) => void) => {
      const ids = listLoanIds({
        signer: trustee,
        baseUrl: node.url,
        domain: { chainId, registry },
        target: ORIGINATOR_ID,
        pool,
        version: 1,
        pageSize: 50,
        fetch: rewriting(edit),
      });
      for await (const _ of ids) void _;
    };
    const stuck = await drain((page) => {
      page.next = loanAt(0).loanId; // the same cursor again and again
    }).catch((e: unknown) => e);
    expect(stuck).to.include({ code: "PEER_RESPONSE_INVALID" });
    expect((stuck as Error).message).to.match(/do not advance/);
    const inflated = await drain((page) => {
      page.loanCount = 60;
    }).catch((e: unknown) => e);
    expect(inflated).to.include({ code: "PEER_RESPONSE_INVALID" });
    expect((inflated as Error).message).to.match(/more than the 60 loan ids/);
  });

  const fetchTape = (signer: HDNodeWallet, options: { pageSize?: number; fetch?: typeof fetch } = {}) =>
    fetchVerifiedTape(
      {
        signer,
        baseUrl: node.url,
        domain: { chainId, registry },
        target: ORIGINATOR_ID,
        pool,
        version: 1,
        chain: reader,
        ...options,
      },
      (record) => record,
    );

  it("serves the whole tape page by page to the trustee and the regulator: it verifies against the anchored root", async () => {
    for (const signer of [trustee, regulator]) {
      const tape = await fetchTape(signer, { pageSize: 64 });
      // INV NODE-6: the pages hold every loan of the anchored tape once, and their leaves rebuild its root.
      expect(tape.anchoredRoot).to.equal(await reader.anchoredRoot(pool, 1));
      expect(tape.loanCount).to.equal(200);
      expect(tape.refused).to.deep.equal([]);
      const byId = (a: LoanRecord, b: LoanRecord) => (a.loanId < b.loanId ? -1 : 1);
      expect(tape.verified).to.deep.equal([...loans].sort(byId));
    }
    // One page of 2,000 (the largest) holds the whole tape: no `next`.
    const one = await fetchTape(trustee, { pageSize: 2_000 });
    expect(one.verified).to.have.length(200);
  });

  it("refuses the loan pages to an investor and a stranger (403), and bad paging with what/expected/found (400)", async () => {
    expect(await fetchTape(investor).catch((e: unknown) => e)).to.include({
      peerStatus: 403,
      peerCode: "PEER_NOT_ENTITLED",
    });
    expect(await fetchTape(outsider).catch((e: unknown) => e)).to.include({
      peerStatus: 403,
      peerCode: "PEER_NOT_MEMBER",
    });
    const ask = async (signer: HDNodeWallet, p: string) =>
      getJson(
        node.url,
        p,
        await signRequest(signer, { method: "GET", path: p }, { domain: { chainId, registry }, target: ORIGINATOR_ID }),
      );
    const base = `/v1/pools/${pool}/tapes/1/loans`;
    const cases: [string, RegExp][] = [
      ["?limit=0", /limit: expected a page size from 1 to 2000, found "0"/],
      ["?limit=2001", /limit: expected a page size from 1 to 2000, found 2001/],
      ["?limit=ten", /limit: expected a page size from 1 to 2000, found "ten"/],
      ["?after=no%20spaces", /after: expected a loan id \(the `next` of the previous page\), found "no spaces"/],
      ["?offset=100", /query: Unrecognized key: "offset"/],
    ];
    for (const [query, message] of cases) {
      const answer = await ask(regulator, base + query);
      expect([answer.status, errorCode(answer.body)], query).to.deep.equal([400, "REQUEST_INVALID"]);
      const text = (answer.body as { error: { message: string } }).error.message;
      expect(text, query).to.match(message);
      expect(text, query).to.match(/expected \?after=<loanId>&limit=<1\.\.2000>$/);
    }
    // The entitlement is checked before the input: an investor learns nothing, not even a paging error.
    expect(errorCode((await ask(investor, base + "?limit=0")).body)).to.equal("PEER_NOT_ENTITLED");
    const unknown = await ask(trustee, `/v1/pools/${pool}/tapes/2/loans`);
    expect([unknown.status, errorCode(unknown.body)]).to.deep.equal([404, "TAPE_NOT_FOUND"]);
    // A page after the last loan id is empty and last.
    const sorted = loans.map((l) => l.loanId).sort();
    const tail = await ask(trustee, `${base}?after=${sorted[199] ?? ""}`);
    expect(tail.body).to.deep.include({ loanCount: 200, loans: [] });
    expect(tail.body).not.to.have.property("next");
  });

  it("the whole-tape client refuses pages that do not advance, change the loan count or hide a loan, and a tape whose leaves are not the anchored ones", async () => {
    type Page = { loanCount: number; next?: string; loans: { leaf: string; record: { loanId: string } }[] };
    const rewriting =
      (edit: (page: Page, call: number) => void): typeof fetch =>
      async (input, init) => {
        const res = await fetch(input, init);
        const page = (await res.json()) as Page;
        edit(page, calls++);
        return new Response(JSON.stringify(page), { status: res.status });
      };
    let calls = 0;
    const attempt = (edit: (page: Page, call: number) => void) => {
      calls = 0;
      return fetchTape(trustee, { pageSize: 50, fetch: rewriting(edit) }).catch((e: unknown) => e);
    };
    const stuck = await attempt((page) => {
      if (page.next !== undefined) page.next = loanAt(0).loanId;
    });
    expect(stuck).to.include({ code: "PEER_RESPONSE_INVALID" });
    expect((stuck as Error).message).to.match(/do not advance/);
    const empty = await attempt((page, call) => {
      if (call >= 1) {
        page.loans = [];
        page.next = loans.map((l) => l.loanId).sort()[49] ?? ""; // the second page's cursor, again and again
      }
    });
    expect((empty as Error).message).to.match(/do not advance/);
    const recount = await attempt((page, call) => {
      if (call === 1) page.loanCount = 201;
    });
    expect((recount as Error).message).to.match(/change the tape's loan count/);
    const hidden = await attempt((page, call) => {
      if (call === 2) page.loans.shift();
    });
    expect(hidden).to.include({ code: "PEER_RESPONSE_INVALID" });
    expect((hidden as Error).message).to.match(/hold 199 loans, not the tape's 200/);
    // A self-consistent substitute: a loan's leaf replaced. Nothing of the tape can be trusted any more.
    const substituted = await attempt((page, call) => {
      const first = page.loans[0];
      if (call === 0 && first) first.leaf = "0x" + "11".repeat(32);
    });
    if (substituted instanceof Error) throw substituted;
    const tape = substituted as Awaited<ReturnType<typeof fetchTape>>;
    expect(tape.verified).to.deep.equal([]);
    expect(tape.refused).to.have.length(200);
    expect(tape.refused[1]?.reason).to.match(/served leaves do not rebuild the root anchored on chain/);
  });

  it("refuses a proof that does not lead to the root on chain", async () => {
    // A node serving a self-consistent tree that is not the anchored one: same answer, another root.
    const otherRoot: AnchoredRootReader = { anchoredRoot: () => Promise.resolve("0x" + "ab".repeat(32)) };
    expect(await codeOf(fetchLoan(trustee, loanAt(3).loanId, otherRoot))).to.equal("PEER_RECORD_UNVERIFIED");
    // A tampered proof element, served by a peer that rewrites its answers.
    const tampering: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const body = (await res.json()) as { proof: string[] };
      body.proof[0] = "0x" + "00".repeat(32);
      return new Response(JSON.stringify(body), { status: res.status });
    };
    const proofTampered = fetchVerifiedLoan({
      signer: trustee,
      baseUrl: node.url,
      domain: { chainId, registry },
      target: ORIGINATOR_ID,
      pool,
      version: 1,
      loanId: loanAt(3).loanId,
      chain: reader,
      fetch: tampering,
    });
    expect(await codeOf(proofTampered)).to.equal("PEER_RECORD_UNVERIFIED");
  });

  it("a record altered in LevelDB after anchoring fails verification on the receiver", async () => {
    const loan = loanAt(4);
    await node.stop();
    const db = new Level<string, string>(path.join(dataDir, "db"));
    await db.open();
    const utf8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
    const stored = db.sublevel<string, string>("tapes", utf8).sublevel<string, string>("loans", utf8);
    const key = `${pool.toLowerCase()}!${"1".padStart(10, "0")}!${loan.loanId}`;
    const raw = await stored.get(key);
    if (raw === undefined) throw new Error("stored loan not found");
    const value = JSON.parse(raw) as { record: Record<string, unknown> };
    value.record.currentPrincipalCents = String(loan.currentPrincipalCents - 1n); // still a valid record
    await stored.put(key, toJson(value));
    await db.close();
    node = await startNode(nodeConfig(), { logger: pino({ level: "silent" }), env: {} });

    const error = await fetchLoan(trustee, loan.loanId).catch((e: unknown) => e);
    expect(error).to.include({ code: "PEER_RECORD_UNVERIFIED" });
    expect((error as Error).message).to.match(/record altered/);
    // Untouched loans still verify.
    expect((await fetchLoan(trustee, loanAt(5).loanId)).record).to.deep.equal(loanAt(5));
    // The whole-tape client refuses that loan alone: its leaf (not altered) still rebuilds the anchored root.
    const tape = await fetchTape(regulator, { pageSize: 64 });
    expect(tape.verified).to.have.length(199);
    expect(tape.refused).to.have.length(1);
    expect(tape.refused[0]).to.include({ loanId: loan.loanId, code: "PEER_RECORD_UNVERIFIED" });
    expect(tape.refused[0]?.reason).to.match(/record altered/);
  });
});
