import { expect } from "chai";
import { loanRecordJson } from "../../src/loan-record";
import { type CommittedLoan } from "../../src/tape/validate-tape";
import { HEADER, KEY, csvText, loans, rowsOf, validate, withCell } from "./fixtures";

const COMMIT = { saltKey: KEY, borrowerKey: KEY };

/** What a caller sees of a committed loan, read through every accessor. */
function seen(loan: CommittedLoan) {
  return {
    loanId: loan.loanId,
    record: loan.record,
    recordJson: loan.recordJson,
    salt: loan.salt,
    leaf: loan.leaf,
    leafIndex: loan.leafIndex,
  };
}

/** Validates `text` on this thread and on two row workers; both results (and the loans handed on) must be equal. */
async function bothWays(text: string, options: { readonly maxErrors?: number } = {}, chunkSize?: number) {
  const inline: ReturnType<typeof seen>[] = [];
  const onWorkers: ReturnType<typeof seen>[] = [];
  const here = await validate(text, { ...COMMIT, ...options, onLoan: (loan) => void inline.push(seen(loan)) }, chunkSize);
  const there = await validate(
    text,
    { ...COMMIT, ...options, workerThreads: 2, onLoan: (loan) => void onWorkers.push(seen(loan)) },
    chunkSize,
  );
  expect(there.errors).to.deep.equal(here.errors);
  expect(there.summary).to.deep.equal(here.summary);
  expect(there.root).to.equal(here.root);
  expect(there.valid).to.equal(here.valid);
  expect(onWorkers).to.deep.equal(inline);
  return { result: there, loans: onWorkers };
}

describe("tape/validateTape on row workers", function () {
  this.timeout(60_000);
  const records = loans(700, 11);
  const rows = rowsOf(records);

  it("commits a tape of several batches to the same root, summary and loans, in row order", async () => {
    const { result, loans: handed } = await bothWays(csvText(HEADER, rows));
    expect(result.valid).to.equal(true);
    expect(handed.map((loan) => loan.leafIndex)).to.deep.equal(records.map((_, i) => i));
    // A loan checked on a worker arrives as JSON: its record parses back to the record, its JSON is the store's.
    expect(handed.map((loan) => loan.record)).to.deep.equal(records);
    const replaced = (value: unknown) =>
      JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(handed.map((loan) => loan.recordJson)).to.deep.equal(records.map(replaced));
    expect(records.map(loanRecordJson)).to.deep.equal(records.map(replaced));
  });

  it("reports the same issues at the same rows: bad cells, duplicates, short rows, stray quotes, quoted line breaks", async () => {
    const bad = rows.map((row, i) => {
      if (i % 50 === 3) return withCell(row, "original_principal_yuan", "-1.00");
      if (i % 50 === 13) return withCell(row, "origination_date", "2024-02-30");
      if (i % 50 === 23) return withCell(row, "loan_id", rows[0]?.[0] ?? "");
      if (i % 50 === 33) return row.slice(0, 12);
      if (i % 50 === 43) return withCell(row, "region", "Bei\njing");
      return row;
    });
    const text = csvText(HEADER, bad).replace(/\nL0*120,/, '\nL"0120,');
    const { result, loans: handed } = await bothWays(text);
    expect(result.valid).to.equal(false);
    expect(result.summary.errorCount).to.be.greaterThan(50);
    expect(handed).to.have.length(3); // onLoan stops at the first issue, on workers as on this thread
  });

  it("stops at maxErrors with the same issues, and with the same rows read", async () => {
    const bad = rows.map((row, i) => (i % 7 === 0 ? withCell(row, "status", "?") : row));
    const { result } = await bothWays(csvText(HEADER, bad), { maxErrors: 40 });
    expect(result.summary.stoppedEarly).to.equal(true);
    expect(result.errors).to.have.length(40);
  });

  it("gives the same result read one byte at a time, and for a cut-off last line", async () => {
    await bothWays(csvText(HEADER, rows.slice(0, 40)), {}, 1);
    const { result } = await bothWays(csvText(HEADER, rows.slice(0, 300), { noFinalEol: true }).slice(0, -20));
    expect(result.errors.map((issue) => issue.code)).to.deep.equal(["TAPE_TRUNCATED"]);
  });

  it("refuses a worker count that is not a whole number from 0 to 64", async () => {
    for (const workerThreads of [-1, 1.5, 65]) {
      await validate(csvText(HEADER, rows.slice(0, 2)), { workerThreads }).then(
        () => expect.fail(`${workerThreads} accepted`),
        (error: Error) => expect(error.message).to.contain("workerThreads"),
      );
    }
  });
});
