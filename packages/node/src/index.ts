// Public surface of @abs/node.
export {
  DEFAULT_LOAN_IDS_PAGE,
  DEFAULT_LOANS_PAGE,
  MAX_LOAN_IDS_PAGE,
  MAX_LOANS_PAGE,
  createApp,
  loanIdPattern,
  listen,
  type AppDeps,
  type AuthConfig,
  type AuthenticatedPeer,
  type NodeRouter,
  type RouterContext,
  type RunningServer,
  type TapeReader,
} from "./app";
export { parseNodeConfig, type KeySource, type NodeConfig } from "./config";
export {
  DEFAULT_ENTITLEMENT_POLICY,
  RegistryMemberDirectory,
  assertActiveMember,
  assertEntitled,
  decodeRoleSet,
  entitlementOf,
  type EntitlementLevel,
  type EntitlementPolicy,
  type MemberDirectory,
  type MemberRecord,
  type MemberStatusName,
} from "./entitlement";
export {
  ASSET_POOL_ABI,
  ASSET_POOL_FACTORY_ABI,
  CASH_TOKEN_ABI,
  DVP_SETTLEMENT_ABI,
  TRANCHE_TOKEN_ABI,
} from "./chain/abi";
export { LevelBankLedger, balanceEffect, type BankLedgerEntry } from "./custodian/bank-ledger";
export {
  CustodianService,
  type CreditInput,
  type CustodianBalances,
  type PayoutDecisionInput,
  type RecordOutcome,
} from "./custodian/custodian-service";
export { custodianRouter } from "./custodian/custodian-router";
export { DvpService, type DvpOrder, type DvpTrade, type SettledTrade } from "./dvp/dvp-service";
export { dvpRouter } from "./dvp/dvp-router";
export {
  PLEDGE_POLICIES,
  FINGERPRINTS_PER_REGISTRATION,
  PLEDGE_REGISTRY_ABI,
  PledgeClient,
  fetchLoanPledge,
  fetchPledgedLoan,
  type PledgePolicyName,
} from "./pledge/pledge-client";
export { LevelPledgeIndex, type PledgedLoan } from "./pledge/pledge-index";
export {
  ChainBridge,
  asChainError,
  type BridgeOptions,
  type ChainCall,
  type ConfirmedAction,
  type JournalEntry,
} from "./chain/bridge";
export { decodeRevert, revertDataOf } from "./chain/revert";
export { POOL_STATES, TAPE_KINDS, readPoolView, type PoolView } from "./chain/pool-view";
export { DEFAULT_RETRY_POLICY, isRetryableRpcError, withRetry, type RetryPolicy } from "./chain/retry";
export {
  TAPE_CHANGE_KINDS,
  TapeUploadService,
  type TapeChangeKindName,
  type UploadOutcome,
  type UploadTapeOptions,
} from "./tape-upload";
export { tapeUploadRouter } from "./tape-upload-router";
export { peerLoansRouter } from "./peer-loans-router";
export {
  LevelPeriodStore,
  type LoanStateOpening,
  type LoanStatesPage,
  type StoredLoanState,
  type StoredPeriodMeta,
} from "./period/period-store";
export { PeriodReportService, type ReportOutcome, type SubmitReportOptions } from "./period/period-report-service";
export { periodReportRouter, periodStatesRouter } from "./period/period-router";
export {
  fetchVerifiedLoanState,
  fetchVerifiedPeriod,
  type PeriodRequest,
  type VerifiedLoanState,
  type VerifiedPeriod,
} from "./period/period-client";
export {
  ChainError,
  CustodianError,
  DvpError,
  UploadError,
  ConfigError,
  DirectoryUnavailableError,
  NodeError,
  PeerAccessError,
  PeerAuthError,
  PeerRecordError,
  TapeStoreError,
  type NodeErrorCode,
  type NodeErrorOptions,
} from "./errors";
export { LevelNonceStore, type NonceStore } from "./nonce-store";
export { resolveKey, startNode, type RunningNode } from "./node";
export {
  DEFAULT_WINDOW_MS,
  PEER_HEADERS,
  PEER_REQUEST_TYPES,
  bodySha256,
  peerTypedDataDomain,
  signRequest,
  verifyRequest,
  type PeerDomain,
  type PeerRequest,
  type PeerRequestHeaders,
  type SignOptions,
  type TypedDataSigner,
  type VerifiedRequest,
  type VerifyPolicy,
} from "./request-signing";
export {
  ASSET_POOL_TAPE_ABI,
  AssetPoolRootReader,
  type AnchoredStateRootReader,
  type PagedLeafSet,
  verifyLeafPages,
  fetchLoanIdsPage,
  fetchLoansPage,
  fetchVerifiedLoan,
  fetchVerifiedTape,
  listLoanIds,
  type AnchoredRootReader,
  type FetchLoansOptions,
  type FetchVerifiedLoanOptions,
  type FetchVerifiedTapeOptions,
  type LoansAnswer,
  type RefusedTapeLoan,
  type VerifiedTape,
  type ListLoanIdsOptions,
  type LoanIdsAnswer,
  type PeerTarget,
  type VerifiedLoan,
} from "./peer-client";
export {
  LevelTapeStore,
  toJson,
  type ImportTapeOptions,
  type LoanIdsPage,
  type LoanIdsPageRequest,
  type LoanOpening,
  type LoansPage,
  type StoredLoan,
  type StoredTapeMeta,
  type AnchoredTape,
  type TapeWriter,
  type UploadEntry,
} from "./tape-store";
