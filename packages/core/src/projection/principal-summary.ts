/** Average life and principal window of a monthly principal stream in cents. */
export interface PrincipalSummary {
  /** Principal-weighted months / 12 over positive principal (SF-56's Z-bond convention); undefined with none. */
  readonly averageLifeYears: number | undefined;
  /** First and last month that paid principal; undefined if none did. */
  readonly principalWindow: readonly [number, number] | undefined;
  /** Principal paid in all. */
  readonly principalCents: bigint;
}

/** Summarizes `{ month, principalCents }` rows (month 1 is the first month after the cut-off). */
export function principalSummary(
  rows: Iterable<{ readonly month: number; readonly principalCents: bigint }>,
): PrincipalSummary {
  let weighted = 0n;
  let total = 0n;
  let first: number | undefined;
  let last: number | undefined;
  for (const { month, principalCents } of rows) {
    if (principalCents <= 0n) continue;
    weighted += BigInt(month) * principalCents;
    total += principalCents;
    first ??= month;
    last = month;
  }
  return {
    averageLifeYears: total > 0n ? Number(weighted) / Number(total) / 12 : undefined,
    principalWindow: first === undefined || last === undefined ? undefined : [first, last],
    principalCents: total,
  };
}
