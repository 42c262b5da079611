/**
 * A loan's pledge identity: what two originators' records of the same loan agree on (the borrower's national id,
 * the origination date, the original principal), hashed. The input of the consortium fingerprint
 * (`pledge-fingerprint.ts`). Pure hashing, no curve: tape row workers compute it.
 */
import { createHash } from "node:crypto";
import { AbiCoder } from "ethers";

export const PLEDGE_IDENTITY_DOMAIN = "abs.pledge-identity.v1";

/** What two originators' records of one loan agree on. */
export interface PledgeIdentity {
  /** Normalised as for borrower ids (`normalisePersonalValue("national_id", ...)`). */
  readonly nationalId: string;
  /** Days since 1970-01-01. */
  readonly originationDay: number;
  readonly originalPrincipalCents: bigint;
}

/** SHA-256 of `abi.encode(PLEDGE_IDENTITY_DOMAIN, nationalId, originationDay, originalPrincipalCents)`. */
export function pledgeIdentityDigest(identity: PledgeIdentity): Uint8Array {
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ["string", "string", "uint32", "uint128"],
    [PLEDGE_IDENTITY_DOMAIN, identity.nationalId, identity.originationDay, identity.originalPrincipalCents],
  );
  return createHash("sha256")
    .update(Buffer.from(encoded.slice(2), "hex"))
    .digest();
}
