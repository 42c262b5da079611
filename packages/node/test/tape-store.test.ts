import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { expect } from "chai";
import { Level } from "level";
import {
  TAPE_COLUMNS,
  buildLoanTree,
  commitTape,
  generateLoans,
  loanLeaf,
  recordToCells,
  validateTape,
  verifyLoanProof,
  type CommittedLoan,
  type LoanRecord,
} from "@abs/core";
import { type NodeError } from "../src/errors";
import { LevelTapeStore, indexKey } from "../src/tape-store";

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

  it("the upload's writer stores byte for byte what importTape stores, for loans checked on row workers", async () => {
    // Some labels outside ASCII (several UTF-8 bytes a character) and with a quote (escaped in JSON).
    const labelled = loans.map((loan, i) =>
      i % 3 === 0 ? { ...loan, region: "浙江省", productType: i % 2 === 0 ? "车贷" : 'auto "A"' } : loan,
    );
    const csvCell = (cell: string) => (/[",]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
    const csv =
      [TAPE_COLUMNS.join(","), ...labelled.map((loan) => recordToCells(loan).map(csvCell).join(","))].join("\n") + "\n";
    const writer = await store.openWriter(POOL, 1, 7);
    const committed: CommittedLoan[] = [];
    const result = await validateTape(Readable.from([Buffer.from(csv)]), {
      saltKey,
      borrowerKey: saltKey,
      workerThreads: 2,
      sliceChars: 1024,
      onLoan: (loan) => {
        committed.push(loan);
        return writer.add(loan);
      },
    });
    await writer.flush();
    expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
    expect(committed).to.have.length(loans.length);
    await store.importTape(
      POOL,
      2,
      committed.map((loan) => loan.record),
      { saltKey, expectedRoot: result.root ?? "no root" },
    );
    const raw = async (sublevel: string, version: number): Promise<[string, string][]> => {
      const level = db.sublevel<string, string>("tapes", { valueEncoding: "utf8" }).sublevel<string, string>(sublevel, {
        valueEncoding: "utf8",
      });
      const prefix = `${POOL.toLowerCase()}!${indexKey(version)}!`;
      const entries = await level.iterator({ gt: prefix, lt: `${prefix}\xff` }).all();
      return entries.map(([key, value]) => [key.slice(prefix.length), value]);
    };
    for (const sublevel of ["loans", "leaves"]) {
      const written = await raw(sublevel, 1);
      expect(written, sublevel).to.have.length(loans.length);
      expect(written, sublevel).to.deep.equal(await raw(sublevel, 2));
    }
    const first = (await raw("loans", 1))[0]?.[1] ?? "";
    expect(JSON.parse(first)).to.have.keys(["record", "salt", "leafIndex"]);
    expect(JSON.parse(first).record.region).to.equal("浙江省");
  });

  it("lists a tape's loan ids page by page in id order, exactly the committed set, and never a half-written tape's", async () => {
    await store.importTape(POOL, 1, loans, { saltKey, chunkSize: 7 });
    // Another version and another pool beside it: their keys must never leak into the listing.
    await store.importTape(POOL, 2, loans.slice(0, 3), { saltKey });
    await store.importTape("0x00000000000000000000000000000000000000ab", 1, loans.slice(0, 3), { saltKey });
    const sorted = loans.map((l) => l.loanId).sort();
    const pages: (readonly string[])[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.listLoanIds(POOL, 1, { after, limit: 10 });
      expect(page.loanCount).to.equal(50);
      pages.push(page.loanIds);
      if (page.next === undefined) break;
      expect(page.next).to.equal(page.loanIds[page.loanIds.length - 1]);
      after = page.next;
    }
    // 50 ids in pages of 10: five full pages, the last one with no `next` (limit + 1 read, not a 6th request).
    expect(pages.map((p) => p.length)).to.deep.equal([10, 10, 10, 10, 10]);
    expect(pages.flat()).to.deep.equal(sorted);
    const whole = await store.listLoanIds(POOL, 1, { limit: 1000 });
    expect(whole).to.deep.equal({ loanCount: 50, loanIds: sorted });
    expect(await store.listLoanIds(POOL, 1, { after: sorted[49], limit: 5 })).to.deep.equal({
      loanCount: 50,
      loanIds: [],
    });

    function* failing(): Generator<LoanRecord> {
      yield* loans.slice(0, 20);
      throw new Error("import interrupted");
    }
    await store.importTape(POOL, 3, failing(), { saltKey, chunkSize: 5 }).catch(() => undefined);
    expect(await codeOf(store.listLoanIds(POOL, 3, { limit: 10 }))).to.equal("TAPE_NOT_FOUND");
  });

  it("lists a tape's loans page by page, in the loan ids' order, each with the leaf its record and salt hash to", async () => {
    const { root } = commitTape(loans, { saltKey });
    await store.importTape(POOL, 1, loans, { saltKey, chunkSize: 7 });
    await store.importTape(POOL, 2, loans.slice(0, 3), { saltKey });
    const served: { record: LoanRecord; salt: string; leaf: string }[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await store.listLoans(POOL, 1, { after, limit: 16 });
      expect(page.loanCount).to.equal(50);
      served.push(...page.loans);
      pages++;
      if (page.next === undefined) break;
      expect(page.next).to.equal(page.loans[page.loans.length - 1]?.record.loanId);
      after = page.next;
    }
    expect(pages).to.equal(4);
    expect(served.map((l) => l.record.loanId)).to.deep.equal(loans.map((l) => l.loanId).sort());
    for (const loan of served) expect(loanLeaf(loan.record, loan.salt)).to.equal(loan.leaf);
    // The leaves alone, in any order, rebuild the committed root: no proofs are needed for a whole tape.
    expect(buildLoanTree(served.map((l) => l.leaf)).root).to.equal(root);
    expect(await codeOf(store.listLoans(POOL, 3, { limit: 5 }))).to.equal("TAPE_NOT_FOUND");
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
