// AssetPoolFactory, TrancheTokenFactory and AssetPool: deals, tranches, tapes, issuance, period reports.
import { computeMetrics } from "../metrics";
import { checkTapePledges } from "./pledges";
import {
  COUPON_TYPE,
  type EventHandler,
  type HandlerContext,
  POOL_STATE,
  RAY,
  TAPE_CHANGE_KIND,
  ZERO_BYTES32,
  type TupleArgs,
  enumName,
  eventId,
  getMember,
  load,
  num,
  seqId,
} from "./context";

const poolCreated: EventHandler = async (ctx) => {
  const a = ctx.args;
  const ts = ctx.log.timestamp;
  const pool = a.str("pool");
  for (const role of ["originator", "servicer", "trustee", "createdBy"]) await getMember(ctx.store, a.str(role), ts);
  await ctx.store.set("Pool", pool, {
    dealId: a.str("dealId"),
    name: a.str("name"),
    originator: a.str("originator"),
    servicer: a.str("servicer"),
    trustee: a.str("trustee"),
    cashToken: a.str("cashToken"),
    createdBy: a.str("createdBy"),
    createdAt: String(ts),
    state: "Draft",
    trancheCount: 0,
    tapeVersion: 0,
    currentTape: null,
    lastPeriod: 0,
    issuedTapeVersion: null,
    revolving: false,
    revolvingEndDate: null,
    allocationCount: null,
    totalFaceCents: null,
    issuedAt: null,
    accelerationReasonHash: null,
    acceleratedAt: null,
    eventOfDefaultPeriod: null,
    eventOfDefaultTrigger: null,
  });
  await ctx.follow(pool, "AssetPool");
  ctx.audit.pool = pool;
};

const trancheDeployed: EventHandler = async (ctx) => {
  const a = ctx.args;
  const token = a.str("token");
  await ctx.store.set("Tranche", token, {
    pool: a.str("pool"),
    seniority: a.int("seniority"),
    name: a.str("name"),
    symbol: a.str("symbol"),
    originalFaceCents: a.str("originalFaceCents"),
    couponType: enumName(COUPON_TYPE, a.int("couponType"), "CouponType"),
    couponRateWad: a.str("couponRateWad"),
    allowedInvestorClasses: a.int("allowedInvestorClasses"),
    factorRay: RAY,
    totalSupply: "0",
    paused: false,
    deployedAt: String(ctx.log.timestamp),
  });
  await ctx.follow(token, "TrancheToken");
  ctx.audit.pool = a.str("pool");
  ctx.audit.tranche = token;
  ctx.audit.actor = a.str("pool");
};

async function updatePool(
  ctx: HandlerContext,
  fields: Record<string, string | number | boolean | null>,
): Promise<void> {
  const pool = await load(ctx.store, "Pool", ctx.log.address);
  await ctx.store.set("Pool", ctx.log.address, { ...pool, ...fields });
}

const stateChanged: EventHandler = async (ctx) => {
  const to = enumName(POOL_STATE, ctx.args.int("to"), "PoolState");
  await updatePool(ctx, { state: to });
  await getMember(ctx.store, ctx.args.str("actor"), ctx.log.timestamp);
  await ctx.store.set("PoolStateChange", eventId(ctx.log), {
    pool: ctx.log.address,
    from: enumName(POOL_STATE, ctx.args.int("from"), "PoolState"),
    to,
    actor: ctx.args.str("actor"),
    timestamp: String(ctx.log.timestamp),
    blockNumber: String(ctx.log.blockNumber),
    transactionHash: ctx.log.txHash,
  });
};

const trancheAdded: EventHandler = async (ctx) => {
  await updatePool(ctx, { trancheCount: ctx.args.int("trancheCount") });
  ctx.audit.tranche = ctx.args.str("tranche");
  ctx.audit.actor = ctx.log.txFrom;
};

const tapeAnchored: EventHandler = async (ctx) => {
  const version = ctx.args.int("version");
  const anchor = ctx.args.tuple("anchor");
  const change = ctx.args.tuple("change");
  const id = seqId(ctx.log.address, version);
  await getMember(ctx.store, ctx.args.str("anchoredBy"), ctx.log.timestamp);
  await ctx.store.set("Tape", id, {
    pool: ctx.log.address,
    version,
    merkleRoot: anchor.str(0),
    loanCount: anchor.str(1),
    totalPrincipalCents: anchor.str(2),
    waRateWad: anchor.str(3),
    waRemainingTermMonthsWad: anchor.str(4),
    cutoffDate: anchor.str(5),
    contentHash: anchor.str(6),
    dataUri: anchor.str(7),
    changeKind: enumName(TAPE_CHANGE_KIND, change.int(0), "TapeChangeKind"),
    loansAdded: change.str(1),
    loansRemoved: change.str(2),
    principalAddedCents: change.str(3),
    principalRemovedCents: change.str(4),
    changeSetRoot: change.str(5),
    anchoredBy: ctx.args.str("anchoredBy"),
    anchoredAt: String(ctx.log.timestamp),
    blockNumber: String(ctx.log.blockNumber),
    transactionHash: ctx.log.txHash,
  });
  await updatePool(ctx, { tapeVersion: version, currentTape: id });
  await checkTapePledges(ctx, ctx.log.address, BigInt(anchor.str(1)));
};

const issuanceClosed: EventHandler = async (ctx) => {
  const a = ctx.args;
  await updatePool(ctx, {
    issuedTapeVersion: a.int("tapeVersion"),
    revolving: a.bool("revolving"),
    revolvingEndDate: a.str("revolvingEndDate"),
    allocationCount: a.str("allocationCount"),
    totalFaceCents: a.str("totalFaceCents"),
    issuedAt: String(ctx.log.timestamp),
  });
};

const trancheAllocated: EventHandler = async (ctx) => {
  await getMember(ctx.store, ctx.args.str("investor"), ctx.log.timestamp);
  await ctx.store.set("Allocation", eventId(ctx.log), {
    pool: ctx.log.address,
    tranche: ctx.args.str("tranche"),
    investor: ctx.args.str("investor"),
    amountCents: ctx.args.str("amountCents"),
    timestamp: String(ctx.log.timestamp),
    transactionHash: ctx.log.txHash,
  });
  ctx.audit.tranche = ctx.args.str("tranche");
  ctx.audit.actor = ctx.log.txFrom;
};

const poolAccelerated: EventHandler = async (ctx) =>
  updatePool(ctx, { accelerationReasonHash: ctx.args.str("reasonHash"), acceleratedAt: String(ctx.log.timestamp) });

/** An event-of-default trigger breached: the pool moved to Accelerated in the waterfall's transaction. */
const eventOfDefaultTriggered: EventHandler = async (ctx) => {
  await updatePool(ctx, {
    acceleratedAt: String(ctx.log.timestamp),
    eventOfDefaultPeriod: ctx.args.int("period"),
    eventOfDefaultTrigger: ctx.args.int("triggerIndex"),
  });
  ctx.audit.actor = ctx.args.str("waterfall");
};

// The waterfall paid the originator for loans bought with the period's principal collections: the AuditEvent keeps
// the amounts; the period's distribution shows the principal it no longer pays.
const revolvingPurchasePaid: EventHandler = async (ctx) => {
  ctx.audit.actor = ctx.args.str("seller");
};

const REPORT_FIELDS = [
  "interestCollectedCents",
  "scheduledPrincipalCents",
  "prepaymentCents",
  "recoveryCents",
  "newDefaultsCents",
  "delinquent30Cents",
  "delinquent60Cents",
  "delinquent90PlusCents",
  "endingBalanceCents",
  "loanCount",
  "loanStateRoot",
  "contentHash",
] as const;

async function writeReport(
  ctx: HandlerContext,
  r: TupleArgs,
  revision: number,
  reasonHash: string,
  by: string,
): Promise<void> {
  const period = r.int(0);
  const id = seqId(ctx.log.address, period);
  await getMember(ctx.store, by, ctx.log.timestamp);
  const values: Record<string, string> = {};
  REPORT_FIELDS.forEach((f, i) => (values[f] = r.str(i + 3)));
  await ctx.store.set("PeriodReport", id, {
    pool: ctx.log.address,
    period,
    revision,
    startDate: r.str(1),
    endDate: r.str(2),
    ...values,
    submittedBy: by,
    submittedAt: String(ctx.log.timestamp),
  });
  await ctx.store.set("PeriodReportRevision", id + (revision >>> 0).toString(16).padStart(8, "0"), {
    report: id,
    revision,
    reasonHash,
    ...values,
    submittedBy: by,
    timestamp: String(ctx.log.timestamp),
    transactionHash: ctx.log.txHash,
  });
  await computeMetrics(ctx, id);
}

const reportSubmitted: EventHandler = async (ctx) => {
  await writeReport(ctx, ctx.args.tuple("report"), 0, ZERO_BYTES32, ctx.args.str("submittedBy"));
  const pool = await load(ctx.store, "Pool", ctx.log.address);
  const period = ctx.args.int("period");
  if (period > num(pool, "lastPeriod")) await ctx.store.set("Pool", ctx.log.address, { ...pool, lastPeriod: period });
};

const reportRestated: EventHandler = async (ctx) =>
  writeReport(
    ctx,
    ctx.args.tuple("report"),
    ctx.args.int("revision"),
    ctx.args.str("reasonHash"),
    ctx.args.str("restatedBy"),
  );

const waterfallSet: EventHandler = async (ctx) => updatePool(ctx, { waterfall: ctx.args.str("waterfall") });

const distributionRecorded: EventHandler = async (ctx) => {
  await updatePool(ctx, { lastDistributedPeriod: ctx.args.int("period") });
  ctx.audit.actor = ctx.args.str("waterfall");
};

export const poolFactoryHandlers = { PoolCreated: poolCreated };
export const trancheFactoryHandlers = { TrancheDeployed: trancheDeployed };
export const poolHandlers = {
  StateChanged: stateChanged,
  TrancheAdded: trancheAdded,
  TapeAnchored: tapeAnchored,
  IssuanceClosed: issuanceClosed,
  TrancheAllocated: trancheAllocated,
  PoolAccelerated: poolAccelerated,
  EventOfDefaultTriggered: eventOfDefaultTriggered,
  RevolvingPurchasePaid: revolvingPurchasePaid,
  ReportSubmitted: reportSubmitted,
  ReportRestated: reportRestated,
  WaterfallSet: waterfallSet,
  DistributionRecorded: distributionRecorded,
};
