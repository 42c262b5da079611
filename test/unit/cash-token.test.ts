import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { action } from "../helpers/consortium";
import { CNY, deployCashToken } from "../helpers/cash-token";
import { ActionKind, roleSet } from "../helpers/roles";

/** ISO 4217 "CNY" as the contract's `bytes3`. */
const BENEFICIARY = ethers.id("beneficiary:trust-distribution-account");
const REASON = ethers.id("reason:account-closed");

/** Mirrors `ICashToken.PayoutStatus`. */
const PayoutStatus = { None: 0n, Requested: 1n, Confirmed: 2n, Rejected: 3n } as const;
/** Mirrors the `detectTransferRestriction` codes. */
const Restriction = { OK: 0n, SENDER_NOT_CASH_HOLDER: 1n, RECEIVER_NOT_CASH_HOLDER: 2n } as const;

function bankRef(label: string): string {
  return ethers.id(`bank-ref:${label}`);
}

/** Sample consortium + token, with investor1 credited 1,000.00 (ref "seed"). */
async function deployFunded() {
  const f = await deployCashToken();
  await (await f.token.connect(f.custodian).mint(f.investor1.address, 100_000n, bankRef("seed"))).wait();
  return f;
}

/** Funded, plus investor1's pending payout #1 of 300.00. */
async function deployWithPayout() {
  const f = await deployFunded();
  await (await f.token.connect(f.investor1).requestPayout(30_000n, BENEFICIARY)).wait();
  return f;
}

describe("CashToken", () => {
  describe("deployment", () => {
    it("records registry, custodian, currency and two decimals, and emits CashTokenDeployed", async () => {
      const { token, registry, custodian } = await loadFixture(deployCashToken);
      expect(await token.name()).to.equal("Trust Deposit CNY");
      expect(await token.symbol()).to.equal("tdCNY");
      expect(await token.decimals()).to.equal(2);
      expect(await token.currency()).to.equal(CNY);
      expect(await token.custodian()).to.equal(custodian.address);
      expect(await token.registry()).to.equal(await registry.getAddress());
      expect(await token.totalSupply()).to.equal(0n);
      expect(await token.recordedBankBalanceCents()).to.equal(0n);
      expect(await token.payoutCount()).to.equal(0n);
      const tx = token.deploymentTransaction();
      if (!tx) throw new Error("no deployment transaction");
      await expect(tx)
        .to.emit(token, "CashTokenDeployed")
        .withArgs(await registry.getAddress(), custodian.address, "Trust Deposit CNY", "tdCNY", CNY, 2);
    });

    it("rejects a zero registry or custodian, a custodian without the role, and a non-ISO currency", async () => {
      const { registry, custodian, trustee } = await loadFixture(deployCashToken);
      const factory = await ethers.getContractFactory("CashToken");
      const reg = await registry.getAddress();
      await expect(factory.deploy(ethers.ZeroAddress, custodian.address, "n", "s", CNY)).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
      await expect(factory.deploy(reg, ethers.ZeroAddress, "n", "s", CNY)).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
      await expect(factory.deploy(reg, trustee.address, "n", "s", CNY))
        .to.be.revertedWithCustomError(factory, "NotCustodian")
        .withArgs(trustee.address);
      for (const code of ["cny", "C1Y", "CN\0"]) {
        const bytes3 = ethers.hexlify(ethers.toUtf8Bytes(code));
        await expect(factory.deploy(reg, custodian.address, "n", "s", bytes3))
          .to.be.revertedWithCustomError(factory, "InvalidCurrency")
          .withArgs(bytes3);
      }
    });
  });

  describe("mint", () => {
    it("records the bank credit, mints to a member and emits Minted with the running bank balance", async () => {
      const { token, custodian, investor1, investor2 } = await loadFixture(deployCashToken);
      await expect(token.connect(custodian).mint(investor1.address, 12_345n, bankRef("a")))
        .to.emit(token, "Minted")
        .withArgs(investor1.address, 12_345n, bankRef("a"), 12_345n)
        .and.to.emit(token, "Transfer")
        .withArgs(ethers.ZeroAddress, investor1.address, 12_345n);
      await expect(token.connect(custodian).mint(investor2.address, 5n, bankRef("b")))
        .to.emit(token, "Minted")
        .withArgs(investor2.address, 5n, bankRef("b"), 12_350n);
      expect(await token.balanceOf(investor1.address)).to.equal(12_345n);
      expect(await token.balanceOf(investor2.address)).to.equal(5n);
      expect(await token.totalSupply()).to.equal(12_350n);
      expect(await token.recordedBankBalanceCents()).to.equal(12_350n);
      expect(await token.isBankReferenceUsed(bankRef("a"))).to.equal(true);
      expect(await token.isBankReferenceUsed(bankRef("c"))).to.equal(false);
    });

    it("mints to a registered deal contract", async () => {
      const { token, custodian, dealAccount } = await loadFixture(deployCashToken);
      await expect(token.connect(custodian).mint(dealAccount.address, 700n, bankRef("deal")))
        .to.emit(token, "Minted")
        .withArgs(dealAccount.address, 700n, bankRef("deal"), 700n);
      expect(await token.balanceOf(dealAccount.address)).to.equal(700n);
    });

    it("refuses a receiver that is not a cash holder: an outsider, a suspended member", async () => {
      const { token, custodian, outsider, investor2, suspend } = await loadFixture(deployCashToken);
      await expect(token.connect(custodian).mint(outsider.address, 1n, bankRef("x")))
        .to.be.revertedWithCustomError(token, "NotCashHolder")
        .withArgs(outsider.address);
      await suspend(investor2.address);
      await expect(token.connect(custodian).mint(investor2.address, 1n, bankRef("x")))
        .to.be.revertedWithCustomError(token, "NotCashHolder")
        .withArgs(investor2.address);
    });

    it("refuses a zero amount and a zero bank reference", async () => {
      const { token, custodian, investor1 } = await loadFixture(deployCashToken);
      await expect(token.connect(custodian).mint(investor1.address, 0n, bankRef("x"))).to.be.revertedWithCustomError(
        token,
        "CashAmountZero",
      );
      await expect(token.connect(custodian).mint(investor1.address, 1n, ethers.ZeroHash)).to.be.revertedWithCustomError(
        token,
        "BankReferenceMissing",
      );
    });

    it("refuses a bank reference already used by a mint", async () => {
      const { token, custodian, investor2 } = await loadFixture(deployFunded);
      await expect(token.connect(custodian).mint(investor2.address, 1n, bankRef("seed")))
        .to.be.revertedWithCustomError(token, "BankReferenceUsed")
        .withArgs(bankRef("seed"));
    });

    it("refuses a bank reference already used by a confirmed payout", async () => {
      const { token, custodian, investor2 } = await loadFixture(deployWithPayout);
      await (await token.connect(custodian).confirmPayout(1n, bankRef("payout-1"))).wait();
      await expect(token.connect(custodian).mint(investor2.address, 1n, bankRef("payout-1")))
        .to.be.revertedWithCustomError(token, "BankReferenceUsed")
        .withArgs(bankRef("payout-1"));
    });
  });

  describe("custodian powers", () => {
    async function everyoneButTheCustodian() {
      const f = await loadFixture(deployWithPayout);
      const others: [string, HardhatEthersSigner][] = [
        ["non-member deployer", f.deployer],
        ["originator", f.originator],
        ["servicer", f.servicer],
        ["trustee", f.trustee],
        ["regulator", f.regulator],
        ["investor", f.investor1],
        ["guarantor", f.guarantor],
        ["exchange", f.exchange],
        ["outsider", f.outsider],
        ["factory", f.factory],
        ["deal contract", f.dealAccount],
      ];
      return { ...f, others };
    }

    it("mint by every other role fails with NotCustodian", async () => {
      const { token, investor1, others } = await everyoneButTheCustodian();
      for (const [, signer] of others) {
        await expect(token.connect(signer).mint(investor1.address, 1n, bankRef("x")))
          .to.be.revertedWithCustomError(token, "NotCustodian")
          .withArgs(signer.address);
      }
    });

    it("confirmPayout by every other role fails with NotCustodian", async () => {
      const { token, others } = await everyoneButTheCustodian();
      for (const [, signer] of others) {
        await expect(token.connect(signer).confirmPayout(1n, bankRef("x")))
          .to.be.revertedWithCustomError(token, "NotCustodian")
          .withArgs(signer.address);
      }
    });

    it("rejectPayout by every other role fails with NotCustodian", async () => {
      const { token, others } = await everyoneButTheCustodian();
      for (const [, signer] of others) {
        await expect(token.connect(signer).rejectPayout(1n, REASON))
          .to.be.revertedWithCustomError(token, "NotCustodian")
          .withArgs(signer.address);
      }
    });

    it("a suspended custodian can neither mint, confirm nor reject; reinstated, it can again", async () => {
      const { token, custodian, investor1, suspend, reinstate } = await loadFixture(deployWithPayout);
      await suspend(custodian.address);
      await expect(token.connect(custodian).mint(investor1.address, 1n, bankRef("x")))
        .to.be.revertedWithCustomError(token, "NotCustodian")
        .withArgs(custodian.address);
      await expect(token.connect(custodian).confirmPayout(1n, bankRef("x")))
        .to.be.revertedWithCustomError(token, "NotCustodian")
        .withArgs(custodian.address);
      await expect(token.connect(custodian).rejectPayout(1n, REASON))
        .to.be.revertedWithCustomError(token, "NotCustodian")
        .withArgs(custodian.address);

      await reinstate(custodian.address);
      await expect(token.connect(custodian).mint(investor1.address, 1n, bankRef("x"))).to.emit(token, "Minted");
      await expect(token.connect(custodian).rejectPayout(1n, REASON)).to.emit(token, "PayoutRejected");
    });

    it("a custodian whose CUSTODIAN role is withdrawn loses its powers; restored, it has them again", async () => {
      const { token, custodian, investor1, govern } = await loadFixture(deployWithPayout);
      const setRoles = (roles: number) => govern(action(ActionKind.SetRoles, { account: custodian.address, roles }));
      await setRoles(roleSet("INVESTOR"));
      await expect(token.connect(custodian).mint(investor1.address, 1n, bankRef("x")))
        .to.be.revertedWithCustomError(token, "NotCustodian")
        .withArgs(custodian.address);
      await expect(token.connect(custodian).confirmPayout(1n, bankRef("x")))
        .to.be.revertedWithCustomError(token, "NotCustodian")
        .withArgs(custodian.address);
      await setRoles(roleSet("CUSTODIAN"));
      await expect(token.connect(custodian).confirmPayout(1n, bankRef("x"))).to.emit(token, "PayoutConfirmed");
    });

    it("another member granted CUSTODIAN is still not this token's custodian", async () => {
      const { token, trustee, investor1, govern } = await loadFixture(deployWithPayout);
      await govern(action(ActionKind.SetRoles, { account: trustee.address, roles: roleSet("TRUSTEE", "CUSTODIAN") }));
      await expect(token.connect(trustee).mint(investor1.address, 1n, bankRef("x")))
        .to.be.revertedWithCustomError(token, "NotCustodian")
        .withArgs(trustee.address);
    });
  });

  describe("requestPayout", () => {
    it("moves the tokens into escrow, records the payout and emits PayoutRequested", async () => {
      const { token, investor1 } = await loadFixture(deployFunded);
      const tokenAddress = await token.getAddress();
      await expect(token.connect(investor1).requestPayout(30_000n, BENEFICIARY))
        .to.emit(token, "PayoutRequested")
        .withArgs(1n, investor1.address, 30_000n, BENEFICIARY)
        .and.to.emit(token, "Transfer")
        .withArgs(investor1.address, tokenAddress, 30_000n);
      expect(await token.payoutCount()).to.equal(1n);
      expect(await token.balanceOf(investor1.address)).to.equal(70_000n);
      expect(await token.balanceOf(tokenAddress)).to.equal(30_000n);
      // Escrowed tokens are still outstanding until the bank pays.
      expect(await token.totalSupply()).to.equal(100_000n);
      expect(await token.recordedBankBalanceCents()).to.equal(100_000n);
      const p = await token.payout(1n);
      expect(p.holder).to.equal(investor1.address);
      expect(p.status).to.equal(PayoutStatus.Requested);
      expect(p.amountCents).to.equal(30_000n);
      expect(p.beneficiaryAccountHash).to.equal(BENEFICIARY);
      expect(p.settlementRef).to.equal(ethers.ZeroHash);

      await expect(token.connect(investor1).requestPayout(1n, BENEFICIARY))
        .to.emit(token, "PayoutRequested")
        .withArgs(2n, investor1.address, 1n, BENEFICIARY);
    });

    it("lets a registered deal contract request a payout", async () => {
      const { token, custodian, dealAccount } = await loadFixture(deployCashToken);
      await (await token.connect(custodian).mint(dealAccount.address, 500n, bankRef("deal"))).wait();
      await expect(token.connect(dealAccount).requestPayout(500n, BENEFICIARY))
        .to.emit(token, "PayoutRequested")
        .withArgs(1n, dealAccount.address, 500n, BENEFICIARY);
    });

    it("refuses a caller that is not a cash holder: an outsider, a suspended member", async () => {
      const { token, investor1, outsider, suspend } = await loadFixture(deployFunded);
      await expect(token.connect(outsider).requestPayout(1n, BENEFICIARY))
        .to.be.revertedWithCustomError(token, "NotCashHolder")
        .withArgs(outsider.address);
      await suspend(investor1.address);
      await expect(token.connect(investor1).requestPayout(1n, BENEFICIARY))
        .to.be.revertedWithCustomError(token, "NotCashHolder")
        .withArgs(investor1.address);
    });

    it("refuses a zero amount, a zero beneficiary and more than the balance", async () => {
      const { token, investor1 } = await loadFixture(deployFunded);
      await expect(token.connect(investor1).requestPayout(0n, BENEFICIARY)).to.be.revertedWithCustomError(
        token,
        "CashAmountZero",
      );
      await expect(token.connect(investor1).requestPayout(1n, ethers.ZeroHash)).to.be.revertedWithCustomError(
        token,
        "BeneficiaryAccountMissing",
      );
      await expect(token.connect(investor1).requestPayout(100_001n, BENEFICIARY))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(investor1.address, 100_000n, 100_001n);
    });
  });

  describe("confirmPayout", () => {
    it("burns the escrow, records the bank debit and emits PayoutConfirmed", async () => {
      const { token, custodian, investor1 } = await loadFixture(deployWithPayout);
      const tokenAddress = await token.getAddress();
      await expect(token.connect(custodian).confirmPayout(1n, bankRef("payout-1")))
        .to.emit(token, "PayoutConfirmed")
        .withArgs(1n, investor1.address, 30_000n, bankRef("payout-1"), 70_000n)
        .and.to.emit(token, "Transfer")
        .withArgs(tokenAddress, ethers.ZeroAddress, 30_000n);
      expect(await token.balanceOf(tokenAddress)).to.equal(0n);
      expect(await token.balanceOf(investor1.address)).to.equal(70_000n);
      expect(await token.totalSupply()).to.equal(70_000n);
      expect(await token.recordedBankBalanceCents()).to.equal(70_000n);
      expect(await token.isBankReferenceUsed(bankRef("payout-1"))).to.equal(true);
      const p = await token.payout(1n);
      expect(p.status).to.equal(PayoutStatus.Confirmed);
      expect(p.settlementRef).to.equal(bankRef("payout-1"));
    });

    it("confirms a payout of a holder suspended after asking (the bank has its instruction)", async () => {
      const { token, custodian, investor1, suspend } = await loadFixture(deployWithPayout);
      await suspend(investor1.address);
      await expect(token.connect(custodian).confirmPayout(1n, bankRef("payout-1")))
        .to.emit(token, "PayoutConfirmed")
        .withArgs(1n, investor1.address, 30_000n, bankRef("payout-1"), 70_000n);
    });

    it("refuses an unknown payout", async () => {
      const { token, custodian } = await loadFixture(deployWithPayout);
      for (const id of [0n, 2n]) {
        await expect(token.connect(custodian).confirmPayout(id, bankRef("x")))
          .to.be.revertedWithCustomError(token, "PayoutNotFound")
          .withArgs(id);
      }
    });

    it("settles a payout once: no second confirmation, no rejection after it", async () => {
      const { token, custodian } = await loadFixture(deployWithPayout);
      await (await token.connect(custodian).confirmPayout(1n, bankRef("payout-1"))).wait();
      await expect(token.connect(custodian).confirmPayout(1n, bankRef("payout-1b")))
        .to.be.revertedWithCustomError(token, "PayoutNotPending")
        .withArgs(1n, PayoutStatus.Confirmed);
      await expect(token.connect(custodian).rejectPayout(1n, REASON))
        .to.be.revertedWithCustomError(token, "PayoutNotPending")
        .withArgs(1n, PayoutStatus.Confirmed);
    });

    it("refuses a zero bank reference and one already used by a mint", async () => {
      const { token, custodian } = await loadFixture(deployWithPayout);
      await expect(token.connect(custodian).confirmPayout(1n, ethers.ZeroHash)).to.be.revertedWithCustomError(
        token,
        "BankReferenceMissing",
      );
      await expect(token.connect(custodian).confirmPayout(1n, bankRef("seed")))
        .to.be.revertedWithCustomError(token, "BankReferenceUsed")
        .withArgs(bankRef("seed"));
    });

    it("refuses a bank reference already used by another payout", async () => {
      const { token, custodian, investor1 } = await loadFixture(deployWithPayout);
      await (await token.connect(investor1).requestPayout(1_000n, BENEFICIARY)).wait();
      await (await token.connect(custodian).confirmPayout(1n, bankRef("payout"))).wait();
      await expect(token.connect(custodian).confirmPayout(2n, bankRef("payout")))
        .to.be.revertedWithCustomError(token, "BankReferenceUsed")
        .withArgs(bankRef("payout"));
    });
  });

  describe("rejectPayout", () => {
    it("returns the escrow to the holder and emits PayoutRejected", async () => {
      const { token, custodian, investor1 } = await loadFixture(deployWithPayout);
      const tokenAddress = await token.getAddress();
      await expect(token.connect(custodian).rejectPayout(1n, REASON))
        .to.emit(token, "PayoutRejected")
        .withArgs(1n, investor1.address, 30_000n, REASON)
        .and.to.emit(token, "Transfer")
        .withArgs(tokenAddress, investor1.address, 30_000n);
      expect(await token.balanceOf(investor1.address)).to.equal(100_000n);
      expect(await token.balanceOf(tokenAddress)).to.equal(0n);
      expect(await token.totalSupply()).to.equal(100_000n);
      expect(await token.recordedBankBalanceCents()).to.equal(100_000n);
      const p = await token.payout(1n);
      expect(p.status).to.equal(PayoutStatus.Rejected);
      expect(p.settlementRef).to.equal(REASON);
    });

    it("returns the escrow to a holder suspended since, whose tokens then stay frozen", async () => {
      const { token, custodian, investor1, investor2, suspend } = await loadFixture(deployWithPayout);
      await suspend(investor1.address);
      await expect(token.connect(custodian).rejectPayout(1n, REASON))
        .to.emit(token, "PayoutRejected")
        .withArgs(1n, investor1.address, 30_000n, REASON);
      expect(await token.balanceOf(investor1.address)).to.equal(100_000n);
      await expect(token.connect(investor1).transfer(investor2.address, 1n))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(investor1.address, investor2.address, Restriction.SENDER_NOT_CASH_HOLDER);
    });

    it("does not consume a bank reference: the reason hash is not one", async () => {
      const { token, custodian, investor1 } = await loadFixture(deployWithPayout);
      await (await token.connect(custodian).rejectPayout(1n, bankRef("r"))).wait();
      expect(await token.isBankReferenceUsed(bankRef("r"))).to.equal(false);
      await expect(token.connect(custodian).mint(investor1.address, 1n, bankRef("r"))).to.emit(token, "Minted");
    });

    it("refuses an unknown payout, a zero reason, and a payout settled already", async () => {
      const { token, custodian } = await loadFixture(deployWithPayout);
      await expect(token.connect(custodian).rejectPayout(2n, REASON))
        .to.be.revertedWithCustomError(token, "PayoutNotFound")
        .withArgs(2n);
      await expect(token.connect(custodian).rejectPayout(1n, ethers.ZeroHash)).to.be.revertedWithCustomError(
        token,
        "RejectionReasonMissing",
      );
      await (await token.connect(custodian).rejectPayout(1n, REASON)).wait();
      await expect(token.connect(custodian).rejectPayout(1n, REASON))
        .to.be.revertedWithCustomError(token, "PayoutNotPending")
        .withArgs(1n, PayoutStatus.Rejected);
      await expect(token.connect(custodian).confirmPayout(1n, bankRef("x")))
        .to.be.revertedWithCustomError(token, "PayoutNotPending")
        .withArgs(1n, PayoutStatus.Rejected);
    });
  });

  describe("transfers", () => {
    it("moves cash between members and to and from a registered deal contract", async () => {
      const { token, investor1, investor2, dealAccount, trustee } = await loadFixture(deployFunded);
      await expect(token.connect(investor1).transfer(investor2.address, 1_000n))
        .to.emit(token, "Transfer")
        .withArgs(investor1.address, investor2.address, 1_000n);
      await expect(token.connect(investor1).transfer(dealAccount.address, 2_000n))
        .to.emit(token, "Transfer")
        .withArgs(investor1.address, dealAccount.address, 2_000n);
      await expect(token.connect(dealAccount).transfer(trustee.address, 500n))
        .to.emit(token, "Transfer")
        .withArgs(dealAccount.address, trustee.address, 500n);
      expect(await token.balanceOf(investor1.address)).to.equal(97_000n);
      expect(await token.balanceOf(investor2.address)).to.equal(1_000n);
      expect(await token.balanceOf(dealAccount.address)).to.equal(1_500n);
      expect(await token.balanceOf(trustee.address)).to.equal(500n);
    });

    it("transferFrom by an approved spender between cash holders succeeds", async () => {
      const { token, investor1, investor2, dealAccount } = await loadFixture(deployFunded);
      await (await token.connect(investor1).approve(dealAccount.address, 400n)).wait();
      await expect(token.connect(dealAccount).transferFrom(investor1.address, investor2.address, 400n))
        .to.emit(token, "Transfer")
        .withArgs(investor1.address, investor2.address, 400n);
      expect(await token.allowance(investor1.address, dealAccount.address)).to.equal(0n);
    });

    it("transferFrom checks the spender: a suspended member or an outsider cannot use an allowance", async () => {
      const { token, investor1, investor2, outsider, suspend } = await loadFixture(deployFunded);
      await (await token.connect(investor1).approve(investor2.address, 400n)).wait();
      await (await token.connect(investor1).approve(outsider.address, 400n)).wait();
      await expect(token.connect(outsider).transferFrom(investor1.address, investor2.address, 1n))
        .to.be.revertedWithCustomError(token, "CashSpenderRestricted")
        .withArgs(outsider.address);
      await suspend(investor2.address);
      // investor2 is suspended: its allowance is dead, even towards an eligible receiver (investor1 itself).
      await expect(token.connect(investor2).transferFrom(investor1.address, investor1.address, 1n))
        .to.be.revertedWithCustomError(token, "CashSpenderRestricted")
        .withArgs(investor2.address);
      expect(await token.allowance(investor1.address, investor2.address)).to.equal(400n);
    });

    it("refuses a transfer to an outsider, to the token contract, and from an outsider", async () => {
      const { token, investor1, outsider } = await loadFixture(deployFunded);
      const tokenAddress = await token.getAddress();
      await expect(token.connect(investor1).transfer(outsider.address, 1n))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(investor1.address, outsider.address, Restriction.RECEIVER_NOT_CASH_HOLDER);
      await expect(token.connect(investor1).transfer(tokenAddress, 1n))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(investor1.address, tokenAddress, Restriction.RECEIVER_NOT_CASH_HOLDER);
      await expect(token.connect(outsider).transfer(investor1.address, 0n))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(outsider.address, investor1.address, Restriction.SENDER_NOT_CASH_HOLDER);
    });

    it("refuses transfers from and to a suspended member, and allows them again once reinstated", async () => {
      const { token, custodian, investor1, investor2, suspend, reinstate } = await loadFixture(deployFunded);
      await (await token.connect(custodian).mint(investor2.address, 1_000n, bankRef("inv2"))).wait();
      await suspend(investor2.address);
      await expect(token.connect(investor1).transfer(investor2.address, 1n))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(investor1.address, investor2.address, Restriction.RECEIVER_NOT_CASH_HOLDER);
      await expect(token.connect(investor2).transfer(investor1.address, 1n))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(investor2.address, investor1.address, Restriction.SENDER_NOT_CASH_HOLDER);
      await reinstate(investor2.address);
      await expect(token.connect(investor2).transfer(investor1.address, 1n))
        .to.emit(token, "Transfer")
        .withArgs(investor2.address, investor1.address, 1n);
    });

    it("refuses transferFrom to an outsider even with an allowance", async () => {
      const { token, investor1, investor2, outsider } = await loadFixture(deployFunded);
      await (await token.connect(investor1).approve(investor2.address, 400n)).wait();
      await expect(token.connect(investor2).transferFrom(investor1.address, outsider.address, 400n))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(investor1.address, outsider.address, Restriction.RECEIVER_NOT_CASH_HOLDER);
    });

    it("transferBatch moves each amount with its own Transfer and skips zero amounts", async () => {
      const { token, investor1, investor2, dealAccount } = await loadFixture(deployFunded);
      const tx = token
        .connect(investor1)
        .transferBatch([investor2.address, dealAccount.address, investor2.address], [1_000n, 0n, 250n]);
      await expect(tx).to.emit(token, "Transfer").withArgs(investor1.address, investor2.address, 1_000n);
      await expect(tx).to.emit(token, "Transfer").withArgs(investor1.address, investor2.address, 250n);
      const receipt = await (await tx).wait();
      expect(receipt?.logs.length).to.equal(2);
      expect(await token.balanceOf(investor1.address)).to.equal(98_750n);
      expect(await token.balanceOf(investor2.address)).to.equal(1_250n);
      expect(await token.balanceOf(dealAccount.address)).to.equal(0n);
      // A registered deal contract pays several receivers at once, as the waterfall pays its tranche tokens.
      await (await token.connect(investor1).transfer(dealAccount.address, 500n)).wait();
      await (
        await token.connect(dealAccount).transferBatch([investor1.address, investor2.address], [200n, 300n])
      ).wait();
      expect(await token.balanceOf(dealAccount.address)).to.equal(0n);
    });

    it("transferBatch applies the transfer rules to every move and reverts whole", async () => {
      const { token, investor1, investor2, outsider, suspend } = await loadFixture(deployFunded);
      await expect(token.connect(investor1).transferBatch([investor2.address, outsider.address], [1n, 1n]))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(investor1.address, outsider.address, Restriction.RECEIVER_NOT_CASH_HOLDER);
      await expect(token.connect(outsider).transferBatch([investor1.address], [1n]))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(outsider.address, investor1.address, Restriction.SENDER_NOT_CASH_HOLDER);
      await expect(token.connect(investor1).transferBatch([ethers.ZeroAddress], [1n]))
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
      await expect(token.connect(investor1).transferBatch([investor2.address, investor2.address], [60_000n, 60_000n]))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(investor1.address, 40_000n, 60_000n);
      await expect(token.connect(investor1).transferBatch([investor2.address], [1n, 2n]))
        .to.be.revertedWithCustomError(token, "BatchLengthMismatch")
        .withArgs(1, 2);
      await suspend(investor1.address);
      await expect(token.connect(investor1).transferBatch([investor2.address], [1n]))
        .to.be.revertedWithCustomError(token, "CashTransferRestricted")
        .withArgs(investor1.address, investor2.address, Restriction.SENDER_NOT_CASH_HOLDER);
      expect(await token.balanceOf(investor1.address)).to.equal(100_000n);
      expect(await token.balanceOf(investor2.address)).to.equal(0n);
    });

    it("detectTransferRestriction reports the reason a transfer would fail", async () => {
      const { token, investor1, investor2, dealAccount, outsider, suspend } = await loadFixture(deployFunded);
      const check = (from: string, to: string) => token.detectTransferRestriction(from, to, 1n);
      expect(await check(investor1.address, investor2.address)).to.equal(Restriction.OK);
      expect(await check(investor1.address, dealAccount.address)).to.equal(Restriction.OK);
      expect(await check(outsider.address, investor1.address)).to.equal(Restriction.SENDER_NOT_CASH_HOLDER);
      expect(await check(investor1.address, outsider.address)).to.equal(Restriction.RECEIVER_NOT_CASH_HOLDER);
      // The sender is checked first.
      expect(await check(outsider.address, outsider.address)).to.equal(Restriction.SENDER_NOT_CASH_HOLDER);
      expect(await check(investor1.address, await token.getAddress())).to.equal(Restriction.RECEIVER_NOT_CASH_HOLDER);
      await suspend(investor2.address);
      expect(await check(investor2.address, investor1.address)).to.equal(Restriction.SENDER_NOT_CASH_HOLDER);
      expect(await check(investor1.address, investor2.address)).to.equal(Restriction.RECEIVER_NOT_CASH_HOLDER);
    });
  });
});
