import {
  LOAN_STATE_AMOUNTS,
  LOAN_STATUSES,
  PERFORMANCE_STATUSES,
  type LoanRecord,
  type LoanState,
  type LoanStatus,
  TapeCommitmentBuilder,
} from "@abs/core";
import { IndexerError } from "./errors";
import { type NodeLoanOutcome } from "./member-node";
import { type IndexerStore } from "./store";

/** How much loan-level data this indexer may show: an entitled member's (trustee, regulator) or aggregates only (investors). */
export type LoanEntitlement = "loan-level" | "aggregates";

/** One loan as the penetrating views show it (no personal data: the borrower id is pseudonymous). */
export interface LoanView {
  pool: string;
  tapeVersion: number;
  loanId: string;
  borrowerId: string;
  region: string;
  productType: string;
  creditGrade: string;
  status: LoanStatus;
  daysPastDue: number;
  originalPrincipalCents: string;
  currentPrincipalCents: string;
  rateWad: string;
  remainingTermMonths: number;
  /**
   * "verified": the whole tape rebuilds the root anchored on chain, or (joined from a member node)
   * this loan's own proof leads to it; else "root-mismatch"
   */
  proofStatus: "verified" | "root-mismatch";
  /** Other pools holding a loan with the same id and borrower (pledged more than once) */
  otherPools: string[];
}

/** A loan the member node served that did not verify against the anchored root (no record is shown). */
export interface RefusedLoan {
  pool: string;
  tapeVersion: number;
  loanId: string;
  /** The peer client's code, e.g. PEER_RECORD_UNVERIFIED */
  code: string;
  reason: string;
}

/** One loan in one tape version of its pool (a period's snapshot): what `Loan.history` lists. */
export interface LoanSnapshot {
  tapeVersion: number;
  /** "verified" / "root-mismatch" as for `LoanView`, or "refused": the node served it, it did not verify */
  proofStatus: "verified" | "root-mismatch" | "refused";
  /** Null when refused (no record is kept of a loan that did not verify) */
  status: string | null;
  daysPastDue: number | null;
  currentPrincipalCents: string | null;
}

/**
 * A loan's state at the end of a reported period, joined from the servicer's node: `LoanPeriodState` in GraphQL.
 * Amounts are decimal strings of cents, null unless verified.
 */
export interface LoanPeriodPoint {
  period: number;
  /**
   * "verified": the state hashes to the leaf served with it and the period's leaves rebuild the loan-state root
   * anchored on chain; "refused": served, but it did not verify (no values kept); "unavailable": the servicer's
   * node did not serve the period (the reason says why)
   */
  proofStatus: "verified" | "refused" | "unavailable";
  reason: string | null;
  status: string | null;
  daysPastDue: number | null;
  openingPrincipalCents: string | null;
  scheduledPrincipalCents: string | null;
  paidPrincipalCents: string | null;
  interestPaidCents: string | null;
  prepaymentCents: string | null;
  defaultPrincipalCents: string | null;
  recoveryCents: string | null;
  closingPrincipalCents: string | null;
}

/** A pseudonymous borrower's share of a pool's current principal. */
export interface BorrowerConcentration {
  borrowerId: string;
  loanCount: number;
  principalCents: string;
  /** floor(principal * 10,000 / pool principal): rounded down, so shares never add up to more than 10,000 */
  shareBps: number;
}

export interface Concentration {
  key: string;
  loanCount: number;
  principalCents: string;
  shareBps: number;
}

/**
 * Loan-level records joined from the member node the indexer runs beside (the records and the
 * tape's salt key as that node holds them). A tape is only served as "verified" if its records
 * rebuild the Merkle root anchored on chain (read from the indexed Tape entity, never from the
 * records' source); loans pledged into more than one pool are flagged.
 *
 * Every joined tape version of a pool (each period's snapshot) is kept, compactly (`VersionSnapshot`,
 * 12 bytes a loan a version), so that a loan's history across periods can be shown; only the latest
 * joined version is kept as full `LoanView`s, and it is the current view.
 */
export class LoanBook {
  private readonly pools = new Map<string, PoolLoans>();
  /**
   * Where each loan (id and borrower) is pledged: the pools whose current view holds it, with its view there.
   * Kept as views are replaced, so a join costs what the pool's old and new views hold, not every pool's loans.
   */
  private readonly pledges = new Map<string, Map<string, LoanView>>();
  /** The keys of `pledges` held by two pools or more. */
  private readonly multiPledged = new Set<string>();

  private refusal: string | undefined;

  constructor(
    private readonly store: IndexerStore,
    private level: LoanEntitlement,
  ) {}

  get entitlement(): LoanEntitlement {
    return this.level;
  }

  /** The member node refused this indexer's key loan-level records: from now on aggregates only. */
  refuseLoanLevel(reason: string): void {
    this.level = "aggregates";
    this.refusal = reason;
    this.pools.clear();
    this.pledges.clear();
    this.multiPledged.clear();
  }

  /** Join one tape's records; returns the proof status the records earned against the anchored root. */
  async addTape(
    pool: string,
    version: number,
    records: Iterable<LoanRecord>,
    saltKey: Uint8Array,
  ): Promise<"verified" | "root-mismatch"> {
    const poolId = pool.toLowerCase();
    const tape = await this.store.get("Tape", poolId + (version >>> 0).toString(16).padStart(8, "0"));
    if (!tape)
      throw new IndexerError("NOT_FOUND", `tape v${version} of pool ${poolId} is not indexed (anchor it first)`);
    const builder = new TapeCommitmentBuilder({ saltKey });
    const loans: LoanView[] = [];
    for (const r of records) {
      builder.add(r);
      loans.push(loanView(poolId, version, r, "root-mismatch"));
    }
    const { root } = builder.finish();
    const status = root.toLowerCase() === String(tape["merkleRoot"]).toLowerCase() ? "verified" : "root-mismatch";
    for (const l of loans) l.proofStatus = status;
    this.join(poolId, version, loans, []);
    return status;
  }

  /**
   * Join one tape's loans as a member node served them, each already checked against the root
   * anchored on chain (member-node.ts): verified loans join the views, refused ones are listed with
   * their reason. Returns the counts.
   */
  addNodeLoans(
    pool: string,
    version: number,
    outcomes: readonly NodeLoanOutcome[],
  ): { verified: number; refused: number } {
    const poolId = pool.toLowerCase();
    const loans: LoanView[] = [];
    const refused: RefusedLoan[] = [];
    for (const o of outcomes) {
      if (o.status === "verified") loans.push(loanView(poolId, version, o.record, "verified"));
      else refused.push({ pool: poolId, tapeVersion: version, loanId: o.loanId, code: o.code, reason: o.reason });
    }
    this.join(poolId, version, loans, refused);
    return { verified: loans.length, refused: refused.length };
  }

  /**
   * Join one whole tape as a member node served it page by page (member-node.ts `joinTapeFromNode`): `loans`
   * are the views of the loans that verified against the anchored root (built as each page arrived, see
   * `nodeLoanView`), `refused` the others with their reason. Returns the counts.
   */
  addVerifiedTape(
    pool: string,
    version: number,
    loans: LoanView[],
    refused: readonly { loanId: string; code: string; reason: string }[],
  ): { verified: number; refused: number } {
    const poolId = pool.toLowerCase();
    const refusedLoans = refused.map((r) => ({ pool: poolId, tapeVersion: version, ...r }));
    this.join(poolId, version, loans, refusedLoans);
    return { verified: loans.length, refused: refusedLoans.length };
  }

  /** Whether tape `version` of `pool` is joined (its snapshot is kept). */
  hasVersion(pool: string, version: number): boolean {
    return this.pools.get(pool.toLowerCase())?.versions.has(version) ?? false;
  }

  /** The joined tape versions of `pool`, ascending. */
  versions(pool: string): number[] {
    return [...(this.pools.get(pool.toLowerCase())?.versions.keys() ?? [])].sort((a, b) => a - b);
  }

  /**
   * Keep version `version` as a snapshot (re-joining a version replaces its snapshot); the latest joined
   * version is the current view (`loans`, `loan`, concentrations, double pledges).
   */
  private join(pool: string, version: number, loans: LoanView[], refused: RefusedLoan[]): void {
    const book = this.poolBook(pool);
    const rowOf = (loanId: string): number => rowOfLoan(book, loanId);
    const loanRows = loans.map((l) => rowOf(l.loanId));
    const refusedRows = refused.map((r) => rowOf(r.loanId));
    const snapshot = new VersionSnapshot(book.rows.size);
    loans.forEach((l, i) => snapshot.set(loanRows[i] ?? 0, l));
    for (const row of refusedRows) snapshot.refuse(row);
    book.versions.set(version, snapshot);
    if (version >= book.latest) {
      book.latest = version;
      const previous = book.current;
      // In loan id order (byte order, as the nodes page them): keyset paging and lookups by binary search.
      book.current = [...loans].sort((a, b) => compareIds(a.loanId, b.loanId));
      book.refused = refused;
      this.repledge(pool, previous, book.current);
    }
  }

  private poolBook(pool: string): PoolLoans {
    let book = this.pools.get(pool);
    if (!book) {
      book = { rows: new Map(), versions: new Map(), periods: new Map(), latest: 0, current: [], refused: [] };
      this.pools.set(pool, book);
    }
    return book;
  }

  /**
   * Join one reported period's loan states as the servicer's node served them (member-node.ts `joinPeriodFromNode`):
   * `states` verified against the period's anchored loan-state `root`, `refused` the others with their reason.
   * Re-joining a period (e.g. after a restatement: another root) replaces it. Returns the counts.
   */
  addPeriod(
    pool: string,
    period: number,
    root: string,
    states: readonly LoanState[],
    refused: readonly { loanId: string; reason: string }[],
  ): { verified: number; refused: number } {
    const book = this.poolBook(pool.toLowerCase());
    const rows = [...states.map((s) => rowOfLoan(book, s.loanId)), ...refused.map((r) => rowOfLoan(book, r.loanId))];
    const snapshot = new PeriodSnapshot(book.rows.size, root.toLowerCase());
    states.forEach((state, i) => snapshot.set(rows[i] ?? 0, state));
    refused.forEach((r, i) => snapshot.refuse(rows[states.length + i] ?? 0, r.reason));
    book.periods.set(period, snapshot);
    return { verified: states.length, refused: refused.length };
  }

  /** The servicer's node did not serve `period` of `pool`: every loan's history shows it as unavailable. */
  markPeriodUnavailable(pool: string, period: number, root: string, reason: string): void {
    const book = this.poolBook(pool.toLowerCase());
    if (book.periods.get(period)?.root === root.toLowerCase() && !book.periods.get(period)?.unavailable) return;
    book.periods.set(period, PeriodSnapshot.unavailable(root.toLowerCase(), reason));
  }

  /**
   * Whether `period` of `pool` is joined, every state verified, with loan-state root `root`. An unavailable period
   * or one with refused states is not: the sync tries it again (the servicer's node may have been repaired).
   */
  hasPeriod(pool: string, period: number, root: string): boolean {
    const snapshot = this.pools.get(pool.toLowerCase())?.periods.get(period);
    return (
      snapshot !== undefined &&
      snapshot.unavailable === undefined &&
      !snapshot.hasRefusals &&
      snapshot.root === root.toLowerCase()
    );
  }

  /**
   * A loan's state in every reported period of its pool, oldest first (loan-level): a verified point per period
   * that holds the loan, a refused point (with its reason) for a state that did not verify, and an unavailable
   * point for a period the servicer's node did not serve. A period with no row for the loan (paid off before it)
   * has no point.
   */
  periodHistory(pool: string, loanId: string): LoanPeriodPoint[] {
    this.requireLoanLevel();
    const book = this.pools.get(pool.toLowerCase());
    if (!book) return [];
    const row = book.rows.get(loanId);
    const out: LoanPeriodPoint[] = [];
    for (const period of [...book.periods.keys()].sort((a, b) => a - b)) {
      const point = book.periods.get(period)?.get(row, period);
      if (point) out.push(point);
    }
    return out;
  }

  /**
   * A loan's history across the joined tape versions of its pool, oldest first: one snapshot per version
   * that holds the loan (loan-level).
   */
  history(pool: string, loanId: string): LoanSnapshot[] {
    this.requireLoanLevel();
    const book = this.pools.get(pool.toLowerCase());
    const row = book?.rows.get(loanId);
    if (!book || row === undefined) return [];
    const out: LoanSnapshot[] = [];
    for (const version of this.versions(pool)) {
      const snapshot = book.versions.get(version)?.get(row, version);
      if (snapshot) out.push(snapshot);
    }
    return out;
  }

  /**
   * The `first` pseudonymous borrowers holding the most current principal of `pool` (loan-level): ties
   * broken by borrower id.
   */
  topBorrowers(pool: string, first: number): BorrowerConcentration[] {
    const loans = this.loans(pool);
    const total = loans.reduce((s, l) => s + BigInt(l.currentPrincipalCents), 0n);
    const groups = new Map<string, { n: number; p: bigint }>();
    for (const l of loans) {
      const g = groups.get(l.borrowerId) ?? { n: 0, p: 0n };
      g.n++;
      g.p += BigInt(l.currentPrincipalCents);
      groups.set(l.borrowerId, g);
    }
    return [...groups]
      .sort(([ka, a], [kb, b]) => (a.p === b.p ? (ka < kb ? -1 : 1) : a.p > b.p ? -1 : 1))
      .slice(0, first)
      .map(([borrowerId, g]) => ({
        borrowerId,
        loanCount: g.n,
        principalCents: g.p.toString(),
        // Rounds down (floor): the shares of all borrowers add up to at most 10,000.
        shareBps: total === 0n ? 0 : Number((g.p * 10_000n) / total),
      }));
  }

  /** Loans of a pool the member node served that failed verification (loan-level). */
  refusedLoans(pool: string): RefusedLoan[] {
    this.requireLoanLevel();
    return this.pools.get(pool.toLowerCase())?.refused ?? [];
  }

  /**
   * `pool`'s current view went from `previous` to `current`: move its entries in the pledge index, then give every
   * view of a loan whose pools changed (in any pool) the other pools that hold it now.
   */
  private repledge(pool: string, previous: readonly LoanView[], current: readonly LoanView[]): void {
    const changed = new Set<string>();
    for (const view of previous) {
      const key = pledgeKey(view);
      this.pledges.get(key)?.delete(pool);
      changed.add(key);
    }
    for (const view of current) {
      const key = pledgeKey(view);
      let holders = this.pledges.get(key);
      if (holders === undefined) {
        holders = new Map();
        this.pledges.set(key, holders);
      }
      holders.set(pool, view);
      changed.add(key);
    }
    for (const key of changed) {
      const holders = this.pledges.get(key);
      if (holders === undefined) continue;
      if (holders.size < 2) this.multiPledged.delete(key);
      else this.multiPledged.add(key);
      if (holders.size === 0) {
        this.pledges.delete(key);
        continue;
      }
      const pools = [...holders.keys()].sort();
      for (const [holder, view] of holders) view.otherPools = pools.filter((p) => p !== holder);
    }
  }

  private requireLoanLevel(): void {
    if (this.entitlement !== "loan-level") {
      throw new IndexerError(
        "NOT_ENTITLED",
        this.refusal ?? "loan-level data needs a trustee's or regulator's indexer; this one shows aggregates only",
      );
    }
  }

  loans(pool: string): LoanView[] {
    this.requireLoanLevel();
    return this.pools.get(pool.toLowerCase())?.current ?? [];
  }

  loan(pool: string, loanId: string): LoanView | undefined {
    const loans = this.loans(pool);
    const at = firstAfter(loans, loanId, true);
    return loans[at]?.loanId === loanId ? loans[at] : undefined;
  }

  /** Loans pledged into more than one pool (loan-level). */
  doublePledged(): LoanView[] {
    this.requireLoanLevel();
    const views = [...this.multiPledged].flatMap((key) => [...(this.pledges.get(key)?.values() ?? [])]);
    return views.sort((a, b) => compareIds(a.pool, b.pool) || compareIds(a.loanId, b.loanId));
  }

  /**
   * Principal concentration of a pool by region, product or credit grade (aggregates: any entitlement).
   * Throws NO_LOAN_DATA when no tape of the pool is joined: an empty answer would read as "no loans".
   */
  concentrations(pool: string, by: "region" | "productType" | "creditGrade"): Concentration[] {
    const joined = this.pools.get(pool.toLowerCase());
    if (joined === undefined) {
      throw new IndexerError(
        "NO_LOAN_DATA",
        `no tape of pool ${pool} is joined to this indexer` +
          (this.entitlement === "loan-level" ? "" : `: ${this.refusal ?? "its member node gives it aggregates only"}`),
      );
    }
    const loans = joined.current;
    const total = loans.reduce((s, l) => s + BigInt(l.currentPrincipalCents), 0n);
    const groups = new Map<string, { n: number; p: bigint }>();
    for (const l of loans) {
      const g = groups.get(l[by]) ?? { n: 0, p: 0n };
      g.n++;
      g.p += BigInt(l.currentPrincipalCents);
      groups.set(l[by], g);
    }
    return [...groups]
      .map(([key, g]) => ({
        key,
        loanCount: g.n,
        principalCents: g.p.toString(),
        shareBps: total === 0n ? 0 : Number((g.p * 10_000n) / total),
      }))
      .sort((a, b) => b.shareBps - a.shareBps || (a.key < b.key ? -1 : 1));
  }
}

/** The view of a loan a member node served, once its tape verifies (`LoanBook.addVerifiedTape`). */
export function nodeLoanView(pool: string, version: number, record: LoanRecord): LoanView {
  return loanView(pool.toLowerCase(), version, record, "verified");
}

function loanView(pool: string, version: number, r: LoanRecord, proofStatus: LoanView["proofStatus"]): LoanView {
  return {
    pool,
    tapeVersion: version,
    loanId: r.loanId,
    borrowerId: r.borrowerId,
    region: r.region,
    productType: r.productType,
    creditGrade: r.creditGrade,
    status: r.status,
    daysPastDue: r.daysPastDue,
    originalPrincipalCents: r.originalPrincipalCents.toString(),
    currentPrincipalCents: r.currentPrincipalCents.toString(),
    rateWad: r.rateWad.toString(),
    remainingTermMonths: r.remainingTermMonths,
    proofStatus,
    otherPools: [],
  };
}

/** A loan as the double-pledge check knows it: its id and (pseudonymous) borrower. */
function pledgeKey(view: LoanView): string {
  return `${view.loanId}\u0000${view.borrowerId}`;
}

/** Loan ids compared as the nodes order them (LevelDB byte order; loan ids are ASCII). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The index of the first loan of `loans` (in loan id order) whose id is after `loanId` (or equal to it, when
 * `inclusive`): binary search, so a page after a cursor costs log n, not n.
 */
export function firstAfter(loans: readonly LoanView[], loanId: string, inclusive = false): number {
  let low = 0;
  let high = loans.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const c = compareIds(loans[mid]?.loanId ?? "", loanId);
    if (c < 0 || (c === 0 && !inclusive)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A pool's joined tapes: every version's snapshot, and the latest version's loans as full views. */
interface PoolLoans {
  /** Loan id → row in every snapshot (rows are given in order of first appearance, never reused) */
  rows: Map<string, number>;
  versions: Map<number, VersionSnapshot>;
  /** Each reported period's loan states, by period */
  periods: Map<number, PeriodSnapshot>;
  latest: number;
  current: LoanView[];
  refused: RefusedLoan[];
}

const PROOF_CODES = ["absent", "verified", "root-mismatch", "refused"] as const;
const PROOF_ABSENT = 0;
const PROOF_REFUSED = 3;

/**
 * One tape version's loans, column by column (12 bytes a loan: proof 1, status 1, days past due 2,
 * principal 8), indexed by the pool's loan rows. A 1,000,000-loan tape costs ~12 MB a version instead of
 * ~0.5 KB a loan as objects. Principals above 2^64 - 1 cents (the record allows up to 2^128 - 1) are kept
 * aside in `bigPrincipal`.
 */
class VersionSnapshot {
  private readonly proof: Uint8Array;
  private readonly status: Uint8Array;
  private readonly daysPastDue: Uint16Array;
  private readonly principal: BigUint64Array;
  private readonly bigPrincipal = new Map<number, bigint>();

  constructor(rows: number) {
    this.proof = new Uint8Array(rows);
    this.status = new Uint8Array(rows);
    this.daysPastDue = new Uint16Array(rows);
    this.principal = new BigUint64Array(rows);
  }

  set(row: number, loan: LoanView): void {
    this.proof[row] = PROOF_CODES.indexOf(loan.proofStatus);
    this.status[row] = LOAN_STATUSES.indexOf(loan.status);
    // MAX_DAYS_PAST_DUE is 65,535: the record's schema guarantees it fits 16 bits.
    this.daysPastDue[row] = loan.daysPastDue;
    const cents = BigInt(loan.currentPrincipalCents);
    if (cents > 0xffff_ffff_ffff_ffffn) this.bigPrincipal.set(row, cents);
    else this.principal[row] = cents;
  }

  refuse(row: number): void {
    this.proof[row] = PROOF_REFUSED;
  }

  get(row: number, tapeVersion: number): LoanSnapshot | undefined {
    const proof = row < this.proof.length ? (this.proof[row] ?? PROOF_ABSENT) : PROOF_ABSENT;
    if (proof === PROOF_ABSENT) return undefined;
    if (proof === PROOF_REFUSED) {
      return { tapeVersion, proofStatus: "refused", status: null, daysPastDue: null, currentPrincipalCents: null };
    }
    return {
      tapeVersion,
      proofStatus: proof === 1 ? "verified" : "root-mismatch",
      status: LOAN_STATUSES[this.status[row] ?? 0] ?? null,
      daysPastDue: this.daysPastDue[row] ?? 0,
      currentPrincipalCents: (this.bigPrincipal.get(row) ?? this.principal[row] ?? 0n).toString(),
    };
  }
}

function rowOfLoan(book: PoolLoans, loanId: string): number {
  let row = book.rows.get(loanId);
  if (row === undefined) {
    row = book.rows.size;
    book.rows.set(loanId, row);
  }
  return row;
}

const STATE_PRESENT = 1;
const STATE_REFUSED = 2;

/**
 * One reported period's loan states, column by column (68 bytes a loan: presence 1, status 1, days past due 2,
 * eight amounts of 8 bytes), indexed by the pool's loan rows: a 20,000-loan pool costs ~1.4 MB a period. Amounts
 * above 2^64 - 1 cents are kept aside in `big`. An unavailable period holds no column, only its reason.
 */
class PeriodSnapshot {
  private readonly presence: Uint8Array;
  private readonly status: Uint8Array;
  private readonly daysPastDue: Uint16Array;
  private readonly amounts: BigUint64Array[];
  private readonly big = new Map<string, bigint>();
  private readonly reasons = new Map<number, string>();

  constructor(
    rows: number,
    readonly root: string,
    readonly unavailable?: string,
  ) {
    this.presence = new Uint8Array(rows);
    this.status = new Uint8Array(rows);
    this.daysPastDue = new Uint16Array(rows);
    this.amounts = LOAN_STATE_AMOUNTS.map(() => new BigUint64Array(rows));
  }

  static unavailable(root: string, reason: string): PeriodSnapshot {
    return new PeriodSnapshot(0, root, reason);
  }

  set(row: number, state: LoanState): void {
    this.presence[row] = STATE_PRESENT;
    this.status[row] = PERFORMANCE_STATUSES.indexOf(state.status);
    this.daysPastDue[row] = state.daysPastDue;
    LOAN_STATE_AMOUNTS.forEach((field, column) => {
      const cents = state[field];
      if (cents > 0xffff_ffff_ffff_ffffn) this.big.set(`${row}:${column}`, cents);
      else (this.amounts[column] as BigUint64Array)[row] = cents;
    });
  }

  /** Whether any state of the period was refused (the period is then joined again at each refresh). */
  get hasRefusals(): boolean {
    return this.reasons.size > 0;
  }

  refuse(row: number, reason: string): void {
    this.presence[row] = STATE_REFUSED;
    this.reasons.set(row, reason);
  }

  get(row: number | undefined, period: number): LoanPeriodPoint | undefined {
    const empty = {
      period,
      status: null,
      daysPastDue: null,
      ...Object.fromEntries(LOAN_STATE_AMOUNTS.map((f) => [f, null])),
    };
    if (this.unavailable !== undefined) {
      return { ...empty, proofStatus: "unavailable", reason: this.unavailable } as LoanPeriodPoint;
    }
    const presence = row === undefined ? 0 : (this.presence[row] ?? 0);
    if (row === undefined || presence === 0) return undefined;
    if (presence === STATE_REFUSED) {
      return { ...empty, proofStatus: "refused", reason: this.reasons.get(row) ?? null } as LoanPeriodPoint;
    }
    const amounts = Object.fromEntries(
      LOAN_STATE_AMOUNTS.map((field, column) => [
        field,
        (this.big.get(`${row}:${column}`) ?? this.amounts[column]?.[row] ?? 0n).toString(),
      ]),
    );
    return {
      period,
      proofStatus: "verified",
      reason: null,
      status: PERFORMANCE_STATUSES[this.status[row] ?? 0] ?? null,
      daysPastDue: this.daysPastDue[row] ?? 0,
      ...amounts,
    } as LoanPeriodPoint;
  }
}
