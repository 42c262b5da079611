import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Level } from "level";
import { NodeError } from "../src/errors";
import { LevelNonceStore } from "../src/nonce-store";

const ALICE = "0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A";
const BOB = "0x1563915e194D8CfBA1943570603F7606A3115508";
const nonce = (i: number) => "0x" + i.toString(16).padStart(64, "0");

async function expectReplay(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (error) {
    expect(error).to.be.instanceOf(NodeError);
    expect((error as NodeError).code).to.equal("PEER_AUTH_REPLAYED");
    return;
  }
  expect.fail("expected PEER_AUTH_REPLAYED");
}

describe("LevelNonceStore", () => {
  let dir: string;
  let db: Level<string, string>;
  let store: LevelNonceStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "abs-node-nonces-"));
    db = new Level<string, string>(dir);
    await db.open();
    store = new LevelNonceStore(db);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("accepts a nonce once and refuses it the second time", async () => {
    await store.consume(ALICE, nonce(1), 2_000);
    await expectReplay(store.consume(ALICE, nonce(1), 2_000));
    await expectReplay(store.consume(ALICE.toLowerCase(), nonce(1).toUpperCase().replace("0X", "0x"), 2_000));
  });

  it("scopes nonces per caller", async () => {
    await store.consume(ALICE, nonce(1), 2_000);
    await store.consume(BOB, nonce(1), 2_000);
  });

  it("lets exactly one of two concurrent requests with the same nonce through", async () => {
    const results = await Promise.allSettled([
      store.consume(ALICE, nonce(7), 2_000),
      store.consume(ALICE, nonce(7), 2_000),
      store.consume(ALICE, nonce(7), 2_000),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).to.have.length(1);
  });

  it("prunes only expired nonces, and a pruned nonce is forgotten", async () => {
    await store.consume(ALICE, nonce(1), 1_000);
    await store.consume(ALICE, nonce(2), 1_500);
    await store.consume(BOB, nonce(3), 5_000);
    expect(await store.prune(1_600)).to.equal(2);
    expect(await store.prune(1_600)).to.equal(0);
    await expectReplay(store.consume(BOB, nonce(3), 5_000));
    await store.consume(ALICE, nonce(1), 9_000); // forgotten: the timestamp check guards it now
    // Both key spaces (seen + expiry index) are empty after pruning everything.
    expect(await db.sublevel("peer-nonces").keys().all()).to.have.length(4); // 2 pairs left: seen + expiry each
    expect(await store.prune(10_000)).to.equal(2);
    expect(await db.sublevel("peer-nonces").keys().all()).to.deep.equal([]);
  });

  it("prunes more than one chunk", async () => {
    for (let i = 0; i < 2_100; i += 300) {
      await Promise.all(Array.from({ length: 300 }, (_, j) => store.consume(ALICE, nonce(i + j), 100)));
    }
    expect(await store.prune(101)).to.equal(2_100);
  });

  it("survives a restart: a nonce used before closing is still refused after reopening", async () => {
    await store.consume(ALICE, nonce(42), 60_000);
    await db.close();
    db = new Level<string, string>(dir);
    await db.open();
    store = new LevelNonceStore(db);
    await expectReplay(store.consume(ALICE, nonce(42), 60_000));
    expect(await store.prune(60_001)).to.equal(1);
  });
});
