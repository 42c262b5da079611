import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { type AssetPool } from "../../typechain-types";
import { action } from "../helpers/consortium";
import { ActionKind, roleSet } from "../helpers/roles";
import {
  DEAL_ID,
  DEAL_NAME,
  deployDeal,
  othersThan,
  type PoolParams,
  PoolState,
  reinstateVoter,
} from "../helpers/pool";

const SECOND_DEAL = ethers.id("ABS-2026-2");

describe("AssetPoolFactory", () => {
  /** The sample deal plus the parameters of a second deal with the same parties. */
  async function deployFactoryFixture() {
    const deal = await deployDeal();
    const second: PoolParams = { ...deal.params, dealId: SECOND_DEAL, name: "ABS 2026-2" };
    return { ...deal, second };
  }

  describe("deployment", () => {
    it("records the registry and the tranche factory", async () => {
      const { poolFactory, registry, trancheFactory } = await loadFixture(deployFactoryFixture);
      expect(await poolFactory.registry()).to.equal(await registry.getAddress());
      expect(await poolFactory.trancheFactory()).to.equal(await trancheFactory.getAddress());
    });

    it("rejects a zero registry or tranche factory", async () => {
      const { poolFactory, registry, trancheFactory } = await loadFixture(deployFactoryFixture);
      const factory = await ethers.getContractFactory("AssetPoolFactory");
      await expect(factory.deploy(ethers.ZeroAddress, await trancheFactory.getAddress())).to.be.revertedWithCustomError(
        poolFactory,
        "ZeroAddress",
      );
      await expect(factory.deploy(await registry.getAddress(), ethers.ZeroAddress)).to.be.revertedWithCustomError(
        poolFactory,
        "ZeroAddress",
      );
    });
  });

  describe("createPool", () => {
    it("deploys the pool with the deal's parties, registers it and emits PoolCreated", async () => {
      const { poolFactory, registry, trancheFactory, trustee, originator, servicer, second } =
        await loadFixture(deployFactoryFixture);
      const predicted = await poolFactory.connect(trustee).createPool.staticCall(second);
      await expect(poolFactory.connect(trustee).createPool(second))
        .to.emit(poolFactory, "PoolCreated")
        .withArgs(
          predicted,
          SECOND_DEAL,
          "ABS 2026-2",
          originator.address,
          servicer.address,
          trustee.address,
          second.cashToken,
          trustee.address,
        )
        .and.to.emit(registry, "DealContractRegistered")
        .withArgs(predicted, await poolFactory.getAddress());

      expect(await poolFactory.poolOf(SECOND_DEAL)).to.equal(predicted);
      expect(await poolFactory.poolCount()).to.equal(2n);
      expect(await poolFactory.poolAt(1)).to.equal(predicted);
      expect(await registry.isDealContract(predicted)).to.equal(true);

      const pool = (await ethers.getContractAt("AssetPool", predicted)) as unknown as AssetPool;
      expect(await pool.registry()).to.equal(await registry.getAddress());
      expect(await pool.trancheFactory()).to.equal(await trancheFactory.getAddress());
      expect(await pool.dealId()).to.equal(SECOND_DEAL);
      expect(await pool.name()).to.equal("ABS 2026-2");
      expect(await pool.originator()).to.equal(originator.address);
      expect(await pool.servicer()).to.equal(servicer.address);
      expect(await pool.trustee()).to.equal(trustee.address);
      expect(await pool.cashToken()).to.equal(second.cashToken);
      expect(await pool.state()).to.equal(PoolState.Draft);
      expect(await pool.tranches()).to.deep.equal([]);
      expect(await pool.tapeCount()).to.equal(0n);
      expect(await pool.lastPeriod()).to.equal(0n);
    });

    it("indexes the fixture's pool as pool 0", async () => {
      const { poolFactory, pool } = await loadFixture(deployFactoryFixture);
      expect(await poolFactory.poolCount()).to.equal(1n);
      expect(await poolFactory.poolAt(0)).to.equal(await pool.getAddress());
      expect(await poolFactory.poolOf(DEAL_ID)).to.equal(await pool.getAddress());
      expect(await pool.name()).to.equal(DEAL_NAME);
      expect(await poolFactory.poolOf(SECOND_DEAL)).to.equal(ethers.ZeroAddress);
    });

    it("reverts NotTrustee for every other role, even when named as the trustee", async () => {
      const f = await loadFixture(deployFactoryFixture);
      for (const [who, signer] of othersThan(f, f.trustee)) {
        // Named as the trustee but without the TRUSTEE role.
        const params = { ...f.second, trustee: signer.address };
        await expect(f.poolFactory.connect(signer).createPool(params), who)
          .to.be.revertedWithCustomError(f.poolFactory, "NotTrustee")
          .withArgs(signer.address);
        // Naming the real trustee does not help either.
        await expect(f.poolFactory.connect(signer).createPool(f.second), who)
          .to.be.revertedWithCustomError(f.poolFactory, "NotTrustee")
          .withArgs(signer.address);
      }
    });

    it("reverts NotTrustee when a trustee creates a deal naming another trustee", async () => {
      const f = await loadFixture(deployFactoryFixture);
      // Give the custodian the TRUSTEE role too: it still may not create a pool for `trustee`.
      await f.govern(
        action(ActionKind.SetRoles, { account: f.custodian.address, roles: roleSet("CUSTODIAN", "TRUSTEE") }),
      );
      await expect(f.poolFactory.connect(f.custodian).createPool(f.second))
        .to.be.revertedWithCustomError(f.poolFactory, "NotTrustee")
        .withArgs(f.custodian.address);
    });

    it("reverts NotTrustee for a suspended trustee, and succeeds once reinstated", async () => {
      const f = await loadFixture(deployFactoryFixture);
      await f.suspend(f.trustee.address);
      await expect(f.poolFactory.connect(f.trustee).createPool(f.second))
        .to.be.revertedWithCustomError(f.poolFactory, "NotTrustee")
        .withArgs(f.trustee.address);
      await reinstateVoter(f, f.trustee.address);
      await expect(f.poolFactory.connect(f.trustee).createPool(f.second)).to.emit(f.poolFactory, "PoolCreated");
    });

    it("reverts NotOriginator when the originator lacks the role or is suspended", async () => {
      const f = await loadFixture(deployFactoryFixture);
      for (const account of [f.servicer.address, f.investor1.address, f.outsider.address]) {
        await expect(f.poolFactory.connect(f.trustee).createPool({ ...f.second, originator: account }))
          .to.be.revertedWithCustomError(f.poolFactory, "NotOriginator")
          .withArgs(account);
      }
      await f.suspend(f.originator.address);
      await expect(f.poolFactory.connect(f.trustee).createPool(f.second))
        .to.be.revertedWithCustomError(f.poolFactory, "NotOriginator")
        .withArgs(f.originator.address);
    });

    it("reverts NotServicer when the servicer lacks the role or is suspended", async () => {
      const f = await loadFixture(deployFactoryFixture);
      for (const account of [f.originator.address, f.investor1.address, f.outsider.address]) {
        await expect(f.poolFactory.connect(f.trustee).createPool({ ...f.second, servicer: account }))
          .to.be.revertedWithCustomError(f.poolFactory, "NotServicer")
          .withArgs(account);
      }
      await f.suspend(f.servicer.address);
      await expect(f.poolFactory.connect(f.trustee).createPool(f.second))
        .to.be.revertedWithCustomError(f.poolFactory, "NotServicer")
        .withArgs(f.servicer.address);
    });

    it("accepts one member as both originator and servicer when it holds both roles", async () => {
      const f = await loadFixture(deployFactoryFixture);
      await f.govern(
        action(ActionKind.SetRoles, { account: f.originator.address, roles: roleSet("ORIGINATOR", "SERVICER") }),
      );
      await expect(f.poolFactory.connect(f.trustee).createPool({ ...f.second, servicer: f.originator.address }))
        .to.emit(f.poolFactory, "PoolCreated")
        .withArgs(
          anyValue,
          SECOND_DEAL,
          "ABS 2026-2",
          f.originator.address,
          f.originator.address,
          f.trustee.address,
          f.second.cashToken,
          f.trustee.address,
        );
    });

    it("reverts DealIdMissing for a zero deal id", async () => {
      const f = await loadFixture(deployFactoryFixture);
      await expect(
        f.poolFactory.connect(f.trustee).createPool({ ...f.second, dealId: ethers.ZeroHash }),
      ).to.be.revertedWithCustomError(f.poolFactory, "DealIdMissing");
    });

    it("reverts DealIdTaken for a deal id in use", async () => {
      const f = await loadFixture(deployFactoryFixture);
      await expect(f.poolFactory.connect(f.trustee).createPool({ ...f.second, dealId: DEAL_ID }))
        .to.be.revertedWithCustomError(f.poolFactory, "DealIdTaken")
        .withArgs(DEAL_ID, await f.pool.getAddress());
    });

    it("reverts CashTokenMissing for a zero cash token", async () => {
      const f = await loadFixture(deployFactoryFixture);
      await expect(
        f.poolFactory.connect(f.trustee).createPool({ ...f.second, cashToken: ethers.ZeroAddress }),
      ).to.be.revertedWithCustomError(f.poolFactory, "CashTokenMissing");
    });

    it("reverts PoolNameMissing for an empty name", async () => {
      const f = await loadFixture(deployFactoryFixture);
      await expect(
        f.poolFactory.connect(f.trustee).createPool({ ...f.second, name: "" }),
      ).to.be.revertedWithCustomError(f.poolFactory, "PoolNameMissing");
    });

    it("reverts NotAuthorizedFactory (from the registry) until governance authorises the factory", async () => {
      const f = await loadFixture(deployFactoryFixture);
      const unauthorised = await ethers.deployContract("AssetPoolFactory", [
        await f.registry.getAddress(),
        await f.trancheFactory.getAddress(),
      ]);
      await expect(unauthorised.connect(f.trustee).createPool(f.second))
        .to.be.revertedWithCustomError(f.registry, "NotAuthorizedFactory")
        .withArgs(await unauthorised.getAddress());
      expect(await unauthorised.poolCount()).to.equal(0n);
    });
  });

  describe("views", () => {
    it("poolAt reverts PoolIndexOutOfRange past the end", async () => {
      const { poolFactory } = await loadFixture(deployFactoryFixture);
      await expect(poolFactory.poolAt(1))
        .to.be.revertedWithCustomError(poolFactory, "PoolIndexOutOfRange")
        .withArgs(1n, 1n);
    });
  });
});
