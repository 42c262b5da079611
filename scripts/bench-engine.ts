/**
 * Engine speed figures, for both modes: the cents engine (`projectPool`, what the deal's cash runs on) and the exact
 * standard mode (`standard.projectStandard`, the SIFMA SF-17/18 formulas in full precision, and
 * `standard.projectRepLines`, its one rounding at the cash boundary): loan-level projection in loan-months per second
 * (100,000 loans x 360 months) and the time of a pool-level (rep-line) projection of the same pool. The load average
 * is printed before and after. Run from the repository root:
 *
 *   npx ts-node --transpile-only scripts/bench-engine.ts [loanCount] [termMonths]
 *
 * Wall time depends on what else the machine runs, so CPU time (user + system) is printed too.
 * The synthetic pool is deterministic (seeded): level-payment 30/360 monthly loans in three credit tiers with
 * rates of 3-12% in whole bps and ages of 0-59 months, projected under 150% PSA / 100% SDA / 40% severity with a
 * 12-month lag, interest advancing and a 25 bps servicing strip per tier (the full per-loan-month work).
 */
import { loadavg } from "node:os";
import {
  type ProjectionLoan,
  parseTieredAssumptions,
  projectPool,
  repLinesFromLoans,
  standard,
} from "../packages/core/src/cashflow";

/** Each tier's assumptions in the standard mode's terms (PSA, SDA, severity, lag; no P&I advancing). */
const STANDARD_TIERS: Readonly<Record<string, standard.StandardAssumptions>> = {
  A: standardTier(150, 50, 0.3),
  B: standardTier(150, 100, 0.4),
  C: standardTier(200, 300, 0.55),
};

function standardTier(psa: number, sda: number, severity: number): standard.StandardAssumptions {
  return {
    prepayment: { type: "PSA", percent: psa },
    default: { type: "SDA", percent: sda },
    severity,
    monthsToLiquidation: 12,
    principalAndInterestAdvanced: false,
  };
}

/** A loan as a one-loan standard pool (units, not cents; the coupon net of the 25 bps strip). */
function standardPoolOf(loan: ProjectionLoan): standard.StandardPool {
  const coupon = Number(loan.rateWad) / 1e18;
  return {
    balance: Number(loan.currentPrincipalCents) / 100,
    grossCoupon: coupon,
    netCoupon: coupon - 0.0025,
    originalTermMonths: loan.remainingTermMonths + loan.ageMonths,
    ageMonths: loan.ageMonths,
  };
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

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
  const startLoad = load();
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

  // The standard mode, loan by loan (each loan a one-loan pool of its tier), then by rep line with the cash boundary.
  const tierOf = (loan: ProjectionLoan) => STANDARD_TIERS[loan.tierKey ?? "A"] ?? standardTier(150, 100, 0.4);
  for (const loan of loans.slice(0, 2_000)) standard.projectStandard(standardPoolOf(loan), tierOf(loan));
  const standardTimer = startTimer();
  let standardLoss = 0;
  for (const loan of loans) {
    standardLoss += standard.projectStandard(standardPoolOf(loan), tierOf(loan)).totals.principalLoss;
  }
  const standardTime = standardTimer();
  const repLineInputs = ["A", "B", "C"].map((tier) => {
    const members = loans.filter((loan) => loan.tierKey === tier);
    const balance = members.reduce((sum, loan) => sum + Number(loan.currentPrincipalCents) / 100, 0);
    const coupon = members.reduce(
      (sum, loan) => sum + (Number(loan.rateWad) / 1e18) * Number(loan.currentPrincipalCents),
      0,
    );
    const age = members.reduce((sum, loan) => sum + loan.ageMonths * Number(loan.currentPrincipalCents), 0);
    const weight = members.reduce((sum, loan) => sum + Number(loan.currentPrincipalCents), 0);
    const wac = coupon / weight;
    const wala = Math.round(age / weight);
    return {
      name: tier,
      pool: {
        balance,
        grossCoupon: wac,
        netCoupon: wac - 0.0025,
        originalTermMonths: termMonths + wala,
        ageMonths: wala,
      },
      assumptions: STANDARD_TIERS[tier] ?? standardTier(150, 100, 0.4),
    };
  });
  const boundaryTimer = startTimer();
  const boundary = standard.projectRepLines(repLineInputs);
  const boundaryTime = boundaryTimer();

  const dollars = (cents: bigint): string =>
    (Number(cents) / 100).toLocaleString("en-US", { maximumFractionDigits: 0 });
  console.log(`engine benchmark (node ${process.version}; load average at the start ${startLoad}, now ${load()})`);
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
  console.log(
    `standard mode (SF-17/18, full precision): ${loanCount.toLocaleString("en-US")} one-loan pools in ` +
      `${standardTime.wall.toFixed(2)} s wall (${standardTime.cpu.toFixed(2)} s CPU) -> ${rate(standardTime.wall)} ` +
      `loan-months/s wall, ${rate(standardTime.cpu)} per CPU-second; ${repLineInputs.length} rep lines with the cash ` +
      `boundary in ${(boundaryTime.wall * 1000).toFixed(1)} ms wall (${(boundaryTime.cpu * 1000).toFixed(1)} ms CPU)`,
  );
  console.log(
    `check (standard): loan-level losses $${Math.round(standardLoss).toLocaleString("en-US")}, rep-line pool ` +
      `$${dollars(boundary.initialBalanceCents)} over ${boundary.months.length} months (no P&I advancing; the cents ` +
      "engine advances interest, so the two modes' losses are not the same assumption)",
  );
}

main();
