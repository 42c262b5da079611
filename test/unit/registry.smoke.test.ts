import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { deployConsortium } from "../helpers/consortium";
import { HolderCode, Role } from "../helpers/roles";

describe("ConsortiumRegistry (smoke)", () => {
  it("deploys the sample consortium with k = 3 of n = 4", async () => {
    const { registry, trustee, investor1, outsider, suspend } = await loadFixture(deployConsortium);
    expect(await registry.threshold()).to.equal(3);
    expect(await registry.votingMemberCount()).to.equal(4);
    expect(await registry.hasRole(trustee.address, Role.TRUSTEE)).to.equal(true);
    expect(await registry.holderCode(investor1.address, 1)).to.equal(HolderCode.ELIGIBLE);
    expect(await registry.holderCode(outsider.address, 1)).to.equal(HolderCode.NOT_MEMBER);
    await suspend(investor1.address);
    expect(await registry.holderCode(investor1.address, 1)).to.equal(HolderCode.NOT_ACTIVE);
  });
});
