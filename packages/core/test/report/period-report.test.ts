import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { keccak256 } from "ethers";
import fc from "fast-check";
import { createHmac } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { InvalidArgumentError } from "../../src/errors";
import { loanStateLeaf } from "../../src/report/loan-state";
import {
  buildPeriodReport,
  type PeriodReportOptions,
  type PeriodReportResult,
  type StateLeaf,
} from "../../src/report/period-report";
import { type ReportIssueCode } from "../../src/report/report-issue";
import { generateLoans } from "../../src/synthetic-tape";
import { verifyLoanProof } from "../../src/tape-commitment";
import {
  PERFORMANCE_COLUMNS,
  generatePerformance,
  writePerformanceCsv,
  type PerformanceRow,
} from "../../src/tape/performance";

const SALT_KEY = new Uint8Array(32).fill(0x37);
const HEADER = PERFORMANCE_COLUMNS.join(",");
const OPTIONS: PeriodReportOptions = { period: 3, startDate: "2025-08-31", endDate: "2025-09-30", saltKey: SALT_KEY };

/**
 * Period 3 of a small pool, amounts in yuan. Columns: loan, period, end date, opening, scheduled, paid,
 * interest, prepayment, default, recovery, closing, status, days past due.
 */
const LOANS = [
  [
    "L-PREPAY",
    "3",
    "2025-09-30",
    "10000.00",
    "500.00",
    "500.00",
    "50.00",
    "9500.00",
    "0.00",
    "0.00",
    "0.00",
    "prepaid",
    "0",
  ],
  [
    "L-CURRENT",
    "3",
    "2025-09-30",
    "20000.00",
    "1000.00",
    "1000.00",
    "100.00",
    "0.00",
    "0.00",
    "0.00",
    "19000.00",
    "current",
    "0",
  ],
  [
    "L-D30",
    "3",
    "2025-09-30",
    "8000.00",
    "400.00",
    "0.00",
    "0.00",
    "0.00",
    "0.00",
    "0.00",
    "8000.00",
    "delinquent",
    "30",
  ],
  [
    "L-D60",
    "3",
    "2025-09-30",
    "6000.00",
    "300.00",
    "0.00",
    "0.00",
    "0.00",
    "0.00",
    "0.00",
    "6000.00",
    "delinquent",
    "60",
  ],
  [
    "L-D90",
    "3",
    "2025-09-30",
    "5000.00",
    "250.00",
    "0.00",
    "0.00",
    "0.00",
    "0.00",
    "0.00",
    "5000.00",
    "delinquent",
    "95",
  ],
  [
    "L-DEFAULT",
    "3",
    "2025-09-30",
    "7000.00",
    "350.00",
    "0.00",
    "0.00",
    "0.00",
    "7000.00",
    "0.00",
    "0.00",
    "defaulted",
    "90",
  ],
  [
    "L-RECOVER",
    "3",
    "2025-09-30",
    "0.00",
    "0.00",
    "0.00",
    "0.00",
    "0.00",
    "0.00",
    "1234.56",
    "0.00",
    "defaulted",
    "150",
  ],
  [
    "L-CURE",
    "3",
    "2025-09-30",
    "3000.00",
    "150.00",
    "300.00",
    "45.50",
    "0.00",
    "0.00",
    "0.00",
    "2700.00",
    "current",
    "0",
  ],
  [
    "L-PARTIAL",
    "3",
    "2025-09-30",
    "4000.00",
    "200.00",
    "200",
    "30.25",
    "1000.0",
    "0.00",
    "0.00",
    "2800.00",
    "current",
    "0",
  ],
] as const;

function csv(rows: readonly (readonly string[])[], header = HEADER): string {
  return [header, ...rows.map((row) => row.join(","))].join("\n") + "\n";
}

/** LOANS with one cell of one row replaced. */
function withCell(loanIndex: number, column: (typeof PERFORMANCE_COLUMNS)[number], value: string): string[][] {
  return LOANS.map((row, i) => {
    const copy: string[] = [...row];
    if (i === loanIndex) copy[PERFORMANCE_COLUMNS.indexOf(column)] = value;
    return copy;
  });
}

async function build(
  text: string | Buffer,
  options: Partial<PeriodReportOptions> = {},
  chunkBytes = 64 * 1024,
): Promise<PeriodReportResult> {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
  return buildPeriodReport(Readable.from(chunks), { ...OPTIONS, ...options });
}

function unixSeconds(year: number, month: number, day: number): bigint {
  return BigInt(Date.UTC(year, month - 1, day) / 1000);
}

describe("report/buildPeriodReport", () => {
  describe("a hand-computed period", () => {
    const text = csv(LOANS);

    it("aggregates every field of the contract's PeriodReport exactly", async () => {
      const result = await build(text);
      expect(result.errors).to.deep.equal([]);
      expect(result.valid).to.equal(true);
      expect(result.rows).to.equal(9);
      const { report } = result;
      expect(report).to.not.equal(undefined);
      expect(Object.keys(report ?? {})).to.deep.equal([
        "period",
        "startDate",
        "endDate",
        "interestCollectedCents",
        "scheduledPrincipalCents",
        "prepaymentCents",
        "recoveryCents",
        "newDefaultsCents",
        "delinquent30Cents",
        "delinquent60Cents",
        "delinquent90PlusCents",
        "endingBalanceCents",
        "loanCount",
        "loanStateRoot",
        "contentHash",
      ]);
      expect(report).to.deep.include({
        period: 3,
        startDate: unixSeconds(2025, 8, 31),
        endDate: unixSeconds(2025, 9, 30),
        interestCollectedCents: 22575n, // 50 + 100 + 45.50 + 30.25
        scheduledPrincipalCents: 200000n, // paid principal: 500 + 1000 + 300 (cure, with arrears) + 200
        prepaymentCents: 1050000n, // 9500 full + 1000 partial
        recoveryCents: 123456n,
        newDefaultsCents: 700000n, // only L-DEFAULT's charge-off; L-RECOVER defaulted earlier
        delinquent30Cents: 800000n,
        delinquent60Cents: 600000n,
        delinquent90PlusCents: 500000n, // 95 days past due, not yet defaulted
        endingBalanceCents: 4350000n, // 19000 + 8000 + 6000 + 5000 + 2700 + 2800
        loanCount: 6n,
        contentHash: keccak256(Buffer.from(text, "utf8")),
      });
      expect(result.openingBalanceCents).to.equal(6300000n);
      // 2000 + 10500 + 7000 + 43500 = 63000
      expect(200000n + 1050000n + 700000n + 4350000n).to.equal(result.openingBalanceCents);
    });

    it("commits every row's state in a root equal to an independently built StandardMerkleTree", async () => {
      const result = await build(text);
      const statusIndex = { current: 0, delinquent: 1, defaulted: 2, prepaid: 3, matured: 4 } as const;
      const values = LOANS.map((row) => {
        const salt = `0x${createHmac("sha256", SALT_KEY).update(`abs.loan-state.v1|3|${row[0]}`).digest("hex")}`;
        const cents = (yuan: string) => BigInt(Math.round(Number(yuan) * 100));
        // Version 2: every amount of the row (opening .. closing), then status and days past due.
        const amounts = row.slice(3, 11).map(cents);
        return [salt, 2, row[0], 3, ...amounts, statusIndex[row[11]], Number(row[12])];
      });
      const types = ["bytes32", "uint8", "string", "uint32", ...Array<string>(8).fill("uint128"), "uint8", "uint16"];
      const oz = StandardMerkleTree.of(values, types);
      expect(result.report?.loanStateRoot).to.equal(oz.root);
      const tree = result.tree;
      expect(tree?.length).to.equal(LOANS.length);
      values.forEach((value, i) => {
        expect(tree?.leafAt(i)).to.equal(oz.leafHash(value));
        expect(verifyLoanProof(oz.root, oz.leafHash(value), tree?.getProof(i) ?? [])).to.equal(true);
      });
    });

    it("hands each state leaf to onLoanState in file order, awaiting what it returns", async () => {
      const seen: StateLeaf[] = [];
      let writing = 0;
      const result = await build(text, {
        onLoanState: (leaf) => {
          expect(writing).to.equal(0);
          seen.push(leaf);
          writing += 1;
          return new Promise<void>((resolve) =>
            setImmediate(() => {
              writing -= 1;
              resolve();
            }),
          );
        },
      });
      expect(seen.map((s) => s.state.loanId)).to.deep.equal(LOANS.map((row) => row[0]));
      seen.forEach((s, i) => {
        expect(s.leafIndex).to.equal(i);
        expect(s.leaf).to.equal(result.tree?.leafAt(i));
        expect(loanStateLeaf(s.state, s.salt)).to.equal(s.leaf);
        expect(Object.keys(s.state)).to.not.include("periodEndDate");
      });
      const prepaid = seen[0]?.state;
      expect(prepaid).to.deep.include({ prepaymentCents: 950000n, interestPaidCents: 5000n, status: "prepaid" });
    });

    it("gives the same report however the bytes are chunked, and another root with another key", async () => {
      const whole = await build(text);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 200 }), async (chunkBytes) => {
          const chunked = await build(text, {}, chunkBytes);
          expect(chunked.report).to.deep.equal(whole.report);
        }),
        { numRuns: 25 },
      );
      const other = await build(text, { saltKey: new Uint8Array(32).fill(1) });
      expect(other.report?.loanStateRoot).to.not.equal(whole.report?.loanStateRoot);
      expect(other.report?.contentHash).to.equal(whole.report?.contentHash);
    });

    it("without a salt key, gives the aggregates but no root, report or tree", async () => {
      const { saltKey: _unused, ...keyless } = OPTIONS;
      const result = await buildPeriodReport(Readable.from([Buffer.from(text)]), keyless);
      expect(result.valid).to.equal(true);
      expect(result.aggregates?.endingBalanceCents).to.equal(4350000n);
      expect(result.report).to.equal(undefined);
      expect(result.tree).to.equal(undefined);
    });

    it("accepts loans of the tape's loan-id set and rejects others", async () => {
      const ids = new Set<string>(LOANS.map((row) => row[0]));
      expect((await build(text, { tapeLoanIds: ids })).valid).to.equal(true);
      ids.delete("L-D60");
      const result = await build(text, { tapeLoanIds: ids });
      expect(result.valid).to.equal(false);
      expect(result.errors.map((e) => [e.code, e.row, e.column])).to.deep.equal([["REPORT_LOAN_UNKNOWN", 5, 1]]);
    });
  });

  describe("bad files: every problem with its row and column, and no report", () => {
    const cases: [string, string | Buffer, [ReportIssueCode, number, number | undefined][]][] = [
      ["a negative amount", csv(withCell(1, "interest_paid_yuan", "-100.00")), [["REPORT_VALUE_INVALID", 3, 7]]],
      ["three decimals", csv(withCell(2, "opening_principal_yuan", "8000.001")), [["REPORT_VALUE_INVALID", 4, 4]]],
      ["an unknown status", csv(withCell(0, "status", "paid-off")), [["REPORT_VALUE_INVALID", 2, 12]]],
      ["a bad date", csv(withCell(0, "period_end_date", "2025-09-31")), [["REPORT_VALUE_INVALID", 2, 3]]],
      ["a bad loan id", csv(withCell(0, "loan_id", "L 1")), [["REPORT_VALUE_INVALID", 2, 1]]],
      ["days past due not a number", csv(withCell(0, "days_past_due", "3o")), [["REPORT_VALUE_INVALID", 2, 13]]],
      ["a row of another period", csv(withCell(4, "period", "4")), [["REPORT_PERIOD_MISMATCH", 6, 2]]],
      ["another period end", csv(withCell(4, "period_end_date", "2025-10-31")), [["REPORT_DATE_MISMATCH", 6, 3]]],
      [
        "closing off by a cent",
        csv(withCell(1, "closing_principal_yuan", "19000.01")),
        [["REPORT_BALANCE_MISMATCH", 3, 11]],
      ],
      ["current but 30 days late", csv(withCell(1, "days_past_due", "30")), [["REPORT_STATUS_INCONSISTENT", 3, 12]]],
      ["delinquent with 0 days", csv(withCell(2, "days_past_due", "0")), [["REPORT_STATUS_INCONSISTENT", 4, 12]]],
      [
        "a default on a current loan",
        csv(withCell(1, "default_principal_yuan", "19000.00").map((row, i) => (i === 1 ? row.with(10, "0.00") : row))),
        [
          ["REPORT_STATUS_INCONSISTENT", 3, 12],
          ["REPORT_STATUS_INCONSISTENT", 3, 12],
        ],
      ],
      ["a duplicate loan id", csv([...LOANS, LOANS[3]]), [["REPORT_DUPLICATE_LOAN_ID", 11, 1]]],
      ["too few cells", csv([...LOANS.slice(0, 2), LOANS[2].slice(0, 12)]), [["REPORT_ROW_FIELD_COUNT", 4, undefined]]],
      ["a missing column", csv(LOANS, HEADER.replace(",recovery_yuan", "")), [["REPORT_COLUMN_MISSING", 1, undefined]]],
      [
        "an unknown column",
        csv(
          LOANS.map((row) => [...row, "x"]),
          `${HEADER},note`,
        ),
        [["REPORT_COLUMN_UNKNOWN", 1, 14]],
      ],
      [
        "a duplicate column",
        csv(LOANS, HEADER.replace("loan_id", "status")),
        [
          ["REPORT_COLUMN_DUPLICATE", 1, 12],
          ["REPORT_COLUMN_MISSING", 1, undefined], // loan_id
        ],
      ],
      ["an empty file", "", [["REPORT_EMPTY", 1, undefined]]],
      ["a header only", `${HEADER}\n`, [["REPORT_NO_ROWS", 2, undefined]]],
      ["no line break at the end", csv(LOANS).slice(0, -1), [["REPORT_TRUNCATED", 10, undefined]]],
      ["a stray quote", csv(withCell(0, "loan_id", 'L"1')), [["REPORT_ROW_MALFORMED", 2, undefined]]],
      [
        "bytes invalid in UTF-8",
        Buffer.concat([Buffer.from(csv(LOANS.slice(0, 1)).slice(0, -2)), Buffer.from([0xff, 0x0a])]),
        [["REPORT_ENCODING_INVALID", 2, 13]],
      ],
    ];
    for (const [name, text, expected] of cases) {
      it(name, async () => {
        const result = await build(text, { encoding: "utf8" });
        expect(result.errors.map((e) => [e.code, e.row, e.column])).to.deep.equal(expected);
        expect(result.valid).to.equal(false);
        expect(result.report).to.equal(undefined);
        expect(result.aggregates).to.equal(undefined);
        expect(result.tree).to.equal(undefined);
      });
    }

    it("says what was expected and what was found, with the place", async () => {
      const result = await build(csv(withCell(1, "closing_principal_yuan", "19000.01")));
      expect(result.errors[0]?.message).to.equal(
        'REPORT_BALANCE_MISMATCH at row 3 column 11 "closing_principal_yuan": ' +
          "expected opening - paid - prepayment - default = 19000.00, found 19000.01",
      );
    });

    it("reports every bad row, or stops at maxErrors", async () => {
      const text = csv(LOANS.map((row) => [...row.slice(0, 1), "4", ...row.slice(2)]));
      const all = await build(text);
      expect(all.errors).to.have.length(LOANS.length);
      expect(all.stoppedEarly).to.equal(false);
      const some = await build(text, { maxErrors: 2 });
      expect(some.errors).to.have.length(2);
      expect(some.stoppedEarly).to.equal(true);
    });

    it("rejects bad options with INVALID_ARGUMENT", async () => {
      for (const options of [
        { period: 0 },
        { period: 1.5 },
        { startDate: "2025-09-30" },
        { endDate: "2025-02-30" },
        { saltKey: new Uint8Array(8) },
      ]) {
        const error: unknown = await build(csv(LOANS), options).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error, JSON.stringify(options)).to.be.instanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).code).to.equal("INVALID_ARGUMENT");
      }
    });
  });

  describe("the generator's synthetic performance", () => {
    const loans = [...generateLoans(400, 77)];
    const periods = 6;
    const rows = [...generatePerformance(loans, periods, 5)];

    async function periodFile(period: number): Promise<{ bytes: Buffer; rows: PerformanceRow[] }> {
      const ofPeriod = rows.filter((row) => row.period === period);
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on("data", (chunk: Buffer) => chunks.push(chunk));
      await writePerformanceCsv(ofPeriod, out);
      out.end();
      return { bytes: Buffer.concat(chunks), rows: ofPeriod };
    }

    it("aggregates every period with exact conservation, chained from period to period", async () => {
      const tapeLoanIds = new Set(loans.map((loan) => loan.loanId));
      let start = "2025-06-30";
      let previousEnding: bigint | undefined;
      let sawDelinquency = false;
      for (let period = 1; period <= periods; period++) {
        const file = await periodFile(period);
        const end = file.rows[0]?.periodEndDate ?? "";
        const result = await build(file.bytes, { period, startDate: start, endDate: end, tapeLoanIds });
        expect(result.errors, `period ${period}`).to.deep.equal([]);
        const report = result.report;
        if (report === undefined || result.openingBalanceCents === undefined) throw new Error("no report");
        expect(
          report.scheduledPrincipalCents + report.prepaymentCents + report.newDefaultsCents + report.endingBalanceCents,
          `conservation in period ${period}`,
        ).to.equal(result.openingBalanceCents);
        if (previousEnding !== undefined) expect(result.openingBalanceCents).to.equal(previousEnding);
        const outstanding = file.rows.filter((row) => row.status === "current" || row.status === "delinquent");
        expect(report.loanCount).to.equal(BigInt(outstanding.length));
        const sum = (pick: (row: PerformanceRow) => bigint): bigint => file.rows.reduce((t, row) => t + pick(row), 0n);
        expect(report.endingBalanceCents).to.equal(sum((row) => row.closingPrincipalCents));
        expect(report.recoveryCents).to.equal(sum((row) => row.recoveryCents));
        const buckets = report.delinquent30Cents + report.delinquent60Cents + report.delinquent90PlusCents;
        expect(buckets <= report.endingBalanceCents).to.equal(true);
        sawDelinquency ||=
          report.delinquent30Cents > 0n && report.delinquent60Cents > 0n && report.newDefaultsCents > 0n;
        expect(report.contentHash).to.equal(keccak256(file.bytes));
        previousEnding = report.endingBalanceCents;
        start = end;
      }
      expect(sawDelinquency, "some period with 30- and 60-day buckets and new defaults").to.equal(true);
    });
  });
});
