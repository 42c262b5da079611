import { expect } from "chai";
import { PassThrough } from "node:stream";
import { generateLoans } from "../../src/synthetic-tape";
import { PERFORMANCE_COLUMNS, generatePerformance, writePerformanceCsv } from "../../src/tape/performance";

describe("tape/performance", () => {
  const loans = [...generateLoans(2000, 11)];
  const rows = [...generatePerformance(loans, 12, 3)];

  it("is deterministic", () => {
    expect([...generatePerformance(loans.slice(0, 50), 12, 3)]).to.deep.equal(
      rows.filter((row) => loans.slice(0, 50).some((loan) => loan.loanId === row.loanId)),
    );
  });

  it("balances every row: closing = opening - paid - prepayment - default, never negative", () => {
    for (const row of rows) {
      expect(row.closingPrincipalCents, row.loanId).to.equal(
        row.openingPrincipalCents - row.paidPrincipalCents - row.prepaymentCents - row.defaultPrincipalCents,
      );
      expect(row.closingPrincipalCents >= 0n && row.paidPrincipalCents >= 0n && row.interestPaidCents >= 0n).to.equal(
        true,
      );
    }
  });

  it("chains periods: each period opens at the previous close, and a loan's rows stop once it is paid off", () => {
    const byLoan = new Map<string, typeof rows>();
    for (const row of rows) byLoan.set(row.loanId, [...(byLoan.get(row.loanId) ?? []), row]);
    for (const [loanId, history] of byLoan) {
      history.forEach((row, i) => {
        expect(row.period, loanId).to.equal(i + 1);
        const previous = history[i - 1];
        if (previous !== undefined) expect(row.openingPrincipalCents, loanId).to.equal(previous.closingPrincipalCents);
        if (row.status === "prepaid" || row.status === "matured") expect(i, loanId).to.equal(history.length - 1);
      });
    }
  });

  it("looks realistic: most loans pay, some prepay, some go delinquent, a few default and recover", () => {
    const count = (predicate: (row: (typeof rows)[number]) => boolean): number => rows.filter(predicate).length;
    const first = rows.filter((row) => row.period === 1);
    expect(count((row) => row.period === 1 && row.status === "current") / first.length).to.be.above(0.85);
    expect(count((row) => row.status === "prepaid")).to.be.above(50);
    expect(count((row) => row.status === "delinquent")).to.be.above(50);
    expect(count((row) => row.defaultPrincipalCents > 0n)).to.be.within(20, 400);
    expect(count((row) => row.recoveryCents > 0n)).to.be.above(10);
  });

  it("writes the documented columns with amounts in yuan", async () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    const written = await writePerformanceCsv(rows.slice(0, 3), out);
    out.end();
    const [header, first] = text.split("\n");
    expect(written.rows).to.equal(3);
    expect(header).to.equal(PERFORMANCE_COLUMNS.join(","));
    expect(first?.split(",")[3]).to.match(/^\d+\.\d{2}$/);
  });

  it("rejects a bad period count", () => {
    expect(() => [...generatePerformance(loans, 0, 1)]).to.throw("Invalid periods");
  });
});
