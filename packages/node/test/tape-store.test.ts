import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Level } from "level";
import { commitTape, generateLoans, verifyLoanProof, type LoanRecord } from "@abs/core";
import { type NodeError } from "../src/errors";
import { LevelTapeStore } from "../src/tape-store";

const POOL = "0x00000000000000000000000000000000000000AA";
const saltKey = new Uint8Array(32).fill(7);
const loans: LoanRecord[] = [...generateLoans(50, 42, { asOfDate: "2026-11-01" })];

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as NodeError).code;
  }
  throw new Error("expected a rejection");
}

describe("LevelTapeStore", () => {
  let dir: string;
  let db: Level<string, string>;
  let store: LevelTapeStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "abs-node-tapes-unit-"));
    db = new Level<string, string>(dir);
    await db.open();
    store = new LevelTapeStore(db);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores a tape in chunks and opens every loan with a proof to the committed root", async () => {
    const { root } = commitTape(loans, { saltKey });
    const meta = await store.importTape(POOL, 1, loans, { saltKey, expectedRoot: root, chunkSize: 7 });
    expect(meta).to.include({ pool: POOL.toLowerCase(), version: 1, loanCount: 50, root });
    for (const loan of [loans[0], loans[49]]) {
      if (!loan) throw new Error("missing sample loan");
      const opened = await store.openLoan(POOL, 1, loan.loanId);
      expect(opened.record).to.deep.equal(loan);
      expect(verifyLoanProof(root, opened.leaf, opened.proof)).to.equal(true);
    }
    expect(await codeOf(store.openLoan(POOL, 1, "NOPE"))).to.equal("LOAN_NOT_FOUND");
    expect(await codeOf(store.getMeta(POOL, 2))).to.equal("TAPE_NOT_FOUND");
  });

  it("never serves a half-written tape, and a re-import cleans it up", async () => {
    function* failing(): Generator<LoanRecord> {
      yield* loans.slice(0, 20);
      throw new Error("import interrupted");
    }
    await store.importTape(POOL, 1, failing(), { saltKey, chunkSize: 5 }).catch(() => undefined);
    const first = loans[0]?.loanId ?? "";
    expect(await codeOf(store.getMeta(POOL, 1))).to.equal("TAPE_NOT_FOUND");
    expect(await codeOf(store.openLoan(POOL, 1, first))).to.equal("TAPE_NOT_FOUND");
    const meta = await store.importTape(POOL, 1, loans.slice(0, 10), { saltKey });
    expect(meta.loanCount).to.equal(10);
    expect(await codeOf(store.openLoan(POOL, 1, loans[15]?.loanId ?? ""))).to.equal("LOAN_NOT_FOUND");
  });

  it("refuses (and does not serve) a tape that does not give the expected root", async () => {
    const wrong = "0x" + "12".repeat(32);
    expect(await codeOf(store.importTape(POOL, 1, loans, { saltKey, expectedRoot: wrong }))).to.equal(
      "TAPE_ROOT_MISMATCH",
    );
    expect(await codeOf(store.getMeta(POOL, 1))).to.equal("TAPE_NOT_FOUND");
  });
});
