// PledgeRegistry: a loan pledged to a second pool (Alert mode) becomes a DoublePledge and a critical Alert on the
// second pool; each pool's policy and registrations are kept (PoolPledges) to check the tapes it anchors
// (`checkTapePledges`, from the pool's TapeAnchored). Every log is also in the audit log.
import { type EventHandler, type HandlerContext, big, eventId, getMember } from "./context";

/** `IPledgeRegistry.PledgePolicy`, by value. */
const POLICIES = ["None", "Alert", "Refuse"] as const;

/** The pool's PledgeRegistry standing, updated by `change`. */
async function updatePoolPledges(
  ctx: HandlerContext,
  pool: string,
  change: (current: { policy: string; registered: bigint; doublePledged: bigint }) => {
    policy: string;
    registered: bigint;
    doublePledged: bigint;
  },
): Promise<void> {
  const row = await ctx.store.peek("PoolPledges", pool);
  const next = change(
    row === undefined
      ? { policy: "None", registered: 0n, doublePledged: 0n }
      : { policy: String(row["policy"]), registered: big(row, "registered"), doublePledged: big(row, "doublePledged") },
  );
  await ctx.store.set("PoolPledges", pool, {
    pool,
    policy: next.policy,
    registered: next.registered.toString(),
    doublePledged: next.doublePledged.toString(),
  });
}

const policySet: EventHandler = async (ctx) => {
  const policy = POLICIES[ctx.args.int("policy")] ?? "None";
  await updatePoolPledges(ctx, ctx.args.str("pool"), (p) => ({ ...p, policy }));
};

const pledgesRegistered: EventHandler = async (ctx) => {
  const added = BigInt(ctx.args.str("added"));
  const alerts = BigInt(ctx.args.str("alerts"));
  await updatePoolPledges(ctx, ctx.args.str("pool"), (p) => ({
    ...p,
    registered: p.registered + added,
    doublePledged: p.doublePledged + alerts,
  }));
};

const pledgesReleased: EventHandler = async (ctx) => {
  const released = BigInt(ctx.args.str("released"));
  await updatePoolPledges(ctx, ctx.args.str("pool"), (p) => ({ ...p, registered: p.registered - released }));
};

/**
 * A pledging pool's tape holds no more loans than the pool registered (registered to it, or found pledged elsewhere
 * first): else an Alert `pledgesMissing` on the pool, its value the loans unaccounted for. The originator's node
 * registers a tape's loans before anchoring it, so a shortfall is a tape anchored around the registry (or two loans
 * of one tape with one identity).
 */
export async function checkTapePledges(ctx: HandlerContext, pool: string, loanCount: bigint): Promise<void> {
  const row = await ctx.store.peek("PoolPledges", pool);
  if (row === undefined || row["policy"] === "None") return;
  const accounted = big(row, "registered") + big(row, "doublePledged");
  if (loanCount <= accounted) return;
  const missing = loanCount - accounted;
  await ctx.store.set("Alert", eventId(ctx.log), {
    pool,
    period: null,
    rule: "pledgesMissing",
    cashToken: null,
    direction: "above",
    value: Number(missing),
    threshold: 0,
    // Loans of the pool the registry never saw: any of them may back another pool too.
    severity: "critical",
    timestamp: String(ctx.log.timestamp),
    blockNumber: String(ctx.log.blockNumber),
  });
}

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

export const pledgeHandlers = {
  DoublePledge: doublePledge,
  PledgePolicySet: policySet,
  PledgesRegistered: pledgesRegistered,
  PledgesReleased: pledgesReleased,
};
