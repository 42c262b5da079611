/**
 * `npm run bench:graphql-abuse`: how long the indexer takes to refuse each hostile GraphQL query of the abuse
 * suite, and the latency of an ordinary query sent at the same moment, with the load average. The indexer runs
 * in this process over an empty LevelDB in open read-only mode: the limits are checked before anything is read,
 * so the figures are the refusals' own cost. Each case is sent `BENCH_ABUSE_ROUNDS` times (default 5); the
 * median and the worst are printed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { IndexerStore, SessionBook, createApp, listen, loadSchemaModel } from "@abs/indexer";

const ROUNDS = Number(process.env["BENCH_ABUSE_ROUNDS"] ?? "5");
const ORDINARY = `{ pools(first: 10) { id name tranches { id } } _meta { block { number } } }`;

function doubling(n: number): string {
  const defs: string[] = [];
  for (let i = 0; i < n; i++) defs.push(`fragment F${i} on Pool { ...F${i + 1} ...F${i + 1} }`);
  defs.push(`fragment F${n} on Pool { id name }`);
  return `{ pools { ...F0 } } ${defs.join(" ")}`;
}

const CASES: [string, string, Record<string, unknown>][] = [
  ["fragments doubling 23 times (2^23 fields, < 1 KB)", doubling(23), {}],
  ["first: $f = 1000 twice nested", `query($f: Int) { pools(first: $f) { tranches(first: $f) { id } } }`, { f: 1000 }],
  [
    "1,000 aliases with first: $f",
    `query($f: Int) { ${Array.from({ length: 1000 }, (_, i) => `a${i}: pools(first: $f) { id }`).join(" ")} }`,
    { f: 1000 },
  ],
  [
    "20,000 aliases of _meta",
    `{ ${Array.from({ length: 20_000 }, (_, i) => `m${i}: _meta { deployment }`).join(" ")} }`,
    {},
  ],
  ["50,000 nested braces", "{".repeat(50_000) + "}".repeat(50_000), {}],
  [
    "25,000 nested selections",
    "{ pools { " + "tranches { pool { ".repeat(12_500) + "id" + " } }".repeat(12_500) + " } }",
    {},
  ],
];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "abs-bench-abuse-"));
  const model = loadSchemaModel();
  const store = await IndexerStore.open(path.join(dir, "db"), model);
  const server = await listen(
    createApp({
      store,
      model,
      logger: pino({ level: "silent" }),
      hasIndexingErrors: () => false,
      auth: {
        sessions: new SessionBook({ sessionTtlMs: 60_000, nonceTtlMs: 60_000 }),
        directory: { lookup: () => Promise.reject(new Error("no registry in this bench")) },
        domain: "127.0.0.1",
        chainId: 31337,
        openRead: true,
      },
    }),
    "127.0.0.1",
    0,
  );
  const post = async (query: string, variables: Record<string, unknown>) => {
    const started = performance.now();
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { ms: performance.now() - started, status: res.status, code: body.errors?.[0]?.extensions?.code ?? "" };
  };
  try {
    await post(ORDINARY, {}); // warm-up
    console.log(
      `GraphQL abuse cases (${ROUNDS} rounds each; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")})`,
    );
    let worst = 0;
    for (const [name, query, variables] of CASES) {
      const hostile: number[] = [];
      const ordinary: number[] = [];
      let answer = "";
      for (let r = 0; r < ROUNDS; r++) {
        const [h, o] = await Promise.all([post(query, variables), post(ORDINARY, {})]);
        hostile.push(h.ms);
        ordinary.push(o.ms);
        answer = `${h.status} ${h.code}`;
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
      worst = Math.max(worst, ...hostile);
      console.log(
        `  ${name.padEnd(52)} ${answer.padEnd(32)} median ${median(hostile).toFixed(1).padStart(7)} ms, worst ${Math.max(
          ...hostile,
        )
          .toFixed(1)
          .padStart(7)} ms; ordinary query beside it: median ${median(ordinary).toFixed(1)} ms`,
      );
    }
    console.log(
      `worst refusal: ${worst.toFixed(1)} ms (load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")})`,
    );
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
