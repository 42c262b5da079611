/**
 * `abs governance ...`: the consortium's k-of-n governance in the registry. A voting member proposes an action
 * (admit a member, suspend, reinstate or remove one), which counts as its own approval; the other voting members
 * approve it, and the approval that reaches the threshold executes it in the same transaction. Anyone with the
 * consortium file lists the proposals.
 *
 * Proposing is idempotent: the same action still pending (not expired) is answered with that proposal, so an
 * operator who re-runs a command after a failure does not open a second one.
 */
import { type Command } from "commander";
import { type Contract, encodeBytes32String, decodeBytes32String } from "ethers";
import { z } from "zod";
import {
  ActionKind,
  ROLE_NAMES,
  Role,
  blankGovernanceAction,
  governanceActionKey,
  legalEntityHash,
  roleSet,
  type GovernanceAction,
  type RoleName,
} from "@abs/core";
import { addressOfMember } from "../../consortium/acting-member";
import { readCall, sendCall } from "../../contracts/chain-calls";
import { registerDealCommand, type CommandResult } from "../../deal/deal-command";
import { type ChainSession, signedConsortium } from "../../deal/deal-session";
import { CliError } from "../../errors";
import { type CliIo } from "../../io";
import { formatTable } from "../../output";

const KIND_NAMES = Object.keys(ActionKind) as (keyof typeof ActionKind)[];
const PROPOSAL_STATUS_NAMES = ["None", "Pending", "Executed", "Cancelled"] as const;
const DAY = 86_400;

type Action = GovernanceAction;

function action(fields: Partial<Action> & { kind: number }): Action {
  return { ...blankGovernanceAction(), ...fields };
}

function roleNames(bits: number): string {
  return ROLE_NAMES.filter((name) => (bits & (1 << Role[name])) !== 0).join("+") || "-";
}

function memberIdText(bytes: string): string {
  try {
    return decodeBytes32String(bytes);
  } catch {
    return bytes;
  }
}

/** "admit INV-NEW (0xabc…) as INVESTOR, voting" — what a proposal does, for people. */
function describeAction(a: Action, session: ChainSession): string {
  const kind = KIND_NAMES[a.kind] ?? `kind ${a.kind}`;
  const who = session.names.of(a.account);
  switch (a.kind) {
    case ActionKind.AdmitMember:
      return `admit ${memberIdText(a.memberId)} (${a.account}) as ${roleNames(a.roles)}${a.flag ? ", voting" : ""}`;
    case ActionKind.SuspendMember:
      return `suspend ${who}`;
    case ActionKind.ReinstateMember:
      return `reinstate ${who}`;
    case ActionKind.RemoveMember:
      return `remove ${who}`;
    case ActionKind.SetRoles:
      return `set the roles of ${who} to ${roleNames(a.roles)}`;
    case ActionKind.SetVoting:
      return `${a.flag ? "give" : "take"} ${who} a vote`;
    case ActionKind.SetThreshold:
      return `set the threshold to ${a.threshold}`;
    case ActionKind.SetFactory:
      return `${a.flag ? "authorise" : "deauthorise"} factory ${a.account}`;
    default:
      return kind;
  }
}

interface ProposalView {
  id: bigint;
  status: string;
  proposer: string;
  approvals: number;
  threshold: number;
  expiresAt: string;
  expired: boolean;
  action: string;
}

async function readProposal(session: ChainSession, registry: Contract, id: bigint, now: bigint): Promise<ProposalView> {
  const info = await readCall<{ status: bigint; proposer: string; expiresAt: bigint; approvals: bigint }>(
    registry,
    "proposalInfo",
    [id],
  );
  const raw = await readCall<Action>(registry, "proposalAction", [id]);
  const decoded = action({
    kind: Number(raw.kind),
    account: raw.account,
    memberId: raw.memberId,
    legalEntityHash: raw.legalEntityHash,
    roles: Number(raw.roles),
    flag: raw.flag,
    eligibility: {
      investorClass: Number(raw.eligibility.investorClass),
      jurisdiction: Number(raw.eligibility.jurisdiction),
      validUntil: BigInt(raw.eligibility.validUntil),
    },
    threshold: Number(raw.threshold),
  });
  return {
    id,
    status: PROPOSAL_STATUS_NAMES[Number(info.status)] ?? "?",
    proposer: session.names.of(info.proposer),
    approvals: Number(info.approvals),
    threshold: Number(await readCall<bigint>(registry, "threshold", [])),
    expiresAt: new Date(Number(info.expiresAt) * 1000).toISOString(),
    expired: Number(info.status) === 1 && info.expiresAt < now,
    action: describeAction(decoded, session),
  };
}

async function chainNow(session: ChainSession): Promise<bigint> {
  return BigInt((await session.provider.getBlock("latest"))?.timestamp ?? 0);
}

function proposalResult(title: string, view: ProposalView, txHash: string | undefined): CommandResult {
  return {
    title,
    lines: [
      ["Proposal", `#${view.id}`],
      ["Action", view.action],
      ["Status", view.expired ? "Pending (expired)" : view.status],
      ["Approvals", `${view.approvals} of ${view.threshold}`],
      ["Expires", view.expiresAt],
      ...(txHash === undefined ? [] : ([["Transaction", txHash]] as const)),
    ],
    json: { ...view, txHash: txHash ?? null },
  };
}

/** Propose `wanted`, or answer the pending, unexpired proposal of the same action. */
async function proposeOnce(session: ChainSession, wanted: Action, lifetimeDays: number): Promise<CommandResult> {
  const registry = await signedConsortium(session, "ConsortiumRegistry");
  const now = await chainNow(session);
  const key = governanceActionKey(wanted);
  for (let id = await readCall<bigint>(registry, "proposalCount", []); id > 0n; id--) {
    const info = await readCall<{ status: bigint; expiresAt: bigint }>(registry, "proposalInfo", [id]);
    if (info.status !== 1n || info.expiresAt < now) continue;
    if (governanceActionKey(await readCall<Action>(registry, "proposalAction", [id])) === key) {
      const view = await readProposal(session, registry, id, now);
      return proposalResult(
        `Already proposed: #${id} is pending (approve it with \`abs governance approve ${id}\`)`,
        view,
        undefined,
      );
    }
  }
  const description = describeAction(wanted, session);
  const sent = await sendCall(registry, "propose", [wanted, BigInt(lifetimeDays * DAY)], `propose: ${description}`);
  const id = sent.events.find((e) => e.name === "ProposalCreated")?.args.getValue("proposalId") as bigint | undefined;
  if (id === undefined) throw new CliError("CHAIN_FAILED", `propose: ${sent.hash} logged no ProposalCreated`);
  const view = await readProposal(session, registry, id, await chainNow(session));
  const title =
    view.status === "Executed"
      ? `Proposed and executed #${id} (the threshold is one approval)`
      : `Proposed #${id}: ${view.threshold - view.approvals} more approval(s) needed`;
  return proposalResult(title, view, sent.hash);
}

const lifetimeDays = z.coerce
  .number("expected --lifetime-days <days>")
  .int("expected a whole number of days")
  .min(1, "expected at least 1 day (the registry's minimum is one hour)")
  .max(90, "expected at most 90 days (the registry's maximum)")
  .default(7);
const proposalId = z
  .string()
  .regex(/^#?[1-9]\d{0,17}$/, "expected a proposal number such as 3")
  .transform((s) => BigInt(s.replace("#", "")));
const ethAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

function parseRoles(text: string): RoleName[] {
  const names = text.split(",").map((r) => r.trim().toUpperCase());
  const unknown = names.filter((r) => !(ROLE_NAMES as readonly string[]).includes(r));
  if (names.length === 0 || unknown.length > 0) {
    throw new CliError(
      "USAGE",
      `--roles: expected a comma-separated list of ${ROLE_NAMES.join(", ")}; found ${JSON.stringify(unknown.join(",") || text)}`,
    );
  }
  return names as RoleName[];
}

function memberIdBytes(id: string): string {
  if (!/^[\x21-\x7e]{1,31}$/.test(id)) {
    throw new CliError("USAGE", `--member-id: expected 1-31 printable ASCII characters, found ${JSON.stringify(id)}`);
  }
  return encodeBytes32String(id);
}

export function registerGovernanceCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const governance = program
    .command("governance")
    .description("the consortium's k-of-n governance: propose, approve, list");

  registerDealCommand(
    governance,
    {
      name: "admit",
      description: "propose admitting a new member (your approval counts; the threshold's last approval admits it)",
      by: "a voting member",
      needsDeal: false,
      options: (c) =>
        c
          .option("--account <address>", "the new member's account (required)")
          .option("--member-id <id>", "its consortium identifier, 1-31 characters, unique (required)")
          .option("--legal-entity <name>", "its legal entity; only a hash goes on chain (required)")
          .option("--roles <list>", `comma-separated: ${ROLE_NAMES.join(", ")} (required)`)
          .option("--voting", "it votes on proposals (a validating member)", false)
          .option("--investor-class <n>", "investor eligibility: its class (0-255), with INVESTOR")
          .option("--jurisdiction <n>", "investor eligibility: its jurisdiction code (0-65535), with INVESTOR")
          .option("--valid-for-days <n>", "investor eligibility: days from now it lasts, with INVESTOR")
          .option("--lifetime-days <days>", "how long the proposal stays open (1-90, default 7)"),
      shape: {
        account: ethAddress,
        memberId: z.string("expected --member-id <id> (required)"),
        legalEntity: z.string("expected --legal-entity <name> (required)").min(1).max(200),
        roles: z.string("expected --roles <list> (required)"),
        voting: z.boolean().default(false),
        investorClass: z.coerce.number().int().min(0).max(255).optional(),
        jurisdiction: z.coerce.number().int().min(0).max(65_535).optional(),
        validForDays: z.coerce.number().int().min(1).max(36_500).optional(),
        lifetimeDays,
      },
      run: async (session, _deal, o) => {
        const roles = parseRoles(o.roles);
        const eligibilityGiven = [o.investorClass, o.jurisdiction, o.validForDays].filter((v) => v !== undefined);
        if (roles.includes("INVESTOR") !== (eligibilityGiven.length === 3)) {
          throw new CliError(
            "USAGE",
            roles.includes("INVESTOR")
              ? "An INVESTOR needs its eligibility: --investor-class, --jurisdiction and --valid-for-days"
              : "--investor-class, --jurisdiction and --valid-for-days are for a member with the INVESTOR role",
          );
        }
        const validUntil = o.validForDays === undefined ? 0n : (await chainNow(session)) + BigInt(o.validForDays * DAY);
        return proposeOnce(
          session,
          action({
            kind: ActionKind.AdmitMember,
            account: o.account,
            memberId: memberIdBytes(o.memberId),
            legalEntityHash: legalEntityHash(o.legalEntity),
            roles: roleSet(...roles),
            flag: o.voting,
            eligibility: { investorClass: o.investorClass ?? 0, jurisdiction: o.jurisdiction ?? 0, validUntil },
          }),
          o.lifetimeDays,
        );
      },
    },
    io,
    setExitCode,
  );

  for (const [name, kind, description] of [
    ["suspend", ActionKind.SuspendMember, "propose suspending a member (it can do nothing until reinstated)"],
    ["reinstate", ActionKind.ReinstateMember, "propose reinstating a suspended member"],
    ["remove", ActionKind.RemoveMember, "propose removing a member for good"],
  ] as const) {
    registerDealCommand(
      governance,
      {
        name,
        description,
        by: "a voting member",
        needsDeal: false,
        options: (c) =>
          c
            .option("--member <member>", "the member (name in the consortium file, or address) (required)")
            .option("--lifetime-days <days>", "how long the proposal stays open (1-90, default 7)"),
        shape: { member: z.string("expected --member <member> (required)"), lifetimeDays },
        run: async (session, _deal, o) =>
          proposeOnce(session, action({ kind, account: addressOfMember(session.file, o.member) }), o.lifetimeDays),
      },
      io,
      setExitCode,
    );
  }

  registerDealCommand(
    governance,
    {
      name: "approve",
      description: "approve a pending proposal (the approval that reaches the threshold executes it)",
      by: "a voting member",
      needsDeal: false,
      options: (c) => c.argument("<proposal>", "the proposal's number"),
      shape: {},
      run: async (session, _deal, _o, args) => {
        const id = parseProposalId(args[0]);
        const registry = await signedConsortium(session, "ConsortiumRegistry");
        const sent = await sendCall(registry, "approve", [id], `approve proposal #${id}`);
        const view = await readProposal(session, registry, id, await chainNow(session));
        const title =
          view.status === "Executed"
            ? `Approved #${id}: the threshold is reached and it executed`
            : `Approved #${id}: ${view.threshold - view.approvals} more approval(s) needed`;
        return proposalResult(title, view, sent.hash);
      },
    },
    io,
    setExitCode,
  );

  registerDealCommand(
    governance,
    {
      name: "proposals",
      description: "the registry's proposals: the pending ones, or all with --all",
      by: "anyone with the consortium file",
      needsDeal: false,
      options: (c) => c.option("--all", "every proposal, executed and cancelled included", false),
      shape: { all: z.boolean().default(false) },
      run: async (session, _deal, o) => {
        const registry = session.contract("ConsortiumRegistry");
        const now = await chainNow(session);
        const count = await readCall<bigint>(registry, "proposalCount", []);
        const views: ProposalView[] = [];
        for (let id = count; id > 0n; id--) {
          const view = await readProposal(session, registry, id, now);
          if (o.all || (view.status === "Pending" && !view.expired)) views.push(view);
        }
        const table = formatTable(
          ["#", "status", "approvals", "action", "proposer", "expires"],
          views.map((v) => [
            String(v.id),
            v.expired ? "Pending (expired)" : v.status,
            `${v.approvals}/${v.threshold}`,
            v.action,
            v.proposer,
            v.expiresAt.slice(0, 16),
          ]),
          { maxColumnWidth: 70 },
        );
        return {
          title: `${o.all ? "Proposals" : "Pending proposals"} (${views.length} of ${count})\n${table.trimEnd()}`,
          lines: [],
          json: views,
        };
      },
    },
    io,
    setExitCode,
  );
}

function parseProposalId(text: string | undefined): bigint {
  const parsed = proposalId.safeParse(text ?? "");
  if (!parsed.success) {
    throw new CliError("USAGE", `<proposal>: expected a proposal number such as 3, found ${JSON.stringify(text)}`);
  }
  return parsed.data;
}
