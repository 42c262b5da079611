/**
 * The principal schedule of a `scheduled` deal file, fixed at structuring: one list of target balances per pac/tac
 * tranche (seniority order), period by period, as `Waterfall.setSchedule` takes it.
 *
 * - `band: { low, high }, pool: FILE`: the projection file's pool (its `pool:` rep lines) is projected at `low` and
 *   `high` PSA with no defaults; the scheduled classes' combined schedule pays, each period, the smaller of the two
 *   principal amounts (`projection.pacSchedule`, refused if their faces exceed what the band supports), and the
 *   combined target is held by the classes from the most junior up (`projection.pacClassTargets`), so the most
 *   senior is retired first. A TAC is the band of one speed (`low = high`).
 * - `targets: { CLASS: [...] }`: the lists as given (amounts in currency units).
 *
 * Trailing periods where every target is already zero are dropped (the chain's targets are zero after the list).
 */
import path from "node:path";
import { cashflow, parseCents, projection } from "@abs/core";
import { CliError } from "../errors";
import { type ProjectionFile, readProjectionFile } from "../projection/projection-file";
import { poolMonthsAtPsa } from "../projection/run-projection";
import { type DealFile, isScheduledClass } from "./deal-file";

/** Most periods a schedule lists on chain (`ScheduleLib.MAX_PERIODS`). */
export const MAX_SCHEDULE_PERIODS = 480;

/** What a scheduled deal's targets are computed from: the band's pool file read, or the listed targets. */
export type ScheduleSource =
  | {
      readonly kind: "band";
      readonly low: number;
      readonly high: number;
      readonly poolFile: string;
      readonly pool: ProjectionFile;
    }
  | { readonly kind: "targets"; readonly targets: Readonly<Record<string, readonly string[]>> };

/**
 * Reads what `deal`'s schedule is computed from (undefined unless its mode is `scheduled`): a band's pool file is
 * read relative to the deal file.
 *
 * @throws CliError `USAGE` for a projection file without `pool:`; `INPUT_NOT_FOUND` for a missing one
 */
export async function loadScheduleSource(deal: DealFile, dealFilePath: string): Promise<ScheduleSource | undefined> {
  const schedule = deal.principal.schedule;
  if (deal.principal.mode !== "scheduled" || schedule === undefined) return undefined;
  if ("targets" in schedule) return { kind: "targets", targets: schedule.targets };
  const file = path.resolve(path.dirname(dealFilePath), schedule.pool);
  const pool = await readProjectionFile(file);
  if (pool.pool === undefined) {
    throw new CliError("USAGE", `${file}: expected the deal's pool as rep lines (pool:), found tiers:`);
  }
  return { kind: "band", low: schedule.band.low, high: schedule.band.high, poolFile: schedule.pool, pool };
}

/**
 * The targets of `deal`'s pac/tac tranches from `source`, one list per tranche in seniority order.
 *
 * @param facesCents Every tranche's face, most senior first.
 * @throws CliError `USAGE` for faces the band cannot support or too many periods
 */
export function scheduleTargets(deal: DealFile, source: ScheduleSource, facesCents: readonly bigint[]): bigint[][] {
  const scheduled = deal.tranches.flatMap((t, i) =>
    isScheduledClass(t.principalClass) ? [{ class: t.class, face: facesCents[i] ?? 0n }] : [],
  );
  if (source.kind === "targets") {
    return trimmed(scheduled.map((c) => (source.targets[c.class] ?? []).map((amount) => parseCents(amount))));
  }
  const faces = scheduled.map((c) => c.face);
  const totalFace = faces.reduce((sum, face) => sum + face, 0n);
  try {
    const combined = projection.pacSchedule(
      totalFace,
      poolMonthsAtPsa(source.pool, source.low),
      poolMonthsAtPsa(source.pool, source.high),
    );
    return trimmed(projection.pacClassTargets(combined, faces));
  } catch (error) {
    if (!(error instanceof cashflow.CashflowError)) throw error;
    throw new CliError(
      "USAGE",
      `principal.schedule: the ${source.low}-${source.high} PSA band over ${source.poolFile} cannot ` +
        `schedule the pac/tac classes (${scheduled.map((c) => c.class).join(", ")}): ${error.message}`,
    );
  }
}

/**
 * The schedule of `deal` (undefined unless its mode is `scheduled`): {@link loadScheduleSource}, then
 * {@link scheduleTargets}.
 *
 * @param dealFilePath The deal file's path: a band's `pool` file is read relative to it.
 * @param facesCents Every tranche's face, most senior first.
 */
export async function dealSchedule(
  deal: DealFile,
  dealFilePath: string,
  facesCents: readonly bigint[],
): Promise<bigint[][] | undefined> {
  const source = await loadScheduleSource(deal, dealFilePath);
  return source === undefined ? undefined : scheduleTargets(deal, source, facesCents);
}

/** Drops the periods after the first where every list is zero, and checks the length the chain takes. */
function trimmed(targets: bigint[][]): bigint[][] {
  const length = Math.max(0, ...targets.map((list) => list.length));
  let end = length;
  for (let p = 0; p < length; p++) {
    if (targets.every((list) => (list[p] ?? 0n) === 0n)) {
      end = p + 1;
      break;
    }
  }
  if (end > MAX_SCHEDULE_PERIODS) {
    throw new CliError(
      "USAGE",
      `principal.schedule: expected at most ${MAX_SCHEDULE_PERIODS} periods before the scheduled classes are paid off, found ${end}`,
    );
  }
  return targets.map((list) => Array.from({ length: end }, (_, p) => list[p] ?? 0n));
}
