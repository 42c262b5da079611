/**
 * A loan as `validateTape` hands it to `onLoan`: the record both as an object and as its JSON, the salt and leaf
 * both as text and as bytes, each made from the other only when asked for. A row checked on this thread has the
 * object; a row checked on a row worker arrives as bytes (moved between threads without a copy, and what a store
 * writes), and is decoded only if a caller reads the text or the object.
 */
import { bytesToHex } from "../hashing";
import { type LoanRecord, loanRecordJson, parseLoanRecord } from "../loan-record";

/** A loan as committed: the pseudonymised record, its salt and leaf, and its position among the leaves. */
export interface CommittedLoan {
  readonly loanId: string;
  readonly record: LoanRecord;
  /** `loanRecordJson(record)`: the record as a store keeps it. */
  readonly recordJson: string;
  /** `recordJson` as UTF-8. A view that may share its buffer with other loans: copy it to keep it. */
  readonly recordJsonUtf8: Uint8Array;
  /** `deriveLoanSalt(saltKey, loanId)`: what reopens the leaf (0x hex). */
  readonly salt: string;
  /** `salt` as its 66 ASCII bytes. A view, like `recordJsonUtf8`. */
  readonly saltAscii: Uint8Array;
  /** The leaf, 0x hex. */
  readonly leaf: string;
  /** The leaf's 32 bytes. A view, like `recordJsonUtf8`. */
  readonly leafBytes: Uint8Array;
  readonly leafIndex: number;
  /** With `validateTape`'s `pledgeIdentities`: the loan's pledge identity digest (in memory only; see `RowOutcome`). */
  readonly pledgeDigest?: string | undefined;
}

/** Bytes as text, without copying them (latin1 for ASCII hex, utf8 for JSON). */
function text(bytes: Uint8Array, encoding: "latin1" | "utf8"): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding);
}

export class LazyCommittedLoan implements CommittedLoan {
  #record: LoanRecord | undefined;
  #recordJson: string | undefined;
  #recordJsonUtf8: Uint8Array | undefined;
  #salt: string | undefined;
  #saltAscii: Uint8Array | undefined;
  #leaf: string | undefined;

  /** `salt`: 0x hex, as text or as its ASCII bytes. */
  constructor(
    readonly loanId: string,
    form: { readonly record: LoanRecord } | { readonly recordJsonUtf8: Uint8Array },
    salt: string | Uint8Array,
    readonly leafBytes: Uint8Array,
    readonly leafIndex: number,
    readonly pledgeDigest?: string,
  ) {
    if ("record" in form) this.#record = form.record;
    else this.#recordJsonUtf8 = form.recordJsonUtf8;
    if (typeof salt === "string") this.#salt = salt;
    else this.#saltAscii = salt;
  }

  get record(): LoanRecord {
    this.#record ??= parseLoanRecord(JSON.parse(this.recordJson));
    return this.#record;
  }

  get recordJson(): string {
    this.#recordJson ??=
      this.#recordJsonUtf8 === undefined ? loanRecordJson(this.record) : text(this.#recordJsonUtf8, "utf8");
    return this.#recordJson;
  }

  get recordJsonUtf8(): Uint8Array {
    this.#recordJsonUtf8 ??= Buffer.from(this.recordJson, "utf8");
    return this.#recordJsonUtf8;
  }

  get salt(): string {
    this.#salt ??= text(this.#saltAscii ?? new Uint8Array(0), "latin1");
    return this.#salt;
  }

  get saltAscii(): Uint8Array {
    this.#saltAscii ??= Buffer.from(this.salt, "latin1");
    return this.#saltAscii;
  }

  get leaf(): string {
    this.#leaf ??= bytesToHex(this.leafBytes);
    return this.#leaf;
  }
}
