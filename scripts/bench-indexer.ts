/**
 * Indexer figures (`npm run bench:indexer`):
 * 1. catch-up speed over BENCH_INDEXER_EVENTS tranche transfers (default 100,000) against the floor
 *    measured in the same run: the same logs fetched with plain fetch + JSON.parse in requests of
 *    <= 2,000 logs and decoded with the same decoder, nothing stored; plus the indexer's peak memory;
 * 2. GraphQL under load (autocannon, BENCH_INDEXER_CONNECTIONS connections for BENCH_INDEXER_SECONDS
 *    each): a trivial query, a pool-performance query and a holder-to-loan penetrating query.
 * Events are generated cheaply: eth_sendTransaction from the node's unlocked dev accounts in
 * JSON-RPC batches with automine off, one evm_mine per 500 transfers, explicit fee fields.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Interface, JsonRpcProvider } from "ethers";
import pino from "pino";
import { z } from "zod";
import { generateLoans } from "@abs/core";
import {
  AbiRegistry,
  DEFAULT_ALERT_RULES,
  DEFAULT_HANDLERS,
  Indexer,
  IndexerStore,
  JsonRpcClient,
  LoanBook,
  createApp,
  listen,
  loadSchemaModel,
  sourcesFromAddressBook,
} from "@abs/indexer";
import { deployLocalConsortium } from "../deploy/local-consortium";
import { sampleTapeSaltKey } from "../deploy/sample-deal";
import { rpc, startChain } from "./lib/chain-process";

const env = z
  .object({
    BENCH_INDEXER_EVENTS: z.coerce.number().int().min(500).default(100_000),
    BENCH_INDEXER_SECONDS: z.coerce.number().int().min(1).default(20),
    BENCH_INDEXER_CONNECTIONS: z.coerce.number().int().min(1).default(50),
  })
  .parse(process.env);

const ROOT = path.resolve(__dirname, "..");
const PER_BLOCK = 500;
const transferAbi = new Interface(["function transfer(address to, uint256 amount) returns (bool)"]);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "abs-bench-indexer-"));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // 100k transactions outgrow the node's default heap; keep its last lines to report a crash.
  process.env["NODE_OPTIONS"] = `${process.env["NODE_OPTIONS"] ?? ""} --max-old-space-size=8192`.trim();
  const nodeOutput: string[] = [];
  const chain = await startChain({
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
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
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
    }
    await rpc(chain.rpcUrl, "evm_setAutomine", [true]);
    const head = Number(await rpc<string>(chain.rpcUrl, "eth_blockNumber"));
    console.log(
      `generated ${env.BENCH_INDEXER_EVENTS.toLocaleString("en")} tranche transfers in blocks ${firstBlock}-${head} ` +
        `in ${((Date.now() - generateStarted) / 1000).toFixed(1)} s`,
    );

    const abis = AbiRegistry.fromArtifacts(path.join(ROOT, "artifacts"));
    const sources = sourcesFromAddressBook(bookFile, abis);

    // ---------------------------------------------------------------- floor: fetch + JSON.parse + decode
    const client = new JsonRpcClient(chain.rpcUrl);
    const addresses = [
      ...sources.keys(),
      deal.pool.toLowerCase(),
      ...deal.tranches.map((t) => t.address.toLowerCase()),
    ];
    const cpu = cpuMeter(chain.pid);
    const floorCpu = cpu.mark();
    const floorStarted = process.hrtime.bigint();
    let floorLogs = 0;
    const span = 2000 / PER_BLOCK; // blocks per request: PER_BLOCK logs each, so <= 2,000 logs
    for (let from = 0; from <= head; from += span) {
      const logs = await client.getLogs(from, Math.min(head, from + span - 1), addresses);
      for (const log of logs) {
        const spec = abis.eventOf("TrancheToken", log.topics[0] ?? "");
        if (spec && spec.indexedCount + 1 === log.topics.length) spec.decode(log.topics, log.data);
        floorLogs++;
      }
    }
    const floorSeconds = Number(process.hrtime.bigint() - floorStarted) / 1e9;
    const floorCpuUsed = cpu.since(floorCpu);

    // ---------------------------------------------------------------- the indexer, fresh
    const model = loadSchemaModel();
    const store = await IndexerStore.open(path.join(dir, "indexer"), model);
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
    await indexer.init();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const rssBefore = process.memoryUsage().rss;
    const profiler = process.env["BENCH_INDEXER_PROFILE"] ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
    const indexCpu = cpu.mark();
    const indexStarted = process.hrtime.bigint();
    await indexer.syncOnce();
    const indexSeconds = Number(process.hrtime.bigint() - indexStarted) / 1e9;
    const indexCpuUsed = cpu.since(indexCpu);
    if (profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      const file = process.env["BENCH_INDEXER_PROFILE"] ?? "indexer.cpuprofile";
      writeFileSync(file, JSON.stringify(profile));
      console.log(`CPU profile of the catch-up: ${file}`);
    }
    clearInterval(sampler);
    let audits = 0;
    for await (const _ of store.sub("e.AuditEvent").keys()) audits++;

    const floorRate = floorLogs / floorSeconds;
    const indexRate = audits / indexSeconds;
    console.log(`\ncatch-up over ${audits.toLocaleString("en")} events (blocks 0-${head})`);
    console.log(
      `  floor (fetch + JSON.parse + decode, nothing stored): ${floorLogs.toLocaleString("en")} logs in ${floorSeconds.toFixed(2)} s = ${Math.round(floorRate).toLocaleString("en")} events/s`,
    );
    console.log(
      `  indexer (blocks, handlers, AuditEvents, LevelDB):    ${audits.toLocaleString("en")} events in ${indexSeconds.toFixed(2)} s = ${Math.round(indexRate).toLocaleString("en")} events/s`,
    );
    const t = indexer.timings;
    const sec = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `  indexer time: waiting for fetched ranges ${sec(t.fetchWait)} s, handlers ${sec(t.handlers)} s, ` +
        `LevelDB commits not hidden behind handlers ${sec(t.commit)} s ` +
        `(requests, concurrent with these: eth_getLogs ${sec(t.logs)} s, blocks ${sec(t.blocks)} s)`,
    );
    console.log(
      `  CPU seconds (this process / the node): floor ${floorCpuUsed.self.toFixed(1)} / ${floorCpuUsed.node.toFixed(1)}, ` +
        `indexer ${indexCpuUsed.self.toFixed(1)} / ${indexCpuUsed.node.toFixed(1)}`,
    );
    console.log(`  ratio: ${(indexRate / floorRate).toFixed(2)}x the floor (goal >= 0.3x)`);
    console.log(
      `  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (before indexing ${(rssBefore / 2 ** 20).toFixed(0)} MiB)`,
    );

    // ---------------------------------------------------------------- GraphQL under load
    const loans = new LoanBook(store, "loan-level");
    const sample = config.sampleDeal;
    if (sample) {
      await loans.addTape(
        deal.pool,
        1,
        generateLoans(sample.loans, sample.seed, { asOfDate: sample.cutoffDate }),
        sampleTapeSaltKey(sample.dealId),
      );
    }
    const server = await listen(
      createApp({
        store,
        model,
        logger: pino({ level: "silent" }),
        loans,
        hasIndexingErrors: () => indexer.hasIndexingErrors,
      }),
      "127.0.0.1",
      0,
    );
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
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query }),
        })
      ).json()) as { errors?: unknown };
      if (check.errors) throw new Error(`${name}: ${JSON.stringify(check.errors)}`);
      const result = await autocannon({
        url: `${server.url}/graphql`,
        method: "POST",
        headers: { "content-type": "application/json" },
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
    await store.close();
  } finally {
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * CPU seconds used by this process and by the chain's node (from /proc; 0 where it cannot be read)
 * between `mark()` and `since(mark)`: under load, wall times say little, CPU seconds say where the work is.
 */
function cpuMeter(nodePid: number | undefined) {
  const nodeSeconds = (): number => {
    try {
      const fields =
        readFileSync(`/proc/${nodePid ?? "none"}/stat`, "utf8")
          .split(") ")[1]
          ?.split(" ") ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100 || 0; // utime + stime, in clock ticks
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
