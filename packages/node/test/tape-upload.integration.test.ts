/**
 * Integration: tape upload through the originator node on a real Hardhat chain (a fresh Draft pool per
 * test group): validate → commit → store → anchor, idempotent re-upload, the bad-tape corpus storing and
 * anchoring nothing, reverts decoded, and the stored tape served to an entitled peer with a proof that
 * verifies against the root anchored on chain.
 */
import { createWriteStream, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { expect } from "chai";
import { Contract, keccak256, type JsonRpcProvider } from "ethers";
import iconv from "iconv-lite";
import pino from "pino";
import { generateLoans, hardhatDevWallet, writeTapeCsv } from "@abs/core";
import { ASSET_POOL_ABI } from "../src/chain/abi";
import { startNode, type RunningNode } from "../src/node";
import { AssetPoolRootReader, fetchVerifiedLoan } from "../src/peer-client";
import { ORIGINATOR_ID, startConsortiumChain, type ConsortiumChain } from "./consortium-chain";
import { FlakyProxy } from "./flaky-proxy";
import { errorCode } from "./helpers";

const TOKEN = "operator-token-for-tests-0123456789";
const MASTER_KEY = "ab".repeat(32);
const originator = hardhatDevWallet(1);

async function writeTape(file: string, loans: number, seed: number): Promise<void> {
  const out = createWriteStream(file);
  await writeTapeCsv(generateLoans(loans, seed, { asOfDate: "2026-06-30" }), out, { personalData: true });
  out.end();
  await once(out, "finish");
}

interface UploadAnswer {
  status: number;
  body: Record<string, unknown>;
}

async function upload(
  node: RunningNode,
  pool: string,
  body: Buffer,
  query = "cutoffDate=2026-06-30",
): Promise<UploadAnswer> {
  const res = await fetch(`${node.url}/v1/pools/${pool}/tapes?${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/csv" },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("tape upload through the originator node (real chain)", function () {
  this.timeout(120_000);
  let consortium: ConsortiumChain;
  let provider: JsonRpcProvider;
  let node: RunningNode;
  let tapeFile: string;

  const tapeCount = (pool: string) =>
    new Contract(pool, ASSET_POOL_ABI, provider).getFunction("tapeCount").staticCall() as Promise<bigint>;

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: false });
    provider = consortium.provider;
    writeFileSync(path.join(consortium.dataDir, "token"), TOKEN);
    writeFileSync(path.join(consortium.dataDir, "tape.key"), MASTER_KEY);
    tapeFile = path.join(consortium.dataDir, "tape.csv");
    await writeTape(tapeFile, 500, 7);
    node = await startNode(
      consortium.originatorConfig({
        ABS_NODE_OPERATOR_TOKEN_FILE: path.join(consortium.dataDir, "token"),
        ABS_NODE_TAPE_KEY_FILE: path.join(consortium.dataDir, "tape.key"),
      }),
      { logger: pino({ level: "silent" }), env: {} },
    );
  });

  after(async () => {
    await node.stop();
    await consortium.stop();
  });

  it("anchors a valid tape once, stores it, and a re-upload returns the same version without a transaction", async () => {
    const pool = await consortium.createPool("UPLOAD-1");
    const body = await readFile(tapeFile);
    const first = await upload(node, pool, body);
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body).to.include({ status: "anchored", version: 1, loanCount: 500 });
    expect(await tapeCount(pool)).to.equal(1n);
    const onChain = (await new Contract(pool, ASSET_POOL_ABI, provider).getFunction("tape").staticCall(1)) as {
      anchor: { merkleRoot: string; contentHash: string; loanCount: bigint };
    };
    expect(onChain.anchor.merkleRoot).to.equal(first.body.root);
    expect(onChain.anchor.loanCount).to.equal(500n);
    // The anchor's content hash is the keccak256 of the bytes uploaded, exactly.
    expect(onChain.anchor.contentHash).to.equal(keccak256(body));
    expect(await node.tapes.countRows(pool, 1)).to.deep.equal({ loans: 500, leaves: 500 });

    const nonceBefore = await provider.getTransactionCount(originator.address);
    const again = await upload(node, pool, body);
    expect(again.status).to.equal(200);
    expect(again.body).to.include({
      status: "already-anchored",
      version: 1,
      root: first.body.root,
      txHash: first.body.txHash,
    });
    expect(await provider.getTransactionCount(originator.address)).to.equal(nonceBefore);
    expect(await tapeCount(pool)).to.equal(1n);
    expect(await node.tapes.countRows(pool, 2)).to.deep.equal({ loans: 0, leaves: 0 });
  });

  it("serves an uploaded loan to the trustee, verified against the root anchored on chain", async () => {
    const pool = await consortium.createPool("UPLOAD-2");
    const first = await upload(node, pool, await readFile(tapeFile));
    expect(first.status).to.equal(201);
    const [loan] = generateLoans(1, 7, { asOfDate: "2026-06-30" });
    if (!loan) throw new Error("no loan");
    const verified = await fetchVerifiedLoan({
      signer: hardhatDevWallet(3),
      baseUrl: node.url,
      domain: { chainId: consortium.chainId, registry: consortium.deployment.registry },
      target: ORIGINATOR_ID,
      pool,
      version: 1,
      loanId: loan.loanId,
      chain: new AssetPoolRootReader(provider),
    });
    expect(verified.record.loanId).to.equal(loan.loanId);
    // Pseudonymised at ingestion: the borrower id is the keyed hash, never the national id.
    expect(verified.record.borrowerId).to.match(/^0x[0-9a-f]{64}$/);
  });

  describe("the bad-tape corpus: every error reported, nothing stored, nothing anchored", () => {
    let pool: string;
    let good: string[];
    before(async () => {
      pool = await consortium.createPool("UPLOAD-BAD");
      good = (await readFile(tapeFile, "utf8")).split("\n");
    });
    const header = () => good[0] ?? "";
    const rows = () => good.slice(1).filter((l) => l.length > 0);

    /** The tape with its region cells in Chinese; rows from `utf8From` on written in UTF-8, the rest in GBK. */
    const chineseTape = (utf8From: number): Buffer => {
      const region = header().split(",").indexOf("region");
      const lines = [header(), ...rows().slice(0, 20)].map((line, i) => {
        if (i === 0) return line;
        const cells = line.split(",");
        cells[region] = ["浙江", "江苏", "广东", "四川"][i % 4] ?? "浙江";
        return cells.join(",");
      });
      return Buffer.concat(
        lines.map((line, i) => (i >= utf8From ? Buffer.from(`${line}\n`, "utf8") : iconv.encode(`${line}\n`, "gbk"))),
      );
    };
    /** One JSON object per row, keyed by the header. */
    const jsonRows = (): Record<string, string>[] => {
      const names = header().split(",");
      return rows()
        .slice(0, 5)
        .map((row) => Object.fromEntries(row.split(",").map((cell, i) => [names[i] ?? `c${i}`, cell])));
    };
    /** Upload options per case: the encoding is detected unless a case declares it. */
    const detected = new Set([
      "UTF-8 rows in a GBK tape",
      "a JSON Lines row with a key twice",
      "a region with a right-to-left override",
    ]);

    const cases: [string, () => Buffer, string][] = [
      ["UTF-8 rows in a GBK tape", () => chineseTape(15), "TAPE_ENCODING_MIXED"],
      [
        "a JSON Lines row with a key twice",
        () =>
          Buffer.from(
            jsonRows()
              .map((o, i) => JSON.stringify(o).replace(/}$/, i === 2 ? ',"status":"current"}' : "}"))
              .join("\n") + "\n",
          ),
        "TAPE_FIELD_DUPLICATE",
      ],
      [
        "a region with a right-to-left override",
        () => {
          const region = header().split(",").indexOf("region");
          const lines = [header(), ...rows().slice(0, 5)].map((line, i) => {
            if (i !== 3) return line;
            const cells = line.split(",");
            cells[region] = `Zhe\u202ejiang`;
            return cells.join(",");
          });
          return Buffer.from(lines.join("\n") + "\n");
        },
        "TAPE_VALUE_INVALID",
      ],
      ["truncated mid-record", () => Buffer.from(good.join("\n").slice(0, -40)), "TAPE_TRUNCATED"],
      [
        "GBK bytes in a tape declared UTF-8",
        () => {
          const region = header().split(",").indexOf("region");
          const row = (rows()[2] ?? "").split(",");
          row[region] = "@@";
          const [before = "", after = ""] = [header(), ...rows().slice(0, 2), row.join(",")].join("\n").split("@@");
          return Buffer.concat([Buffer.from(before), Buffer.from([0xd5, 0xc5]), Buffer.from(`${after}\n`)]);
        },
        "TAPE_ENCODING_INVALID",
      ],
      [
        "missing column",
        () =>
          Buffer.from(
            good
              .map((l) =>
                l
                  .split(",")
                  .filter((_, i) => i !== 4)
                  .join(","),
              )
              .join("\n"),
          ),
        "TAPE_COLUMN_MISSING",
      ],
      [
        "extra column",
        () => Buffer.from(good.map((l, i) => (l === "" ? l : `${l},${i === 0 ? "extra" : "x"}`)).join("\n")),
        "TAPE_COLUMN_UNKNOWN",
      ],
      [
        "duplicate loan ids",
        () => Buffer.from([header(), ...rows(), rows()[3] ?? ""].join("\n") + "\n"),
        "TAPE_DUPLICATE_LOAN_ID",
      ],
      [
        "a negative amount",
        () =>
          Buffer.from(
            [header(), ...rows().map((r, i) => (i === 9 ? r.replace(/,(\d+\.\d{2}),/, ",-$1,") : r))].join("\n") + "\n",
          ),
        "TAPE_VALUE_INVALID",
      ],
      ["an empty file", () => Buffer.alloc(0), "TAPE_EMPTY"],
    ];
    for (const [name, make, code] of cases) {
      it(name, async () => {
        const query = detected.has(name) ? "cutoffDate=2026-06-30" : "cutoffDate=2026-06-30&encoding=utf8";
        const answer = await upload(node, pool, make(), query);
        expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).to.equal(422);
        expect(errorCode(answer.body)).to.equal("TAPE_INVALID");
        const errors = answer.body.errors as { code: string; row: number }[];
        expect(errors.length).to.be.greaterThan(0);
        expect(errors.map((e) => e.code)).to.include(code);
        expect(await tapeCount(pool)).to.equal(0n);
        expect(await node.tapes.countRows(pool, 1)).to.deep.equal({ loans: 0, leaves: 0 });
        expect(await node.tapes.listUploads()).to.deep.equal([]);
      });
    }
  });

  it("names an unterminated quote at its own row, as the CLI does (row 6 here, not row 1)", async () => {
    const pool = await consortium.createPool("UPLOAD-QUOTE");
    const lines = (await readFile(tapeFile, "utf8")).split("\n").slice(0, 9);
    lines[5] = (lines[5] ?? "").replace(/,([^,]*)$/, ',"$1');
    const answer = await upload(
      node,
      pool,
      Buffer.from(lines.join("\n") + "\n"),
      "cutoffDate=2026-06-30&encoding=utf8",
    );
    expect(answer.status).to.equal(422);
    const errors = answer.body.errors as { code: string; row: number }[];
    expect(errors.map((e) => [e.code, e.row])).to.deep.equal([["TAPE_TRUNCATED", 6]]);
    expect(await tapeCount(pool)).to.equal(0n);
  });

  it("stops at maxErrors on a large bad tape and still answers with the errors found", async () => {
    const pool = await consortium.createPool("UPLOAD-MAXERR");
    const lines = (await readFile(tapeFile, "utf8")).split("\n");
    const bad = [lines[0], ...lines.slice(1).map((l) => l.replace(/^L/, ""))].join("\n");
    const big = Buffer.from(bad + bad.slice(bad.indexOf("\n")).repeat(40)); // ~20,000 bad rows, several MB
    const answer = await upload(node, pool, big, "cutoffDate=2026-06-30&maxErrors=3");
    expect(answer.status).to.equal(422);
    expect((answer.body.errors as unknown[]).length).to.equal(3);
    expect(answer.body.summary).to.include({ stoppedEarly: true });
    expect(await node.tapes.countRows(pool, 1)).to.deep.equal({ loans: 0, leaves: 0 });
  });

  it("refuses a tape the contract refuses, with the decoded custom error, and keeps nothing", async () => {
    const pool = await consortium.createPool("UPLOAD-REVERT");
    const answer = await upload(node, pool, await readFile(tapeFile), "cutoffDate=2099-01-01");
    expect(answer.status).to.equal(409);
    expect(errorCode(answer.body)).to.equal("CHAIN_REVERTED");
    expect(JSON.stringify(answer.body)).to.match(/TapeCutoffInFuture\(cutoffDate=4070908800, blockTime=\d+\)/);
    expect(await node.tapes.countRows(pool, 1)).to.deep.equal({ loans: 0, leaves: 0 });
    expect(await node.tapes.listUploads()).to.deep.equal([]);
  });

  it("refuses an upload without the operator token, and one to a pool this node does not originate", async () => {
    const pool = await consortium.createPool("UPLOAD-AUTH");
    const res = await fetch(`${node.url}/v1/pools/${pool}/tapes?cutoffDate=2026-06-30`, { method: "POST", body: "x" });
    expect(res.status).to.equal(401);
    expect(errorCode(await res.json())).to.equal("OPERATOR_UNAUTHORIZED");
    const bad = await upload(node, pool, Buffer.from("x"), "cutoffDate=2026-13-01");
    expect(bad.status).to.equal(400);
    expect(errorCode(bad.body)).to.equal("UPLOAD_OPTIONS_INVALID");
  });

  it("an anchor whose broadcast was lost is resumed (same signed bytes) by the next upload: one anchor, one version", async () => {
    const proxy = new FlakyProxy(consortium.chain.rpcUrl);
    await proxy.start();
    const flaky = await startNode(
      consortium.originatorConfig({
        ABS_NODE_RPC_URL: proxy.url,
        ABS_NODE_DATA_DIR: path.join(consortium.dataDir, "db-flaky"),
        ABS_NODE_RPC_ATTEMPTS: "2",
        ABS_NODE_OPERATOR_TOKEN_FILE: path.join(consortium.dataDir, "token"),
        ABS_NODE_TAPE_KEY_FILE: path.join(consortium.dataDir, "tape.key"),
      }),
      { logger: pino({ level: "silent" }), env: {} },
    );
    try {
      const pool = await consortium.createPool("UPLOAD-LOST");
      const body = await readFile(tapeFile);
      proxy.dropSends = true;
      const lost = await upload(flaky, pool, body);
      expect(lost.status).to.equal(503);
      expect(errorCode(lost.body)).to.equal("CHAIN_UNAVAILABLE");
      expect(await tapeCount(pool)).to.equal(0n);
      expect(await flaky.tapes.listUploads()).to.have.length(1); // staged, its transaction journalled
      proxy.dropSends = false;
      const again = await upload(flaky, pool, body);
      expect(again.status, JSON.stringify(again.body)).to.equal(200);
      expect(again.body).to.include({ status: "already-anchored", version: 1 });
      expect(await tapeCount(pool)).to.equal(1n);
      expect(await flaky.tapes.listUploads()).to.deep.equal([]);
      expect(await flaky.tapes.countRows(pool, 1)).to.deep.equal({ loans: 500, leaves: 500 });
    } finally {
      await flaky.stop();
      await proxy.stop();
    }
  });
});
