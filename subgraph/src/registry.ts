// ConsortiumRegistry: members, governance proposals, factories and deal contracts.
import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";
import {
  DealContractRegistered,
  EligibilityChanged,
  FactoryAuthorizationChanged,
  MemberAdmitted,
  MemberRolesChanged,
  MemberStatusChanged,
  ProposalApprovalRevoked,
  ProposalApproved,
  ProposalCancelled,
  ProposalCreated,
  ProposalExecuted,
  ThresholdChanged,
  VotingChanged,
} from "../generated/ConsortiumRegistry/ConsortiumRegistry";
import { Consortium, DealContract, Factory, Proposal, ProposalApproval } from "../generated/schema";
import { actionKindName, audit, getMember, memberStatusName } from "./helpers";

const KIND = "ConsortiumRegistry";

function getConsortium(event: ethereum.Event): Consortium {
  let c = Consortium.load(event.address);
  if (c == null) {
    c = new Consortium(event.address);
    c.threshold = 0;
    c.votingMemberCount = 0;
    c.proposalCount = 0;
    c.memberCount = 0;
  }
  return c;
}

function loadProposal(id: BigInt): Proposal {
  const p = Proposal.load(id.toString());
  if (p == null) throw new Error("proposal " + id.toString() + " not indexed");
  return p;
}

function approvalId(proposalId: BigInt, approver: Address): string {
  return proposalId.toString() + "-" + approver.toHexString();
}

export function handleProposalCreated(event: ProposalCreated): void {
  const a = event.params.action;
  const p = new Proposal(event.params.proposalId.toString());
  p.proposalId = event.params.proposalId;
  p.proposer = getMember(event.params.proposer, event.block.timestamp).id;
  p.kind = actionKindName(a.kind);
  p.account = a.account;
  p.memberId = a.memberId;
  p.legalEntityHash = a.legalEntityHash;
  p.roles = a.roles.toI32();
  p.flag = a.flag;
  p.investorClass = a.eligibility.investorClass;
  p.jurisdiction = a.eligibility.jurisdiction;
  p.eligibilityValidUntil = a.eligibility.validUntil;
  p.newThreshold = a.threshold;
  p.expiresAt = event.params.expiresAt;
  p.status = "Pending";
  p.approvals = 0; // the proposer's own approval follows as ProposalApproved
  p.createdAt = event.block.timestamp;
  p.save();

  const c = getConsortium(event);
  c.proposalCount += 1;
  c.save();
  audit(event, KIND, "ProposalCreated", event.params.proposer, null, null);
}

export function handleProposalApproved(event: ProposalApproved): void {
  const p = loadProposal(event.params.proposalId);
  p.approvals = event.params.approvals;
  p.save();

  const id = approvalId(event.params.proposalId, event.params.approver);
  let a = ProposalApproval.load(id);
  if (a == null) {
    a = new ProposalApproval(id);
    a.proposal = p.id;
    a.approver = getMember(event.params.approver, event.block.timestamp).id;
  }
  a.active = true;
  a.approvedAt = event.block.timestamp;
  a.revokedAt = null;
  a.save();
  audit(event, KIND, "ProposalApproved", event.params.approver, null, null);
}

export function handleProposalApprovalRevoked(event: ProposalApprovalRevoked): void {
  const p = loadProposal(event.params.proposalId);
  p.approvals = event.params.approvals;
  p.save();

  const a = ProposalApproval.load(approvalId(event.params.proposalId, event.params.approver));
  if (a != null) {
    a.active = false;
    a.revokedAt = event.block.timestamp;
    a.save();
  }
  audit(event, KIND, "ProposalApprovalRevoked", event.params.approver, null, null);
}

export function handleProposalExecuted(event: ProposalExecuted): void {
  const p = loadProposal(event.params.proposalId);
  p.status = "Executed";
  p.executor = getMember(event.params.executor, event.block.timestamp).id;
  p.closedAt = event.block.timestamp;
  p.save();
  audit(event, KIND, "ProposalExecuted", event.params.executor, null, null);
}

export function handleProposalCancelled(event: ProposalCancelled): void {
  const p = loadProposal(event.params.proposalId);
  p.status = "Cancelled";
  p.closedAt = event.block.timestamp;
  p.save();
  audit(event, KIND, "ProposalCancelled", event.params.proposer, null, null);
}

export function handleMemberAdmitted(event: MemberAdmitted): void {
  const m = getMember(event.params.account, event.block.timestamp);
  m.memberId = event.params.memberId;
  m.legalEntityHash = event.params.legalEntityHash;
  m.roles = event.params.roles.toI32();
  m.status = "Active";
  m.voting = event.params.voting;
  m.investorClass = event.params.eligibility.investorClass;
  m.jurisdiction = event.params.eligibility.jurisdiction;
  m.eligibilityValidUntil = event.params.eligibility.validUntil;
  m.admittedAt = event.block.timestamp;
  // Proposal 0 = admitted by the registry's constructor (the founding members).
  if (Proposal.load(event.params.proposalId.toString()) != null) m.admittedBy = event.params.proposalId.toString();
  m.updatedAt = event.block.timestamp;
  m.save();

  const c = getConsortium(event);
  c.memberCount += 1;
  c.save();
  audit(event, KIND, "MemberAdmitted", null, null, null);
}

export function handleMemberStatusChanged(event: MemberStatusChanged): void {
  const m = getMember(event.params.account, event.block.timestamp);
  m.status = memberStatusName(event.params.newStatus);
  m.updatedAt = event.block.timestamp;
  m.save();
  audit(event, KIND, "MemberStatusChanged", null, null, null);
}

export function handleMemberRolesChanged(event: MemberRolesChanged): void {
  const m = getMember(event.params.account, event.block.timestamp);
  m.roles = event.params.newRoles.toI32();
  m.updatedAt = event.block.timestamp;
  m.save();
  audit(event, KIND, "MemberRolesChanged", null, null, null);
}

export function handleEligibilityChanged(event: EligibilityChanged): void {
  const m = getMember(event.params.account, event.block.timestamp);
  m.investorClass = event.params.eligibility.investorClass;
  m.jurisdiction = event.params.eligibility.jurisdiction;
  m.eligibilityValidUntil = event.params.eligibility.validUntil;
  m.updatedAt = event.block.timestamp;
  m.save();
  audit(event, KIND, "EligibilityChanged", null, null, null);
}

export function handleVotingChanged(event: VotingChanged): void {
  const m = getMember(event.params.account, event.block.timestamp);
  m.voting = event.params.voting;
  m.updatedAt = event.block.timestamp;
  m.save();

  const c = getConsortium(event);
  c.votingMemberCount = event.params.votingMemberCount;
  c.save();
  audit(event, KIND, "VotingChanged", null, null, null);
}

export function handleThresholdChanged(event: ThresholdChanged): void {
  const c = getConsortium(event);
  c.threshold = event.params.newThreshold;
  c.save();
  audit(event, KIND, "ThresholdChanged", null, null, null);
}

export function handleFactoryAuthorizationChanged(event: FactoryAuthorizationChanged): void {
  let f = Factory.load(event.params.factory);
  if (f == null) f = new Factory(event.params.factory);
  f.authorized = event.params.authorized;
  f.proposalId = event.params.proposalId;
  f.save();
  audit(event, KIND, "FactoryAuthorizationChanged", null, null, null);
}

export function handleDealContractRegistered(event: DealContractRegistered): void {
  let f = Factory.load(event.params.factory);
  if (f == null) {
    // Registration implies authorisation; keep the relation even if the grant was not indexed.
    f = new Factory(event.params.factory);
    f.authorized = true;
    f.proposalId = BigInt.zero();
    f.save();
  }
  const d = new DealContract(event.params.dealContract);
  d.factory = f.id;
  d.registeredAt = event.block.timestamp;
  d.save();
  audit(event, KIND, "DealContractRegistered", event.params.factory, null, null);
}
