// CashToken: the custodian's deposit token: balances, mints against bank credits, payouts.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  Approval,
  CashTokenDeployed,
  Minted,
  PayoutConfirmed,
  PayoutRejected,
  PayoutRequested,
  Transfer,
} from "../generated/CashToken/CashToken";
import { CashBalance, CashMovement, CashToken, Payout } from "../generated/schema";
import { audit, eventId, getMember, senderOrNull, ZERO, ZERO_ADDRESS } from "./helpers";

const KIND = "CashToken";

function getToken(event: ethereum.Event): CashToken {
  let t = CashToken.load(event.address);
  if (t == null) {
    // Only if indexing started after the constructor's CashTokenDeployed (startBlock too late).
    t = new CashToken(event.address);
    t.registry = ZERO_ADDRESS;
    t.custodian = getMember(ZERO_ADDRESS, event.block.timestamp).id;
    t.name = "";
    t.symbol = "";
    t.currency = Bytes.fromHexString("0x000000");
    t.decimals = 2;
    t.totalSupplyCents = ZERO;
    t.recordedBankBalanceCents = ZERO;
  }
  return t;
}

function adjustBalance(token: Address, holder: Address, delta: BigInt, timestamp: BigInt): void {
  const id = token.concat(holder);
  let b = CashBalance.load(id);
  if (b == null) {
    b = new CashBalance(id);
    b.token = token;
    b.holder = getMember(holder, timestamp).id;
    b.balanceCents = ZERO;
  }
  b.balanceCents = b.balanceCents.plus(delta);
  b.updatedAt = timestamp;
  b.save();
}

function payoutId(token: Address, id: BigInt): Bytes {
  return token.concat(Bytes.fromByteArray(Bytes.fromBigInt(id)));
}

function movement(
  event: ethereum.Event,
  kind: string,
  from: Address,
  to: Address,
  amountCents: BigInt,
  bankRef: Bytes | null,
  recordedBankBalanceCents: BigInt | null,
  payout: Bytes | null,
): void {
  const m = new CashMovement(eventId(event));
  m.token = event.address;
  m.kind = kind;
  m.from = from;
  m.to = to;
  m.amountCents = amountCents;
  m.bankRef = bankRef;
  m.recordedBankBalanceCents = recordedBankBalanceCents;
  m.payout = payout;
  m.timestamp = event.block.timestamp;
  m.blockNumber = event.block.number;
  m.transactionHash = event.transaction.hash;
  m.save();
}

export function handleCashTokenDeployed(event: CashTokenDeployed): void {
  const t = getToken(event);
  t.registry = event.params.registry;
  t.custodian = getMember(event.params.custodian, event.block.timestamp).id;
  t.name = event.params.name;
  t.symbol = event.params.symbol;
  t.currency = event.params.currency;
  t.decimals = event.params.decimals;
  t.save();
  audit(event, KIND, "CashTokenDeployed", null, null, null);
}

/** Balances and supply follow the ERC-20 events; only holder-to-holder moves are a Transfer movement
 * (mints, escrow moves and burns are recorded by Minted / Payout* with their bank references). */
export function handleCashTransfer(event: Transfer): void {
  const from = event.params.from;
  const to = event.params.to;
  const amount = event.params.value;
  const ts = event.block.timestamp;
  const t = getToken(event);
  if (from == ZERO_ADDRESS) t.totalSupplyCents = t.totalSupplyCents.plus(amount);
  else adjustBalance(event.address, from, amount.neg(), ts);
  if (to == ZERO_ADDRESS) t.totalSupplyCents = t.totalSupplyCents.minus(amount);
  else adjustBalance(event.address, to, amount, ts);
  t.save();

  const escrow = from == event.address || to == event.address;
  if (from != ZERO_ADDRESS && to != ZERO_ADDRESS && !escrow) {
    movement(event, "Transfer", from, to, amount, null, null, null);
  }
  audit(event, KIND, "Transfer", senderOrNull(from), null, null);
}

export function handleCashApproval(event: Approval): void {
  audit(event, KIND, "Approval", event.params.owner, null, null);
}

export function handleMinted(event: Minted): void {
  const t = getToken(event);
  t.recordedBankBalanceCents = event.params.recordedBankBalanceCents;
  t.save();
  const p = event.params;
  movement(event, "Mint", ZERO_ADDRESS, p.to, p.amountCents, p.bankRef, p.recordedBankBalanceCents, null);
  audit(event, KIND, "Minted", null, null, null);
}

export function handlePayoutRequested(event: PayoutRequested): void {
  const p = event.params;
  const payout = new Payout(payoutId(event.address, p.payoutId));
  payout.token = event.address;
  payout.payoutId = p.payoutId;
  payout.holder = getMember(p.holder, event.block.timestamp).id;
  payout.amountCents = p.amountCents;
  payout.beneficiaryAccountHash = p.beneficiaryAccountHash;
  payout.status = "Requested";
  payout.requestedAt = event.block.timestamp;
  payout.save();
  movement(event, "PayoutEscrow", p.holder, event.address, p.amountCents, null, null, payout.id);
  audit(event, KIND, "PayoutRequested", p.holder, null, null);
}

function settle(event: ethereum.Event, id: BigInt, status: string, ref: Bytes): Bytes {
  const key = payoutId(event.address, id);
  const payout = Payout.load(key);
  if (payout != null) {
    payout.status = status;
    payout.settlementRef = ref;
    payout.settledAt = event.block.timestamp;
    payout.save();
  }
  return key;
}

export function handlePayoutConfirmed(event: PayoutConfirmed): void {
  const p = event.params;
  const key = settle(event, p.payoutId, "Confirmed", p.bankRef);
  const t = getToken(event);
  t.recordedBankBalanceCents = p.recordedBankBalanceCents;
  t.save();
  movement(
    event,
    "PayoutConfirmed",
    event.address,
    ZERO_ADDRESS,
    p.amountCents,
    p.bankRef,
    p.recordedBankBalanceCents,
    key,
  );
  audit(event, KIND, "PayoutConfirmed", null, null, null);
}

export function handlePayoutRejected(event: PayoutRejected): void {
  const p = event.params;
  const key = settle(event, p.payoutId, "Rejected", p.reasonHash);
  movement(event, "PayoutRejected", event.address, p.holder, p.amountCents, p.reasonHash, null, key);
  audit(event, KIND, "PayoutRejected", null, null, null);
}
