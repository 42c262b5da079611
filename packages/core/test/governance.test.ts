import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { ActionKind, governanceActionKey, legalEntityHash } from "../src";

describe("governance action keys", () => {
  const admit = {
    kind: ActionKind.AdmitMember,
    account: "0xAbCdEf0000000000000000000000000000000001",
    memberId: "0x" + "11".repeat(32),
    legalEntityHash: legalEntityHash("Bank Four AG"),
    roles: 16,
    flag: false,
    eligibility: { investorClass: 1, jurisdiction: 276, validUntil: 1_800_000_000n },
    threshold: 0,
  };

  it("is the same for the same action, whatever the address's case or the integers' type (ethers answers bigints)", () => {
    const asRead = {
      ...admit,
      kind: BigInt(admit.kind),
      account: admit.account.toLowerCase(),
      roles: 16n,
      eligibility: { investorClass: 1n, jurisdiction: 276n, validUntil: 1_800_000_000n },
      threshold: 0n,
    };
    expect(governanceActionKey(asRead)).to.equal(governanceActionKey(admit));
  });

  it("differs when any field differs", () => {
    const key = governanceActionKey(admit);
    for (const changed of [
      { ...admit, kind: ActionKind.SuspendMember },
      { ...admit, roles: 32 },
      { ...admit, flag: true },
      { ...admit, eligibility: { ...admit.eligibility, jurisdiction: 250 } },
      { ...admit, legalEntityHash: legalEntityHash("Bank Five AG") },
    ]) {
      expect(governanceActionKey(changed)).to.not.equal(key);
    }
  });

  it("hashes a legal entity as the registry's founders were hashed", () => {
    expect(legalEntityHash("Bank Four AG")).to.equal(keccak256(toUtf8Bytes("legal-entity:Bank Four AG")));
  });
});
