import { expect } from "chai";
import { roleSet } from "@abs/core";
import {
  DEFAULT_ENTITLEMENT_POLICY,
  type MemberRecord,
  assertActiveMember,
  assertEntitled,
  decodeRoleSet,
  entitlementOf,
} from "../src/entitlement";
import { type NodeError } from "../src/errors";

const record = (roles: MemberRecord["roles"], status: MemberRecord["status"] = "Active"): MemberRecord => ({
  address: "0x0000000000000000000000000000000000000001",
  memberId: "M",
  roles,
  status,
});

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as NodeError).code;
  }
}

describe("entitlement", () => {
  it("decodes the registry's role bit set", () => {
    expect(decodeRoleSet(roleSet("ORIGINATOR", "INVESTOR"))).to.deep.equal(["ORIGINATOR", "INVESTOR"]);
    expect(decodeRoleSet(0)).to.deep.equal([]);
  });

  it("grants loan-level to trustee/regulator, aggregates to investors, nothing to others", () => {
    const p = DEFAULT_ENTITLEMENT_POLICY;
    expect(entitlementOf(record(["TRUSTEE"]), p)).to.equal("loan-level");
    expect(entitlementOf(record(["REGULATOR"]), p)).to.equal("loan-level");
    expect(entitlementOf(record(["ORIGINATOR", "INVESTOR"]), p)).to.equal("aggregates");
    expect(entitlementOf(record(["CUSTODIAN"]), p)).to.equal(undefined);
    expect(entitlementOf(record(["TRUSTEE"], "Suspended"), p)).to.equal(undefined);
  });

  it("follows a configured policy", () => {
    const p = { loanLevelRoles: ["SERVICER"] as const, aggregateRoles: ["CUSTODIAN"] as const };
    expect(entitlementOf(record(["TRUSTEE"]), p)).to.equal(undefined);
    expect(entitlementOf(record(["SERVICER"]), p)).to.equal("loan-level");
    expect(entitlementOf(record(["CUSTODIAN"]), p)).to.equal("aggregates");
  });

  it("refuses inactive members and insufficient levels with stable codes", () => {
    expect(codeOf(() => assertActiveMember(record([], "None")))).to.equal("PEER_NOT_MEMBER");
    expect(codeOf(() => assertActiveMember(record(["TRUSTEE"], "Suspended")))).to.equal("PEER_NOT_MEMBER");
    expect(codeOf(() => assertActiveMember(record(["TRUSTEE"], "Removed")))).to.equal("PEER_NOT_MEMBER");
    expect(codeOf(() => assertActiveMember(record(["TRUSTEE"])))).to.equal(undefined);
    expect(codeOf(() => assertEntitled("aggregates", "loan-level"))).to.equal("PEER_NOT_ENTITLED");
    expect(codeOf(() => assertEntitled(undefined, "aggregates"))).to.equal("PEER_NOT_ENTITLED");
    expect(codeOf(() => assertEntitled("loan-level", "aggregates"))).to.equal(undefined);
  });
});
