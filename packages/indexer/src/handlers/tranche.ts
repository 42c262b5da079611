// TrancheToken (one per tranche, followed from TrancheDeployed): positions, transfers (incl. forced), freezes.
import {
  type EventHandler,
  type HandlerContext,
  FORCED_TRANSFER_REASON,
  ZERO_ADDRESS,
  big,
  enumName,
  eventId,
  getMember,
  load,
  seqId,
} from "./context";
import { IndexerError } from "../errors";
import { type EntityData } from "../store";

/** A holder's position, read only (callers write a modified copy). */
async function getPosition(ctx: HandlerContext, holder: string): Promise<[string, Readonly<EntityData>]> {
  const id = ctx.log.address + holder.slice(2);
  const existing = await ctx.store.peek("Position", id);
  if (existing) return [id, existing];
  await getMember(ctx.store, holder, ctx.log.timestamp);
  return [
    id,
    { holder, tranche: ctx.log.address, balance: "0", frozen: false, frozenAmountCents: "0", updatedAt: "0" },
  ];
}

async function move(ctx: HandlerContext, holder: string, delta: bigint): Promise<void> {
  const [id, p] = await getPosition(ctx, holder);
  await ctx.store.set("Position", id, {
    ...p,
    balance: (big(p, "balance") + delta).toString(),
    updatedAt: String(ctx.log.timestamp),
  });
}

const transfer: EventHandler = async (ctx) => {
  const from = ctx.args.str("from");
  const to = ctx.args.str("to");
  const amount = BigInt(ctx.args.str("value"));
  const tranche = await ctx.store.peek("Tranche", ctx.log.address);
  if (!tranche) throw new IndexerError("HANDLER_FAILED", `Tranche ${ctx.log.address} is not indexed`);
  let kind = "Transfer";
  if (from === ZERO_ADDRESS || to === ZERO_ADDRESS) {
    kind = from === ZERO_ADDRESS ? "Mint" : "Burn";
    const supply = big(tranche, "totalSupply") + (from === ZERO_ADDRESS ? amount : -amount);
    await ctx.store.set("Tranche", ctx.log.address, { ...tranche, totalSupply: supply.toString() });
  }
  if (from !== ZERO_ADDRESS) await move(ctx, from, -amount);
  if (to !== ZERO_ADDRESS) await move(ctx, to, amount);
  await ctx.store.create("Transfer", eventId(ctx.log), {
    tranche: ctx.log.address,
    from,
    to,
    fromMember: from === ZERO_ADDRESS ? null : from,
    toMember: to === ZERO_ADDRESS ? null : to,
    amount: amount.toString(),
    kind,
    forcedReason: null,
    evidenceHash: null,
    trustee: null,
    timestamp: String(ctx.log.timestamp),
    blockNumber: String(ctx.log.blockNumber),
    transactionHash: ctx.log.txHash,
  });
};

const setPaused =
  (paused: boolean): EventHandler =>
  async (ctx) => {
    const t = await load(ctx.store, "Tranche", ctx.log.address);
    await ctx.store.set("Tranche", ctx.log.address, { ...t, paused });
  };

const factorUpdated: EventHandler = async (ctx) => {
  const t = await load(ctx.store, "Tranche", ctx.log.address);
  await ctx.store.set("Tranche", ctx.log.address, { ...t, factorRay: ctx.args.str("newFactorRay") });
  ctx.audit.actor = ctx.log.txFrom;
};

const freeze =
  (kind: "AccountFrozen" | "AccountUnfrozen" | "AmountFrozen" | "AmountUnfrozen"): EventHandler =>
  async (ctx) => {
    const a = ctx.args;
    const account = a.str("account");
    const [id, p] = await getPosition(ctx, account);
    const amountKind = kind === "AmountFrozen" || kind === "AmountUnfrozen";
    const next: EntityData = { ...p, updatedAt: String(ctx.log.timestamp) };
    if (kind === "AccountFrozen") next["frozen"] = true;
    else if (kind === "AccountUnfrozen") next["frozen"] = false;
    else next["frozenAmountCents"] = a.str("totalFrozenCents");
    await ctx.store.set("Position", id, next);
    await ctx.store.set("Freeze", eventId(ctx.log), {
      tranche: ctx.log.address,
      account,
      position: id,
      kind,
      amountCents: amountKind ? a.str("amountCents") : null,
      totalFrozenCents: amountKind ? a.str("totalFrozenCents") : null,
      reasonHash: a.has("reasonHash") ? a.str("reasonHash") : null,
      timestamp: String(ctx.log.timestamp),
      transactionHash: ctx.log.txHash,
    });
    ctx.audit.actor = ctx.log.txFrom;
  };

/** forceTransfer emits Transfer, maybe AmountUnfrozen, then ForcedTransfer: mark that Transfer forced. */
const forcedTransfer: EventHandler = async (ctx) => {
  const a = ctx.args;
  for (let back = 1; back <= 2 && ctx.log.logIndex - back >= 0; back++) {
    const id = eventId({ ...ctx.log, logIndex: ctx.log.logIndex - back });
    const row = await ctx.store.get("Transfer", id);
    if (
      row &&
      row["tranche"] === ctx.log.address &&
      row["from"] === a.str("from") &&
      row["to"] === a.str("to") &&
      row["amount"] === a.str("amount")
    ) {
      await getMember(ctx.store, a.str("trustee"), ctx.log.timestamp);
      await ctx.store.set("Transfer", id, {
        ...row,
        kind: "Forced",
        forcedReason: enumName(FORCED_TRANSFER_REASON, a.int("reason"), "ForcedTransferReason"),
        evidenceHash: a.str("evidenceHash"),
        trustee: a.str("trustee"),
      });
      break;
    }
  }
  ctx.audit.actor = a.str("trustee");
};

/** The pool credited a period's cash to the holders (pull model: each holder claims it later). */
const cashDistributed: EventHandler = async (ctx) => {
  const a = ctx.args;
  const period = a.int("period");
  const t = await load(ctx.store, "Tranche", ctx.log.address);
  await ctx.store.set("TrancheDistribution", seqId(ctx.log.address, period), {
    tranche: ctx.log.address,
    period,
    cashCents: a.str("cashCents"),
    cashPerUnitWad: a.str("cashPerUnitWad"),
    distributedCents: a.str("distributedCents"),
    factorRay: a.str("factorRay"),
    timestamp: String(ctx.log.timestamp),
  });
  // A distribution emits no FactorUpdated: the new factor travels in CashDistributed.
  await ctx.store.set("Tranche", ctx.log.address, {
    ...t,
    distributedCents: a.str("distributedCents"),
    factorRay: a.str("factorRay"),
    cashPerUnitWad: a.str("cashPerUnitWad"),
  });
  ctx.audit.actor = ctx.log.txFrom;
};

/**
 * A holder claimed its cash: the Claim, and the position's claimed total (the cash itself is a CashMovement).
 * The token keeps no claimed total (a claim only moves the holding's correction), so the position sums the claims.
 */
const claimed: EventHandler = async (ctx) => {
  const a = ctx.args;
  const account = a.str("account");
  const [id, p] = await getPosition(ctx, account);
  const previous = p["claimedCents"] === undefined || p["claimedCents"] === null ? 0n : big(p, "claimedCents");
  const total = String(previous + BigInt(a.str("amountCents")));
  await ctx.store.set("Claim", eventId(ctx.log), {
    tranche: ctx.log.address,
    holder: account,
    amountCents: a.str("amountCents"),
    totalClaimedCents: total,
    timestamp: String(ctx.log.timestamp),
    transactionHash: ctx.log.txHash,
  });
  await ctx.store.set("Position", id, {
    ...p,
    claimedCents: total,
    updatedAt: String(ctx.log.timestamp),
  });
};

export const trancheHandlers = {
  CashDistributed: cashDistributed,
  Claimed: claimed,
  Transfer: transfer,
  Paused: setPaused(true),
  Unpaused: setPaused(false),
  FactorUpdated: factorUpdated,
  AccountFrozen: freeze("AccountFrozen"),
  AccountUnfrozen: freeze("AccountUnfrozen"),
  AmountFrozen: freeze("AmountFrozen"),
  AmountUnfrozen: freeze("AmountUnfrozen"),
  ForcedTransfer: forcedTransfer,
};
