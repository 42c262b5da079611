/**
 * Who may read what from the indexer (issue 13): members sign in with their own key (EIP-4361) and
 * the registry on a real chain decides at every request. Forged, replayed, misdirected and expired
 * sign-ins are refused; each role sees what its powers allow and nothing more.
 */
import { expect } from "chai";
import { Wallet, encodeBytes32String, type Signer } from "ethers";
import pino from "pino";
import { SiweMessage } from "siwe";
import { ConsortiumRegistry__factory, TrancheToken__factory } from "../../../typechain-types";
import { createApp, listen, LoanBook, signInToIndexer, type AuthDeps, type RunningServer } from "../src";
import {
  dealActions,
  memberSigner,
  model,
  openIndexer,
  sampleTape,
  startTestChain,
  testAuth,
  type TestChain,
  type TestIndexer,
} from "./chain";

interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
    error?: { code: string; message: string };
  };
}

describe("indexer sign-in (EIP-4361) and what each role may read", function () {
  this.timeout(180_000);
  let chain: TestChain;
  let ix: TestIndexer;
  let auth: AuthDeps;
  let server: RunningServer;
  let open: RunningServer;
  let pool: string;
  const tokens = new Map<string, string>();

  async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text === "" ? {} : JSON.parse(text)) as Answer["body"] };
  }

  const bearer = (name: string) => ({ authorization: `Bearer ${tokens.get(name) ?? ""}` });
  const gql = (query: string, headers: Record<string, string>, url = server.url) =>
    post(url, "/graphql", { query }, headers);
  const code = (a: Answer) => a.body.error?.code ?? a.body.errors?.[0]?.extensions?.code;

  async function challengeFor(address: string): Promise<string> {
    const res = await fetch(`${server.url}/auth/challenge?address=${address}`);
    expect(res.status).to.equal(200);
    return ((await res.json()) as { message: string }).message;
  }

  /** A message like the challenge's, with some fields changed (the nonce stays one the indexer issued). */
  async function altered(
    signer: Signer,
    change: Partial<SiweMessage>,
  ): Promise<{ message: string; signature: string }> {
    const original = new SiweMessage(await challengeFor(await signer.getAddress()));
    const message = new SiweMessage({ ...original, ...change }).prepareMessage();
    return { message, signature: await signer.signMessage(message) };
  }

  before(async () => {
    chain = await startTestChain({ withSampleDeal: true });
    const actions = dealActions(chain);
    pool = actions.deal.pool.toLowerCase();
    // investor-3 sells all its senior units to investor-2: it holds none of this pool any more.
    const senior = actions.deal.tranches[0]?.address ?? "";
    const held = await TrancheToken__factory.connect(senior, chain.provider).balanceOf(
      await memberSigner(chain, "investor-3").getAddress(),
    );
    await actions.transfer("investor-3", "investor-2", 0, held);
    ix = await openIndexer(chain, "auth");
    await ix.indexer.syncOnce();
    const loans = new LoanBook(ix.store, "loan-level");
    const tape = sampleTape();
    expect(await loans.addTape(pool, 1, tape.records, tape.saltKey)).to.equal("verified");
    auth = await testAuth(chain);
    const deps = { store: ix.store, model, logger: pino({ level: "silent" }), loans, hasIndexingErrors: () => false };
    server = await listen(createApp({ ...deps, auth }), "127.0.0.1", 0);
    auth.domain = new URL(server.url).host;
    const openAuth = { ...(await testAuth(chain, { openRead: true })) };
    open = await listen(createApp({ ...deps, auth: openAuth }), "127.0.0.1", 0);
    openAuth.domain = new URL(open.url).host;
    for (const name of ["regulator", "trustee", "investor-1", "investor-3", "custodian", "servicer", "guarantor"]) {
      tokens.set(name, (await signInToIndexer(server.url, memberSigner(chain, name))).token);
    }
  });
  after(async () => {
    await server?.close();
    await open?.close();
    await ix?.close();
    await chain?.stop();
  });

  it("without a session: GraphQL and the audit export answer 401 AUTH_REQUIRED; health and the pages do not need one", async () => {
    const answer = await gql(`{ pools { id } }`, {});
    expect(answer.status).to.equal(401);
    expect(code(answer)).to.equal("AUTH_REQUIRED");
    expect(answer.body.error?.message).to.contain("/auth/challenge");
    const exported = await fetch(`${server.url}/audit/export?format=json`);
    expect(exported.status).to.equal(401);
    const made = await gql(`{ pools { id } }`, { authorization: `Bearer ${"ab".repeat(32)}` });
    expect([made.status, code(made)]).to.deep.equal([401, "AUTH_REQUIRED"]);
    expect((await fetch(`${server.url}/health`)).status).to.equal(200);
    expect((await fetch(`${server.url}/`)).status).to.equal(200);
    expect((await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } })).status).to.equal(200);
  });

  it("a member signs in with its own key; the session works as a bearer token and as a cookie, until signed out", async () => {
    const signer = memberSigner(chain, "regulator");
    const message = await challengeFor(await signer.getAddress());
    expect(message).to.contain(new URL(server.url).host).and.to.contain("Chain ID: 31337");
    const signed = await post(server.url, "/auth/sign-in", { message, signature: await signer.signMessage(message) });
    expect(signed.status).to.equal(200);
    const session = signed.body as unknown as { token: string; memberId: string; roles: string[] };
    expect(session.memberId).to.equal("REGU-SECURITIES");
    expect(session.roles).to.deep.equal(["REGULATOR"]);
    const cookie = { cookie: `abs_session=${session.token}` };
    expect((await gql(`{ pools { id } }`, cookie)).status).to.equal(200);
    const who = await fetch(`${server.url}/auth/session`, { headers: cookie });
    expect(((await who.json()) as { memberId: string }).memberId).to.equal("REGU-SECURITIES");
    expect((await post(server.url, "/auth/sign-out", {}, cookie)).status).to.be.oneOf([204, 200]);
    expect((await gql(`{ pools { id } }`, cookie)).status).to.equal(401);
  }).timeout(30_000);

  it("forged, replayed, misdirected, expired and non-member sign-ins are refused", async () => {
    const regulator = memberSigner(chain, "regulator");
    const address = await regulator.getAddress();
    const signIn = (m: { message: string; signature: string }) => post(server.url, "/auth/sign-in", m);

    // Another key signs a message naming the regulator.
    const message = await challengeFor(address);
    const forged = await signIn({ message, signature: await Wallet.createRandom().signMessage(message) });
    expect([forged.status, code(forged)]).to.deep.equal([401, "AUTH_INVALID"]);
    // The genuine signature works once; the same message and signature again do not.
    const genuine = { message, signature: await regulator.signMessage(message) };
    expect((await signIn(genuine)).status).to.equal(200);
    const replayed = await signIn(genuine);
    expect([replayed.status, code(replayed)]).to.deep.equal([401, "AUTH_INVALID"]);
    expect(replayed.body.error?.message).to.match(/nonce/);
    // A nonce the indexer never issued.
    const invented = await altered(regulator, { nonce: "abcdef0123456789" });
    expect(code(await signIn(invented))).to.equal("AUTH_INVALID");
    // Signed for another site, another chain, or already expired.
    const elsewhere = await signIn(await altered(regulator, { domain: "evil.example" }));
    expect([elsewhere.status, code(elsewhere)]).to.deep.equal([401, "AUTH_INVALID"]);
    expect(elsewhere.body.error?.message).to.match(/[Dd]omain/);
    expect(code(await signIn(await altered(regulator, { chainId: 1 })))).to.equal("AUTH_INVALID");
    const expired = await signIn(
      await altered(regulator, { expirationTime: new Date(Date.now() - 1000).toISOString() }),
    );
    expect(expired.body.error?.message).to.match(/[Ee]xpired/);
    // Garbage in every field.
    for (const body of [{}, { message: "hello", signature: "0x00" }, { message: 5, signature: null }]) {
      const refused = await post(server.url, "/auth/sign-in", body);
      expect([refused.status, code(refused)], JSON.stringify(body)).to.deep.equal([401, "AUTH_INVALID"]);
    }
    const badAddress = await fetch(`${server.url}/auth/challenge?address=nope`);
    expect(badAddress.status).to.equal(401);
    // A key the registry does not know.
    const stranger = Wallet.createRandom();
    const strangers = await signIn({
      message: await challengeFor(stranger.address),
      signature: "",
    });
    expect(code(strangers)).to.equal("AUTH_INVALID");
    const m = await challengeFor(stranger.address);
    const notMember = await signIn({ message: m, signature: await stranger.signMessage(m) });
    expect([notMember.status, code(notMember)]).to.deep.equal([403, "NOT_A_MEMBER"]);
  }).timeout(30_000);

  it("regulator: loan-level data of every pool; trustee: of its own pool", async () => {
    const q = `{ loans(pool: "${pool}", first: 3) { loanId proofStatus } loanConcentrations(pool: "${pool}", by: region) { key } }`;
    for (const name of ["regulator", "trustee"]) {
      const answer = await gql(q, bearer(name));
      expect(answer.body.errors, name).to.equal(undefined);
      expect(answer.body.data?.["loans"], name).to.have.length(3);
    }
  });

  it("loans page by keyset cursor in loan id order, filter on days past due, and count what matches", async () => {
    const page = async (where: string) => {
      const answer = await gql(
        `{ loans(pool: "${pool}", first: 7, where: { ${where} }) { loanId daysPastDue } loansCount(pool: "${pool}", where: { ${where.replace(/loanId_gt: "[^"]*"/, "")} }) }`,
        bearer("regulator"),
      );
      expect(answer.body.errors).to.equal(undefined);
      return answer.body.data as { loans: { loanId: string; daysPastDue: number }[]; loansCount: number };
    };
    const all: string[] = [];
    let after: string | undefined;
    let total: number;
    for (;;) {
      const { loans, loansCount } = await page(after === undefined ? "" : `loanId_gt: "${after}"`);
      total = loansCount;
      if (loans.length === 0) break;
      all.push(...loans.map((l) => l.loanId));
      after = loans.at(-1)?.loanId;
    }
    expect(all).to.have.length(total);
    expect(all).to.deep.equal([...all].sort());
    expect(new Set(all).size).to.equal(total);
    // A page's position: how many loans come up to its cursor (loanId_lte), on any page.
    for (const index of [0, 6, 13, total - 1]) {
      const position = await gql(
        `{ loansCount(pool: "${pool}", where: { loanId_lte: "${all[index]}" }) }`,
        bearer("regulator"),
      );
      expect(position.body.data?.["loansCount"]).to.equal(index + 1);
    }
    const late = await page("daysPastDue_gte: 30");
    expect(late.loans.every((l) => l.daysPastDue >= 30)).to.equal(true);
    expect(late.loansCount).to.be.lessThan(total);
    const bad = await gql(`{ loansCount(pool: "${pool}", where: { daysPastDue_gte: -1 }) }`, bearer("regulator"));
    expect(code(bad)).to.equal("BAD_USER_INPUT");
  });

  it("investor: aggregates of the pools it holds, never loan-level; refused aggregates of pools it does not hold", async () => {
    const concentrations = `{ loanConcentrations(pool: "${pool}", by: region) { key loanCount } }`;
    const holder = await gql(concentrations, bearer("investor-1"));
    expect(holder.body.errors).to.equal(undefined);
    expect((holder.body.data?.["loanConcentrations"] as unknown[]).length).to.be.greaterThan(0);
    expect(code(await gql(concentrations, bearer("investor-3")))).to.equal("NOT_ENTITLED");
    for (const field of [
      `loans(pool: "${pool}") { loanId }`,
      `loan(pool: "${pool}", loanId: "x") { loanId }`,
      `loanHistory(pool: "${pool}", loanId: "x") { status }`,
      `topBorrowers(pool: "${pool}") { borrowerId }`,
      `doublePledgedLoans { loanId }`,
      `refusedLoans(pool: "${pool}") { loanId }`,
    ]) {
      expect(code(await gql(`{ ${field} }`, bearer("investor-1"))), field).to.equal("NOT_ENTITLED");
    }
    // Chain-derived data is any member's.
    const pools = await gql(`{ pools { id } }`, bearer("investor-3"));
    expect(pools.body.data?.["pools"]).to.deep.equal([{ id: pool }]);
  });

  it("members without a loan role (custodian, servicer, guarantor) read chain data but no loan data", async () => {
    for (const name of ["custodian", "servicer", "guarantor"]) {
      expect((await gql(`{ pools { id } }`, bearer(name))).status, name).to.equal(200);
      for (const q of [
        `{ loans(pool: "${pool}") { loanId } }`,
        `{ loanConcentrations(pool: "${pool}", by: region) { key } }`,
      ]) {
        expect(code(await gql(q, bearer(name))), `${name} ${q}`).to.equal("NOT_ENTITLED");
      }
    }
  });

  it("open read-only mode (configured): chain data without a session, loan data still refused", async () => {
    const answer = await gql(`{ pools { id } }`, {}, open.url);
    expect(answer.status).to.equal(200);
    expect(answer.body.data?.["pools"]).to.deep.equal([{ id: pool }]);
    const loans = await gql(`{ loanConcentrations(pool: "${pool}", by: region) { key } }`, {}, open.url);
    expect(code(loans)).to.equal("NOT_ENTITLED");
  });

  it("a suspension voted on chain takes effect at the caller's next request", async () => {
    const before = await gql(`{ pools { id } }`, bearer("custodian"));
    expect(before.status).to.equal(200);
    const custodian = await memberSigner(chain, "custodian").getAddress();
    const registry = ConsortiumRegistry__factory.connect(chain.deployment.registry, memberSigner(chain, "originator"));
    const suspend = {
      kind: 1,
      account: custodian,
      memberId: encodeBytes32String(""),
      legalEntityHash: encodeBytes32String(""),
      roles: 0,
      flag: false,
      eligibility: { investorClass: 0, jurisdiction: 0, validUntil: 0 },
      threshold: 0,
    };
    const receipt = await (await registry.propose(suspend, 86_400)).wait();
    const created = receipt?.logs.map((l) => registry.interface.parseLog(l)).find((l) => l?.name === "ProposalCreated");
    const id = BigInt(created?.args[0] ?? -1);
    for (const name of ["servicer", "trustee"]) {
      await (await registry.connect(memberSigner(chain, name)).approve(id)).wait();
    }
    // The third approval (with the proposer's) reaches the threshold and executes the suspension.
    const after = await gql(`{ pools { id } }`, bearer("custodian"));
    expect([after.status, code(after)]).to.deep.equal([403, "NOT_A_MEMBER"]);
  });
});
