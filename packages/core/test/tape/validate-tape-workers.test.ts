import { expect } from "chai";
import fc from "fast-check";
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
    recordJsonUtf8: Buffer.from(loan.recordJsonUtf8).toString("utf8"),
    salt: loan.salt,
    saltAscii: Buffer.from(loan.saltAscii).toString("latin1"),
    leaf: loan.leaf,
    leafBytes: Buffer.from(loan.leafBytes).toString("hex"),
    leafIndex: loan.leafIndex,
  };
}

/** Small slices, so that even a short tape is spread over many slices and both workers. */
const SLICE_CHARS = 2000;

/**
 * Validates `text` on this thread and on row workers (two, unless `workers.workerThreads` says otherwise); both
 * results (and the loans handed on) must be equal.
 */
async function bothWays(
  text: string,
  options: { readonly maxErrors?: number } = {},
  chunkSize?: number,
  workers: { readonly workerThreads?: number; readonly sliceChars?: number } = {},
) {
  const inline: ReturnType<typeof seen>[] = [];
  const onWorkers: ReturnType<typeof seen>[] = [];
  const here = await validate(
    text,
    { ...COMMIT, ...options, onLoan: (loan) => void inline.push(seen(loan)) },
    chunkSize,
  );
  const there = await validate(
    text,
    {
      ...COMMIT,
      ...options,
      workerThreads: workers.workerThreads ?? 2,
      sliceChars: workers.sliceChars ?? SLICE_CHARS,
      onLoan: (loan) => void onWorkers.push(seen(loan)),
    },
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

  it("carries amounts above 64 bits across the threads exactly (summary, records, root)", async () => {
    const huge = rows
      .slice(0, 40)
      .map((row, i) =>
        i % 3 === 0
          ? withCell(
              withCell(row, "original_principal_yuan", "340282366920938463463374607431768211.45"),
              "current_principal_yuan",
              `${(2n ** 70n + BigInt(i)).toString()}.01`,
            )
          : row,
      );
    const { result, loans: handed } = await bothWays(csvText(HEADER, huge));
    expect(result.valid, JSON.stringify(result.errors[0])).to.equal(true);
    expect(handed[0]?.record.currentPrincipalCents).to.equal(2n ** 70n * 100n + 1n);
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

  it("reads the tape with one large slice as with many small ones", async () => {
    await bothWays(csvText(HEADER, rows), {}, undefined, { sliceChars: 64 * 1024 });
    await bothWays(csvText(HEADER, rows.slice(0, 50)), {}, undefined, { sliceChars: 1, workerThreads: 1 });
  });

  it("reads any tape as on one thread: quotes, quoted line breaks, CRLF, blank lines, a BOM, broken records", async () => {
    /** What may happen to one row of a valid tape. */
    const fault = fc.constantFrom(
      "none",
      "none",
      "none",
      "bad amount",
      "short",
      "extra cell",
      "quoted line break",
      "quoted quote",
      "stray quote",
      "text after a closing quote",
      "blank line before",
    );
    const apply = (row: string[], what: string): string[] => {
      switch (what) {
        case "bad amount":
          return withCell(row, "original_principal_yuan", "1,0.0");
        case "short":
          return row.slice(0, 9);
        case "extra cell":
          return [...row, "x"];
        case "quoted line break":
          return withCell(row, "region", "Bei\njing\r\n");
        case "quoted quote":
          return withCell(row, "region", 'Bei"jing');
        default:
          return row;
      }
    };
    const tape = fc.record({
      faults: fc.array(fault, { minLength: 1, maxLength: 120 }),
      eol: fc.constantFrom("\n", "\r\n"),
      bom: fc.boolean(),
      noFinalEol: fc.boolean(),
      unclosedQuoteAtEnd: fc.boolean(),
      chunkSize: fc.integer({ min: 7, max: 5000 }),
      sliceChars: fc.integer({ min: 1, max: 4000 }),
      workerThreads: fc.integer({ min: 1, max: 2 }),
      maxErrors: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(tape, async (t) => {
        const lines = t.faults.map((what, i) => {
          const row = apply(rows[i % rows.length] ?? [], what);
          let line = csvText(HEADER, [row], { eol: t.eol, noFinalEol: true }).split(t.eol).slice(1).join(t.eol);
          if (what === "stray quote") line = line.replace(",", ',ab"c');
          if (what === "text after a closing quote") line = line.replace(",", ',"ab"c');
          return what === "blank line before" ? t.eol + line : line;
        });
        let text = [HEADER.join(","), ...lines].join(t.eol) + (t.noFinalEol ? "" : t.eol);
        if (t.unclosedQuoteAtEnd) text += `L9"${"x".repeat(50)}`;
        if (t.bom) text = "\uFEFF" + text;
        const options = t.maxErrors === undefined ? {} : { maxErrors: t.maxErrors };
        await bothWays(text, options, t.chunkSize, { sliceChars: t.sliceChars, workerThreads: t.workerThreads });
      }),
      { numRuns: 25, seed: 20261206 },
    );
  });

  it("refuses a worker count that is not a whole number from 0 to 64, and a slice size under 1", async () => {
    for (const workerThreads of [-1, 1.5, 65]) {
      await validate(csvText(HEADER, rows.slice(0, 2)), { workerThreads }).then(
        () => expect.fail(`${workerThreads} accepted`),
        (error: Error) => expect(error.message).to.contain("workerThreads"),
      );
    }
    for (const sliceChars of [0, 2.5]) {
      await validate(csvText(HEADER, rows.slice(0, 2)), { workerThreads: 1, sliceChars }).then(
        () => expect.fail(`${sliceChars} accepted`),
        (error: Error) => expect(error.message).to.contain("sliceChars"),
      );
    }
  });
});
