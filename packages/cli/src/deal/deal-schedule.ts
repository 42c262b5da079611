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
import { readProjectionFile } from "../projection/projection-file";
import { poolMonthsAtPsa } from "../projection/run-projection";
import { type DealFile } from "./deal-file";

/** Most periods a schedule lists on chain (`ScheduleLib.MAX_PERIODS`). */
export const MAX_SCHEDULE_PERIODS = 480;

/**
 * The schedule of `deal` (undefined unless its mode is `scheduled`).
 *
 * @param deal The parsed deal file.
 * @param dealFilePath The deal file's path: a band's `pool` file is read relative to it.
 * @param facesCents Every tranche's face, most senior first.
 * @throws CliError `USAGE` for a projection file without `pool:`, faces the band cannot support or too many periods;
 * `INPUT_NOT_FOUND` for a missing projection file
 */
export async function dealSchedule(
  deal: DealFile,
  dealFilePath: string,
  facesCents: readonly bigint[],
): Promise<bigint[][] | undefined> {
  const schedule = deal.principal.schedule;
  if (deal.principal.mode !== "scheduled" || schedule === undefined) return undefined;
  const scheduled = deal.tranches.flatMap((t, i) =>
    t.principalClass === "pac" || t.principalClass === "tac" ? [{ class: t.class, face: facesCents[i] ?? 0n }] : [],
  );
  let targets: bigint[][];
  if ("targets" in schedule) {
    targets = scheduled.map((c) => (schedule.targets[c.class] ?? []).map((amount) => parseCents(amount)));
  } else {
    const file = path.resolve(path.dirname(dealFilePath), schedule.pool);
    const pool = await readProjectionFile(file);
    if (pool.pool === undefined) {
      throw new CliError("USAGE", `${file}: expected the deal's pool as rep lines (pool:), found tiers:`);
    }
    const faces = scheduled.map((c) => c.face);
    const totalFace = faces.reduce((sum, face) => sum + face, 0n);
    try {
      const combined = projection.pacSchedule(
        totalFace,
        poolMonthsAtPsa(pool, schedule.band.low),
        poolMonthsAtPsa(pool, schedule.band.high),
      );
      targets = projection.pacClassTargets(combined, faces);
    } catch (error) {
      if (!(error instanceof cashflow.CashflowError)) throw error;
      throw new CliError(
        "USAGE",
        `principal.schedule: the ${schedule.band.low}-${schedule.band.high} PSA band over ${schedule.pool} cannot ` +
          `schedule the pac/tac classes (${scheduled.map((c) => c.class).join(", ")}): ${error.message}`,
      );
    }
  }
  return trimmed(targets);
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
