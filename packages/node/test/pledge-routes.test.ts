import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { Level } from "level";
import { blindPledgeIdentities, finalizePledgeFingerprints, generatePledgeKey, pledgeIdentityDigest } from "@abs/core";
import { createApp, listen, type RunningServer } from "../src/app";
import { LevelNonceStore } from "../src/nonce-store";
import { LevelPledgeIndex } from "../src/pledge/pledge-index";
import { PLEDGE_EVALUATE_PATH, pledgeKeyRouter } from "../src/pledge/pledge-key-router";
import { loanPledgePath, pledgeLookupPath, pledgeLookupRouter } from "../src/pledge/pledge-lookup-router";
import { type PeerRequestHeaders, signRequest } from "../src/request-signing";
import { FakeDirectory, captureLogger, errorCode, getJson } from "./helpers";

const domain = { chainId: 31337n, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const SELF = "REGU-SECURITIES";
const key = (i: number) => new Wallet("0x" + (i + 100).toString(16).padStart(64, "0"));
const originator = key(1);
const trustee = key(2);
const investor = key(3);
const suspended = key(4);
const stranger = key(5);
const POOL = "0x00000000000000000000000000000000000000aA";
const FINGERPRINT = "0x" + "ab".repeat(32);

describe("pledge routes: the key service and the fingerprint lookup (fake directory, real LevelDB, HTTP)", () => {
  let dir: string;
  let db: Level<string, string>;
  let server: RunningServer;
  const pledgeKey = generatePledgeKey();
  const log = captureLogger();
  const directory = new FakeDirectory();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "abs-node-pledges-"));
    db = new Level<string, string>(dir);
    await db.open();
    directory.add(originator, "ORIG-HUAXIA-CF", ["ORIGINATOR"]);
    directory.add(trustee, "TRUS-ZHONGXIN-TR", ["TRUSTEE"]);
    directory.add(investor, "INV-PENSION-01", ["INVESTOR"]);
    directory.add(suspended, "ORIG-JINXIU-AUTO", ["ORIGINATOR"], "Suspended");
    const index = new LevelPledgeIndex(db);
    await index.record(POOL, 2, [{ fingerprint: FINGERPRINT, loanId: "L00000042" }]);
    const app = createApp({
      logger: log.logger,
      auth: { domain, memberId: SELF, windowMs: 60_000, nonces: new LevelNonceStore(db) },
      directory,
      routers: [pledgeKeyRouter(pledgeKey), pledgeLookupRouter(index)],
    });
    server = await listen(app, "127.0.0.1", 0);
  });
  after(async () => {
    await server.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** POST `body` (text) to the key service, signed by `wallet` (or with `headers` as given: a replay). */
  async function evaluate(wallet: Wallet, body: string, headers?: PeerRequestHeaders) {
    const signed =
      headers ??
      (await signRequest(wallet, { method: "POST", path: PLEDGE_EVALUATE_PATH, body }, { domain, target: SELF }));
    const res = await fetch(server.url + PLEDGE_EVALUATE_PATH, {
      method: "POST",
      headers: { ...signed, "content-type": "application/json" },
      body,
    });
    return { status: res.status, body: (await res.json()) as unknown, headers: signed };
  }
  const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;
  const batchOf = (count: number) =>
    blindPledgeIdentities(
      Array.from({ length: count }, (_, i) =>
        pledgeIdentityDigest({ nationalId: `ID${i}`, originationDay: 19_000, originalPrincipalCents: 100n }),
      ),
    );

  describe("POST /v1/pledge-fingerprints/evaluate", () => {
    it("answers an originator's batch with points and a proof that verify against the service's key", async () => {
      const batch = batchOf(3);
      const answer = await evaluate(originator, JSON.stringify({ pool: POOL, blinded: batch.blinded.map(hex) }));
      expect(answer.status).to.equal(200);
      const body = answer.body as { evaluated: string[]; proof: string };
      const fingerprints = finalizePledgeFingerprints(
        batch,
        {
          evaluated: body.evaluated.map((p) => Buffer.from(p.slice(2), "hex")),
          proof: Buffer.from(body.proof.slice(2), "hex"),
        },
        pledgeKey.publicKey,
      );
      expect(fingerprints).to.have.length(3);
      // The audit line names who asked, for which pool and how many; never a point.
      const line = log.lines.find((l) => l.includes("pledge fingerprints evaluated")) ?? "";
      expect(JSON.parse(line)).to.include({ memberId: "ORIG-HUAXIA-CF", pool: POOL.toLowerCase(), points: 3 });
      expect(line).to.not.include(body.evaluated[0]?.slice(4, 40) ?? "-");
    });

    it("refuses members without the ORIGINATOR role, suspended originators and strangers", async () => {
      const body = JSON.stringify({ pool: POOL, blinded: batchOf(1).blinded.map(hex) });
      for (const [who, code] of [
        [trustee, "PEER_NOT_ENTITLED"],
        [investor, "PEER_NOT_ENTITLED"],
        [suspended, "PEER_NOT_MEMBER"],
        [stranger, "PEER_NOT_MEMBER"],
      ] as const) {
        const answer = await evaluate(who, body);
        expect([answer.status, errorCode(answer.body)]).to.deep.equal([403, code]);
      }
    });

    it("refuses a replayed request", async () => {
      const body = JSON.stringify({ pool: POOL, blinded: batchOf(1).blinded.map(hex) });
      const first = await evaluate(originator, body);
      expect(first.status).to.equal(200);
      const again = await evaluate(originator, body, first.headers);
      expect([again.status, errorCode(again.body)]).to.deep.equal([401, "PEER_AUTH_REPLAYED"]);
    });

    it("refuses bodies that are not a batch of points, saying what was expected", async () => {
      const point = hex(batchOf(1).blinded[0] ?? new Uint8Array());
      const cases: [string, RegExp][] = [
        ["not json", /not JSON/],
        [JSON.stringify({ pool: POOL, blinded: [] }), /at least one point/],
        [JSON.stringify({ pool: POOL, blinded: Array.from({ length: 5_001 }, () => point) }), /at most 5000 points/],
        [JSON.stringify({ pool: POOL, blinded: ["0x04" + "11".repeat(32)] }), /compressed point/],
        [JSON.stringify({ pool: POOL, blinded: [`0x02${"ff".repeat(32)}`] }), /blinded\[0\].*compressed secp256k1/],
        [JSON.stringify({ pool: "pool-a", blinded: [point] }), /pool address/],
        [JSON.stringify({ pool: POOL, blinded: [point], extra: 1 }), /extra/],
      ];
      for (const [body, message] of cases) {
        const answer = await evaluate(originator, body);
        expect(answer.status, body.slice(0, 40)).to.equal(400);
        expect(errorCode(answer.body)).to.equal("PLEDGE_BATCH_INVALID");
        expect((answer.body as { error: { message: string } }).error.message).to.match(message);
      }
    });
  });

  describe("GET /v1/pools/:pool/pledges/:fingerprint", () => {
    const lookup = async (wallet: Wallet, pool: string, fingerprint: string) => {
      const p = pledgeLookupPath(pool, fingerprint);
      return getJson(server.url, p, await signRequest(wallet, { method: "GET", path: p }, { domain, target: SELF }));
    };

    it("names the loan registered under the fingerprint to a loan-level reader, whatever the case", async () => {
      const answer = await lookup(trustee, POOL.toLowerCase(), FINGERPRINT.toUpperCase().replace("0X", "0x"));
      expect(answer).to.deep.equal({
        status: 200,
        body: { pool: POOL.toLowerCase(), fingerprint: FINGERPRINT, loanId: "L00000042", version: 2 },
      });
    });

    it("refuses an investor before reading the index, and answers 404 for a fingerprint it never registered", async () => {
      const refused = await lookup(investor, POOL, FINGERPRINT);
      expect([refused.status, errorCode(refused.body)]).to.deep.equal([403, "PEER_NOT_ENTITLED"]);
      const unknown = await lookup(trustee, POOL, "0x" + "cd".repeat(32));
      expect([unknown.status, errorCode(unknown.body)]).to.deep.equal([404, "LOAN_NOT_FOUND"]);
    });

    it("answers the other way too: a loan's fingerprint to a loan-level reader only", async () => {
      const ask = async (wallet: Wallet, loanId: string) => {
        const p = loanPledgePath(POOL, loanId);
        return getJson(server.url, p, await signRequest(wallet, { method: "GET", path: p }, { domain, target: SELF }));
      };
      expect(await ask(trustee, "L00000042")).to.deep.equal({
        status: 200,
        body: { pool: POOL.toLowerCase(), loanId: "L00000042", fingerprint: FINGERPRINT },
      });
      const refused = await ask(investor, "L00000042");
      expect([refused.status, errorCode(refused.body)]).to.deep.equal([403, "PEER_NOT_ENTITLED"]);
      const unknown = await ask(trustee, "L00000043");
      expect([unknown.status, errorCode(unknown.body)]).to.deep.equal([404, "LOAN_NOT_FOUND"]);
      const bad = await ask(trustee, "L 1");
      expect([bad.status, errorCode(bad.body)]).to.deep.equal([400, "REQUEST_INVALID"]);
    });

    it("refuses a malformed fingerprint or pool, saying what was expected", async () => {
      const bad = await lookup(trustee, POOL, "0x1234");
      expect([bad.status, errorCode(bad.body)]).to.deep.equal([400, "REQUEST_INVALID"]);
      expect((bad.body as { error: { message: string } }).error.message).to.match(/0x and 64 hex digits/);
      const badPool = await lookup(trustee, "pool-a", FINGERPRINT);
      expect([badPool.status, errorCode(badPool.body)]).to.deep.equal([400, "REQUEST_INVALID"]);
    });
  });
});
