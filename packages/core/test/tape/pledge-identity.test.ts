import { expect } from "chai";
import { isoDateToEpochDay } from "../../src/iso-date";
import { pledgeIdentityDigest } from "../../src/pledge/pledge-identity";
import { type CommittedLoan } from "../../src/tape/validate-tape";
import { HEADER, KEY, csvText, loans, rowsOf, validate } from "./fixtures";

const COMMIT = { saltKey: KEY, borrowerKey: KEY, pledgeIdentities: true };
const records = loans(600, 7);
/** A national id per loan, written with spaces and a lower-case check character some of the time. */
const nationalIdOf = (i: number) => `44052418800101${String(i).padStart(3, "0")}x`;
const written = (i: number) => (i % 3 === 0 ? ` 4405 2418 8001 01${String(i).padStart(3, "0")}x ` : nationalIdOf(i));

/** The tape with `borrower_id` replaced by `national_id` (or, with `both`, `national_id` added beside it). */
function tape(both = false, cell: (i: number) => string = written): string {
  const rows = rowsOf(records).map((row, i) => (both ? [...row, cell(i)] : [row[0] ?? "", cell(i), ...row.slice(2)]));
  const header = both ? [...HEADER, "national_id"] : ["loan_id", "national_id", ...HEADER.slice(2)];
  return csvText(header, rows);
}

const expected = (i: number) => {
  const record = records[i];
  if (record === undefined) throw new Error("no record");
  const digest = pledgeIdentityDigest({
    nationalId: nationalIdOf(i).toUpperCase(),
    originationDay: isoDateToEpochDay(record.originationDate),
    originalPrincipalCents: record.originalPrincipalCents,
  });
  return `0x${Buffer.from(digest).toString("hex")}`;
};

describe("tape/validateTape with pledge identities", function () {
  this.timeout(60_000);

  for (const workerThreads of [0, 2]) {
    it(`gives each committed loan the digest of its normalised national id, date and principal (${workerThreads} workers)`, async () => {
      const handed: CommittedLoan[] = [];
      const result = await validate(tape(), { ...COMMIT, workerThreads, onLoan: (loan) => void handed.push(loan) });
      expect(result.valid).to.equal(true);
      expect(handed.map((loan) => loan.pledgeDigest)).to.deep.equal(records.map((_, i) => expected(i)));
    });
  }

  it("reads national_id for the digest even when borrower_id keys the rows; the records are unchanged", async () => {
    const handed: CommittedLoan[] = [];
    const result = await validate(tape(true), { ...COMMIT, onLoan: (loan) => void handed.push(loan) });
    const plain = await validate(csvText(HEADER, rowsOf(records)), { saltKey: KEY, borrowerKey: KEY });
    expect(result.valid).to.equal(true);
    expect(result.root).to.equal(plain.root);
    expect(handed[5]?.pledgeDigest).to.equal(expected(5));
  });

  it("refuses a tape without national_id, naming why", async () => {
    const result = await validate(csvText(HEADER, rowsOf(records)), COMMIT);
    expect(result.valid).to.equal(false);
    expect(result.errors[0]?.code).to.equal("TAPE_COLUMN_MISSING");
    expect(result.errors[0]?.message).to.match(/national_id column: the pool registers pledges/);
  });

  it("refuses an empty national id without showing any value", async () => {
    const result = await validate(
      tape(true, (i) => (i === 4 ? "  " : written(i))),
      COMMIT,
    );
    expect(result.valid).to.equal(false);
    expect(result.errors).to.have.length(1);
    expect(result.errors[0]?.message).to.match(/row 6.*national_id.*a cell of spaces only/);
  });

  it("leaves loans without a digest when not asked", async () => {
    const handed: CommittedLoan[] = [];
    await validate(tape(), { saltKey: KEY, borrowerKey: KEY, onLoan: (loan) => void handed.push(loan) });
    expect(handed.every((loan) => loan.pledgeDigest === undefined)).to.equal(true);
  });
});
