/**
 * Abuse cases of the GraphQL API (issue 13): each is answered 4xx with a code within a second, and an
 * ordinary query sent at the same time keeps its normal latency. No chain is needed: the limits are
 * checked before anything is read, so an empty store serves.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getIntrospectionQuery } from "graphql";
import { createSchema, createYoga } from "graphql-yoga";
import pino from "pino";
import { createApp, listen, type RunningServer } from "../src/app";
import { errorStatusPlugin, timeLimitPlugin } from "../src/graphql/limits";
import { IndexerStore, SessionBook, loadSchemaModel } from "../src";

interface Answer {
  status: number;
  ms: number;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

const ORDINARY = `{ pools(first: 10) { id name tranches { id } } _meta { block { number } } }`;

/** N fragments, each spreading the next one twice: 2^N fields if expanded, under 1 KB of text. */
function doublingFragments(n: number): string {
  const defs: string[] = [];
  for (let i = 0; i < n; i++) defs.push(`fragment F${i} on Pool { ...F${i + 1} ...F${i + 1} }`);
  defs.push(`fragment F${n} on Pool { id name }`);
  return `{ pools { ...F0 } } ${defs.join(" ")}`;
}

describe("GraphQL limits: hostile queries are refused in linear time, 4xx with a code", function () {
  let dir: string;
  let store: IndexerStore;
  let server: RunningServer;

  async function post(
    query: string,
    variables: Record<string, unknown> = {},
    accept = "application/json",
  ): Promise<Answer> {
    const started = performance.now();
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Answer["body"];
    return { status: res.status, ms: performance.now() - started, body };
  }

  /** Send `hostile` and an ordinary query together; both must answer within a second. */
  async function refusedQuickly(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
    const [hostile, ordinary] = await Promise.all([post(query, variables), post(ORDINARY)]);
    expect(ordinary.status, JSON.stringify(ordinary.body)).to.equal(200);
    expect(ordinary.ms, "ordinary query's latency").to.be.below(1_000);
    expect(hostile.ms, "hostile query's answer time").to.be.below(1_000);
    expect(hostile.status, JSON.stringify(hostile.body)).to.equal(400);
    return hostile;
  }

  const code = (a: Answer) => a.body.errors?.[0]?.extensions?.code;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "abs-limits-"));
    store = await IndexerStore.open(path.join(dir, "db"), loadSchemaModel());
    // Open read-only mode: the limits apply before any caller check matters, and no registry is needed
    // (nothing here signs in, so the directory is never asked).
    const app = createApp({
      store,
      model: loadSchemaModel(),
      logger: pino({ level: "silent" }),
      hasIndexingErrors: () => false,
      auth: {
        sessions: new SessionBook({ sessionTtlMs: 60_000, nonceTtlMs: 60_000 }),
        directory: {
          lookup: () => Promise.reject(new Error("no registry in this test")),
        },
        domain: "127.0.0.1",
        chainId: 31337,
        openRead: true,
      },
    });
    server = await listen(app, "127.0.0.1", 0);
  });
  after(async () => {
    await server?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("fragments that double at each level (2^23 fields, < 1 KB) are costed once each and refused at once", async () => {
    const query = doublingFragments(23);
    expect(query.length).to.be.below(1024);
    const answer = await refusedQuickly(query);
    expect(code(answer)).to.equal("QUERY_TOO_COMPLEX");
  });

  it("`first` given as a variable is costed at its value", async () => {
    const query = `query($f: Int) { pools(first: $f) { tranches(first: $f) { id } } }`;
    expect((await post(query, { f: 10 })).status).to.equal(200);
    const answer = await refusedQuickly(query, { f: 1000 });
    expect(code(answer)).to.equal("QUERY_TOO_COMPLEX");
    expect(answer.body.errors?.[0]?.message).to.match(/exceeded/);
    // The same text again with a small value still passes: no cached verdict across variables.
    expect((await post(query, { f: 10 })).status).to.equal(200);
  });

  it("a list without `first` counts its default page of 100", async () => {
    const answer = await refusedQuickly(`{ pools { tranches { positions { holder { positions { id } } } } } }`);
    expect(code(answer)).to.equal("QUERY_TOO_COMPLEX");
  });

  it("1,000 aliases with first: $f, and 20,000 aliases of _meta, are refused", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `a${i}: pools(first: $f) { id }`).join(" ");
    expect(code(await refusedQuickly(`query($f: Int) { ${many} }`, { f: 1000 }))).to.match(
      /^QUERY_TOO_MANY_(ALIASES|TOKENS)$/,
    );
    const meta = Array.from({ length: 20_000 }, (_, i) => `m${i}: _meta { block { number } }`).join(" ");
    expect(code(await refusedQuickly(`{ ${meta} }`))).to.equal("QUERY_TOO_MANY_TOKENS");
    const aliases = Array.from({ length: 31 }, (_, i) => `m${i}: _meta { deployment }`).join(" ");
    expect(code(await refusedQuickly(`{ ${aliases} }`))).to.equal("QUERY_TOO_MANY_ALIASES");
  });

  it("50,000 nested braces answer 400, not 500", async () => {
    expect(code(await refusedQuickly("{".repeat(50_000) + "}".repeat(50_000)))).to.be.a("string");
    const nested = "{ pools { " + "tranches { pool { ".repeat(12_500) + "id" + " } }".repeat(12_500) + " } }";
    expect(code(await refusedQuickly(nested))).to.equal("QUERY_TOO_MANY_TOKENS");
  });

  it("too deep and too many directives are refused with their codes", async () => {
    const deep = `{ members(first: 1) { positions(first: 1) { tranche { pool { tranches(first: 1) { positions(first: 1) { holder {
      positions(first: 1) { tranche { pool { trustee { id } } } } } } } } } } } }`;
    expect(code(await refusedQuickly(deep))).to.equal("QUERY_TOO_DEEP");
    const directives = Array.from({ length: 21 }, () => "@include(if: true)").join(" ");
    expect(code(await refusedQuickly(`{ _meta ${directives} { deployment } }`))).to.equal("QUERY_TOO_MANY_DIRECTIVES");
  });

  it("refusals are 400 whatever the client accepts (graphql-response+json too)", async () => {
    for (const accept of ["application/json", "application/graphql-response+json", "*/*"]) {
      const answer = await post(doublingFragments(23), {}, accept);
      expect(answer.status, accept).to.equal(400);
      expect(code(answer)).to.equal("QUERY_TOO_COMPLEX");
    }
  });

  it("the standard introspection query (GraphiQL's) is served", async () => {
    const answer = await post(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(answer.status, JSON.stringify(answer.body.errors)).to.equal(200);
    expect(answer.body.errors).to.equal(undefined);
    expect(JSON.stringify(answer.body.data)).to.contain('"name":"Pool"');
  });

  it("GraphiQL's page loads nothing from another host", async () => {
    const res = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.contain("graphiql");
    expect(html).to.not.match(/<script[^>]+src=["']https?:/);
    expect(html).to.not.match(/<link[^>]+href=["']https?:/);
    expect(html).to.not.match(/unpkg|jsdelivr|cdnjs/);
  });

  it("a query that runs past the time limit is stopped: 503 QUERY_TIMEOUT", async () => {
    const slow = createYoga({
      schema: createSchema({
        typeDefs: `type Query { slow: Int }`,
        resolvers: { Query: { slow: () => new Promise((done) => setTimeout(() => done(1), 2_000)) } },
      }),
      plugins: [timeLimitPlugin(100), errorStatusPlugin()],
      logging: false,
    });
    const started = performance.now();
    const res = await slow.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ slow }" }),
    });
    const elapsed = performance.now() - started;
    expect(res.status).to.equal(503);
    const body = (await res.json()) as Answer["body"];
    expect(body.errors?.[0]?.extensions?.code).to.equal("QUERY_TIMEOUT");
    expect(elapsed).to.be.below(1_000);
  });
});
