/**
 * The indexer as its own process (packages/indexer/dist/main.js, as an operator runs it, with the young generation
 * its `npm start` gives it), for the fault drills (killed with SIGKILL, restarted on the same LevelDB and port) and
 * the indexer bench (its own peak RSS and CPU): its checkpoint read from /health.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { INDEXER_NODE_FLAGS } from "@abs/indexer";
import { signalAndWait, stopChild } from "./child-exit";

const ROOT = path.resolve(__dirname, "..", "..");
const INDEXER_MAIN = path.join(ROOT, "packages", "indexer", "dist", "main.js");

export interface IndexerProcessOptions {
  readonly rpcUrl: string;
  readonly addressBook: string;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  /** Receives the indexer's log lines (pino JSON). */
  readonly onOutput: (line: string) => void;
  /** ABS_INDEXER_LOG_LEVEL (default "info"). */
  readonly logLevel?: string;
  /** Node's flags for the process (default the young generation `npm start -w @abs/indexer` gives it). */
  readonly nodeFlags?: readonly string[];
}

/** The flags `npm start -w @abs/indexer` runs the indexer with (packages/indexer/src/node-flags.ts). */
export { INDEXER_NODE_FLAGS };

export interface IndexerProcess {
  readonly url: string;
  /** The running process's id (it changes at a restart). */
  readonly pid: number | undefined;
  /** The indexer's checkpoint block (null before its first range), or undefined while it does not answer. */
  checkpoint(): Promise<number | null | undefined>;
  /** Wait until the checkpoint reaches `block`. */
  waitFor(block: number, timeoutMs: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Start again on the same LevelDB and port and wait until it answers /health. */
  restart(): Promise<void>;
  /** SIGTERM (LevelDB closed), SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** The indexer's ABS_INDEXER_* configuration (also what a fresh in-process re-index is configured with). */
export function indexerEnv(options: IndexerProcessOptions): Record<string, string> {
  return {
    ABS_INDEXER_RPC_URL: options.rpcUrl,
    ABS_INDEXER_ADDRESS_BOOK: options.addressBook,
    ABS_INDEXER_DATA_DIR: options.dataDir,
    ABS_INDEXER_LISTEN: `${options.host}:${options.port}`,
    ABS_INDEXER_ARTIFACTS: path.join(ROOT, "artifacts"),
    ABS_INDEXER_POLL_MS: "250",
    ABS_INDEXER_LOG_LEVEL: options.logLevel ?? "info",
  };
}

export async function startIndexerProcess(options: IndexerProcessOptions): Promise<IndexerProcess> {
  const url = `http://${options.host}:${options.port}`;
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ABS_INDEXER_"))),
    ...indexerEnv(options),
  };
  let child: ChildProcess = launch();

  function launch(): ChildProcess {
    const started = spawn(process.execPath, [...(options.nodeFlags ?? INDEXER_NODE_FLAGS), INDEXER_MAIN], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") options.onOutput(line);
    };
    started.stdout?.on("data", forward);
    started.stderr?.on("data", forward);
    return started;
  }
  async function checkpoint(): Promise<number | null | undefined> {
    try {
      const res = await fetch(`${url}/health`);
      return ((await res.json()) as { block: number | null }).block;
    } catch {
      return undefined;
    }
  }
  async function waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await checkpoint()) === undefined) {
      if (child.exitCode !== null) throw new Error(`the indexer exited with code ${child.exitCode} while starting`);
      if (Date.now() > deadline) throw new Error(`the indexer did not answer ${url}/health`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await waitHealthy();
  return {
    url,
    get pid() {
      return child.pid;
    },
    checkpoint,
    async waitFor(block, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const at = await checkpoint();
        if (typeof at === "number" && at >= block) return;
        if (Date.now() > deadline) throw new Error(`the indexer is at block ${String(at)}, not ${block}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    kill: (signal = "SIGKILL") => signalAndWait(child, signal),
    async restart() {
      await stopChild(child, 5_000);
      child = launch();
      await waitHealthy();
    },
    stop: () => stopChild(child, 5_000),
  };
}
