/**
 * What the AssetPool contract stores about a tape when it is anchored (besides the Merkle root), and
 * the loan fingerprint used to detect a loan pledged to two pools.
 */
import { AbiCoder } from "ethers";
import { InvalidArgumentError } from "./errors";
import { checkSecretKey, hmacSha256Hex, isBytes32Hex } from "./hashing";
import { isoDateToEpochDay } from "./iso-date";
import { type LoanRecord } from "./loan-record";
import { WAD, mulDivDown } from "./money";

/**
 * Aggregates of one tape.
 *
 * Rounding: both averages are weighted by current principal and rounded DOWN (toward zero) once, at
 * the end: `waRateWad = floor(sum(P_i * rateWad_i) / sum(P_i))` and
 * `waRemainingTermMonthsWad = floor(sum(P_i * remainingTermMonths_i) * 1e18 / sum(P_i))`, with exact
 * integer sums before the division. Loans with no current principal (e.g. prepaid) count in `loanCount`
 * but carry no weight. With no principal at all both averages are 0.
 */
export interface TapeSummary {
  /** Number of records in the tape, whatever their status. */
  readonly loanCount: number;
  /** Sum of `currentPrincipalCents`. */
  readonly totalPrincipalCents: bigint;
  /** Principal-weighted average annual rate, wad (1e18 = 100%), rounded down. */
  readonly waRateWad: bigint;
  /** Principal-weighted average remaining term in months, wad-scaled (1e18 = 1 month), rounded down. */
  readonly waRemainingTermMonthsWad: bigint;
}

/** The fields of a record the summary reads. */
export type SummaryInput = Pick<LoanRecord, "currentPrincipalCents" | "rateWad" | "remainingTermMonths">;

/** Streaming accumulator: O(1) memory whatever the tape's size. */
export class TapeSummaryAccumulator {
  #loanCount = 0;
  #totalPrincipalCents = 0n;
  #principalTimesRate = 0n;
  #principalTimesMonths = 0n;

  add(record: SummaryInput): void {
    const principal = record.currentPrincipalCents;
    this.#loanCount += 1;
    this.#totalPrincipalCents += principal;
    this.#principalTimesRate += principal * record.rateWad;
    this.#principalTimesMonths += principal * BigInt(record.remainingTermMonths);
  }

  get loanCount(): number {
    return this.#loanCount;
  }

  /** The summary of the records added so far (the accumulator can keep going afterwards). */
  result(): TapeSummary {
    const total = this.#totalPrincipalCents;
    if (total === 0n) {
      return { loanCount: this.#loanCount, totalPrincipalCents: 0n, waRateWad: 0n, waRemainingTermMonthsWad: 0n };
    }
    return {
      loanCount: this.#loanCount,
      totalPrincipalCents: total,
      // Rounded down: bigint division truncates, and every term is non-negative.
      waRateWad: this.#principalTimesRate / total,
      waRemainingTermMonthsWad: mulDivDown(this.#principalTimesMonths, WAD, total),
    };
  }
}

/** The summary of a whole tape, in one pass. */
export function summarizeTape(records: Iterable<SummaryInput>): TapeSummary {
  const accumulator = new TapeSummaryAccumulator();
  for (const record of records) accumulator.add(record);
  return accumulator.result();
}

/** The fields of a record that identify the loan itself, whatever tape or period it appears in. */
export type LoanIdentity = Pick<LoanRecord, "loanId" | "borrowerId" | "originationDate" | "originalPrincipalCents">;

/** Domain tag of the fingerprint encoding, so that it never collides with another use of the key. */
export const LOAN_FINGERPRINT_DOMAIN = "abs.loan-fingerprint.v1";

/** ABI types of the fingerprint's canonical identity, in order. */
export const LOAN_FINGERPRINT_TYPES = ["string", "bytes32", "string", "bytes32", "uint32", "uint128"] as const;

/**
 * A loan's fingerprint for double-pledge detection: HMAC-SHA256 under the consortium's shared key of
 * the loan's canonical identity, `abi.encode(LOAN_FINGERPRINT_DOMAIN, originatorId, loanId, borrowerId,
 * originationDay, originalPrincipalCents)` (ABI encoding, so no two identities give the same bytes).
 * Pools register fingerprints; the same fingerprint in two live pools is the same loan pledged twice.
 * Only key holders can compute one, so a fingerprint on chain does not let outsiders test guesses.
 *
 * @param consortiumKey the consortium's fingerprint key, at least 32 bytes.
 * @param originatorId the originator's `memberId` in the consortium registry (bytes32, 0x hex).
 * @returns 32 bytes as 0x lowercase hex.
 */
export function loanFingerprint(consortiumKey: Uint8Array, originatorId: string, loan: LoanIdentity): string {
  checkSecretKey("consortiumKey", consortiumKey);
  if (!isBytes32Hex(originatorId)) {
    throw new InvalidArgumentError(
      "originatorId",
      "a registry memberId: 0x followed by 64 hex digits",
      JSON.stringify(originatorId),
    );
  }
  const identity = AbiCoder.defaultAbiCoder().encode(LOAN_FINGERPRINT_TYPES, [
    LOAN_FINGERPRINT_DOMAIN,
    originatorId,
    loan.loanId,
    loan.borrowerId,
    isoDateToEpochDay(loan.originationDate),
    loan.originalPrincipalCents,
  ]);
  return hmacSha256Hex(consortiumKey, Buffer.from(identity.slice(2), "hex"));
}
