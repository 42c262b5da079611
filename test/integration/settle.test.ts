import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { settlement } from "../../packages/core/src";
import { advance } from "../helpers/pool";
import { deployWaterfallDeal, reportAndDeposit } from "../helpers/waterfall";

const { SettlementError, WATERFALL_ABI, closeOutDeal, diffResults, settlePeriod, settlementJson } = settlement;

describe("settlement (scripts/settle.ts, abs settle) against the chain", () => {
  it("the embedded Waterfall ABI matches the compiled contract", async () => {
    const artifact = await ethers.getContractFactory("Waterfall");
    const compiled = new Set(artifact.interface.format());
    for (const fragment of WATERFALL_ABI) expect(compiled.has(fragment), fragment).to.equal(true);
  });

  it("computes, runs and verifies a period to the cent, and reports it", async () => {
    const deal = await loadFixture(deployWaterfallDeal);
    await reportAndDeposit(deal, 1);
    const lines: string[] = [];
    const report = await settlePeriod(
      { waterfall: await deal.waterfall.getAddress(), period: 1, indexRateWad: 0n },
      { runner: deal.trustee, log: (l) => lines.push(l) },
    );
    expect(report.verified).to.equal(true);
    expect(report.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(report.pool).to.equal(await deal.pool.getAddress());
    expect(await deal.pool.isDistributed(1)).to.equal(true);
    expect(report.table).to.contain("Period 1");
    expect(lines.join("\n")).to.contain("verified");
    const json = JSON.parse(settlementJson(report)) as { expected: { residualCents: string } };
    expect(BigInt(json.expected.residualCents)).to.equal(report.expected.residualCents);
  });

  it("closes a redeemed deal out (abs settle close-out): releases what the waterfall held, cash = payables", async () => {
    const deal = await loadFixture(deployWaterfallDeal);
    const waterfall = await deal.waterfall.getAddress();
    await reportAndDeposit(deal, 1);
    await settlePeriod({ waterfall, period: 1, indexRateWad: 0n }, { runner: deal.trustee });
    // Refused before the pool is Redeemed, with the contract's error named.
    try {
      await closeOutDeal({ waterfall }, { runner: deal.trustee });
      expect.fail("closeOutDeal should have thrown");
    } catch (error) {
      expect(error).to.be.instanceOf(SettlementError);
      expect((error as InstanceType<typeof SettlementError>).message).to.contain("DealNotRedeemed");
    }
    await advance(deal, "Redeemed");
    const reserve = (await deal.waterfall.waterfallState()).reserveCents;
    const lines: string[] = [];
    const report = await closeOutDeal({ waterfall }, { runner: deal.trustee, log: (l) => lines.push(l) });
    expect(report.verified).to.equal(true);
    expect(report.lastPeriod).to.equal(1);
    expect(report.guaranteeReleasedCents).to.equal(deal.config.guarantee.limitCents);
    expect(report.reserveReleasedCents).to.equal(reserve);
    expect(report.collectionsReleasedCents).to.equal(0n);
    expect(report.cashHeldCents).to.equal(report.payablesCents);
    expect(report.equityHolder).to.equal(deal.originator.address);
    expect(lines.join("\n")).to.contain("closed out after period 1");
    expect(await deal.waterfall.closedOut()).to.equal(true);
  });

  it("a dry run sends nothing", async () => {
    const deal = await loadFixture(deployWaterfallDeal);
    await reportAndDeposit(deal, 1);
    const report = await settlePeriod(
      { waterfall: await deal.waterfall.getAddress(), period: 1, indexRateWad: 0n, dryRun: true },
      { runner: deal.trustee },
    );
    expect(report.verified).to.equal(false);
    expect(report.transactionHash).to.equal(null);
    expect(await deal.waterfall.lastPeriod()).to.equal(0);
  });

  it("stops with SETTLEMENT_REVERTED naming the contract's error when the collections are not there", async () => {
    const deal = await loadFixture(deployWaterfallDeal);
    await reportAndDeposit(deal, 1, {}, false);
    try {
      await settlePeriod(
        { waterfall: await deal.waterfall.getAddress(), period: 1, indexRateWad: 0n },
        { runner: deal.trustee },
      );
      expect.fail("settlePeriod should have thrown");
    } catch (error) {
      expect(error).to.be.instanceOf(SettlementError);
      const e = error as InstanceType<typeof SettlementError>;
      expect(e.code).to.equal("SETTLEMENT_REVERTED");
      expect(e.retryable).to.equal(true);
      expect(e.message).to.contain("CollectionsShort");
    }
  });

  it("names every field that differs (the mismatch check)", () => {
    const expected = { tranches: [{ principalPaidCents: 10n }, { principalPaidCents: 5n }], residualCents: 3n };
    const actual = { tranches: [{ principalPaidCents: 10n }, { principalPaidCents: 4n }], residualCents: 4n };
    expect(diffResults(expected, actual)).to.deep.equal([
      "result.tranches.1.principalPaidCents: expected 5, found 4",
      "result.residualCents: expected 3, found 4",
    ]);
  });
});
