/**
 * Every contract the consortium deploys fits the EIP-170 limit (24,576 bytes of runtime code), which Besu enforces
 * as any client does (issue 17's genesis keeps it). The Hardhat network does not refuse a larger contract by
 * default, so nothing else would notice: a factory that embeds another contract's creation code (WaterfallFactory
 * holds Waterfall's, in a data contract whose code is that creation code) is the first to cross it.
 */
import { expect } from "chai";
import { artifacts } from "hardhat";

const EIP_170_LIMIT = 24_576;

describe("contract sizes", () => {
  it("every deployable contract's runtime code fits EIP-170 (mocks excluded)", async () => {
    const names = (await artifacts.getAllFullyQualifiedNames()).filter(
      (n) => n.startsWith("contracts/") && !n.startsWith("contracts/mocks/"),
    );
    const sizes = await Promise.all(
      names.map(async (n) => {
        const a = await artifacts.readArtifact(n);
        return { name: n, bytes: (a.deployedBytecode.length - 2) / 2 };
      }),
    );
    const deployable = sizes.filter((s) => s.bytes > 0);
    expect(deployable.map((s) => s.name)).to.include.members([
      "contracts/waterfall/Waterfall.sol:Waterfall",
      "contracts/waterfall/WaterfallFactory.sol:WaterfallFactory",
      "contracts/pool/AssetPool.sol:AssetPool",
    ]);
    const over = deployable.filter((s) => s.bytes > EIP_170_LIMIT);
    expect(over, JSON.stringify(over)).to.deep.equal([]);
  });

  it("Waterfall's creation code fits the data contract WaterfallFactory keeps it in (the tighter limit)", async () => {
    const waterfall = await artifacts.readArtifact("contracts/waterfall/Waterfall.sol:Waterfall");
    const creationBytes = (waterfall.bytecode.length - 2) / 2;
    expect(creationBytes, `Waterfall creation code ${creationBytes} bytes`).to.be.at.most(EIP_170_LIMIT);
  });
});
