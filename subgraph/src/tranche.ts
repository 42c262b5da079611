// TrancheToken (template, one per tranche): positions, transfers (incl. forced), freezes, factor, pause.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  AccountFrozen,
  AccountUnfrozen,
  AmountFrozen,
  AmountUnfrozen,
  Approval,
  CashDistributed,
  Claimed,
  FactorUpdated,
  ForcedTransfer,
  Paused,
  Transfer as TransferEvent,
  Unpaused,
} from "../generated/templates/TrancheToken/TrancheToken";
import { Claim, Freeze, Position, Tranche, TrancheDistribution, Transfer } from "../generated/schema";
import {
  audit,
  eventId,
  forcedTransferReasonName,
  getMember,
  senderOrNull,
  seqId,
  ZERO,
  ZERO_ADDRESS,
} from "./helpers";

const KIND = "TrancheToken";

function loadTranche(address: Address): Tranche {
  const t = Tranche.load(address);
  if (t == null) throw new Error("tranche " + address.toHexString() + " not indexed");
  return t;
}

function getPosition(tranche: Address, holder: Address, timestamp: BigInt): Position {
  const id = tranche.concat(holder);
  let p = Position.load(id);
  if (p == null) {
    p = new Position(id);
    p.holder = getMember(holder, timestamp).id;
    p.tranche = tranche;
    p.balance = ZERO;
    p.frozen = false;
    p.frozenAmountCents = ZERO;
    p.updatedAt = timestamp;
  }
  return p;
}

/** Audit row of a tranche event, linked to the tranche and its pool. */
function auditTranche(event: ethereum.Event, name: string, actor: Address | null): void {
  const t = loadTranche(event.address);
  audit(event, KIND, name, actor, t.pool, event.address);
}

export function handleTransfer(event: TransferEvent): void {
  const from = event.params.from;
  const to = event.params.to;
  const amount = event.params.value;
  const ts = event.block.timestamp;
  const tranche = loadTranche(event.address);

  const row = new Transfer(eventId(event));
  row.tranche = event.address;
  row.from = from;
  row.to = to;
  row.amount = amount;
  row.timestamp = ts;
  row.blockNumber = event.block.number;
  row.transactionHash = event.transaction.hash;
  if (from == ZERO_ADDRESS) {
    row.kind = "Mint";
    tranche.totalSupply = tranche.totalSupply.plus(amount);
  } else if (to == ZERO_ADDRESS) {
    row.kind = "Burn";
    tranche.totalSupply = tranche.totalSupply.minus(amount);
  } else {
    row.kind = "Transfer"; // ForcedTransfer, later in the same call, turns it into "Forced"
  }
  if (from != ZERO_ADDRESS) {
    const p = getPosition(event.address, from, ts);
    p.balance = p.balance.minus(amount);
    p.updatedAt = ts;
    p.save();
    row.fromMember = p.holder;
  }
  if (to != ZERO_ADDRESS) {
    const p = getPosition(event.address, to, ts);
    p.balance = p.balance.plus(amount);
    p.updatedAt = ts;
    p.save();
    row.toMember = p.holder;
  }
  row.save();
  tranche.save();
  audit(event, KIND, "Transfer", senderOrNull(from), tranche.pool, event.address);
}

export function handleApproval(event: Approval): void {
  auditTranche(event, "Approval", event.params.owner);
}

export function handlePaused(event: Paused): void {
  const t = loadTranche(event.address);
  t.paused = true;
  t.save();
  audit(event, KIND, "Paused", event.params.account, t.pool, event.address);
}

export function handleUnpaused(event: Unpaused): void {
  const t = loadTranche(event.address);
  t.paused = false;
  t.save();
  audit(event, KIND, "Unpaused", event.params.account, t.pool, event.address);
}

export function handleFactorUpdated(event: FactorUpdated): void {
  const t = loadTranche(event.address);
  t.factorRay = event.params.newFactorRay;
  t.save();
  audit(event, KIND, "FactorUpdated", null, t.pool, event.address);
}

function writeFreeze(
  event: ethereum.Event,
  account: Address,
  kind: string,
  amountCents: BigInt | null,
  totalFrozenCents: BigInt | null,
  reasonHash: Bytes | null,
): void {
  const ts = event.block.timestamp;
  const p = getPosition(event.address, account, ts);
  if (kind == "AccountFrozen") p.frozen = true;
  else if (kind == "AccountUnfrozen") p.frozen = false;
  else if (totalFrozenCents) p.frozenAmountCents = totalFrozenCents;
  p.updatedAt = ts;
  p.save();

  const row = new Freeze(eventId(event));
  row.tranche = event.address;
  row.account = p.holder;
  row.position = p.id;
  row.kind = kind;
  row.amountCents = amountCents;
  row.totalFrozenCents = totalFrozenCents;
  row.reasonHash = reasonHash;
  row.timestamp = ts;
  row.transactionHash = event.transaction.hash;
  row.save();
  auditTranche(event, kind, null);
}

export function handleAccountFrozen(event: AccountFrozen): void {
  writeFreeze(event, event.params.account, "AccountFrozen", null, null, event.params.reasonHash);
}

export function handleAccountUnfrozen(event: AccountUnfrozen): void {
  writeFreeze(event, event.params.account, "AccountUnfrozen", null, null, null);
}

export function handleAmountFrozen(event: AmountFrozen): void {
  const p = event.params;
  writeFreeze(event, p.account, "AmountFrozen", p.amountCents, p.totalFrozenCents, p.reasonHash);
}

export function handleAmountUnfrozen(event: AmountUnfrozen): void {
  const p = event.params;
  writeFreeze(event, p.account, "AmountUnfrozen", p.amountCents, p.totalFrozenCents, null);
}

export function handleForcedTransfer(event: ForcedTransfer): void {
  // forceTransfer emits Transfer, then possibly AmountUnfrozen, then ForcedTransfer: mark the
  // matching Transfer one or two logs back as forced.
  const logIndex = event.logIndex.toI32();
  for (let back = 1; back <= 2 && logIndex - back >= 0; back++) {
    const row = Transfer.load(event.transaction.hash.concatI32(logIndex - back));
    if (
      row != null &&
      row.tranche == event.address &&
      row.from == event.params.from &&
      row.to == event.params.to &&
      row.amount == event.params.amount
    ) {
      row.kind = "Forced";
      row.forcedReason = forcedTransferReasonName(event.params.reason);
      row.evidenceHash = event.params.evidenceHash;
      row.trustee = getMember(event.params.trustee, event.block.timestamp).id;
      row.save();
      break;
    }
  }
  auditTranche(event, "ForcedTransfer", event.params.trustee);
}

export function handleCashDistributed(event: CashDistributed): void {
  const t = loadTranche(event.address);
  const period = event.params.period.toI32();
  const row = new TrancheDistribution(seqId(event.address, period));
  row.tranche = event.address;
  row.period = period;
  row.cashCents = event.params.cashCents;
  row.cashPerUnitWad = event.params.cashPerUnitWad;
  row.distributedCents = event.params.distributedCents;
  row.factorRay = event.params.factorRay;
  row.timestamp = event.block.timestamp;
  row.save();
  t.distributedCents = event.params.distributedCents;
  t.factorRay = event.params.factorRay;
  t.cashPerUnitWad = event.params.cashPerUnitWad;
  t.save();
  audit(event, KIND, "CashDistributed", null, t.pool, event.address);
}

export function handleClaimed(event: Claimed): void {
  const t = loadTranche(event.address);
  const ts = event.block.timestamp;
  const row = new Claim(eventId(event));
  row.tranche = event.address;
  row.holder = getMember(event.params.account, ts).id;
  // The token keeps no claimed total (a claim only moves the holding's correction): the position sums the claims.
  const p = getPosition(event.address, event.params.account, ts);
  let total = event.params.amountCents;
  const previous = p.claimedCents;
  if (previous !== null) total = previous.plus(total);
  row.amountCents = event.params.amountCents;
  row.totalClaimedCents = total;
  row.timestamp = ts;
  row.transactionHash = event.transaction.hash;
  row.save();
  p.claimedCents = total;
  p.updatedAt = ts;
  p.save();
  audit(event, KIND, "Claimed", event.params.account, t.pool, event.address);
}
