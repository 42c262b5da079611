// Shared helpers of the mappings: ids, members, enum names and the audit trail.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { AuditEvent, Member } from "../generated/schema";

export const ZERO_ADDRESS = Address.zero();
export const ZERO = BigInt.zero();

/** Id of a per-log record: transaction hash ++ log index. */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

/** Id of an entry in a per-contract sequence: contract ++ number (big-endian i32). */
export function seqId(contract: Bytes, n: i32): Bytes {
  return contract.concatI32(n);
}

// ---------------------------------------------------------------- enum names (Solidity order)

const MEMBER_STATUS: string[] = ["None", "Active", "Suspended", "Removed"];
const ROLE: string[] = [
  "ORIGINATOR",
  "SERVICER",
  "TRUSTEE",
  "CUSTODIAN",
  "INVESTOR",
  "REGULATOR",
  "GUARANTOR",
  "EXCHANGE",
];
const ACTION_KIND: string[] = [
  "AdmitMember",
  "SuspendMember",
  "ReinstateMember",
  "RemoveMember",
  "SetRoles",
  "SetEligibility",
  "SetVoting",
  "SetThreshold",
  "SetFactory",
];
const POOL_STATE: string[] = ["Draft", "Structured", "Offering", "Active", "Amortizing", "Accelerated", "Redeemed"];
const TAPE_CHANGE_KIND: string[] = ["Initial", "Repurchase", "Substitution", "RevolvingPurchase", "Correction"];
const COUPON_TYPE: string[] = ["Fixed", "Floating", "None", "InverseFloating"];
const FORCED_TRANSFER_REASON: string[] = ["LegalOrder", "WalletRecovery"];

/** The name of enum value `i`; fails the handler (and so the subgraph) on a value this build does not know. */
function enumName(names: string[], i: i32, what: string): string {
  if (i < 0 || i >= names.length) throw new Error("unknown " + what + " value " + i.toString());
  return names[i];
}
export function memberStatusName(i: i32): string {
  return enumName(MEMBER_STATUS, i, "MemberStatus");
}
export function roleName(i: i32): string {
  return enumName(ROLE, i, "Role");
}
export function actionKindName(i: i32): string {
  return enumName(ACTION_KIND, i, "ActionKind");
}
export function poolStateName(i: i32): string {
  return enumName(POOL_STATE, i, "PoolState");
}
export function tapeChangeKindName(i: i32): string {
  return enumName(TAPE_CHANGE_KIND, i, "TapeChangeKind");
}
export function couponTypeName(i: i32): string {
  return enumName(COUPON_TYPE, i, "CouponType");
}
export function forcedTransferReasonName(i: i32): string {
  return enumName(FORCED_TRANSFER_REASON, i, "ForcedTransferReason");
}

// ---------------------------------------------------------------- members

/**
 * The Member row of `account`, created with status None (no roles) if the registry never
 * admitted it: deal contracts holding cash, or events seen before admission.
 */
export function getMember(account: Address, timestamp: BigInt): Member {
  let member = Member.load(account);
  if (member == null) {
    member = new Member(account);
    member.memberId = Bytes.fromHexString("0x" + "00".repeat(32));
    member.legalEntityHash = Bytes.fromHexString("0x" + "00".repeat(32));
    member.roles = 0;
    member.status = "None";
    member.voting = false;
    member.investorClass = 0;
    member.jurisdiction = 0;
    member.eligibilityValidUntil = ZERO;
    member.updatedAt = timestamp;
    member.save();
  }
  return member;
}

// ---------------------------------------------------------------- audit trail

/** The sender of a token movement as its actor, or null (the transaction sender) for a mint. */
export function senderOrNull(from: Address): Address | null {
  if (from == ZERO_ADDRESS) return null;
  return from;
}

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += "\\\\";
    else if (c < 0x20) {
      const hex = c.toString(16);
      out += "\\u" + "0000".slice(hex.length) + hex;
    } else out += s.charAt(i);
  }
  return out + '"';
}

/** A decoded ABI value as JSON: integers as decimal strings, bytes as hex, structs as arrays. */
export function jsonValue(value: ethereum.Value): string {
  const kind = value.kind;
  if (kind == ethereum.ValueKind.ADDRESS) return jsonString(value.toAddress().toHexString());
  if (kind == ethereum.ValueKind.FIXED_BYTES || kind == ethereum.ValueKind.BYTES) {
    return jsonString(value.toBytes().toHexString());
  }
  if (kind == ethereum.ValueKind.INT || kind == ethereum.ValueKind.UINT) return jsonString(value.toBigInt().toString());
  if (kind == ethereum.ValueKind.BOOL) return value.toBoolean() ? "true" : "false";
  if (kind == ethereum.ValueKind.STRING) return jsonString(value.toString());
  let items: ethereum.Value[];
  if (kind == ethereum.ValueKind.TUPLE) items = value.toTuple();
  else items = value.toArray(); // FIXED_ARRAY, ARRAY
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) parts.push(jsonValue(items[i]));
  return "[" + parts.join(",") + "]";
}

/** Every parameter of `event` as a JSON object keyed by the ABI's argument names. */
export function jsonArgs(event: ethereum.Event): string {
  const parts: string[] = [];
  for (let i = 0; i < event.parameters.length; i++) {
    const p = event.parameters[i];
    parts.push(jsonString(p.name) + ":" + jsonValue(p.value));
  }
  return "{" + parts.join(",") + "}";
}

/**
 * Writes the AuditEvent row of `event`. `actor` is the acting account named by the event
 * (actor, proposer, approver, trustee, ...) or null to use the transaction sender.
 */
export function audit(
  event: ethereum.Event,
  contractKind: string,
  name: string,
  actor: Address | null,
  pool: Bytes | null,
  tranche: Bytes | null,
): void {
  const row = new AuditEvent(eventId(event));
  row.contract = event.address;
  row.contractKind = contractKind;
  row.name = name;
  if (actor) row.actor = actor;
  else row.actor = event.transaction.from;
  row.txFrom = event.transaction.from;
  row.blockNumber = event.block.number;
  row.blockHash = event.block.hash;
  row.timestamp = event.block.timestamp;
  row.transactionHash = event.transaction.hash;
  row.logIndex = event.logIndex;
  row.args = jsonArgs(event);
  row.pool = pool;
  row.tranche = tranche;
  row.save();
}
