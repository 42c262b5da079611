// Regulatory disclosure from committed data: ESMA Annex VI and XII, Regulation AB II auto asset data.
export {
  ABSENT,
  NO_DATA_CODES,
  cellText,
  isoDateOfSeconds,
  type Cell,
  type FieldFormat,
  type FieldSpec,
  type NoDataCode,
} from "./cells";
export {
  DISCLOSURE_TEMPLATES,
  INVESTOR_REPORT_ELEMENT,
  INVESTOR_REPORT_TEMPLATE,
  LOAN_TEMPLATES,
  buildInvestorReport,
  buildLoanDisclosure,
  loanRowByCode,
  type BuiltDisclosure,
} from "./build";
export {
  DataQualityCounter,
  DisclosureFileError,
  combinedQuality,
  inFormat,
  parseDisclosure,
  type DataQuality,
  type DisclosureHeader,
  type ParsedDisclosure,
} from "./disclosure-file";
export { ESMA_ANNEX12_FIELDS, type InvestorReportInput, type ReportedPeriod } from "./esma-annex12";
export {
  CASHFLOW_ELEMENT,
  ESMA_ANNEX12_CASHFLOW_FIELDS,
  ESMA_ANNEX12_TRIGGER_FIELDS,
  TRIGGER_ELEMENT,
  cashFlowItems,
  triggerDescription,
  type CashFlowItem,
  type PeriodDistribution,
} from "./esma-annex12-sections";
export { ESMA_ANNEX6, ESMA_ANNEX6_FIELDS } from "./esma-annex6";
export { REGAB_AUTO, REGAB_AUTO_FIELDS } from "./regab-auto";
export { type DisclosureContext, type LoanDisclosureInput } from "./loan-disclosure";
export { type LoanTemplate, type RowCheck } from "./template";
