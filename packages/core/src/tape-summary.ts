/**
 * What the AssetPool contract stores about a tape when it is anchored (besides the Merkle root). (A loan's
 * consortium fingerprint, for double pledges across originators, is in `pledge/pledge-fingerprint.ts`.)
 */
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
