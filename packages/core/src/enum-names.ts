/**
 * The names of the contracts' enums, indexed by their on-chain value, for anyone who turns an event's or a
 * view's integer into a name (the indexer, `abs pool show`). Each list mirrors its Solidity enum in order.
 */
import type { ActionKind, MemberStatus } from "./roles";

/** `MemberStatus` (contracts/types/Roles.sol). */
export const MEMBER_STATUS_NAMES = [
  "None",
  "Active",
  "Suspended",
  "Removed",
] as const satisfies readonly (keyof typeof MemberStatus)[];

/** `IConsortiumRegistry.ActionKind`. */
export const ACTION_KIND_NAMES = [
  "AdmitMember",
  "SuspendMember",
  "ReinstateMember",
  "RemoveMember",
  "SetRoles",
  "SetEligibility",
  "SetVoting",
  "SetThreshold",
  "SetFactory",
] as const satisfies readonly (keyof typeof ActionKind)[];

/** `PoolState` (contracts/types/PoolTypes.sol). */
export const POOL_STATE_NAMES = [
  "Draft",
  "Structured",
  "Offering",
  "Active",
  "Amortizing",
  "Accelerated",
  "Redeemed",
] as const;

/** `TapeChangeKind` (contracts/types/PoolTypes.sol). */
export const TAPE_CHANGE_KIND_NAMES = [
  "Initial",
  "Repurchase",
  "Substitution",
  "RevolvingPurchase",
  "Correction",
] as const;

/** `CouponType` (contracts/types/TrancheTypes.sol). */
export const COUPON_TYPE_NAMES = ["Fixed", "Floating", "None", "InverseFloating"] as const;

/** `ITrancheToken.ForcedTransferReason`. */
export const FORCED_TRANSFER_REASON_NAMES = ["LegalOrder", "WalletRecovery"] as const;
