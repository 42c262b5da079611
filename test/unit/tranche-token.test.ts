import { expect } from "chai";
import { ethers } from "hardhat";
import { type Interface } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ONLY_QUALIFIED } from "../helpers/consortium";
import { HolderCode } from "../helpers/roles";
import {
  CouponType,
  deployFundedTranche,
  deployTranche,
  FACE_CENTS,
  ForcedTransferReason,
  RAY,
  Restriction,
  RESTRICTION_MESSAGES,
  SEED_CENTS,
  TERMS,
} from "./tranche-token.fixture";

type Fixture = Awaited<ReturnType<typeof deployTranche>>;

const REASON = ethers.id("reason:court-order-2026-117");
const EVIDENCE = ethers.id("evidence:court-order-2026-117.pdf");
const AMOUNT = 10_000n;

const senderCode = (holderCode: number) => Restriction.SENDER_BASE + holderCode;
const receiverCode = (holderCode: number) => Restriction.RECEIVER_BASE + holderCode;

/** The holder conditions of the restriction matrix; `apply` puts `account` in that condition. */
interface HolderCondition {
  name: string;
  holderCode: number;
  apply: (f: Fixture, account: HardhatEthersSigner) => Promise<unknown>;
}
const HOLDER_CONDITIONS: HolderCondition[] = [
  { name: "suspended", holderCode: HolderCode.NOT_ACTIVE, apply: (f, a) => f.suspend(a.address) },
  {
    name: "not an investor",
    holderCode: HolderCode.NOT_INVESTOR,
    apply: (f, a) => f.setRoles(a.address, "ORIGINATOR"),
  },
  {
    name: "of a class not admitted",
    holderCode: HolderCode.CLASS_NOT_ADMITTED,
    apply: (f, a) => f.reclassify(a.address),
  },
  { name: "eligibility expired", holderCode: HolderCode.ELIGIBILITY_EXPIRED, apply: (f, a) => f.expire(a.address) },
];

describe("TrancheToken", () => {
  describe("deployment", () => {
    it("records terms, pool, registry, two decimals and a factor of 1e27", async () => {
      const { token, pool, registry } = await loadFixture(deployTranche);
      expect(await token.name()).to.equal(TERMS.name);
      expect(await token.symbol()).to.equal(TERMS.symbol);
      expect(await token.decimals()).to.equal(2);
      expect(await token.pool()).to.equal(await pool.getAddress());
      expect(await token.registry()).to.equal(await registry.getAddress());
      expect(await token.factorRay()).to.equal(RAY);
      expect(await token.totalSupply()).to.equal(0n);
      expect(await token.paused()).to.equal(false);
      const t = await token.terms();
      expect(t.name).to.equal(TERMS.name);
      expect(t.symbol).to.equal(TERMS.symbol);
      expect(t.seniority).to.equal(1n);
      expect(t.couponType).to.equal(BigInt(CouponType.Fixed));
      expect(t.couponRateWad).to.equal(TERMS.couponRateWad);
      expect(t.originalFaceCents).to.equal(FACE_CENTS);
      expect(t.allowedInvestorClasses).to.equal(BigInt(ONLY_QUALIFIED));
      // The narrow view the waterfall checks its configuration against says the same.
      expect(await token.couponAndFace()).to.deep.equal([t.couponType, t.couponRateWad, t.originalFaceCents]);
    });
  });

  describe("mint (pool only)", () => {
    it("mints to an eligible investor", async () => {
      const { token, asPool, investor1 } = await loadFixture(deployTranche);
      await expect(asPool.mint(investor1.address, AMOUNT))
        .to.emit(token, "Transfer")
        .withArgs(ethers.ZeroAddress, investor1.address, AMOUNT);
      expect(await token.balanceOf(investor1.address)).to.equal(AMOUNT);
      expect(await token.totalSupply()).to.equal(AMOUNT);
    });

    it("fails for every signer that is not the pool", async () => {
      const { token, everySigner, investor1 } = await loadFixture(deployTranche);
      for (const [, signer] of everySigner) {
        await expect(token.connect(signer).mint(investor1.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "NotPool")
          .withArgs(signer.address);
      }
    });

    it("mints up to the original face and not one cent more", async () => {
      const { token, asPool, investor1 } = await loadFixture(deployTranche);
      await asPool.mint(investor1.address, FACE_CENTS - 1n);
      await expect(asPool.mint(investor1.address, 2n))
        .to.be.revertedWithCustomError(token, "MintExceedsFace")
        .withArgs(FACE_CENTS, FACE_CENTS + 1n);
      await asPool.mint(investor1.address, 1n);
      expect(await token.totalSupply()).to.equal(FACE_CENTS);
    });

    it("rejects a receiver that is not a member, not eligible, frozen, or a paused tranche", async () => {
      const f = await loadFixture(deployTranche);
      const { token, asPool, trustee, investor1, investor2, outsider, custodian } = f;
      const mintFails = async (to: string, code: number) => {
        expect(await token.detectTransferRestriction(ethers.ZeroAddress, to, AMOUNT)).to.equal(code);
        await expect(asPool.mint(to, AMOUNT))
          .to.be.revertedWithCustomError(token, "TransferRestricted")
          .withArgs(code, ethers.ZeroAddress, to, AMOUNT);
      };
      await mintFails(outsider.address, receiverCode(HolderCode.NOT_MEMBER));
      await mintFails(custodian.address, receiverCode(HolderCode.NOT_INVESTOR));
      await f.expire(investor1.address);
      await mintFails(investor1.address, receiverCode(HolderCode.ELIGIBILITY_EXPIRED));
      await f.suspend(investor1.address);
      await mintFails(investor1.address, receiverCode(HolderCode.NOT_ACTIVE));
      await f.reclassify(investor2.address);
      await mintFails(investor2.address, receiverCode(HolderCode.CLASS_NOT_ADMITTED));
      await f.renew(investor2.address);
      await token.connect(trustee).freeze(investor2.address, REASON);
      await mintFails(investor2.address, Restriction.RECEIVER_FROZEN);
      await token.connect(trustee).unfreeze(investor2.address);
      await token.connect(trustee).pause();
      await mintFails(investor2.address, Restriction.PAUSED);
      await token.connect(trustee).unpause();
      expect(await token.detectTransferRestriction(ethers.ZeroAddress, investor2.address, AMOUNT)).to.equal(0);
      await asPool.mint(investor2.address, AMOUNT);
      expect(await token.totalSupply()).to.equal(AMOUNT);
    });
  });

  describe("burn (pool only)", () => {
    it("burns a holding and emits Transfer to zero", async () => {
      const { token, asPool, investor1 } = await loadFixture(deployFundedTranche);
      await expect(asPool.burn(investor1.address, AMOUNT))
        .to.emit(token, "Transfer")
        .withArgs(investor1.address, ethers.ZeroAddress, AMOUNT);
      expect(await token.balanceOf(investor1.address)).to.equal(SEED_CENTS - AMOUNT);
      expect(await token.totalSupply()).to.equal(2n * SEED_CENTS - AMOUNT);
    });

    it("fails for every signer that is not the pool", async () => {
      const { token, everySigner, investor1 } = await loadFixture(deployFundedTranche);
      for (const [, signer] of everySigner) {
        await expect(token.connect(signer).burn(investor1.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "NotPool")
          .withArgs(signer.address);
      }
    });

    it("redeems a holder whose eligibility lapsed, a suspended holder, and while paused", async () => {
      const f = await loadFixture(deployFundedTranche);
      const { token, asPool, trustee, investor1, investor2 } = f;
      await f.expire(investor1.address);
      await f.suspend(investor2.address);
      await token.connect(trustee).pause();
      expect(await token.detectTransferRestriction(investor1.address, ethers.ZeroAddress, SEED_CENTS)).to.equal(0);
      await asPool.burn(investor1.address, SEED_CENTS);
      await asPool.burn(investor2.address, SEED_CENTS);
      expect(await token.totalSupply()).to.equal(0n);
    });

    it("cannot burn a frozen account or frozen units", async () => {
      const { token, asPool, trustee, investor1, investor2 } = await loadFixture(deployFundedTranche);
      await token.connect(trustee).freeze(investor1.address, REASON);
      await expect(asPool.burn(investor1.address, 1n))
        .to.be.revertedWithCustomError(token, "TransferRestricted")
        .withArgs(Restriction.SENDER_FROZEN, investor1.address, ethers.ZeroAddress, 1n);

      await token.connect(trustee).freezeAmount(investor2.address, 60_000n, REASON);
      expect(await token.detectTransferRestriction(investor2.address, ethers.ZeroAddress, 40_001n)).to.equal(
        Restriction.AMOUNT_FROZEN,
      );
      await expect(asPool.burn(investor2.address, 40_001n))
        .to.be.revertedWithCustomError(token, "TransferRestricted")
        .withArgs(Restriction.AMOUNT_FROZEN, investor2.address, ethers.ZeroAddress, 40_001n);
      await asPool.burn(investor2.address, 40_000n);
      expect(await token.balanceOf(investor2.address)).to.equal(60_000n);
    });
  });

  describe("setFactor (pool only)", () => {
    it("updates the factor and emits FactorUpdated with the period", async () => {
      const { token, asPool } = await loadFixture(deployTranche);
      const next = (RAY * 87n) / 100n;
      await expect(asPool.setFactor(next, 3)).to.emit(token, "FactorUpdated").withArgs(RAY, next, 3);
      expect(await token.factorRay()).to.equal(next);
      await expect(asPool.setFactor(0n, 4)).to.emit(token, "FactorUpdated").withArgs(next, 0n, 4);
      await expect(asPool.setFactor(RAY, 5)).to.emit(token, "FactorUpdated").withArgs(0n, RAY, 5);
    });

    it("takes a factor above 1e27 (an accrual class's accreted balance) up to 96 bits, and refuses more", async () => {
      const { token, asPool } = await loadFixture(deployTranche);
      const max = 2n ** 96n - 1n;
      await (await asPool.setFactor(RAY + RAY / 10n, 1)).wait();
      expect(await token.factorRay()).to.equal(RAY + RAY / 10n);
      await expect(asPool.setFactor(max + 1n, 2))
        .to.be.revertedWithCustomError(token, "FactorOutOfRange")
        .withArgs(max + 1n, max);
    });

    it("fails for every signer that is not the pool", async () => {
      const { token, everySigner } = await loadFixture(deployTranche);
      for (const [, signer] of everySigner) {
        await expect(token.connect(signer).setFactor(RAY / 2n, 1))
          .to.be.revertedWithCustomError(token, "NotPool")
          .withArgs(signer.address);
      }
    });
  });

  describe("transfer restriction matrix", () => {
    /** Asserts the pre-check, `transfer` and `transferFrom` (by the exchange, approved) all give `code`. */
    async function expectRestricted(f: Fixture, from: HardhatEthersSigner, to: string, amount: bigint, code: number) {
      const { token, exchange } = f;
      expect(await token.detectTransferRestriction(from.address, to, amount)).to.equal(code);
      expect(await token.messageForTransferRestriction(code)).to.equal(RESTRICTION_MESSAGES.get(code));
      await expect(token.connect(from).transfer(to, amount))
        .to.be.revertedWithCustomError(token, "TransferRestricted")
        .withArgs(code, from.address, to, amount);
      await token.connect(from).approve(exchange.address, amount);
      await expect(token.connect(exchange).transferFrom(from.address, to, amount))
        .to.be.revertedWithCustomError(token, "TransferRestricted")
        .withArgs(code, from.address, to, amount);
    }

    /** Asserts the trustee's forced transfer moves `amount` where the normal transfer failed. */
    async function expectForced(f: Fixture, from: string, to: string, amount: bigint) {
      const { token, trustee } = f;
      const before = [await token.balanceOf(from), await token.balanceOf(to)] as const;
      await expect(token.connect(trustee).forceTransfer(from, to, amount, ForcedTransferReason.LegalOrder, EVIDENCE))
        .to.emit(token, "ForcedTransfer")
        .withArgs(from, to, amount, ForcedTransferReason.LegalOrder, EVIDENCE, trustee.address);
      expect(await token.balanceOf(from)).to.equal(before[0] - amount);
      expect(await token.balanceOf(to)).to.equal(before[1] + amount);
    }

    it("passes between two eligible investors (code 0), by transfer and by transferFrom", async () => {
      const { token, investor1, investor2, exchange } = await loadFixture(deployFundedTranche);
      expect(await token.detectTransferRestriction(investor1.address, investor2.address, AMOUNT)).to.equal(0);
      await expect(token.connect(investor1).transfer(investor2.address, AMOUNT))
        .to.emit(token, "Transfer")
        .withArgs(investor1.address, investor2.address, AMOUNT);
      await token.connect(investor2).approve(exchange.address, AMOUNT);
      await token.connect(exchange).transferFrom(investor2.address, investor1.address, AMOUNT);
      expect(await token.balanceOf(investor1.address)).to.equal(SEED_CENTS);
      expect(await token.balanceOf(investor2.address)).to.equal(SEED_CENTS);
    });

    it("sender not a member: code 11 (a non-member can never hold units, so even 0 fails)", async () => {
      const f = await loadFixture(deployFundedTranche);
      await expectRestricted(f, f.outsider, f.investor2.address, 0n, senderCode(HolderCode.NOT_MEMBER));
      await expectForced(f, f.outsider.address, f.investor2.address, 0n);
    });

    it("receiver not a member: code 21, and a forced transfer to it fails too", async () => {
      const f = await loadFixture(deployFundedTranche);
      const code = receiverCode(HolderCode.NOT_MEMBER);
      await expectRestricted(f, f.investor1, f.outsider.address, AMOUNT, code);
      await expect(
        f.token
          .connect(f.trustee)
          .forceTransfer(f.investor1.address, f.outsider.address, AMOUNT, ForcedTransferReason.LegalOrder, EVIDENCE),
      )
        .to.be.revertedWithCustomError(f.token, "TransferRestricted")
        .withArgs(code, f.investor1.address, f.outsider.address, AMOUNT);
    });

    for (const condition of HOLDER_CONDITIONS) {
      it(`sender ${condition.name}: code ${senderCode(condition.holderCode)}; forced transfer works`, async () => {
        const f = await loadFixture(deployFundedTranche);
        await condition.apply(f, f.investor1);
        await expectRestricted(f, f.investor1, f.investor2.address, AMOUNT, senderCode(condition.holderCode));
        await expectForced(f, f.investor1.address, f.investor2.address, AMOUNT);
      });

      it(`receiver ${condition.name}: code ${receiverCode(condition.holderCode)}; forced transfer fails`, async () => {
        const f = await loadFixture(deployFundedTranche);
        await condition.apply(f, f.investor2);
        const code = receiverCode(condition.holderCode);
        await expectRestricted(f, f.investor1, f.investor2.address, AMOUNT, code);
        await expect(
          f.token
            .connect(f.trustee)
            .forceTransfer(f.investor1.address, f.investor2.address, AMOUNT, ForcedTransferReason.LegalOrder, EVIDENCE),
        )
          .to.be.revertedWithCustomError(f.token, "TransferRestricted")
          .withArgs(code, f.investor1.address, f.investor2.address, AMOUNT);
      });
    }

    it("sender frozen: code 30; forced transfer works and the account stays frozen", async () => {
      const f = await loadFixture(deployFundedTranche);
      await f.token.connect(f.trustee).freeze(f.investor1.address, REASON);
      await expectRestricted(f, f.investor1, f.investor2.address, AMOUNT, Restriction.SENDER_FROZEN);
      await expectForced(f, f.investor1.address, f.investor2.address, AMOUNT);
      expect((await f.token.freezeOf(f.investor1.address)).whole).to.equal(true);
    });

    it("receiver frozen: code 31; forced transfer works (freezes do not bind the trustee)", async () => {
      const f = await loadFixture(deployFundedTranche);
      await f.token.connect(f.trustee).freeze(f.investor2.address, REASON);
      await expectRestricted(f, f.investor1, f.investor2.address, AMOUNT, Restriction.RECEIVER_FROZEN);
      await expectForced(f, f.investor1.address, f.investor2.address, AMOUNT);
    });

    it("sender's units frozen: code 32; forced transfer works", async () => {
      const f = await loadFixture(deployFundedTranche);
      await f.token.connect(f.trustee).freezeAmount(f.investor1.address, SEED_CENTS, REASON);
      await expectRestricted(f, f.investor1, f.investor2.address, AMOUNT, Restriction.AMOUNT_FROZEN);
      await expectForced(f, f.investor1.address, f.investor2.address, AMOUNT);
    });

    it("paused tranche: code 1 for any pair; forced transfer works", async () => {
      const f = await loadFixture(deployFundedTranche);
      await f.token.connect(f.trustee).pause();
      await expectRestricted(f, f.investor1, f.investor2.address, AMOUNT, Restriction.PAUSED);
      await expectRestricted(f, f.investor2, f.investor1.address, AMOUNT, Restriction.PAUSED);
      await expectForced(f, f.investor1.address, f.investor2.address, AMOUNT);
    });

    it("reports the first failing check: pause, sender, receiver, sender frozen, receiver frozen, amount", async () => {
      const f = await loadFixture(deployFundedTranche);
      const { token, trustee, investor1, investor2 } = f;
      const code = () => token.detectTransferRestriction(investor1.address, investor2.address, SEED_CENTS);
      await token.connect(trustee).freezeAmount(investor1.address, 1n, REASON);
      expect(await code()).to.equal(Restriction.AMOUNT_FROZEN);
      await token.connect(trustee).freeze(investor2.address, REASON);
      expect(await code()).to.equal(Restriction.RECEIVER_FROZEN);
      await token.connect(trustee).freeze(investor1.address, REASON);
      expect(await code()).to.equal(Restriction.SENDER_FROZEN);
      await f.expire(investor2.address);
      expect(await code()).to.equal(receiverCode(HolderCode.ELIGIBILITY_EXPIRED));
      await f.suspend(investor1.address);
      expect(await code()).to.equal(senderCode(HolderCode.NOT_ACTIVE));
      await token.connect(trustee).pause();
      expect(await code()).to.equal(Restriction.PAUSED);
    });

    it("leaves a transfer above the balance to ERC20InsufficientBalance (not a restriction)", async () => {
      const { token, trustee, investor1, investor2 } = await loadFixture(deployFundedTranche);
      await token.connect(trustee).freezeAmount(investor1.address, 1n, REASON);
      expect(await token.detectTransferRestriction(investor1.address, investor2.address, SEED_CENTS + 1n)).to.equal(0);
      await expect(token.connect(investor1).transfer(investor2.address, SEED_CENTS + 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(investor1.address, SEED_CENTS, SEED_CENTS + 1n);
    });

    it("reinstating the member or renewing its eligibility lifts the restriction", async () => {
      const f = await loadFixture(deployFundedTranche);
      const { token, investor1, investor2 } = f;
      await f.suspend(investor1.address);
      await f.expire(investor2.address);
      expect(await token.detectTransferRestriction(investor1.address, investor2.address, AMOUNT)).to.equal(
        senderCode(HolderCode.NOT_ACTIVE),
      );
      await f.reinstate(investor1.address);
      expect(await token.detectTransferRestriction(investor1.address, investor2.address, AMOUNT)).to.equal(
        receiverCode(HolderCode.ELIGIBILITY_EXPIRED),
      );
      await f.renew(investor2.address);
      await token.connect(investor1).transfer(investor2.address, AMOUNT);
      expect(await token.balanceOf(investor2.address)).to.equal(SEED_CENTS + AMOUNT);
    });

    it("names every code (ERC-1404 messages) and flags an unknown one", async () => {
      const { token } = await loadFixture(deployTranche);
      for (const [code, message] of RESTRICTION_MESSAGES) {
        expect(await token.messageForTransferRestriction(code)).to.equal(message);
      }
      for (const unknown of [2, 10, 16, 20, 26, 33, 255]) {
        expect(await token.messageForTransferRestriction(unknown)).to.equal("UNKNOWN_RESTRICTION");
      }
    });
  });

  describe("trustee powers", () => {
    /** Each trustee-only function, its arguments, and the state in which the trustee's own call succeeds. */
    const trusteeCalls: {
      name: string;
      args: (f: Fixture) => unknown[];
      setup?: (f: Fixture) => Promise<unknown>;
    }[] = [
      { name: "freeze", args: (f) => [f.investor1.address, REASON] },
      {
        name: "unfreeze",
        args: (f) => [f.investor1.address],
        setup: (f) => f.token.connect(f.trustee).freeze(f.investor1.address, REASON),
      },
      { name: "freezeAmount", args: (f) => [f.investor1.address, 1n, REASON] },
      {
        name: "unfreezeAmount",
        args: (f) => [f.investor1.address, 1n],
        setup: (f) => f.token.connect(f.trustee).freezeAmount(f.investor1.address, 1n, REASON),
      },
      { name: "pause", args: () => [] },
      { name: "unpause", args: () => [], setup: (f) => f.token.connect(f.trustee).pause() },
      {
        name: "forceTransfer",
        args: (f) => [f.investor1.address, f.investor3.address, 1n, ForcedTransferReason.LegalOrder, EVIDENCE],
      },
    ];

    for (const { name, args, setup } of trusteeCalls) {
      it(`${name}: fails for every other role, the pool, a suspended trustee and a replaced one`, async () => {
        const f = await loadFixture(deployFundedTranche);
        if (setup) await setup(f);
        const iface: Interface = f.token.interface;
        const data = iface.encodeFunctionData(name, args(f));
        const callBy = (s: HardhatEthersSigner) => s.sendTransaction({ to: f.tokenAddress, data });

        for (const [, signer] of f.nonTrustees) {
          await expect(callBy(signer)).to.be.revertedWithCustomError(f.token, "NotTrustee").withArgs(signer.address);
        }
        await expect(f.pool.exec(f.tokenAddress, data))
          .to.be.revertedWithCustomError(f.token, "NotTrustee")
          .withArgs(f.poolAddress);

        await f.suspend(f.trustee.address);
        await expect(callBy(f.trustee))
          .to.be.revertedWithCustomError(f.token, "NotTrustee")
          .withArgs(f.trustee.address);
        await f.reinstateTrustee();

        // A registry TRUSTEE that is not this deal's trustee has no power over the tranche, and the
        // deal's trustee needs the TRUSTEE role in the registry.
        await f.pool.setTrustee(f.originator.address);
        await expect(callBy(f.trustee))
          .to.be.revertedWithCustomError(f.token, "NotTrustee")
          .withArgs(f.trustee.address);
        await expect(callBy(f.originator))
          .to.be.revertedWithCustomError(f.token, "NotTrustee")
          .withArgs(f.originator.address);

        // Control: the same call by the deal's active trustee succeeds.
        await f.pool.setTrustee(f.trustee.address);
        await expect(callBy(f.trustee)).not.to.be.reverted;
      });
    }

    it("a new deal trustee holding the TRUSTEE role takes over the powers", async () => {
      const f = await loadFixture(deployFundedTranche);
      await f.pool.setTrustee(f.originator.address);
      await f.setRoles(f.originator.address, "ORIGINATOR", "TRUSTEE");
      await expect(f.token.connect(f.originator).pause()).to.emit(f.token, "Paused").withArgs(f.originator.address);
    });

    it("a reinstated trustee regains its powers", async () => {
      const f = await loadFixture(deployFundedTranche);
      await f.suspend(f.trustee.address);
      await f.reinstateTrustee();
      await expect(f.token.connect(f.trustee).pause()).to.emit(f.token, "Paused").withArgs(f.trustee.address);
    });
  });

  describe("freeze (whole account)", () => {
    it("freezes and unfreezes with events; refuses to repeat either", async () => {
      const { token, trustee, investor1, investor2 } = await loadFixture(deployFundedTranche);
      await expect(token.connect(trustee).freeze(investor1.address, REASON))
        .to.emit(token, "AccountFrozen")
        .withArgs(investor1.address, REASON);
      expect((await token.freezeOf(investor1.address)).whole).to.equal(true);
      await expect(token.connect(trustee).freeze(investor1.address, REASON))
        .to.be.revertedWithCustomError(token, "AccountAlreadyFrozen")
        .withArgs(investor1.address);
      await expect(token.connect(trustee).unfreeze(investor1.address))
        .to.emit(token, "AccountUnfrozen")
        .withArgs(investor1.address);
      await expect(token.connect(trustee).unfreeze(investor1.address))
        .to.be.revertedWithCustomError(token, "AccountNotFrozen")
        .withArgs(investor1.address);
      await token.connect(investor1).transfer(investor2.address, AMOUNT);
      expect(await token.balanceOf(investor2.address)).to.equal(SEED_CENTS + AMOUNT);
    });

    it("unfreezing the account keeps a partial freeze", async () => {
      const { token, trustee, investor1, investor2 } = await loadFixture(deployFundedTranche);
      await token.connect(trustee).freezeAmount(investor1.address, 70_000n, REASON);
      await token.connect(trustee).freeze(investor1.address, REASON);
      await token.connect(trustee).unfreeze(investor1.address);
      const state = await token.freezeOf(investor1.address);
      expect(state.whole).to.equal(false);
      expect(state.amountCents).to.equal(70_000n);
      expect(await token.detectTransferRestriction(investor1.address, investor2.address, 30_001n)).to.equal(
        Restriction.AMOUNT_FROZEN,
      );
    });
  });

  describe("freezeAmount / unfreezeAmount (partial)", () => {
    it("lets the holder move exactly its unfrozen units, not one more", async () => {
      const { token, trustee, investor1, investor2 } = await loadFixture(deployFundedTranche);
      await expect(token.connect(trustee).freezeAmount(investor1.address, 40_000n, REASON))
        .to.emit(token, "AmountFrozen")
        .withArgs(investor1.address, 40_000n, 40_000n, REASON);
      expect(await token.detectTransferRestriction(investor1.address, investor2.address, 60_000n)).to.equal(0);
      expect(await token.detectTransferRestriction(investor1.address, investor2.address, 60_001n)).to.equal(
        Restriction.AMOUNT_FROZEN,
      );
      await expect(token.connect(investor1).transfer(investor2.address, 60_001n))
        .to.be.revertedWithCustomError(token, "TransferRestricted")
        .withArgs(Restriction.AMOUNT_FROZEN, investor1.address, investor2.address, 60_001n);
      await token.connect(investor1).transfer(investor2.address, 60_000n);
      expect(await token.balanceOf(investor1.address)).to.equal(40_000n);
      await expect(token.connect(investor1).transfer(investor2.address, 1n))
        .to.be.revertedWithCustomError(token, "TransferRestricted")
        .withArgs(Restriction.AMOUNT_FROZEN, investor1.address, investor2.address, 1n);

      // Units received later are free to move again.
      await token.connect(investor2).transfer(investor1.address, 500n);
      await expect(token.connect(investor1).transfer(investor2.address, 501n))
        .to.be.revertedWithCustomError(token, "TransferRestricted")
        .withArgs(Restriction.AMOUNT_FROZEN, investor1.address, investor2.address, 501n);
      await token.connect(investor1).transfer(investor2.address, 500n);
      expect(await token.balanceOf(investor1.address)).to.equal(40_000n);
    });

    it("adds up successive freezes and cannot freeze more than the balance", async () => {
      const { token, trustee, investor1 } = await loadFixture(deployFundedTranche);
      await token.connect(trustee).freezeAmount(investor1.address, 30_000n, REASON);
      const second = ethers.id("reason:second-order");
      await expect(token.connect(trustee).freezeAmount(investor1.address, 70_000n, second))
        .to.emit(token, "AmountFrozen")
        .withArgs(investor1.address, 70_000n, SEED_CENTS, second);
      await expect(token.connect(trustee).freezeAmount(investor1.address, 1n, REASON))
        .to.be.revertedWithCustomError(token, "FreezeExceedsBalance")
        .withArgs(investor1.address, SEED_CENTS, SEED_CENTS + 1n);
    });

    it("unfreezes part of the frozen units, never more than frozen, never zero", async () => {
      const { token, trustee, investor1 } = await loadFixture(deployFundedTranche);
      await token.connect(trustee).freezeAmount(investor1.address, 40_000n, REASON);
      await expect(token.connect(trustee).unfreezeAmount(investor1.address, 40_001n))
        .to.be.revertedWithCustomError(token, "UnfreezeExceedsFrozen")
        .withArgs(investor1.address, 40_000n, 40_001n);
      await expect(token.connect(trustee).unfreezeAmount(investor1.address, 10_000n))
        .to.emit(token, "AmountUnfrozen")
        .withArgs(investor1.address, 10_000n, 30_000n);
      await expect(token.connect(trustee).unfreezeAmount(investor1.address, 30_000n))
        .to.emit(token, "AmountUnfrozen")
        .withArgs(investor1.address, 30_000n, 0n);
      expect((await token.freezeOf(investor1.address)).amountCents).to.equal(0n);
      await expect(token.connect(trustee).unfreezeAmount(investor1.address, 0n)).to.be.revertedWithCustomError(
        token,
        "AmountZero",
      );
      await expect(token.connect(trustee).freezeAmount(investor1.address, 0n, REASON)).to.be.revertedWithCustomError(
        token,
        "AmountZero",
      );
    });
  });

  describe("pause", () => {
    it("pauses and unpauses with events; refuses to repeat either", async () => {
      const { token, trustee } = await loadFixture(deployTranche);
      await expect(token.connect(trustee).pause()).to.emit(token, "Paused").withArgs(trustee.address);
      expect(await token.paused()).to.equal(true);
      await expect(token.connect(trustee).pause()).to.be.revertedWithCustomError(token, "EnforcedPause");
      await expect(token.connect(trustee).unpause()).to.emit(token, "Unpaused").withArgs(trustee.address);
      expect(await token.paused()).to.equal(false);
      await expect(token.connect(trustee).unpause()).to.be.revertedWithCustomError(token, "ExpectedPause");
    });
  });

  describe("transferFrom: the spender is checked (suspension takes effect on allowances too)", () => {
    it("an active member spends an allowance; a settlement contract that is no member does too", async () => {
      const { token, pool, tokenAddress, investor1, investor2, investor3 } = await loadFixture(deployFundedTranche);
      await (await token.connect(investor1).approve(investor3.address, 2n)).wait();
      await expect(token.connect(investor3).transferFrom(investor1.address, investor2.address, 1n))
        .to.emit(token, "Transfer")
        .withArgs(investor1.address, investor2.address, 1n);
      const contract = await pool.getAddress();
      await (await token.connect(investor1).approve(contract, 1n)).wait();
      expect(await token.detectSpenderRestriction(contract)).to.equal(Restriction.SUCCESS);
      await expect(
        pool.exec(
          tokenAddress,
          token.interface.encodeFunctionData("transferFrom", [investor1.address, investor2.address, 1n]),
        ),
      ).to.emit(token, "Transfer");
    });

    it("a suspended or removed member, or an outsider, cannot use an allowance it holds", async () => {
      const f = await loadFixture(deployFundedTranche);
      const { token, investor1, investor2, investor3, outsider } = f;
      await (await token.connect(investor1).approve(investor3.address, 10n)).wait();
      await (await token.connect(investor1).approve(outsider.address, 10n)).wait();
      await expect(token.connect(outsider).transferFrom(investor1.address, investor2.address, 1n))
        .to.be.revertedWithCustomError(token, "SpenderRestricted")
        .withArgs(Restriction.SPENDER_NOT_ALLOWED, outsider.address);
      await f.suspend(investor3.address);
      expect(await token.detectSpenderRestriction(investor3.address)).to.equal(Restriction.SPENDER_NOT_ALLOWED);
      expect(await token.messageForTransferRestriction(Restriction.SPENDER_NOT_ALLOWED)).to.equal(
        "SPENDER_NOT_ALLOWED",
      );
      await expect(token.connect(investor3).transferFrom(investor1.address, investor2.address, 1n))
        .to.be.revertedWithCustomError(token, "SpenderRestricted")
        .withArgs(Restriction.SPENDER_NOT_ALLOWED, investor3.address);
      expect(await token.allowance(investor1.address, investor3.address)).to.equal(10n);
    });

    it("a spender whose whole account is frozen in this tranche cannot use an allowance", async () => {
      const { token, trustee, investor1, investor2, investor3 } = await loadFixture(deployFundedTranche);
      await (await token.connect(investor1).approve(investor3.address, 10n)).wait();
      await (await token.connect(trustee).freeze(investor3.address, REASON)).wait();
      expect(await token.messageForTransferRestriction(Restriction.SPENDER_FROZEN)).to.equal("SPENDER_FROZEN");
      await expect(token.connect(investor3).transferFrom(investor1.address, investor2.address, 1n))
        .to.be.revertedWithCustomError(token, "SpenderRestricted")
        .withArgs(Restriction.SPENDER_FROZEN, investor3.address);
    });
  });

  describe("forceTransfer", () => {
    it("from an account to itself moves nothing and keeps a partial freeze whole (the ERC-7943 bug class)", async () => {
      const { token, trustee, investor1, investor2 } = await loadFixture(deployFundedTranche);
      await token.connect(trustee).freezeAmount(investor1.address, 60_000n, REASON);
      const claimable = await token.claimableCents(investor1.address);
      await expect(
        token
          .connect(trustee)
          .forceTransfer(investor1.address, investor1.address, SEED_CENTS, ForcedTransferReason.LegalOrder, EVIDENCE),
      ).not.to.emit(token, "AmountUnfrozen");
      expect(await token.balanceOf(investor1.address)).to.equal(SEED_CENTS);
      expect((await token.freezeOf(investor1.address)).amountCents).to.equal(60_000n);
      expect(await token.claimableCents(investor1.address)).to.equal(claimable);
      // The frozen units still cannot leave: 50,000 out would leave 50,000 < 60,000 frozen.
      await expect(token.connect(investor1).transfer(investor2.address, 50_000n))
        .to.be.revertedWithCustomError(token, "TransferRestricted")
        .withArgs(Restriction.AMOUNT_FROZEN, investor1.address, investor2.address, 50_000n);
      await expect(
        token
          .connect(trustee)
          .forceTransfer(
            investor1.address,
            investor1.address,
            SEED_CENTS + 1n,
            ForcedTransferReason.LegalOrder,
            EVIDENCE,
          ),
      ).to.be.revertedWithCustomError(token, "ERC20InsufficientBalance");
    });

    it("emits Transfer and ForcedTransfer for each reason", async () => {
      const { token, trustee, investor1, investor3 } = await loadFixture(deployFundedTranche);
      const recovery = ethers.id("evidence:wallet-recovery-case-42");
      const tx = token
        .connect(trustee)
        .forceTransfer(investor1.address, investor3.address, SEED_CENTS, ForcedTransferReason.WalletRecovery, recovery);
      await expect(tx).to.emit(token, "Transfer").withArgs(investor1.address, investor3.address, SEED_CENTS);
      await expect(tx)
        .to.emit(token, "ForcedTransfer")
        .withArgs(
          investor1.address,
          investor3.address,
          SEED_CENTS,
          ForcedTransferReason.WalletRecovery,
          recovery,
          trustee.address,
        );
      expect(await token.balanceOf(investor3.address)).to.equal(SEED_CENTS);
    });

    it("cuts a frozen amount the new balance no longer covers down to the balance", async () => {
      const { token, trustee, investor1, investor2 } = await loadFixture(deployFundedTranche);
      await token.connect(trustee).freezeAmount(investor1.address, 80_000n, REASON);
      await expect(
        token
          .connect(trustee)
          .forceTransfer(investor1.address, investor2.address, 50_000n, ForcedTransferReason.LegalOrder, EVIDENCE),
      )
        .to.emit(token, "AmountUnfrozen")
        .withArgs(investor1.address, 30_000n, 50_000n);
      expect((await token.freezeOf(investor1.address)).amountCents).to.equal(50_000n);
      expect(await token.balanceOf(investor1.address)).to.equal(50_000n);
    });

    it("leaves a frozen amount the new balance still covers untouched", async () => {
      const { token, trustee, investor1, investor2 } = await loadFixture(deployFundedTranche);
      await token.connect(trustee).freezeAmount(investor1.address, 50_000n, REASON);
      await expect(
        token
          .connect(trustee)
          .forceTransfer(investor1.address, investor2.address, 50_000n, ForcedTransferReason.LegalOrder, EVIDENCE),
      ).not.to.emit(token, "AmountUnfrozen");
      expect((await token.freezeOf(investor1.address)).amountCents).to.equal(50_000n);
    });

    it("does not lift the restrictions for later normal transfers", async () => {
      const f = await loadFixture(deployFundedTranche);
      const { token, trustee, investor1, investor2 } = f;
      await token.connect(trustee).freeze(investor1.address, REASON);
      await token
        .connect(trustee)
        .forceTransfer(investor1.address, investor2.address, 1n, ForcedTransferReason.LegalOrder, EVIDENCE);
      await expect(token.connect(investor1).transfer(investor2.address, 1n))
        .to.be.revertedWithCustomError(token, "TransferRestricted")
        .withArgs(Restriction.SENDER_FROZEN, investor1.address, investor2.address, 1n);
    });

    it("cannot move more than the balance, nor to the zero address", async () => {
      const { token, trustee, investor1, investor2 } = await loadFixture(deployFundedTranche);
      await expect(
        token
          .connect(trustee)
          .forceTransfer(
            investor1.address,
            investor2.address,
            SEED_CENTS + 1n,
            ForcedTransferReason.LegalOrder,
            EVIDENCE,
          ),
      )
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(investor1.address, SEED_CENTS, SEED_CENTS + 1n);
      await expect(
        token
          .connect(trustee)
          .forceTransfer(investor1.address, ethers.ZeroAddress, 1n, ForcedTransferReason.LegalOrder, EVIDENCE),
      )
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("gas", () => {
    /** Gas of `investor1 -> to` for a plain OZ ERC-20 and for the tranche, from the same state. */
    async function measure(f: Fixture, to: HardhatEthersSigner) {
      const plain = await ethers.deployContract("PlainERC20");
      await plain.mint(f.investor1.address, SEED_CENTS);
      await plain.mint(f.investor2.address, SEED_CENTS);
      const plainReceipt = await (await plain.connect(f.investor1).transfer(to.address, AMOUNT)).wait();
      const trancheReceipt = await (await f.token.connect(f.investor1).transfer(to.address, AMOUNT)).wait();
      if (!plainReceipt || !trancheReceipt) throw new Error("no receipt");
      return { plain: plainReceipt.gasUsed, tranche: trancheReceipt.gasUsed };
    }

    it("a tranche transfer with every check costs at most 1.6x a plain ERC-20 transfer (receiver holds)", async () => {
      const f = await loadFixture(deployFundedTranche);
      const { plain, tranche } = await measure(f, f.investor2);
      expect(tranche * 10n).to.be.at.most(plain * 16n, `tranche ${tranche} gas vs plain ${plain}`);
    });

    it("... and at most 1.6x when the receiver holds nothing yet", async () => {
      const f = await loadFixture(deployFundedTranche);
      const { plain, tranche } = await measure(f, f.investor3);
      expect(tranche * 10n).to.be.at.most(plain * 16n, `tranche ${tranche} gas vs plain ${plain}`);
    });
  });
});
