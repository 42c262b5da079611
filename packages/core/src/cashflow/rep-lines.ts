import { mulDivHalfUp } from "./fixed-point";
import { type ProjectionLoan } from "./projection";

/**
 * Collapses loans into representative lines ("rep lines") for a pool-level projection: one line per tier,
 * amortization type, payment frequency and day count, with the group's balance, balance-weighted average rate
 * (WAC, rounded down), remaining term (WAM) and loan age (WALA), both rounded half up to whole months.
 * Zero-balance loans are skipped. A rep line is a {@link ProjectionLoan}; project it with `projectPool`.
 *
 * Benchmark ramps (PSA, SDA, ABS) then run on the WALA instead of each loan's age, so a seasoning-diverse pool
 * projects differently at rep-line level; use loan-level projection where that matters.
 */
export function repLinesFromLoans(loans: readonly ProjectionLoan[]): ProjectionLoan[] {
  interface Group {
    readonly sample: ProjectionLoan;
    balance: bigint;
    rateWeighted: bigint;
    termWeighted: bigint;
    ageWeighted: bigint;
    count: number;
  }
  const groups = new Map<string, Group>();
  for (const loan of loans) {
    const balance = loan.currentPrincipalCents;
    if (balance <= 0n) continue;
    const key = `${loan.tierKey}\u0000${loan.amortization}\u0000${loan.paymentFrequency}\u0000${loan.dayCount}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { sample: loan, balance: 0n, rateWeighted: 0n, termWeighted: 0n, ageWeighted: 0n, count: 0 };
      groups.set(key, group);
    }
    group.balance += balance;
    group.rateWeighted += balance * loan.rateWad;
    group.termWeighted += balance * BigInt(loan.remainingTermMonths);
    group.ageWeighted += balance * BigInt(loan.ageMonths);
    group.count += 1;
  }
  return [...groups.values()].map((group): ProjectionLoan => ({
    loanId: `rep:${group.sample.tierKey}:${group.sample.amortization}:${group.sample.paymentFrequency}:${group.sample.dayCount}:${group.count}`,
    tierKey: group.sample.tierKey,
    amortization: group.sample.amortization,
    paymentFrequency: group.sample.paymentFrequency,
    dayCount: group.sample.dayCount,
    currentPrincipalCents: group.balance,
    rateWad: group.rateWeighted / group.balance,
    remainingTermMonths: Math.max(1, Number(mulDivHalfUp(group.termWeighted, 1n, group.balance))),
    ageMonths: Number(mulDivHalfUp(group.ageWeighted, 1n, group.balance)),
  }));
}
