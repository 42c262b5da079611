/**
 * Integration: the custodian's reconciliation end to end on a chain deployed by deploy/: cash minted on
 * bank credits and a payout confirmed on a bank debit, the movements read back from the chain with
 * `readCashMovements`, a statement containing one break of each kind reconciled with `reconcile`, and the
 * digest anchored on the ReconciliationLog (an alert event for the breaks). Only the custodian anchors.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  anchorReconciliation,
  bankRefOf,
  parseCsvStatement,
  parseExpectedFlows,
  readCashMovements,
  reconcile,
  statementKey,
} from "@abs/core";
import { type CashToken, type ReconciliationLog } from "../../typechain-types";
import { deployOtherCashToken } from "../helpers/cash-token";
import { deployDeal, type Deal } from "../helpers/pool";

async function deployReconciliation(): Promise<Deal & { log: ReconciliationLog }> {
  const deal = await deployDeal();
  const log = (await ethers.deployContract("ReconciliationLog", [
    await deal.registry.getAddress(),
    await deal.cashToken.getAddress(),
  ])) as unknown as ReconciliationLog;
  return { ...deal, log };
}

async function today(): Promise<string> {
  const block = await ethers.provider.getBlock("latest");
  return new Date(Number(block?.timestamp ?? 0) * 1000).toISOString().slice(0, 10);
}

async function bankActivity(deal: Deal, cash: CashToken) {
  const { custodian, investor1, investor2 } = deal;
  await (await cash.connect(custodian).mint(investor1.address, 1_000_000_00n, bankRefOf("SUB-INV1-0001"))).wait();
  await (await cash.connect(custodian).mint(investor2.address, 499_999_99n, bankRefOf("SUB-INV2-0001"))).wait();
  await (await cash.connect(custodian).mint(investor2.address, 10_00n, bankRefOf("SUB-INV2-0002"))).wait();
  await (await cash.connect(investor1).requestPayout(2_500_50n, ethers.id("acct:investor-1"))).wait();
  await (await cash.connect(custodian).confirmPayout(1, bankRefOf("PAY-0001"))).wait();
}

describe("custodian reconciliation (integration)", () => {
  it("reads mints and payouts from the chain, finds each kind of break, and anchors the digest with an alert", async () => {
    const deal = await loadFixture(deployReconciliation);
    const { cashToken, custodian, log } = deal;
    await bankActivity(deal, cashToken);
    const date = await today();
    const csv = [
      "value_date,direction,amount,reference,description",
      `${date},credit,1000000.00,SUB-INV1-0001,Subscription investor-1`,
      `${date},credit,500000.00,SUB-INV2-0001,Subscription investor-2`,
      `${date},debit,2500.50,PAY-0001,Payout investor-1`,
      `${date},credit,1000000.00,SUB-INV1-0001,Listed twice`,
      `${date},credit,42.00,REBATE-7,Never minted`,
    ].join("\n");
    const movements = await readCashMovements(ethers.provider, await cashToken.getAddress());
    expect(movements.map((m) => [m.kind, m.amountCents, m.date])).to.deep.equal([
      ["mint", 1_000_000_00n, date],
      ["mint", 499_999_99n, date],
      ["mint", 10_00n, date],
      ["payout", 2_500_50n, date],
    ]);
    const expected = parseExpectedFlows([
      { kind: "distribution", reference: "DIST-P1", direction: "debit", amount: "100.00", date },
    ]);
    const report = reconcile(parseCsvStatement(csv, "STMT-IT-1"), movements, expected);
    expect(report.matched.map((m) => m.reference)).to.deep.equal(["SUB-INV1-0001", "PAY-0001"]);
    expect(report.breaks.map((b) => b.kind)).to.deep.equal([
      "amount-mismatch",
      "duplicate",
      "missing-on-chain",
      "missing-in-bank",
      "missing-expected",
    ]);

    const logAddress = await log.getAddress();
    const cash = await cashToken.getAddress();
    for (const signer of [deal.trustee, deal.investor1, deal.regulator]) {
      await expect(anchorReconciliation(signer, logAddress, cash, report, date))
        .to.be.revertedWithCustomError(log, "NotCustodian")
        .withArgs(signer.address);
    }
    const key = statementKey("STMT-IT-1");
    const seconds = BigInt(Date.parse(`${date}T00:00:00Z`) / 1000);
    const tx = await anchorReconciliation(custodian, logAddress, cash, report, date);
    const receipt = await ethers.provider.getTransactionReceipt(tx);
    const events = (receipt?.logs ?? []).map((l) => log.interface.parseLog(l)?.name);
    expect(events).to.deep.equal(["ReconciliationAnchored", "ReconciliationBreaksReported"]);
    const record = await log.latest(cash, key);
    expect([
      record.revision,
      record.statementDate,
      record.digest,
      record.matchedCount,
      record.breakCount,
    ]).to.deep.equal([1n, seconds, report.digest, 2n, 5n]);
    await expect(log.connect(custodian).anchor(cash, key, seconds, report.digest, 2, 5))
      .to.be.revertedWithCustomError(log, "DigestUnchanged")
      .withArgs(key, report.digest);
    await expect(log.connect(deal.trustee).anchor(cash, key, seconds, ethers.id("x"), 2, 0))
      .to.be.revertedWithCustomError(log, "NotCustodian")
      .withArgs(deal.trustee.address);
    await deal.suspend(custodian.address);
    await expect(log.connect(custodian).anchor(cash, key, seconds, ethers.id("x"), 2, 0))
      .to.be.revertedWithCustomError(log, "NotCustodian")
      .withArgs(custodian.address);
  });

  it("a corrected reconciliation with no breaks is the next revision and raises no alert", async () => {
    const deal = await loadFixture(deployReconciliation);
    const { cashToken, custodian, log } = deal;
    await (await cashToken.connect(custodian).mint(deal.investor1.address, 5_00n, bankRefOf("SUB-A"))).wait();
    const date = await today();
    const cash = await cashToken.getAddress();
    const movements = await readCashMovements(ethers.provider, cash);
    const clean = reconcile(
      parseCsvStatement(`value_date,direction,amount,reference,description\n${date},credit,5.00,SUB-A,ok\n`, "S-2"),
      movements,
    );
    expect(clean.breaks).to.deep.equal([]);
    const key = statementKey("S-2");
    await (await log.connect(custodian).anchor(cash, key, 0, ethers.id("first draft"), 0, 1)).wait();
    const tx = await log.connect(custodian).anchor(cash, key, 0, clean.digest, 1, 0);
    await expect(tx)
      .to.emit(log, "ReconciliationAnchored")
      .withArgs(cash, key, 2, 0, clean.digest, 1, 0, custodian.address)
      .and.not.to.emit(log, "ReconciliationBreaksReported");
    await expect(
      log.connect(custodian).anchor(cash, ethers.ZeroHash, 0, clean.digest, 1, 0),
    ).to.be.revertedWithCustomError(log, "ReconciliationFieldsMissing");
  });

  it("accepts only the consortium's cash token: a CUSTODIAN's own token contract cannot write anchors or alerts", async () => {
    const deal = await loadFixture(deployReconciliation);
    const { custodian, log, registry, cashToken } = deal;
    // Any CUSTODIAN can deploy a CashToken naming itself the custodian; before, the log trusted its custodian().
    const own = await deployOtherCashToken(await registry.getAddress(), custodian.address, "sCNY");
    const ownAddress = await own.getAddress();
    expect(await own.custodian()).to.equal(custodian.address);
    await expect(log.connect(custodian).anchor(ownAddress, ethers.id("STMT-X"), 0, ethers.id("digest"), 0, 9))
      .to.be.revertedWithCustomError(log, "CashTokenUnknown")
      .withArgs(ownAddress, await cashToken.getAddress());
    expect(await log.cashToken()).to.equal(await cashToken.getAddress());
  });
});
