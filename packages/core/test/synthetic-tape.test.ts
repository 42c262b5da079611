import { expect } from "chai";
import { CoreError } from "../src/errors";
import { parseLoanRecord, type LoanRecord } from "../src/loan-record";
import { formatCents } from "../src/money";
import { SYNTHETIC_RATE_BPS, generateLoans } from "../src/synthetic-tape";

const TERMS = new Set([12, 24, 36, 60]);

function share(loans: readonly LoanRecord[], predicate: (loan: LoanRecord) => boolean): number {
  return loans.filter(predicate).length / loans.length;
}

describe("synthetic-tape", () => {
  const tape = [...generateLoans(5000, 20240630)];

  it("is deterministic: the same seed gives the same records", () => {
    expect([...generateLoans(300, 99)]).to.deep.equal([...generateLoans(300, 99)]);
  });

  it("differs between seeds", () => {
    const a = [...generateLoans(50, 1)];
    const b = [...generateLoans(50, 2)];
    const same = a.filter((loan, i) => JSON.stringify(loan, bigintText) === JSON.stringify(b[i], bigintText));
    expect(same).to.have.length(0);
  });

  it("yields the same first records whatever the count", () => {
    expect([...generateLoans(20, 5)]).to.deep.equal([...generateLoans(500, 5)].slice(0, 20));
  });

  it("yields only records the loan template accepts, unchanged", () => {
    tape.forEach((loan, index) => {
      expect(parseLoanRecord(loan, { row: index + 1 })).to.deep.equal(loan);
    });
  });

  it("looks like a consumer-finance pool", () => {
    expect(new Set(tape.map((loan) => loan.loanId)).size).to.equal(tape.length);
    for (const loan of tape) {
      expect(loan.originalPrincipalCents >= 500_000n && loan.originalPrincipalCents <= 30_000_000n).to.equal(
        true,
        formatCents(loan.originalPrincipalCents),
      );
      expect(TERMS.has(loan.termMonths)).to.equal(true);
      expect(loan.remainingTermMonths >= 1 && loan.remainingTermMonths < loan.termMonths).to.equal(true);
      const grade = loan.creditGrade;
      if (!(grade === "A" || grade === "B" || grade === "C" || grade === "D" || grade === "E")) {
        throw new Error(`unexpected grade ${grade}`);
      }
      const [minBps, maxBps] = SYNTHETIC_RATE_BPS[grade];
      expect(loan.rateWad >= BigInt(minBps) * 10n ** 14n && loan.rateWad <= BigInt(maxBps) * 10n ** 14n).to.equal(true);
      expect(loan.originationDate <= "2025-06-30" && loan.maturityDate > "2025-06-30").to.equal(true);
      if (loan.productType === "auto") expect(loan.collateralType).to.equal("vehicle");
      if (loan.productType === "consumer") expect(loan.collateralType).to.equal(undefined);
    }
    expect(share(tape, (loan) => loan.status === "current")).to.be.within(0.8, 0.97);
    expect(share(tape, (loan) => loan.status === "delinquent")).to.be.within(0.02, 0.15);
    expect(share(tape, (loan) => loan.status === "defaulted")).to.be.within(0.002, 0.05);
    expect(share(tape, (loan) => loan.status === "prepaid")).to.be.within(0.002, 0.03);
    expect(share(tape, (loan) => loan.productType === "consumer")).to.be.within(0.5, 0.7);
    expect(new Set(tape.map((loan) => loan.productType))).to.deep.equal(
      new Set(["consumer", "auto", "micro-business"]),
    );
    expect(new Set(tape.map((loan) => loan.creditGrade)).size).to.equal(5);
    expect(new Set(tape.map((loan) => loan.termMonths))).to.deep.equal(TERMS);
    expect(new Set(tape.map((loan) => loan.amortization)).size).to.equal(4);
    expect(new Set(tape.map((loan) => loan.paymentFrequency))).to.deep.equal(new Set(["monthly", "quarterly"]));
    expect(new Set(tape.map((loan) => loan.region)).size).to.be.at.least(28);
    const borrowers = new Set(tape.map((loan) => loan.borrowerId)).size;
    expect(borrowers).to.be.within(tape.length * 0.88, tape.length * 0.95); // about 1 loan in 12 has a repeat borrower
  });

  it("amortizes: level and equal-principal balances fall below the original, interest-only ones do not", () => {
    const current = tape.filter((loan) => loan.status === "current");
    for (const loan of current) {
      if (loan.amortization === "interest-only" || loan.amortization === "bullet") {
        expect(loan.currentPrincipalCents).to.equal(loan.originalPrincipalCents);
      }
    }
    const amortizing = current.filter(
      (loan) => loan.amortization === "level" || loan.amortization === "equal-principal",
    );
    expect(share(amortizing, (loan) => loan.currentPrincipalCents < loan.originalPrincipalCents)).to.be.above(0.95);
    // A 36-month equal-principal loan with 18 monthly payments made owes exactly half.
    const half = amortizing.find(
      (loan) => loan.amortization === "equal-principal" && loan.termMonths === 36 && loan.remainingTermMonths === 18,
    );
    if (half === undefined) throw new Error("no such loan in the sample");
    expect(half.currentPrincipalCents).to.equal(half.originalPrincipalCents / 2n);
  });

  it("applies the options", () => {
    const key = new Uint8Array(32).fill(1);
    const [base] = generateLoans(1, 8);
    const [keyed] = generateLoans(1, 8, { borrowerKey: key });
    const [prefixed] = generateLoans(1, 8, { loanIdPrefix: "DEAL7-" });
    const [earlier] = generateLoans(1, 8, { asOfDate: "2020-12-31" });
    if (base === undefined || keyed === undefined || prefixed === undefined || earlier === undefined) {
      throw new Error("no loan");
    }
    expect(keyed.borrowerId).not.to.equal(base.borrowerId);
    expect({ ...keyed, borrowerId: base.borrowerId }).to.deep.equal(base);
    expect(prefixed.loanId).to.equal("DEAL7-00000001");
    expect(earlier.originationDate <= "2020-12-31" && earlier.maturityDate > "2020-12-31").to.equal(true);
    const single = new Set([...generateLoans(50, 8, { borrowerCount: 1 })].map((loan) => loan.borrowerId));
    expect(single.size).to.equal(1);
    expect([...generateLoans(0, 8)]).to.deep.equal([]);
  });

  it("rejects bad arguments when iteration starts", () => {
    const cases: [() => unknown, string][] = [
      [() => [...generateLoans(-1, 1)], "Invalid count: expected a whole number of loans, 0 or more, found -1"],
      [() => [...generateLoans(1, -1)], "Invalid seed: expected an integer from 0 to 4294967295, found -1"],
      [
        () => [...generateLoans(1, 1, { asOfDate: "2025-02-30" })],
        'Invalid asOfDate: expected a calendar date yyyy-mm-dd from 1980-01-01, found "2025-02-30"',
      ],
      [
        () => [...generateLoans(1, 1, { loanIdPrefix: "bad prefix" })],
        `Invalid loanIdPrefix: expected 0-40 characters from A-Z, a-z, 0-9, '.', '_', '-', found "bad prefix"`,
      ],
      [
        () => [...generateLoans(1, 1, { borrowerCount: 0 })],
        "Invalid borrowerCount: expected a whole number of borrowers, 1 or more, found 0",
      ],
      [
        () => [...generateLoans(1, 1, { borrowerKey: new Uint8Array(4) })],
        "Invalid borrowerKey: expected a secret key of at least 32 bytes, found 4 bytes",
      ],
    ];
    for (const [run, message] of cases) {
      expect(run).to.throw(CoreError, message).with.property("code", "INVALID_ARGUMENT");
    }
  });
});

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
