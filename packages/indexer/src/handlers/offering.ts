// Offering (one per primary issuance, followed from OfferingFactory.OfferingCreated): subscriptions,
// cancellations, the warehouse advance, allocations and the closing or failure. The cash of each step
// moves on the CashToken (its Transfer events are the CashMovements); the notes are minted at closing
// (the tranches' Transfer events are the Positions).
import { type EventHandler, type HandlerContext, ZERO_ADDRESS, big, getMember, load } from "./context";
import { type EntityData } from "../store";

/** type(uint256).max as OfferingFailed's tranche index marks a cancellation by the trustee. */
const NO_TRANCHE = 1_000_000n;

const offeringCreated: EventHandler = async (ctx) => {
  const a = ctx.args;
  const offering = a.str("offering");
  const warehouse = a.tuple("warehouse");
  await getMember(ctx.store, a.str("trustee"), ctx.log.timestamp);
  await ctx.store.set("Offering", offering, {
    pool: a.str("pool"),
    dealId: a.str("dealId"),
    createdBy: a.str("trustee"),
    createdAt: String(ctx.log.timestamp),
    status: "Open",
    tranches: JSON.stringify(a.value("tranches")),
    windows: JSON.stringify(a.value("windows")),
    warehouseInvestor: warehouse.str(0) === ZERO_ADDRESS ? null : warehouse.str(0),
    warehouseAdvanceCents: warehouse.str(1),
    warehouseRepaymentCents: warehouse.str(2),
    warehouseFundedAt: null,
    soldTapeVersion: null,
    raisedCents: null,
    proceedsCents: null,
    warehouseRepaidCents: null,
    originatorCents: null,
    refundedCents: null,
    closedAt: null,
    failedTrancheIndex: null,
    failedAt: null,
  });
  await ctx.follow(offering, "Offering");
  ctx.audit.pool = a.str("pool");
  ctx.audit.actor = a.str("trustee");
};

/** The offering's row; sets the audit row's pool. */
async function offeringOf(ctx: HandlerContext): Promise<EntityData> {
  const offering = await load(ctx.store, "Offering", ctx.log.address);
  ctx.audit.pool = typeof offering["pool"] === "string" ? offering["pool"] : null;
  return offering;
}

function subscriptionId(offering: string, trancheIndex: number, investor: string): string {
  return offering + (trancheIndex >>> 0).toString(16).padStart(8, "0") + investor.slice(2);
}

async function subscription(ctx: HandlerContext): Promise<[string, EntityData]> {
  const a = ctx.args;
  const investor = a.str("investor");
  const id = subscriptionId(ctx.log.address, a.int("trancheIndex"), investor);
  const existing = await ctx.store.get("Subscription", id);
  if (existing) return [id, existing];
  await getMember(ctx.store, investor, ctx.log.timestamp);
  return [
    id,
    {
      offering: ctx.log.address,
      trancheIndex: a.int("trancheIndex"),
      tranche: a.str("tranche"),
      investor,
      orderCents: "0",
      paidCents: "0",
      cancelled: false,
      allocatedCents: null,
      costCents: null,
      refundCents: null,
      updatedAt: String(ctx.log.timestamp),
    },
  ];
}

const subscribed: EventHandler = async (ctx) => {
  await offeringOf(ctx);
  const [id, row] = await subscription(ctx);
  await ctx.store.set("Subscription", id, {
    ...row,
    orderCents: ctx.args.str("orderCents"),
    paidCents: (big(row, "paidCents") + BigInt(ctx.args.str("paidCents"))).toString(),
    cancelled: false,
    updatedAt: String(ctx.log.timestamp),
  });
  ctx.audit.tranche = ctx.args.str("tranche");
};

const cancelled: EventHandler = async (ctx) => {
  await offeringOf(ctx);
  const [id, row] = await subscription(ctx);
  await ctx.store.set("Subscription", id, {
    ...row,
    orderCents: "0",
    paidCents: "0",
    cancelled: true,
    updatedAt: String(ctx.log.timestamp),
  });
  ctx.audit.tranche = ctx.args.str("tranche");
};

const allocated: EventHandler = async (ctx) => {
  await offeringOf(ctx);
  const [id, row] = await subscription(ctx);
  await ctx.store.set("Subscription", id, {
    ...row,
    allocatedCents: ctx.args.str("allocatedCents"),
    costCents: ctx.args.str("costCents"),
    refundCents: ctx.args.str("refundCents"),
    updatedAt: String(ctx.log.timestamp),
  });
  ctx.audit.tranche = ctx.args.str("tranche");
  ctx.audit.actor = ctx.log.txFrom;
};

const warehouseFunded: EventHandler = async (ctx) => {
  const offering = await offeringOf(ctx);
  await ctx.store.set("Offering", ctx.log.address, { ...offering, warehouseFundedAt: String(ctx.log.timestamp) });
};

const closed: EventHandler = async (ctx) => {
  const a = ctx.args;
  const offering = await offeringOf(ctx);
  await ctx.store.set("Offering", ctx.log.address, {
    ...offering,
    status: "Closed",
    soldTapeVersion: a.int("tapeVersion"),
    raisedCents: a.str("raisedCents"),
    proceedsCents: a.str("proceedsCents"),
    warehouseRepaidCents: a.str("warehouseRepaidCents"),
    originatorCents: a.str("originatorCents"),
    refundedCents: a.str("refundedCents"),
    closedAt: String(ctx.log.timestamp),
  });
};

const failed: EventHandler = async (ctx) => {
  const a = ctx.args;
  const offering = await offeringOf(ctx);
  const index = BigInt(a.str("trancheIndex"));
  await ctx.store.set("Offering", ctx.log.address, {
    ...offering,
    status: "Failed",
    failedTrancheIndex: index < NO_TRANCHE ? index.toString() : null,
    refundedCents: a.str("refundedCents"),
    failedAt: String(ctx.log.timestamp),
  });
};

const refunded: EventHandler = async (ctx) => {
  await offeringOf(ctx);
  const a = ctx.args;
  const id = subscriptionId(ctx.log.address, a.int("trancheIndex"), a.str("investor"));
  const row = await ctx.store.get("Subscription", id);
  if (row) {
    await ctx.store.set("Subscription", id, {
      ...row,
      allocatedCents: "0",
      costCents: "0",
      refundCents: a.str("refundCents"),
      updatedAt: String(ctx.log.timestamp),
    });
  }
  ctx.audit.actor = ctx.log.txFrom;
};

const auditOnly: EventHandler = async (ctx) => {
  await offeringOf(ctx);
};

export const offeringFactoryHandlers = { OfferingCreated: offeringCreated };
export const offeringHandlers = {
  Subscribed: subscribed,
  SubscriptionCancelled: cancelled,
  WarehouseFunded: warehouseFunded,
  Allocated: allocated,
  OfferingClosed: closed,
  OfferingFailed: failed,
  Refunded: refunded,
  RefundDeferred: auditOnly,
  RefundClaimed: auditOnly,
};
