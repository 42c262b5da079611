// Waterfall (template, one per deal): configuration, principal schedule, guarantee cash, periods run, trigger breaches
// and cures.
import { Address, BigInt, Value, ethereum } from "@graphprotocol/graph-ts";
import {
  CleanUpCallExercised,
  CleanUpCallSet,
  DealClosedOut,
  GuaranteeCommitted,
  FacilityReleased,
  PayeeWithdrawn,
  PeriodDistributed,
  ScheduleSet,
  TriggerBreached,
  TriggerCured,
  WaterfallConfigured,
} from "../generated/templates/Waterfall/Waterfall";
import { Distribution, TriggerEvent, Waterfall } from "../generated/schema";
import { audit, eventId, getMember, seqId, ZERO } from "./helpers";

const KIND = "Waterfall";

function loadWaterfall(address: Address): Waterfall {
  const w = Waterfall.load(address);
  if (w == null) throw new Error("waterfall " + address.toHexString() + " not indexed");
  return w;
}

function auditWaterfall(event: ethereum.Event, name: string, actor: Address | null): void {
  const w = loadWaterfall(event.address);
  audit(event, KIND, name, actor, w.pool, null);
}

export function handleWaterfallConfigured(event: WaterfallConfigured): void {
  const w = loadWaterfall(event.address);
  w.configHash = event.params.configHash;
  w.trancheCount = event.params.config.tranches.length;
  w.feeCount = event.params.config.fees.length;
  w.triggerCount = event.params.config.triggers.length;
  w.equityHolder = event.params.parties.equityHolder;
  w.guarantor = event.params.parties.guarantor;
  const facility = event.params.config.guarantee;
  w.guaranteeLimitCents = facility.limitCents;
  w.facilityUsageRateWad = facility.usageRateWad;
  w.facilityFeeOnUndrawn = facility.feeOnUndrawn;
  w.facilityExpiryPeriod = facility.expiryPeriod;
  w.principalDeficiencyLedger = event.params.config.principalDeficiencyLedger;
  const cap = event.params.config.cap;
  if (cap.trancheScope == 0) {
    w.set("capStrikeRateWad", Value.fromNull());
    w.set("capTrancheScope", Value.fromNull());
  } else {
    w.capStrikeRateWad = cap.strikeRateWad;
    w.capTrancheScope = cap.trancheScope;
  }
  if (cap.expiryPeriod == 0) w.set("capExpiryPeriod", Value.fromNull());
  else w.capExpiryPeriod = cap.expiryPeriod;
  if (cap.payLegFee == 0) w.set("swapPayLegFeeIndex", Value.fromNull());
  else w.swapPayLegFeeIndex = cap.payLegFee - 1;
  // Bit t: tranche t is an interest-only class (ClassKind.InterestOnly = 4), a strip of tranche t - 1.
  const classes = event.params.config.classes;
  let interestOnlyMask = 0;
  for (let t = 0; t < classes.length; t++) {
    if (classes[t].kind == 4) interestOnlyMask |= 1 << t;
  }
  w.interestOnlyMask = interestOnlyMask;
  // A new configuration clears the schedule (the contract's configure does).
  w.set("scheduleHash", Value.fromNull());
  w.set("scheduledMask", Value.fromNull());
  w.set("schedulePeriods", Value.fromNull());
  w.set("scheduleStore", Value.fromNull());
  w.save();
  auditWaterfall(event, "WaterfallConfigured", event.params.trustee);
}

export function handleGuaranteeCommitted(event: GuaranteeCommitted): void {
  const w = loadWaterfall(event.address);
  w.guaranteeCashCents = event.params.guaranteeCashCents;
  w.save();
  auditWaterfall(event, "GuaranteeCommitted", event.params.guarantor);
}

// An expired facility's committed cash goes back to the guarantor as a credit: none is held for draws any more.
export function handleFacilityReleased(event: FacilityReleased): void {
  const w = loadWaterfall(event.address);
  w.guaranteeCashCents = ZERO;
  w.save();
  auditWaterfall(event, "FacilityReleased", event.params.guarantor);
}

// Pull payments: the credits are in `PeriodDistributed` (fees, guarantee fee, residual); a withdrawal is audited.
export function handlePayeeWithdrawn(event: PayeeWithdrawn): void {
  auditWaterfall(event, "PayeeWithdrawn", event.params.payee);
}

export function handlePeriodDistributed(event: PeriodDistributed): void {
  const w = loadWaterfall(event.address);
  const r = event.params.result;
  const inputs = event.params.inputs;
  const period = event.params.period.toI32();

  const d = new Distribution(seqId(event.address, period));
  d.waterfall = event.address;
  d.pool = w.pool;
  d.period = period;
  d.reportRevision = event.params.reportRevision.toI32();
  d.accelerated = r.accelerated;
  d.principalMode = r.principalMode;
  d.trapping = r.trapping;
  d.interestCollectionsCents = inputs.interestCollectionsCents;
  d.principalCollectionsCents = inputs.principalCollectionsCents;
  let fees = ZERO;
  for (let i = 0; i < r.fees.length; i++) fees = fees.plus(r.fees[i].paidCents);
  let interest = ZERO;
  let principal = ZERO;
  let down = ZERO;
  let up = ZERO;
  for (let i = 0; i < r.tranches.length; i++) {
    const t = r.tranches[i];
    interest = interest.plus(t.interestPaidCents);
    principal = principal.plus(t.principalPaidCents);
    down = down.plus(t.writeDownCents);
    up = up.plus(t.writeUpCents);
  }
  d.feesPaidCents = fees;
  d.interestPaidCents = interest;
  d.principalPaidCents = principal;
  d.writeDownCents = down;
  d.writeUpCents = up;
  d.reserveReleaseCents = r.reserveReleaseCents;
  d.reserveDrawCents = r.reserveDrawCents;
  d.reserveTopUpCents = r.reserveTopUpCents;
  d.guaranteeDrawCents = r.guaranteeDrawCents;
  d.guaranteeFeePaidCents = r.guaranteeFeePaidCents;
  d.guaranteeReimbursedCents = r.guaranteeReimbursedCents;
  d.residualCents = r.residualCents;
  let accreted = ZERO;
  for (let i = 0; i < r.accretedCents.length; i++) accreted = accreted.plus(r.accretedCents[i]);
  d.accretedCents = accreted;
  d.capReceiptCents = r.capReceiptCents;
  let notes = ZERO;
  for (let i = 0; i < r.next.tranches.length; i++) notes = notes.plus(r.next.tranches[i].balanceCents);
  const poolEnd = event.params.inputs.poolBalanceEndCents;
  d.principalDeficiencyCents = notes.gt(poolEnd) ? notes.minus(poolEnd) : ZERO;
  d.reserveCents = r.next.reserveCents;
  d.trustee = getMember(event.params.trustee, event.block.timestamp).id;
  d.timestamp = event.block.timestamp;
  d.blockNumber = event.block.number;
  d.transactionHash = event.transaction.hash;
  d.save();

  w.lastPeriod = period;
  w.reserveCents = r.next.reserveCents;
  w.guaranteeCashCents = w.guaranteeCashCents.minus(r.guaranteeDrawCents).plus(r.guaranteeReimbursedCents);
  w.save();
  audit(event, KIND, "PeriodDistributed", event.params.trustee, w.pool, null);
}

function writeTrigger(
  event: ethereum.Event,
  period: BigInt,
  trigger: i32,
  kind: i32,
  effect: i32,
  breached: boolean,
  valueWad: BigInt,
  thresholdWad: BigInt,
): void {
  const row = new TriggerEvent(eventId(event));
  row.waterfall = event.address;
  row.period = period.toI32();
  row.trigger = trigger;
  row.kind = kind;
  row.effect = effect;
  row.breached = breached;
  row.valueWad = valueWad;
  row.thresholdWad = thresholdWad;
  row.timestamp = event.block.timestamp;
  row.save();
}

export function handleTriggerBreached(event: TriggerBreached): void {
  const p = event.params;
  writeTrigger(event, p.period, p.trigger, p.kind, p.effect, true, p.valueWad, p.thresholdWad);
  auditWaterfall(event, "TriggerBreached", null);
}

export function handleTriggerCured(event: TriggerCured): void {
  const p = event.params;
  writeTrigger(event, p.period, p.trigger, p.kind, p.effect, false, p.valueWad, p.thresholdWad);
  auditWaterfall(event, "TriggerCured", null);
}

export function handleCleanUpCallSet(event: CleanUpCallSet): void {
  const w = loadWaterfall(event.address);
  w.cleanUpFactorRay = event.params.factorRay;
  w.save();
  auditWaterfall(event, "CleanUpCallSet", event.params.trustee);
}

// The schedule itself stays in its data contract (`Waterfall.scheduleStore`); the waterfall keeps its hash, the
// scheduled tranches, the number of periods and the store's address.
export function handleScheduleSet(event: ScheduleSet): void {
  const w = loadWaterfall(event.address);
  w.scheduleHash = event.params.scheduleHash;
  w.scheduledMask = event.params.scheduledMask;
  w.schedulePeriods = event.params.periods;
  w.scheduleStore = event.params.store;
  w.save();
  auditWaterfall(event, "ScheduleSet", event.params.trustee);
}

export function handleCleanUpCallExercised(event: CleanUpCallExercised): void {
  const w = loadWaterfall(event.address);
  // Exercised on a reported period not yet run: after the one before it.
  w.cleanUpExercisedAfterPeriod = event.params.period.toI32() - 1;
  w.save();
  auditWaterfall(event, "CleanUpCallExercised", event.params.buyer);
}

// The released amounts are credits (the payees withdraw them): the AuditEvent keeps them; the buckets are now 0.
export function handleDealClosedOut(event: DealClosedOut): void {
  const w = loadWaterfall(event.address);
  w.closedOut = true;
  w.closedOutAfterPeriod = event.params.lastPeriod.toI32();
  w.guaranteeCashCents = ZERO;
  w.reserveCents = ZERO;
  w.save();
  auditWaterfall(event, "DealClosedOut", event.params.trustee);
}
