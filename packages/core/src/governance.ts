/**
 * The registry's governed actions as every TypeScript user compares and builds them (the deployment, `abs
 * governance`): one key per action, so a pending proposal of the same action is found and reused instead of a
 * second one opened; and the legal-entity hash a member record carries (no clear data on chain).
 */
import { keccak256, toUtf8Bytes } from "ethers";

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
