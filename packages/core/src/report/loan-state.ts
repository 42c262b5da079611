/**
 * The per-loan state leaf of a period report: what the report's `loanStateRoot` commits to for each loan.
 *
 * Leaf: the OpenZeppelin `StandardMerkleTree` leaf over `LOAN_STATE_LEAF_TYPES` and the values
 * `[salt, LOAN_STATE_VERSION, loanId, period, opening, scheduled, paid, interest, prepayment, default, recovery,
 * closing, status, daysPastDue]` (the loan's whole row of the period performance file but its end date, which is
 * the report's), i.e. in Solidity `keccak256(bytes.concat(keccak256(abi.encode(...))))`, so a state proof checks
 * with `MerkleProof.verify(proof, loanStateRoot, leaf)`. `status` is the index of the status in
 * `PERFORMANCE_STATUSES` (0 current, 1 delinquent, 2 defaulted, 3 prepaid, 4 matured). Version 2 commits every
 * amount of the row, so a loan's history (balance, paid, prepaid, defaulted, recovered) is provable period by
 * period; version 1 committed the closing balance, status and days past due only.
 *
 * Salt: the tape's derivation, `HMAC-SHA256(saltKey, message)` (`deriveLoanSalt`), with the message
 * `"abs.loan-state.v1|<period>|<loanId>"` instead of the bare loan id (the salt scheme is unchanged since
 * version 1). The key is the reporting member's (the servicer node's state key): it recomputes every salt from
 * it alone, a state leaf never shares a salt with the tape leaf of the same loan, and revealing one period's
 * state (and its salt) reveals nothing about the loan's other periods. Loan ids cannot contain "|", so the
 * message is unambiguous.
 */
import { hexlify } from "ethers";
import { z } from "zod";
import { encodeFlatAbi } from "../abi-encode";
import { InvalidArgumentError } from "../errors";
import { describeBytes32, isBytes32Hex, keccak256Bytes } from "../hashing";
import { MAX_CENTS, MAX_DAYS_PAST_DUE } from "../loan-record";
import { deriveLoanSalt } from "../tape-commitment";
import { PERFORMANCE_STATUSES, type PerformanceStatus } from "../tape/performance";

/** Version of the state-leaf encoding; second value of every leaf. */
export const LOAN_STATE_VERSION = 2;

/** Domain of the state-leaf salts (see the module comment). */
export const LOAN_STATE_SALT_DOMAIN = "abs.loan-state.v1";

/** ABI types of a state leaf's preimage. */
export const LOAN_STATE_LEAF_TYPES: readonly string[] = [
  "bytes32", // salt
  "uint8", // LOAN_STATE_VERSION
  "string", // loanId
  "uint32", // period
  "uint128", // openingPrincipalCents
  "uint128", // scheduledPrincipalCents
  "uint128", // paidPrincipalCents
  "uint128", // interestPaidCents
  "uint128", // prepaymentCents
  "uint128", // defaultPrincipalCents
  "uint128", // recoveryCents
  "uint128", // closingPrincipalCents
  "uint8", // status index in PERFORMANCE_STATUSES
  "uint16", // daysPastDue at the period end
];

/** A loan's period as the state leaf commits it: its row of the performance file (amounts in cents). */
export interface LoanState {
  readonly loanId: string;
  readonly period: number;
  /** Balance at the start of the period. */
  readonly openingPrincipalCents: bigint;
  /** Principal due in the period per the schedule. */
  readonly scheduledPrincipalCents: bigint;
  /** Principal paid (scheduled, plus arrears when a delinquent loan cures). */
  readonly paidPrincipalCents: bigint;
  readonly interestPaidCents: bigint;
  /** Principal paid ahead of schedule (full or partial). */
  readonly prepaymentCents: bigint;
  /** Balance charged off when the loan defaulted this period. */
  readonly defaultPrincipalCents: bigint;
  /** Cash recovered on a defaulted loan. */
  readonly recoveryCents: bigint;
  /** Balance at the period end: opening - paid - prepayment - default. */
  readonly closingPrincipalCents: bigint;
  readonly status: PerformanceStatus;
  readonly daysPastDue: number;
}

/** The amounts of a state, in leaf order. */
export const LOAN_STATE_AMOUNTS = [
  "openingPrincipalCents",
  "scheduledPrincipalCents",
  "paidPrincipalCents",
  "interestPaidCents",
  "prepaymentCents",
  "defaultPrincipalCents",
  "recoveryCents",
  "closingPrincipalCents",
] as const satisfies readonly (keyof LoanState)[];

const cents = z
  .union([z.string().regex(/^\d{1,39}$/, "expected cents as decimal digits"), z.bigint()])
  .transform((v) => BigInt(v))
  .pipe(z.bigint().min(0n).max(MAX_CENTS));

/** A state as JSON carries it between nodes (amounts as decimal strings of cents). */
export const loanStateSchema = z.strictObject({
  loanId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "expected a loan id"),
  period: z.number().int().min(1).max(0xffff_ffff),
  openingPrincipalCents: cents,
  scheduledPrincipalCents: cents,
  paidPrincipalCents: cents,
  interestPaidCents: cents,
  prepaymentCents: cents,
  defaultPrincipalCents: cents,
  recoveryCents: cents,
  closingPrincipalCents: cents,
  status: z.enum(PERFORMANCE_STATUSES),
  daysPastDue: z.number().int().min(0).max(MAX_DAYS_PAST_DUE),
});

/** The state of a performance row (the row without its end date, which the report carries). */
export function loanStateOf(row: LoanState): LoanState {
  return {
    loanId: row.loanId,
    period: row.period,
    openingPrincipalCents: row.openingPrincipalCents,
    scheduledPrincipalCents: row.scheduledPrincipalCents,
    paidPrincipalCents: row.paidPrincipalCents,
    interestPaidCents: row.interestPaidCents,
    prepaymentCents: row.prepaymentCents,
    defaultPrincipalCents: row.defaultPrincipalCents,
    recoveryCents: row.recoveryCents,
    closingPrincipalCents: row.closingPrincipalCents,
    status: row.status,
    daysPastDue: row.daysPastDue,
  };
}

/** The salt of a loan's state leaf for `period`: `HMAC-SHA256(saltKey, "abs.loan-state.v1|period|loanId")`. */
export function deriveLoanStateSalt(saltKey: Uint8Array, period: number, loanId: string): string {
  return deriveLoanSalt(saltKey, `${LOAN_STATE_SALT_DOMAIN}|${period}|${loanId}`);
}

/** The state leaf's preimage as values for `LOAN_STATE_LEAF_TYPES` (what a peer needs to check a proof). */
export function loanStateValues(state: LoanState, salt: string): (string | bigint | number)[] {
  if (!isBytes32Hex(salt)) {
    throw new InvalidArgumentError("salt", "0x followed by 64 hex digits", describeBytes32(salt));
  }
  return [
    salt.toLowerCase(),
    LOAN_STATE_VERSION,
    state.loanId,
    state.period,
    ...LOAN_STATE_AMOUNTS.map((field) => state[field]),
    PERFORMANCE_STATUSES.indexOf(state.status),
    state.daysPastDue,
  ];
}

/** The loan's state leaf, `keccak256(keccak256(abi.encode(...loanStateValues)))`, as 0x hex. */
export function loanStateLeaf(state: LoanState, salt: string): string {
  return hexlify(keccak256Bytes(keccak256Bytes(encodeFlatAbi(LOAN_STATE_LEAF_TYPES, loanStateValues(state, salt)))));
}
