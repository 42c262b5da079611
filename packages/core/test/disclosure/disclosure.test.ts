import { expect } from "chai";
import fc from "fast-check";
import {
  buildInvestorReport,
  buildLoanDisclosure,
  DISCLOSURE_TEMPLATES,
  LOAN_TEMPLATES,
  loanRowByCode,
} from "../../src/disclosure/build";
import { wadPercent } from "../../src/disclosure/cells";
import { DisclosureFileError, inFormat, parseDisclosure } from "../../src/disclosure/disclosure-file";
import { ESMA_ANNEX12_FIELDS, type InvestorReportInput } from "../../src/disclosure/esma-annex12";
import { ESMA_ANNEX6 } from "../../src/disclosure/esma-annex6";
import { type DisclosureContext, type LoanDisclosureInput } from "../../src/disclosure/loan-disclosure";
import { REGAB_AUTO } from "../../src/disclosure/regab-auto";
import { type LoanRecord } from "../../src/loan-record";
import { loanStateOf, type LoanState } from "../../src/report/loan-state";
import { generateLoans } from "../../src/synthetic-tape";
import { generatePerformance } from "../../src/tape/performance";

const PERIODS = 4;
const END_DATES = ["2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31"];

function contextFor(period: number): DisclosureContext {
  return {
    uniqueIdentifier: "529900T8BM49AURSDO55N202501",
    currency: "CNY",
    country: "CN",
    originatorName: "Acme Consumer Finance",
    servicerName: "Acme Servicing",
    period,
    periodStartDate: period === 1 ? "2025-07-01" : `${END_DATES[period - 2]}`,
    dataCutOffDate: END_DATES[period - 1] ?? "",
    closingDate: "2025-06-30",
    tapeVersion: 1,
    periodEndDates: END_DATES,
  };
}

/** A synthetic pool and its performance through PERIODS periods, as the servicer reports it. */
function pool(
  count: number,
  seed: number,
  disclosure = false,
): { loans: LoanDisclosureInput[]; records: LoanRecord[] } {
  const records = [...generateLoans(count, seed, { asOfDate: "2025-06-30", disclosure })];
  const states = new Map<string, LoanState[]>();
  for (const row of generatePerformance(records, PERIODS, seed, { asOfDate: "2025-06-30" })) {
    const list = states.get(row.loanId) ?? [];
    list.push(loanStateOf(row));
    states.set(row.loanId, list);
  }
  return { records, loans: records.map((record) => ({ record, states: states.get(record.loanId) ?? [] })) };
}

/** The loans with a state in `period`, as the disclosure takes them. */
function reportedIn(loans: readonly LoanDisclosureInput[], period: number): LoanDisclosureInput[] {
  return loans.filter((l) => l.states.some((s) => s.period === period));
}

describe("disclosure files from committed data", () => {
  const { loans } = pool(200, 7);
  const header = { template: "esma-annex6", deal: "ACME", period: "3" };

  it("ESMA Annex VI: one record per loan in loan id order, every field in published order, read back exactly", () => {
    const inPeriod = reportedIn(loans, 3);
    const built = buildLoanDisclosure(ESMA_ANNEX6, inPeriod, contextFor(3), header);
    const parsed = parseDisclosure(built.text);
    expect(parsed.header).to.deep.equal(header);
    expect(parsed.records).to.have.length(inPeriod.length);
    const ids = parsed.records.map((r) => r.cells.get("CMRL2") ?? "");
    expect(ids).to.deep.equal([...ids].sort());
    for (const record of parsed.records) {
      expect([...record.cells.keys()]).to.deep.equal(ESMA_ANNEX6.fields.map((f) => f.code));
      const loan = inPeriod.find((l) => l.record.loanId === record.cells.get("CMRL2"));
      expect(loan).to.not.equal(undefined);
      expect(record.cells).to.deep.equal(loanRowByCode(ESMA_ANNEX6, loan as LoanDisclosureInput, contextFor(3)));
    }
    expect(Number(parsed.quality.records)).to.equal(inPeriod.length);
    expect(Number(parsed.quality.cells)).to.equal(inPeriod.length * 69);
  });

  it("ESMA Annex VI cells follow the loan's record and history: balances, status, cumulative amounts, event dates", () => {
    const inPeriod = reportedIn(loans, PERIODS);
    for (const loan of inPeriod) {
      const row = loanRowByCode(ESMA_ANNEX6, loan, contextFor(PERIODS));
      const states = loan.states.filter((s) => s.period <= PERIODS);
      const last = states.find((s) => s.period === PERIODS) as LoanState;
      const cents = (text: string | undefined) => BigInt((text ?? "").replace(".", ""));
      expect(cents(row.get("CMRL29"))).to.equal(loan.record.originalPrincipalCents);
      expect(cents(row.get("CMRL30"))).to.equal(last.closingPrincipalCents);
      expect(cents(row.get("CMRL53"))).to.equal(states.reduce((sum, s) => sum + s.prepaymentCents, 0n));
      expect(row.get("CMRL57")).to.equal(String(last.daysPastDue));
      expect(row.get("CMRL6")).to.equal(END_DATES[PERIODS - 1]);
      expect(row.get("CMRL41")).to.equal(wadPercent(loan.record.rateWad));
      const defaulted = states.some((s) => s.defaultPrincipalCents > 0n || s.status === "defaulted");
      expect(row.get("CMRL60") === "ND5").to.equal(!defaulted);
      if (defaulted) {
        const first = states.find((s) => s.defaultPrincipalCents > 0n || s.status === "defaulted") as LoanState;
        expect(row.get("CMRL61")).to.equal(END_DATES[first.period - 1]);
        expect(cents(row.get("CMRL60"))).to.equal(states.reduce((sum, s) => sum + s.defaultPrincipalCents, 0n));
      }
      const status = { current: "PERF", delinquent: "ARRE", defaulted: "DFLT", prepaid: "REDM", matured: "REDM" };
      expect(row.get("CMRL58")).to.equal(status[last.status]);
    }
    expect(inPeriod.some((l) => loanRowByCode(ESMA_ANNEX6, l, contextFor(PERIODS)).get("CMRL58") === "ARRE")).to.equal(
      true,
      "the synthetic pool has a loan in arrears",
    );
  });

  it("Reg AB auto: ending balance = beginning - principal collected - charged off, on every row; absent points left out", () => {
    const inPeriod = reportedIn(loans, 2);
    const built = buildLoanDisclosure(REGAB_AUTO, inPeriod, contextFor(2), { template: "regab-auto" });
    const parsed = parseDisclosure(built.text);
    const check = REGAB_AUTO.checks[0];
    for (const record of parsed.records) {
      expect(check?.test(record.cells)).to.equal(true);
      expect(record.cells.has("obligorCreditScore")).to.equal(false);
      expect(record.cells.get("reportingPeriodEndingDate")).to.equal("08/31/2025");
    }
    expect(built.quality.failures.size, [...built.quality.failures.keys()].join("; ")).to.equal(0);
    // Absent points count against completeness, not validity.
    expect(built.quality.populated).to.be.below(built.quality.cells);
    expect(built.quality.checksPassed).to.equal(built.quality.checks);
  });

  it("data quality: completeness x validity, ND5 is not applicable, a no-data code the field refuses is a failed check", () => {
    const one = reportedIn(loans, 1).slice(0, 1);
    const built = buildLoanDisclosure(ESMA_ANNEX6, one, contextFor(1), header);
    const q = built.quality;
    expect(q.cells).to.equal(69);
    const applicable = q.cells - q.notApplicable;
    expect(q.scoreBps).to.equal(Math.floor((10_000 * q.populated * q.checksPassed) / (applicable * q.checks)));
    // The unique identifier is an Article 11 one here, so every check passes.
    expect([...q.failures.keys()]).to.deep.equal([]);
    const deal = buildLoanDisclosure(ESMA_ANNEX6, one, { ...contextFor(1), uniqueIdentifier: "ACME-2026-1" }, header);
    expect([...deal.quality.failures.keys()]).to.deep.equal([
      "the unique identifier (CMRL1) is an Article 11(1) identifier: LEI (20), N, year (4), 2 digits",
    ]);
    expect(deal.quality.scoreBps).to.be.below(q.scoreBps);
  });

  it("the investor report: IVSS figures from the anchored report; CPR and CDR as the indexer defines them", () => {
    const input: InvestorReportInput = {
      uniqueIdentifier: "529900T8BM49AURSDO55N202501",
      dataCutOffDate: "2025-09-30",
      securitisationName: "ACME-2026-1",
      reportingEntityName: "Zhongxin Trust",
      contact: { person: "Li Wei", telephone: "+86 10 5555 0100", emails: "abs@example.com" },
      triggerBreached: false,
      report: {
        interestCollectedCents: 4_100_000n,
        scheduledPrincipalCents: 20_000_000n,
        prepaymentCents: 10_000_000n,
        recoveryCents: 300_000n,
        newDefaultsCents: 1_000_000n,
        endingBalanceCents: 969_000_000n,
      },
      openingBalanceCents: 1_000_000_000n,
      cumulativeDefaultsCents: 2_500_000n,
      notesOutstandingCents: 900_000_000n,
    };
    const built = buildInvestorReport(input, { template: "esma-annex12" });
    const cells = parseDisclosure(built.text).records[0]?.cells ?? new Map<string, string>();
    expect([...cells.keys()]).to.deep.equal(ESMA_ANNEX12_FIELDS.map((f) => f.code));
    expect(cells.get("IVSS16")).to.equal("300000.00");
    expect(cells.get("IVSS17")).to.equal("41000.00");
    expect(cells.get("IVSS24")).to.equal("10000.00");
    expect(cells.get("IVSS28")).to.equal("25000.00");
    // SMM = 100,000 / (10,000,000 - 200,000); CPR = 1 - (1 - SMM)^12 (not published: computed here in float).
    const cpr = (1 - Math.pow(1 - 100_000 / 9_800_000, 12)) * 100;
    expect(Number(cells.get("IVSS22"))).to.be.closeTo(cpr, 1e-8);
    const cdr = (1 - Math.pow(1 - 10_000 / 10_000_000, 12)) * 100;
    expect(Number(cells.get("IVSS27"))).to.be.closeTo(cdr, 1e-8);
    expect(cells.get("IVSS21")).to.equal("7.6666666666");
    expect(built.quality.failures.size).to.equal(0);
    const noContact = buildInvestorReport(
      { ...input, contact: { person: undefined, telephone: undefined, emails: undefined } },
      {},
    );
    expect([...noContact.quality.failures.keys()]).to.include(
      "the reporting entity's contact person, telephone and emails (IVSS5-IVSS7) are given",
    );
  });

  it("reading refuses what this writer did not write, naming the line (hostile files)", () => {
    const built = buildLoanDisclosure(ESMA_ANNEX6, reportedIn(loans, 1).slice(0, 2), contextFor(1), header);
    const lines = built.text.split("\n");
    const bad: [string, RegExp][] = [
      ["", /line 1: expected the XML declaration/],
      ["<html/>\n", /line 1: expected the XML declaration/],
      [lines.slice(0, 2).join("\n"), /line \d: expected/],
      [built.text.replace("<CMRL3>", "<CMRL2>").replace("</CMRL3>", "</CMRL2>"), /line 4: expected field CMRL2 once/],
      [built.text.replace("</CMRL4>", "</CMRL4><!-- x -->"), /line 4: expected only <Code>text<\/Code> children/],
      [built.text.replace("</AbsDisclosure>", ""), /expected the closing/],
      [built.text.replace("<UndrlygXpsr>", "<UndrlygXpsr>\n"), /line 4: expected a record on one line/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseDisclosure(text), JSON.stringify(text.slice(0, 80))).to.throw(DisclosureFileError, message);
    }
  });

  it("escapes what XML must escape, and reads it back (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (name) => {
        const one = reportedIn(loans, 1).slice(0, 1);
        const built = buildLoanDisclosure(ESMA_ANNEX6, one, { ...contextFor(1), originatorName: name }, { deal: name });
        const parsed = parseDisclosure(built.text);
        expect(parsed.header.deal).to.equal(name);
        expect(parsed.records[0]?.cells.get("CMRL64")).to.equal(name);
      }),
      { numRuns: 200 },
    );
  });

  it("the tape's disclosure columns fill their fields, and the score rises with them", () => {
    const extended = reportedIn(pool(200, 7, true).loans, 2);
    const plainBuilt = buildLoanDisclosure(ESMA_ANNEX6, reportedIn(loans, 2), contextFor(2), header);
    const built = buildLoanDisclosure(ESMA_ANNEX6, extended, contextFor(2), header);
    expect(built.quality.failures.size, [...built.quality.failures.keys()].join("; ")).to.equal(0);
    expect(built.quality.scoreBps).to.be.above(plainBuilt.quality.scoreBps);
    for (const loan of extended) {
      const row = loanRowByCode(ESMA_ANNEX6, loan, contextFor(2));
      const { record } = loan;
      expect(row.get("CMRL10")).to.equal("CNZZZ");
      expect(row.get("CMRL11")).to.equal("2021");
      expect(row.get("CMRL12")).to.match(/^(EMRS|EMBL|EMUK|SFEM|NOEM|STNT|PNNR|OTHR)$/);
      expect(BigInt((row.get("CMRL15") ?? "").replace(".", ""))).to.equal(record.annualIncomeCents);
      expect(row.get("CMRL17")).to.equal("CNY");
      expect(row.get("CMRL40")).to.equal(record.rateType === "fixed" ? "FXRL" : "FLIF");
      if (record.rateType === "fixed") {
        expect(row.get("CMRL44")).to.equal("ND5");
      } else {
        expect(row.get("CMRL44")).to.equal(wadPercent(record.rateMarginWad ?? 0n));
        expect(row.get("CMRL43")).to.equal("YEAR");
      }
      expect(row.get("CMRL54")).to.equal(record.restructuringDate ?? "ND5");
      const regab = loanRowByCode(REGAB_AUTO, loan, contextFor(2));
      expect(regab.get("obligorCreditScore")).to.equal(String(record.creditScore));
      expect(regab.get("obligorGeographicLocation")).to.equal(record.regionCode);
      expect(regab.get("originalInterestRateTypeCode")).to.equal(record.rateType === "fixed" ? "1" : "2");
    }
  });

  it("formats: dates are real calendar dates, amounts have 2 decimals, percentages at most 10", () => {
    expect(inFormat("DATE", "2025-02-28")).to.equal(true);
    expect(inFormat("DATE", "2025-02-30")).to.equal(false);
    expect(inFormat("DATE", "02/28/2025")).to.equal(true);
    expect(inFormat("DATE", "02/30/2025")).to.equal(false);
    expect(inFormat("MONETARY", "12.3")).to.equal(false);
    expect(inFormat("MONETARY", "12.30")).to.equal(true);
    expect(inFormat("PERCENTAGE", "4.35")).to.equal(true);
    expect(wadPercent(43_500_000_000_000_000n)).to.equal("4.35");
    expect(wadPercent(1n)).to.equal("0", "digits past the 10th decimal are cut");
    expect(DISCLOSURE_TEMPLATES).to.deep.equal(["esma-annex6", "esma-annex12", "regab-auto"]);
    expect(Object.keys(LOAN_TEMPLATES)).to.deep.equal(["esma-annex6", "regab-auto"]);
  });
});
