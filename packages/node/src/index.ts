// Public surface of @abs/node.
export { createApp, listen, type AppDeps, type AuthConfig, type AuthenticatedPeer, type RunningServer } from "./app";
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
