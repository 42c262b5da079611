// ConsortiumRegistry: members, governance parameters, factories and deal contracts.
import {
  ACTION_KIND,
  type EventHandler,
  type HandlerContext,
  enumName,
  getMember,
  load,
  MEMBER_STATUS,
  num,
} from "./context";

async function consortium(ctx: HandlerContext): Promise<Record<string, string | number | boolean | null>> {
  return (
    (await ctx.store.get("Consortium", ctx.log.address)) ?? {
      threshold: 0,
      votingMemberCount: 0,
      proposalCount: 0,
      memberCount: 0,
    }
  );
}

async function updateMember(
  ctx: HandlerContext,
  fields: Record<string, string | number | boolean | null>,
): Promise<void> {
  const account = ctx.args.str("account");
  const m = await getMember(ctx.store, account, ctx.log.timestamp);
  await ctx.store.set("Member", account, { ...m, ...fields, updatedAt: String(ctx.log.timestamp) });
  ctx.audit.actor = account;
}

const memberAdmitted: EventHandler = async (ctx) => {
  const a = ctx.args;
  const eligibility = a.tuple("eligibility");
  await updateMember(ctx, {
    memberId: a.str("memberId"),
    legalEntityHash: a.str("legalEntityHash"),
    roles: a.int("roles"),
    status: "Active",
    voting: a.bool("voting"),
    investorClass: eligibility.int(0),
    jurisdiction: eligibility.int(1),
    eligibilityValidUntil: eligibility.str(2),
    admittedAt: String(ctx.log.timestamp),
    admittedBy: a.str("proposalId") === "0" ? null : a.str("proposalId"),
  });
  const c = await consortium(ctx);
  await ctx.store.set("Consortium", ctx.log.address, { ...c, memberCount: num(c, "memberCount") + 1 });
  ctx.audit.actor = ctx.log.txFrom;
};

const memberStatusChanged: EventHandler = async (ctx) =>
  updateMember(ctx, { status: enumName(MEMBER_STATUS, ctx.args.int("newStatus"), "MemberStatus") });

const memberRolesChanged: EventHandler = async (ctx) => updateMember(ctx, { roles: ctx.args.int("newRoles") });

const eligibilityChanged: EventHandler = async (ctx) => {
  const e = ctx.args.tuple("eligibility");
  await updateMember(ctx, { investorClass: e.int(0), jurisdiction: e.int(1), eligibilityValidUntil: e.str(2) });
};

const votingChanged: EventHandler = async (ctx) => {
  await updateMember(ctx, { voting: ctx.args.bool("voting") });
  const c = await consortium(ctx);
  await ctx.store.set("Consortium", ctx.log.address, { ...c, votingMemberCount: ctx.args.int("votingMemberCount") });
};

const thresholdChanged: EventHandler = async (ctx) => {
  const c = await consortium(ctx);
  await ctx.store.set("Consortium", ctx.log.address, { ...c, threshold: ctx.args.int("newThreshold") });
};

const proposalCreated: EventHandler = async (ctx) => {
  const a = ctx.args.tuple("action");
  const eligibility = a.tuple(6);
  const proposer = ctx.args.str("proposer");
  await getMember(ctx.store, proposer, ctx.log.timestamp);
  await ctx.store.set("Proposal", ctx.args.str("proposalId"), {
    proposalId: ctx.args.str("proposalId"),
    proposer,
    kind: enumName(ACTION_KIND, a.int(0), "ActionKind"),
    account: a.str(1),
    memberId: a.str(2),
    legalEntityHash: a.str(3),
    roles: a.int(4),
    flag: a.bool(5),
    investorClass: eligibility.int(0),
    jurisdiction: eligibility.int(1),
    eligibilityValidUntil: eligibility.str(2),
    newThreshold: a.int(7),
    expiresAt: ctx.args.str("expiresAt"),
    status: "Pending",
    // The proposer's own approval follows as ProposalApproved.
    approvals: 0,
    executor: null,
    createdAt: String(ctx.log.timestamp),
    closedAt: null,
  });
  const c = await consortium(ctx);
  await ctx.store.set("Consortium", ctx.log.address, { ...c, proposalCount: num(c, "proposalCount") + 1 });
  ctx.audit.actor = proposer;
};

const approval =
  (active: boolean): EventHandler =>
  async (ctx) => {
    const proposalId = ctx.args.str("proposalId");
    const approver = ctx.args.str("approver");
    const p = await load(ctx.store, "Proposal", proposalId);
    await ctx.store.set("Proposal", proposalId, { ...p, approvals: ctx.args.int("approvals") });
    const id = `${proposalId}-${approver}`;
    const existing = await ctx.store.get("ProposalApproval", id);
    if (!active && !existing) return;
    if (!existing) await getMember(ctx.store, approver, ctx.log.timestamp);
    const base = existing ?? { proposal: proposalId, approver, approvedAt: String(ctx.log.timestamp), revokedAt: null };
    await ctx.store.set(
      "ProposalApproval",
      id,
      active
        ? { ...base, active: true, approvedAt: String(ctx.log.timestamp), revokedAt: null }
        : { ...base, active: false, revokedAt: String(ctx.log.timestamp) },
    );
  };

const closeProposal =
  (status: "Executed" | "Cancelled"): EventHandler =>
  async (ctx) => {
    const proposalId = ctx.args.str("proposalId");
    const p = await load(ctx.store, "Proposal", proposalId);
    const executor = status === "Executed" ? ctx.args.str("executor") : null;
    if (executor) await getMember(ctx.store, executor, ctx.log.timestamp);
    await ctx.store.set("Proposal", proposalId, {
      ...p,
      status,
      executor: executor ?? p["executor"] ?? null,
      closedAt: String(ctx.log.timestamp),
    });
  };

const factoryAuthorizationChanged: EventHandler = async (ctx) => {
  await ctx.store.set("Factory", ctx.args.str("factory"), {
    authorized: ctx.args.bool("authorized"),
    proposalId: ctx.args.str("proposalId"),
  });
};

/** A deal contract of any kind: followed from here on, so new contract types land as AuditEvents. */
const dealContractRegistered: EventHandler = async (ctx) => {
  const factory = ctx.args.str("factory");
  const contract = ctx.args.str("dealContract");
  if (!(await ctx.store.get("Factory", factory))) {
    await ctx.store.set("Factory", factory, { authorized: true, proposalId: "0" });
  }
  await ctx.store.set("DealContract", contract, { factory, registeredAt: String(ctx.log.timestamp) });
  await ctx.follow(contract, "DealContract");
  ctx.audit.actor = factory;
};

export const registryHandlers = {
  MemberAdmitted: memberAdmitted,
  MemberStatusChanged: memberStatusChanged,
  MemberRolesChanged: memberRolesChanged,
  EligibilityChanged: eligibilityChanged,
  VotingChanged: votingChanged,
  ThresholdChanged: thresholdChanged,
  ProposalCreated: proposalCreated,
  ProposalApproved: approval(true),
  ProposalApprovalRevoked: approval(false),
  ProposalExecuted: closeProposal("Executed"),
  ProposalCancelled: closeProposal("Cancelled"),
  FactoryAuthorizationChanged: factoryAuthorizationChanged,
  DealContractRegistered: dealContractRegistered,
};
