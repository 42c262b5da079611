import { expect } from "chai";
import {
  CoreError,
  DuplicateLoanIdError,
  InvalidArgumentError,
  LoanRecordError,
  MerkleTreeError,
  MoneyFormatError,
} from "../src/errors";

describe("errors", () => {
  it("CoreError carries code, message, cause and retryable (default false)", () => {
    const cause = new Error("disk full");
    const error = new CoreError("INVALID_ARGUMENT", "boom", { cause });
    expect(error).to.be.instanceOf(Error);
    expect(error.code).to.equal("INVALID_ARGUMENT");
    expect(error.message).to.equal("boom");
    expect(error.cause).to.equal(cause);
    expect(error.retryable).to.equal(false);
    expect(error.name).to.equal("CoreError");
    expect(new CoreError("INVALID_ARGUMENT", "later", { retryable: true }).retryable).to.equal(true);
    expect(Object.hasOwn(new CoreError("INVALID_ARGUMENT", "no cause"), "cause")).to.equal(false);
  });

  it("subclasses are CoreErrors with their own name and code", () => {
    const errors: [CoreError, string, string][] = [
      [new InvalidArgumentError("seed", "an integer", "1.5"), "InvalidArgumentError", "INVALID_ARGUMENT"],
      [new MoneyFormatError("cents", '"x"'), "MoneyFormatError", "MONEY_FORMAT_INVALID"],
      [new DuplicateLoanIdError("L1", 3, 1), "DuplicateLoanIdError", "DUPLICATE_LOAN_ID"],
      [new MerkleTreeError("MERKLE_TREE_EMPTY", "at least one leaf", "none"), "MerkleTreeError", "MERKLE_TREE_EMPTY"],
    ];
    for (const [error, name, code] of errors) {
      expect(error).to.be.instanceOf(CoreError);
      expect(error.name).to.equal(name);
      expect(error.code).to.equal(code);
      expect(error.retryable).to.equal(false);
    }
  });

  it("InvalidArgumentError says what was expected and what was found", () => {
    const error = new InvalidArgumentError("seed", "an integer from 0 to 4294967295", "-1");
    expect(error.message).to.equal("Invalid seed: expected an integer from 0 to 4294967295, found -1");
    expect([error.argument, error.expected, error.found]).to.deep.equal([
      "seed",
      "an integer from 0 to 4294967295",
      "-1",
    ]);
  });

  it("LoanRecordError names row, column and field, and counts further issues", () => {
    const first = { field: "rateWad", column: 7, expected: "a rate", found: "the number 0.05" };
    const second = { field: "status", column: undefined, expected: "a status", found: '"paid"' };
    const error = new LoanRecordError(12, [first, second]);
    expect(error.message).to.equal(
      'Invalid loan record at row 12, column 7, field "rateWad": expected a rate, found the number 0.05 (and 1 more)',
    );
    expect([error.row, error.column, error.field, error.expected, error.found]).to.deep.equal([
      12,
      7,
      "rateWad",
      "a rate",
      "the number 0.05",
    ]);
    expect(error.issues).to.deep.equal([first, second]);
    expect(new LoanRecordError(undefined, [second]).message).to.equal(
      'Invalid loan record at field "status": expected a status, found "paid"',
    );
  });

  it("DuplicateLoanIdError names both rows", () => {
    const error = new DuplicateLoanIdError("L7", 9, 4);
    expect(error.message).to.equal(
      'Duplicate loan id at row 9: expected each loan id once per tape, found "L7" already at row 4',
    );
    expect([error.loanId, error.row, error.firstRow]).to.deep.equal(["L7", 9, 4]);
  });
});
