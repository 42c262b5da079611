// Public surface of @abs/core. Export only what other packages use.
export {
  CoreError,
  DuplicateLoanIdError,
  InvalidArgumentError,
  LoanRecordError,
  MerkleTreeError,
  MoneyFormatError,
  type CoreErrorCode,
  type CoreErrorOptions,
  type LoanRecordIssue,
} from "./errors";
export { epochDayToIsoDate, isoDateToEpochDay, parseIsoDate, type CalendarDate } from "./iso-date";
export {
  AMORTIZATION_TYPES,
  CANONICAL_LOAN_FIELDS,
  CANONICAL_LOAN_TYPES,
  CANONICAL_LOAN_TYPES_DISCLOSURE,
  DISCLOSURE_FIELDS,
  EMPLOYMENT_STATUSES,
  INCOME_VERIFICATIONS,
  LOAN_RECORD_FIELDS,
  LOAN_STATUSES,
  LOAN_TEMPLATE_VERSION,
  LOAN_TEMPLATE_VERSION_DISCLOSURE,
  MAX_CENTS,
  MAX_DAYS_PAST_DUE,
  MAX_TERM_MONTHS,
  MIN_DATE,
  PAYMENT_FREQUENCIES,
  PAYMENT_PERIOD_MONTHS,
  ORIGINATION_CHANNELS,
  RATE_TYPES,
  canonicalLoanRecord,
  hasDisclosureFields,
  encodeLoanRecord,
  loanRecordJson,
  loanRecordSchema,
  parseLoanRecord,
  safeParseLoanRecord,
  type Amortization,
  type CanonicalLoanRecord,
  type CanonicalValue,
  type LoanRecord,
  type LoanRecordContext,
  type LoanRecordField,
  type LoanRecordInput,
  type LoanRecordParseResult,
  type LoanStatus,
  type PaymentFrequency,
} from "./loan-record";
export {
  CENTS_PER_UNIT,
  WAD,
  WAD_PER_BPS,
  bpsToWad,
  formatCents,
  mulDivDown,
  mulDivUp,
  parseCents,
  wadDivDown,
  wadDivUp,
  wadMulDown,
  wadMulUp,
} from "./money";
export {
  SYNTHETIC_CREDIT_GRADES,
  SYNTHETIC_RATE_BPS,
  generateLoans,
  type SyntheticTapeOptions,
} from "./synthetic-tape";
export {
  LOAN_LEAF_TYPES,
  LoanTreeBuilder,
  TapeCommitmentBuilder,
  buildLoanTree,
  commitTape,
  deriveLoanSalt,
  loanLeaf,
  saltedLoanRecord,
  verifyLoanProof,
  type LoanTree,
  type TapeCommitment,
  type TapeCommitmentOptions,
} from "./tape-commitment";
export { TapeSummaryAccumulator, summarizeTape, type SummaryInput, type TapeSummary } from "./tape-summary";
export { PLEDGE_IDENTITY_DOMAIN, pledgeIdentityDigest, type PledgeIdentity } from "./pledge/pledge-identity";
export {
  MAX_PLEDGE_BATCH,
  blindPledgeIdentities,
  evaluatePledgeBatch,
  finalizePledgeFingerprints,
  generatePledgeKey,
  pledgeKeyFromSecret,
  type BlindedBatch,
  type EvaluatedBatch,
  type PledgeKeyPair,
} from "./pledge/pledge-fingerprint";
/** The cash-flow projection engine (schedules, SIFMA prepayment/default models, analytics). */
export * as cashflow from "./cashflow";
/** Loan-tape ingestion: the CSV/JSON Lines template, streaming validation, pseudonymisation, synthetic files. */
export {
  BORROWER_ID_DOMAIN,
  ColumnMappingError,
  OPTIONAL_TAPE_COLUMNS,
  DISCLOSURE_TAPE_COLUMNS,
  recordToDisclosureCells,
  PERFORMANCE_COLUMNS,
  PERFORMANCE_STATUSES,
  PERSONAL_DATA_COLUMNS,
  REGION_NAMES_ZH,
  TAPE_COLUMNS,
  TAPE_ENCODINGS,
  TAPE_ISSUE_CODES,
  csvCell,
  spreadsheetCell,
  decodeTape,
  deriveOriginatorKeys,
  formatRatePercent,
  generatePerformance,
  normalisePersonalValue,
  parseColumnMapping,
  parseRatePercent,
  performanceCsvBytes,
  performanceRowToCells,
  pseudonymousBorrowerId,
  recordToCells,
  syntheticPerson,
  tapeCsvHeader,
  validateTape,
  type CommittedLoan,
  writeCsv,
  writePerformanceCsv,
  writeTapeCsv,
  type ColumnMapping,
  type ColumnMappingIssue,
  type CsvWriteOptions,
  type DecodedText,
  type OriginatorKeys,
  type PerformanceOptions,
  type PerformanceRow,
  type PerformanceStatus,
  type PersonalDataColumn,
  type SyntheticPerson,
  type TapeColumn,
  type TapeCsvOptions,
  type TapeEncoding,
  type TapeEncodingOption,
  type TapeFormat,
  type TapeIssue,
  type TapeIssueCode,
  type TapeProgress,
  type TapeValidationResult,
  type TapeValidationSummary,
  type TemplateColumnName,
  type ValidateTapeOptions,
} from "./tape";
/** The priority-of-payments engine, bit-identical to contracts/libraries/WaterfallLib.sol. */
export * as waterfall from "./waterfall";
/** A projected pool paid out through a deal's waterfall: tranche cash flows, WAL, principal windows, losses. */
export * as projection from "./projection";
/** Regulatory disclosure files (ESMA Annex VI and XII, Regulation AB II auto) from committed tape and period data. */
export * as disclosure from "./disclosure";
/** The consortium's on-chain enums (roles, member status, governed actions, holder codes). */
export { ActionKind, HolderCode, MemberStatus, ROLE_NAMES, Role, roleSet, type RoleName } from "./roles";
export {
  blankGovernanceAction,
  governanceActionKey,
  legalEntityHash,
  type GovernanceAction,
  type GovernanceActionFields,
} from "./governance";
export { mulberry32, type Prng } from "./prng";
export { bytesToHex, keccak256Stream, type Keccak256Stream } from "./hashing";
/** Period reports: servicer performance files aggregated into the pool contract's PeriodReport. */
export {
  LOAN_STATE_AMOUNTS,
  LOAN_STATE_LEAF_TYPES,
  LOAN_STATE_SALT_DOMAIN,
  LOAN_STATE_VERSION,
  MAX_PERIOD,
  REPORT_ISSUE_CODES,
  buildPeriodReport,
  deriveLoanStateSalt,
  loanStateLeaf,
  loanStateOf,
  loanStateSchema,
  loanStateValues,
  type LoanState,
  type PeriodAggregates,
  type PeriodReport,
  type PeriodReportOptions,
  type PeriodReportResult,
  type ReportIssue,
  type ReportIssueCode,
  type ReportProgress,
  type StateLeaf,
} from "./report";
/** Hardhat's public development keys (embedded chain and tests only). */
export { HARDHAT_DEV_MNEMONIC, hardhatDevWallet } from "./dev-keys";
/** The custodian's reconciliation: bank statements (CSV, MT940-style), matching, breaks and a digest. */
export * from "./reconciliation";
export * as settlement from "./settlement";
/** The EIP-712 type of a DvP order, for signing orders that `DvPSettlement` settles. */
export { DVP_ORDER_TYPES } from "./dvp-order";
/** The contracts' enum names by on-chain value (for decoding events and views into names). */
export {
  ACTION_KIND_NAMES,
  COUPON_TYPE_NAMES,
  FORCED_TRANSFER_REASON_NAMES,
  MEMBER_STATUS_NAMES,
  POOL_STATE_NAMES,
  TAPE_CHANGE_KIND_NAMES,
} from "./enum-names";
/** One rendering of zod validation problems (`path: message, found <input>`), for every parsed boundary. */
export { describeZodIssues } from "./zod-issues";
