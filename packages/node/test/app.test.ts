import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { Level } from "level";
import { createApp, listen, type RunningServer } from "../src/app";
import { LevelNonceStore } from "../src/nonce-store";
import { PEER_HEADERS, signRequest } from "../src/request-signing";
import { FakeDirectory, captureLogger, errorCode, getJson } from "./helpers";

const domain = { chainId: 31337n, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const SELF = "ORIG-HUAXIA-CF";
const key = (i: number) => new Wallet("0x" + i.toString(16).padStart(64, "0"));
const trustee = key(1);
const investor = key(2);
const custodian = key(3);
const suspended = key(4);
const outsider = key(5);

describe("createApp (peer API, fake directory, fixed clock)", () => {
  let dir: string;
  let db: Level<string, string>;
  let server: RunningServer;
  const directory = new FakeDirectory();
  const log = captureLogger();
  const NOW = 1_780_000_000_000;
  let now = NOW;

  const signed = (wallet: Wallet, p = "/v1/whoami", at = now) =>
    signRequest(wallet, { method: "GET", path: p }, { domain, target: SELF, now: at });

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "abs-node-app-"));
    db = new Level<string, string>(dir);
    await db.open();
    directory.add(trustee, "TRUS-ZHONGXIN-TR", ["TRUSTEE"]);
    directory.add(investor, "INV-PENSION-01", ["INVESTOR"]);
    directory.add(custodian, "CUST-CITY-BANK", ["CUSTODIAN"]);
    directory.add(suspended, "REGU-SECURITIES", ["REGULATOR"], "Suspended");
    const app = createApp({
      logger: log.logger,
      auth: { domain, memberId: SELF, windowMs: 30_000, nonces: new LevelNonceStore(db) },
      directory,
      clock: () => now,
    });
    server = await listen(app, "127.0.0.1", 0);
  });
  after(async () => {
    await server.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    now = NOW;
    directory.down = false;
  });

  it("serves /v1/health without authentication", async () => {
    expect(await getJson(server.url, "/v1/health")).to.deep.equal({
      status: 200,
      body: { status: "ok", memberId: SELF },
    });
  });

  it("answers whoami with address, roles and entitlement level", async () => {
    const t = await getJson(server.url, "/v1/whoami", await signed(trustee));
    expect(t).to.deep.equal({
      status: 200,
      body: { address: trustee.address, memberId: "TRUS-ZHONGXIN-TR", roles: ["TRUSTEE"], entitlement: "loan-level" },
    });
    const i = await getJson(server.url, "/v1/whoami", await signed(investor));
    expect(i.status).to.equal(200);
    expect((i.body as { entitlement: string }).entitlement).to.equal("aggregates");
  });

  it("maps every refusal to its status and code", async () => {
    const unsigned = await getJson(server.url, "/v1/whoami");
    expect([unsigned.status, errorCode(unsigned.body)]).to.deep.equal([401, "PEER_AUTH_MALFORMED"]);

    const custodianAnswer = await getJson(server.url, "/v1/whoami", await signed(custodian));
    expect([custodianAnswer.status, errorCode(custodianAnswer.body)]).to.deep.equal([403, "PEER_NOT_ENTITLED"]);

    for (const wallet of [suspended, outsider]) {
      const r = await getJson(server.url, "/v1/whoami", await signed(wallet));
      expect([r.status, errorCode(r.body)]).to.deep.equal([403, "PEER_NOT_MEMBER"]);
    }

    const headers = await signed(trustee);
    expect((await getJson(server.url, "/v1/whoami", headers)).status).to.equal(200);
    const replay = await getJson(server.url, "/v1/whoami", headers);
    expect([replay.status, errorCode(replay.body)]).to.deep.equal([401, "PEER_AUTH_REPLAYED"]);

    const old = await getJson(server.url, "/v1/whoami", await signed(trustee, "/v1/whoami", NOW - 30_001));
    expect([old.status, errorCode(old.body)]).to.deep.equal([401, "PEER_AUTH_EXPIRED"]);

    const otherPath = await getJson(server.url, "/v1/whoami?x=1", await signed(trustee));
    expect([otherPath.status, errorCode(otherPath.body)]).to.deep.equal([401, "PEER_AUTH_FORGED"]);

    const missing = await getJson(server.url, "/v1/nope");
    expect([missing.status, errorCode(missing.body)]).to.deep.equal([404, "NOT_FOUND"]);
  });

  it("answers 503 (retryable) when the registry cannot be read, without burning the nonce", async () => {
    const headers = await signed(trustee);
    directory.down = true;
    const r = await getJson(server.url, "/v1/whoami", headers);
    expect([r.status, errorCode(r.body)]).to.deep.equal([503, "PEER_DIRECTORY_UNAVAILABLE"]);
    directory.down = false;
    expect((await getJson(server.url, "/v1/whoami", headers)).status).to.equal(200);
  });

  it("logs refusals with their code but never a signature or nonce", async () => {
    const headers = await signed(outsider);
    await getJson(server.url, "/v1/whoami", headers);
    const all = log.lines.join("\n");
    expect(all).to.include("PEER_NOT_MEMBER");
    expect(all).to.not.include(headers[PEER_HEADERS.signature].slice(2, 40));
    expect(all).to.not.include(headers[PEER_HEADERS.nonce].slice(2, 40));
  });
});
