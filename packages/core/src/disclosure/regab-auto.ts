/**
 * Regulation AB II asset-level data for auto loans: Item 1 of Schedule AL (17 CFR 229.1125), written as the XML
 * of an ABS-EE filing's asset data exhibit: one `assets` element per loan whose children are the schedule's data
 * points by their EDGAR element names. Regulation AB has no no-data codes: a data point the issuer does not have
 * is left out (an absent element), and the data-quality score counts it as not populated.
 *
 * Conventions (from the EDGAR ABS-EE technical specification): dates `MM/DD/YYYY`; amounts in currency units with
 * 2 decimals; rates as decimal fractions (4.35 % is 0.0435); `currentDelinquencyStatus` in days past due;
 * `zeroBalanceCode` 1 = prepaid or matured, 4 = charged off; `originalInterestRateTypeCode` 1 fixed,
 * 2 adjustable, 98 other; `obligorIncomeVerificationLevelCode` 2 stated not verified, 3 stated verified; the
 * obligor's location as the tape's ISO 3166-2 (or NUTS) code. Points the tape does not carry are left out. The asset type number is the pool's deal code.
 */
import { type IncomeVerification, type RateType } from "../loan-record";
import { ABSENT, type Cell, monetary, usDate, value, wadFraction } from "./cells";
import { loanHistoryFacts, periodEndDate } from "./loan-disclosure";
import { field, type LoanTemplate } from "./template";

export const REGAB_AUTO_FIELDS = [
  field("assetTypeNumber", "Asset type number", "ALPHANUM"),
  field("assetNumber", "Asset number", "ALPHANUM"),
  field("reportingPeriodBeginningDate", "Reporting period beginning date", "DATE"),
  field("reportingPeriodEndingDate", "Reporting period ending date", "DATE"),
  field("originatorName", "Originator", "ALPHANUM"),
  field("originationDate", "Origination date", "DATE"),
  field("originalLoanAmount", "Original loan amount", "MONETARY"),
  field("originalLoanTerm", "Original loan term", "INTEGER"),
  field("loanMaturityDate", "Maturity date", "DATE"),
  field("originalInterestRatePercentage", "Original interest rate", "PERCENTAGE"),
  field("interestCalculationTypeCode", "Interest calculation type", "LIST"),
  field("originalInterestRateTypeCode", "Original interest rate type", "LIST"),
  field("originalInterestOnlyTermNumber", "Original interest-only term", "INTEGER"),
  field("originalFirstPaymentDate", "Original first payment date", "DATE"),
  field("underwritingIndicator", "Underwriting indicator", "Y/N"),
  field("gracePeriodNumber", "Grace period", "INTEGER"),
  field("paymentTypeCode", "Payment type", "LIST"),
  field("subvented", "Subvented", "LIST"),
  field("vehicleManufacturerName", "Vehicle manufacturer", "ALPHANUM"),
  field("vehicleModelName", "Vehicle model", "ALPHANUM"),
  field("vehicleNewUsedCode", "New or used", "LIST"),
  field("vehicleModelYear", "Model year", "YEAR"),
  field("vehicleTypeCode", "Vehicle type", "LIST"),
  field("vehicleValueAmount", "Vehicle value", "MONETARY"),
  field("vehicleValueSourceCode", "Source of vehicle value", "LIST"),
  field("obligorCreditScoreType", "Obligor credit score type", "ALPHANUM"),
  field("obligorCreditScore", "Obligor credit score", "ALPHANUM"),
  field("obligorIncomeVerificationLevelCode", "Obligor income verification level", "LIST"),
  field("obligorEmploymentVerificationCode", "Obligor employment verification", "LIST"),
  field("coObligorIndicator", "Co-obligor indicator", "Y/N"),
  field("paymentToIncomePercentage", "Payment-to-income ratio", "PERCENTAGE"),
  field("obligorGeographicLocation", "Geographic location of obligor", "ALPHANUM"),
  field("assetAddedIndicator", "Asset added", "Y/N"),
  field("remainingTermToMaturityNumber", "Remaining term to maturity", "INTEGER"),
  field("reportingPeriodModificationIndicator", "Modification indicator", "Y/N"),
  field("servicingAdvanceMethodCode", "Servicing advance method", "LIST"),
  field("reportingPeriodBeginningLoanBalanceAmount", "Reporting period beginning loan balance", "MONETARY"),
  field("nextReportingPeriodPaymentAmountDue", "Next reporting period payment amount due", "MONETARY"),
  field("reportingPeriodInterestRatePercentage", "Reporting period interest rate", "PERCENTAGE"),
  field("nextInterestRatePercentage", "Next interest rate", "PERCENTAGE"),
  field("servicingFeePercentage", "Servicing fee – percentage", "PERCENTAGE"),
  field("servicingFlatFeeAmount", "Servicing fee – flat-fee amount", "MONETARY"),
  field("otherServicerFeeRetainedByServicer", "Other servicing fee(s) retained by servicer", "MONETARY"),
  field("otherAssessedUncollectedServicerFeeAmount", "Other assessed but uncollected servicer fees", "MONETARY"),
  field("scheduledInterestAmount", "Scheduled interest amount", "MONETARY"),
  field("scheduledPrincipalAmount", "Scheduled principal amount", "MONETARY"),
  field("otherPrincipalAdjustmentAmount", "Other principal adjustments", "MONETARY"),
  field("reportingPeriodActualEndBalanceAmount", "Reporting period ending actual balance", "MONETARY"),
  field("reportingPeriodScheduledPaymentAmount", "Reporting period scheduled payment amount", "MONETARY"),
  field("totalActualAmountPaid", "Total actual amount paid", "MONETARY"),
  field("actualInterestCollectedAmount", "Actual interest collected", "MONETARY"),
  field("actualPrincipalCollectedAmount", "Actual principal collected", "MONETARY"),
  field("actualOtherCollectedAmount", "Actual other amounts collected", "MONETARY"),
  field("serviceAdvancedAmount", "Amount advanced", "MONETARY"),
  field("interestPaidThroughDate", "Interest paid through date", "DATE"),
  field("zeroBalanceEffectiveDate", "Zero balance effective date", "DATE"),
  field("zeroBalanceCode", "Zero balance code", "LIST"),
  field("currentDelinquencyStatus", "Current delinquency status", "INTEGER"),
  field("primaryLoanServicerName", "Primary loan servicer", "ALPHANUM"),
  field("mostRecentServicingTransferReceivedDate", "Most recent servicing transfer received date", "DATE"),
  field("assetSubjectDemandIndicator", "Asset subject to demand", "Y/N"),
  field("assetSubjectDemandStatusCode", "Status of asset subject to demand", "LIST"),
  field("repurchaseAmount", "Repurchase amount", "MONETARY"),
  field("DemandResolutionDate", "Demand resolution date", "DATE"),
  field("repurchaserName", "Repurchaser", "ALPHANUM"),
  field("repurchaseReplacementReasonCode", "Repurchase or replacement reason", "LIST"),
  field("chargedoffPrincipalAmount", "Charged-off principal amount", "MONETARY"),
  field("recoveredAmount", "Recovered amount", "MONETARY"),
  field("modificationTypeCode", "Modification type", "LIST"),
  field("paymentExtendedNumber", "Payment extension", "INTEGER"),
  field("repossessedIndicator", "Repossessed", "Y/N"),
  field("repossessedProceedsAmount", "Repossessed proceeds", "MONETARY"),
] as const;

type RegAbCode = (typeof REGAB_AUTO_FIELDS)[number]["code"];

/** 1 fixed, 2 adjustable, 98 other. */
const RATE_TYPE_CODE: Readonly<Record<RateType, string>> = {
  fixed: "1",
  floating: "2",
  "fixed-to-floating": "2",
  other: "98",
};

/** 2 stated, not verified; 3 stated, verified (not to level 4 or 5). */
const INCOME_VERIFICATION_LEVEL: Readonly<Record<Exclude<IncomeVerification, "other">, string>> = {
  "not-verified": "2",
  "self-certified": "2",
  verified: "3",
  "credit-bureau": "3",
};

export const REGAB_AUTO: LoanTemplate = {
  id: "regab-auto",
  title: "Regulation AB II — Schedule AL Item 1, auto loans (ABS-EE asset data)",
  source: "17 CFR 229.1125, Schedule AL Item 1; EDGAR ABS-EE technical specification (auto loan data points)",
  recordElement: "assets",
  loanIdField: "assetNumber",
  fields: REGAB_AUTO_FIELDS,
  row: (input, context) => {
    const { record } = input;
    const facts = loanHistoryFacts(input, context.period);
    const { current } = facts;
    const zeroBalance =
      current.closingPrincipalCents !== 0n
        ? undefined
        : current.status === "defaulted"
          ? { code: "4", period: facts.defaultPeriod }
          : { code: "1", period: facts.redemptionPeriod };
    const principalCollected = current.paidPrincipalCents + current.prepaymentCents;
    const cells: Partial<Record<RegAbCode, Cell>> = {
      assetTypeNumber: value(context.uniqueIdentifier),
      assetNumber: value(record.loanId),
      reportingPeriodBeginningDate: value(usDate(context.periodStartDate)),
      reportingPeriodEndingDate: value(usDate(context.dataCutOffDate)),
      originatorName: value(context.originatorName),
      originationDate: value(usDate(record.originationDate)),
      originalLoanAmount: monetary(record.originalPrincipalCents),
      originalLoanTerm: value(String(record.termMonths)),
      loanMaturityDate: value(usDate(record.maturityDate)),
      originalInterestRatePercentage: value(wadFraction(record.rateWad)),
      originalInterestRateTypeCode: record.rateType === undefined ? ABSENT : value(RATE_TYPE_CODE[record.rateType]),
      originalInterestOnlyTermNumber: value(record.amortization === "interest-only" ? String(record.termMonths) : "0"),
      vehicleValueAmount: record.collateralValueCents === undefined ? ABSENT : monetary(record.collateralValueCents),
      obligorCreditScoreType: record.creditScoreType === undefined ? ABSENT : value(record.creditScoreType),
      obligorCreditScore: record.creditScore === undefined ? ABSENT : value(String(record.creditScore)),
      obligorIncomeVerificationLevelCode:
        record.incomeVerification === undefined || record.incomeVerification === "other"
          ? ABSENT
          : value(INCOME_VERIFICATION_LEVEL[record.incomeVerification]),
      paymentToIncomePercentage:
        record.paymentToIncomeWad === undefined ? ABSENT : value(wadFraction(record.paymentToIncomeWad)),
      obligorGeographicLocation: record.regionCode === undefined ? ABSENT : value(record.regionCode),
      assetAddedIndicator: value(
        poolAddedInPeriod(record.poolAdditionDate ?? record.originationDate, context) ? "true" : "false",
      ),
      remainingTermToMaturityNumber: value(String(wholeMonthsBetween(context.dataCutOffDate, record.maturityDate))),
      reportingPeriodBeginningLoanBalanceAmount: monetary(current.openingPrincipalCents),
      reportingPeriodInterestRatePercentage: value(wadFraction(record.rateWad)),
      scheduledPrincipalAmount: monetary(current.scheduledPrincipalCents),
      reportingPeriodActualEndBalanceAmount: monetary(current.closingPrincipalCents),
      totalActualAmountPaid: monetary(principalCollected + current.interestPaidCents + current.recoveryCents),
      actualInterestCollectedAmount: monetary(current.interestPaidCents),
      actualPrincipalCollectedAmount: monetary(principalCollected),
      actualOtherCollectedAmount: monetary(current.recoveryCents),
      zeroBalanceEffectiveDate:
        zeroBalance?.period === undefined ? ABSENT : value(usDate(periodEndDate(context, zeroBalance.period))),
      zeroBalanceCode: zeroBalance === undefined ? ABSENT : value(zeroBalance.code),
      currentDelinquencyStatus: value(String(current.daysPastDue)),
      primaryLoanServicerName: value(context.servicerName),
      chargedoffPrincipalAmount: monetary(current.defaultPrincipalCents),
      recoveredAmount: monetary(current.recoveryCents),
    };
    return REGAB_AUTO_FIELDS.map((f) => cells[f.code] ?? ABSENT);
  },
  checks: [
    {
      name: "ending balance = beginning balance - principal collected - charged-off principal",
      test: (c) => {
        const [begin, end, paid, off] = [
          "reportingPeriodBeginningLoanBalanceAmount",
          "reportingPeriodActualEndBalanceAmount",
          "actualPrincipalCollectedAmount",
          "chargedoffPrincipalAmount",
        ].map((code) => centsOf(c.get(code)));
        if (begin === undefined || end === undefined || paid === undefined || off === undefined) return false;
        return end === begin - paid - off;
      },
    },
    {
      name: "a zero ending balance has a zero-balance code and date",
      test: (c) =>
        centsOf(c.get("reportingPeriodActualEndBalanceAmount")) === 0n
          ? c.get("zeroBalanceCode") !== undefined && c.get("zeroBalanceEffectiveDate") !== undefined
          : undefined,
    },
  ],
};

/** Whether the loan was originated inside the disclosed period (added to the pool in it). */
function poolAddedInPeriod(originationDate: string, context: { periodStartDate: string; dataCutOffDate: string }) {
  return originationDate >= context.periodStartDate && originationDate <= context.dataCutOffDate;
}

/** Whole months from `from` to `to` (`yyyy-mm-dd`), 0 when `to` is not after `from`. */
function wholeMonthsBetween(from: string, to: string): number {
  const [fy = 0, fm = 0, fd = 0] = from.split("-").map(Number);
  const [ty = 0, tm = 0, td = 0] = to.split("-").map(Number);
  const months = (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
  return Math.max(0, months);
}

function centsOf(text: string | undefined): bigint | undefined {
  if (text === undefined || !/^\d+\.\d{2}$/.test(text)) return undefined;
  return BigInt(text.replace(".", ""));
}
