/**
 * The member nodes of the local consortium, one real process per member (packages/node/src/main.ts), for
 * `npm start` and the end-to-end tests. Each node gets its member's key source from the network config,
 * its own LevelDB under `<dataDir>/<member>`, and a port from `basePort` up. The originator's node also gets
 * the operator token (shared by every node's operator API, written to `<dataDir>/operator-token`, mode 0600)
 * and each originator its tape master key (`<dataDir>/<name>-tape.key`, created once, kept across restarts); the
 * regulator's node the pledge key (`<dataDir>/pledge.key`) when a pledge registry is given; the servicer's node its
 * state key (`<dataDir>/servicer-state.key`: the salts of the loan states it commits in period reports).
 *
 * `seedTapes` are stored in a member's LevelDB BEFORE its node starts (LevelDB is locked to one process), as
 * the node's own tape store writes them (`LevelTapeStore.importTape`), and only if they give the root
 * anchored for them: `npm start` seeds the originator's node with the sample deal's tape, which was committed
 * at deployment with the sample's public demonstration salt key, not with the node's tape master key. The node
 * then serves it like any uploaded tape (the salts are stored per loan): the trustee's and regulator's nodes
 * and indexers fetch it over signed requests and verify it against the chain.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { Level } from "level";
import { z } from "zod";
import { type LoanRecord } from "@abs/core";
import { LevelTapeStore } from "@abs/node";
import { type NetworkConfig } from "../../deploy/config";
import { signalAndWait, stopChild } from "./child-exit";

const ROOT = path.resolve(__dirname, "..", "..");
/** The member node as built JavaScript (`npm run build`): no TypeScript compiled at its start. */
const NODE_MAIN = path.join(ROOT, "packages", "node", "dist", "main.js");

export interface MemberNodesOptions {
  readonly config: NetworkConfig;
  readonly rpcUrl: string;
  readonly registry: string;
  /** Member names to run, e.g. ["originator", "trustee", "regulator", "investor-1"]. */
  readonly members: readonly string[];
  readonly host: string;
  readonly basePort: number;
  readonly dataDir: string;
  /** pino level of the nodes (their JSON logs go to `onOutput`). Default "warn". */
  readonly logLevel?: string;
  /** Receives each node's output lines, prefixed with its name. Default: discarded. */
  readonly onOutput?: (line: string) => void;
  /** More ABS_NODE_* variables for every node (e.g. ABS_NODE_MAX_UPLOAD_ERRORS). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Node.js flags for every node process (e.g. ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"]; not allowed in NODE_OPTIONS). */
  readonly nodeFlags?: readonly string[];
  /** How long a node may take to answer /v1/health. Default 60 s. */
  readonly readyTimeoutMs?: number;
  /** Tapes to store in a member's node before it starts (see the file comment). */
  readonly seedTapes?: readonly SeedTape[];
  /** Member name → key file (scripts/lib/member-keys.ts): the node reads its key there instead of from its signer source. */
  readonly keyFiles?: ReadonlyMap<string, string>;
  /** The DvP settlement contract: the EXCHANGE member's node submits matched trades to it. */
  readonly dvp?: string;
  /**
   * The pledge registry: the REGULATOR member's node is the pledge key service (its key in `<dataDir>/pledge.key`,
   * published at its start) and every ORIGINATOR node registers pledges through it.
   */
  readonly pledgeRegistry?: string;
  /**
   * The chain was just started empty (`npm start` always starts its own): every node's LevelDB from an earlier run
   * describes another chain (tapes, period reports, journalled transactions) and is removed first; the keys and
   * the operator token are kept.
   */
  readonly freshChain?: boolean;
}

/** A committed tape to store in a member's node: refused (nothing stored) unless it gives `expectedRoot`. */
export interface SeedTape {
  /** The member name whose node stores it, e.g. "originator". */
  readonly member: string;
  readonly pool: string;
  readonly version: number;
  readonly records: Iterable<LoanRecord>;
  /** The salt key the tape was committed with. */
  readonly saltKey: Uint8Array;
  /** The root anchored on chain for it. */
  readonly expectedRoot: string;
}

export interface RunningMemberNode {
  readonly name: string;
  readonly memberId: string;
  readonly role: string;
  readonly url: string;
  readonly pid: number | undefined;
}

export interface MemberNodes {
  readonly nodes: readonly RunningMemberNode[];
  /** The operator API token file (for `abs tape upload --token-file`). */
  readonly operatorTokenFile: string;
  /** SIGTERM every node (graceful: LevelDB closed), SIGKILL after `graceMs`; resolves when all exited. */
  stop(graceMs?: number): Promise<void>;
  /** Send one node `signal` (default SIGKILL: a crash, nothing flushed) and wait for it to exit. */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /**
   * Start one node again (stopping it first if it still runs) with the same configuration, LevelDB and port, and wait
   * until it answers /v1/health: how an operator's supervisor brings a crashed node back.
   */
  restart(name: string): Promise<RunningMemberNode>;
}

/** Whether `port` can be listened on at `host` now. */
function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A first port of `count` consecutive ports free at `host` now, for tests and benches that start nodes on their own
 * ports: a random pick in the ephemeral range can collide with a connection's local port on a busy machine (a
 * node then exits with EADDRINUSE). Starts from a port the OS hands out and checks the ones after it.
 */
export async function freeBasePort(count: number, host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, host, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
      });
    });
    if (first === 0 || first + count > 65_535) continue;
    let free = true;
    for (let p = first; p < first + count && free; p++) free = await canListen(host, p);
    if (free) return first;
  }
  throw new MemberNodeStartError(`no ${count} consecutive free ports found on ${host}`);
}

export class MemberNodeStartError extends Error {
  override readonly name = "MemberNodeStartError";
}

export async function startMemberNodes(options: MemberNodesOptions): Promise<MemberNodes> {
  mkdirSync(options.dataDir, { recursive: true });
  /** `<dataDir>/<name>`, holding `bytes` random bytes as hex (mode 0600): created once, kept across restarts. */
  const secretFile = (name: string, bytes: number) => {
    const file = path.join(options.dataDir, name);
    if (!existsSync(file)) writeFileSync(file, randomBytes(bytes).toString("hex"), { mode: 0o600 });
    return file;
  };
  const operatorTokenFile = secretFile("operator-token", 24);
  // Each originator its own master key: borrower pseudonyms and salts are an originator's own.
  const tapeKeyFileOf = (name: string) => secretFile(`${name}-tape.key`, 32);
  const stateKeyFile = secretFile("servicer-state.key", 32);

  if (options.freshChain === true) {
    for (const name of options.members) rmSync(path.join(options.dataDir, name), { recursive: true, force: true });
  }
  for (const seed of options.seedTapes ?? []) {
    if (options.members.includes(seed.member)) await storeTape(path.join(options.dataDir, seed.member), seed);
  }

  const children = new Map<string, { child: ChildProcess; node: RunningMemberNode; env: Record<string, string> }>();
  const stop = async (graceMs = 5_000) => {
    await Promise.all([...children.values()].map(({ child }) => stopChild(child, graceMs)));
  };
  const spawnNode = (name: string, node: RunningMemberNode, env: Record<string, string>): ChildProcess => {
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), NODE_MAIN], {
      cwd: ROOT,
      env: { ...withoutNodeVariables(process.env), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n"))
        if (line.trim() !== "") options.onOutput?.(`[${name}] ${line}`);
    };
    child.stdout?.on("data", forward);
    child.stderr?.on("data", forward);
    children.set(name, { child, node: { ...node, pid: child.pid }, env });
    return child;
  };
  const running = (name: string) => {
    const entry = children.get(name);
    if (!entry) throw new MemberNodeStartError(`no member node named "${name}" runs here`);
    return entry;
  };
  const regulatorIndex = options.members.findIndex(
    (name) => options.config.members.find((m) => m.name === name)?.roles[0] === "REGULATOR",
  );
  const regulator = options.config.members.find((m) => m.name === options.members[regulatorIndex]);
  const pledgeEnv = (role: string): Record<string, string> => {
    if (options.pledgeRegistry === undefined) return {};
    if (role === "REGULATOR")
      // 32 random bytes are a valid secp256k1 scalar except with probability ~2^-128.
      return {
        ABS_NODE_PLEDGE_REGISTRY: options.pledgeRegistry,
        ABS_NODE_PLEDGE_KEY_FILE: secretFile("pledge.key", 32),
      };
    if (role !== "ORIGINATOR") return {};
    return {
      ABS_NODE_PLEDGE_REGISTRY: options.pledgeRegistry,
      ...(regulator === undefined
        ? {}
        : {
            ABS_NODE_PLEDGE_SERVICE_URL: `http://${options.host}:${options.basePort + regulatorIndex}`,
            ABS_NODE_PLEDGE_SERVICE_MEMBER: regulator.memberId,
          }),
    };
  };
  try {
    options.members.forEach((name, i) => {
      const member = options.config.members.find((m) => m.name === name);
      if (!member) throw new MemberNodeStartError(`no member named "${name}" in the ${options.config.network} config`);
      const role = member.roles[0] ?? "INVESTOR";
      const port = options.basePort + i;
      const env: Record<string, string> = {
        ABS_NODE_ROLE: role,
        ABS_NODE_MEMBER_ID: member.memberId,
        ABS_NODE_LISTEN: `${options.host}:${port}`,
        ABS_NODE_RPC_URL: options.rpcUrl,
        ABS_NODE_REGISTRY: options.registry,
        ABS_NODE_DATA_DIR: path.join(options.dataDir, name),
        ABS_NODE_LOG_LEVEL: options.logLevel ?? "warn",
        ABS_NODE_OPERATOR_TOKEN_FILE: operatorTokenFile,
        ...keySourceEnv(member, options.keyFiles?.get(name)),
        ...(role === "ORIGINATOR" ? { ABS_NODE_TAPE_KEY_FILE: tapeKeyFileOf(name) } : {}),
        ...pledgeEnv(role),
        ...(role === "SERVICER" ? { ABS_NODE_TAPE_KEY_FILE: stateKeyFile } : {}),
        ...(role === "EXCHANGE" && options.dvp !== undefined ? { ABS_NODE_DVP: options.dvp } : {}),
        ...options.extraEnv,
      };
      const url = `http://${options.host}:${port}`;
      spawnNode(name, { name, memberId: member.memberId, role, url, pid: undefined }, env);
    });
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    await Promise.all([...children.values()].map(({ child, node }) => waitHealthy(child, node, readyTimeoutMs)));
  } catch (error) {
    await stop(1_000);
    throw error;
  }
  return {
    get nodes() {
      return [...children.values()].map((c) => c.node);
    },
    operatorTokenFile,
    stop,
    kill: (name, signal = "SIGKILL") => signalAndWait(running(name).child, signal),
    async restart(name) {
      const { child, node, env } = running(name);
      await stopChild(child, 5_000);
      const restarted = spawnNode(name, node, env);
      await waitHealthy(restarted, node, options.readyTimeoutMs ?? 60_000);
      return running(name).node;
    },
  };
}

function keySourceEnv(member: NetworkConfig["members"][number], keyFile: string | undefined): Record<string, string> {
  if (keyFile !== undefined) return { ABS_NODE_KEY_FILE: keyFile };
  return "hardhatAccount" in member.signer
    ? { ABS_NODE_HARDHAT_ACCOUNT: String(member.signer.hardhatAccount) }
    : { ABS_NODE_KEY_ENV: member.signer.privateKeyEnv };
}

/** Store `seed` in the node's LevelDB at `dataDir` (re-storing replaces it; a wrong root stores nothing). */
async function storeTape(dataDir: string, seed: SeedTape): Promise<void> {
  const db = new Level<string, string>(dataDir);
  await db.open();
  try {
    await new LevelTapeStore(db).importTape(seed.pool, seed.version, seed.records, {
      saltKey: seed.saltKey,
      expectedRoot: seed.expectedRoot,
    });
  } finally {
    await db.close();
  }
}

/** The parent's own ABS_NODE_* variables must not leak into a node's configuration. */
function withoutNodeVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("ABS_NODE_")));
}

async function waitHealthy(child: ChildProcess, node: RunningMemberNode, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new MemberNodeStartError(`member node ${node.name} exited with code ${child.exitCode} while starting`);
    }
    try {
      const res = await fetch(`${node.url}/v1/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new MemberNodeStartError(`member node ${node.name} did not answer ${node.url}/v1/health`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `npm start`'s member nodes, configured from the environment (ABS_NODES, ABS_NODES_BASE_PORT, ABS_NODES_DIR). */
export const memberNodesEnv = z.object({
  ABS_NODES: z
    .string()
    .default(
      "originator,originator-2,servicer,trustee,custodian,guarantor,investor-1,investor-2,investor-3,regulator,exchange",
    )
    .transform((s) =>
      s
        .split(",")
        .map((n) => n.trim())
        .filter((n) => n.length > 0),
    ),
  ABS_NODES_BASE_PORT: z.coerce.number().int().min(1024).max(65_000).default(8701),
  ABS_NODES_DIR: z
    .string()
    .min(1)
    .default(path.join(ROOT, ".data", "nodes")),
  ABS_NODES_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("warn"),
});

export function startLocalMemberNodes(options: {
  readonly config: NetworkConfig;
  readonly rpcUrl: string;
  readonly registry: string;
  readonly host: string;
  readonly seedTapes?: readonly SeedTape[];
  readonly keyFiles?: ReadonlyMap<string, string>;
  readonly dvp?: string;
  readonly pledgeRegistry?: string;
}): Promise<MemberNodes> {
  const env = memberNodesEnv.parse(process.env);
  return startMemberNodes({
    ...options,
    members: env.ABS_NODES,
    basePort: env.ABS_NODES_BASE_PORT,
    dataDir: env.ABS_NODES_DIR,
    logLevel: env.ABS_NODES_LOG_LEVEL,
    onOutput: (line) => console.log(`  ${line}`),
    freshChain: true,
  });
}
