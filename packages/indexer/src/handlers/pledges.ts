// PledgeRegistry: a loan pledged to a second pool (Alert mode) becomes a DoublePledge and a critical Alert on the
// second pool. Registrations, policies and releases are in the audit log (every followed log is).
import { type EventHandler, eventId, getMember } from "./context";

const doublePledge: EventHandler = async (ctx) => {
  const a = ctx.args;
  const by = a.str("by");
  await getMember(ctx.store, by, ctx.log.timestamp);
  const row = {
    fingerprint: a.str("fingerprint"),
    firstPool: a.str("firstPool"),
    secondPool: a.str("secondPool"),
    by,
    timestamp: String(ctx.log.timestamp),
    blockNumber: String(ctx.log.blockNumber),
    transactionHash: ctx.log.txHash,
  };
  await ctx.store.set("DoublePledge", eventId(ctx.log), row);
  await ctx.store.set("Alert", eventId(ctx.log), {
    pool: row.secondPool,
    period: null,
    rule: "doublePledge",
    cashToken: null,
    direction: "above",
    value: 1,
    threshold: 0,
    // One loan backing two pools: one of them is not backed by what it says.
    severity: "critical",
    timestamp: row.timestamp,
    blockNumber: row.blockNumber,
  });
  ctx.audit.actor = by;
  // The audit log files it under the pool the second pledge went to (as the subgraph does).
  ctx.audit.pool = row.secondPool;
};

export const pledgeHandlers = { DoublePledge: doublePledge };
