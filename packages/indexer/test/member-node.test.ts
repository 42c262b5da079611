/**
 * Penetrating views joined from a live member node: a real Hardhat chain with the sample deal, the
 * originator's node (`startNode` of @abs/node, its own LevelDB) holding the sample tape, and indexers
 * keyed as the regulator and as an investor asking it over signed peer requests.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Level } from "level";
import { hardhatDevWallet } from "@abs/core";
import { AssetPoolRootReader, parseNodeConfig, startNode, toJson, type RunningNode } from "@abs/node";
import { discoverLoanIds, joinTapeFromNode } from "../src/member-node";
import {
  IndexerError,
  LoanBook,
  fetchTapeFromNode,
  parseIndexerConfig,
  startIndexerService,
  type MemberNodeDeps,
  signInToIndexer,
} from "../src";
import {
  memberSigner,
  openIndexer,
  sampleTape,
  silentLogger,
  startTestChain,
  type TestChain,
  type TestIndexer,
} from "./chain";

const ORIGINATOR_ID = "ORIG-HUAXIA-CF"; // Hardhat dev account 1 in deploy/networks/localhost.json
const regulatorKey = hardhatDevWallet(5);
const investorKey = hardhatDevWallet(6);

describe("loan book joined from a live originator node", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let ix: TestIndexer;
  let node: RunningNode;
  let pool: string;
  const tape = sampleTape();
  const nodeDb = () => path.join(chain.dir, "originator-db");
  const nodeConfig = () =>
    parseNodeConfig({
      ABS_NODE_ROLE: "ORIGINATOR",
      ABS_NODE_MEMBER_ID: ORIGINATOR_ID,
      ABS_NODE_LISTEN: "127.0.0.1:0",
      ABS_NODE_RPC_URL: chain.chain.rpcUrl,
      ABS_NODE_REGISTRY: chain.deployment.registry,
      ABS_NODE_DATA_DIR: nodeDb(),
      ABS_NODE_HARDHAT_ACCOUNT: "1",
      ABS_NODE_WINDOW_MS: "30000",
      ABS_NODE_LOG_LEVEL: "silent",
    });
  const deps = async (signer: MemberNodeDeps["signer"]): Promise<MemberNodeDeps> => ({
    signer,
    domain: { chainId: (await chain.provider.getNetwork()).chainId, registry: chain.deployment.registry },
    chain: new AssetPoolRootReader(chain.provider),
    node: { baseUrl: node.url, memberId: ORIGINATOR_ID },
    logger: silentLogger,
  });
  const loanIds = tape.records.map((r) => r.loanId);

  before(async () => {
    chain = await startTestChain({ withSampleDeal: true });
    if (!chain.deployment.sampleDeal) throw new Error("sample deal not deployed");
    pool = chain.deployment.sampleDeal.pool.toLowerCase();
    ix = await openIndexer(chain, "member-node");
    await ix.indexer.syncOnce();
    node = await startNode(nodeConfig(), { logger: silentLogger, env: {} });
    const anchored = await new AssetPoolRootReader(chain.provider).anchoredRoot(pool, 1);
    await node.tapes.importTape(pool, 1, tape.records, {
      saltKey: tape.saltKey,
      expectedRoot: anchored,
      chunkSize: 64,
    });
  });

  after(async () => {
    await node?.stop();
    await ix?.close();
    await chain?.stop();
  });

  it("a regulator-keyed indexer discovers the tape's loan ids from the node and shows every loan verified against the anchored root", async () => {
    const regulator = await deps(regulatorKey);
    const discovered: string[] = [];
    for await (const id of discoverLoanIds(regulator, pool, 1, 64)) discovered.push(id);
    expect(discovered).to.have.length(tape.records.length);
    expect(new Set(discovered)).to.deep.equal(new Set(loanIds));
    const outcomes = await fetchTapeFromNode(regulator, pool, 1, discoverLoanIds(regulator, pool, 1, 64));
    const book = new LoanBook(ix.store, "loan-level");
    expect(book.addNodeLoans(pool, 1, outcomes)).to.deep.equal({ verified: tape.records.length, refused: 0 });
    const first = tape.records[0];
    if (!first) throw new Error("empty sample tape");
    expect(book.loan(pool, first.loanId)).to.include({
      proofStatus: "verified",
      currentPrincipalCents: first.currentPrincipalCents.toString(),
    });
  });

  it("a regulator-keyed indexer joins the whole tape page by page: every loan verified against the anchored root, as the per-loan path shows it", async () => {
    const regulator = await deps(regulatorKey);
    const requests: string[] = [];
    const counting: typeof fetch = (input, init) => {
      requests.push(String(input));
      return fetch(input, init);
    };
    const book = new LoanBook(ix.store, "loan-level");
    // 200 loans in pages of 64: 4 signed requests, not 200.
    expect(await joinTapeFromNode({ ...regulator, fetch: counting }, book, pool, 1, 64)).to.deep.equal({
      verified: tape.records.length,
      refused: 0,
    });
    expect(requests).to.have.length(4);
    expect(requests.every((r) => r.includes(`/tapes/1/loans?`))).to.equal(true);
    const perLoan = new LoanBook(ix.store, "loan-level");
    perLoan.addNodeLoans(pool, 1, await fetchTapeFromNode(regulator, pool, 1, loanIds));
    const byId = (a: { loanId: string }, b: { loanId: string }) => (a.loanId < b.loanId ? -1 : 1);
    expect([...book.loans(pool)].sort(byId)).to.deep.equal([...perLoan.loans(pool)].sort(byId));
    expect(book.history(pool, loanIds[0] ?? "")).to.have.length(1);
  });

  it("an investor-keyed indexer is NOT_ENTITLED to loan-level records (aggregates only)", async () => {
    const refused = await fetchTapeFromNode(await deps(investorKey), pool, 1, loanIds.slice(0, 3)).catch(
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(IndexerError);
    expect((refused as IndexerError).code).to.equal("NOT_ENTITLED");
    const investor = await deps(investorKey);
    const undiscovered = await fetchTapeFromNode(investor, pool, 1, discoverLoanIds(investor, pool, 1)).catch(
      (e: unknown) => e,
    );
    expect(undiscovered).to.be.instanceOf(IndexerError);
    expect((undiscovered as IndexerError).code).to.equal("NOT_ENTITLED");
    const book = new LoanBook(ix.store, "loan-level");
    const paged = await joinTapeFromNode(investor, book, pool, 1).catch((e: unknown) => e);
    expect(paged).to.be.instanceOf(IndexerError);
    expect((paged as IndexerError).code).to.equal("NOT_ENTITLED");
  });

  it("a record altered in the originator's LevelDB after anchoring is refused with its reason", async () => {
    const altered = tape.records[4];
    if (!altered) throw new Error("sample tape too short");
    await node.stop();
    const db = new Level<string, string>(path.join(nodeDb()));
    await db.open();
    const utf8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
    const stored = db.sublevel<string, string>("tapes", utf8).sublevel<string, string>("loans", utf8);
    const key = `${pool}!${"1".padStart(10, "0")}!${altered.loanId}`;
    const raw = await stored.get(key);
    if (raw === undefined) throw new Error("stored loan not found");
    const value = JSON.parse(raw) as { record: Record<string, unknown> };
    value.record["currentPrincipalCents"] = String(altered.currentPrincipalCents - 1n);
    await stored.put(key, toJson(value));
    await db.close();
    node = await startNode(nodeConfig(), { logger: silentLogger, env: {} });

    const outcomes = await fetchTapeFromNode(await deps(regulatorKey), pool, 1, loanIds);
    const book = new LoanBook(ix.store, "loan-level");
    expect(book.addNodeLoans(pool, 1, outcomes)).to.deep.equal({ verified: tape.records.length - 1, refused: 1 });
    expect(book.loan(pool, altered.loanId)).to.equal(undefined);
    const [refused] = book.refusedLoans(pool);
    expect(refused).to.include({ loanId: altered.loanId, code: "PEER_RECORD_UNVERIFIED" });
    expect(refused?.reason).to.match(/record altered/);
    // The same refusal when the whole tape is joined page by page: the altered loan alone.
    const paged = new LoanBook(ix.store, "loan-level");
    expect(await joinTapeFromNode(await deps(regulatorKey), paged, pool, 1, 64)).to.deep.equal({
      verified: tape.records.length - 1,
      refused: 1,
    });
    expect(paged.loan(pool, altered.loanId)).to.equal(undefined);
    expect(paged.refusedLoans(pool)[0]).to.include({ loanId: altered.loanId, code: "PEER_RECORD_UNVERIFIED" });
    expect(paged.refusedLoans(pool)[0]?.reason).to.match(/record altered/);
  });

  it("as a service beside the node (the whole tape joined page by page, no ids file), GraphQL shows the verified loans, the refused one, histories and top borrowers; an investor's gets NOT_ENTITLED", async () => {
    const service = async (name: string, account: string) =>
      startIndexerService({
        config: parseIndexerConfig({
          ABS_INDEXER_RPC_URL: chain.chain.rpcUrl,
          ABS_INDEXER_ADDRESS_BOOK: chain.addressBook,
          ABS_INDEXER_DATA_DIR: path.join(chain.dir, name),
          ABS_INDEXER_LISTEN: "127.0.0.1:0",
          ABS_INDEXER_POLL_MS: "100",
          ABS_INDEXER_LOG_LEVEL: "silent",
          ABS_INDEXER_MEMBER_NODE_URL: node.url,
          ABS_INDEXER_MEMBER_NODE_ID: ORIGINATOR_ID,
          ABS_INDEXER_MEMBER_HARDHAT_ACCOUNT: account,
        }),
        logger: silentLogger,
      });
    // Each indexer is asked by its own member, signed in with its own key.
    const tokens = new Map<string, string>();
    const gql = async (url: string, query: string) => {
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens.get(url) ?? ""}` },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: Record<string, unknown[]>; errors?: { extensions?: { code?: string } }[] };
    };
    const regulator = await service("svc-regulator", "5");
    const investor = await service("svc-investor", "6");
    tokens.set(regulator.url, (await signInToIndexer(regulator.url, memberSigner(chain, "regulator"))).token);
    tokens.set(investor.url, (await signInToIndexer(investor.url, memberSigner(chain, "investor-1"))).token);
    try {
      await Promise.all([regulator.caughtUp(), investor.caughtUp()]);
      await Promise.all([regulator.memberNode?.refresh(), investor.memberNode?.refresh()]);
      const shown = await gql(
        regulator.url,
        `{ loans(pool: "${pool}", first: 1000, where: { proofStatus: "verified" }) { loanId } refusedLoans(pool: "${pool}") { loanId code reason } }`,
      );
      expect(shown.errors).to.equal(undefined);
      expect(shown.data?.["loans"]).to.have.length(tape.records.length - 1);
      expect(shown.data?.["refusedLoans"]).to.have.length(1);
      const [first, second] = tape.records;
      if (!first || !second) throw new Error("sample tape too short");
      // A second period's snapshot (as the node would serve tape v2): the first loan paid down, the second refused.
      regulator.loans.addNodeLoans(pool, 2, [
        {
          loanId: first.loanId,
          status: "verified",
          record: {
            ...first,
            status: "delinquent",
            daysPastDue: 31,
            currentPrincipalCents: first.currentPrincipalCents / 2n,
          },
        },
        { loanId: second.loanId, status: "unverified", code: "PEER_RECORD_UNVERIFIED", reason: "record altered" },
      ]);
      const history = await gql(
        regulator.url,
        `{ loan(pool: "${pool}", loanId: "${first.loanId}") { tapeVersion history { tapeVersion status daysPastDue currentPrincipalCents proofStatus } }
           loanHistory(pool: "${pool}", loanId: "${second.loanId}") { tapeVersion proofStatus status }
           topBorrowers(pool: "${pool}", first: 1) { borrowerId loanCount principalCents shareBps } }`,
      );
      expect(history.errors).to.equal(undefined);
      expect(history.data?.["loan"]).to.deep.equal({
        tapeVersion: 2,
        history: [
          {
            tapeVersion: 1,
            status: first.status,
            daysPastDue: first.daysPastDue,
            currentPrincipalCents: first.currentPrincipalCents.toString(),
            proofStatus: "verified",
          },
          {
            tapeVersion: 2,
            status: "delinquent",
            daysPastDue: 31,
            currentPrincipalCents: (first.currentPrincipalCents / 2n).toString(),
            proofStatus: "verified",
          },
        ],
      });
      expect(history.data?.["loanHistory"]).to.deep.equal([
        { tapeVersion: 1, proofStatus: "verified", status: second.status },
        { tapeVersion: 2, proofStatus: "refused", status: null },
      ]);
      // The latest version holds one verified loan: its borrower holds all of the pool's principal.
      expect(history.data?.["topBorrowers"]).to.deep.equal([
        {
          borrowerId: first.borrowerId,
          loanCount: 1,
          principalCents: (first.currentPrincipalCents / 2n).toString(),
          shareBps: 10_000,
        },
      ]);
      // INV IDX-4: the investor's indexer serves no loan-level field, old or new.
      for (const query of [
        `{ loans(pool: "${pool}") { loanId } }`,
        `{ loan(pool: "${pool}", loanId: "${first.loanId}") { history { status } } }`,
        `{ loanHistory(pool: "${pool}", loanId: "${first.loanId}") { status } }`,
        `{ topBorrowers(pool: "${pool}") { borrowerId } }`,
        `{ doublePledgedLoans { loanId } }`,
        `{ refusedLoans(pool: "${pool}") { loanId } }`,
      ]) {
        const hidden = await gql(investor.url, query);
        expect(hidden.errors?.[0]?.extensions?.code, query).to.equal("NOT_ENTITLED");
        expect(Object.values(hidden.data ?? {}), query).to.satisfy((values: unknown[]) =>
          values.every((v) => v === null),
        );
      }
      const aggregates = await gql(investor.url, `{ tapes { loanCount } }`);
      expect(aggregates.errors).to.equal(undefined);
      expect(aggregates.data?.["tapes"]).to.deep.equal([{ loanCount: String(tape.records.length) }]);
    } finally {
      await regulator.stop();
      await investor.stop();
    }
  });

  it("the optional loan ids file limits the join to the loans it lists, fetched one by one", async () => {
    const idsFile = path.join(chain.dir, "loan-ids.json");
    const sample = loanIds.slice(0, 3); // not the loan altered above (index 4)
    writeFileSync(idsFile, JSON.stringify({ [pool]: { "1": sample } }));
    const service = await startIndexerService({
      config: parseIndexerConfig({
        ABS_INDEXER_RPC_URL: chain.chain.rpcUrl,
        ABS_INDEXER_ADDRESS_BOOK: chain.addressBook,
        ABS_INDEXER_DATA_DIR: path.join(chain.dir, "svc-override"),
        ABS_INDEXER_LISTEN: "127.0.0.1:0",
        ABS_INDEXER_LOG_LEVEL: "silent",
        ABS_INDEXER_MEMBER_NODE_URL: node.url,
        ABS_INDEXER_MEMBER_NODE_ID: ORIGINATOR_ID,
        ABS_INDEXER_MEMBER_HARDHAT_ACCOUNT: "5",
        ABS_INDEXER_LOAN_IDS_FILE: idsFile,
      }),
      logger: silentLogger,
    });
    try {
      await service.caughtUp();
      await service.memberNode?.refresh();
      expect(service.loans.loans(pool).map((l) => l.loanId)).to.deep.equal(sample);
    } finally {
      await service.stop();
    }
  });
});
