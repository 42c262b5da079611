import { mulDivDown, mulDivUp, WAD } from "../money";
import { WaterfallError } from "./errors";
import { isInterestOnlyClass } from "./classes";
import { evaluateTriggers } from "./triggers";
import {
  type CapTerms,
  type CouponTerms,
  type PeriodInputs,
  type PeriodResult,
  type PrincipalMode,
  type WaterfallConfig,
  type WaterfallState,
} from "./types";

/** Mutable working copies of the result's parts; frozen into a {@link PeriodResult} at the end. */
interface TrancheWork {
  rateWad: bigint;
  interestDueCents: bigint;
  interestPaidCents: bigint;
  principalPaidCents: bigint;
  writeDownCents: bigint;
  writeUpCents: bigint;
  balanceCents: bigint;
  interestShortfallCents: bigint;
  writtenDownCents: bigint;
}

interface FeeWork {
  dueCents: bigint;
  paidCents: bigint;
}

interface Work {
  readonly config: WaterfallConfig;
  readonly state: WaterfallState;
  readonly inputs: PeriodInputs;
  readonly tranches: TrancheWork[];
  readonly fees: FeeWork[];
  accelerated: boolean;
  principalMode: PrincipalMode;
  trapping: boolean;
  principalDueCents: bigint;
  /** Cash not yet paid out. */
  available: bigint;
  /** What the guarantor can still be drawn for. */
  guaranteeRoom: bigint;
  /** What the principal step may pay each tranche (its first pass in scheduled mode). */
  principalCaps: bigint[];
  /** Tranches locked out this period. */
  locked: boolean[];
  /** Accrual classes accruing this period. */
  accruing: boolean[];
  /** The accrual classes' interest taken so far, to be paid as principal. */
  accretion: bigint;
  /** Per tranche, accreted this period; empty unless the deal has an accrual class. */
  accretedCents: bigint[];
  reserveCents: bigint;
  reserveTargetCents: bigint;
  reserveReleaseCents: bigint;
  reserveDrawCents: bigint;
  reserveTopUpCents: bigint;
  guaranteeDrawCents: bigint;
  guaranteeFeeDueCents: bigint;
  guaranteeFeePaidCents: bigint;
  guaranteeReimbursedCents: bigint;
  capReceiptCents: bigint;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);

/**
 * Runs the priority of payments of one period, exactly as `WaterfallLib.run` (see the specification in
 * `index.ts`): the same amounts to the last cent, the same trigger outcomes, the same next state.
 *
 * @param config A configuration that passed {@link parseWaterfallConfig} (or `validateWaterfallConfig`).
 * @param state The state after the previous period (`next` of its result).
 * @param inputs The period's collections, report aggregates and index.
 * @throws WaterfallError `INVALID_PERIOD_INPUTS` when the state or inputs do not fit the configuration, with the
 * contract's `WaterfallLengthMismatch` / `WaterfallRecoveriesExceedCollections` in `contractError`
 */
export function runWaterfall(config: WaterfallConfig, state: WaterfallState, inputs: PeriodInputs): PeriodResult {
  checkShape(config, state, inputs);
  const w = open(config, state, inputs);
  const cumulativeNetLossCents = max(
    state.cumulativeNetLossCents + inputs.newDefaultsCents - inputs.recoveriesCents,
    0n,
  );

  const { outcomes, effects } = evaluateTriggers(config, state, inputs, {
    fees: w.fees,
    tranches: w.tranches,
    cumulativeNetLossCents,
  });
  w.accelerated = inputs.accelerated || effects.accelerate;
  const beforeStepDown = inputs.period < (config.stepDownPeriod ?? 0);
  w.principalMode = w.accelerated || effects.sequential || beforeStepDown ? "sequential" : config.principalMode;
  w.trapping = effects.trap && !w.accelerated;

  writeUp(w);
  prepare(w);
  if (w.accelerated) payAccelerated(w);
  else payInOrder(w);
  const residualCents = w.available;
  const guaranteeDrawnCents = state.guaranteeDrawnCents + w.guaranteeDrawCents - w.guaranteeReimbursedCents;
  if (config.principalDeficiencyLedger !== true || inputs.poolBalanceEndCents === 0n) writeDown(w);

  return {
    accelerated: w.accelerated,
    principalMode: w.principalMode,
    trapping: w.trapping,
    principalDueCents: w.principalDueCents,
    fees: w.fees.map((f) => ({ dueCents: f.dueCents, paidCents: f.paidCents })),
    tranches: w.tranches.map((t) => ({
      rateWad: t.rateWad,
      interestDueCents: t.interestDueCents,
      interestPaidCents: t.interestPaidCents,
      principalPaidCents: t.principalPaidCents,
      writeDownCents: t.writeDownCents,
      writeUpCents: t.writeUpCents,
    })),
    triggers: outcomes,
    reserveTargetCents: w.reserveTargetCents,
    reserveReleaseCents: w.reserveReleaseCents,
    reserveDrawCents: w.reserveDrawCents,
    reserveTopUpCents: w.reserveTopUpCents,
    guaranteeDrawCents: w.guaranteeDrawCents,
    guaranteeFeeDueCents: w.guaranteeFeeDueCents,
    guaranteeFeePaidCents: w.guaranteeFeePaidCents,
    guaranteeReimbursedCents: w.guaranteeReimbursedCents,
    residualCents,
    next: {
      tranches: w.tranches.map((t) => ({
        balanceCents: t.balanceCents,
        interestShortfallCents: t.interestShortfallCents,
        writtenDownCents: t.writtenDownCents,
      })),
      feeShortfallsCents: w.fees.map((f) => f.dueCents - f.paidCents),
      triggersBreached: outcomes.map((o) => o.breached),
      reserveCents: w.reserveCents,
      guaranteeDrawnCents,
      guaranteeFeeShortfallCents: w.guaranteeFeeDueCents - w.guaranteeFeePaidCents,
      cumulativeNetLossCents,
    },
    accretedCents: [...w.accretedCents],
    capReceiptCents: w.capReceiptCents,
  };
}

function shapeError(name: string, message: string, args: readonly (bigint | string)[]): WaterfallError {
  return new WaterfallError("INVALID_PERIOD_INPUTS", message, { contractError: { name, args } });
}

function checkShape(config: WaterfallConfig, state: WaterfallState, inputs: PeriodInputs): void {
  const targeted = config.principalMode === "targeted" || config.principalMode === "scheduled";
  const targets = targeted ? config.tranches.length : 0;
  const lengths: [string, number, number][] = [
    ["tranches", state.tranches.length, config.tranches.length],
    ["fees", state.feeShortfallsCents.length, config.fees.length],
    ["triggers", state.triggersBreached.length, config.triggers.length],
    ["targets", inputs.targetBalancesCents.length, targets],
  ];
  for (const [field, found, expected] of lengths) {
    if (found !== expected) {
      throw shapeError(
        "WaterfallLengthMismatch",
        `${field}: expected ${expected} entries to match the configuration, found ${found}`,
        [field, BigInt(found), BigInt(expected)],
      );
    }
  }
  (config.classes ?? []).forEach((_, t) => {
    const opening = state.tranches[t];
    if (isInterestOnlyClass(config, t) && (opening?.balanceCents !== 0n || opening.writtenDownCents !== 0n)) {
      throw shapeError(
        "WaterfallNotionalHasBalance",
        `tranches.${t}: expected an interest-only class to carry no principal balance or write-down, found ` +
          `${opening?.balanceCents} and ${opening?.writtenDownCents}`,
        [BigInt(t)],
      );
    }
  });
  if (inputs.recoveriesCents > inputs.principalCollectionsCents) {
    throw shapeError(
      "WaterfallRecoveriesExceedCollections",
      `recoveriesCents: expected at most principalCollectionsCents (${inputs.principalCollectionsCents}), ` +
        `found ${inputs.recoveriesCents}`,
      [inputs.recoveriesCents, inputs.principalCollectionsCents],
    );
  }
}

/** `floor(base * rate * days / (WAD * yearBasisDays))`. */
function accrue(config: WaterfallConfig, inputs: PeriodInputs, baseCents: bigint, rateWad: bigint): bigint {
  return mulDivDown(baseCents, rateWad * BigInt(inputs.accrualDays), WAD * BigInt(config.yearBasisDays));
}

function couponRate(c: CouponTerms, indexRateWad: bigint): bigint {
  if (c.couponType === "fixed") return c.couponRateWad;
  if (c.couponType === "none") return 0n;
  let rate: bigint;
  if (c.couponType === "inverseFloating") {
    // m x index rounded down (the holders' way); below zero the rate is zero, then the floor applies.
    const off = mulDivDown(c.indexMultiplierWad ?? 0n, indexRateWad, WAD);
    rate = max(c.couponRateWad > off ? c.couponRateWad - off : 0n, c.floorRateWad);
  } else {
    rate = max(indexRateWad + c.couponRateWad, c.floorRateWad);
  }
  return c.capRateWad === 0n ? rate : min(rate, c.capRateWad);
}

/** Steps 1 and 2: rates and amounts due. */
function open(config: WaterfallConfig, state: WaterfallState, inputs: PeriodInputs): Work {
  const tranches = config.tranches.map((coupon, t): TrancheWork => {
    const opening = state.tranches[t];
    if (opening === undefined) throw new RangeError(`tranche ${t} missing (shape checked)`);
    const rateWad = couponRate(coupon, inputs.indexRateWad);
    const carried = opening.interestShortfallCents;
    // An interest-only class accrues on its notional: the opening balance of the class it strips (t - 1).
    const interestOnly = isInterestOnlyClass(config, t);
    const baseCents = interestOnly ? (state.tranches[t - 1]?.balanceCents ?? 0n) : opening.balanceCents;
    return {
      rateWad,
      interestDueCents: accrue(config, inputs, baseCents + carried, rateWad) + carried,
      interestPaidCents: 0n,
      principalPaidCents: 0n,
      writeDownCents: 0n,
      writeUpCents: 0n,
      balanceCents: opening.balanceCents,
      interestShortfallCents: 0n,
      writtenDownCents: opening.writtenDownCents,
    };
  });
  const fees = config.fees.map((fee, f): FeeWork => ({
    dueCents:
      fee.fixedCents +
      accrue(config, inputs, inputs.poolBalanceBeginCents, fee.rateWad) +
      (state.feeShortfallsCents[f] ?? 0n) +
      (f + 1 === config.cap?.payLegFee ? swapPayment(config, state, inputs) : 0n),
    paidCents: 0n,
  }));
  return {
    config,
    state,
    inputs,
    tranches,
    fees,
    accelerated: false,
    principalMode: config.principalMode,
    trapping: false,
    principalDueCents: 0n,
    available: 0n,
    guaranteeRoom: 0n,
    principalCaps: [],
    locked: tranches.map(() => false),
    accruing: tranches.map(() => false),
    accretion: 0n,
    accretedCents: [],
    reserveCents: state.reserveCents,
    reserveTargetCents: 0n,
    reserveReleaseCents: 0n,
    reserveDrawCents: 0n,
    reserveTopUpCents: 0n,
    guaranteeDrawCents: 0n,
    guaranteeFeeDueCents: facilityFeeDue(config, state, inputs),
    capReceiptCents: capReceipt(config, state, inputs),
    guaranteeFeePaidCents: 0n,
    guaranteeReimbursedCents: 0n,
  };
}

/** Whether the facility can be drawn and earns its commitment fee in the period (no expiry, or not past it). */
export function facilityOpen(config: WaterfallConfig, inputs: PeriodInputs): boolean {
  const expiry = config.guarantee.expiryPeriod ?? 0;
  return expiry === 0 || inputs.period <= expiry;
}

/** The commitment fee (on the limit or the undrawn part, while open), the usage fee on the opening draws, the carried shortfall. */
function facilityFeeDue(config: WaterfallConfig, state: WaterfallState, inputs: PeriodInputs): bigint {
  const facility = config.guarantee;
  const drawn = state.guaranteeDrawnCents;
  let committed = facilityOpen(config, inputs) ? facility.limitCents : 0n;
  if (facility.feeOnUndrawn === true) committed = committed > drawn ? committed - drawn : 0n;
  return (
    accrue(config, inputs, committed, facility.feeRateWad) +
    accrue(config, inputs, drawn, facility.usageRateWad ?? 0n) +
    state.guaranteeFeeShortfallCents
  );
}

/**
 * What the interest-rate cap pays in the period: `accrue(notional, index - strike)` when the deal has a cap and the
 * index is above its strike, the notional being the opening balance of the cap's scope; else 0.
 */
export function capReceipt(config: WaterfallConfig, state: WaterfallState, inputs: PeriodInputs): bigint {
  const cap = config.cap;
  if (!hedgeInForce(cap, inputs.period) || inputs.indexRateWad <= cap.strikeRateWad) return 0n;
  return accrue(config, inputs, capNotional(cap, state), inputs.indexRateWad - cap.strikeRateWad);
}

/**
 * What the deal owes a swap's counterparty in the period (part of the pay-leg fee's due): `accrue(notional, strike -
 * index)` when the deal has a swap (`cap.payLegFee` > 0) and the index is below its fixed rate (the strike); else 0.
 */
export function swapPayment(config: WaterfallConfig, state: WaterfallState, inputs: PeriodInputs): bigint {
  const cap = config.cap;
  if (!hedgeInForce(cap, inputs.period) || (cap.payLegFee ?? 0) === 0 || inputs.indexRateWad >= cap.strikeRateWad)
    return 0n;
  return accrue(config, inputs, capNotional(cap, state), cap.strikeRateWad - inputs.indexRateWad);
}

/** Whether the deal has a cap or swap and `period` is within its term (`expiryPeriod` 0: the deal's life). */
function hedgeInForce(cap: CapTerms | undefined, period: number): cap is CapTerms {
  if (cap === undefined || cap.trancheScope === 0) return false;
  const expiry = cap.expiryPeriod ?? 0;
  return expiry === 0 || period <= expiry;
}

/** The notional of a cap or swap: the opening balance of its scope's most senior tranches. */
function capNotional(cap: CapTerms, state: WaterfallState): bigint {
  return sum(state.tranches.slice(0, cap.trancheScope).map((t) => t.balanceCents));
}

/** Step 4: recoveries write back up what earlier losses wrote down, the most senior tranche first. */
function writeUp(w: Work): void {
  let left = w.inputs.recoveriesCents;
  for (const tranche of w.tranches) {
    if (left === 0n) break;
    const gain = min(left, tranche.writtenDownCents);
    tranche.balanceCents += gain;
    tranche.writtenDownCents -= gain;
    tranche.writeUpCents = gain;
    left -= gain;
  }
}

/**
 * Steps 5 and 6: reserve target and release, guarantee room, principal distribution amount. Reads the principal
 * balances after write-up (`w.tranches`, not yet paid).
 */
function prepare(w: Work): void {
  const { config, state, inputs } = w;
  const balances = w.tranches.map((t) => t.balanceCents);
  const notesCents = sum(balances);
  const poolEnd = inputs.poolBalanceEndCents;

  if (!w.accelerated) {
    const target = max(mulDivUp(poolEnd, config.reserve.targetWad, WAD), config.reserve.floorCents);
    w.reserveTargetCents = min(target, notesCents);
  }
  // While trapping, what is in the reserve stays there.
  if (!w.trapping && state.reserveCents > w.reserveTargetCents) {
    w.reserveReleaseCents = state.reserveCents - w.reserveTargetCents;
    w.reserveCents = w.reserveTargetCents;
  }
  w.available =
    inputs.interestCollectionsCents + inputs.principalCollectionsCents + w.reserveReleaseCents + w.capReceiptCents;
  const limit = facilityOpen(config, inputs) ? config.guarantee.limitCents : 0n;
  w.guaranteeRoom = limit > state.guaranteeDrawnCents ? limit - state.guaranteeDrawnCents : 0n;

  if ((config.classes ?? []).length !== 0) classesOfPeriod(w);
  setPrincipalCaps(w);
  if (w.accelerated) {
    w.principalDueCents = notesCents;
  } else if (w.principalMode === "targeted") {
    w.principalDueCents = sum(w.principalCaps);
  } else {
    const targetOc = min(max(mulDivUp(poolEnd, config.targetOcWad, WAD), config.ocFloorCents), poolEnd);
    const paydownTo = poolEnd - targetOc;
    w.principalDueCents = notesCents > paydownTo ? notesCents - paydownTo : 0n;
  }
}

/**
 * What the principal step may pay each tranche (its first pass in scheduled mode): nothing if locked out;
 * targeted: the balance above the target; scheduled: a scheduled class's balance above its target, no other class;
 * otherwise (and accelerated) the balance.
 */
function setPrincipalCaps(w: Work): void {
  const targeted = !w.accelerated && w.principalMode === "targeted";
  const scheduled = !w.accelerated && w.principalMode === "scheduled";
  w.principalCaps = w.tranches.map(({ balanceCents: balance }, t) => {
    if (w.locked[t] === true) return 0n;
    let target = targeted ? (w.inputs.targetBalancesCents[t] ?? 0n) : 0n;
    if (scheduled) {
      target = w.config.classes?.[t]?.kind === "scheduled" ? (w.inputs.targetBalancesCents[t] ?? 0n) : balance;
    }
    return balance > target ? balance - target : 0n;
  });
}

/**
 * Step 5's class flags: which tranches are locked out and which accrual classes accrue (on the balances after
 * write-up, before any payment); the accretion list when the deal has an accrual class.
 */
function classesOfPeriod(w: Work): void {
  const classes = w.config.classes ?? [];
  let earlierOutstanding = false;
  let anyAccrual = false;
  classes.forEach((c, t) => {
    if (c.kind === "accrual") {
      anyAccrual = true;
      if (earlierOutstanding && !w.accelerated) w.accruing[t] = true;
    }
    if (!w.accelerated && w.inputs.period <= c.lockoutPeriods && c.lockoutPeriods !== 0) w.locked[t] = true;
    if ((w.tranches[t]?.balanceCents ?? 0n) !== 0n) earlierOutstanding = true;
  });
  if (anyAccrual) w.accretedCents = classes.map(() => 0n);
}

/** Step 7, not accelerated: the configured order. */
function payInOrder(w: Work): void {
  for (const step of w.config.steps) {
    switch (step.kind) {
      case "fee":
        payFee(w, step.index);
        break;
      case "interest":
        payInterest(w, step.index);
        break;
      case "principal":
        payPrincipal(w);
        break;
      case "reserveTopUp": {
        const room = w.reserveTargetCents > w.reserveCents ? w.reserveTargetCents - w.reserveCents : 0n;
        const deposit = w.trapping ? w.available : min(w.available, room);
        w.available -= deposit;
        w.reserveTopUpCents = deposit;
        w.reserveCents += deposit;
        break;
      }
      case "guaranteeFee":
        payGuaranteeFee(w);
        break;
      case "guaranteeReimbursement":
        reimburseGuarantee(w);
        break;
    }
  }
}

/** Step 7, accelerated: fees in configured order, then interest and principal tranche by tranche. */
function payAccelerated(w: Work): void {
  for (const step of w.config.steps) if (step.kind === "fee") payFee(w, step.index);
  w.tranches.forEach((tranche, t) => {
    payInterest(w, t);
    const paid = min(w.available, w.principalCaps[t] ?? 0n);
    w.available -= paid;
    tranche.principalPaidCents = paid;
    tranche.balanceCents -= paid;
  });
  payGuaranteeFee(w);
  reimburseGuarantee(w);
}

function payFee(w: Work, f: number): void {
  const fee = w.fees[f];
  if (fee === undefined) throw new RangeError(`fee ${f} missing (configuration validated)`);
  cover(w, fee.dueCents, w.config.reserve.coversFees, w.config.guarantee.coversFees);
  fee.paidCents = take(w, fee.dueCents);
}

function payInterest(w: Work, t: number): void {
  const tranche = w.tranches[t];
  if (tranche === undefined) throw new RangeError(`tranche ${t} missing (configuration validated)`);
  const due = tranche.interestDueCents;
  if (w.accruing[t] === true) {
    accrete(w, t, due);
    return;
  }
  cover(w, due, t < w.config.reserve.coveredTranches, t < w.config.guarantee.coveredTranches);
  const paid = take(w, due);
  tranche.interestPaidCents = paid;
  tranche.interestShortfallCents = due - paid;
}

/** An accruing accrual class: its interest is added to its balance, and the cash goes to the principal step. */
function accrete(w: Work, t: number, due: bigint): void {
  const tranche = w.tranches[t];
  if (tranche === undefined) throw new RangeError(`tranche ${t} missing (configuration validated)`);
  const accreted = take(w, due);
  w.accretedCents[t] = accreted;
  tranche.balanceCents += accreted;
  tranche.interestShortfallCents = due - accreted;
  w.accretion += accreted;
  // Its cap grows with its balance; scheduled mode pays it in the second pass, whose caps are the balances.
  if (w.locked[t] !== true && w.principalMode !== "scheduled")
    w.principalCaps[t] = (w.principalCaps[t] ?? 0n) + accreted;
}

/**
 * Pays `min(available, PDA)` and the accretion by the mode applied (sequential and targeted differ only by their
 * caps; scheduled adds two passes); what no tranche can take returns to the available funds.
 */
function payPrincipal(w: Work): void {
  const amount = min(w.available, w.principalDueCents);
  w.available -= amount;
  const total = amount + w.accretion;
  const caps = w.principalCaps;
  let left = total;
  if (w.principalMode === "proRata" && total !== 0n) {
    // The caps are the balances of the tranches not locked out (after write-up, not yet paid).
    const notesCents = sum(caps);
    if (notesCents !== 0n) {
      // Locked-out tranches take nothing, so the amount may exceed what the others can take.
      const split = min(total, notesCents);
      w.tranches.forEach((tranche, t) => {
        const share = mulDivDown(split, caps[t] ?? 0n, notesCents);
        tranche.principalPaidCents = share;
        left -= share;
      });
    }
  }
  // Sequential and targeted: the whole amount; pro-rata: the remainder (fewer units than tranches); scheduled: the
  // first pass.
  left = fill(w, caps, left);
  if (w.principalMode === "scheduled" && left !== 0n) {
    // Then every other class to zero, then the scheduled classes beyond their schedule.
    for (const scheduledPass of [false, true]) {
      const passCaps = w.tranches.map((tranche, t) => {
        const inPass = (w.config.classes?.[t]?.kind === "scheduled") === scheduledPass;
        return inPass && w.locked[t] !== true ? tranche.balanceCents : 0n;
      });
      left = fill(w, passCaps, left);
    }
  }
  for (const tranche of w.tranches) tranche.balanceCents -= tranche.principalPaidCents;
  w.available += left;
}

/** Tops each tranche's principal up to its cap, most senior first; returns what is left. */
function fill(w: Work, caps: readonly bigint[], amount: bigint): bigint {
  let left = amount;
  for (let t = 0; t < w.tranches.length && left !== 0n; t += 1) {
    const tranche = w.tranches[t];
    if (tranche === undefined) break;
    const room = (caps[t] ?? 0n) - tranche.principalPaidCents;
    const extra = min(left, room > 0n ? room : 0n);
    tranche.principalPaidCents += extra;
    left -= extra;
  }
  return left;
}

function payGuaranteeFee(w: Work): void {
  w.guaranteeFeePaidCents = take(w, w.guaranteeFeeDueCents);
}

function reimburseGuarantee(w: Work): void {
  w.guaranteeReimbursedCents = take(w, w.state.guaranteeDrawnCents + w.guaranteeDrawCents);
}

/** Draws the reserve, then the guarantee, for the gap between `due` and the available funds. */
function cover(w: Work, due: bigint, fromReserve: boolean, fromGuarantee: boolean): void {
  if (w.available >= due) return;
  let gap = due - w.available;
  if (fromReserve) {
    const draw = min(gap, w.reserveCents);
    w.reserveCents -= draw;
    w.reserveDrawCents += draw;
    w.available += draw;
    gap -= draw;
  }
  if (fromGuarantee) {
    const draw = min(gap, w.guaranteeRoom);
    w.guaranteeRoom -= draw;
    w.guaranteeDrawCents += draw;
    w.available += draw;
  }
}

/** Pays `min(available, due)` out of the available funds. */
function take(w: Work, due: bigint): bigint {
  const paid = min(w.available, due);
  w.available -= paid;
  return paid;
}

/** Step 9: tranches above the ending pool balance are written down, the most junior first. */
function writeDown(w: Work): void {
  const losses = excessOverPool(w.tranches, w.inputs.poolBalanceEndCents);
  w.tranches.forEach((tranche, t) => {
    const loss = losses[t] ?? 0n;
    tranche.balanceCents -= loss;
    tranche.writtenDownCents += loss;
    tranche.writeDownCents = loss;
  });
}

/**
 * The tranches' balances in excess of the pool, allocated to the most junior tranche first, each up to its
 * balance: what a write-down takes (step 9) and what a principal deficiency ledger carries.
 */
function excessOverPool(tranches: readonly { readonly balanceCents: bigint }[], poolCents: bigint): bigint[] {
  const notesCents = sum(tranches.map((t) => t.balanceCents));
  let left = notesCents > poolCents ? notesCents - poolCents : 0n;
  const excess = tranches.map(() => 0n);
  for (let t = tranches.length - 1; t >= 0 && left !== 0n; t -= 1) {
    const share = min(left, tranches[t]?.balanceCents ?? 0n);
    excess[t] = share;
    left -= share;
  }
  return excess;
}

/**
 * A principal deficiency ledger's balance per tranche after a period: the tranches' balances in excess of the
 * performing pool, allocated to the most junior tranche first, each up to its balance (all zeros when the tranches
 * are within the pool, as they always are without a ledger). Their sum is what the next periods' principal
 * distribution amount cures from excess spread before anything reaches the residual.
 *
 * @param next The state after the period (`result.next`).
 * @param poolBalanceEndCents The performing pool at the period's end.
 */
export function principalDeficiencies(next: WaterfallState, poolBalanceEndCents: bigint): bigint[] {
  return excessOverPool(next.tranches, poolBalanceEndCents);
}
