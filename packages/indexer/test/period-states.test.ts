/**
 * Each loan's history period by period: a real Hardhat chain with the sample deal, the servicer's node (its own
 * LevelDB and state key) reporting periods 1 and 2 from their performance files, the originator's node serving
 * the tape, and a regulator-keyed indexer joining every period report from the servicer's node, each state
 * verified against the period's anchored loan-state root; an investor-keyed indexer gets nothing loan-level.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Level } from "level";
import { generatePerformance, performanceCsvBytes, type PerformanceRow } from "@abs/core";
import { AssetPoolRootReader, parseNodeConfig, startNode, toJson, type RunningNode } from "@abs/node";
import { parseIndexerConfig, signInToIndexer, startIndexerService } from "../src";
import { LoanBook } from "../src/loans";
import { memberSigner, sampleTape, silentLogger, startTestChain, type TestChain } from "./chain";
import { loadNetworkConfig } from "../../../deploy/config";

const TOKEN = "operator-token-for-indexer-period-tests";
const PERIODS = 2;

describe("loan history period by period, joined from the servicer's node", function () {
  this.timeout(180_000);
  let chain: TestChain;
  let servicer: RunningNode;
  let originator: RunningNode;
  let pool: string;
  let rows: PerformanceRow[];
  const tape = sampleTape();
  const servicerConfig = () =>
    parseNodeConfig({
      ABS_NODE_ROLE: "SERVICER",
      ABS_NODE_MEMBER_ID: "SERV-HUAXIA-CF",
      ABS_NODE_LISTEN: "127.0.0.1:0",
      ABS_NODE_RPC_URL: chain.chain.rpcUrl,
      ABS_NODE_REGISTRY: chain.deployment.registry,
      ABS_NODE_DATA_DIR: path.join(chain.dir, "servicer-db"),
      ABS_NODE_HARDHAT_ACCOUNT: "2",
      ABS_NODE_LOG_LEVEL: "silent",
      ABS_NODE_OPERATOR_TOKEN_FILE: path.join(chain.dir, "token"),
      ABS_NODE_TAPE_KEY_FILE: path.join(chain.dir, "state.key"),
    });

  before(async () => {
    const deal = loadNetworkConfig("localhost").sampleDeal;
    if (!deal) throw new Error("no sample deal");
    chain = await startTestChain({ withSampleDeal: true });
    if (!chain.deployment.sampleDeal) throw new Error("sample deal not deployed");
    pool = chain.deployment.sampleDeal.pool.toLowerCase();
    writeFileSync(path.join(chain.dir, "token"), TOKEN);
    writeFileSync(path.join(chain.dir, "state.key"), randomBytes(32).toString("hex"), { mode: 0o600 });
    originator = await startNode(
      parseNodeConfig({
        ABS_NODE_ROLE: "ORIGINATOR",
        ABS_NODE_MEMBER_ID: "ORIG-HUAXIA-CF",
        ABS_NODE_LISTEN: "127.0.0.1:0",
        ABS_NODE_RPC_URL: chain.chain.rpcUrl,
        ABS_NODE_REGISTRY: chain.deployment.registry,
        ABS_NODE_DATA_DIR: path.join(chain.dir, "originator-db"),
        ABS_NODE_HARDHAT_ACCOUNT: "1",
        ABS_NODE_LOG_LEVEL: "silent",
      }),
      { logger: silentLogger, env: {} },
    );
    await originator.tapes.importTape(pool, 1, tape.records, {
      saltKey: tape.saltKey,
      expectedRoot: await new AssetPoolRootReader(chain.provider).anchoredRoot(pool, 1),
    });
    servicer = await startNode(servicerConfig(), { logger: silentLogger, env: {} });
    rows = [...generatePerformance(tape.records, PERIODS, 5, { asOfDate: deal.cutoffDate })];
    const file = await performanceCsvBytes(rows);
    let start = deal.cutoffDate;
    for (let period = 1; period <= PERIODS; period++) {
      const end = rows.find((r) => r.period === period)?.periodEndDate ?? "";
      const res = await fetch(
        `${servicer.url}/v1/pools/${pool}/periods/${period}/report?start=${start}&end=${end}&multiPeriod=true`,
        { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: new Uint8Array(file) },
      );
      expect(res.status, await res.text()).to.equal(201);
      start = end;
    }
  });

  after(async () => {
    await servicer?.stop();
    await originator?.stop();
    await chain?.stop();
  });

  it("shows the regulator each loan's state in every period, verified; an investor gets nothing loan-level", async () => {
    const start = (name: string, account: string) =>
      startIndexerService({
        config: parseIndexerConfig({
          ABS_INDEXER_RPC_URL: chain.chain.rpcUrl,
          ABS_INDEXER_ADDRESS_BOOK: chain.addressBook,
          ABS_INDEXER_DATA_DIR: path.join(chain.dir, name),
          ABS_INDEXER_LISTEN: "127.0.0.1:0",
          ABS_INDEXER_POLL_MS: "100",
          ABS_INDEXER_LOG_LEVEL: "silent",
          ABS_INDEXER_MEMBER_NODE_URL: originator.url,
          ABS_INDEXER_MEMBER_NODE_ID: "ORIG-HUAXIA-CF",
          ABS_INDEXER_SERVICER_NODE_URL: servicer.url,
          ABS_INDEXER_SERVICER_NODE_ID: "SERV-HUAXIA-CF",
          ABS_INDEXER_MEMBER_HARDHAT_ACCOUNT: account,
        }),
        logger: silentLogger,
      });
    const regulator = await start("regulator-ix", "5");
    const investor = await start("investor-ix", "6");
    try {
      const tokens = new Map<string, string>([
        [regulator.url, (await signInToIndexer(regulator.url, memberSigner(chain, "regulator"))).token],
        [investor.url, (await signInToIndexer(investor.url, memberSigner(chain, "investor-1"))).token],
      ]);
      const gql = async (url: string, query: string) => {
        const res = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokens.get(url) ?? ""}` },
          body: JSON.stringify({ query }),
        });
        return (await res.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
      };
      await Promise.all([regulator.caughtUp(), investor.caughtUp()]);
      await regulator.memberNode?.refresh();
      await investor.memberNode?.refresh();
      const loan = rows.find((r) => r.period === 2)?.loanId ?? "";
      const answer = await gql(
        regulator.url,
        `{ loan(pool: "${pool}", loanId: "${loan}") { loanId periods { period proofStatus reason status daysPastDue openingPrincipalCents paidPrincipalCents interestPaidCents prepaymentCents defaultPrincipalCents recoveryCents closingPrincipalCents } } }`,
      );
      expect(answer.errors).to.equal(undefined);
      const periods = (answer.data?.["loan"] as { periods: Record<string, unknown>[] }).periods;
      const expected = rows
        .filter((r) => r.loanId === loan)
        .map((r) => ({
          period: r.period,
          proofStatus: "verified",
          reason: null,
          status: r.status,
          daysPastDue: r.daysPastDue,
          openingPrincipalCents: r.openingPrincipalCents.toString(),
          paidPrincipalCents: r.paidPrincipalCents.toString(),
          interestPaidCents: r.interestPaidCents.toString(),
          prepaymentCents: r.prepaymentCents.toString(),
          defaultPrincipalCents: r.defaultPrincipalCents.toString(),
          recoveryCents: r.recoveryCents.toString(),
          closingPrincipalCents: r.closingPrincipalCents.toString(),
        }));
      expect(periods).to.deep.equal(expected);
      // Period 2's closing balance is period 1's closing less what was paid: the history chains.
      expect(BigInt(String(periods[1]?.["openingPrincipalCents"]))).to.equal(
        BigInt(String(periods[0]?.["closingPrincipalCents"])),
      );
      const refused = await gql(investor.url, `{ loanPeriods(pool: "${pool}", loanId: "${loan}") { period } }`);
      expect(refused.errors?.[0]?.extensions?.code).to.equal("NOT_ENTITLED");
    } finally {
      await regulator.stop();
      await investor.stop();
    }
  });

  it("shows a state altered on the servicer's node as refused, with its reason; a period not served as unavailable", async () => {
    const row = rows.find((r) => r.period === 1 && r.status === "current");
    if (!row) throw new Error("no current loan in period 1");
    await servicer.stop();
    const db = new Level<string, string>(path.join(chain.dir, "servicer-db"));
    await db.open();
    const utf8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
    const states = db.sublevel<string, string>("periods", utf8).sublevel<string, string>("states", utf8);
    const key = `${pool}!${"1".padStart(10, "0")}!${row.loanId}`;
    const value = JSON.parse((await states.get(key)) ?? "{}") as { state: Record<string, unknown> };
    value.state.closingPrincipalCents = String(row.closingPrincipalCents + 1n);
    await states.put(key, toJson(value));
    await db.close();
    servicer = await startNode(servicerConfig(), { logger: silentLogger, env: {} });

    const { joinPeriodFromNode } = await import("../src/member-node");
    const book = new LoanBook({} as never, "loan-level");
    const deps = {
      signer: memberSigner(chain, "regulator") as never,
      domain: { chainId: (await chain.provider.getNetwork()).chainId, registry: chain.deployment.registry },
      chain: new AssetPoolRootReader(chain.provider),
      node: { baseUrl: originator.url, memberId: "ORIG-HUAXIA-CF" },
      logger: silentLogger,
    };
    const servicerNode = { baseUrl: servicer.url, memberId: "SERV-HUAXIA-CF" };
    const counts = await joinPeriodFromNode(deps, servicerNode, deps.chain, book, pool, 1);
    expect(counts.refused).to.equal(1);
    book.markPeriodUnavailable(
      pool,
      3,
      `0x${"11".repeat(32)}`,
      "the servicer's node does not serve period 3: HTTP 404",
    );
    const history = book.periodHistory(pool, row.loanId);
    expect(history[0]).to.include({ period: 1, proofStatus: "refused", status: null, closingPrincipalCents: null });
    expect(history[0]?.reason).to.match(/record altered/);
    expect(history.at(-1)).to.include({ period: 3, proofStatus: "unavailable" });
    const other = rows.find((r) => r.period === 1 && r.loanId !== row.loanId);
    expect(book.periodHistory(pool, other?.loanId ?? "")[0]).to.include({ proofStatus: "verified" });
    // A period with a refused state is tried again at the next refresh: repaired on the node, it verifies.
    const root = await deps.chain.anchoredStateRoot(pool, 1);
    expect(book.hasPeriod(pool, 1, root)).to.equal(false);
    await servicer.stop();
    const repair = new Level<string, string>(path.join(chain.dir, "servicer-db"));
    await repair.open();
    const repaired = repair.sublevel<string, string>("periods", utf8).sublevel<string, string>("states", utf8);
    value.state.closingPrincipalCents = String(row.closingPrincipalCents);
    await repaired.put(key, toJson(value));
    await repair.close();
    servicer = await startNode(servicerConfig(), { logger: silentLogger, env: {} });
    const again = await joinPeriodFromNode(deps, { ...servicerNode, baseUrl: servicer.url }, deps.chain, book, pool, 1);
    expect(again.refused).to.equal(0);
    expect(book.hasPeriod(pool, 1, root)).to.equal(true);
    expect(book.periodHistory(pool, row.loanId)[0]).to.include({ period: 1, proofStatus: "verified" });
  });
});
