/**
 * ESMA Annex VI, underlying exposures — consumer: Delegated Regulation (EU) 2020/1224 Annex VI (fields, content,
 * which no-data codes each allows) with the formats of Implementing Regulation (EU) 2020/1225 Annex VI.
 *
 * Field codes and names CMRL1-CMRL7 were checked against the published annex text; the rest follow the same
 * annex (their order matches the published residential and credit-card annexes' shared fields). List codes used:
 * amortisation FRXX (French: level payment), DEXX (German: equal principal), BLLT (bullet), OTHR; frequency
 * MNTH, QUTR, SEMI, YEAR; account status PERF (performing), ARRE (in arrears), DFLT (defaulted), REDM (redeemed).
 *
 * The tape's optional disclosure columns (TEMPLATE.md) fill employment, income and its verification, channel, rate
 * type, index, margin and reset, pool addition, repurchase and restructuring dates and the region code (NUTS 3 as
 * given; an ISO 3166-2 code outside the EU as its country code followed by ZZZ). What the tape does not carry is
 * written with the no-data code that says why: ND1 for what the template asks and the tape does not collect (a
 * column left out, or a cell left empty); ND2 for what exists but not in the template's form (the region label
 * without a code; LEIs; event amounts the servicer does not report); ND5 where the field does not apply (a fixed
 * rate's index and margin; no repurchase; in a tape with disclosure columns, no restructuring).
 */
import {
  PAYMENT_PERIOD_MONTHS,
  hasDisclosureFields,
  type Amortization,
  type EmploymentStatus,
  type IncomeVerification,
  type OriginationChannel,
  type PaymentFrequency,
  type RateType,
} from "../loan-record";
import { ABSENT, type Cell, monetary, noData, value, wadPercent } from "./cells";
import { loanHistoryFacts, periodEndDate, poolAdditionDate } from "./loan-disclosure";
import { field, type LoanTemplate } from "./template";

export const ESMA_ANNEX6_FIELDS = [
  field("CMRL1", "Unique Identifier", "ALPHANUM"),
  field("CMRL2", "Original Underlying Exposure Identifier", "ALPHANUM"),
  field("CMRL3", "New Underlying Exposure Identifier", "ALPHANUM"),
  field("CMRL4", "Original Obligor Identifier", "ALPHANUM"),
  field("CMRL5", "New Obligor Identifier", "ALPHANUM"),
  field("CMRL6", "Data Cut-Off Date", "DATE"),
  field("CMRL7", "Pool Addition Date", "DATE"),
  field("CMRL8", "Date Of Repurchase", "DATE", "all"),
  field("CMRL9", "Redemption Date", "DATE", "all"),
  field("CMRL10", "Geographic Region - Obligor", "NUTS", "1-4"),
  field("CMRL11", "Geographic Region Classification", "YEAR", "all"),
  field("CMRL12", "Employment Status", "LIST", "1-4"),
  field("CMRL13", "Credit Impaired Obligor", "Y/N", "1-4"),
  field("CMRL14", "Customer Type", "LIST", "1-4"),
  field("CMRL15", "Primary Income", "MONETARY", "1-4"),
  field("CMRL16", "Primary Income Type", "LIST", "1-4"),
  field("CMRL17", "Primary Income Currency", "CURRENCY", "1-4"),
  field("CMRL18", "Primary Income Verification", "LIST", "1-4"),
  field("CMRL19", "Secondary Income", "MONETARY", "all"),
  field("CMRL20", "Secondary Income Verification", "LIST", "all"),
  field("CMRL21", "Special Scheme", "ALPHANUM", "5"),
  field("CMRL22", "Product Type", "LIST", "1-4"),
  field("CMRL23", "Origination Date", "DATE", "1-4"),
  field("CMRL24", "Maturity Date", "DATE", "5"),
  field("CMRL25", "Original Term", "INTEGER", "1-4"),
  field("CMRL26", "Origination Channel", "LIST", "1-4"),
  field("CMRL27", "Purpose", "LIST", "1-4"),
  field("CMRL28", "Currency Denomination", "CURRENCY"),
  field("CMRL29", "Original Principal Balance", "MONETARY", "1-4"),
  field("CMRL30", "Current Principal Balance", "MONETARY"),
  field("CMRL31", "Total Credit Limit", "MONETARY", "5"),
  field("CMRL32", "Purchase Price", "PERCENTAGE", "all"),
  field("CMRL33", "Amortisation Type", "LIST", "1-4"),
  field("CMRL34", "Principal Grace Period End Date", "DATE", "all"),
  field("CMRL35", "Scheduled Principal Payment Frequency", "LIST", "1-4"),
  field("CMRL36", "Scheduled Interest Payment Frequency", "LIST", "1-4"),
  field("CMRL37", "Payment Due", "MONETARY", "all"),
  field("CMRL38", "Debt To Income Ratio", "PERCENTAGE", "1-4"),
  field("CMRL39", "Balloon Amount", "MONETARY", "all"),
  field("CMRL40", "Interest Rate Type", "LIST", "1-4"),
  field("CMRL41", "Current Interest Rate", "PERCENTAGE", "1-4"),
  field("CMRL42", "Current Interest Rate Index", "LIST", "all"),
  field("CMRL43", "Current Interest Rate Index Tenor", "LIST", "all"),
  field("CMRL44", "Current Interest Rate Margin", "PERCENTAGE", "all"),
  field("CMRL45", "Interest Rate Reset Interval", "INTEGER", "all"),
  field("CMRL46", "Interest Rate Cap", "PERCENTAGE", "all"),
  field("CMRL47", "Interest Rate Floor", "PERCENTAGE", "all"),
  field("CMRL48", "Number Of Payments Before Securitisation", "INTEGER", "1-4"),
  field("CMRL49", "Percentage Of Prepayments Allowed Per Year", "PERCENTAGE", "all"),
  field("CMRL50", "Prepayment Fee", "MONETARY", "all"),
  field("CMRL51", "Prepayment Fee End Date", "DATE", "all"),
  field("CMRL52", "Prepayment Date", "DATE", "all"),
  field("CMRL53", "Cumulative Prepayments", "MONETARY", "all"),
  field("CMRL54", "Date Of Restructuring", "DATE", "all"),
  field("CMRL55", "Date Last In Arrears", "DATE", "all"),
  field("CMRL56", "Arrears Balance", "MONETARY", "1-4"),
  field("CMRL57", "Number Of Days In Arrears", "INTEGER", "1-4"),
  field("CMRL58", "Account Status", "LIST", "1-4"),
  field("CMRL59", "Reason for Default or Foreclosure", "LIST", "all"),
  field("CMRL60", "Default Amount", "MONETARY", "all"),
  field("CMRL61", "Default Date", "DATE", "all"),
  field("CMRL62", "Allocated Losses", "MONETARY", "all"),
  field("CMRL63", "Cumulative Recoveries", "MONETARY", "all"),
  field("CMRL64", "Original Lender Name", "ALPHANUM", "1-4"),
  field("CMRL65", "Original Lender Legal Entity Identifier", "ALPHANUM", "1-4"),
  field("CMRL66", "Original Lender Establishment Country", "COUNTRY", "1-4"),
  field("CMRL67", "Originator Name", "ALPHANUM"),
  field("CMRL68", "Originator Legal Entity Identifier", "ALPHANUM", "1-4"),
  field("CMRL69", "Originator Establishment Country", "COUNTRY"),
] as const;

const AMORTISATION: Readonly<Record<Amortization, string>> = {
  level: "FRXX",
  "equal-principal": "DEXX",
  "interest-only": "OTHR",
  bullet: "BLLT",
};

const FREQUENCY: Readonly<Record<PaymentFrequency, string>> = {
  monthly: "MNTH",
  quarterly: "QUTR",
  "semi-annual": "SEMI",
  annual: "YEAR",
};

const EMPLOYMENT: Readonly<Record<EmploymentStatus, string>> = {
  "employed-private": "EMRS",
  "employed-public": "EMBL",
  employed: "EMUK",
  "self-employed": "SFEM",
  unemployed: "NOEM",
  student: "STNT",
  pensioner: "PNNR",
  other: "OTHR",
};

const INCOME_VERIFICATION: Readonly<Record<IncomeVerification, string>> = {
  verified: "VRFD",
  "self-certified": "SCRT",
  "not-verified": "NVRF",
  "credit-bureau": "SCRE",
  other: "OTHR",
};

const CHANNEL: Readonly<Record<OriginationChannel, string>> = {
  branch: "BRCH",
  direct: "DIRE",
  broker: "BROK",
  online: "WEBI",
  agent: "TSAG",
  dealer: "OTHR",
  other: "OTHR",
};

const RATE_TYPE: Readonly<Record<RateType, string>> = {
  fixed: "FXRL",
  floating: "FLIF",
  "fixed-to-floating": "FXPR",
  other: "OTHR",
};

const TENOR: Readonly<Record<number, string>> = { 1: "MNTH", 3: "QUTR", 6: "SEMI", 12: "YEAR" };

/** The NUTS classification year written beside a NUTS 3 code. */
const NUTS_YEAR = "2021";

/**
 * CMRL10: a NUTS 3 code as given; outside the EU (an ISO 3166-2 code such as CN-GD) the country code followed by
 * ZZZ, the NUTS convention for a region outside the classification; no code: ND2 (the region label exists but is
 * not a code).
 */
function geography(regionCode: string | undefined): { region: Cell; year: Cell } {
  if (regionCode === undefined) return { region: ND2, year: ND5 };
  if (regionCode.includes("-")) return { region: value(`${regionCode.slice(0, 2)}ZZZ`), year: value(NUTS_YEAR) };
  return { region: value(regionCode), year: value(NUTS_YEAR) };
}

const ACCOUNT_STATUS = { current: "PERF", delinquent: "ARRE", defaulted: "DFLT", prepaid: "REDM", matured: "REDM" };

const ND1 = noData("ND1");
const ND2 = noData("ND2");
const ND5 = noData("ND5");

export const ESMA_ANNEX6: LoanTemplate = {
  id: "esma-annex6",
  title: "ESMA Annex VI — underlying exposures, consumer",
  source: "Delegated Regulation (EU) 2020/1224 Annex VI; Implementing Regulation (EU) 2020/1225 Annex VI",
  recordElement: "UndrlygXpsr",
  loanIdField: "CMRL2",
  fields: ESMA_ANNEX6_FIELDS,
  row: (input, context) => {
    const { record } = input;
    const facts = loanHistoryFacts(input, context.period);
    const { current } = facts;
    const dateOf = (period: number | undefined): Cell =>
      period === undefined ? ND5 : value(periodEndDate(context, period));
    const defaulted = facts.defaultPeriod !== undefined;
    // A record with disclosure fields was reported in the extended template: an absent repurchase or
    // restructuring date there means none happened (ND5); a record without any was never asked (ND1).
    const extended = hasDisclosureFields(record);
    const notHappened = extended ? ND5 : ND1;
    const floating = record.rateType !== undefined && record.rateType !== "fixed";
    const fixedOrUnknown = record.rateType === "fixed" ? ND5 : ND1;
    const { region, year } = geography(record.regionCode);
    const paymentsBefore =
      (record.termMonths - record.remainingTermMonths) / PAYMENT_PERIOD_MONTHS[record.paymentFrequency];
    const cells: Record<(typeof ESMA_ANNEX6_FIELDS)[number]["code"], Cell> = {
      CMRL1: value(context.uniqueIdentifier),
      CMRL2: value(record.loanId),
      CMRL3: value(record.loanId),
      CMRL4: value(record.borrowerId),
      CMRL5: value(record.borrowerId),
      CMRL6: value(context.dataCutOffDate),
      CMRL7: value(record.poolAdditionDate ?? poolAdditionDate(context, record)),
      CMRL8: record.repurchaseDate === undefined ? ND5 : value(record.repurchaseDate),
      CMRL9: dateOf(facts.redemptionPeriod),
      CMRL10: region,
      CMRL11: year,
      CMRL12: record.employmentStatus === undefined ? ND1 : value(EMPLOYMENT[record.employmentStatus]),
      CMRL13: ND1,
      CMRL14: ND1,
      CMRL15: record.annualIncomeCents === undefined ? ND1 : monetary(record.annualIncomeCents),
      CMRL16: ND1,
      CMRL17: record.annualIncomeCents === undefined ? ND1 : value(context.currency),
      CMRL18: record.incomeVerification === undefined ? ND1 : value(INCOME_VERIFICATION[record.incomeVerification]),
      CMRL19: ND1,
      CMRL20: ND1,
      CMRL21: ND5,
      CMRL22: ND2,
      CMRL23: value(record.originationDate),
      CMRL24: value(record.maturityDate),
      CMRL25: value(String(record.termMonths)),
      CMRL26: record.originationChannel === undefined ? ND1 : value(CHANNEL[record.originationChannel]),
      CMRL27: ND1,
      CMRL28: value(context.currency),
      CMRL29: monetary(record.originalPrincipalCents),
      CMRL30: monetary(current.closingPrincipalCents),
      CMRL31: ND5,
      CMRL32: ND2,
      CMRL33: value(AMORTISATION[record.amortization]),
      CMRL34: ND5,
      CMRL35: value(FREQUENCY[record.paymentFrequency]),
      CMRL36: value(FREQUENCY[record.paymentFrequency]),
      CMRL37: ND2,
      CMRL38: ND1,
      CMRL39: record.amortization === "bullet" ? monetary(current.closingPrincipalCents) : ND5,
      CMRL40: record.rateType === undefined ? ND1 : value(RATE_TYPE[record.rateType]),
      CMRL41: value(wadPercent(record.rateWad)),
      CMRL42: floating && record.rateIndex !== undefined ? value("OTHR") : fixedOrUnknown,
      CMRL43:
        floating && record.rateResetMonths !== undefined
          ? value(TENOR[record.rateResetMonths] ?? "OTHR")
          : fixedOrUnknown,
      CMRL44: floating && record.rateMarginWad !== undefined ? value(wadPercent(record.rateMarginWad)) : fixedOrUnknown,
      CMRL45: floating && record.rateResetMonths !== undefined ? value(String(record.rateResetMonths)) : fixedOrUnknown,
      CMRL46: fixedOrUnknown,
      CMRL47: fixedOrUnknown,
      CMRL48: Number.isInteger(paymentsBefore) ? value(String(paymentsBefore)) : ND2,
      CMRL49: ND1,
      CMRL50: ND1,
      CMRL51: ND1,
      CMRL52: dateOf(facts.lastPrepaymentPeriod),
      CMRL53: monetary(facts.cumulativePrepaymentCents),
      CMRL54: record.restructuringDate === undefined ? notHappened : value(record.restructuringDate),
      CMRL55: dateOf(facts.lastPeriodInArrears),
      CMRL56: ND2,
      CMRL57: value(String(current.daysPastDue)),
      CMRL58: value(ACCOUNT_STATUS[current.status]),
      CMRL59: defaulted ? ND1 : ND5,
      CMRL60: defaulted ? monetary(facts.cumulativeDefaultCents) : ND5,
      CMRL61: dateOf(facts.defaultPeriod),
      CMRL62: defaulted ? monetary(lossOf(facts.cumulativeDefaultCents, facts.cumulativeRecoveryCents)) : ND5,
      CMRL63: defaulted ? monetary(facts.cumulativeRecoveryCents) : ND5,
      CMRL64: value(context.originatorName),
      CMRL65: ND2,
      CMRL66: value(context.country),
      CMRL67: value(context.originatorName),
      CMRL68: ND2,
      CMRL69: value(context.country),
    };
    return ESMA_ANNEX6_FIELDS.map((f) => cells[f.code] ?? ABSENT);
  },
  checks: [
    {
      name: "current principal balance (CMRL30) <= original principal balance (CMRL29)",
      test: (c) => numberOf(c.get("CMRL30")) <= numberOf(c.get("CMRL29")),
    },
    {
      name: "origination date (CMRL23) <= data cut-off date (CMRL6) <= maturity date (CMRL24) unless redeemed",
      test: (c) =>
        (c.get("CMRL23") ?? "") <= (c.get("CMRL6") ?? "") &&
        (c.get("CMRL58") === "REDM" || (c.get("CMRL6") ?? "") <= (c.get("CMRL24") ?? "")),
    },
    {
      name: "account status ARRE (CMRL58) if and only if days in arrears (CMRL57) > 0, for a loan not defaulted",
      test: (c) =>
        c.get("CMRL58") === "DFLT" ? undefined : (c.get("CMRL58") === "ARRE") === Number(c.get("CMRL57")) > 0,
    },
    {
      name: "a redeemed loan (CMRL58 REDM) has a current balance (CMRL30) of 0",
      test: (c) => (c.get("CMRL58") === "REDM" ? numberOf(c.get("CMRL30")) === 0 : undefined),
    },
    {
      name: "the unique identifier (CMRL1) is an Article 11(1) identifier: LEI (20), N, year (4), 2 digits",
      test: (c) => /^[A-Z0-9]{18}[0-9]{2}N[0-9]{4}[0-9]{2}$/.test(c.get("CMRL1") ?? ""),
    },
  ],
};

function lossOf(defaults: bigint, recoveries: bigint): bigint {
  return defaults > recoveries ? defaults - recoveries : 0n;
}

function numberOf(text: string | undefined): number {
  return text === undefined ? Number.NaN : Number(text);
}
