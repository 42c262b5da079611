// Public surface of @abs/indexer.
export { AbiRegistry, eventSpec, type ArgValue, type ContractAbi, type DecodedArgs, type EventSpec } from "./abi";
export { DEFAULT_ALERT_RULES, parseIndexerConfig, type AlertRule, type IndexerConfig } from "./config";
export {
  ConfigError,
  IndexerError,
  ReorgError,
  RpcError,
  StoreError,
  UserInputError,
  AuthError,
  type IndexerErrorCode,
} from "./errors";
export { DEFAULT_HANDLERS } from "./handlers";
export { INDEXER_NODE_FLAGS } from "./node-flags";
export {
  Args,
  TupleArgs,
  eventId,
  getMember,
  seqId,
  type AuditHints,
  type DecodedLog,
  type EventHandler,
  type HandlerContext,
  type HandlerTable,
} from "./handlers/context";
export { Indexer, type IndexerDeps, type IndexerOptions } from "./indexer";
export { JsonRpcClient, isMethodUnsupported, type BlockInfo, type RawLog, type SenderSource } from "./rpc";
export {
  GRAPH_DIRECTIVES,
  loadSchemaModel,
  parseSchemaModel,
  type EntityModel,
  type FieldModel,
  type SchemaModel,
} from "./schema-model";
export { registryFromAddressBook, sourcesFromAddressBook } from "./sources";
export { IndexerStore, type Checkpoint, type EntityData } from "./store";
export { createApp, listen, type AppDeps, type RunningServer } from "./app";
export {
  auditDigest,
  parseAuditExport,
  signAuditExport,
  verifyAuditExport,
  type AuditMismatch,
  type AuditVerdict,
  type SignedAuditExport,
} from "./audit-verify";
export { LoanAccess, SESSION_COOKIE, resolveCaller, type Caller, type CallerDeps } from "./auth/caller";
export { signInToIndexer, type IndexerSession } from "./auth/client";
export { createAuthDeps, type AuthOptions } from "./auth/auth-deps";
export { CachedMemberDirectory } from "./auth/member-cache";
export { authRouter, type AuthDeps } from "./auth/routes";
export { SessionBook, type Session, type SessionBookOptions } from "./auth/session-book";
export { SIGN_IN_STATEMENT, challenge, signIn, type SignInDeps } from "./auth/sign-in";
export { auditCsv, exportAudit, parseAuditExportQuery, type AuditExport, type AuditExportQuery } from "./export";
export { LoanBook, type Concentration, type LoanEntitlement, type LoanView, type RefusedLoan } from "./loans";
export { fetchTapeFromNode, type MemberNodeDeps, type NodeLoanOutcome } from "./member-node";
export { startIndexerService, type IndexerServiceOptions, type RunningIndexerService } from "./service";
