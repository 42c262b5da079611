/**
 * A loan as `validateTape` hands it to `onLoan`: the record both as an object and as its JSON, each made from
 * the other only when asked for. A row checked on this thread has the object; a row checked on a row worker
 * arrives as JSON (cheap to copy between threads, and what a store writes), and is parsed back only if a
 * caller reads `record`.
 */
import { type LoanRecord, loanRecordJson, parseLoanRecord } from "../loan-record";

/** A loan as committed: the pseudonymised record, its salt and leaf, and its position among the leaves. */
export interface CommittedLoan {
  readonly loanId: string;
  readonly record: LoanRecord;
  /** `loanRecordJson(record)`: the record as a store keeps it. */
  readonly recordJson: string;
  /** `deriveLoanSalt(saltKey, loanId)`: what reopens the leaf. */
  readonly salt: string;
  /** The leaf, 0x hex. */
  readonly leaf: string;
  readonly leafIndex: number;
  /** With `validateTape`'s `pledgeIdentities`: the loan's pledge identity digest (in memory only; see `RowOutcome`). */
  readonly pledgeDigest?: string | undefined;
}

export class LazyCommittedLoan implements CommittedLoan {
  #record: LoanRecord | undefined;
  #recordJson: string | undefined;

  constructor(
    readonly loanId: string,
    form: { readonly record: LoanRecord } | { readonly recordJson: string },
    readonly salt: string,
    readonly leaf: string,
    readonly leafIndex: number,
    readonly pledgeDigest?: string,
  ) {
    if ("record" in form) this.#record = form.record;
    else this.#recordJson = form.recordJson;
  }

  get record(): LoanRecord {
    this.#record ??= parseLoanRecord(JSON.parse(this.#recordJson ?? "null"));
    return this.#record;
  }

  get recordJson(): string {
    this.#recordJson ??= loanRecordJson(this.record);
    return this.#recordJson;
  }
}
