/**
 * `npm run bench:cli`: how long the `abs` command takes as a user runs it (a fresh process each time):
 * `abs --help`, and `abs pool show` of the sample pool on a local chain started here. Prints the median and
 * the worst of `BENCH_CLI_ROUNDS` runs (default 7) against the goals (0.5 s and 1.5 s), with the load average,
 * and as a floor the same Node starting and exiting (`node -e 0`).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { deployLocalConsortium } from "../deploy/local-consortium";
import { startChain } from "./lib/chain-process";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "packages", "cli", "bin", "abs.js");
const ROUNDS = Number(process.env["BENCH_CLI_ROUNDS"] ?? "7");

function timeOf(args: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    times.push((performance.now() - started) / 1000);
    if (run.status !== 0) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  }
  return times;
}

function line(name: string, times: number[], goal?: number): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const worst = sorted[sorted.length - 1] ?? 0;
  const verdict = goal === undefined ? "" : median <= goal ? `  goal <= ${goal} s: met` : `  goal <= ${goal} s: MISSED`;
  return `  ${name.padEnd(28)} median ${median.toFixed(2)} s, worst ${worst.toFixed(2)} s${verdict}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "abs-bench-cli-"));
  const chain = await startChain({ host: "127.0.0.1", port: 20_000 + Math.floor(Math.random() * 20_000), cwd: ROOT });
  try {
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
    const { deployment } = await deployLocalConsortium(provider, {
      bookFile: path.join(dir, "addresses.json"),
      withSampleDeal: true,
    });
    provider.destroy();
    const pool = deployment.sampleDeal?.pool;
    if (!pool) throw new Error("no sample deal");
    console.log(
      `abs as a fresh process, ${ROUNDS} runs each (load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")})`,
    );
    console.log(line("node -e 0 (floor)", timeOf(["-e", "0"])));
    console.log(line("abs --help", timeOf([BIN, "--help"]), 0.5));
    console.log(
      line("abs pool show (sample pool)", timeOf([BIN, "pool", "show", pool, "--rpc-url", chain.rpcUrl]), 1.5),
    );
    console.log(
      `(load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")})`,
    );
  } finally {
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
