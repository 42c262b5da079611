/**
 * The originator node's index from a loan's consortium fingerprint to the loan, per pool: how a regulator holding a
 * DoublePledge alert (a fingerprint and two pools) learns which loan of each pool it is. Written when a tape's loans
 * are registered (before the tape is anchored: an entry of a tape that was never anchored names a loan registered on
 * chain all the same), served to loan-level peers by `pledgeLookupRouter`.
 *
 * LevelDB sublevel `pledges`, key `<pool lower-case>:<fingerprint>`, value `{ loanId, version }` as JSON; and the
 * other way, sublevel `pledged-loans`, key `<pool lower-case>:<loanId>`, value the fingerprint (how a trustee releasing
 * a repurchased loan learns its fingerprint).
 */
import { type Level } from "level";
import { z } from "zod";
import { TapeStoreError } from "../errors";

const UTF8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
const entry = z.object({ loanId: z.string(), version: z.number().int().min(1) });
export type PledgedLoan = z.infer<typeof entry>;

/** Entries per LevelDB batch. */
const BATCH = 5_000;

export class LevelPledgeIndex {
  private readonly pledges;
  private readonly loans;

  /** `db` is the node's LevelDB (opened and closed by the caller). */
  constructor(private readonly db: Level<string, string>) {
    this.pledges = db.sublevel<string, string>("pledges", UTF8);
    this.loans = db.sublevel<string, string>("pledged-loans", UTF8);
  }

  /** Records each fingerprint's loan of `pool`'s tape `version` (a later tape's entry replaces an earlier one). */
  async record(
    pool: string,
    version: number,
    loans: readonly { readonly fingerprint: string; readonly loanId: string }[],
  ): Promise<void> {
    for (let start = 0; start < loans.length; start += BATCH) {
      // Both directions of a loan in one batch: neither is ever written without the other.
      await this.db.batch(
        loans.slice(start, start + BATCH).flatMap((loan) => [
          {
            type: "put" as const,
            sublevel: this.pledges,
            key: keyOf(pool, loan.fingerprint),
            value: JSON.stringify({ loanId: loan.loanId, version }),
          },
          {
            type: "put" as const,
            sublevel: this.loans,
            key: `${pool.toLowerCase()}:${loan.loanId}`,
            value: loan.fingerprint.toLowerCase(),
          },
        ]),
      );
    }
  }

  /** The loan of `pool` behind `fingerprint`, or undefined. */
  async loanOf(pool: string, fingerprint: string): Promise<PledgedLoan | undefined> {
    const value = await this.pledges.get(keyOf(pool, fingerprint));
    if (value === undefined) return undefined;
    const parsed = entry.safeParse(JSON.parse(value));
    if (!parsed.success) throw new TapeStoreError("TAPE_STORE_CORRUPT", `pledge index entry of ${pool} does not parse`);
    return parsed.data;
  }

  /** The fingerprint `pool`'s loan `loanId` was registered under, or undefined. */
  async fingerprintOf(pool: string, loanId: string): Promise<string | undefined> {
    return this.loans.get(`${pool.toLowerCase()}:${loanId}`);
  }
}

function keyOf(pool: string, fingerprint: string): string {
  return `${pool.toLowerCase()}:${fingerprint.toLowerCase()}`;
}
