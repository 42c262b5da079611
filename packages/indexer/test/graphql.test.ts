import { expect } from "chai";
import pino from "pino";
import { createApp, listen, type RunningServer } from "../src/app";
import { IndexerError, LoanBook } from "../src";
import { parseForecast } from "../src/forecasts";
import { annualisedBps } from "../src/metrics";
import {
  dealActions,
  model,
  openIndexer,
  sampleTape,
  sessionOf,
  startTestChain,
  testAuth,
  type TestChain,
  type TestIndexer,
} from "./chain";

/** A four-month forecast on a 1,000.00 pool (scaled to the pool's issued balance when served). */
const FORECAST = parseForecast(
  {
    months: [
      [1, "100000", "8000", "2000", "1000", "89000"],
      [2, "89000", "8000", "1800", "900", "78300"],
      [3, "78300", "8000", "1600", "0", "68700"],
      [4, "68700", "8000", "1400", "800", "58500"],
    ].map(([month, beginning, scheduled, prepaid, defaults, ending]) => ({
      month,
      beginningBalanceCents: beginning,
      scheduledPrincipalCents: scheduled,
      prepaidPrincipalCents: prepaid,
      newDefaultsCents: defaults,
      endingBalanceCents: ending,
    })),
  },
  "test",
);

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe("GraphQL API (The Graph's conventions) over an indexed real chain", function () {
  let chain: TestChain;
  let ix: TestIndexer;
  let server: RunningServer;
  let actions: ReturnType<typeof dealActions>;
  let pool: string;
  let senior: string;
  let investor1: string;
  let investor2: string;
  /** Block after period 1 was reported (before the transfer and periods 2-3) */
  let afterPeriod1: number;
  /** The regulator's session: every route below needs a signed-in member */
  let auth: Record<string, string>;

  async function gql(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer> {
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLAnswer;
  }

  async function data(query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const answer = await gql(query, variables);
    expect(answer.errors, JSON.stringify(answer.errors)).to.equal(undefined);
    return answer.data ?? {};
  }

  function errorCode(answer: GraphQLAnswer): string | undefined {
    return answer.errors?.[0]?.extensions?.code;
  }

  before(async () => {
    chain = await startTestChain({ withSampleDeal: true });
    actions = dealActions(chain);
    pool = actions.deal.pool.toLowerCase();
    senior = (actions.deal.tranches[0]?.address ?? "").toLowerCase();
    investor1 = (await actions.signerOf("investor-1").getAddress()).toLowerCase();
    investor2 = (await actions.signerOf("investor-2").getAddress()).toLowerCase();
    await actions.report(1);
    afterPeriod1 = Number(await chain.rpc<string>("eth_blockNumber"));
    await actions.transfer("investor-1", "investor-2", 0, 12_345n);
    await actions.report(2, 2);
    await actions.report(3, 6);
    ix = await openIndexer(chain, "graphql");
    await ix.indexer.syncOnce();
    const authDeps = await testAuth(chain);
    const app = createApp({
      store: ix.store,
      model,
      logger: pino({ level: "silent" }),
      hasIndexingErrors: () => false,
      auth: authDeps,
      forecasts: new Map([[pool, FORECAST]]),
    });
    server = await listen(app, "127.0.0.1", 0);
    auth = { authorization: `Bearer ${await sessionOf(chain, authDeps, server.url, "regulator")}` };
  });
  after(async () => {
    await server?.close();
    await ix?.close();
    await chain?.stop();
  });

  it("poolForecast: the configured forecast, scaled to the issued balance, beside each reported period", async () => {
    const d = await data(
      `query($pool: Bytes!, $poolId: String!) {
        f: poolForecast(pool: $pool) { period forecastEndingBalanceCents actualEndingBalanceCents forecastCprBps actualCprBps forecastCdrBps actualCdrBps }
        none: poolForecast(pool: "0x0000000000000000000000000000000000000001") { period }
        m: periodMetrics_collection(where: { pool: $poolId }, orderBy: period) { period beginningBalanceCents endingBalanceCents cprBps cdrBps } }`,
      { pool, poolId: pool },
    );
    const points = d["f"] as Record<string, unknown>[];
    const metrics = d["m"] as {
      period: number;
      beginningBalanceCents: string;
      endingBalanceCents: string;
      cprBps: number;
      cdrBps: number;
    }[];
    expect(d["none"]).to.deep.equal([]);
    expect(points.map((p) => p["period"])).to.deep.equal([1, 2, 3, 4]);
    const issued = BigInt(metrics[0]?.beginningBalanceCents ?? "0");
    points.forEach((point, index) => {
      const month = FORECAST[index];
      if (month === undefined) throw new Error("no forecast month");
      expect(point["forecastEndingBalanceCents"]).to.equal(((month.endingBalanceCents * issued) / 100_000n).toString());
      expect(point["forecastCprBps"]).to.equal(
        annualisedBps(month.prepaidPrincipalCents, month.beginningBalanceCents - month.scheduledPrincipalCents),
      );
      expect(point["forecastCdrBps"]).to.equal(annualisedBps(month.newDefaultsCents, month.beginningBalanceCents));
      const actual = metrics[index];
      expect(point["actualEndingBalanceCents"]).to.equal(actual?.endingBalanceCents ?? null);
      expect(point["actualCprBps"]).to.equal(actual?.cprBps ?? null);
      expect(point["actualCdrBps"]).to.equal(actual?.cdrBps ?? null);
    });
    // Three periods are reported: the fourth has no actual figures yet.
    expect(points[3]?.["actualEndingBalanceCents"]).to.equal(null);
    const bad = await gql(`{ poolForecast(pool: "0x12") { period } }`);
    expect(bad.errors?.[0]?.message).to.match(/expected an address/);
  });

  it("waterfallSchedule: nothing for a waterfall without a schedule or unknown; a bad address is refused", async () => {
    const d = await data(
      `{ none: waterfallSchedule(waterfall: "0x0000000000000000000000000000000000000001") { tranche } }`,
    );
    expect(d["none"]).to.deep.equal([]);
    const bad = await gql(`{ waterfallSchedule(waterfall: "not-an-address") { tranche } }`);
    expect(bad.errors?.[0]?.message).to.match(/waterfall: expected an address/);
  });

  it("entity(id): a pool by id, any case; an unknown id is null", async () => {
    const d = await data(
      `query($id: ID!) { pool(id: $id) { id name state trancheCount lastPeriod } none: pool(id: "0x00") { id } }`,
      {
        id: pool.toUpperCase().replace("0X", "0x"),
      },
    );
    expect(d["pool"]).to.deep.include({ id: pool, state: "Active", trancheCount: 3, lastPeriod: 3 });
    expect(d["none"]).to.equal(null);
  });

  it("where: equality, _not, _gt, _gte, _lt, _lte on Int and BigInt (numeric, not text order)", async () => {
    const q = `query($w: PeriodReport_filter) { periodReports(where: $w, orderBy: period) { period } }`;
    const periods = async (w: Record<string, unknown>) =>
      ((await data(q, { w }))["periodReports"] as { period: number }[]).map((r) => r.period);
    expect(await periods({ period: 2 })).to.deep.equal([2]);
    expect(await periods({ period_not: 2 })).to.deep.equal([1, 3]);
    expect(await periods({ period_gt: 1 })).to.deep.equal([2, 3]);
    expect(await periods({ period_gte: 2 })).to.deep.equal([2, 3]);
    expect(await periods({ period_lt: 3 })).to.deep.equal([1, 2]);
    expect(await periods({ period_lte: 1 })).to.deep.equal([1]);
    const tranches = (
      await data(
        `{ tranches(where: { originalFaceCents_gt: "100" }, orderBy: originalFaceCents) { originalFaceCents } }`,
      )
    )["tranches"] as { originalFaceCents: string }[];
    const faces = tranches.map((t) => BigInt(t.originalFaceCents));
    expect(faces).to.have.length(3);
    expect([...faces].sort((a, b) => (a < b ? -1 : 1))).to.deep.equal(faces);
  });

  it("where: _in, _not_in, enums, booleans, references by id, and / or", async () => {
    const d = await data(
      `query($pool: String!, $ids: [Bytes!]) {
        a: periodReports(where: { period_in: [1, 3] }, orderBy: period) { period }
        b: periodReports(where: { period_not_in: [1, 3] }) { period }
        c: pools(where: { state: Active, revolving: true }) { id }
        d: pools(where: { state_in: [Draft, Redeemed] }) { id }
        e: tranches(where: { pool: $pool }) { id }
        f: periodReports(where: { or: [{ period: 1 }, { period: 3 }] }, orderBy: period) { period }
        g: periodReports(where: { and: [{ period_gt: 1 }, { period_lt: 3 }] }) { period }
        h: tranches(where: { id_in: $ids }) { id }
      }`,
      { pool, ids: [senior] },
    );
    expect(d["a"]).to.deep.equal([{ period: 1 }, { period: 3 }]);
    expect(d["b"]).to.deep.equal([{ period: 2 }]);
    expect(d["c"]).to.deep.equal([{ id: pool }]);
    expect(d["d"]).to.deep.equal([]);
    expect(d["e"]).to.have.length(3);
    expect(d["f"]).to.deep.equal([{ period: 1 }, { period: 3 }]);
    expect(d["g"]).to.deep.equal([{ period: 2 }]);
    expect(d["h"]).to.deep.equal([{ id: senior }]);
  });

  it("where: text filters (_contains, _contains_nocase, _starts_with, _ends_with, _not_contains) and Bytes _contains", async () => {
    const d = await data(`{
      a: tranches(where: { name_contains: "Class A" }) { symbol }
      b: tranches(where: { name_contains_nocase: "class a" }) { symbol }
      c: tranches(where: { symbol_starts_with: "HX261" }) { symbol }
      d: tranches(where: { symbol_ends_with: "A" }) { symbol }
      e: tranches(where: { name_not_contains: "Class A" }) { symbol }
      f: auditEvents(where: { name: "TapeAnchored", contract_contains: "${pool.slice(2, 12)}" }) { name }
    }`);
    expect(d["a"]).to.deep.equal([{ symbol: "HX261A" }]);
    expect(d["b"]).to.deep.equal([{ symbol: "HX261A" }]);
    expect(d["c"]).to.have.length(3);
    expect(d["d"]).to.deep.equal([{ symbol: "HX261A" }]);
    expect(d["e"]).to.have.length(2);
    expect(d["f"]).to.deep.equal([{ name: "TapeAnchored" }]);
  });

  it("orderBy / orderDirection and first / skip paging; first is capped at 1000", async () => {
    const all = (
      await data(`{ auditEvents(first: 1000, orderBy: blockNumber, orderDirection: desc) { blockNumber logIndex } }`)
    )["auditEvents"] as { blockNumber: string }[];
    const numbers = all.map((e) => Number(e.blockNumber));
    expect(numbers).to.deep.equal([...numbers].sort((a, b) => b - a));
    const page1 = (await data(`{ auditEvents(first: 5, skip: 0, orderBy: id) { id } }`))["auditEvents"] as {
      id: string;
    }[];
    const page2 = (await data(`{ auditEvents(first: 5, skip: 5, orderBy: id) { id } }`))["auditEvents"] as {
      id: string;
    }[];
    const both = (await data(`{ auditEvents(first: 10, orderBy: id) { id } }`))["auditEvents"] as { id: string }[];
    expect([...page1, ...page2]).to.deep.equal(both);
    expect(errorCode(await gql(`{ auditEvents(first: 1001) { id } }`))).to.equal("BAD_USER_INPUT");
    expect(errorCode(await gql(`{ auditEvents(skip: 5001) { id } }`))).to.equal("BAD_USER_INPUT");
  });

  it("block: { number } answers as of that block (mutable and immutable entities, nested fields)", async () => {
    const positionId = senior + investor2.slice(2);
    const q = `query($id: ID!, $pool: ID!, $b: Int!) {
      then: position(id: $id, block: { number: $b }) { balance }
      now: position(id: $id) { balance }
      poolThen: pool(id: $pool, block: { number: $b }) { lastPeriod periods { period } }
      transfersThen: transfers(where: { kind: Transfer }, block: { number: $b }) { id }
      transfersNow: transfers(where: { kind: Transfer }) { id amount }
    }`;
    const d = await data(q, { id: positionId, pool, b: afterPeriod1 });
    const then = d["then"] as { balance: string };
    const now = d["now"] as { balance: string };
    expect(BigInt(now.balance) - BigInt(then.balance)).to.equal(12_345n);
    expect(d["poolThen"]).to.deep.equal({ lastPeriod: 1, periods: [{ period: 1 }] });
    expect(d["transfersThen"]).to.deep.equal([]);
    expect(d["transfersNow"]).to.deep.equal([{ id: (d["transfersNow"] as { id: string }[])[0]?.id, amount: "12345" }]);
    const head = Number(await chain.rpc<string>("eth_blockNumber"));
    expect(errorCode(await gql(`{ pools(block: { number: ${head + 100} }) { id } }`))).to.equal("BLOCK_NOT_INDEXED");
  });

  it("_meta: the indexed block's number and hash (as on chain), no indexing errors", async () => {
    const d = await data(`{ _meta { block { number hash } hasIndexingErrors deployment } }`);
    const meta = d["_meta"] as { block: { number: number; hash: string }; hasIndexingErrors: boolean };
    const onChain = await chain.rpc<{ hash: string }>("eth_getBlockByNumber", [
      "0x" + meta.block.number.toString(16),
      false,
    ]);
    expect(meta.block.hash).to.equal(onChain.hash);
    expect(meta.hasIndexingErrors).to.equal(false);
  });

  it("penetrating view: holder -> positions -> tranche -> pool -> tapes and periods with metrics and alerts", async () => {
    const d = await data(
      `query($holder: ID!) { member(id: $holder) { status positions(orderBy: balance, orderDirection: desc) { balance tranche { symbol pool {
        name tapes { version loanCount merkleRoot } periods(orderBy: period) { period endingBalanceCents }
      } } } } periodMetrics_collection(orderBy: period) { period cprBps cdrBps delinquent90PlusBps cumulativeNetLossBps }
      alerts(orderBy: period) { period rule value threshold } }`,
      { holder: investor1 },
    );
    const member = d["member"] as {
      status: string;
      positions: { tranche: { pool: { tapes: unknown[]; periods: unknown[] } } }[];
    };
    expect(member.status).to.equal("Active");
    expect(member.positions.length).to.be.greaterThan(0);
    expect(member.positions[0]?.tranche.pool.tapes).to.have.length(1);
    expect(member.positions[0]?.tranche.pool.periods).to.have.length(3);
    const metrics = d["periodMetrics_collection"] as { period: number; cdrBps: number }[];
    expect(metrics.map((m) => m.period)).to.deep.equal([1, 2, 3]);
    // 0.4 % a month of defaults, stressed x1, x2, x6: CDR 1 - (1 - r)^12.
    expect(metrics[0]?.cdrBps).to.equal(Math.round((1 - Math.pow(1 - 0.004, 12)) * 10_000));
    const alerts = d["alerts"] as { period: number; rule: string }[];
    expect(alerts.some((a) => a.period === 3 && a.rule === "cdrBps")).to.equal(true);
    expect(alerts.some((a) => a.period === 1)).to.equal(false);
  });

  it("limits: too deep and too costly queries are refused before execution", async () => {
    const deep = `{ members(first: 1) { positions(first: 1) { tranche { pool { tranches(first: 1) { positions(first: 1) { holder {
      positions(first: 1) { tranche { pool { trustee { id } } } } } } } } } } } }`;
    expect(errorCode(await gql(deep))).to.equal("QUERY_TOO_DEEP");
    const costly = `{ pools(first: 1000) { tranches(first: 1000) { positions(first: 1000) { id } } } }`;
    expect(errorCode(await gql(costly))).to.equal("QUERY_TOO_COMPLEX");
  });

  it("errors: invalid queries carry a code; unexpected failures are masked", async () => {
    const bad = await gql(`{ pools(where: { nope: 1 }) { id } }`);
    expect(bad.errors?.[0]?.message).to.match(/nope/);
    const masked = await gql(`{ pool(id: "${"x".repeat(300)}") { id } }`);
    expect(masked.errors?.[0]?.message).to.equal("Unexpected error.");
  });

  it("audit export: filtered AuditEvents as JSON and CSV with the block range and block hashes that match the chain", async () => {
    const res = await fetch(`${server.url}/audit/export?format=json&pool=${pool}&name=ReportSubmitted`, {
      headers: auth,
    });
    expect(res.status).to.equal(200);
    const x = (await res.json()) as {
      range: { toBlock: number };
      blocks: { number: number; hash: string }[];
      events: { name: string; pool: string }[];
    };
    expect(x.events.map((e) => e.name)).to.deep.equal(["ReportSubmitted", "ReportSubmitted", "ReportSubmitted"]);
    expect(x.blocks).to.have.length(3);
    for (const b of x.blocks) {
      const onChain = await chain.rpc<{ hash: string }>("eth_getBlockByNumber", ["0x" + b.number.toString(16), false]);
      expect(b.hash).to.equal(onChain.hash);
    }
    const csv = await (
      await fetch(`${server.url}/audit/export?format=csv&name=Transfer&fromBlock=${afterPeriod1 + 1}`, {
        headers: auth,
      })
    ).text();
    const rows = csv
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("#"));
    expect(rows[0]).to.match(/^blockNumber,blockHash,/);
    expect(rows).to.have.length(2);
    const bad = await fetch(`${server.url}/audit/export?format=xml`, { headers: auth });
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).to.equal("BAD_USER_INPUT");
  });

  it("loan book: the sample tape verifies against the anchored root; a tampered record does not; investors get aggregates only", async () => {
    const tape = sampleTape();
    const regulator = new LoanBook(ix.store, "loan-level");
    expect(await regulator.addTape(pool, 1, tape.records, tape.saltKey)).to.equal("verified");
    expect(regulator.loans(pool)).to.have.length(tape.records.length);
    const [first, ...rest] = tape.records;
    if (!first) throw new Error("empty sample tape");
    const tampered = [{ ...first, currentPrincipalCents: first.currentPrincipalCents + 1n }, ...rest];
    const other = new LoanBook(ix.store, "loan-level");
    expect(await other.addTape(pool, 1, tampered, tape.saltKey)).to.equal("root-mismatch");
    const investor = new LoanBook(ix.store, "aggregates");
    await investor.addTape(pool, 1, tape.records, tape.saltKey);
    const shares = investor.concentrations(pool, "region").reduce((s, c) => s + c.loanCount, 0);
    expect(shares).to.equal(tape.records.length);
    const refused = (() => {
      try {
        investor.loans(pool);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(refused).to.be.instanceOf(IndexerError);
    expect((refused as IndexerError).code).to.equal("NOT_ENTITLED");
    const answer = await gql(`{ doublePledgedLoans { loanId } }`);
    expect(errorCode(answer)).to.equal("NOT_ENTITLED");
  });
});
