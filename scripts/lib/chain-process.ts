import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import path from "node:path";
import { stopChild } from "./child-exit";

/**
 * A running embedded chain as a child process: Hardhat's JSON-RPC node (automine: a block per transaction), or
 * Anvil, Foundry's node, as a second client with interval mining (a block every second, no automine), so nothing
 * can depend on instant receipts or on Hardhat-only methods.
 */
export interface ChainProcess {
  readonly rpcUrl: string;
  readonly pid: number | undefined;
  /** Resolves when the node has exited (for any reason). */
  readonly exited: Promise<number | null>;
  /** Stop the node (SIGTERM, then SIGKILL after `graceMs`) and wait for it to exit. */
  stop(graceMs?: number): Promise<void>;
}

/** Which node: Hardhat's (the default) or Anvil. */
export type ChainClient = "hardhat" | "anvil";
export const CHAIN_CLIENTS: readonly ChainClient[] = ["hardhat", "anvil"];

/** Anvil's default block time with interval mining, seconds. */
export const ANVIL_BLOCK_SECONDS = 1;

export interface StartChainOptions {
  /** Default "hardhat". */
  client?: ChainClient;
  /** Anvil only: seconds between blocks (interval mining; fractions allowed), default `ANVIL_BLOCK_SECONDS`. */
  blockSeconds?: number;
  /**
   * Anvil only: the chain's state file (`anvil --state`). The node starts from it if it exists and writes its whole
   * state there when it stops (SIGTERM), blocks and their hashes included, so a restarted node continues the same
   * chain. A node killed with SIGKILL writes nothing: the blocks since the last start are lost.
   */
  stateFile?: string;
  host: string;
  port: number;
  /** Repository root (where hardhat.config.ts lives). */
  cwd: string;
  /** How long to wait for the node to answer JSON-RPC. */
  readyTimeoutMs?: number;
  /** Receives the node's own output lines (omit to discard them). */
  onOutput?: (line: string) => void;
}

export class ChainStartError extends Error {
  override readonly name = "ChainStartError";
}

/** True if something already accepts TCP connections on host:port. */
export function isPortInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Send one JSON-RPC request with plain fetch; throws on transport or RPC error. */
export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/**
 * Start `hardhat node` on host:port and wait until it answers `eth_chainId`.
 * Fails fast if the port is taken (another chain is running) rather than deploying onto it.
 */
export async function startChain(options: StartChainOptions): Promise<ChainProcess> {
  const { host, port, cwd } = options;
  if (await isPortInUse(host, port)) {
    throw new ChainStartError(
      `cannot start the embedded chain: ${host}:${port} is already in use (expected a free port; ` +
        `stop the other process or set ABS_CHAIN_PORT)`,
    );
  }
  const client = options.client ?? "hardhat";
  if (options.stateFile !== undefined && client !== "anvil") {
    throw new ChainStartError(`a state file needs Anvil (found client ${client}): Hardhat's node keeps no state`);
  }
  const [bin, args] = chainCommand(client, host, port, cwd, options.blockSeconds);
  if (options.stateFile !== undefined) args.push("--state", options.stateFile);
  const child: ChildProcess = spawn(bin, args, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const forward = (chunk: Buffer) => {
    if (!options.onOutput) return;
    for (const line of chunk.toString("utf8").split(/\r?\n/)) if (line.trim()) options.onOutput(line);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const rpcUrl = `http://${host}:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let lastError: unknown;
  let alive = true;
  void exited.then(() => (alive = false));
  while (Date.now() < deadline && alive) {
    try {
      await rpc<string>(rpcUrl, "eth_chainId");
      return makeHandle(rpcUrl, child, exited);
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  child.kill("SIGKILL");
  throw new ChainStartError(
    alive
      ? `the embedded chain did not answer on ${rpcUrl} within the timeout (last error: ${String(lastError)})`
      : `the embedded chain exited before it was ready (exit code ${String(await exited)})`,
  );
}

/**
 * The command of `client` on host:port. Anvil runs with Hardhat's development accounts (the same mnemonic, 20
 * accounts, chain id 31337), the contracts' hardfork (Cancun, solc's evmVersion) and interval mining.
 */
export function chainCommand(
  client: ChainClient,
  host: string,
  port: number,
  cwd: string,
  blockSeconds = ANVIL_BLOCK_SECONDS,
): [string, string[]] {
  if (client === "hardhat") {
    return [path.join(cwd, "node_modules", ".bin", "hardhat"), ["node", "--hostname", host, "--port", String(port)]];
  }
  return [
    path.join(cwd, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil"),
    [
      "--host",
      host,
      "--port",
      String(port),
      "--chain-id",
      "31337",
      "--accounts",
      "20",
      "--mnemonic",
      "test test test test test test test test test test test junk",
      "--hardfork",
      "cancun",
      "--block-time",
      String(blockSeconds),
      "--silent",
    ],
  ];
}

function makeHandle(rpcUrl: string, child: ChildProcess, exited: Promise<number | null>): ChainProcess {
  return {
    rpcUrl,
    pid: child.pid,
    exited,
    stop: (graceMs = 5_000) => stopChild(child, graceMs),
  };
}
