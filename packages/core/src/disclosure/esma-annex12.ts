/**
 * ESMA Annex XII, investor report — non-ABCP securitisation: the securitisation information section (IVSS1-IVSS35,
 * codes, names and formats as published in Implementing Regulation (EU) 2020/1225 Annex XII), filled from the
 * period's report anchored on chain (and the reports before it). The tests/events/triggers (IVSR) and cash-flow
 * (IVSF) sections that follow it are built in `esma-annex12-sections.ts` from the waterfall's record of the period.
 *
 * Definitions (the same as the indexer's `PeriodMetrics`):
 * - opening balance: the previous period's ending balance (period 1: the first tape's total principal);
 * - CPR (IVSS22) = 1 - (1 - SMM)^12 with SMM = prepayments / (opening balance - scheduled principal);
 * - CDR (IVSS27) = 1 - (1 - MDR)^12 with MDR = new defaults / opening balance;
 * - current overcollateralisation (IVSS21) = pool ending balance / notes outstanding - 1, the notes outstanding
 *   after the period being the waterfall's state after distributing it (its `PeriodDistributed` event); ND2 when
 *   the waterfall has not distributed the period.
 * Rates are computed exactly in wads (`smmToCpr` rounds down) and written with at most 10 decimals.
 */
import { smmToCpr } from "../cashflow/rate-models";
import { WAD } from "../money";
import { type Cell, type FieldSpec, monetary, noData, value, wadPercent } from "./cells";
import { type PeriodDistribution } from "./esma-annex12-sections";
import { field, type RowCheck } from "./template";

export const ESMA_ANNEX12_FIELDS: readonly FieldSpec[] = [
  field("IVSS1", "Unique Identifier", "ALPHANUM"),
  field("IVSS2", "Data Cut-Off Date", "DATE"),
  field("IVSS3", "Securitisation Name", "ALPHANUM"),
  field("IVSS4", "Reporting Entity Name", "ALPHANUM"),
  field("IVSS5", "Reporting Entity Contact Person", "ALPHANUM"),
  field("IVSS6", "Reporting Entity Contact Telephone", "ALPHANUM"),
  field("IVSS7", "Reporting Entity Contact Emails", "ALPHANUM"),
  field("IVSS8", "Risk Retention Method", "LIST", "1-4"),
  field("IVSS9", "Risk Retention Holder", "LIST", "1-4"),
  field("IVSS10", "Underlying Exposure Type", "LIST"),
  field("IVSS11", "Risk Transfer Method", "Y/N"),
  field("IVSS12", "Trigger Measurements/Ratios", "Y/N"),
  field("IVSS13", "Revolving/Ramp-Up Period End-Date", "DATE", "5"),
  field("IVSS14", "Principal Recoveries In The Period", "MONETARY", "all"),
  field("IVSS15", "Interest Recoveries In The Period", "MONETARY", "all"),
  field("IVSS16", "Principal Collections In The Period", "MONETARY", "all"),
  field("IVSS17", "Interest Collections In The Period", "MONETARY", "all"),
  field("IVSS18", "Drawings Under Liquidity Facility", "Y/N", "5"),
  field("IVSS19", "Securitisation Excess Spread", "MONETARY", "all"),
  field("IVSS20", "Excess Spread Trapping Mechanism", "Y/N", "all"),
  field("IVSS21", "Current Overcollateralisation", "PERCENTAGE", "all"),
  field("IVSS22", "Annualised Constant Prepayment Rate", "PERCENTAGE", "all"),
  field("IVSS23", "Dilutions", "MONETARY", "all"),
  field("IVSS24", "Gross Charge Offs In The Period", "MONETARY", "all"),
  field("IVSS25", "Repurchased Exposures", "MONETARY", "all"),
  field("IVSS26", "Restructured Exposures", "MONETARY", "all"),
  field("IVSS27", "Annualised Constant Default Rate", "PERCENTAGE", "all"),
  field("IVSS28", "Defaulted Exposures", "MONETARY", "all"),
  field("IVSS29", "Defaulted Exposures CRR", "MONETARY", "all"),
  field("IVSS30", "Risk Weight Approach", "LIST", "all"),
  field("IVSS31", "Obligor Probability Of Default in Range [0.00%,0.10%)", "PERCENTAGE", "all"),
  field("IVSS32", "Obligor Probability Of Default in Range [0.10%,0.25%)", "PERCENTAGE", "all"),
  field("IVSS33", "Obligor Probability Of Default in Range [0.25%,1.00%)", "PERCENTAGE", "all"),
  field("IVSS34", "Obligor Probability Of Default in Range [1.00%,7.50%)", "PERCENTAGE", "all"),
  field("IVSS35", "Obligor Probability Of Default in Range [7.50%,20.00%)", "PERCENTAGE", "all"),
];

/** A period's figures as the pool's anchored report gives them (cents). */
export interface ReportedPeriod {
  readonly interestCollectedCents: bigint;
  readonly scheduledPrincipalCents: bigint;
  readonly prepaymentCents: bigint;
  readonly recoveryCents: bigint;
  readonly newDefaultsCents: bigint;
  readonly endingBalanceCents: bigint;
}

export interface InvestorReportInput {
  readonly uniqueIdentifier: string;
  readonly dataCutOffDate: string;
  readonly securitisationName: string;
  readonly reportingEntityName: string;
  /** The contact person, telephone and emails; absent ones are written empty (and fail the check). */
  readonly contact: {
    readonly person: string | undefined;
    readonly telephone: string | undefined;
    readonly emails: string | undefined;
  };
  /** Whether a trigger of the deal's waterfall is breached after the period. */
  readonly triggerBreached: boolean;
  readonly report: ReportedPeriod;
  /** The pool balance at the period's start. */
  readonly openingBalanceCents: bigint;
  /** New defaults of every period up to and including this one. */
  readonly cumulativeDefaultsCents: bigint;
  /** The notes' outstanding principal after the period (the waterfall's state after distributing it), when known. */
  readonly notesOutstandingCents: bigint | undefined;
  /** The period as the deal's waterfall distributed it, when it did: the IVSR and IVSF sections. */
  readonly distribution?: PeriodDistribution | undefined;
}

/** The IVSS record, one cell per field of {@link ESMA_ANNEX12_FIELDS}. */
export function investorReportRow(input: InvestorReportInput): readonly Cell[] {
  const { report } = input;
  const opening = input.openingBalanceCents;
  const text = (t: string | undefined): Cell => value(t ?? "");
  const cells: readonly Cell[] = [
    value(input.uniqueIdentifier),
    value(input.dataCutOffDate),
    value(input.securitisationName),
    value(input.reportingEntityName),
    text(input.contact.person),
    text(input.contact.telephone),
    text(input.contact.emails),
    noData("ND2"),
    noData("ND2"),
    value("CONS"),
    value("N"),
    value(input.triggerBreached ? "Y" : "N"),
    noData("ND5"),
    monetary(report.recoveryCents),
    noData("ND2"),
    monetary(report.scheduledPrincipalCents + report.prepaymentCents),
    monetary(report.interestCollectedCents),
    noData("ND5"),
    noData("ND2"),
    noData("ND2"),
    input.notesOutstandingCents === undefined || input.notesOutstandingCents === 0n
      ? noData("ND2")
      : value(wadPercent((report.endingBalanceCents * WAD) / input.notesOutstandingCents - WAD)),
    value(wadPercent(annualised(report.prepaymentCents, opening - report.scheduledPrincipalCents))),
    noData("ND5"),
    monetary(report.newDefaultsCents),
    noData("ND2"),
    noData("ND1"),
    value(wadPercent(annualised(report.newDefaultsCents, opening))),
    monetary(input.cumulativeDefaultsCents),
    noData("ND2"),
    noData("ND5"),
    noData("ND5"),
    noData("ND5"),
    noData("ND5"),
    noData("ND5"),
    noData("ND5"),
  ];
  return cells;
}

/** 1 - (1 - amount/base)^12 as a wad (0 when the base is not positive). */
function annualised(amountCents: bigint, baseCents: bigint): bigint {
  if (baseCents <= 0n) return 0n;
  return smmToCpr((amountCents * WAD) / baseCents);
}

export const ESMA_ANNEX12_CHECKS: readonly RowCheck[] = [
  {
    name: "the reporting entity's contact person, telephone and emails (IVSS5-IVSS7) are given",
    test: (c) => ["IVSS5", "IVSS6", "IVSS7"].every((code) => (c.get(code) ?? "") !== ""),
  },
  {
    name: "the unique identifier (IVSS1) is an Article 11(1) identifier: LEI (20), N, year (4), 2 digits",
    test: (c) => /^[A-Z0-9]{18}[0-9]{2}N[0-9]{4}[0-9]{2}$/.test(c.get("IVSS1") ?? ""),
  },
];
