/**
 * Who may read what, decided from the on-chain ConsortiumRegistry at request time.
 *
 * - loan-level: active members holding one of `policy.loanLevelRoles` (default TRUSTEE, REGULATOR);
 * - aggregates: active members holding one of `policy.aggregateRoles` (default INVESTOR);
 * - anything else is refused: unknown keys, suspended or removed members (PEER_NOT_MEMBER), and active
 *   members with none of those roles (PEER_NOT_ENTITLED).
 * Nothing is cached: a suspension voted on chain takes effect on the next request.
 */
import { Contract, type ContractRunner, decodeBytes32String } from "ethers";
import { ROLE_NAMES, type RoleName } from "@abs/core";
import { DirectoryUnavailableError, PeerAccessError } from "./errors";

export type MemberStatusName = "None" | "Active" | "Suspended" | "Removed";
const STATUS_NAMES: readonly MemberStatusName[] = ["None", "Active", "Suspended", "Removed"];

/** The registry's record of one key. Unknown keys have status "None" and no roles. */
export interface MemberRecord {
  readonly address: string;
  /** The registered member id (e.g. "TRUS-ZHONGXIN-TR"); empty for unknown keys. */
  readonly memberId: string;
  readonly status: MemberStatusName;
  readonly roles: readonly RoleName[];
}

/** Read access to the consortium's member registry. */
export interface MemberDirectory {
  /** The current record of `address`. Throws DirectoryUnavailableError if the registry cannot be read. */
  lookup(address: string): Promise<MemberRecord>;
}

export type EntitlementLevel = "loan-level" | "aggregates";

export interface EntitlementPolicy {
  readonly loanLevelRoles: readonly RoleName[];
  readonly aggregateRoles: readonly RoleName[];
}

export const DEFAULT_ENTITLEMENT_POLICY: EntitlementPolicy = {
  loanLevelRoles: ["TRUSTEE", "REGULATOR"],
  aggregateRoles: ["INVESTOR"],
};

/** The highest level `member` may read, or undefined if none. Inactive members get undefined. */
export function entitlementOf(member: MemberRecord, policy: EntitlementPolicy): EntitlementLevel | undefined {
  if (member.status !== "Active") return undefined;
  if (member.roles.some((r) => policy.loanLevelRoles.includes(r))) return "loan-level";
  if (member.roles.some((r) => policy.aggregateRoles.includes(r))) return "aggregates";
  return undefined;
}

/** Throws PEER_NOT_MEMBER unless `member` is active. */
export function assertActiveMember(member: MemberRecord): void {
  if (member.status === "Active") return;
  throw new PeerAccessError(
    "PEER_NOT_MEMBER",
    member.status === "None"
      ? "caller key is not registered in the consortium registry"
      : `caller is not an active member (status ${member.status})`,
  );
}

const LEVEL_RANK: Record<EntitlementLevel, number> = { aggregates: 1, "loan-level": 2 };

/** Throws PEER_NOT_ENTITLED unless `level` reaches `required`. */
export function assertEntitled(level: EntitlementLevel | undefined, required: EntitlementLevel): void {
  if (level !== undefined && LEVEL_RANK[level] >= LEVEL_RANK[required]) return;
  throw new PeerAccessError(
    "PEER_NOT_ENTITLED",
    `caller's roles entitle it to ${level ?? "no data"}; this needs ${required}`,
  );
}

/** The slice of the ConsortiumRegistry ABI the directory reads. */
export const REGISTRY_MEMBER_ABI = [
  "function member(address account) view returns (tuple(uint32 roles, uint8 status, bool voting, tuple(uint8 investorClass, uint16 jurisdiction, uint64 validUntil) eligibility, uint64 admittedAt, bytes32 memberId, bytes32 legalEntityHash))",
] as const;

/** Decode a registry role bit set into role names (bit i = ROLE_NAMES[i]). */
export function decodeRoleSet(bits: number): RoleName[] {
  return ROLE_NAMES.filter((_, i) => (bits & (1 << i)) !== 0);
}

/**
 * `MemberDirectory` over a deployed ConsortiumRegistry. Reads `member(address)` (one `eth_call`, so
 * status and roles come from the same block; equivalent to `isActive` + `hasRole` for each role).
 */
export class RegistryMemberDirectory implements MemberDirectory {
  private readonly registry: Contract;

  constructor(registryAddress: string, runner: ContractRunner) {
    this.registry = new Contract(registryAddress, REGISTRY_MEMBER_ABI, runner);
  }

  async lookup(address: string): Promise<MemberRecord> {
    let raw: { roles: bigint; status: bigint; memberId: string };
    try {
      const fn = this.registry.getFunction("member");
      raw = (await fn.staticCall(address)) as typeof raw;
    } catch (cause) {
      throw new DirectoryUnavailableError("could not read the consortium registry; try again", { cause });
    }
    const status = STATUS_NAMES[Number(raw.status)];
    if (status === undefined) {
      throw new DirectoryUnavailableError(`registry returned unknown member status ${raw.status}`);
    }
    return {
      address,
      memberId: status === "None" ? "" : decodeBytes32String(raw.memberId),
      status,
      roles: decodeRoleSet(Number(raw.roles)),
    };
  }
}
