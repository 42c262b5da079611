// Public surface of the loan-tape ingestion module (re-exported by @abs/core's index).
export {
  ColumnMappingError,
  TAPE_ENCODINGS,
  parseColumnMapping,
  type ColumnMapping,
  type ColumnMappingIssue,
  type TapeEncoding,
  type TapeEncodingOption,
} from "./column-mapping";
export {
  REGION_NAMES_ZH,
  csvCell,
  spreadsheetCell,
  tapeCsvHeader,
  writeCsv,
  writeTapeCsv,
  type CsvWriteOptions,
  type TapeCsvOptions,
} from "./csv-writer";
export { decodeTape, type DecodedText } from "./decode";
export {
  PERFORMANCE_COLUMNS,
  PERFORMANCE_STATUSES,
  generatePerformance,
  performanceRowToCells,
  performanceCsvBytes,
  writePerformanceCsv,
  type PerformanceOptions,
  type PerformanceRow,
  type PerformanceStatus,
} from "./performance";
export {
  BORROWER_ID_DOMAIN,
  deriveOriginatorKeys,
  normalisePersonalValue,
  pseudonymousBorrowerId,
  type OriginatorKeys,
} from "./pseudonymise";
export { syntheticPerson, type SyntheticPerson } from "./synthetic-people";
export { TAPE_ISSUE_CODES, type TapeIssue, type TapeIssueCode } from "./tape-issue";
export {
  OPTIONAL_TAPE_COLUMNS,
  DISCLOSURE_TAPE_COLUMNS,
  recordToDisclosureCells,
  PERSONAL_DATA_COLUMNS,
  TAPE_COLUMNS,
  formatRatePercent,
  parseRatePercent,
  recordToCells,
  type PersonalDataColumn,
  type TapeColumn,
  type TemplateColumnName,
} from "./template";
export {
  validateTape,
  type CommittedLoan,
  type TapeFormat,
  type TapeProgress,
  type TapeValidationResult,
  type TapeValidationSummary,
  type ValidateTapeOptions,
} from "./validate-tape";
