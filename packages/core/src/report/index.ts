// Public surface of the period-report module (re-exported by @abs/core's index).
export {
  LOAN_STATE_AMOUNTS,
  LOAN_STATE_LEAF_TYPES,
  LOAN_STATE_SALT_DOMAIN,
  LOAN_STATE_VERSION,
  deriveLoanStateSalt,
  loanStateLeaf,
  loanStateOf,
  loanStateSchema,
  loanStateValues,
  type LoanState,
} from "./loan-state";
export {
  MAX_PERIOD,
  buildPeriodReport,
  type PeriodAggregates,
  type PeriodReport,
  type PeriodReportOptions,
  type PeriodReportResult,
  type StateLeaf,
  type ReportProgress,
} from "./period-report";
export { REPORT_ISSUE_CODES, type ReportIssue, type ReportIssueCode } from "./report-issue";
