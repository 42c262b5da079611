// Risk metrics of a pool period from its anchored report, and the alert rules over them.
import { type HandlerContext, big, num, seqId } from "./handlers/context";
import { type EntityData } from "./store";

const BPS = 10_000;

/** Annualise a monthly rate: 1 - (1 - r)^12, in basis points (rounded half up). */
export function annualisedBps(amount: bigint, base: bigint): number {
  if (base <= 0n || amount <= 0n) return 0;
  const monthly = Math.min(1, Number(amount) / Number(base));
  return Math.round((1 - Math.pow(1 - monthly, 12)) * BPS);
}

/** part / whole in basis points, rounded down; 0 when whole is 0. */
export function ratioBps(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part * BigInt(BPS)) / whole);
}

/**
 * Write the PeriodMetrics of report `reportId` (pool ++ period) and raise the Alert of every rule it
 * breaks. CPR = prepayments over the opening balance net of scheduled principal; CDR = new defaults
 * over the opening balance; both annualised from the monthly rate. Cumulative net loss carries
 * from the previous period's metrics; OC is the pool balance over the tranches' outstanding face: the issued
 * face until the period is distributed, then (handlers/waterfall.ts, PeriodDistributed) their balances after the
 * distribution; IC comes from PeriodDistributed too (0 until the period runs).
 */
export async function computeMetrics(ctx: HandlerContext, reportId: string): Promise<void> {
  const report = await ctx.store.get("PeriodReport", reportId);
  if (!report) return;
  const poolId = ctx.log.address;
  const pool = await ctx.store.get("Pool", poolId);
  if (!pool) return;
  const period = num(report, "period");
  const previous = period > 1 ? await ctx.store.get("PeriodReport", seqId(poolId, period - 1)) : undefined;
  const previousMetrics = period > 1 ? await ctx.store.get("PeriodMetrics", seqId(poolId, period - 1)) : undefined;
  const issuedVersion =
    typeof pool["issuedTapeVersion"] === "number" ? pool["issuedTapeVersion"] : num(pool, "tapeVersion");
  const tape = issuedVersion > 0 ? await ctx.store.get("Tape", seqId(poolId, issuedVersion)) : undefined;
  const originalBalance = tape ? big(tape, "totalPrincipalCents") : 0n;
  const beginning = previous ? big(previous, "endingBalanceCents") : originalBalance;
  const ending = big(report, "endingBalanceCents");
  const defaults = big(report, "newDefaultsCents");
  const cumulativeNetLoss =
    (previousMetrics ? big(previousMetrics, "cumulativeNetLossCents") : 0n) + defaults - big(report, "recoveryCents");
  const totalFace = typeof pool["totalFaceCents"] === "string" ? BigInt(pool["totalFaceCents"]) : 0n;
  const existing = await ctx.store.get("PeriodMetrics", reportId);
  const metrics: EntityData = {
    pool: poolId,
    report: reportId,
    period,
    beginningBalanceCents: beginning.toString(),
    endingBalanceCents: ending.toString(),
    cprBps: annualisedBps(big(report, "prepaymentCents"), beginning - big(report, "scheduledPrincipalCents")),
    cdrBps: annualisedBps(defaults, beginning),
    delinquent30Bps: ratioBps(big(report, "delinquent30Cents"), ending),
    delinquent60Bps: ratioBps(big(report, "delinquent60Cents"), ending),
    delinquent90PlusBps: ratioBps(big(report, "delinquent90PlusCents"), ending),
    cumulativeNetLossCents: cumulativeNetLoss.toString(),
    cumulativeNetLossBps: ratioBps(cumulativeNetLoss, originalBalance),
    // Over the issued face until the period is distributed (a report is restated only before that), then set
    // again by the waterfall's PeriodDistributed (handlers/waterfall.ts) over the balances after it.
    overcollateralizationBps: ratioBps(ending, totalFace),
    // Set by the waterfall's PeriodDistributed (handlers/waterfall.ts); a restatement keeps it.
    interestCoverageBps: typeof existing?.["interestCoverageBps"] === "number" ? existing["interestCoverageBps"] : 0,
    timestamp: String(ctx.log.timestamp),
  };
  await ctx.store.set("PeriodMetrics", reportId, metrics);
  for (const rule of ctx.alertRules) {
    const value = metrics[rule.metric];
    if (typeof value !== "number") continue;
    const broken = rule.direction === "above" ? value > rule.threshold : value < rule.threshold;
    if (!broken) continue;
    const id = reportId + Buffer.from(rule.metric, "utf8").toString("hex");
    if (await ctx.store.get("Alert", id)) continue;
    await ctx.store.set("Alert", id, {
      pool: poolId,
      period,
      rule: rule.metric,
      cashToken: null,
      direction: rule.direction,
      value,
      threshold: rule.threshold,
      severity: rule.severity,
      timestamp: String(ctx.log.timestamp),
      blockNumber: String(ctx.log.blockNumber),
    });
  }
}
