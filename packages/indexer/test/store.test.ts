/**
 * The store's layout, without a chain: time travel over superseded versions (IDX-7), per-log records
 * kept out of the cache, and the undo keys it keeps in memory across a reopen.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { IndexerStore, loadSchemaModel, type EntityData } from "../src";

const model = loadSchemaModel();
const POSITION = "0x" + "aa".repeat(20) + "bb".repeat(20);

function position(balance: string): EntityData {
  return {
    holder: "0x" + "bb".repeat(20),
    tranche: "0x" + "aa".repeat(20),
    balance,
    frozen: false,
    frozenAmountCents: "0",
    updatedAt: "0",
  };
}

/** Write `balance` at each block in order, one range per call, committed with a checkpoint. */
async function writeRange(store: IndexerStore, writes: [number, string][], undoFrom = 0): Promise<void> {
  const writer = store.writer(undoFrom);
  for (const [block, balance] of writes) {
    writer.setBlock(block);
    await writer.set("Position", POSITION, position(balance));
  }
  const last = writes[writes.length - 1]?.[0] ?? 0;
  await store.commit(writer.ops({ number: last, hash: "0x" + last.toString(16) }, new Map(), undoFrom));
}

describe("IndexerStore", function () {
  let dir: string;
  let store: IndexerStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "abs-store-"));
    store = await IndexerStore.open(path.join(dir, "db"), model);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers time travel from the current version and the superseded ones, which alone are in h.", async () => {
    // Two writes in block 5 (only the last is a version), one in 8 within the same range, one in 12 later.
    await writeRange(store, [
      [5, "1"],
      [5, "2"],
      [8, "3"],
    ]);
    await writeRange(store, [[12, "4"]]);
    const balanceAt = async (n: number) => (await store.getAt("Position", POSITION, n))?.["balance"];
    expect(await balanceAt(4)).to.equal(undefined);
    expect(await balanceAt(5)).to.equal("2");
    expect(await balanceAt(7)).to.equal("2");
    expect(await balanceAt(8)).to.equal("3");
    expect(await balanceAt(11)).to.equal("3");
    expect(await balanceAt(12)).to.equal("4");
    expect(await balanceAt(1000)).to.equal("4");
    expect(await store.sub("h.Position").keys().all()).to.deep.equal([
      `${POSITION}@000000000005`,
      `${POSITION}@000000000008`,
    ]);
    const listAt = async (n: number) => {
      const rows: string[] = [];
      for await (const e of store.all("Position", n)) rows.push(String(e["balance"]));
      return rows;
    };
    expect(await listAt(4)).to.deep.equal([]);
    expect(await listAt(9)).to.deep.equal(["3"]);
    expect(await listAt(12)).to.deep.equal(["4"]);
  });

  it("does not cache a per-log record written by create, and reads it back from LevelDB", async () => {
    const writer = store.writer(0);
    writer.setBlock(3);
    const id = "0x" + "cc".repeat(32) + "00000001";
    await writer.create("Transfer", id, {
      tranche: "0x" + "aa".repeat(20),
      from: "0x" + "bb".repeat(20),
      to: "0x" + "dd".repeat(20),
      fromMember: "0x" + "bb".repeat(20),
      toMember: "0x" + "dd".repeat(20),
      amount: "7",
      kind: "Transfer",
      forcedReason: null,
      evidenceHash: null,
      trustee: null,
      timestamp: "1",
      blockNumber: "3",
      transactionHash: "0x" + "cc".repeat(32),
    });
    await store.commit(writer.ops({ number: 3, hash: "0x3" }, new Map(), 0));
    const readsBefore = store.reads;
    expect((await store.get("Transfer", id))?.["amount"]).to.equal("7");
    expect(store.reads).to.equal(readsBefore + 1);
  });

  it("keeps the undo keys of the reorg window in memory: pruned below the window, reloaded on reopen", async () => {
    await writeRange(store, [
      [1, "1"],
      [2, "2"],
      [3, "3"],
    ]);
    expect(store.undoKeysBelow(100)).to.deep.equal(["000000000001", "000000000002", "000000000003"]);
    // A range whose window starts at block 3 prunes the undo records of blocks 1 and 2.
    await writeRange(store, [[4, "4"]], 3);
    expect(store.undoKeysBelow(100)).to.deep.equal(["000000000003", "000000000004"]);
    expect(await store.sub("undo").keys().all()).to.deep.equal(["000000000003", "000000000004"]);
    await store.close();
    store = await IndexerStore.open(path.join(dir, "db"), model);
    expect(store.undoKeysBelow(4)).to.deep.equal(["000000000003"]);
  });
});
