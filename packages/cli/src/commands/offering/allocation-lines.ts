/**
 * The closing's allocations as `abs offering close` prints them: one line per investor and class while they fit
 * on a screen, one line per class beyond that (a thousand-investor closing would otherwise print a thousand lines;
 * `--json` always lists every allocation).
 */
import { formatMoney } from "../../output";

/** At most this many allocation lines; more allocations are summed per class. */
export const ALLOCATION_LINES_MAX = 20;

export interface AllocationLine {
  /** The class the tranche is ("A", "B", ...), or "?" if the deal does not name it. */
  readonly trancheClass: string;
  /** The investor's member name (or address). */
  readonly investor: string;
  readonly allocatedCents: bigint;
}

export function allocationLines(allocations: readonly AllocationLine[], currency: string): [string, string][] {
  if (allocations.length <= ALLOCATION_LINES_MAX) {
    return allocations.map((a) => [
      `Class ${a.trancheClass}`,
      `${a.investor} allotted ${formatMoney(a.allocatedCents, currency)}`,
    ]);
  }
  const byClass = new Map<string, { investors: number; cents: bigint; largest: AllocationLine }>();
  for (const a of allocations) {
    const sum = byClass.get(a.trancheClass);
    if (sum === undefined) byClass.set(a.trancheClass, { investors: 1, cents: a.allocatedCents, largest: a });
    else {
      sum.investors += 1;
      sum.cents += a.allocatedCents;
      if (a.allocatedCents > sum.largest.allocatedCents) sum.largest = a;
    }
  }
  return [...byClass].map(([trancheClass, sum]) => [
    `Class ${trancheClass}`,
    `${sum.investors} investors allotted ${formatMoney(sum.cents, currency)} in all; the largest, ` +
      `${sum.largest.investor}, ${formatMoney(sum.largest.allocatedCents, currency)} (each one: --json)`,
  ]);
}
