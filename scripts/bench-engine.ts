/**
 * Engine speed figure: loan-level projection in loan-months per second (100,000 loans x 360 months) and the time
 * of a pool-level (rep-line) projection of the same pool. Run from the repository root:
 *
 *   npx ts-node --transpile-only scripts/bench-engine.ts [loanCount] [termMonths]
 *
 * Wall time depends on what else the machine runs, so CPU time (user + system) is printed too.
 * The synthetic pool is deterministic (seeded): level-payment 30/360 monthly loans in three credit tiers with
 * rates of 3-12% in whole bps and ages of 0-59 months, projected under 150% PSA / 100% SDA / 40% severity with a
 * 12-month lag, interest advancing and a 25 bps servicing strip per tier (the full per-loan-month work).
 */
import {
  type ProjectionLoan,
  parseTieredAssumptions,
  projectPool,
  repLinesFromLoans,
} from "../packages/core/src/cashflow";

/** Mulberry32: a small deterministic PRNG, so every run projects the same pool. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticPool(count: number, termMonths: number): ProjectionLoan[] {
  const random = prng(20240601);
  const grades = ["A", "B", "C"] as const;
  const loans: ProjectionLoan[] = [];
  for (let i = 0; i < count; i++) {
    loans.push({
      loanId: `L${i}`,
      currentPrincipalCents: BigInt(500_000 + Math.floor(random() * 49_500_000)),
      rateWad: BigInt(300 + Math.floor(random() * 900)) * 10n ** 14n,
      remainingTermMonths: termMonths,
      ageMonths: Math.floor(random() * 60),
      amortization: "levelPayment",
      paymentFrequency: "monthly",
      dayCount: "30/360",
      tierKey: grades[Math.floor(random() * grades.length)] ?? "A",
    });
  }
  return loans;
}

function tierInput(psa: number, sda: number, severity: number) {
  return {
    prepayment: { type: "PSA", value: psa },
    default: { type: "SDA", value: sda },
    recovery: { severityPercent: severity, lagMonths: 12 },
    advancing: "interest",
    servicingFeeBps: 25,
  };
}

/** Elapsed wall-clock and CPU (user + system) seconds of this process since the call. */
function startTimer(): () => { wall: number; cpu: number } {
  const wallStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(cpuStart);
    return { wall: Number(process.hrtime.bigint() - wallStart) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
  };
}

function main(): void {
  const loanCount = Number(process.argv[2] ?? 100_000);
  const termMonths = Number(process.argv[3] ?? 360);
  const tiers = parseTieredAssumptions({
    attribute: "creditGrade",
    tiers: { A: tierInput(150, 50, 30), B: tierInput(150, 100, 40), C: tierInput(200, 300, 55) },
  });
  const loans = syntheticPool(loanCount, termMonths);

  // Warm-up on a small slice so the JIT has compiled the hot loop before timing.
  projectPool(loans.slice(0, 2_000), tiers);

  const loanTimer = startTimer();
  const loanLevel = projectPool(loans, tiers);
  const loanTime = loanTimer();
  const loanMonths = loans.reduce((sum, loan) => sum + loan.remainingTermMonths, 0);

  const aggregateTimer = startTimer();
  const repLines = repLinesFromLoans(loans);
  const aggregateTime = aggregateTimer();
  const repTimer = startTimer();
  const poolLevel = projectPool(repLines, tiers);
  const repTime = repTimer();

  const dollars = (cents: bigint): string =>
    (Number(cents) / 100).toLocaleString("en-US", { maximumFractionDigits: 0 });
  console.log(`engine benchmark (node ${process.version})`);
  const rate = (seconds: number): string => Math.round(loanMonths / seconds).toLocaleString("en-US");
  console.log(
    `loan-level projection: ${loanCount.toLocaleString("en-US")} loans x ${termMonths} months = ` +
      `${loanMonths.toLocaleString("en-US")} loan-months in ${loanTime.wall.toFixed(2)} s wall ` +
      `(${loanTime.cpu.toFixed(2)} s CPU) -> ${rate(loanTime.wall)} loan-months/s wall, ${rate(loanTime.cpu)} per CPU-second`,
  );
  console.log(
    `pool-level projection: ${repLines.length} rep lines projected in ${(repTime.wall * 1000).toFixed(1)} ms wall ` +
      `(${(repTime.cpu * 1000).toFixed(1)} ms CPU); aggregating ${loanCount.toLocaleString("en-US")} loans into them ` +
      `took ${(aggregateTime.wall * 1000).toFixed(1)} ms`,
  );
  console.log(
    `check: pool $${dollars(loanLevel.totals.initialBalanceCents)}, loan-level losses $${dollars(loanLevel.totals.lossCents)}, ` +
      `rep-line losses $${dollars(poolLevel.totals.lossCents)}`,
  );
}

main();
