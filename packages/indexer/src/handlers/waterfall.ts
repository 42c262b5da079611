// Waterfall (one per deal, followed from WaterfallFactory.WaterfallCreated): configuration, principal schedule,
// guarantee cash, periods run (Distribution, the IC ratio of the period's metrics), trigger status per pool and
// period.
// Everything that depends on the layout of the Waterfall's events is in this module (the field positions
// below): when the contract's events change, adapt them here.
import {
  type EventHandler,
  type HandlerContext,
  type TupleArgs,
  enumName,
  eventId,
  getMember,
  load,
  seqId,
} from "./context";
import { ratioBps } from "../metrics";

/** Field positions (ABI order) of the structs the Waterfall's events carry (contracts/types/WaterfallTypes.sol). */
const CONFIG = {
  tranches: 5,
  fees: 6,
  guarantee: 9,
  triggers: 10,
  classes: 11,
  principalDeficiencyLedger: 13,
  cap: 14,
} as const;
/** `ClassKind.InterestOnly` (WaterfallTypes.sol): an IO strip of the tranche before it. */
const INTEREST_ONLY_CLASS = 4;
const GUARANTEE_TERMS = { limitCents: 0, usageRateWad: 4, feeOnUndrawn: 5, expiryPeriod: 6 } as const;
const CAP_TERMS = { strikeRateWad: 0, trancheScope: 1, payLegFee: 2, expiryPeriod: 3 } as const;
const TRIGGER_TERMS = { kind: 0, effect: 1 } as const;
const PARTIES = { feeRecipients: 0, equityHolder: 1, guarantor: 2 } as const;
const FEE_TERMS = { fixedCents: 0, rateWad: 1 } as const;
const INPUTS = { interestCollectionsCents: 4, principalCollectionsCents: 5, poolBalanceEndCents: 10 } as const;
const FEE_PAYMENT = { dueCents: 0, paidCents: 1 } as const;
const TRANCHE_PAYMENT = {
  interestDueCents: 1,
  interestPaidCents: 2,
  principalPaidCents: 3,
  writeDownCents: 4,
  writeUpCents: 5,
} as const;
const TRIGGER_OUTCOME = { valueWad: 0, thresholdWad: 1, breached: 2, breachedNow: 3, curedNow: 4 } as const;
const RESULT = {
  accelerated: 0,
  principalMode: 1,
  trapping: 2,
  fees: 4,
  tranches: 5,
  triggers: 6,
  reserveReleaseCents: 8,
  reserveDrawCents: 9,
  reserveTopUpCents: 10,
  guaranteeDrawCents: 11,
  guaranteeFeePaidCents: 13,
  guaranteeReimbursedCents: 14,
  residualCents: 15,
  next: 16,
  accretedCents: 17,
  capReceiptCents: 18,
} as const;
const STATE = { tranches: 0, reserveCents: 3 } as const;
const TRANCHE_BALANCES = { balanceCents: 0 } as const;
const TRANCHE_BALANCE = { balanceCents: 0 } as const;

export const TRIGGER_KIND = ["overcollateralization", "interestCoverage", "cumulativeNetLoss", "delinquency60Plus"];
export const TRIGGER_EFFECT = ["switchToSequential", "trapExcessSpread", "eventOfDefault"];

function sum(rows: TupleArgs[], field: number): bigint {
  return rows.reduce((s, r) => s + BigInt(r.str(field)), 0n);
}

/** The sum of a `uint256[]` field. */
function sumOf(amounts: TupleArgs): bigint {
  let total = 0n;
  for (let i = 0; i < amounts.size; i++) total += BigInt(amounts.str(i));
  return total;
}

function triggerId(waterfall: string, index: number): string {
  return seqId(waterfall, index);
}

const waterfallCreated: EventHandler = async (ctx) => {
  const a = ctx.args;
  const waterfall = a.str("waterfall");
  await getMember(ctx.store, a.str("trustee"), ctx.log.timestamp);
  await ctx.store.set("Waterfall", waterfall, {
    pool: a.str("pool"),
    createdBy: a.str("trustee"),
    createdAt: String(ctx.log.timestamp),
    configHash: null,
    trancheCount: null,
    feeCount: null,
    triggerCount: null,
    equityHolder: null,
    guarantor: null,
    guaranteeCashCents: "0",
    lastPeriod: 0,
    reserveCents: "0",
    cleanUpFactorRay: null,
    cleanUpExercisedAfterPeriod: null,
    closedOut: false,
    closedOutAfterPeriod: null,
  });
  await ctx.follow(waterfall, "Waterfall");
  ctx.audit.pool = a.str("pool");
  ctx.audit.actor = a.str("trustee");
};

async function updateWaterfall(
  ctx: HandlerContext,
  fields: Record<string, string | number | boolean | null>,
): Promise<string> {
  const w = await load(ctx.store, "Waterfall", ctx.log.address);
  await ctx.store.set("Waterfall", ctx.log.address, { ...w, ...fields });
  const pool = w["pool"];
  ctx.audit.pool = typeof pool === "string" ? pool : null;
  return ctx.audit.pool ?? "";
}

/**
 * The facility's terms, the deficiency ledger, the interest-only strips and the cap or swap of a configuration, as the
 * Waterfall entity keeps them.
 */
function structureOf(config: TupleArgs): Record<string, string | number | boolean | null> {
  const facility = config.tuple(CONFIG.guarantee);
  const cap = config.tuple(CONFIG.cap);
  const capped = cap.int(CAP_TERMS.trancheScope) !== 0;
  return {
    guaranteeLimitCents: facility.str(GUARANTEE_TERMS.limitCents),
    facilityUsageRateWad: facility.str(GUARANTEE_TERMS.usageRateWad),
    facilityFeeOnUndrawn: facility.bool(GUARANTEE_TERMS.feeOnUndrawn),
    facilityExpiryPeriod: facility.int(GUARANTEE_TERMS.expiryPeriod),
    principalDeficiencyLedger: config.bool(CONFIG.principalDeficiencyLedger),
    capStrikeRateWad: capped ? cap.str(CAP_TERMS.strikeRateWad) : null,
    capTrancheScope: capped ? cap.int(CAP_TERMS.trancheScope) : null,
    // A swap's pay leg: fee payLegFee - 1 (0 = a cap).
    swapPayLegFeeIndex: cap.int(CAP_TERMS.payLegFee) === 0 ? null : cap.int(CAP_TERMS.payLegFee) - 1,
    capExpiryPeriod: cap.int(CAP_TERMS.expiryPeriod) === 0 ? null : cap.int(CAP_TERMS.expiryPeriod),
    // Bit t: tranche t is an interest-only strip of tranche t - 1.
    interestOnlyMask: config
      .tuples(CONFIG.classes)
      .reduce((mask, c, t) => (c.int(0) === INTEREST_ONLY_CLASS ? mask | (1 << t) : mask), 0),
  };
}

const configured: EventHandler = async (ctx) => {
  const config = ctx.args.tuple("config");
  const parties = ctx.args.tuple("parties");
  const triggers = config.tuples(CONFIG.triggers);
  const before = await ctx.store.get("Waterfall", ctx.log.address);
  const feesBefore = typeof before?.["feeCount"] === "number" ? before["feeCount"] : 0;
  const pool = await updateWaterfall(ctx, {
    configHash: ctx.args.str("configHash"),
    trancheCount: config.tuple(CONFIG.tranches).size,
    feeCount: config.tuple(CONFIG.fees).size,
    triggerCount: triggers.length,
    equityHolder: parties.str(PARTIES.equityHolder),
    guarantor: parties.str(PARTIES.guarantor),
    ...structureOf(config),
    // A new configuration clears the schedule (the contract's configure does).
    scheduleHash: null,
    scheduledMask: null,
    schedulePeriods: null,
    scheduleStore: null,
  });
  const recipients = parties.tuple(PARTIES.feeRecipients);
  const fees = config.tuples(CONFIG.fees);
  for (const [index, terms] of fees.entries()) {
    await ctx.store.set("Fee", seqId(ctx.log.address, index), {
      waterfall: ctx.log.address,
      pool,
      index,
      recipient: recipients.str(index),
      fixedCents: terms.str(FEE_TERMS.fixedCents),
      rateWad: terms.str(FEE_TERMS.rateWad),
      active: true,
    });
  }
  for (let index = fees.length; index < feesBefore; index++) {
    const stale = await ctx.store.get("Fee", seqId(ctx.log.address, index));
    if (stale) await ctx.store.set("Fee", seqId(ctx.log.address, index), { ...stale, active: false });
  }
  // The configuration starts afresh: every trigger unbreached until a period tests it.
  for (const [index, t] of triggers.entries()) {
    await ctx.store.set("Trigger", triggerId(ctx.log.address, index), {
      pool,
      waterfall: ctx.log.address,
      index,
      kind: enumName(TRIGGER_KIND, t.int(TRIGGER_TERMS.kind), "TriggerKind"),
      effect: enumName(TRIGGER_EFFECT, t.int(TRIGGER_TERMS.effect), "TriggerEffect"),
      breached: false,
      valueWad: "0",
      thresholdWad: "0",
      lastPeriod: 0,
      updatedAt: String(ctx.log.timestamp),
    });
  }
  ctx.audit.actor = ctx.args.str("trustee");
};

const guaranteeCommitted: EventHandler = async (ctx) => {
  await updateWaterfall(ctx, { guaranteeCashCents: ctx.args.str("guaranteeCashCents") });
};

// An expired facility's committed cash goes back to the guarantor as a credit: none is held for draws any more.
const facilityReleased: EventHandler = async (ctx) => {
  await updateWaterfall(ctx, { guaranteeCashCents: "0" });
};

const periodDistributed: EventHandler = async (ctx) => {
  const a = ctx.args;
  const period = a.int("period");
  const inputs = a.tuple("inputs");
  const r = a.tuple("result");
  const w = await load(ctx.store, "Waterfall", ctx.log.address);
  const pool = typeof w["pool"] === "string" ? w["pool"] : "";
  const fees = r.tuples(RESULT.fees);
  const tranches = r.tuples(RESULT.tranches);
  const next = r.tuple(RESULT.next);
  const reserveCents = next.str(STATE.reserveCents);
  // The principal deficiency ledger: the tranches' balances above the performing pool (0 without a ledger).
  const notesCents = sum(next.tuples(STATE.tranches), TRANCHE_BALANCES.balanceCents);
  const poolEndCents = BigInt(inputs.str(INPUTS.poolBalanceEndCents));
  const trustee = a.str("trustee");
  await getMember(ctx.store, trustee, ctx.log.timestamp);
  await ctx.store.set("Distribution", seqId(ctx.log.address, period), {
    waterfall: ctx.log.address,
    pool,
    period,
    reportRevision: a.int("reportRevision"),
    accelerated: r.bool(RESULT.accelerated),
    principalMode: r.int(RESULT.principalMode),
    trapping: r.bool(RESULT.trapping),
    interestCollectionsCents: inputs.str(INPUTS.interestCollectionsCents),
    principalCollectionsCents: inputs.str(INPUTS.principalCollectionsCents),
    feesPaidCents: sum(fees, FEE_PAYMENT.paidCents).toString(),
    interestPaidCents: sum(tranches, TRANCHE_PAYMENT.interestPaidCents).toString(),
    principalPaidCents: sum(tranches, TRANCHE_PAYMENT.principalPaidCents).toString(),
    writeDownCents: sum(tranches, TRANCHE_PAYMENT.writeDownCents).toString(),
    writeUpCents: sum(tranches, TRANCHE_PAYMENT.writeUpCents).toString(),
    reserveReleaseCents: r.str(RESULT.reserveReleaseCents),
    reserveDrawCents: r.str(RESULT.reserveDrawCents),
    reserveTopUpCents: r.str(RESULT.reserveTopUpCents),
    guaranteeDrawCents: r.str(RESULT.guaranteeDrawCents),
    guaranteeFeePaidCents: r.str(RESULT.guaranteeFeePaidCents),
    guaranteeReimbursedCents: r.str(RESULT.guaranteeReimbursedCents),
    residualCents: r.str(RESULT.residualCents),
    accretedCents: sumOf(r.tuple(RESULT.accretedCents)).toString(),
    capReceiptCents: r.str(RESULT.capReceiptCents),
    principalDeficiencyCents: (notesCents > poolEndCents ? notesCents - poolEndCents : 0n).toString(),
    reserveCents,
    trustee,
    timestamp: String(ctx.log.timestamp),
    blockNumber: String(ctx.log.blockNumber),
    transactionHash: ctx.log.txHash,
  });
  const guaranteeCash =
    BigInt(typeof w["guaranteeCashCents"] === "string" ? w["guaranteeCashCents"] : "0") -
    BigInt(r.str(RESULT.guaranteeDrawCents)) +
    BigInt(r.str(RESULT.guaranteeReimbursedCents));
  await ctx.store.set("Waterfall", ctx.log.address, {
    ...w,
    lastPeriod: period,
    reserveCents,
    guaranteeCashCents: guaranteeCash.toString(),
  });

  // Interest coverage of the period: interest collected over the senior fees and tranche interest due. OC: the
  // pool's ending balance over the tranches' outstanding balance after this distribution.
  const due = sum(fees, FEE_PAYMENT.dueCents) + sum(tranches, TRANCHE_PAYMENT.interestDueCents);
  const outstanding = sum(r.tuple(RESULT.next).tuples(STATE.tranches), TRANCHE_BALANCE.balanceCents);
  const metricsId = seqId(pool, period);
  const metrics = await ctx.store.get("PeriodMetrics", metricsId);
  if (metrics) {
    const ic = ratioBps(BigInt(inputs.str(INPUTS.interestCollectionsCents)), due);
    const oc = ratioBps(BigInt(String(metrics["endingBalanceCents"])), outstanding);
    await ctx.store.set("PeriodMetrics", metricsId, {
      ...metrics,
      interestCoverageBps: ic,
      overcollateralizationBps: oc,
    });
  }

  // Each fee's line of the period, by recipient.
  for (const [index, f] of fees.entries()) {
    const feeId = seqId(ctx.log.address, index);
    const fee = await ctx.store.get("Fee", feeId);
    if (!fee) continue;
    await ctx.store.set("FeePayment", seqId(feeId, period), {
      fee: feeId,
      pool,
      period,
      recipient: fee["recipient"] ?? null,
      dueCents: f.str(FEE_PAYMENT.dueCents),
      paidCents: f.str(FEE_PAYMENT.paidCents),
      timestamp: String(ctx.log.timestamp),
    });
  }

  // Each trigger's standing after the period: its history row and its current status.
  for (const [index, t] of r.tuples(RESULT.triggers).entries()) {
    const id = triggerId(ctx.log.address, index);
    const current = await ctx.store.get("Trigger", id);
    if (!current) continue;
    const outcome = {
      breached: t.bool(TRIGGER_OUTCOME.breached),
      valueWad: t.str(TRIGGER_OUTCOME.valueWad),
      thresholdWad: t.str(TRIGGER_OUTCOME.thresholdWad),
    };
    await ctx.store.set("TriggerPeriod", seqId(id, period), {
      trigger: id,
      pool,
      period,
      ...outcome,
      breachedNow: t.bool(TRIGGER_OUTCOME.breachedNow),
      curedNow: t.bool(TRIGGER_OUTCOME.curedNow),
      timestamp: String(ctx.log.timestamp),
    });
    await ctx.store.set("Trigger", id, {
      ...current,
      ...outcome,
      lastPeriod: period,
      updatedAt: String(ctx.log.timestamp),
    });
  }
  ctx.audit.pool = pool;
  ctx.audit.actor = trustee;
};

const triggerChanged =
  (breached: boolean): EventHandler =>
  async (ctx) => {
    const a = ctx.args;
    const w = await load(ctx.store, "Waterfall", ctx.log.address);
    const pool = typeof w["pool"] === "string" ? w["pool"] : "";
    const index = a.int("trigger");
    await ctx.store.set("TriggerEvent", eventId(ctx.log), {
      waterfall: ctx.log.address,
      period: a.int("period"),
      trigger: index,
      kind: a.int("kind"),
      effect: a.int("effect"),
      breached,
      valueWad: a.str("valueWad"),
      thresholdWad: a.str("thresholdWad"),
      timestamp: String(ctx.log.timestamp),
    });
    const id = triggerId(ctx.log.address, index);
    const current = await ctx.store.get("Trigger", id);
    await ctx.store.set("Trigger", id, {
      pool,
      waterfall: ctx.log.address,
      index,
      kind: enumName(TRIGGER_KIND, a.int("kind"), "TriggerKind"),
      effect: enumName(TRIGGER_EFFECT, a.int("effect"), "TriggerEffect"),
      ...current,
      breached,
      valueWad: a.str("valueWad"),
      thresholdWad: a.str("thresholdWad"),
      lastPeriod: a.int("period"),
      updatedAt: String(ctx.log.timestamp),
    });
    ctx.audit.pool = pool;
    ctx.audit.actor = ctx.log.txFrom;
  };

// The schedule itself stays in its data contract (`Waterfall.scheduleStore`): the waterfall keeps its hash, the
// scheduled tranches, the number of periods and the store's address.
const scheduleSet: EventHandler = async (ctx) => {
  await updateWaterfall(ctx, {
    scheduleHash: ctx.args.str("scheduleHash"),
    scheduledMask: ctx.args.int("scheduledMask"),
    schedulePeriods: ctx.args.int("periods"),
    scheduleStore: ctx.args.str("store"),
  });
  ctx.audit.actor = ctx.args.str("trustee");
};

const cleanUpCallSet: EventHandler = async (ctx) => {
  await updateWaterfall(ctx, { cleanUpFactorRay: ctx.args.str("factorRay") });
};

// Exercised on a reported period not yet run (the servicer bought the loans left): after the one before it.
const cleanUpCallExercised: EventHandler = async (ctx) => {
  await updateWaterfall(ctx, { cleanUpExercisedAfterPeriod: ctx.args.int("period") - 1 });
  ctx.audit.actor = ctx.args.str("buyer");
};

// The released amounts become the payees' credits (the AuditEvent keeps them); the reserve and guarantee cash are 0.
const dealClosedOut: EventHandler = async (ctx) => {
  await updateWaterfall(ctx, {
    closedOut: true,
    closedOutAfterPeriod: ctx.args.int("lastPeriod"),
    guaranteeCashCents: "0",
    reserveCents: "0",
  });
  ctx.audit.actor = ctx.args.str("trustee");
};

export const waterfallFactoryHandlers = { WaterfallCreated: waterfallCreated };
export const waterfallHandlers = {
  WaterfallConfigured: configured,
  GuaranteeCommitted: guaranteeCommitted,
  FacilityReleased: facilityReleased,
  PeriodDistributed: periodDistributed,
  TriggerBreached: triggerChanged(true),
  TriggerCured: triggerChanged(false),
  ScheduleSet: scheduleSet,
  CleanUpCallSet: cleanUpCallSet,
  CleanUpCallExercised: cleanUpCallExercised,
  DealClosedOut: dealClosedOut,
};
