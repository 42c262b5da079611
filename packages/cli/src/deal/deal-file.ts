/**
 * The deal file: a deal described once, by its trustee, in YAML or JSON. `abs deal structure` puts it on chain
 * (tranches, waterfall, clean-up call, documents); `abs offering open` opens its offering; `abs deal show`
 * prints a deal back from the chain in this same format.
 *
 * Amounts are decimal strings in currency units ("800000.00"), rates and fractions decimal strings ("0.0285" is
 * 2.85 %), dates ISO 8601. Members are named as in the consortium file ("trustee", "originator"). An error names
 * the path in the file, what was expected and what was found.
 *
 * ```yaml
 * deal: ACME-2026-1                 # the code the pool was created with (abs pool create --deal-id)
 * currency: CNY
 * dayCount: ACT/360                 # or ACT/365: the waterfall's year basis
 * tranches:                         # most senior first; seniority 1, 2, ...
 *   - { class: A, name: ACME 2026-1 Class A, symbol: AC261A, seniority: 1, share: "0.80",
 *       coupon: { type: fixed, rate: "0.0285" }, investorClasses: [0, 1] }
 *   - { class: B, ..., coupon: { type: floating, margin: "0.015", cap: "0.08", floor: "0" } }
 *   - { class: S, ..., coupon: { type: none } }   # face: "1234.56" instead of share: an exact face
 *   - { class: IF, ..., coupon: { type: inverseFloating, constant: "0.285", multiplier: "3", floor: "0" } }
 * principal: { mode: sequential, ocTarget: "0.02" }
 * # or a PAC/TAC deal: tranches name their principal class (principalClass: pac | tac | support | z | io | standard,
 * # lockoutPeriods: N; an io tranche is an interest-only strip of the tranche listed just before it: no face or share,
 * # its notional is that tranche's balance), and the scheduled classes' targets are fixed at structuring from a PSA
 * # band over the pool of a projection file (a TAC: low = high), or listed per class
 * # (targets: { A: ["69000000.00", ...] })
 * principal: { mode: scheduled, ocTarget: "0.02", schedule: { band: { low: 100, high: 300 }, pool: projection.yaml } }
 * # stepDownPeriod: N on principal pays sequentially before period N, by the mode from N on (e.g. pro rata)
 * # deficiencyLedger: true on principal carries losses on a principal deficiency ledger (cured from excess spread,
 * # written off only once the pool is exhausted) instead of writing the junior tranches down each period
 * fees: [ { name: trustee fee, payee: trustee, fixed: "2000.00" }, { name: servicing, payee: servicer, rate: "0.005" } ]
 * reserve: { target: "0.01", coversFees: true, coveredTranches: 1 }
 * guarantee: { guarantor: guarantor, limit: "50000.00", feeRate: "0.002", coveredTranches: 1 }
 * # or a liquidity facility: the same line with a usage fee on its draws, the commitment fee on the undrawn part and
 * # an expiry (the last period it can be drawn in)
 * guarantee: { guarantor: bank, limit: "50000.00", feeRate: "0.0035", feeOn: undrawn, usageRate: "0.045",
 *              expiryPeriod: 36, coversFees: true, coveredTranches: 2 }
 * # an interest-rate cap bought at closing: paid into the waterfall when the index is above the strike, on the opening
 * # balance of the `scope` most senior tranches (its provider remits it as the servicer remits collections), up to
 * # its expiryPeriod if it has a term
 * interestRateCap: { strike: "0.05", scope: 2, expiryPeriod: 36 }
 * # or an interest-rate swap: the deal pays a fixed rate and receives the index on the same notional, net; above the
 * # fixed rate the counterparty remits the difference (as a cap provider), below it the deal owes it through the
 * # fee named `fee` (its payee the counterparty, its place among the fees the payment's priority; no fixed or rate)
 * # interestRateSwap: { fixedRate: "0.045", scope: 1, fee: swap }
 * triggers:
 *   - { kind: overcollateralization, effect: switchToSequential, curable: true, scope: 2, threshold: "1.05" }
 *   - { kind: cumulativeNetLoss, effect: eventOfDefault, curable: false, threshold: "0.05" }
 * residual: originator
 * cleanUpCall: "0.10"
 * offering: { windowHours: 24, minSubscription: "1000.00", increment: "0.01", prices: { A: "100.00" } }
 * documents: [ { type: PROSPECTUS, uri: "abs-node://trustee/...", text: "...", signers: [TRUSTEE, ORIGINATOR] } ]
 * ```
 */
import { z } from "zod";
import { ROLE_NAMES, waterfall as wf } from "@abs/core";
import { parseYamlFile, readYamlFile } from "../yaml-file";

const decimal = (what: string) =>
  z
    .string(`expected ${what} as a decimal string in quotes, e.g. "0.0285"`)
    .regex(/^\d+(\.\d{1,18})?$/, `expected ${what} as a decimal such as "0.0285" (at most 18 decimals)`);
const amount = z
  .string('expected an amount as a decimal string in quotes, e.g. "2000.00"')
  .regex(/^\d+(\.\d{1,2})?$/, 'expected an amount in currency units with at most 2 decimals, e.g. "2000.00"');
const memberName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "expected a member name from the consortium file, e.g. trustee");

/**
 * A tranche's principal class in a deal file: `pac` and `tac` are scheduled, `z` accrues, `io` is an interest-only
 * strip of the tranche listed just before it (its face is that tranche's, as a notional).
 */
export const PRINCIPAL_CLASSES = ["standard", "pac", "tac", "support", "z", "io"] as const;

/** Whether a tranche of this principal class follows the deal's schedule (the waterfall's `Scheduled` class). */
export function isScheduledClass(principalClass: (typeof PRINCIPAL_CLASSES)[number]): boolean {
  return principalClass === "pac" || principalClass === "tac";
}

/** Whether a tranche is an interest-only strip (`io`): its face is the notional of the tranche listed before it. */
export function isInterestOnlyTranche(tranche: {
  readonly principalClass: (typeof PRINCIPAL_CLASSES)[number];
}): boolean {
  return tranche.principalClass === "io";
}

const coupon = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("fixed"), rate: decimal("the coupon rate") }),
    z.strictObject({
      type: z.literal("floating"),
      margin: decimal("the margin over the index"),
      cap: decimal("the cap").optional(),
      floor: decimal("the floor").optional(),
    }),
    z.strictObject({ type: z.literal("none") }),
    z.strictObject({
      type: z.literal("inverseFloating"),
      /** The rate is constant - multiplier x index, within floor and cap (e.g. "0.285" - 3 x index). */
      constant: decimal("the inverse floater's constant"),
      multiplier: decimal("the index's multiplier"),
      cap: decimal("the cap").optional(),
      floor: decimal("the floor").optional(),
    }),
  ],
  { error: "expected coupon.type fixed, floating, none or inverseFloating" },
);

const tranche = z
  .strictObject({
    class: z.string().regex(/^[A-Za-z0-9-]{1,8}$/, "expected a class name of 1-8 letters or digits, e.g. A"),
    name: z.string().min(1).max(64),
    symbol: z.string().regex(/^[A-Z0-9]{1,11}$/, "expected a symbol of 1-11 capital letters or digits"),
    seniority: z.number().int().min(1).max(16),
    face: amount.optional(),
    share: decimal("the share of the pool").optional(),
    coupon,
    investorClasses: z.array(z.number().int().min(0).max(31)).min(1),
    /** How the tranche takes part in the principal allocation (pac and tac are the waterfall's scheduled classes). */
    principalClass: z.enum(PRINCIPAL_CLASSES).default("standard"),
    /** No principal in periods 1..lockoutPeriods. */
    lockoutPeriods: z.number().int().min(0).max(65_535).default(0),
  })
  .refine((t) => isInterestOnlyTranche(t) || (t.face === undefined) !== (t.share === undefined), {
    message: "expected exactly one of face (an amount) or share (of the anchored tape's principal)",
  })
  .refine((t) => t.principalClass !== "io" || (t.face === undefined && t.share === undefined), {
    message: "expected no face or share on an io tranche: its notional is the face of the tranche listed before it",
  })
  // The chain keeps a tranche's name and symbol only: its class must be readable from them.
  .refine((t) => t.name.endsWith(`Class ${t.class}`) || t.symbol === t.class, {
    message:
      'expected the name to end with "Class <class>" (or the class to equal the symbol): the chain keeps only name and symbol',
    path: ["name"],
  });

/** Where a scheduled deal's targets come from: a PSA band over a projection file's pool, or listed per class. */
const schedule = z.union(
  [
    z.strictObject({
      band: z
        .strictObject({ low: z.number().positive().max(10_000), high: z.number().positive().max(10_000) })
        .refine((b) => b.low <= b.high, { message: "expected low <= high (PSA)" }),
      /** A projection file (relative to the deal file) whose `pool:` is the deal's pool as rep lines. */
      pool: z.string().min(1),
    }),
    z.strictObject({ targets: z.record(z.string(), z.array(amount).min(1).max(480)) }),
  ],
  { error: "expected schedule { band: { low, high }, pool: <projection file> } or { targets: { <class>: [...] } }" },
);

const trigger = z
  .strictObject({
    kind: z.enum(wf.TRIGGER_KINDS),
    effect: z.enum(wf.TRIGGER_EFFECTS),
    curable: z.boolean(),
    /** For overcollateralization and interest coverage: how many tranches, from the most senior, are covered. */
    scope: z.number().int().min(0).max(16).default(0),
    threshold: decimal("the threshold").optional(),
    /** A threshold per period (the last one holds after), instead of one threshold. */
    schedule: z.array(decimal("a scheduled threshold")).min(1).optional(),
  })
  .refine((t) => (t.threshold === undefined) !== (t.schedule === undefined), {
    message: "expected exactly one of threshold or schedule",
  });

const documentEntry = z
  .strictObject({
    type: z.string().regex(/^[A-Z][A-Z0-9_]{0,30}$/, "expected a document type such as PROSPECTUS"),
    uri: z.string().min(1),
    /** The document's text (hashed with keccak-256), or its hash. */
    text: z.string().min(1).optional(),
    hash: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x and 64 hex digits")
      .optional(),
    signers: z.array(z.enum(ROLE_NAMES)).min(1),
  })
  .refine((d) => (d.text === undefined) !== (d.hash === undefined), {
    message: "expected exactly one of text or hash",
  });

export const dealFileSchema = z
  .strictObject({
    deal: z.string().regex(/^[\x21-\x7e]{1,31}$/, "expected the deal's code, 1-31 printable ASCII characters"),
    name: z.string().min(1).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as CNY"),
    dayCount: z.enum(["ACT/360", "ACT/365"]),
    tranches: z.array(tranche).min(1).max(16),
    principal: z.strictObject({
      mode: z.enum(["sequential", "proRata", "scheduled"]),
      ocTarget: decimal("the overcollateralization target").default("0"),
      ocFloor: amount.default("0"),
      schedule: schedule.optional(),
      /** Principal is sequential before this period, by the mode from it on (the step-down date); 0 = none. */
      stepDownPeriod: z.number().int().min(0).max(65_535).default(0),
      deficiencyLedger: z.boolean().default(false),
    }),
    fees: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          payee: memberName,
          fixed: amount.default("0"),
          rate: decimal("the fee rate").default("0"),
        }),
      )
      .max(8)
      .default([]),
    reserve: z
      .strictObject({
        target: decimal("the reserve target"),
        floor: amount.default("0"),
        coversFees: z.boolean().default(false),
        coveredTranches: z.number().int().min(0).max(16).default(0),
      })
      .optional(),
    guarantee: z
      .strictObject({
        guarantor: memberName,
        limit: amount,
        feeRate: decimal("the guarantee fee rate").default("0"),
        feeOn: z.enum(["limit", "undrawn"]).default("limit"),
        usageRate: decimal("the usage fee rate on the draws").default("0"),
        expiryPeriod: z.number().int().min(1).max(65535).optional(),
        coversFees: z.boolean().default(false),
        coveredTranches: z.number().int().min(0).max(16).default(0),
      })
      .optional(),
    interestRateCap: z
      .strictObject({
        strike: decimal("the cap's strike rate"),
        scope: z.number().int().min(1).max(16),
        /** The last period it pays in (its term); absent = the deal's life. */
        expiryPeriod: z.number().int().min(1).max(65_535).optional(),
      })
      .optional(),
    interestRateSwap: z
      .strictObject({
        fixedRate: decimal("the swap's fixed rate"),
        scope: z.number().int().min(1).max(16),
        /** The last period it pays or is paid in (its term); absent = the deal's life. */
        expiryPeriod: z.number().int().min(1).max(65_535).optional(),
        /** The fee (by name) the deal's net swap payments are due through: its payee is the counterparty. */
        fee: z.string().min(1),
      })
      .optional(),
    triggers: z.array(trigger).max(8).default([]),
    residual: memberName,
    cleanUpCall: decimal("the clean-up call's pool factor").optional(),
    offering: z
      .strictObject({
        windowHours: z
          .number()
          .positive()
          .max(24 * 90)
          .default(24),
        minSubscription: amount.default("1000.00"),
        increment: amount.default("0.01"),
        /** Price per class in percent of face; par (100) when a class is not named. */
        prices: z.record(z.string(), decimal("a price in percent of face")).default({}),
        revolvingDays: z.number().int().min(0).max(3650).default(0),
      })
      .default({ windowHours: 24, minSubscription: "1000.00", increment: "0.01", prices: {}, revolvingDays: 0 }),
    documents: z.array(documentEntry).default([]),
  })
  .superRefine((deal, ctx) => {
    const seniorities = deal.tranches.map((t) => t.seniority);
    seniorities.forEach((s, i) => {
      if (s !== i + 1)
        ctx.addIssue({
          code: "custom",
          path: ["tranches", i, "seniority"],
          message: `expected ${i + 1} (most senior first, no gaps), found ${s}`,
        });
    });
    const classes = new Set<string>();
    deal.tranches.forEach((t, i) => {
      if (classes.has(t.class))
        ctx.addIssue({
          code: "custom",
          path: ["tranches", i, "class"],
          message: `expected a class name used once, found ${t.class} twice`,
        });
      classes.add(t.class);
    });
    deal.tranches.forEach((t, i) => {
      const stripped = deal.tranches[i - 1];
      if (isInterestOnlyTranche(t) && (stripped === undefined || isInterestOnlyTranche(stripped)))
        ctx.addIssue({
          code: "custom",
          path: ["tranches", i, "principalClass"],
          message: `expected an io tranche after the tranche it strips, found ${stripped === undefined ? "it first" : `it after io tranche ${stripped.class}`}`,
        });
      if (isInterestOnlyTranche(t) && (t.coupon.type === "none" || t.lockoutPeriods !== 0))
        ctx.addIssue({
          code: "custom",
          path: ["tranches", i, t.coupon.type === "none" ? "coupon" : "lockoutPeriods"],
          message: `expected an io tranche with a coupon and no lockout (it is paid interest only), found ${t.coupon.type === "none" ? "coupon none" : `lockoutPeriods ${t.lockoutPeriods}`}`,
        });
    });
    const swap = deal.interestRateSwap;
    if (swap !== undefined && deal.interestRateCap !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["interestRateSwap"],
        message: "expected one hedge, an interestRateCap or an interestRateSwap, found both",
      });
    const payLeg = swap === undefined ? undefined : deal.fees.findIndex((f) => f.name === swap.fee);
    if (swap !== undefined && payLeg === -1)
      ctx.addIssue({
        code: "custom",
        path: ["interestRateSwap", "fee"],
        message: `expected the name of one of the fees (${deal.fees.map((f) => f.name).join(", ") || "none"}), found ${swap.fee}`,
      });
    const payLegTerms = payLeg === undefined ? undefined : deal.fees[payLeg];
    if (payLegTerms !== undefined && (Number(payLegTerms.fixed) !== 0 || Number(payLegTerms.rate) !== 0))
      ctx.addIssue({
        code: "custom",
        path: ["fees", payLeg ?? 0],
        message: `expected the swap's fee to have no fixed amount or rate of its own (it carries the swap's net payments), found fixed ${payLegTerms.fixed}, rate ${payLegTerms.rate}`,
      });
    const scheduled = deal.tranches.filter((t) => isScheduledClass(t.principalClass));
    const isScheduled = deal.principal.mode === "scheduled";
    if (isScheduled !== scheduled.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["principal", "mode"],
        message: isScheduled
          ? "expected a pac or tac tranche in scheduled mode, found none"
          : `expected mode scheduled for the pac/tac tranches (${scheduled.map((t) => t.class).join(", ")}), found ${deal.principal.mode}`,
      });
    if (isScheduled !== (deal.principal.schedule !== undefined))
      ctx.addIssue({
        code: "custom",
        path: ["principal", "schedule"],
        message: isScheduled
          ? "expected the schedule of the pac/tac tranches"
          : "expected no schedule outside mode scheduled",
      });
    const schedule = deal.principal.schedule;
    if (schedule !== undefined && "targets" in schedule) {
      const targets = schedule.targets;
      const wanted = scheduled.map((t) => t.class);
      const names = Object.keys(targets);
      if (names.length !== wanted.length || !wanted.every((c) => names.includes(c)))
        ctx.addIssue({
          code: "custom",
          path: ["principal", "schedule", "targets"],
          message: `expected one list per pac/tac class (${wanted.join(", ")}), found ${names.join(", ") || "none"}`,
        });
    }
    for (const name of Object.keys(deal.offering.prices)) {
      if (!classes.has(name))
        ctx.addIssue({
          code: "custom",
          path: ["offering", "prices", name],
          message: `expected a class of the deal (${[...classes].join(", ")}), found ${name}`,
        });
    }
  });

export type DealFile = z.output<typeof dealFileSchema>;
export type DealTranche = DealFile["tranches"][number];

/** Parses a deal file's text (YAML, of which JSON is a subset); a usage error lists every bad field with its path. */
export function parseDealFile(text: string, file: string): DealFile {
  return parseYamlFile(text, file, "deal file", dealFileSchema);
}

/** Reads and parses a deal file; a missing file is `INPUT_NOT_FOUND`, a bad one a usage error. */
export async function readDealFile(file: string): Promise<DealFile> {
  return readYamlFile(file, "deal file", dealFileSchema);
}
