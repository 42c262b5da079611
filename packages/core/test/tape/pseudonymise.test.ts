import { expect } from "chai";
import { createHmac } from "node:crypto";
import { deriveOriginatorKeys, pseudonymousBorrowerId } from "../../src/tape/pseudonymise";
import { nationalIdCheckCharacter, syntheticPerson } from "../../src/tape/synthetic-people";

const KEY = new Uint8Array(32).fill(9);

describe("tape/pseudonymise", () => {
  it("is HMAC-SHA256 of the domain, the column and the normalised value", () => {
    const expected = createHmac("sha256", KEY).update("abs.borrower-id.v1\u0000phone\u000013800138000").digest("hex");
    expect(pseudonymousBorrowerId(KEY, "phone", "(138) 0013-8000")).to.equal(`0x${expected}`);
  });

  it("separates columns and keys", () => {
    const id = pseudonymousBorrowerId(KEY, "phone", "13800138000");
    expect(pseudonymousBorrowerId(KEY, "national_id", "13800138000")).not.to.equal(id);
    expect(pseudonymousBorrowerId(new Uint8Array(32).fill(8), "phone", "13800138000")).not.to.equal(id);
  });

  it("refuses a short key without echoing it", () => {
    expect(() => pseudonymousBorrowerId(new Uint8Array(8), "phone", "1")).to.throw(
      "Invalid borrowerKey: expected a secret key of at least 32 bytes, found 8 bytes",
    );
  });

  it("derives two distinct, stable keys from one master key", () => {
    const keys = deriveOriginatorKeys(KEY);
    expect(keys.borrowerKey).to.have.length(32);
    expect(Buffer.from(keys.borrowerKey).equals(Buffer.from(keys.saltKey))).to.equal(false);
    expect(deriveOriginatorKeys(KEY)).to.deep.equal(keys);
  });

  it("makes synthetic people that cannot be real: area 99, phone prefix 100, valid check character", () => {
    const person = syntheticPerson(`0x${"ab".repeat(32)}`);
    expect(person.nationalId).to.match(/^99\d{15}[\dX]$/);
    expect(person.nationalId.slice(17)).to.equal(nationalIdCheckCharacter(person.nationalId.slice(0, 17)));
    expect(person.phone).to.match(/^100\d{8}$/);
    expect(nationalIdCheckCharacter("11010519491231002")).to.equal("X");
  });
});
