/**
 * Personal data at ingestion: a tape may carry the borrower's national id, phone or name instead of a
 * `borrower_id`. Each row's borrower id is then a keyed hash of one of them, and the clear values are
 * dropped on the spot: they are never put in a record, an error, a log line or on chain.
 *
 * `borrowerId = HMAC-SHA256(borrowerKey, "abs.borrower-id.v1" || 0x00 || kind || 0x00 || normalised value)`
 *
 * The key is the originator's and never leaves its node, so the id cannot be reversed or tested against
 * guesses by anyone else, while the same borrower gets the same id in every tape the originator uploads
 * (needed to see a borrower's exposure across loans). Which value is hashed, by priority: `national_id`
 * if the tape has that column, else `phone`, else `borrower_name` (a poor key: namesakes collide).
 */
import { hkdfSync } from "node:crypto";
import { checkSecretKey, hmacSha256Hex } from "../hashing";
import { PERSONAL_DATA_COLUMNS, type PersonalDataColumn } from "./template";

/** Domain tag of the borrower-id hash. */
export const BORROWER_ID_DOMAIN = "abs.borrower-id.v1";

/** Longest personal-data value accepted, in characters. */
export const MAX_PERSONAL_VALUE_LENGTH = 128;

/** The personal-data column whose value keys borrower ids, given the columns a tape has. */
export function identityColumn(present: ReadonlySet<string>): PersonalDataColumn | undefined {
  return PERSONAL_DATA_COLUMNS.find((column) => present.has(column));
}

/**
 * The value as hashed: national ids trimmed, inner spaces removed and upper-cased (the check character
 * "x" and "X" are the same id); phones without spaces, dashes, dots or parentheses; names trimmed and
 * in Unicode NFC with runs of spaces collapsed.
 */
export function normalisePersonalValue(kind: PersonalDataColumn, value: string): string {
  switch (kind) {
    case "national_id":
      return value.replace(/\s+/g, "").toUpperCase();
    case "phone":
      return value.replace(/[\s\-().]+/g, "");
    case "borrower_name":
      return value.trim().replace(/\s+/g, " ").normalize("NFC");
  }
}

/** The pseudonymous borrower id (0x + 64 hex) of a personal-data value. */
export function pseudonymousBorrowerId(borrowerKey: Uint8Array, kind: PersonalDataColumn, value: string): string {
  checkSecretKey("borrowerKey", borrowerKey);
  return hmacSha256Hex(borrowerKey, `${BORROWER_ID_DOMAIN}\u0000${kind}\u0000${normalisePersonalValue(kind, value)}`);
}

/**
 * What is wrong with a personal-data cell, described by its shape only; `undefined` if it is usable.
 * The value itself never appears in the answer.
 */
export function personalValueProblem(kind: PersonalDataColumn, value: string): string | undefined {
  const normalised = normalisePersonalValue(kind, value);
  if (normalised === "") return value === "" ? "an empty cell" : "a cell of spaces only";
  if (normalised.length > MAX_PERSONAL_VALUE_LENGTH) return `a value of ${normalised.length} characters`;
  if (/\p{Cc}/u.test(normalised)) return "a value with control characters";
  return undefined;
}

/** The two keys an originator's node derives from its one master secret. */
export interface OriginatorKeys {
  /** Keys borrower ids (`pseudonymousBorrowerId`). */
  readonly borrowerKey: Uint8Array;
  /** Keys the per-loan salts of the tape commitment (`deriveLoanSalt`). */
  readonly saltKey: Uint8Array;
}

/**
 * Derives the borrower key and the salt key from the originator's master secret (at least 32 bytes) with
 * HKDF-SHA256 and distinct labels, so that one secret is kept and neither key reveals the other.
 */
export function deriveOriginatorKeys(masterKey: Uint8Array): OriginatorKeys {
  checkSecretKey("masterKey", masterKey);
  const derive = (label: string): Uint8Array =>
    new Uint8Array(hkdfSync("sha256", masterKey, new Uint8Array(0), label, 32));
  return { borrowerKey: derive("abs.originator.borrower-key.v1"), saltKey: derive("abs.originator.salt-key.v1") };
}
