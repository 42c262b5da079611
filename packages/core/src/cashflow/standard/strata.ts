/**
 * Risk tiers from loan-level data: the loans of a tape grouped by credit grade, region, vintage (origination year)
 * and product, each group collapsed into one SIFMA rep line (balance, balance-weighted coupon, original term and
 * age), so each tier can carry its own assumptions and price.
 *
 * Only loans with a balance that still perform are grouped (status `current` or `delinquent`); defaulted, prepaid
 * and repurchased loans are counted and left out. The standard formulas amortize level-payment loans: loans of
 * other amortization types are projected as if level-pay, and counted in `otherAmortization` so a caller can say so.
 */
import { type LoanRecord } from "../../loan-record";

/** The attributes a pool can be stratified by. */
export const STRATA_ATTRIBUTES = ["grade", "region", "vintage", "product"] as const;
export type StrataAttribute = (typeof STRATA_ATTRIBUTES)[number];

/** One tier: its attribute values, its rep line and what went into it. */
export interface Stratum {
  /** Attribute values, in the order asked for, e.g. { grade: "A", vintage: "2024" }. */
  readonly key: Readonly<Partial<Record<StrataAttribute, string>>>;
  /** "grade=A vintage=2024" (or "all" with no attributes). */
  readonly name: string;
  readonly loanCount: number;
  readonly balanceCents: bigint;
  /** Balance-weighted annual rate, as a fraction. */
  readonly grossCoupon: number;
  /** Balance-weighted original term, whole months (rounded half up). */
  readonly originalTermMonths: number;
  /** Balance-weighted age (term - remaining term), whole months (rounded half up), below the original term. */
  readonly ageMonths: number;
  /** Loans in the tier that are not level-pay (projected as level-pay). */
  readonly otherAmortization: number;
}

/** The tiers and the loans left out. */
export interface Stratification {
  readonly strata: readonly Stratum[];
  /** Loans left out: no balance, or not performing (defaulted, prepaid, repurchased). */
  readonly excludedLoans: number;
  readonly excludedBalanceCents: bigint;
}

const WAD = 10n ** 18n;

function valueOf(record: LoanRecord, attribute: StrataAttribute): string {
  switch (attribute) {
    case "grade":
      return record.creditGrade;
    case "region":
      return record.region;
    case "vintage":
      return record.originationDate.slice(0, 4);
    case "product":
      return record.productType;
  }
}

interface Accumulator {
  readonly key: Partial<Record<StrataAttribute, string>>;
  loanCount: number;
  balance: bigint;
  rateWeighted: bigint;
  termWeighted: bigint;
  ageWeighted: bigint;
  otherAmortization: number;
}

/** Rounds a balance-weighted sum of whole months to whole months, half up. */
function weightedMonths(weighted: bigint, balance: bigint): number {
  return Number((2n * weighted + balance) / (2n * balance));
}

/** Groups loans one at a time (a tape streams through it); `result()` gives the tiers so far. */
export class Stratifier {
  private readonly groups = new Map<string, Accumulator>();
  private excludedLoans = 0;
  private excludedBalanceCents = 0n;

  /** @param by the attributes to group by, in order (none: one tier of the whole pool) */
  constructor(private readonly by: readonly StrataAttribute[]) {}

  add(record: LoanRecord): void {
    const performing = record.status === "current" || record.status === "delinquent";
    if (!performing || record.currentPrincipalCents === 0n || record.remainingTermMonths === 0) {
      this.excludedLoans += 1;
      this.excludedBalanceCents += record.currentPrincipalCents;
      return;
    }
    const key: Partial<Record<StrataAttribute, string>> = {};
    for (const attribute of this.by) key[attribute] = valueOf(record, attribute);
    const id = this.by.map((attribute) => key[attribute] ?? "").join("\u0000");
    let group = this.groups.get(id);
    if (group === undefined) {
      group = {
        key,
        loanCount: 0,
        balance: 0n,
        rateWeighted: 0n,
        termWeighted: 0n,
        ageWeighted: 0n,
        otherAmortization: 0,
      };
      this.groups.set(id, group);
    }
    const balance = record.currentPrincipalCents;
    group.loanCount += 1;
    group.balance += balance;
    group.rateWeighted += balance * record.rateWad;
    group.termWeighted += balance * BigInt(record.termMonths);
    group.ageWeighted += balance * BigInt(record.termMonths - record.remainingTermMonths);
    if (record.amortization !== "level") group.otherAmortization += 1;
  }

  /** The tiers in order of first appearance of their key, and the loans left out. */
  result(): Stratification {
    const strata = [...this.groups.values()].map((group): Stratum => {
      const originalTermMonths = Math.max(1, weightedMonths(group.termWeighted, group.balance));
      const ageMonths = Math.min(weightedMonths(group.ageWeighted, group.balance), originalTermMonths - 1);
      const rateWad = group.rateWeighted / group.balance;
      return {
        key: group.key,
        name:
          this.by.length === 0
            ? "all"
            : this.by.map((attribute) => `${attribute}=${group.key[attribute] ?? ""}`).join(" "),
        loanCount: group.loanCount,
        balanceCents: group.balance,
        grossCoupon: Number(rateWad) / Number(WAD),
        originalTermMonths,
        ageMonths,
        otherAmortization: group.otherAmortization,
      };
    });
    return { strata, excludedLoans: this.excludedLoans, excludedBalanceCents: this.excludedBalanceCents };
  }
}

/** Groups the loans by the attributes given; see {@link Stratifier}. */
export function stratify(records: Iterable<LoanRecord>, by: readonly StrataAttribute[]): Stratification {
  const stratifier = new Stratifier(by);
  for (const record of records) stratifier.add(record);
  return stratifier.result();
}
