import { GraphQLError } from "graphql";
import { z } from "zod";
import { IndexerError } from "../errors";
import { type LoanAccess } from "../auth/caller";
import { firstAfter, type LoanBook, type LoanPeriodPoint, type LoanSnapshot, type LoanView } from "../loans";
import { MAX_FIRST, MAX_SKIP } from "./limits";
import { describeZodIssues } from "@abs/core";

/** Indexer-only query fields of the penetrating views (not part of a subgraph). */
export const LOAN_TYPE_DEFS = `
"A loan of a pool's tape, joined from the member node beside this indexer (loan-level entitlement only)"
type Loan {
  pool: Bytes!
  tapeVersion: Int!
  loanId: String!
  "Pseudonymous borrower id (no personal data)"
  borrowerId: Bytes!
  region: String!
  productType: String!
  creditGrade: String!
  status: String!
  daysPastDue: Int!
  originalPrincipalCents: BigInt!
  currentPrincipalCents: BigInt!
  rateWad: BigInt!
  remainingTermMonths: Int!
  "verified: the tape's records rebuild the Merkle root anchored on chain"
  proofStatus: String!
  "Other pools the same loan (id and borrower) is pledged into"
  otherPools: [Bytes!]!
  "The loan in every joined tape version of its pool (each period's snapshot), oldest first; the last is this view's"
  history: [LoanSnapshot!]!
  "The loan's state at the end of every reported period, oldest first, each verified against the period's anchored loan-state root"
  periods: [LoanPeriodState!]!
}
"""
A loan's state at the end of a reported period, joined from the servicer's node (amounts in cents, null unless verified).
proofStatus: verified (the state hashes to its leaf and the period's leaves rebuild the loan-state root of the period
report anchored on chain), refused (served but it did not verify: no values kept, the reason says why) or
unavailable (the servicer's node did not serve the period).
"""
type LoanPeriodState {
  period: Int!
  proofStatus: String!
  reason: String
  "current, delinquent, defaulted, prepaid or matured at the period end"
  status: String
  daysPastDue: Int
  "balance at the start of the period"
  openingPrincipalCents: BigInt
  "principal due in the period per the schedule"
  scheduledPrincipalCents: BigInt
  "principal paid (scheduled, plus arrears when a delinquent loan cures)"
  paidPrincipalCents: BigInt
  interestPaidCents: BigInt
  "principal paid ahead of schedule"
  prepaymentCents: BigInt
  "balance charged off when the loan defaulted in the period"
  defaultPrincipalCents: BigInt
  "cash recovered on a defaulted loan"
  recoveryCents: BigInt
  "balance at the period end: opening - paid - prepayment - default"
  closingPrincipalCents: BigInt
}
"A loan in one tape version of its pool"
type LoanSnapshot {
  tapeVersion: Int!
  "verified / root-mismatch as for Loan, or refused: the member node served it and it did not verify (no values kept)"
  proofStatus: String!
  status: String
  daysPastDue: Int
  currentPrincipalCents: BigInt
}
"A pseudonymous borrower's share of a pool's current principal; shareBps = floor(principal * 10000 / pool principal)"
type BorrowerConcentration { borrowerId: Bytes! loanCount: Int! principalCents: BigInt! shareBps: Int! }
"A loan the member node served that failed verification against the root anchored on chain"
type RefusedLoan { pool: Bytes! tapeVersion: Int! loanId: String! code: String! reason: String! }
type Concentration { key: String! loanCount: Int! principalCents: BigInt! shareBps: Int! }
enum ConcentrationBy { region productType creditGrade }
"""
Loans are listed in loan id order. \`loanId_gt\` is the keyset cursor (the last loan id of the previous page): paging
with it costs the same on any page of any pool, where \`skip\` stops at 5,000. \`loanId_lte\` with \`loansCount\` gives a
page's position: how many matching loans come up to the cursor.
"""
input Loan_filter {
  region: String
  productType: String
  creditGrade: String
  status: String
  proofStatus: String
  loanId_contains: String
  loanId_gt: String
  loanId_lte: String
  daysPastDue_gte: Int
}
extend type Query {
  loans(pool: Bytes!, first: Int = 100, skip: Int = 0, where: Loan_filter): [Loan!]!
  "How many loans of the pool's latest joined tape match \`where\` (for a pager)"
  loansCount(pool: Bytes!, where: Loan_filter): Int!
  loan(pool: Bytes!, loanId: String!): Loan
  "A loan's history across the joined tape versions, also for a loan no longer in the latest one"
  loanHistory(pool: Bytes!, loanId: String!): [LoanSnapshot!]!
  "A loan's state in every reported period, verified point by point, also for a loan no longer in the latest tape"
  loanPeriods(pool: Bytes!, loanId: String!): [LoanPeriodState!]!
  "The borrowers (pseudonymous ids) holding the most current principal of the pool"
  topBorrowers(pool: Bytes!, first: Int = 10): [BorrowerConcentration!]!
  loanConcentrations(pool: Bytes!, by: ConcentrationBy!): [Concentration!]!
  doublePledgedLoans: [Loan!]!
  refusedLoans(pool: Bytes!): [RefusedLoan!]!
}
`;

const loansArgs = z.object({
  pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a pool address"),
  first: z.number().int().min(0).max(MAX_FIRST).default(100),
  skip: z.number().int().min(0).max(MAX_SKIP).default(0),
  where: z
    .object({
      region: z.string().optional(),
      productType: z.string().optional(),
      creditGrade: z.string().optional(),
      status: z.string().optional(),
      proofStatus: z.string().optional(),
      loanId_contains: z.string().optional(),
      loanId_gt: z.string().optional(),
      loanId_lte: z.string().optional(),
      daysPastDue_gte: z.number().int().min(0).optional(),
    })
    .strict()
    .optional(),
});
type LoanFilter = NonNullable<z.output<typeof loansArgs>["where"]>;

/** Whether `loan` matches every field of `where` (the bounds `loanId_gt` and `loanId_lte` are applied by `matching`). */
function matches(loan: LoanView, w: LoanFilter): boolean {
  return (
    (w.region === undefined || loan.region === w.region) &&
    (w.productType === undefined || loan.productType === w.productType) &&
    (w.creditGrade === undefined || loan.creditGrade === w.creditGrade) &&
    (w.status === undefined || loan.status === w.status) &&
    (w.proofStatus === undefined || loan.proofStatus === w.proofStatus) &&
    (w.daysPastDue_gte === undefined || loan.daysPastDue >= w.daysPastDue_gte) &&
    (w.loanId_contains === undefined || loan.loanId.includes(w.loanId_contains))
  );
}

/**
 * The loans (in loan id order) between the bounds that match `where`, lazily: a page stops reading when full. Both
 * bounds are binary searches, so counting up to a cursor reads only the loans before it.
 */
function* matching(loans: readonly LoanView[], w: LoanFilter): Generator<LoanView> {
  const end = w.loanId_lte === undefined ? loans.length : firstAfter(loans, w.loanId_lte);
  for (let i = w.loanId_gt === undefined ? 0 : firstAfter(loans, w.loanId_gt); i < end; i++) {
    const loan = loans[i];
    if (loan !== undefined && matches(loan, w)) yield loan;
  }
}

/** What the loan resolvers read of the request context. */
interface LoanContext {
  access: LoanAccess;
}

async function guarded<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof IndexerError) throw new GraphQLError(error.message, { extensions: { code: error.code } });
    throw error;
  }
}

function parse<T>(schema: z.ZodType<T>, args: unknown): T {
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    throw new GraphQLError(describeZodIssues(parsed.error, ""), {
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
  return parsed.data;
}

/** A loan as GraphQL answers it: its histories are only read if the query selects them. */
type LoanAnswer = LoanView & {
  history: () => Promise<LoanSnapshot[]>;
  periods: () => Promise<LoanPeriodPoint[]>;
};

export function loanResolvers(book: LoanBook | undefined): Record<string, unknown> {
  const need = (): LoanBook => {
    if (!book)
      throw new GraphQLError("no loan-level records are joined to this indexer", {
        extensions: { code: "NOT_ENTITLED" },
      });
    return book;
  };
  const answer = (view: LoanView): LoanAnswer => ({
    ...view,
    history: () => guarded(() => need().history(view.pool, view.loanId)),
    periods: () => guarded(() => need().periodHistory(view.pool, view.loanId)),
  });
  const loanKey = z.object({ pool: loansArgs.shape.pool, loanId: z.string().min(1).max(64) });
  return {
    loans: (_: unknown, raw: unknown, ctx: LoanContext) => {
      const a = parse(loansArgs, raw);
      const w = a.where ?? {};
      return guarded(async () => {
        await ctx.access.assertLoanLevel(a.pool);
        const page: LoanAnswer[] = [];
        let skipped = 0;
        for (const loan of matching(need().loans(a.pool), w)) {
          if (page.length >= a.first) break;
          if (skipped < a.skip) skipped++;
          else page.push(answer(loan));
        }
        return page;
      });
    },
    loansCount: (_: unknown, raw: unknown, ctx: LoanContext) => {
      const a = parse(loansArgs.pick({ pool: true, where: true }), raw);
      return guarded(async () => {
        await ctx.access.assertLoanLevel(a.pool);
        let count = 0;
        for (const _loan of matching(need().loans(a.pool), a.where ?? {})) count++;
        return count;
      });
    },
    loan: (_: unknown, raw: unknown, ctx: LoanContext) => {
      const a = parse(loanKey, raw);
      return guarded(async () => {
        await ctx.access.assertLoanLevel(a.pool);
        const view = need().loan(a.pool, a.loanId);
        return view ? answer(view) : null;
      });
    },
    loanHistory: (_: unknown, raw: unknown, ctx: LoanContext) => {
      const a = parse(loanKey, raw);
      return guarded(async () => {
        await ctx.access.assertLoanLevel(a.pool);
        return need().history(a.pool, a.loanId);
      });
    },
    loanPeriods: (_: unknown, raw: unknown, ctx: LoanContext) => {
      const a = parse(loanKey, raw);
      return guarded(async () => {
        await ctx.access.assertLoanLevel(a.pool);
        return need().periodHistory(a.pool, a.loanId);
      });
    },
    topBorrowers: (_: unknown, raw: unknown, ctx: LoanContext) => {
      const a = parse(z.object({ pool: loansArgs.shape.pool, first: loansArgs.shape.first.default(10) }), raw);
      return guarded(async () => {
        await ctx.access.assertLoanLevel(a.pool);
        return need().topBorrowers(a.pool, a.first);
      });
    },
    loanConcentrations: (_: unknown, raw: unknown, ctx: LoanContext) => {
      const a = parse(
        z.object({ pool: loansArgs.shape.pool, by: z.enum(["region", "productType", "creditGrade"]) }),
        raw,
      );
      return guarded(async () => {
        await ctx.access.assertAggregates(a.pool);
        return need().concentrations(a.pool, a.by);
      });
    },
    // Loans pledged into more than one pool: those of the pools the caller may read one by one.
    doublePledgedLoans: (_: unknown, _raw: unknown, ctx: LoanContext) =>
      guarded(async () => {
        const loans = need().doublePledged();
        ctx.access.assertLoanLevelRole();
        const readable = new Set<string>();
        for (const pool of new Set(loans.map((l) => l.pool))) if (await ctx.access.loanLevel(pool)) readable.add(pool);
        return loans.filter((l) => readable.has(l.pool)).map(answer);
      }),
    refusedLoans: (_: unknown, raw: unknown, ctx: LoanContext) => {
      const a = parse(z.object({ pool: loansArgs.shape.pool }), raw);
      return guarded(async () => {
        await ctx.access.assertLoanLevel(a.pool);
        return need().refusedLoans(a.pool);
      });
    },
  };
}
