/**
 * From a deal file to the contracts' terms (tranche terms, the waterfall's configuration and payees) and back.
 * Exact: decimals become wads and cents without floating point; where a tranche is given as a share of the
 * tape's principal its face rounds down and the most junior share-given tranche takes the remainder, so the
 * faces add up to the principal exactly (the rounding's owner is the most junior tranche).
 */
import { COUPON_TYPE_NAMES, WAD, parseCents, type waterfall as wf } from "@abs/core";
import { CliError } from "../errors";
import { type DealFile, type DealTranche, isInterestOnlyTranche } from "./deal-file";

/** "0.0285" → 2.85e16 (a wad), exactly. */
export function decimalToWad(text: string): bigint {
  const [units = "0", decimals = ""] = text.split(".");
  return BigInt(units) * WAD + BigInt(decimals.padEnd(18, "0").slice(0, 18));
}

/** A wad as the shortest decimal string: 2.85e16 → "0.0285". */
export function wadToDecimal(wad: bigint): string {
  const units = wad / WAD;
  const decimals = (wad % WAD).toString().padStart(18, "0").replace(/0+$/, "");
  return decimals === "" ? units.toString() : `${units}.${decimals}`;
}

/** Cents as a deal-file amount: 123456n → "1234.56". */
export function centsToAmount(cents: bigint): string {
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
}

/**
 * Each tranche's face in cents, most senior first: a `face` as given; a `share` of `tapePrincipalCents` rounded
 * down, the most junior share-given tranche taking the remainder of the principal after every other face; an `io`
 * tranche's notional, the face of the tranche before it (not principal: the faces of the others add up).
 */
export function trancheFaces(deal: DealFile, tapePrincipalCents: bigint): bigint[] {
  const lastShare = deal.tranches.map((t) => t.share !== undefined).lastIndexOf(true);
  let assigned = deal.tranches.reduce((sum, t) => sum + (t.face === undefined ? 0n : parseCents(t.face)), 0n);
  const faces: bigint[] = [];
  for (const [i, t] of deal.tranches.entries()) {
    if (isInterestOnlyTranche(t)) {
      faces.push(faces[i - 1] ?? 0n);
    } else if (t.face !== undefined) {
      faces.push(parseCents(t.face));
    } else if (i === lastShare) {
      if (tapePrincipalCents < assigned) {
        throw new CliError(
          "USAGE",
          `The tranches' faces (${centsToAmount(assigned)}) exceed the tape's principal (${centsToAmount(tapePrincipalCents)})`,
        );
      }
      faces.push(tapePrincipalCents - assigned);
    } else {
      const face = (tapePrincipalCents * decimalToWad(t.share ?? "0")) / WAD;
      assigned += face;
      faces.push(face);
    }
  }
  return faces;
}

/**
 * The class's coupon as the contract stores it: type, rate (a fixed rate, a floating margin or an inverse floater's
 * constant), floor, cap, and an inverse floater's index multiplier.
 */
export function couponTerms(t: DealTranche): wf.CouponTerms {
  const c = t.coupon;
  if (c.type === "fixed")
    return { couponType: "fixed", couponRateWad: decimalToWad(c.rate), floorRateWad: 0n, capRateWad: 0n };
  if (c.type === "floating") {
    return {
      couponType: "floating",
      couponRateWad: decimalToWad(c.margin),
      floorRateWad: decimalToWad(c.floor ?? "0"),
      capRateWad: decimalToWad(c.cap ?? "0"),
    };
  }
  if (c.type === "inverseFloating") {
    return {
      couponType: "inverseFloating",
      couponRateWad: decimalToWad(c.constant),
      floorRateWad: decimalToWad(c.floor ?? "0"),
      capRateWad: decimalToWad(c.cap ?? "0"),
      indexMultiplierWad: decimalToWad(c.multiplier),
    };
  }
  return { couponType: "none", couponRateWad: 0n, floorRateWad: 0n, capRateWad: 0n };
}

/** `AssetPool.addTranche`'s terms for each tranche, most senior first. */
export function trancheTerms(deal: DealFile, faces: readonly bigint[]) {
  return deal.tranches.map((t, i) => {
    const coupon = couponTerms(t);
    return {
      name: t.name,
      symbol: t.symbol,
      seniority: t.seniority,
      couponType: COUPON_TYPE_NAMES.findIndex((n) => n.toLowerCase() === coupon.couponType.toLowerCase()),
      couponRateWad: coupon.couponRateWad,
      originalFaceCents: faces[i] ?? 0n,
      allowedInvestorClasses: t.investorClasses.reduce((mask, c) => mask | (1 << c), 0),
    };
  });
}

/**
 * The waterfall's configuration: the fees in the file's order, then interest by seniority, principal, the reserve's
 * top-up, the guarantee's fee and its reimbursement (the standard priority of payments; every step is present,
 * a step with nothing configured pays nothing).
 */
export function waterfallConfig(deal: DealFile, originalPoolBalanceCents: bigint): wf.WaterfallConfig {
  const steps: wf.WaterfallStep[] = [
    ...deal.fees.map((_, index) => ({ kind: "fee" as const, index })),
    ...deal.tranches.map((_, index) => ({ kind: "interest" as const, index })),
    { kind: "principal", index: 0 },
    { kind: "reserveTopUp", index: 0 },
    { kind: "guaranteeFee", index: 0 },
    { kind: "guaranteeReimbursement", index: 0 },
  ];
  return {
    yearBasisDays: deal.dayCount === "ACT/360" ? 360 : 365,
    principalMode: deal.principal.mode,
    targetOcWad: decimalToWad(deal.principal.ocTarget),
    ocFloorCents: parseCents(deal.principal.ocFloor),
    originalPoolBalanceCents,
    tranches: deal.tranches.map(couponTerms),
    fees: deal.fees.map((f) => ({ fixedCents: parseCents(f.fixed), rateWad: decimalToWad(f.rate) })),
    steps,
    reserve: deal.reserve
      ? {
          targetWad: decimalToWad(deal.reserve.target),
          floorCents: parseCents(deal.reserve.floor),
          coversFees: deal.reserve.coversFees,
          coveredTranches: deal.reserve.coveredTranches,
        }
      : { targetWad: 0n, floorCents: 0n, coversFees: false, coveredTranches: 0 },
    guarantee: deal.guarantee
      ? {
          limitCents: parseCents(deal.guarantee.limit),
          feeRateWad: decimalToWad(deal.guarantee.feeRate),
          coversFees: deal.guarantee.coversFees,
          coveredTranches: deal.guarantee.coveredTranches,
          ...liquidityTerms(deal.guarantee),
        }
      : { limitCents: 0n, feeRateWad: 0n, coversFees: false, coveredTranches: 0 },
    triggers: deal.triggers.map((t) => ({
      kind: t.kind,
      effect: t.effect,
      curable: t.curable,
      trancheScope: t.scope,
      thresholdWad: t.threshold === undefined ? 0n : decimalToWad(t.threshold),
      scheduleWad: (t.schedule ?? []).map(decimalToWad),
    })),
    ...classesOf(deal),
    ...(deal.principal.stepDownPeriod === 0 ? {} : { stepDownPeriod: deal.principal.stepDownPeriod }),
    ...(deal.principal.deficiencyLedger ? { principalDeficiencyLedger: true } : {}),
    ...hedgeOf(deal),
  };
}

/**
 * The deal's interest-rate cap, or its swap: a cap whose strike is the fixed rate the deal pays, with the fee the
 * file names as its pay leg (`payLegFee` counts the fees from 1).
 */
function hedgeOf(deal: DealFile): Pick<wf.WaterfallConfig, "cap"> {
  const { interestRateCap: cap, interestRateSwap: swap } = deal;
  const term = (expiryPeriod: number | undefined) => (expiryPeriod === undefined ? {} : { expiryPeriod });
  if (cap !== undefined) {
    return {
      cap: { strikeRateWad: decimalToWad(cap.strike), trancheScope: cap.scope, ...term(cap.expiryPeriod) },
    };
  }
  if (swap === undefined) return {};
  return {
    cap: {
      strikeRateWad: decimalToWad(swap.fixedRate),
      trancheScope: swap.scope,
      payLegFee: deal.fees.findIndex((f) => f.name === swap.fee) + 1,
      ...term(swap.expiryPeriod),
    },
  };
}

/** The waterfall's class of each deal-file principal class. */
const CLASS_KIND: Readonly<Record<DealTranche["principalClass"], wf.ClassKind>> = {
  standard: "standard",
  pac: "scheduled",
  tac: "scheduled",
  support: "support",
  z: "accrual",
  io: "interestOnly",
};

/** The tranches' classes, or nothing when every tranche is standard without a lockout (the chain's empty list). */
function classesOf(deal: DealFile): { classes?: wf.ClassTerms[] } {
  const plain = deal.tranches.every((t) => t.principalClass === "standard" && t.lockoutPeriods === 0);
  if (plain) return {};
  return {
    classes: deal.tranches.map((t) => ({ kind: CLASS_KIND[t.principalClass], lockoutPeriods: t.lockoutPeriods })),
  };
}

/** The deal-file principal class of a waterfall class (a scheduled class reads back as `pac`). */
export function principalClassOf(kind: wf.ClassKind): DealTranche["principalClass"] {
  if (kind === "interestOnly") return "io";
  return kind === "scheduled" ? "pac" : kind === "accrual" ? "z" : kind;
}

/** A tranche's class for people: "A" from a name ending in "Class A", else the symbol. */
export function classOf(name: string, symbol: string): string {
  return /\bClass ([A-Za-z0-9-]{1,8})$/.exec(name)?.[1] ?? symbol;
}

/** A liquidity facility's terms, only those the deal file sets (a plain guarantee carries none). */
function liquidityTerms(g: {
  readonly feeOn: "limit" | "undrawn";
  readonly usageRate: string;
  readonly expiryPeriod?: number | undefined;
}): Pick<wf.GuaranteeTerms, "usageRateWad" | "feeOnUndrawn" | "expiryPeriod"> {
  const usageRateWad = decimalToWad(g.usageRate);
  return {
    ...(usageRateWad === 0n ? {} : { usageRateWad }),
    ...(g.feeOn === "undrawn" ? { feeOnUndrawn: true } : {}),
    ...(g.expiryPeriod === undefined ? {} : { expiryPeriod: g.expiryPeriod }),
  };
}
