// Public surface of @abs/node.
export {
  createApp,
  listen,
  type AppDeps,
  type AuthConfig,
  type AuthenticatedPeer,
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
export { startNode, type RunningNode } from "./node";
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
  fetchVerifiedLoan,
  type AnchoredRootReader,
  type FetchVerifiedLoanOptions,
  type VerifiedLoan,
} from "./peer-client";
export {
  LevelTapeStore,
  type ImportTapeOptions,
  type LoanOpening,
  type StoredLoan,
  type StoredTapeMeta,
} from "./tape-store";
