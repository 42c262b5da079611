/**
 * Who is asking, decided at every request: the session names a key, and the registry (read now, not
 * at sign-in) says whether that key is an active member and which roles it holds.
 *
 * What each caller may read:
 * - any active member: everything derived from the chain (pools, tranches, reports, audit events),
 *   which every member's node can read anyway;
 * - loan-level data (loans, their history, borrowers, double pledges, refused loans): the REGULATOR
 *   for every pool, a TRUSTEE for the pools it is trustee of;
 * - loan aggregates (concentrations): those, and an INVESTOR for the pools it holds units of;
 * - nobody else, and nothing without a session, unless the indexer runs in open read-only mode
 *   (configured, never the default): then a caller without a session reads the chain-derived data only.
 */
import { type MemberDirectory } from "@abs/node";
import { type RoleName } from "@abs/core";
import { AuthError, IndexerError } from "../errors";
import { type IndexerStore } from "../store";
import { type SessionBook } from "./session-book";

export type Caller =
  | { kind: "member"; address: string; memberId: string; roles: readonly RoleName[] }
  /** Open read-only mode, no session: chain-derived data only */
  | { kind: "open" };

export const SESSION_COOKIE = "abs_session";

export interface CallerDeps {
  sessions: SessionBook;
  directory: MemberDirectory;
  /** Serve chain-derived data without a session (never loan data) */
  openRead: boolean;
}

/** The session token a request carries: `Authorization: Bearer <token>`, else the session cookie. */
export function tokenOf(headers: {
  authorization?: string | undefined;
  cookie?: string | undefined;
}): string | undefined {
  const bearer = /^Bearer\s+([0-9a-f]{64})$/i.exec(headers.authorization ?? "");
  if (bearer?.[1]) return bearer[1].toLowerCase();
  for (const part of (headers.cookie ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === SESSION_COOKIE && value && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return undefined;
}

/**
 * The caller of a request. Throws AUTH_REQUIRED (401) without a live session (unless open read-only),
 * NOT_A_MEMBER (403) when the session's key is no longer an active member.
 */
export async function resolveCaller(
  deps: CallerDeps,
  headers: { authorization?: string | undefined; cookie?: string | undefined },
): Promise<Caller> {
  const token = tokenOf(headers);
  const session = token === undefined ? undefined : deps.sessions.find(token);
  if (session === undefined) {
    if (deps.openRead && token === undefined) return { kind: "open" };
    throw new AuthError(
      "AUTH_REQUIRED",
      token === undefined
        ? "sign in first: GET /auth/challenge?address=<your key's address>, sign it, POST /auth/sign-in"
        : "the session has expired or was closed: sign in again",
      401,
    );
  }
  const member = await deps.directory.lookup(session.address);
  if (member.status !== "Active") {
    deps.sessions.close(session.token);
    throw new AuthError("NOT_A_MEMBER", `${session.address} is no longer an active member (${member.status})`, 403);
  }
  return { kind: "member", address: session.address, memberId: member.memberId, roles: member.roles };
}

/** What a caller may read of the loan data, pool by pool (see the module comment). */
export class LoanAccess {
  constructor(
    readonly caller: Caller,
    private readonly store: IndexerStore,
  ) {}

  private has(role: RoleName): boolean {
    return this.caller.kind === "member" && this.caller.roles.includes(role);
  }

  private get address(): string {
    return this.caller.kind === "member" ? this.caller.address : "";
  }

  /** Whether the caller may read `pool`'s loans one by one. */
  async loanLevel(pool: string): Promise<boolean> {
    if (this.has("REGULATOR")) return true;
    if (!this.has("TRUSTEE")) return false;
    const entity = await this.store.get("Pool", pool.toLowerCase());
    return entity?.["trustee"] === this.address;
  }

  /** Whether the caller may read `pool`'s loan aggregates. */
  async aggregates(pool: string): Promise<boolean> {
    if (await this.loanLevel(pool)) return true;
    if (!this.has("INVESTOR")) return false;
    for (const id of await this.store.idsByRef("Position", "holder", this.address)) {
      const position = await this.store.get("Position", id);
      if (!position || BigInt(String(position["balance"] ?? "0")) === 0n) continue;
      const tranche = await this.store.get("Tranche", String(position["tranche"]));
      if (tranche?.["pool"] === pool.toLowerCase()) return true;
    }
    return false;
  }

  /** Throws NOT_ENTITLED unless the caller holds a role that reads some pool's loans one by one. */
  assertLoanLevelRole(): void {
    if (this.has("REGULATOR") || this.has("TRUSTEE")) return;
    throw new IndexerError("NOT_ENTITLED", `loan-level data is for the regulator and trustees; ${this.describe()}`);
  }

  /** Throws NOT_ENTITLED unless the caller may read `pool`'s loans one by one. */
  async assertLoanLevel(pool: string): Promise<void> {
    if (await this.loanLevel(pool)) return;
    throw new IndexerError(
      "NOT_ENTITLED",
      `loan-level data of pool ${pool} is for the regulator and the pool's trustee; ${this.describe()}`,
    );
  }

  /** Throws NOT_ENTITLED unless the caller may read `pool`'s loan aggregates. */
  async assertAggregates(pool: string): Promise<void> {
    if (await this.aggregates(pool)) return;
    throw new IndexerError(
      "NOT_ENTITLED",
      `loan aggregates of pool ${pool} are for the regulator, the pool's trustee and its investors; ${this.describe()}`,
    );
  }

  private describe(): string {
    return this.caller.kind === "open"
      ? "this request has no session (open read-only mode serves chain data only)"
      : `the caller ${this.caller.address} holds ${this.caller.roles.join(", ") || "no roles"}`;
  }
}
