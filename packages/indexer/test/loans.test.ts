/**
 * The loan book's history across tape versions and its top borrowers, from node outcomes (no chain: joining
 * node outcomes reads nothing from the indexed store).
 */
import { expect } from "chai";
import { generateLoans, type LoanRecord } from "@abs/core";
import { IndexerError } from "../src/errors";
import { LoanBook } from "../src/loans";
import { type NodeLoanOutcome } from "../src/member-node";
import { type IndexerStore } from "../src/store";

const POOL = "0x00000000000000000000000000000000000000aa";
const records: LoanRecord[] = [...generateLoans(6, 7, { asOfDate: "2026-11-01" })];
const at = (i: number): LoanRecord => {
  const r = records[i];
  if (!r) throw new Error(`no sample loan ${i}`);
  return r;
};
const verified = (r: LoanRecord): NodeLoanOutcome => ({ loanId: r.loanId, status: "verified", record: r });
// addNodeLoans never reads the store (only addTape does, for the anchored root).
const noStore = {} as IndexerStore;

describe("LoanBook history and top borrowers", () => {
  it("keeps every joined version: a loan's history, oldest first, whatever order the versions are joined in", () => {
    const book = new LoanBook(noStore, "loan-level");
    const huge = 2n ** 100n; // above 64 bits: kept aside, never truncated
    const v2 = [
      verified({
        ...at(0),
        status: "delinquent",
        daysPastDue: 45,
        currentPrincipalCents: at(0).currentPrincipalCents - 1n,
      }),
      verified({ ...at(1), originalPrincipalCents: huge, currentPrincipalCents: huge }),
      { loanId: at(2).loanId, status: "unverified" as const, code: "PEER_RECORD_UNVERIFIED", reason: "record altered" },
      verified(at(5)),
    ];
    book.addNodeLoans(POOL, 2, v2);
    // Version 1 joined after version 2 (a slow first join): history only, the current view stays v2.
    book.addNodeLoans(POOL, 1, records.slice(0, 5).map(verified));
    expect(book.versions(POOL)).to.deep.equal([1, 2]);
    expect(book.loans(POOL).map((l) => l.tapeVersion)).to.deep.equal([2, 2, 2]);
    expect(book.history(POOL, at(0).loanId)).to.deep.equal([
      {
        tapeVersion: 1,
        proofStatus: "verified",
        status: at(0).status,
        daysPastDue: at(0).daysPastDue,
        currentPrincipalCents: at(0).currentPrincipalCents.toString(),
      },
      {
        tapeVersion: 2,
        proofStatus: "verified",
        status: "delinquent",
        daysPastDue: 45,
        currentPrincipalCents: (at(0).currentPrincipalCents - 1n).toString(),
      },
    ]);
    expect(book.history(POOL, at(1).loanId).map((s) => s.currentPrincipalCents)).to.deep.equal([
      at(1).currentPrincipalCents.toString(),
      huge.toString(),
    ]);
    expect(book.history(POOL, at(2).loanId).map((s) => [s.tapeVersion, s.proofStatus, s.status])).to.deep.equal([
      [1, "verified", at(2).status],
      [2, "refused", null],
    ]);
    // Left the pool after v1 (paid off), and joined only in v2.
    expect(book.history(POOL, at(3).loanId).map((s) => s.tapeVersion)).to.deep.equal([1]);
    expect(book.history(POOL, at(5).loanId).map((s) => s.tapeVersion)).to.deep.equal([2]);
    expect(book.history(POOL, "NO-SUCH-LOAN")).to.deep.equal([]);
    // Re-joining a version replaces its snapshot.
    book.addNodeLoans(POOL, 1, [verified(at(0))]);
    expect(book.history(POOL, at(3).loanId)).to.deep.equal([]);
  });

  it("ranks borrowers by current principal, shares in bps rounded down, and refuses an aggregates-only book", () => {
    const book = new LoanBook(noStore, "loan-level");
    const borrower = (n: number) => "0x" + n.toString(16).padStart(64, "0");
    const loan = (i: number, who: number, cents: bigint) =>
      verified({ ...at(i), borrowerId: borrower(who), originalPrincipalCents: cents, currentPrincipalCents: cents });
    // Borrower 1: 2 loans, 100 + 100; borrower 2: 100; borrower 3: 1 (of 301 in all).
    book.addNodeLoans(POOL, 1, [loan(0, 1, 100n), loan(1, 2, 100n), loan(2, 1, 100n), loan(3, 3, 1n)]);
    expect(book.topBorrowers(POOL, 10)).to.deep.equal([
      { borrowerId: borrower(1), loanCount: 2, principalCents: "200", shareBps: 6644 }, // 6644.5 rounded down
      { borrowerId: borrower(2), loanCount: 1, principalCents: "100", shareBps: 3322 }, // 3322.2
      { borrowerId: borrower(3), loanCount: 1, principalCents: "1", shareBps: 33 }, // 33.2
    ]);
    expect(book.topBorrowers(POOL, 1)).to.have.length(1);
    const investor = new LoanBook(noStore, "aggregates");
    investor.addNodeLoans(POOL, 1, [loan(0, 1, 100n)]);
    for (const read of [() => investor.topBorrowers(POOL, 10), () => investor.history(POOL, at(0).loanId)]) {
      expect(read).to.throw(IndexerError).with.property("code", "NOT_ENTITLED");
    }
  });
});

describe("LoanBook double pledges", () => {
  const OTHER = "0x00000000000000000000000000000000000000bb";
  const THIRD = "0x00000000000000000000000000000000000000cc";
  const ids = (views: { pool: string; loanId: string }[]) => views.map((v) => `${v.pool.slice(-2)}:${v.loanId}`);

  it("flags a loan (same id and borrower) in two pools' current views, and clears it once either drops it", () => {
    const book = new LoanBook(noStore, "loan-level");
    book.addNodeLoans(POOL, 1, records.slice(0, 3).map(verified));
    expect(book.doublePledged()).to.deep.equal([]);
    // Another originator's pool pledges loan 1 again, and loan 4, and a loan with loan 2's id but another borrower.
    book.addNodeLoans(OTHER, 1, [
      verified(at(1)),
      verified(at(4)),
      verified({ ...at(2), borrowerId: at(5).borrowerId }),
    ]);
    expect(ids(book.doublePledged())).to.deep.equal([`aa:${at(1).loanId}`, `bb:${at(1).loanId}`]);
    expect(book.loan(POOL, at(1).loanId)?.otherPools).to.deep.equal([OTHER]);
    expect(book.loan(OTHER, at(1).loanId)?.otherPools).to.deep.equal([POOL]);
    expect(book.loan(OTHER, at(2).loanId)?.otherPools).to.deep.equal([]);

    // A third pool takes loan 1 too: every view names both others, sorted.
    book.addNodeLoans(THIRD, 1, [verified(at(1))]);
    expect(book.loan(POOL, at(1).loanId)?.otherPools).to.deep.equal([OTHER, THIRD]);
    expect(book.loan(THIRD, at(1).loanId)?.otherPools).to.deep.equal([POOL, OTHER]);
    expect(book.doublePledged()).to.have.length(3);

    // POOL's next tape no longer holds loan 1 (repurchased); an older version joined late changes nothing.
    book.addNodeLoans(POOL, 2, [verified(at(0)), verified(at(2))]);
    book.addNodeLoans(OTHER, 0, [verified(at(0))]);
    expect(book.loan(OTHER, at(1).loanId)?.otherPools).to.deep.equal([THIRD]);
    expect(ids(book.doublePledged())).to.deep.equal([`bb:${at(1).loanId}`, `cc:${at(1).loanId}`]);
    book.addNodeLoans(THIRD, 2, []);
    expect(book.doublePledged()).to.deep.equal([]);
    expect(book.loan(OTHER, at(1).loanId)?.otherPools).to.deep.equal([]);
  });
});
