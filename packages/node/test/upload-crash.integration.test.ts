/**
 * Crash safety of tape uploads: the originator node runs as a real child process (src/main.ts), is killed
 * with SIGKILL in the middle of a large upload, and restarted on the same LevelDB. Nothing may be anchored
 * twice and no loan of an unfinished upload may remain; a re-upload then completes with exactly one anchor.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createReadStream, createWriteStream, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { request } from "node:http";
import path from "node:path";
import { expect } from "chai";
import { Contract } from "ethers";
import { Level } from "level";
import { generateLoans, hardhatDevWallet, writeTapeCsv } from "@abs/core";
import { ASSET_POOL_ABI } from "../src/chain/abi";
import { LevelTapeStore } from "../src/tape-store";
import { startConsortiumChain, type ConsortiumChain } from "./consortium-chain";

const TOKEN = "operator-token-for-crash-tests-0123";
const LOANS = 20_000;
const NODE_MAIN = path.resolve(__dirname, "..", "src", "main.ts");

interface NodeChild {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: string[];
}

async function spawnNode(env: Record<string, string>, port: number): Promise<NodeChild> {
  const output: string[] = [];
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", NODE_MAIN], {
    env: { ...process.env, ...env, ABS_NODE_LISTEN: `127.0.0.1:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node exited ${child.exitCode}: ${output.join("")}`);
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return { child, url, output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`node did not start: ${output.join("")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopNode(node: NodeChild, signal: NodeJS.Signals): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = once(node.child, "exit");
  node.child.kill(signal);
  await exited;
}

/** Stream `file` to the node; `onSent(bytes)` after each chunk. Resolves with the status (or the error). */
function uploadFile(
  url: string,
  pool: string,
  file: string,
  onSent: (bytes: number) => void = () => undefined,
): Promise<{ status: number; body: string } | { error: Error }> {
  return new Promise((resolve) => {
    const req = request(`${url}/v1/pools/${pool}/tapes?cutoffDate=2026-06-30`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/csv" },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on("error", (error) => resolve({ error }));
    });
    req.on("error", (error) => resolve({ error }));
    let sent = 0;
    const input = createReadStream(file, { highWaterMark: 64 * 1024 });
    input.on("data", (chunk) => {
      sent += chunk.length;
      onSent(sent);
    });
    input.pipe(req);
  });
}

describe("SIGKILL during a large tape upload (node as a child process)", function () {
  this.timeout(240_000);
  let consortium: ConsortiumChain;
  let env: Record<string, string>;
  let tapeFile: string;
  let dbDir: string;
  const port = 41_000 + Math.floor(Math.random() * 10_000);

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: false });
    const dir = consortium.dataDir;
    writeFileSync(path.join(dir, "token"), TOKEN);
    writeFileSync(path.join(dir, "tape.key"), "cd".repeat(32));
    tapeFile = path.join(dir, "big.csv");
    const out = createWriteStream(tapeFile);
    await writeTapeCsv(generateLoans(LOANS, 11, { asOfDate: "2026-06-30" }), out, { personalData: true });
    out.end();
    await once(out, "finish");
    dbDir = path.join(dir, "db");
    env = {
      ABS_NODE_ROLE: "ORIGINATOR",
      ABS_NODE_MEMBER_ID: "ORIG-HUAXIA-CF",
      ABS_NODE_RPC_URL: consortium.chain.rpcUrl,
      ABS_NODE_REGISTRY: consortium.deployment.registry,
      ABS_NODE_DATA_DIR: dbDir,
      ABS_NODE_HARDHAT_ACCOUNT: "1",
      ABS_NODE_OPERATOR_TOKEN_FILE: path.join(dir, "token"),
      ABS_NODE_TAPE_KEY_FILE: path.join(dir, "tape.key"),
      ABS_NODE_LOG_LEVEL: "warn",
    };
  });

  after(async () => {
    await consortium.stop();
  });

  const tapeCount = (pool: string) =>
    new Contract(pool, ASSET_POOL_ABI, consortium.provider).getFunction("tapeCount").staticCall() as Promise<bigint>;

  async function inspect(pool: string) {
    const db = new Level<string, string>(dbDir);
    await db.open();
    try {
      const store = new LevelTapeStore(db);
      return {
        v1: await store.countRows(pool, 1),
        v2: await store.countRows(pool, 2),
        served: await store.has(pool, 1),
        uploads: await store.listUploads(),
      };
    } finally {
      await db.close();
    }
  }

  it("killed while receiving: restart rolls back, nothing anchored, re-upload anchors once", async () => {
    const pool = await consortium.createPool("CRASH-RECV");
    const size = statSync(tapeFile).size;
    let node = await spawnNode(env, port);
    let killed = false;
    const cut = await uploadFile(node.url, pool, tapeFile, (sent) => {
      if (!killed && sent > size / 2) {
        killed = true;
        node.child.kill("SIGKILL");
      }
    });
    expect(cut).to.have.property("error");
    await once(node.child, "exit").catch(() => undefined);
    expect(await tapeCount(pool)).to.equal(0n);

    node = await spawnNode(env, port); // recovery runs before it listens
    await stopNode(node, "SIGTERM");
    expect(await inspect(pool)).to.deep.equal({
      v1: { loans: 0, leaves: 0 },
      v2: { loans: 0, leaves: 0 },
      served: false,
      uploads: [],
    });

    node = await spawnNode(env, port);
    const done = await uploadFile(node.url, pool, tapeFile);
    await stopNode(node, "SIGTERM");
    expect(done).to.have.property("status", 201);
    expect(await tapeCount(pool)).to.equal(1n);
    expect(await inspect(pool)).to.deep.equal({
      v1: { loans: LOANS, leaves: LOANS },
      v2: { loans: 0, leaves: 0 },
      served: true,
      uploads: [],
    });
  });

  it("killed as the anchor lands: restart commits it, a re-upload sends nothing", async () => {
    const pool = await consortium.createPool("CRASH-ANCHOR");
    let node = await spawnNode(env, port);
    const originator = hardhatDevWallet(1).address;
    const noncesBefore = await consortium.provider.send("eth_getTransactionCount", [originator, "latest"]);
    const uploading = uploadFile(node.url, pool, tapeFile);
    // Kill the moment the chain has the anchor: the node may not have committed it yet.
    for (;;) {
      if ((await tapeCount(pool)) > 0n) break;
      if (node.child.exitCode !== null) throw new Error(node.output.join(""));
      await new Promise((r) => setTimeout(r, 20));
    }
    node.child.kill("SIGKILL");
    await uploading;
    await once(node.child, "exit").catch(() => undefined);

    node = await spawnNode(env, port);
    const again = await uploadFile(node.url, pool, tapeFile);
    await stopNode(node, "SIGTERM");
    expect(again).to.have.property("status", 200);
    expect(JSON.parse((again as { body: string }).body)).to.include({ status: "already-anchored", version: 1 });
    expect(await tapeCount(pool)).to.equal(1n);
    const noncesAfter = await consortium.provider.send("eth_getTransactionCount", [originator, "latest"]);
    expect(Number(noncesAfter) - Number(noncesBefore)).to.equal(1);
    expect(await inspect(pool)).to.deep.equal({
      v1: { loans: LOANS, leaves: LOANS },
      v2: { loans: 0, leaves: 0 },
      served: true,
      uploads: [],
    });
  });
});
