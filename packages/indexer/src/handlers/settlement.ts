// DvPSettlement (secondary trades, delivery versus payment) and ReconciliationLog (the custodian's
// anchored bank reconciliations; breaks raise an Alert). Units and cash move on the tranche and cash
// tokens in the same transaction: their Transfer events update the Positions and CashMovements.
import { type EventHandler, eventId, getMember } from "./context";

const tradeSettled: EventHandler = async (ctx) => {
  const a = ctx.args;
  const ts = ctx.log.timestamp;
  for (const who of ["seller", "buyer", "submitter"]) await getMember(ctx.store, a.str(who), ts);
  await ctx.store.set("Trade", eventId(ctx.log), {
    sellOrderHash: a.str("sellHash"),
    buyOrderHash: a.str("buyHash"),
    tranche: a.str("tranche"),
    seller: a.str("seller"),
    buyer: a.str("buyer"),
    amountCents: a.str("amountCents"),
    cashCents: a.str("cashCents"),
    priceBps: a.str("priceBps"),
    cashToken: a.str("cashToken"),
    sellFilledCents: a.str("sellFilledCents"),
    buyFilledCents: a.str("buyFilledCents"),
    submitter: a.str("submitter"),
    timestamp: String(ts),
    transactionHash: ctx.log.txHash,
  });
  ctx.audit.actor = a.str("submitter");
};

const orderCancelled: EventHandler = async (ctx) => {
  const a = ctx.args;
  await getMember(ctx.store, a.str("maker"), ctx.log.timestamp);
  await ctx.store.set("OrderCancellation", a.str("orderHash"), {
    maker: a.str("maker"),
    filledCents: a.str("filledCents"),
    timestamp: String(ctx.log.timestamp),
  });
};

const reconciliationAnchored: EventHandler = async (ctx) => {
  const a = ctx.args;
  await getMember(ctx.store, a.str("custodian"), ctx.log.timestamp);
  await ctx.store.set("Reconciliation", eventId(ctx.log), {
    cashToken: a.str("cashToken"),
    statementId: a.str("statementId"),
    revision: a.int("revision"),
    statementDate: a.str("statementDate"),
    digest: a.str("digest"),
    matchedCount: a.int("matchedCount"),
    breakCount: a.int("breakCount"),
    custodian: a.str("custodian"),
    timestamp: String(ctx.log.timestamp),
  });
};

const breaksReported: EventHandler = async (ctx) => {
  const a = ctx.args;
  const row = {
    cashToken: a.str("cashToken"),
    statementId: a.str("statementId"),
    revision: a.int("revision"),
    breakCount: a.int("breakCount"),
    digest: a.str("digest"),
    timestamp: String(ctx.log.timestamp),
  };
  await ctx.store.set("ReconciliationAlert", eventId(ctx.log), row);
  await ctx.store.set("Alert", eventId(ctx.log), {
    pool: null,
    period: null,
    rule: "reconciliationBreaks",
    cashToken: row.cashToken,
    direction: "above",
    value: row.breakCount,
    threshold: 0,
    // The custodian's ledger and the bank disagree: money may be missing.
    severity: "critical",
    timestamp: row.timestamp,
    blockNumber: String(ctx.log.blockNumber),
  });
};

export const dvpHandlers = { TradeSettled: tradeSettled, OrderCancelled: orderCancelled };
export const reconciliationHandlers = {
  ReconciliationAnchored: reconciliationAnchored,
  ReconciliationBreaksReported: breaksReported,
};
