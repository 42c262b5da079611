// ConsortiumRegistry: members, governance parameters, factories and deal contracts.
import { type EventHandler, type HandlerContext, enumName, getMember, MEMBER_STATUS, num } from "./context";

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
  const c = await consortium(ctx);
  await ctx.store.set("Consortium", ctx.log.address, { ...c, proposalCount: num(c, "proposalCount") + 1 });
  ctx.audit.actor = ctx.args.str("proposer");
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
  FactoryAuthorizationChanged: factoryAuthorizationChanged,
  DealContractRegistered: dealContractRegistered,
};
