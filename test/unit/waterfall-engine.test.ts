import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { fromAbiResult, toAbiConfig, toAbiInputs, toAbiState } from "../../packages/core/src/waterfall";
import { deployWaterfallDeal, inputsOf, reportAndDeposit, sampleWaterfallConfig, stateOf } from "../helpers/waterfall";

/** Deploys a data contract whose code is `data` (the waterfall's SSTORE2 init code, see `Waterfall._writeData`). */
async function deployData(data: string): Promise<string> {
  const bytes = ethers.getBytes(data);
  const length = ethers.toBeHex(bytes.length, 2).slice(2);
  const init = `0x61${length}80600e3d393df300000000${ethers.hexlify(bytes).slice(2)}`;
  const [deployer] = await ethers.getSigners();
  if (!deployer) throw new Error("no signer");
  const receipt = await (await deployer.sendTransaction({ data: init })).wait();
  if (!receipt?.contractAddress) throw new Error("data contract not deployed");
  return receipt.contractAddress;
}

async function sampleDeal() {
  return deployWaterfallDeal(sampleWaterfallConfig());
}

describe("WaterfallEngine", () => {
  it("runStored on a data contract holding abi.encode(config) returns exactly what run returns", async () => {
    const deal = await loadFixture(sampleDeal);
    await reportAndDeposit(deal, 1);
    const config = toAbiConfig(sampleWaterfallConfig());
    const configType = deal.engine.interface.getFunction("run").inputs[0];
    if (!configType) throw new Error("run has no config input");
    const store = await deployData(ethers.AbiCoder.defaultAbiCoder().encode([configType], [config]));
    const state = toAbiState(await stateOf(deal.waterfall));
    const inputs = toAbiInputs(await inputsOf(deal.waterfall, 1));

    const direct = await deal.engine.run(config, state, inputs);
    const stored = await deal.engine.runStored(store, state, inputs);
    expect(fromAbiResult(stored)).to.deep.equal(fromAbiResult(direct));
    expect(stored.tranches.length).to.equal(config.tranches.length);
  });

  it("runStored reverts on an address without a configuration", async () => {
    const deal = await loadFixture(sampleDeal);
    await reportAndDeposit(deal, 1);
    const state = toAbiState(await stateOf(deal.waterfall));
    const inputs = toAbiInputs(await inputsOf(deal.waterfall, 1));
    await expect(deal.engine.runStored(deal.trustee.address, state, inputs)).to.be.reverted;
  });
});
