/**
 * Indexer figures (`npm run bench:indexer`):
 * 1. catch-up speed over BENCH_INDEXER_EVENTS tranche transfers (default 100,000) against the floor
 *    measured in the same run: the same logs fetched with plain fetch + JSON.parse in requests of
 *    <= 2,000 logs and decoded with the same decoder, nothing stored; plus the indexer's peak memory.
 *    Floor and indexer (a fresh store each time) run in alternation BENCH_INDEXER_ROUNDS times (default
 *    5), after one uncounted floor pass (the decode path's first pass runs cold): the machine's speed
 *    drifts between runs (single rounds of the same code range 0.25-0.40x), so each round's ratio is
 *    of neighbouring runs, and the figure is the median round; then the indexer as an operator runs it, its own
 *    process (packages/indexer/dist/main.js) on a fresh store: its time to the head and its own peak RSS;
 *    Then the real peer on the same chain (BENCH_INDEXER_PONDER=on, the default): Ponder 0.16.10 with PGlite as its
 *    own process (scripts/lib/ponder-peer.ts), indexing the tranche's Transfer events; its time from start to
 *    `/ready` against the indexer process's, and its logged backfill time against the median round;
 * 2. GraphQL under load (autocannon, BENCH_INDEXER_CONNECTIONS connections for BENCH_INDEXER_SECONDS
 *    each): a trivial query, a pool-performance query and a holder-to-loan penetrating query.
 * Events are generated cheaply: eth_sendTransaction from the node's unlocked dev accounts in
 * JSON-RPC batches with automine off, one evm_mine per 500 transfers, explicit fee fields.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Interface, JsonRpcProvider } from "ethers";
import pino from "pino";
import { z } from "zod";
import { sampleDealLoans } from "../deploy/config";
import {
  AbiRegistry,
  DEFAULT_ALERT_RULES,
  DEFAULT_HANDLERS,
  Indexer,
  IndexerStore,
  JsonRpcClient,
  LoanBook,
  createAuthDeps,
  createApp,
  listen,
  loadSchemaModel,
  signInToIndexer,
  sourcesFromAddressBook,
} from "@abs/indexer";
import { deployLocalConsortium } from "../deploy/local-consortium";
import { sampleTapeSaltKey } from "../deploy/sample-deal";
import { CHAIN_CLIENTS, rpc, startChain } from "./lib/chain-process";
import { cpuSecondsOf, memoryOf } from "./lib/proc-stats";
import { INDEXER_NODE_FLAGS, startIndexerProcess } from "./lib/indexer-process";
import { freeBasePort } from "./lib/member-nodes";
import { PONDER_VERSION, ensurePonder, measurePonder } from "./lib/ponder-peer";

const env = z
  .object({
    BENCH_INDEXER_EVENTS: z.coerce.number().int().min(500).default(100_000),
    BENCH_INDEXER_SECONDS: z.coerce.number().int().min(1).default(20),
    BENCH_INDEXER_CONNECTIONS: z.coerce.number().int().min(1).default(50),
    BENCH_INDEXER_ROUNDS: z.coerce.number().int().min(1).default(5),
    /** The chain client: Hardhat's node (senders from full blocks) or Anvil (senders from block receipts). */
    BENCH_INDEXER_CHAIN: z.enum(CHAIN_CLIENTS).default("hardhat"),
    /** Where senders come from: "auto" (receipts where the node serves them) or "blocks" (full blocks only). */
    BENCH_INDEXER_SENDERS: z.enum(["auto", "blocks"]).default("auto"),
    /** Ponder 0.16.10 on the same chain, the real peer (installed on first use into .data/ponder-bench). */
    BENCH_INDEXER_PONDER: z.enum(["on", "off"]).default("on"),
  })
  .parse(process.env);

const ROOT = path.resolve(__dirname, "..");
const PER_BLOCK = 500;
const transferAbi = new Interface(["function transfer(address to, uint256 amount) returns (bool)"]);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "abs-bench-indexer-"));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // 100k transactions outgrow the node's default heap; keep its last lines to report a crash.
  // (Its own options only: not the young-generation size `npm run bench:indexer` gives this process.)
  process.env["NODE_OPTIONS"] = "--max-old-space-size=8192";
  const nodeOutput: string[] = [];
  const chain = await startChain({
    client: env.BENCH_INDEXER_CHAIN,
    host: "127.0.0.1",
    port,
    cwd: ROOT,
    onOutput: (line) => {
      nodeOutput.push(line);
      if (nodeOutput.length > 20) nodeOutput.shift();
    },
  });
  void chain.exited.then((code) => {
    if (code !== 0 && code !== null) console.error(`the chain exited (code ${code}):\n${nodeOutput.join("\n")}`);
  });
  try {
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, {
      batchMaxCount: 1,
      staticNetwork: true,
      pollingInterval: 250,
    });
    const bookFile = path.join(dir, "addresses.json");
    const { config, deployment, signerOf } = await deployLocalConsortium(provider, { bookFile, withSampleDeal: true });
    const deal = deployment.sampleDeal;
    const senior = deal?.tranches[0]?.address;
    if (!deal || !senior) throw new Error("the bench needs the sample deal");
    const investors = await Promise.all(
      ["investor-1", "investor-2", "investor-3"].map((n) => signerOf(n).getAddress()),
    );
    provider.destroy();

    // ---------------------------------------------------------------- generate the events
    const generateStarted = Date.now();
    let paused = 0;
    await rpc(chain.rpcUrl, "evm_setAutomine", [false]);
    const nonces = await Promise.all(
      investors.map(async (a) => Number(await rpc<string>(chain.rpcUrl, "eth_getTransactionCount", [a, "pending"]))),
    );
    const firstBlock = Number(await rpc<string>(chain.rpcUrl, "eth_blockNumber")) + 1;
    for (let sent = 0; sent < env.BENCH_INDEXER_EVENTS; sent += PER_BLOCK) {
      const batch = [];
      for (let i = 0; i < Math.min(PER_BLOCK, env.BENCH_INDEXER_EVENTS - sent); i++) {
        const k = (sent + i) % 3;
        const from = investors[k] ?? "";
        const to = investors[(k + 1) % 3] ?? "";
        const nonce = nonces[k] ?? 0;
        nonces[k] = nonce + 1;
        batch.push({
          jsonrpc: "2.0",
          id: i,
          method: "eth_sendTransaction",
          params: [
            {
              from,
              to: senior,
              data: transferAbi.encodeFunctionData("transfer", [to, 1n]),
              gas: "0x20000",
              nonce: "0x" + nonce.toString(16),
              maxFeePerGas: "0x3b9aca000",
              maxPriorityFeePerGas: "0x3b9aca00",
            },
          ],
        });
      }
      const res = await fetch(chain.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(batch),
      });
      const answers = (await res.json()) as { error?: { message: string } }[];
      const failed = answers.find((a) => a.error);
      if (failed?.error) throw new Error(`eth_sendTransaction: ${failed.error.message}`);
      await rpc(chain.rpcUrl, "evm_mine", []);
      paused += await waitForNodeMemory(chain.pid);
    }
    await rpc(chain.rpcUrl, "evm_setAutomine", [true]);
    // Ponder backfills to 30 blocks below the head (its finality depth for an unknown chain) and reports ready
    // there: 32 empty blocks on top put every transfer in its backfill.
    for (let i = 0; i < 32; i++) await rpc(chain.rpcUrl, "evm_mine", []);
    const head = Number(await rpc<string>(chain.rpcUrl, "eth_blockNumber"));
    console.log(
      `generated ${env.BENCH_INDEXER_EVENTS.toLocaleString("en")} tranche transfers in blocks ${firstBlock}-${head} ` +
        `in ${((Date.now() - generateStarted) / 1000).toFixed(1)} s ` +
        `(${(paused / 1000).toFixed(0)} s of it waiting for the node to release memory)`,
    );

    const abis = AbiRegistry.fromArtifacts(path.join(ROOT, "artifacts"));
    const sources = sourcesFromAddressBook(bookFile, abis);

    // ---------------------------------------------------------------- catch-up rounds: floor, then indexer
    const client = new JsonRpcClient(chain.rpcUrl, { senders: env.BENCH_INDEXER_SENDERS });
    const addresses = [
      ...sources.keys(),
      deal.pool.toLowerCase(),
      ...deal.tranches.map((t) => t.address.toLowerCase()),
    ];
    const cpu = cpuMeter(chain.pid);
    const model = loadSchemaModel();
    const rounds: Round[] = [];
    let last: { store: IndexerStore; indexer: Indexer } | undefined;
    // One floor pass first, not counted: the first pass of the decode path runs cold (not yet optimised).
    await measureFloor(client, head, addresses, abis, cpu);
    console.log(
      `\ncatch-up over blocks 0-${head} on ${env.BENCH_INDEXER_CHAIN}, ${env.BENCH_INDEXER_ROUNDS} rounds (floor, then a ` +
        `fresh indexer); load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
    );
    for (let r = 1; r <= env.BENCH_INDEXER_ROUNDS; r++) {
      const floor = await measureFloor(client, head, addresses, abis, cpu);
      if (last) await last.store.close();
      const profile = r === env.BENCH_INDEXER_ROUNDS ? process.env["BENCH_INDEXER_PROFILE"] : undefined;
      const store = await IndexerStore.open(path.join(dir, `indexer-${r}`), model);
      const indexer = new Indexer({
        rpc: client,
        store,
        abis,
        handlers: DEFAULT_HANDLERS,
        logger: pino({ level: "silent" }),
        sources,
        options: {
          confirmations: 0,
          reorgWindow: 256,
          startBlock: 0,
          maxLogsPerRequest: 2000,
          alertRules: DEFAULT_ALERT_RULES,
        },
      });
      const run = await measureIndexer(indexer, store, cpu, profile);
      last = { store, indexer };
      const round: Round = { floor, run, ratio: run.events / run.seconds / (floor.logs / floor.seconds) };
      rounds.push(round);
      printRound(r, round);
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)];
    if (!median || !last) throw new Error("no catch-up round ran");
    const { store, indexer } = last;
    console.log(
      `  median round: ${median.run.events.toLocaleString("en")} events, indexer ${Math.round(median.run.events / median.run.seconds).toLocaleString("en")} events/s, ` +
        `floor ${Math.round(median.floor.logs / median.floor.seconds).toLocaleString("en")} events/s: ` +
        `${median.ratio.toFixed(2)}x the floor (goal >= 0.3x; rounds ${rounds.map((x) => x.ratio.toFixed(2)).join(", ")}); ` +
        `${env.BENCH_INDEXER_CHAIN}, senders from ${client.senderSource}`,
    );
    console.log(
      `  load average after the rounds ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    console.log(
      `  peak RSS ${(Math.max(...rounds.map((x) => x.run.peakRss)) / 2 ** 20).toFixed(0)} MiB ` +
        `(before indexing ${(Math.min(...rounds.map((x) => x.run.rssBefore)) / 2 ** 20).toFixed(0)}-${(Math.max(...rounds.map((x) => x.run.rssBefore)) / 2 ** 20).toFixed(0)} MiB)`,
    );

    // ---------------------------------------------------------------- the indexer as its own process
    // As npm start runs it, as it ran before, and with Node's defaults: memory against speed.
    let asRun: { seconds: number; cpuSeconds: number; peakRss: number } | undefined;
    for (const [what, flags] of [
      [`as npm start runs it, ${INDEXER_NODE_FLAGS.join(" ")}`, INDEXER_NODE_FLAGS],
      ["a 64 MiB young generation, V8's own heap growth (before 2026-12-06)", ["--max-semi-space-size=64"]],
      ["Node's defaults", []],
    ] as const) {
      const own = await measureIndexerProcess(chain.rpcUrl, bookFile, head, dir, flags);
      asRun ??= own;
      console.log(
        `  the indexer as its own process (${what}; a fresh store, to block ${head}): ` +
          `${own.seconds.toFixed(1)} s from its start (${Math.round(median.run.events / own.seconds).toLocaleString("en")} events/s), ` +
          `${own.cpuSeconds.toFixed(1)} CPU s; its own peak RSS ${(own.peakRss / 2 ** 20).toFixed(0)} MiB (goal <= 512 MiB); ` +
          `load average ${loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")}`,
      );
    }

    // ---------------------------------------------------------------- the real peer: Ponder on the same chain
    if (env.BENCH_INDEXER_PONDER === "on" && asRun !== undefined) {
      ensurePonder((line) => console.log(`  ${line}`));
      const artifact = path.join(ROOT, "artifacts", "contracts", "tokens", "TrancheToken.sol", "TrancheToken.json");
      const transferEvent = (
        JSON.parse(readFileSync(artifact, "utf8")) as { abi: { type: string; name?: string }[] }
      ).abi.find((f) => f.type === "event" && f.name === "Transfer");
      const ponder = await measurePonder({
        rpcUrl: chain.rpcUrl,
        chainId: Number(await rpc<string>(chain.rpcUrl, "eth_chainId", [])),
        tranche: senior,
        transferEvent,
        endBlock: head,
        expectedTransfers: env.BENCH_INDEXER_EVENTS,
        port: await freeBasePort(1),
        timeoutMs: 30 * 60_000,
      });
      const ponderRate = ponder.transfers / ponder.seconds;
      const ourRate = median.run.events / asRun.seconds;
      const backfill = ponder.backfillSeconds;
      console.log(
        `  Ponder ${PONDER_VERSION} (PGlite, its own process, the tranche's Transfer events into a transfer table and ` +
          `balances): ${ponder.transfers.toLocaleString("en")} transfers in ${ponder.seconds.toFixed(1)} s from its ` +
          `start (${Math.round(ponderRate).toLocaleString("en")} events/s), ${ponder.cpuSeconds.toFixed(1)} CPU s, ` +
          `peak RSS ${(ponder.peakRss / 2 ** 20).toFixed(0)} MiB; the indexer as npm start runs it (every contract's ` +
          `events): ${Math.round(ourRate).toLocaleString("en")} events/s = ${(ourRate / ponderRate).toFixed(2)}x ` +
          `Ponder's (goal >= 3x)` +
          (backfill === undefined
            ? ""
            : `; catch-up alone: Ponder's backfill ${backfill.toFixed(1)} s (${Math.round(ponder.transfers / backfill).toLocaleString("en")} events/s), ` +
              `the indexer's median round ${Math.round(median.run.events / median.run.seconds).toLocaleString("en")} events/s = ` +
              `${(median.run.events / median.run.seconds / (ponder.transfers / backfill)).toFixed(2)}x`) +
          `; load average ${loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")}`,
      );
    }

    // ---------------------------------------------------------------- GraphQL under load
    const loans = new LoanBook(store, "loan-level");
    const sample = config.sampleDeal;
    if (sample) {
      await loans.addTape(deal.pool, 1, sampleDealLoans(sample), sampleTapeSaltKey(sample.dealId));
    }
    // The regulator signs in with its own key: every query below carries its session.
    const registryProvider = new JsonRpcProvider(chain.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
    const auth = createAuthDeps({
      registry: deployment.registry,
      runner: registryProvider,
      chainId: Number(await rpc(chain.rpcUrl, "eth_chainId", [])),
      sessionTtlMs: 3_600_000,
      // As the service runs it: the registry's answer about a caller kept 1 s (ABS_INDEXER_MEMBER_CACHE_MS).
      memberCacheMs: 1_000,
    });
    const server = await listen(
      createApp({
        store,
        model,
        logger: pino({ level: "silent" }),
        loans,
        auth,
        hasIndexingErrors: () => indexer.hasIndexingErrors,
      }),
      "127.0.0.1",
      0,
    );
    auth.domain = new URL(server.url).host;
    const session = await signInToIndexer(server.url, signerOf("regulator"));
    const headers = { "content-type": "application/json", authorization: `Bearer ${session.token}` };
    const pool = deal.pool.toLowerCase();
    const queries: [string, string][] = [
      ["trivial", `{ _meta { block { number } } }`],
      [
        "pool performance",
        `{ pool(id: "${pool}") { name state lastPeriod tranches(orderBy: seniority) { symbol factorRay totalSupply originalFaceCents }
          tapes { version loanCount totalPrincipalCents } periods(orderBy: period) { period endingBalanceCents newDefaultsCents } }
          periodMetrics_collection(where: { pool: "${pool}" }, orderBy: period) { period cprBps cdrBps delinquent90PlusBps cumulativeNetLossBps }
          alerts(where: { pool: "${pool}" }) { rule period value } }`,
      ],
      [
        "holder to loan",
        `{ member(id: "${(investors[0] ?? "").toLowerCase()}") { status positions { balance tranche { symbol pool { id name
          tapes { version merkleRoot loanCount } } } } }
          loans(pool: "${pool}", first: 20, where: { creditGrade: "C" }) { loanId region currentPrincipalCents proofStatus otherPools } }`,
      ],
    ];
    console.log(
      `\nGraphQL under load (autocannon, ${env.BENCH_INDEXER_CONNECTIONS} connections, ${env.BENCH_INDEXER_SECONDS} s each)`,
    );
    for (const [name, query] of queries) {
      const check = (await (
        await fetch(`${server.url}/graphql`, {
          method: "POST",
          headers,
          body: JSON.stringify({ query }),
        })
      ).json()) as { errors?: unknown };
      if (check.errors) throw new Error(`${name}: ${JSON.stringify(check.errors)}`);
      const result = await autocannon({
        url: `${server.url}/graphql`,
        method: "POST",
        headers,
        body: JSON.stringify({ query }),
        connections: env.BENCH_INDEXER_CONNECTIONS,
        duration: env.BENCH_INDEXER_SECONDS,
      });
      console.log(
        `  ${name.padEnd(17)} ${Math.round(result.requests.average).toLocaleString("en").padStart(7)} req/s   p99 ${String(result.latency.p99).padStart(5)} ms   ` +
          `(${result.non2xx} non-2xx, ${result.errors} errors)`,
      );
    }
    await server.close();
    registryProvider.destroy();
    await store.close();
  } finally {
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Wait while the chain's node holds more than NODE_RSS_HIGH of memory, until it is below NODE_RSS_LOW
 * (at most 60 s); returns the milliseconds waited. Mining a 500-transaction block leaves ~350 MB of
 * freed native memory (EDR's mimalloc) in the node's RSS until the node has been idle ~10 s, so
 * without a pause its RSS climbs to 20-24 GB over 100,000 transactions and it is OOM-killed. The
 * node keeps mimalloc's defaults (MIMALLOC_PURGE_DELAY=0 bounds the RSS but costs the node 10-40 %
 * more CPU, which would slow the floor). Does nothing where /proc cannot be read.
 */
async function waitForNodeMemory(pid: number | undefined): Promise<number> {
  const rss = (): number => {
    try {
      return pid === undefined ? 0 : memoryOf(pid, "VmRSS");
    } catch {
      return 0;
    }
  };
  if (rss() < NODE_RSS_HIGH) return 0;
  const started = Date.now();
  while (rss() > NODE_RSS_LOW && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 500));
  return Date.now() - started;
}
const NODE_RSS_HIGH = 10 * 2 ** 30;
const NODE_RSS_LOW = 5 * 2 ** 30;

type CpuMeter = ReturnType<typeof cpuMeter>;

interface Round {
  floor: { logs: number; seconds: number; cpu: { self: number; node: number } };
  run: {
    events: number;
    seconds: number;
    cpu: { self: number; node: number };
    peakRss: number;
    rssBefore: number;
    timings: Indexer["timings"];
  };
  ratio: number;
}

/** The floor: the followed contracts' logs in requests of <= 2,000 logs, fetch + JSON.parse + decode, nothing kept. */
async function measureFloor(
  client: JsonRpcClient,
  head: number,
  addresses: string[],
  abis: AbiRegistry,
  cpu: CpuMeter,
): Promise<Round["floor"]> {
  const mark = cpu.mark();
  const started = process.hrtime.bigint();
  let logs = 0;
  const span = 2000 / PER_BLOCK; // blocks per request: PER_BLOCK logs each, so <= 2,000 logs
  for (let from = 0; from <= head; from += span) {
    for (const log of await client.getLogs(from, Math.min(head, from + span - 1), addresses)) {
      const spec = abis.eventOf("TrancheToken", log.topics[0] ?? "");
      if (spec && spec.indexedCount + 1 === log.topics.length) spec.decode(log.topics, log.data);
      logs++;
    }
  }
  return { logs, seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: cpu.since(mark) };
}

/**
 * The indexer as an operator runs it, in its own process on a fresh store, to `head`: seconds from its start,
 * its CPU seconds and its own peak RSS (VmHWM: the bench process's memory is not in it).
 */
async function measureIndexerProcess(
  rpcUrl: string,
  addressBook: string,
  head: number,
  dir: string,
  nodeFlags: readonly string[],
): Promise<{ seconds: number; cpuSeconds: number; peakRss: number }> {
  const started = performance.now();
  const indexer = await startIndexerProcess({
    rpcUrl,
    addressBook,
    nodeFlags,
    dataDir: mkdtempSync(path.join(dir, "indexer-process-")),
    host: "127.0.0.1",
    port: await freeBasePort(1),
    logLevel: "warn",
    onOutput: () => undefined,
  });
  try {
    await indexer.waitFor(head, 30 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    const pid = indexer.pid;
    if (pid === undefined) throw new Error("the indexer process has no pid");
    return { seconds, cpuSeconds: cpuSecondsOf(pid), peakRss: memoryOf(pid, "VmHWM") };
  } finally {
    await indexer.stop();
  }
}

/** A fresh indexer's catch-up to the head: wall and CPU time, peak RSS, AuditEvents written. */
async function measureIndexer(
  indexer: Indexer,
  store: IndexerStore,
  cpu: CpuMeter,
  profileFile: string | undefined,
): Promise<Round["run"]> {
  await indexer.init();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const profiler = profileFile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  const mark = cpu.mark();
  const started = process.hrtime.bigint();
  await indexer.syncOnce();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = cpu.since(mark);
  clearInterval(sampler);
  if (profiler && profileFile) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(profileFile, JSON.stringify(profile));
    console.log(`  CPU profile of the last catch-up: ${profileFile}`);
  }
  let events = 0;
  for await (const _ of store.sub("e.AuditEvent").keys()) events++;
  return { events, seconds, cpu: used, peakRss, rssBefore, timings: { ...indexer.timings } };
}

function printRound(n: number, { floor, run, ratio }: Round): void {
  const sec = (ms: number) => (ms / 1000).toFixed(1);
  const t = run.timings;
  console.log(
    `  round ${n}: floor ${floor.logs.toLocaleString("en")} logs in ${floor.seconds.toFixed(2)} s ` +
      `(CPU s this process / node ${floor.cpu.self.toFixed(1)} / ${floor.cpu.node.toFixed(1)}); ` +
      `indexer ${run.events.toLocaleString("en")} events in ${run.seconds.toFixed(2)} s ` +
      `(CPU s ${run.cpu.self.toFixed(1)} / ${run.cpu.node.toFixed(1)}): ${ratio.toFixed(2)}x`,
  );
  console.log(
    `           indexer time: waiting for fetched ranges ${sec(t.fetchWait)} s, handlers ${sec(t.handlers)} s, ` +
      `LevelDB commits not hidden behind handlers ${sec(t.commit)} s ` +
      `(requests, concurrent with these: eth_getLogs ${sec(t.logs)} s, blocks ${sec(t.blocks)} s)`,
  );
}

/**
 * CPU seconds used by this process and by the chain's node (from /proc; 0 where it cannot be read)
 * between `mark()` and `since(mark)`: under load, wall times say little, CPU seconds say where the work is.
 */
function cpuMeter(nodePid: number | undefined) {
  const nodeSeconds = (): number => {
    try {
      return nodePid === undefined ? 0 : cpuSecondsOf(nodePid) || 0;
    } catch {
      return 0;
    }
  };
  return {
    mark: () => ({ usage: process.cpuUsage(), node: nodeSeconds() }),
    since(mark: { usage: NodeJS.CpuUsage; node: number }): { self: number; node: number } {
      const used = process.cpuUsage(mark.usage);
      return { self: (used.user + used.system) / 1e6, node: nodeSeconds() - mark.node };
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
