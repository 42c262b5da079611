import { type LoanRecord, TapeCommitmentBuilder } from "@abs/core";
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
  status: string;
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
 */
export class LoanBook {
  private readonly tapes = new Map<string, { version: number; loans: LoanView[]; refused: RefusedLoan[] }>();

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
    this.tapes.clear();
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
    this.tapes.set(poolId, { version, loans, refused: [] });
    this.flagDoublePledges();
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
    this.tapes.set(poolId, { version, loans, refused });
    this.flagDoublePledges();
    return { verified: loans.length, refused: refused.length };
  }

  /** Loans of a pool the member node served that failed verification (loan-level). */
  refusedLoans(pool: string): RefusedLoan[] {
    this.requireLoanLevel();
    return this.tapes.get(pool.toLowerCase())?.refused ?? [];
  }

  private flagDoublePledges(): void {
    const where = new Map<string, Set<string>>();
    for (const [pool, t] of this.tapes) {
      for (const l of t.loans) {
        const k = `${l.loanId}\u0000${l.borrowerId}`;
        const set = where.get(k) ?? new Set<string>();
        set.add(pool);
        where.set(k, set);
      }
    }
    for (const [pool, t] of this.tapes) {
      for (const l of t.loans)
        l.otherPools = [...(where.get(`${l.loanId}\u0000${l.borrowerId}`) ?? [])].filter((p) => p !== pool);
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
    return this.tapes.get(pool.toLowerCase())?.loans ?? [];
  }

  loan(pool: string, loanId: string): LoanView | undefined {
    return this.loans(pool).find((l) => l.loanId === loanId);
  }

  /** Loans pledged into more than one pool (loan-level). */
  doublePledged(): LoanView[] {
    this.requireLoanLevel();
    return [...this.tapes.values()].flatMap((t) => t.loans.filter((l) => l.otherPools.length > 0));
  }

  /** Principal concentration of a pool by region, product or credit grade (aggregates: any entitlement). */
  concentrations(pool: string, by: "region" | "productType" | "creditGrade"): Concentration[] {
    const loans = this.tapes.get(pool.toLowerCase())?.loans ?? [];
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
