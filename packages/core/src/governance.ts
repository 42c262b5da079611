/**
 * The registry's governed actions as every TypeScript user compares and builds them (the deployment, `abs
 * governance`): one key per action, so a pending proposal of the same action is found and reused instead of a
 * second one opened; and the legal-entity hash a member record carries (no clear data on chain).
 */
import { ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";

/** `IConsortiumRegistry.Action` as a caller builds it. */
export interface GovernanceAction {
  kind: number;
  account: string;
  memberId: string;
  legalEntityHash: string;
  roles: number;
  flag: boolean;
  eligibility: { investorClass: number; jurisdiction: number; validUntil: bigint };
  threshold: number;
}

/** The action with every field zero: a kind's fields go on top of it (the registry refuses non-zero unused ones). */
export function blankGovernanceAction(): GovernanceAction {
  return {
    kind: 0,
    account: ZeroAddress,
    memberId: ZeroHash,
    legalEntityHash: ZeroHash,
    roles: 0,
    flag: false,
    eligibility: { investorClass: 0, jurisdiction: 0, validUntil: 0n },
    threshold: 0,
  };
}

/** The fields of `IConsortiumRegistry.Action`, as ethers returns them or as a caller builds them. */
export interface GovernanceActionFields {
  readonly kind: unknown;
  readonly account: unknown;
  readonly memberId: unknown;
  readonly legalEntityHash: unknown;
  readonly roles: unknown;
  readonly flag: unknown;
  readonly eligibility: {
    readonly investorClass: unknown;
    readonly jurisdiction: unknown;
    readonly validUntil: unknown;
  };
  readonly threshold: unknown;
}

/** One text per action: two actions are the same action exactly when their keys are equal (addresses in any case). */
export function governanceActionKey(a: GovernanceActionFields): string {
  return [
    a.kind,
    String(a.account).toLowerCase(),
    a.memberId,
    a.legalEntityHash,
    a.roles,
    a.flag,
    a.eligibility.investorClass,
    a.eligibility.jurisdiction,
    a.eligibility.validUntil,
    a.threshold,
  ]
    .map(String)
    .join("|");
}

/** The registry's hash of a member's legal entity name. */
export function legalEntityHash(name: string): string {
  return keccak256(toUtf8Bytes(`legal-entity:${name}`));
}
