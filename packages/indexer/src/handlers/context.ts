import { type ArgValue, type DecodedArgs } from "../abi";
import { IndexerError } from "../errors";
import { type BlockWriter, type EntityData } from "../store";
import { type AlertRule } from "../config";

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
export const ZERO_BYTES32 = "0x" + "00".repeat(32);
export const RAY = "1000000000000000000000000000";

/** One decoded log with where it happened. */
export interface DecodedLog {
  /** Contract kind: an artifact name (AssetPool, TrancheToken, ...) or "DealContract" when unknown */
  kind: string;
  name: string;
  signature: string;
  address: string;
  args: DecodedArgs;
  blockNumber: number;
  blockHash: string;
  timestamp: number;
  txHash: string;
  txFrom: string;
  logIndex: number;
}

/** Typed access to decoded arguments; a missing or mistyped argument is an ABI_MISMATCH. */
export class Args {
  private readonly byName: Map<string, ArgValue>;
  constructor(readonly list: DecodedArgs) {
    this.byName = new Map(list);
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  value(name: string): ArgValue {
    const v = this.byName.get(name);
    if (v === undefined) throw new IndexerError("ABI_MISMATCH", `event has no argument "${name}"`);
    return v;
  }
  str(name: string): string {
    const v = this.value(name);
    if (typeof v !== "string") throw new IndexerError("ABI_MISMATCH", `argument "${name}": expected a scalar`);
    return v;
  }
  int(name: string): number {
    return Number(this.str(name));
  }
  bool(name: string): boolean {
    const v = this.value(name);
    if (typeof v !== "boolean") throw new IndexerError("ABI_MISMATCH", `argument "${name}": expected a bool`);
    return v;
  }
  tuple(name: string): TupleArgs {
    const v = this.value(name);
    if (!Array.isArray(v)) throw new IndexerError("ABI_MISMATCH", `argument "${name}": expected a tuple`);
    return new TupleArgs(v, name);
  }
}

/** A decoded struct, read by field position (ABI order). */
export class TupleArgs {
  constructor(
    private readonly items: ArgValue[],
    private readonly name: string,
  ) {}
  str(i: number): string {
    const v = this.items[i];
    if (typeof v !== "string") throw new IndexerError("ABI_MISMATCH", `${this.name}[${i}]: expected a scalar`);
    return v;
  }
  int(i: number): number {
    return Number(this.str(i));
  }
  bool(i: number): boolean {
    const v = this.items[i];
    if (typeof v !== "boolean") throw new IndexerError("ABI_MISMATCH", `${this.name}[${i}]: expected a bool`);
    return v;
  }
  /** Number of fields (a struct) or elements (an array). */
  get size(): number {
    return this.items.length;
  }
  /** The elements of an array field, each as a struct. */
  tuples(i: number): TupleArgs[] {
    const list = this.tuple(i);
    return Array.from({ length: list.size }, (_, j) => list.tuple(j));
  }
  tuple(i: number): TupleArgs {
    const v = this.items[i];
    if (!Array.isArray(v)) throw new IndexerError("ABI_MISMATCH", `${this.name}[${i}]: expected a tuple`);
    return new TupleArgs(v, `${this.name}[${i}]`);
  }
}

/** What the generic AuditEvent of a log links to; handlers fill it in when they know better. */
export interface AuditHints {
  actor?: string;
  pool?: string | null;
  tranche?: string | null;
}

/** What an entity handler gets: the log, its arguments, the block's writer and a way to follow new contracts. */
export interface HandlerContext {
  readonly log: DecodedLog;
  readonly args: Args;
  readonly store: BlockWriter;
  readonly audit: AuditHints;
  readonly alertRules: readonly AlertRule[];
  /** Start following a contract created here (a subgraph template's `create`). */
  follow(address: string, kind: string): Promise<void>;
}

export type EventHandler = (ctx: HandlerContext) => Promise<void>;

/** Entity handlers by contract kind, then event name. */
export type HandlerTable = Readonly<Record<string, Readonly<Record<string, EventHandler>>>>;

/** Id of a per-log record: tx hash ++ log index (i32 big-endian), as the subgraph. */
export function eventId(log: DecodedLog): string {
  return log.txHash + i32(log.logIndex);
}

/** Id of an entry of a per-contract sequence: contract ++ n (i32 big-endian). */
export function seqId(contract: string, n: number): string {
  return contract + i32(n);
}

function i32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/** The Member row of an account, created with status None if the registry never admitted it. */
export async function getMember(store: BlockWriter, account: string, timestamp: number): Promise<EntityData> {
  const existing = await store.get("Member", account);
  if (existing) return existing;
  const member: EntityData = {
    memberId: ZERO_BYTES32,
    legalEntityHash: ZERO_BYTES32,
    roles: 0,
    status: "None",
    voting: false,
    investorClass: 0,
    jurisdiction: 0,
    eligibilityValidUntil: "0",
    admittedAt: null,
    admittedBy: null,
    updatedAt: String(timestamp),
  };
  await store.set("Member", account, member);
  return member;
}

export async function load(store: BlockWriter, type: string, id: string): Promise<EntityData> {
  const e = await store.get(type, id);
  if (!e) throw new IndexerError("HANDLER_FAILED", `${type} ${id} is not indexed`);
  return e;
}

export function big(e: EntityData, field: string): bigint {
  const v = e[field];
  if (typeof v !== "string") throw new IndexerError("STORE_VALUE_INVALID", `field ${field}: expected a BigInt string`);
  return BigInt(v);
}

export function num(e: EntityData, field: string): number {
  const v = e[field];
  if (typeof v !== "number") throw new IndexerError("STORE_VALUE_INVALID", `field ${field}: expected an Int`);
  return v;
}

export function enumName(names: readonly string[], i: number, what: string): string {
  const n = names[i];
  if (n === undefined) throw new IndexerError("HANDLER_FAILED", `unknown ${what} value ${i}`);
  return n;
}

// The contracts' enum names by on-chain value live in @abs/core, beside the roles.
export {
  ACTION_KIND_NAMES as ACTION_KIND,
  COUPON_TYPE_NAMES as COUPON_TYPE,
  FORCED_TRANSFER_REASON_NAMES as FORCED_TRANSFER_REASON,
  MEMBER_STATUS_NAMES as MEMBER_STATUS,
  POOL_STATE_NAMES as POOL_STATE,
  ROLE_NAMES as ROLE,
  TAPE_CHANGE_KIND_NAMES as TAPE_CHANGE_KIND,
} from "@abs/core";
