// CashToken: the custodian's deposit token: balances, mints against bank credits, payouts.
import { type EventHandler, type HandlerContext, ZERO_ADDRESS, big, eventId, getMember } from "./context";
import { type EntityData } from "../store";

async function token(ctx: HandlerContext): Promise<EntityData> {
  return (
    (await ctx.store.get("CashToken", ctx.log.address)) ?? {
      registry: ZERO_ADDRESS,
      custodian: ZERO_ADDRESS,
      name: "",
      symbol: "",
      currency: "0x000000",
      decimals: 2,
      totalSupplyCents: "0",
      recordedBankBalanceCents: "0",
    }
  );
}

async function adjust(ctx: HandlerContext, holder: string, delta: bigint): Promise<void> {
  const id = ctx.log.address + holder.slice(2);
  const existing = await ctx.store.get("CashBalance", id);
  if (!existing) await getMember(ctx.store, holder, ctx.log.timestamp);
  const b = existing ?? { token: ctx.log.address, holder, balanceCents: "0" };
  await ctx.store.set("CashBalance", id, {
    ...b,
    balanceCents: (big(b, "balanceCents") + delta).toString(),
    updatedAt: String(ctx.log.timestamp),
  });
}

async function movement(
  ctx: HandlerContext,
  kind: string,
  from: string,
  to: string,
  amountCents: string,
  extra: { bankRef?: string; recordedBankBalanceCents?: string; payout?: string },
): Promise<void> {
  await ctx.store.set("CashMovement", eventId(ctx.log), {
    token: ctx.log.address,
    kind,
    from,
    to,
    amountCents,
    bankRef: extra.bankRef ?? null,
    recordedBankBalanceCents: extra.recordedBankBalanceCents ?? null,
    payout: extra.payout ?? null,
    timestamp: String(ctx.log.timestamp),
    blockNumber: String(ctx.log.blockNumber),
    transactionHash: ctx.log.txHash,
  });
}

function payoutId(ctx: HandlerContext, id: string): string {
  const hex = BigInt(id).toString(16);
  return ctx.log.address + (hex.length % 2 === 0 ? hex : "0" + hex);
}

const deployed: EventHandler = async (ctx) => {
  const a = ctx.args;
  await getMember(ctx.store, a.str("custodian"), ctx.log.timestamp);
  await ctx.store.set("CashToken", ctx.log.address, {
    ...(await token(ctx)),
    registry: a.str("registry"),
    custodian: a.str("custodian"),
    name: a.str("name"),
    symbol: a.str("symbol"),
    currency: a.str("currency"),
    decimals: a.int("decimals"),
  });
  ctx.audit.actor = a.str("custodian");
};

const transfer: EventHandler = async (ctx) => {
  const from = ctx.args.str("from");
  const to = ctx.args.str("to");
  const amount = BigInt(ctx.args.str("value"));
  const t = await token(ctx);
  let supply = big(t, "totalSupplyCents");
  if (from === ZERO_ADDRESS) supply += amount;
  else await adjust(ctx, from, -amount);
  if (to === ZERO_ADDRESS) supply -= amount;
  else await adjust(ctx, to, amount);
  await ctx.store.set("CashToken", ctx.log.address, { ...t, totalSupplyCents: supply.toString() });
  const escrow = from === ctx.log.address || to === ctx.log.address;
  if (from !== ZERO_ADDRESS && to !== ZERO_ADDRESS && !escrow) {
    await movement(ctx, "Transfer", from, to, amount.toString(), {});
  }
};

const minted: EventHandler = async (ctx) => {
  const a = ctx.args;
  const t = await token(ctx);
  await ctx.store.set("CashToken", ctx.log.address, {
    ...t,
    recordedBankBalanceCents: a.str("recordedBankBalanceCents"),
  });
  await movement(ctx, "Mint", ZERO_ADDRESS, a.str("to"), a.str("amountCents"), {
    bankRef: a.str("bankRef"),
    recordedBankBalanceCents: a.str("recordedBankBalanceCents"),
  });
};

const payoutRequested: EventHandler = async (ctx) => {
  const a = ctx.args;
  const id = payoutId(ctx, a.str("payoutId"));
  await getMember(ctx.store, a.str("holder"), ctx.log.timestamp);
  await ctx.store.set("Payout", id, {
    token: ctx.log.address,
    payoutId: a.str("payoutId"),
    holder: a.str("holder"),
    amountCents: a.str("amountCents"),
    beneficiaryAccountHash: a.str("beneficiaryAccountHash"),
    status: "Requested",
    settlementRef: null,
    requestedAt: String(ctx.log.timestamp),
    settledAt: null,
  });
  await movement(ctx, "PayoutEscrow", a.str("holder"), ctx.log.address, a.str("amountCents"), { payout: id });
};

const settle =
  (status: "Confirmed" | "Rejected"): EventHandler =>
  async (ctx) => {
    const a = ctx.args;
    const id = payoutId(ctx, a.str("payoutId"));
    const ref = status === "Confirmed" ? a.str("bankRef") : a.str("reasonHash");
    const payout = await ctx.store.get("Payout", id);
    if (payout) {
      await ctx.store.set("Payout", id, {
        ...payout,
        status,
        settlementRef: ref,
        settledAt: String(ctx.log.timestamp),
      });
    }
    if (status === "Confirmed") {
      const t = await token(ctx);
      await ctx.store.set("CashToken", ctx.log.address, {
        ...t,
        recordedBankBalanceCents: a.str("recordedBankBalanceCents"),
      });
      await movement(ctx, "PayoutConfirmed", ctx.log.address, ZERO_ADDRESS, a.str("amountCents"), {
        bankRef: ref,
        recordedBankBalanceCents: a.str("recordedBankBalanceCents"),
        payout: id,
      });
    } else {
      await movement(ctx, "PayoutRejected", ctx.log.address, a.str("holder"), a.str("amountCents"), {
        bankRef: ref,
        payout: id,
      });
    }
    ctx.audit.actor = ctx.log.txFrom;
  };

export const cashHandlers = {
  CashTokenDeployed: deployed,
  Transfer: transfer,
  Minted: minted,
  PayoutRequested: payoutRequested,
  PayoutConfirmed: settle("Confirmed"),
  PayoutRejected: settle("Rejected"),
};
