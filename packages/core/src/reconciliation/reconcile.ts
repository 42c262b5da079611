/**
 * Reconciliation of the custodian's bank statement against the chain and the trust's expected flows.
 *
 * The key of a movement is its bank reference: the custodian cites `bankRefOf(reference)` (keccak256 of
 * the reference's UTF-8 bytes) as the cash token's `bankRef` when it mints on a credit (`Minted`) and
 * when it confirms a payout's debit (`PayoutConfirmed`). So each bank credit should match exactly one
 * mint and each debit one confirmed payout, same amount, same day (or within `dateToleranceDays`).
 * Expected flows (subscriptions, collections, distributions, payouts the trust's schedule predicts)
 * match bank lines by reference too.
 *
 * Breaks, each naming the reference, the line and both sides:
 * - `missing-on-chain`: the bank moved money but no token was minted/burned for it;
 * - `missing-in-bank`: a mint or confirmed payout cites a reference the statement lacks;
 * - `missing-expected`: an expected flow has no bank line;
 * - `duplicate`: the statement lists the same reference twice (the second and later lines);
 * - `amount-mismatch`: same reference, different amount or direction;
 * - `date-mismatch`: same reference and amount, dates further apart than the tolerance.
 *
 * The digest is keccak256 of the report's canonical JSON (fixed key order, bigints as decimal strings):
 * what the custodian anchors on chain, and what anyone can recompute from the same inputs.
 */
import { keccak256, toUtf8Bytes } from "ethers";
import { z } from "zod";
import { isoDateToEpochDay, parseIsoDate } from "../iso-date";
import { parseCents } from "../money";
import { describeZodIssues } from "../zod-issues";
import { ReconciliationError } from "./errors";
import { type BankLine, type BankStatement } from "./statement";

/** The cash token's bytes32 `bankRef` for a bank reference. */
export function bankRefOf(reference: string): string {
  return keccak256(toUtf8Bytes(reference));
}

/** A cash-token movement on chain: a mint on a bank credit, or a confirmed payout (a debit). */
export interface ChainMovement {
  readonly kind: "mint" | "payout";
  /** bytes32 hex, as in the event. */
  readonly bankRef: string;
  readonly amountCents: bigint;
  /** The block's date, yyyy-mm-dd (UTC). */
  readonly date: string;
  readonly txHash: string;
}

export type ExpectedFlowKind = "subscription" | "collection" | "distribution" | "payout";

/** A flow the trust expects on its account. */
export interface ExpectedFlow {
  readonly kind: ExpectedFlowKind;
  readonly reference: string;
  readonly direction: "credit" | "debit";
  readonly amountCents: bigint;
  readonly date: string;
}

const expectedFlowSchema = z.strictObject({
  kind: z.enum(["subscription", "collection", "distribution", "payout"]),
  reference: z.string().min(1).max(64),
  direction: z.enum(["credit", "debit"]),
  amount: z.string().transform((text, ctx) => {
    try {
      return parseCents(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  }),
  date: z.string().refine((s) => parseIsoDate(s) !== undefined, "expected a calendar date yyyy-mm-dd"),
});

/** Parse the expected flows: a JSON array of `{kind, reference, direction, amount: "1234.56", date}`. */
export function parseExpectedFlows(json: unknown): ExpectedFlow[] {
  if (!Array.isArray(json)) {
    throw new ReconciliationError(
      "EXPECTED_FLOWS_INVALID",
      "Expected flows: expected a JSON array, found something else",
    );
  }
  return json.map((entry: unknown, i) => {
    const parsed = expectedFlowSchema.safeParse(entry);
    if (!parsed.success) {
      throw new ReconciliationError(
        "EXPECTED_FLOWS_INVALID",
        `Expected flow ${i + 1}: ${describeZodIssues(parsed.error)}`,
        i + 1,
      );
    }
    const { amount, ...rest } = parsed.data;
    return { ...rest, amountCents: amount };
  });
}

export type BreakKind =
  "missing-on-chain" | "missing-in-bank" | "missing-expected" | "duplicate" | "amount-mismatch" | "date-mismatch";

export interface ReconciliationBreak {
  readonly kind: BreakKind;
  readonly reference: string;
  /** The statement line, when the break involves one. */
  readonly line: number | undefined;
  readonly txHash: string | undefined;
  /** What the other side says (the chain's or the expected flow's amount / date), when it says one. */
  readonly expected: string | undefined;
  readonly found: string | undefined;
  readonly message: string;
}

export interface ReconciliationMatch {
  readonly reference: string;
  readonly line: number;
  readonly txHash: string;
  readonly direction: "credit" | "debit";
  readonly amountCents: bigint;
}

export interface ReconciliationReport {
  readonly statementId: string;
  readonly matched: readonly ReconciliationMatch[];
  readonly breaks: readonly ReconciliationBreak[];
  readonly counts: Readonly<Record<BreakKind, number>>;
  readonly totals: {
    readonly bankCreditsCents: bigint;
    readonly bankDebitsCents: bigint;
    readonly chainMintedCents: bigint;
    readonly chainPaidOutCents: bigint;
  };
  /** keccak256 of the canonical JSON of everything above. */
  readonly digest: string;
}

export interface ReconcileOptions {
  /** How many days a bank value date and the block date may differ (default 0: the same day). */
  readonly dateToleranceDays?: number;
}

const signed = (direction: "credit" | "debit", cents: bigint) => (direction === "credit" ? cents : -cents);

/** Match the statement against the chain's movements and the expected flows. */
export function reconcile(
  statement: BankStatement,
  chain: readonly ChainMovement[],
  expected: readonly ExpectedFlow[] = [],
  options: ReconcileOptions = {},
): ReconciliationReport {
  const tolerance = options.dateToleranceDays ?? 0;
  const matched: ReconciliationMatch[] = [];
  const breaks: ReconciliationBreak[] = [];
  const add = (b: Omit<ReconciliationBreak, "line" | "txHash" | "expected" | "found"> & Partial<ReconciliationBreak>) =>
    breaks.push({ line: undefined, txHash: undefined, expected: undefined, found: undefined, ...b });

  const chainByRef = new Map<string, ChainMovement[]>();
  for (const m of chain) {
    const key = m.bankRef.toLowerCase();
    chainByRef.set(key, [...(chainByRef.get(key) ?? []), m]);
  }
  const usedChain = new Set<ChainMovement>();
  const firstLineOf = new Map<string, BankLine>();

  for (const line of statement.lines) {
    const earlier = firstLineOf.get(line.reference);
    if (earlier) {
      add({
        kind: "duplicate",
        reference: line.reference,
        line: line.line,
        message: `line ${line.line}: reference ${line.reference} already on line ${earlier.line}`,
      });
      continue;
    }
    firstLineOf.set(line.reference, line);
    const candidates = chainByRef.get(bankRefOf(line.reference).toLowerCase()) ?? [];
    const movement = candidates.find((m) => !usedChain.has(m));
    if (!movement) {
      add({
        kind: "missing-on-chain",
        reference: line.reference,
        line: line.line,
        found: `${line.direction} ${line.amountCents}`,
        message: `line ${line.line}: bank ${line.direction} of ${line.amountCents} cents (${line.reference}) has no ${line.direction === "credit" ? "mint" : "confirmed payout"} on chain`,
      });
      continue;
    }
    usedChain.add(movement);
    const chainDirection = movement.kind === "mint" ? "credit" : "debit";
    if (signed(chainDirection, movement.amountCents) !== signed(line.direction, line.amountCents)) {
      add({
        kind: "amount-mismatch",
        reference: line.reference,
        line: line.line,
        txHash: movement.txHash,
        expected: `${chainDirection} ${movement.amountCents}`,
        found: `${line.direction} ${line.amountCents}`,
        message: `line ${line.line}: ${line.reference}: chain ${movement.kind} of ${movement.amountCents} cents, bank ${line.direction} of ${line.amountCents}`,
      });
      continue;
    }
    const days = Math.abs(isoDateToEpochDay(movement.date) - isoDateToEpochDay(line.valueDate));
    if (days > tolerance) {
      add({
        kind: "date-mismatch",
        reference: line.reference,
        line: line.line,
        txHash: movement.txHash,
        expected: movement.date,
        found: line.valueDate,
        message: `line ${line.line}: ${line.reference}: value date ${line.valueDate}, on chain ${movement.date} (${days} days apart, tolerance ${tolerance})`,
      });
      continue;
    }
    matched.push({
      reference: line.reference,
      line: line.line,
      txHash: movement.txHash,
      direction: line.direction,
      amountCents: line.amountCents,
    });
  }
  for (const m of chain) {
    if (usedChain.has(m)) continue;
    add({
      kind: "missing-in-bank",
      reference: m.bankRef,
      txHash: m.txHash,
      expected: `${m.kind === "mint" ? "credit" : "debit"} ${m.amountCents}`,
      message: `${m.kind} of ${m.amountCents} cents on ${m.date} (tx ${m.txHash}) cites a bank reference not on the statement`,
    });
  }
  for (const flow of expected) {
    const line = firstLineOf.get(flow.reference);
    if (!line) {
      add({
        kind: "missing-expected",
        reference: flow.reference,
        expected: `${flow.direction} ${flow.amountCents}`,
        message: `expected ${flow.kind} ${flow.reference} (${flow.direction} ${flow.amountCents} cents on ${flow.date}) is not on the statement`,
      });
    } else if (signed(flow.direction, flow.amountCents) !== signed(line.direction, line.amountCents)) {
      add({
        kind: "amount-mismatch",
        reference: flow.reference,
        line: line.line,
        expected: `${flow.direction} ${flow.amountCents}`,
        found: `${line.direction} ${line.amountCents}`,
        message: `line ${line.line}: expected ${flow.kind} ${flow.reference} of ${flow.amountCents} cents, bank says ${line.amountCents}`,
      });
    } else if (Math.abs(isoDateToEpochDay(flow.date) - isoDateToEpochDay(line.valueDate)) > tolerance) {
      add({
        kind: "date-mismatch",
        reference: flow.reference,
        line: line.line,
        expected: flow.date,
        found: line.valueDate,
        message: `line ${line.line}: expected ${flow.kind} ${flow.reference} on ${flow.date}, value date ${line.valueDate}`,
      });
    }
  }

  const counts: Record<BreakKind, number> = {
    "missing-on-chain": 0,
    "missing-in-bank": 0,
    "missing-expected": 0,
    duplicate: 0,
    "amount-mismatch": 0,
    "date-mismatch": 0,
  };
  for (const b of breaks) counts[b.kind] += 1;
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const totals = {
    bankCreditsCents: sum(statement.lines.filter((l) => l.direction === "credit").map((l) => l.amountCents)),
    bankDebitsCents: sum(statement.lines.filter((l) => l.direction === "debit").map((l) => l.amountCents)),
    chainMintedCents: sum(chain.filter((m) => m.kind === "mint").map((m) => m.amountCents)),
    chainPaidOutCents: sum(chain.filter((m) => m.kind === "payout").map((m) => m.amountCents)),
  };
  const body = { statementId: statement.statementId, matched, breaks, counts, totals };
  return { ...body, digest: keccak256(toUtf8Bytes(canonicalJson(body))) };
}

/** JSON with bigints as decimal strings and `undefined` as null: the digest's input. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v === undefined ? null : v,
  );
}
