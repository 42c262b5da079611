/**
 * The per-loan state leaf of a period report: what the report's `loanStateRoot` commits to for each loan.
 *
 * Leaf: the OpenZeppelin `StandardMerkleTree` leaf over `LOAN_STATE_LEAF_TYPES` and the values
 * `[salt, LOAN_STATE_VERSION, loanId, period, closingPrincipalCents, status, daysPastDue]`, i.e. in Solidity
 * `keccak256(bytes.concat(keccak256(abi.encode(salt, version, loanId, period, closing, status, dpd))))`,
 * so a state proof checks with `MerkleProof.verify(proof, loanStateRoot, leaf)`. `status` is the index of
 * the status in `PERFORMANCE_STATUSES` (0 current, 1 delinquent, 2 defaulted, 3 prepaid, 4 matured).
 *
 * Salt: the tape's derivation, `HMAC-SHA256(saltKey, message)` (`deriveLoanSalt`), with the message
 * `"abs.loan-state.v1|<period>|<loanId>"` instead of the bare loan id. So the originator recomputes every
 * salt from its salt key alone, a state leaf never shares a salt with the tape leaf of the same loan, and
 * revealing one period's state (and its salt) reveals nothing about the loan's other periods. Loan ids
 * cannot contain "|", so the message is unambiguous.
 */
import { hexlify } from "ethers";
import { encodeFlatAbi } from "../abi-encode";
import { InvalidArgumentError } from "../errors";
import { describeBytes32, isBytes32Hex, keccak256Bytes } from "../hashing";
import { deriveLoanSalt } from "../tape-commitment";
import { PERFORMANCE_STATUSES, type PerformanceStatus } from "../tape/performance";

/** Version of the state-leaf encoding; second value of every leaf. */
export const LOAN_STATE_VERSION = 1;

/** Domain of the state-leaf salts (see the module comment). */
export const LOAN_STATE_SALT_DOMAIN = "abs.loan-state.v1";

/** ABI types of a state leaf's preimage. */
export const LOAN_STATE_LEAF_TYPES: readonly string[] = [
  "bytes32", // salt
  "uint8", // LOAN_STATE_VERSION
  "string", // loanId
  "uint32", // period
  "uint128", // closingPrincipalCents
  "uint8", // status index in PERFORMANCE_STATUSES
  "uint16", // daysPastDue at the period end
];

/** A loan's state at the end of a period, as committed by the state leaf. */
export interface LoanState {
  readonly loanId: string;
  readonly period: number;
  readonly closingPrincipalCents: bigint;
  readonly status: PerformanceStatus;
  readonly daysPastDue: number;
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
    state.closingPrincipalCents,
    PERFORMANCE_STATUSES.indexOf(state.status),
    state.daysPastDue,
  ];
}

/** The loan's state leaf, `keccak256(keccak256(abi.encode(...loanStateValues)))`, as 0x hex. */
export function loanStateLeaf(state: LoanState, salt: string): string {
  return hexlify(keccak256Bytes(keccak256Bytes(encodeFlatAbi(LOAN_STATE_LEAF_TYPES, loanStateValues(state, salt)))));
}
