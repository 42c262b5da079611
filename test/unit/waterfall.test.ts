import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { toAbiConfig, type WaterfallConfig } from "../../packages/core/src/waterfall";
import {
  advance,
  CouponType,
  CUTOFF,
  DAY,
  othersThan,
  periodReport,
  PoolState,
  reinstateVoter,
  tapeAnchor,
  TapeChangeKind,
  validChange,
} from "../helpers/pool";
import {
  bankRef,
  configureAndIssue,
  deployUnconfiguredWaterfall,
  deployWaterfallDeal,
  reportAndDeposit,
  runAndCompare,
  sampleParties,
  sampleWaterfallConfig,
  type WaterfallDeal,
} from "../helpers/waterfall";

const RAY = 10n ** 27n;
const POOL = 100_000_000_00n;
const PERCENT = 10n ** 16n;

/** The sample waterfall with sequential principal and no guarantee (for tests that need neither). */
function sequentialNoGuarantee(): WaterfallConfig {
  const base = sampleWaterfallConfig();
  return {
    ...base,
    principalMode: "sequential",
    guarantee: { limitCents: 0n, feeRateWad: 0n, coversFees: false, coveredTranches: 0 },
  };
}

async function sequentialDeal() {
  const base = await deployUnconfiguredWaterfall();
  return configureAndIssue(base, sequentialNoGuarantee());
}

/** Cash balances of every payee and bucket, to check the movements of a period to the cent. */
async function cashBook(deal: WaterfallDeal) {
  const { cash, trustee, servicer, originator, guarantor, waterfall, tranches } = deal;
  const of = (a: string) => cash.balanceOf(a);
  return {
    trustee: await of(trustee.address),
    servicer: await of(servicer.address),
    equity: await of(originator.address),
    guarantor: await of(guarantor.address),
    waterfall: await of(await waterfall.getAddress()),
    tranches: await Promise.all(tranches.map(async (t) => of(await t.getAddress()))),
  };
}

describe("Waterfall", () => {
  describe("WaterfallFactory", () => {
    it("creates a waterfall for the pool's trustee and registers it as a deal contract", async () => {
      const { factory, pool, trustee, registry } = await loadFixture(deployUnconfiguredWaterfall);
      const address = await factory.connect(trustee).createWaterfall.staticCall(await pool.getAddress());
      await expect(factory.connect(trustee).createWaterfall(await pool.getAddress()))
        .to.emit(factory, "WaterfallCreated")
        .withArgs(await pool.getAddress(), address, trustee.address)
        .and.to.emit(registry, "DealContractRegistered");
      expect(await registry.isDealContract(address)).to.equal(true);
      const w = await ethers.getContractAt("Waterfall", address);
      expect(await w.pool()).to.equal(await pool.getAddress());
      expect(await w.cashToken()).to.equal(await pool.cashToken());
    });

    it("deploys the Waterfall code it was given, named by its hash; refuses to be built without it", async () => {
      const { factory, pool, trustee, registry, engine } = await loadFixture(deployUnconfiguredWaterfall);
      const compiled = await ethers.getContractFactory("Waterfall");
      // Governance compares this hash with the compiled contract's before authorising the factory.
      expect(await factory.waterfallCodeHash()).to.equal(ethers.keccak256(compiled.bytecode));
      const address = await factory.connect(trustee).createWaterfall.staticCall(await pool.getAddress());
      await (await factory.connect(trustee).createWaterfall(await pool.getAddress())).wait();
      // The deployed runtime is the compiled one (its immutables filled in place, so the same length).
      const runtime = await ethers.provider.getCode(address);
      expect(runtime.length).to.equal((await artifacts.readArtifact("Waterfall")).deployedBytecode.length);
      const F = await ethers.getContractFactory("WaterfallFactory");
      await expect(
        F.deploy(await registry.getAddress(), await engine.getAddress(), "0x"),
      ).to.be.revertedWithCustomError(F, "WaterfallCodeMissing");
    });

    it("fails NotTrustee for every other role and a suspended trustee", async () => {
      const deal = await loadFixture(deployUnconfiguredWaterfall);
      const { factory, pool, trustee } = deal;
      for (const [name, signer] of othersThan(deal, trustee)) {
        await expect(factory.connect(signer).createWaterfall(await pool.getAddress()), name)
          .to.be.revertedWithCustomError(factory, "NotTrustee")
          .withArgs(signer.address);
      }
      await deal.suspend(trustee.address);
      await expect(factory.connect(trustee).createWaterfall(await pool.getAddress()))
        .to.be.revertedWithCustomError(factory, "NotTrustee")
        .withArgs(trustee.address);
    });

    it("refuses a pool that is not a registered deal contract", async () => {
      const { factory, trustee, outsider } = await loadFixture(deployUnconfiguredWaterfall);
      await expect(factory.connect(trustee).createWaterfall(outsider.address))
        .to.be.revertedWithCustomError(factory, "NotDealContract")
        .withArgs(outsider.address);
    });
  });

  describe("configure", () => {
    it("stores the configuration, the payees and the opening state, with WaterfallConfigured", async () => {
      const deal = await loadFixture(deployUnconfiguredWaterfall);
      const { waterfall, trustee } = deal;
      const config = sampleWaterfallConfig();
      const parties = sampleParties(deal, config);
      const encoded = ethers.AbiCoder.defaultAbiCoder().encode(
        [waterfall.interface.getFunction("configure").inputs[0] ?? "tuple()"],
        [toAbiConfig(config)],
      );
      await expect(waterfall.connect(trustee).configure(toAbiConfig(config), parties))
        .to.emit(waterfall, "WaterfallConfigured")
        .withArgs(ethers.keccak256(encoded), anyValue, anyValue, trustee.address);
      expect(await waterfall.configured()).to.equal(true);
      expect(await waterfall.configHash()).to.equal(ethers.keccak256(encoded));
      const stored = await waterfall.config();
      expect(stored.tranches.length).to.equal(3);
      expect(stored.triggers[2]?.thresholdWad).to.equal(5n * PERCENT);
      const s = await waterfall.waterfallState();
      expect(s.tranches.map((t) => t.balanceCents)).to.deep.equal([80_000_000_00n, 12_000_000_00n, 5_000_000_00n]);
      expect(s.triggersBreached).to.deep.equal([false, false, false, false]);
      expect(await waterfall.poolBalanceCents()).to.equal(config.originalPoolBalanceCents);
      const p = await waterfall.parties();
      expect(p.feeRecipients).to.deep.equal(parties.feeRecipients);
      expect(p.equityHolder).to.equal(parties.equityHolder);
    });

    it("fails NotTrustee for every other role", async () => {
      const deal = await loadFixture(deployUnconfiguredWaterfall);
      const config = sampleWaterfallConfig();
      for (const [name, signer] of othersThan(deal, deal.trustee)) {
        await expect(deal.waterfall.connect(signer).configure(toAbiConfig(config), sampleParties(deal, config)), name)
          .to.be.revertedWithCustomError(deal.waterfall, "NotTrustee")
          .withArgs(signer.address);
      }
    });

    it("is frozen once the pool leaves Structured: ConfigFrozen", async () => {
      const deal = await loadFixture(deployUnconfiguredWaterfall);
      const config = sampleWaterfallConfig();
      await (await deal.pool.connect(deal.trustee).openOffering()).wait();
      await expect(deal.waterfall.connect(deal.trustee).configure(toAbiConfig(config), sampleParties(deal, config)))
        .to.be.revertedWithCustomError(deal.waterfall, "ConfigFrozen")
        .withArgs(PoolState.Offering);
    });

    it("refuses a configuration the engine rejects, a tranche count unlike the pool's, and bad payees", async () => {
      const deal = await loadFixture(deployUnconfiguredWaterfall);
      const { waterfall, trustee, engine } = deal;
      const config = sampleWaterfallConfig();
      const parties = sampleParties(deal, config);
      const as = waterfall.connect(trustee);
      await expect(as.configure(toAbiConfig({ ...config, yearBasisDays: 364 }), parties))
        .to.be.revertedWithCustomError(engine, "WaterfallYearBasisInvalid")
        .withArgs(364);
      const two = {
        ...config,
        tranches: config.tranches.slice(0, 2),
        steps: config.steps.filter((s) => !(s.kind === "interest" && s.index === 2)),
        triggers: config.triggers.map((t) => ({ ...t, trancheScope: Math.min(t.trancheScope, 2) })),
      };
      await expect(as.configure(toAbiConfig(two), parties))
        .to.be.revertedWithCustomError(waterfall, "TrancheCountMismatch")
        .withArgs(2, 3);
      await expect(as.configure(toAbiConfig(config), { ...parties, feeRecipients: [trustee.address] }))
        .to.be.revertedWithCustomError(waterfall, "FeeRecipientsMismatch")
        .withArgs(1, 2);
      await expect(as.configure(toAbiConfig(config), { ...parties, equityHolder: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(waterfall, "PayeeMissing")
        .withArgs(ethers.encodeBytes32String("equityHolder"));
      await expect(as.configure(toAbiConfig(config), { ...parties, guarantor: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(waterfall, "GuarantorInvalid")
        .withArgs(ethers.ZeroAddress, config.guarantee.limitCents);
      // Each coupon must be its token's: B's rate (6.50% fixed) configured at 6.51%, then as floating.
      const b = config.tranches[1];
      if (!b) throw new Error("sample config without tranche B");
      const rate = b.couponRateWad + 10n ** 14n;
      const wrongRate = {
        ...config,
        tranches: config.tranches.map((c, t) => (t === 1 ? { ...c, couponRateWad: rate } : c)),
      };
      await expect(as.configure(toAbiConfig(wrongRate), parties))
        .to.be.revertedWithCustomError(waterfall, "TrancheCouponMismatch")
        .withArgs(1, CouponType.Fixed, b.couponRateWad, CouponType.Fixed, rate);
      const floating = {
        ...config,
        tranches: config.tranches.map((c, t) => (t === 1 ? { ...c, couponType: "floating" as const } : c)),
      };
      await expect(as.configure(toAbiConfig(floating), parties))
        .to.be.revertedWithCustomError(waterfall, "TrancheCouponMismatch")
        .withArgs(1, CouponType.Fixed, b.couponRateWad, CouponType.Floating, b.couponRateWad);
      expect(await waterfall.configured()).to.equal(false);
    });
  });

  describe("AssetPool hook", () => {
    it("setWaterfall: only the trustee, only before the offering, only a registered waterfall of this pool", async () => {
      const deal = await loadFixture(deployUnconfiguredWaterfall);
      const { pool, trustee, waterfall, outsider } = deal;
      const address = await waterfall.getAddress();
      for (const [name, signer] of othersThan(deal, trustee)) {
        await expect(pool.connect(signer).setWaterfall(address), name)
          .to.be.revertedWithCustomError(pool, "NotTrustee")
          .withArgs(signer.address);
      }
      await expect(pool.connect(trustee).setWaterfall(outsider.address))
        .to.be.revertedWithCustomError(pool, "WaterfallInvalid")
        .withArgs(outsider.address);
      await expect(pool.connect(trustee).setWaterfall(address))
        .to.emit(pool, "WaterfallSet")
        .withArgs(address, trustee.address);
      expect(await pool.waterfall()).to.equal(address);
      await (await pool.connect(trustee).openOffering()).wait();
      await expect(pool.connect(trustee).setWaterfall(address))
        .to.be.revertedWithCustomError(pool, "WaterfallLocked")
        .withArgs(PoolState.Offering);
    });

    it("recordDistribution: NotWaterfall for every signer (the waterfall is a contract)", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      await reportAndDeposit(deal, 1);
      for (const [name, signer] of othersThan(deal)) {
        await expect(
          deal.pool
            .connect(signer)
            .recordDistribution(1, [...(await deal.pool.tranches())], [0n, 0n, 0n], [RAY, RAY, RAY]),
          name,
        )
          .to.be.revertedWithCustomError(deal.pool, "NotWaterfall")
          .withArgs(signer.address);
      }
    });

    it("tranche distribute: NotPool for every signer", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const [a] = deal.tranches;
      if (!a) throw new Error("no tranche");
      for (const [name, signer] of othersThan(deal)) {
        await expect(a.connect(signer).distribute(1n, RAY, 1), name)
          .to.be.revertedWithCustomError(a, "NotPool")
          .withArgs(signer.address);
      }
    });
  });

  describe("runPeriod", () => {
    it("credits every payee to the cent, keeps the reserve, pays the tranches and marks the period distributed", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { waterfall, pool, tranches, trustee, servicer, originator, guarantor } = deal;
      await reportAndDeposit(deal, 1);
      const before = await cashBook(deal);
      const { expected, actual } = await runAndCompare(deal, 1);
      expect(actual).to.deep.equal(expected);
      const after = await cashBook(deal);

      // Pull payments: the payees are credited, their cash moves only when they withdraw.
      expect(after.trustee).to.equal(before.trustee);
      expect(await waterfall.owedCents(trustee.address)).to.equal(expected.fees[0]?.paidCents);
      expect(await waterfall.owedCents(servicer.address)).to.equal(expected.fees[1]?.paidCents);
      expect(await waterfall.owedCents(originator.address)).to.equal(expected.residualCents);
      expect(await waterfall.owedCents(guarantor.address)).to.equal(expected.guaranteeFeePaidCents);
      const payables =
        (expected.fees[0]?.paidCents ?? 0n) +
        (expected.fees[1]?.paidCents ?? 0n) +
        expected.residualCents +
        expected.guaranteeFeePaidCents;
      expect(await waterfall.payablesCents()).to.equal(payables);
      for (const [t, tp] of expected.tranches.entries()) {
        expect((after.tranches[t] ?? 0n) - (before.tranches[t] ?? 0n)).to.equal(
          tp.interestPaidCents + tp.principalPaidCents,
        );
        const token = tranches[t];
        if (!token) throw new Error("tranche missing");
        const face = (await token.terms()).originalFaceCents;
        expect(await token.factorRay()).to.equal(((expected.next.tranches[t]?.balanceCents ?? 0n) * RAY) / face);
        expect(await token.distributedCents()).to.equal(tp.interestPaidCents + tp.principalPaidCents);
      }
      // The waterfall keeps the reserve, the guarantee cash and the payables; the collections are spent.
      expect(after.waterfall).to.equal(expected.next.reserveCents + (await waterfall.guaranteeCashCents()) + payables);
      expect(await waterfall.collectionsHeldCents()).to.equal(0n);
      expect(await pool.isDistributed(1)).to.equal(true);
      expect(await waterfall.lastPeriod()).to.equal(1);

      // Each payee withdraws its credits in cash, once.
      let withdrawn = 0;
      for (const [payee, amount] of [
        [trustee, expected.fees[0]?.paidCents ?? 0n],
        [servicer, expected.fees[1]?.paidCents ?? 0n],
        [originator, expected.residualCents],
        [guarantor, expected.guaranteeFeePaidCents],
      ] as const) {
        if (amount === 0n) {
          await expect(waterfall.connect(payee).withdraw())
            .to.be.revertedWithCustomError(waterfall, "NothingToWithdraw")
            .withArgs(payee.address);
          continue;
        }
        withdrawn++;
        const cashBefore = await deal.cash.balanceOf(payee.address);
        await expect(waterfall.connect(payee).withdraw())
          .to.emit(waterfall, "PayeeWithdrawn")
          .withArgs(payee.address, amount);
        expect((await deal.cash.balanceOf(payee.address)) - cashBefore).to.equal(amount);
        expect(await waterfall.owedCents(payee.address)).to.equal(0n);
        await expect(waterfall.connect(payee).withdraw())
          .to.be.revertedWithCustomError(waterfall, "NothingToWithdraw")
          .withArgs(payee.address);
      }
      expect(withdrawn).to.be.greaterThan(0);
      expect(await waterfall.payablesCents()).to.equal(0n);
      expect(await deal.cash.balanceOf(await waterfall.getAddress())).to.equal(
        expected.next.reserveCents + (await waterfall.guaranteeCashCents()),
      );
    });

    it("fails NotTrustee for every other role", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      await reportAndDeposit(deal, 1);
      for (const [name, signer] of othersThan(deal, deal.trustee)) {
        await expect(deal.waterfall.connect(signer).runPeriod(1, 0n, []), name)
          .to.be.revertedWithCustomError(deal.waterfall, "NotTrustee")
          .withArgs(signer.address);
      }
    });

    it("a suspended trustee cannot run a period; reinstated, it can", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      await reportAndDeposit(deal, 1);
      await deal.suspend(deal.trustee.address);
      await expect(deal.waterfall.connect(deal.trustee).runPeriod(1, 0n, []))
        .to.be.revertedWithCustomError(deal.waterfall, "NotTrustee")
        .withArgs(deal.trustee.address);
      await reinstateVoter(deal, deal.trustee.address);
      const { expected, actual } = await runAndCompare(deal, 1);
      expect(actual).to.deep.equal(expected);
    });

    it("cannot run before the report, twice, or out of order", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { waterfall, trustee } = deal;
      const as = waterfall.connect(trustee);
      await expect(as.runPeriod(1, 0n, []))
        .to.be.revertedWithCustomError(waterfall, "ReportMissing")
        .withArgs(1, 0);
      await reportAndDeposit(deal, 1);
      await reportAndDeposit(deal, 2);
      await expect(as.runPeriod(2, 0n, []))
        .to.be.revertedWithCustomError(waterfall, "PeriodOutOfOrder")
        .withArgs(1, 2);
      await (await as.runPeriod(1, 0n, [])).wait();
      await expect(as.runPeriod(1, 0n, []))
        .to.be.revertedWithCustomError(waterfall, "PeriodOutOfOrder")
        .withArgs(2, 1);
      await expect(as.runPeriod(3, 0n, []))
        .to.be.revertedWithCustomError(waterfall, "PeriodOutOfOrder")
        .withArgs(2, 3);
      await (await as.runPeriod(2, 0n, [])).wait();
      await expect(as.runPeriod(3, 0n, []))
        .to.be.revertedWithCustomError(waterfall, "ReportMissing")
        .withArgs(3, 2);
    });

    it("refuses to run without the collections in cash, changing nothing", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const r = await reportAndDeposit(deal, 1, {}, false);
      const needed =
        BigInt(r.interestCollectedCents) +
        BigInt(r.scheduledPrincipalCents) +
        BigInt(r.prepaymentCents) +
        BigInt(r.recoveryCents);
      await expect(deal.waterfall.connect(deal.trustee).runPeriod(1, 0n, []))
        .to.be.revertedWithCustomError(deal.waterfall, "CollectionsShort")
        .withArgs(needed, 0n);
      expect(await deal.pool.isDistributed(1)).to.equal(false);
      expect(await deal.waterfall.lastPeriod()).to.equal(0);
    });

    it("runs on the restated report; once distributed, the report can no longer be restated", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { pool, servicer } = deal;
      await reportAndDeposit(deal, 1);
      const restated = periodReport(1, { newDefaultsCents: 70_000_00n, contentHash: ethers.id("restated:1") });
      await (await pool.connect(servicer).restateReport(restated, ethers.id("notice"))).wait();
      const { expected, actual, inputs } = await runAndCompare(deal, 1);
      expect(inputs.newDefaultsCents).to.equal(70_000_00n);
      expect(actual).to.deep.equal(expected);
      await expect(
        pool.connect(servicer).restateReport(periodReport(1, { contentHash: ethers.id("again") }), ethers.id("n2")),
      )
        .to.be.revertedWithCustomError(pool, "PeriodAlreadyDistributed")
        .withArgs(1);
    });

    it("a multi-tranche sequential deal pays principal to A only, period after period, as the engine", async () => {
      const deal = await loadFixture(sequentialDeal);
      for (let p = 1; p <= 4; ++p) {
        await reportAndDeposit(deal, p);
        const { expected, actual } = await runAndCompare(deal, p);
        expect(actual).to.deep.equal(expected);
        expect(actual.principalMode).to.equal("sequential");
        expect(actual.tranches[0]?.principalPaidCents).to.be.greaterThan(0n);
        expect(actual.tranches[1]?.principalPaidCents).to.equal(0n);
        expect(actual.tranches[2]?.principalPaidCents).to.equal(0n);
      }
    });

    it("a pro-rata deal flips to sequential when the delinquency trigger breaches, and back when it cures", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { waterfall } = deal;
      await reportAndDeposit(deal, 1);
      const first = await runAndCompare(deal, 1);
      expect(first.actual.principalMode).to.equal("proRata");
      expect(first.actual.tranches[1]?.principalPaidCents).to.be.greaterThan(0n);

      await reportAndDeposit(deal, 2, { delinquent60Cents: 5_000_000_00n });
      const tx2 = waterfall.connect(deal.trustee).runPeriod(2, 0n, []);
      await expect(tx2)
        .to.emit(waterfall, "TriggerBreached")
        .withArgs(2, 3, 3, 0, anyValue, 4n * PERCENT);
      const s2 = await waterfall.waterfallState();
      expect(s2.triggersBreached).to.deep.equal([false, false, false, true]);

      await reportAndDeposit(deal, 3);
      const third = await runAndCompare(deal, 3);
      expect(third.actual).to.deep.equal(third.expected);
      expect(third.actual.principalMode).to.equal("proRata");
      expect(third.actual.triggers[3]?.curedNow).to.equal(true);
    });

    it("accelerates when the pool is Accelerated: everything to the most senior outstanding tranche", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      await (await deal.pool.connect(deal.trustee).accelerate(ethers.id("notice:eod"))).wait();
      await reportAndDeposit(deal, 1);
      const { expected, actual, inputs } = await runAndCompare(deal, 1);
      expect(inputs.accelerated).to.equal(true);
      expect(actual).to.deep.equal(expected);
      expect(actual.accelerated).to.equal(true);
      expect(actual.tranches[1]?.principalPaidCents).to.equal(0n);
      expect(actual.residualCents).to.equal(0n);
    });

    it("an event-of-default trigger breaching moves the pool to Accelerated in the same transaction", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { pool, waterfall } = deal;
      await reportAndDeposit(deal, 1);
      await runAndCompare(deal, 1);
      expect(await pool.state()).to.equal(PoolState.Active);
      // 6 % of the pool defaults: cumulative net loss above the 5 % event-of-default threshold (trigger 2).
      await reportAndDeposit(deal, 2, {
        newDefaultsCents: 6_000_000_00n,
        recoveryCents: 0n,
        endingBalanceCents: POOL - 2n * 3_000_000_00n - 6_000_000_00n,
      });
      const second = await runAndCompare(deal, 2);
      expect(second.actual).to.deep.equal(second.expected);
      expect(second.actual.accelerated).to.equal(true);
      expect(second.actual.triggers[2]?.breachedNow).to.equal(true);
      expect(await pool.state()).to.equal(PoolState.Accelerated);
      const waterfallAddress = await waterfall.getAddress();
      const [declared, ...more] = await pool.queryFilter(pool.filters.EventOfDefaultTriggered());
      expect(more).to.have.length(0);
      expect([...(declared?.args ?? [])]).to.deep.equal([2n, 2n, waterfallAddress]);
      const [distributed] = await waterfall.queryFilter(waterfall.filters.PeriodDistributed(2));
      expect(declared?.transactionHash).to.equal(distributed?.transactionHash);
      const [moved] = await pool.queryFilter(pool.filters.StateChanged(PoolState.Active, PoolState.Accelerated));
      expect(moved?.args.actor).to.equal(waterfallAddress);
      expect(moved?.transactionHash).to.equal(distributed?.transactionHash);
      // The next period runs accelerated from the pool's state, and declares nothing again.
      await reportAndDeposit(deal, 3, { endingBalanceCents: POOL - 3n * 3_000_000_00n - 6_000_000_00n });
      const third = waterfall.connect(deal.trustee).runPeriod(3, 0n, []);
      await expect(third).to.not.emit(pool, "EventOfDefaultTriggered");
      expect((await waterfall.periodInputs(3, 0n, [])).accelerated).to.equal(true);
    });

    it("triggerEventOfDefault: NotWaterfall for every signer (only the waterfall moves the pool)", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      for (const signer of [deal.trustee, deal.servicer, deal.originator, deal.guarantor]) {
        await expect(deal.pool.connect(signer).triggerEventOfDefault(1, 2))
          .to.be.revertedWithCustomError(deal.pool, "NotWaterfall")
          .withArgs(signer.address);
      }
    });

    it("draws the reserve and then the guarantee on an interest shortfall, and reimburses the guarantor later", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { waterfall } = deal;
      await reportAndDeposit(deal, 1);
      await runAndCompare(deal, 1);
      const reserve = (await waterfall.waterfallState()).reserveCents;
      expect(reserve).to.be.greaterThan(0n);
      // No collections at all: fees and A, B interest come from the reserve, then A's from the guarantee.
      await reportAndDeposit(deal, 2, {
        interestCollectedCents: 0n,
        scheduledPrincipalCents: 0n,
        prepaymentCents: 0n,
        recoveryCents: 0n,
        newDefaultsCents: 0n,
        endingBalanceCents: 97_000_000_00n,
      });
      const guaranteeBefore = await waterfall.guaranteeCashCents();
      const second = await runAndCompare(deal, 2);
      expect(second.actual).to.deep.equal(second.expected);
      expect(second.actual.reserveDrawCents).to.equal(reserve);
      expect(second.actual.guaranteeDrawCents).to.be.greaterThan(0n);
      expect(await waterfall.guaranteeCashCents()).to.equal(guaranteeBefore - second.actual.guaranteeDrawCents);
      // A period with ample interest refills the reserve, then reimburses the guarantor in the waterfall.
      await reportAndDeposit(deal, 3, { endingBalanceCents: 94_000_000_00n, interestCollectedCents: 3_000_000_00n });
      const third = await runAndCompare(deal, 3);
      expect(third.actual).to.deep.equal(third.expected);
      expect(third.actual.guaranteeReimbursedCents).to.equal(second.actual.guaranteeDrawCents);
      // The reimbursement restores the committed cash: the facility is whole again.
      expect(await waterfall.guaranteeCashCents()).to.equal(guaranteeBefore);
    });

    it("writes losses down most junior first and recoveries back up most senior first", async () => {
      const deal = await loadFixture(sequentialDeal);
      await reportAndDeposit(deal, 1, { newDefaultsCents: 9_000_000_00n, endingBalanceCents: 84_000_000_00n });
      const first = await runAndCompare(deal, 1);
      expect(first.actual).to.deep.equal(first.expected);
      const down = first.actual.tranches.map((t) => t.writeDownCents);
      expect(down[2]).to.equal(5_000_000_00n);
      expect(down[1]).to.be.greaterThan(0n);
      expect(down[0]).to.equal(0n);
      const c = deal.tranches[2];
      if (!c) throw new Error("tranche C missing");
      expect(await c.factorRay()).to.equal(0n);

      await reportAndDeposit(deal, 2, { recoveryCents: 1_000_000_00n, newDefaultsCents: 0n });
      const second = await runAndCompare(deal, 2);
      expect(second.actual).to.deep.equal(second.expected);
      expect(second.actual.tranches[1]?.writeUpCents).to.equal(1_000_000_00n);
      expect(second.actual.tranches[2]?.writeUpCents).to.equal(0n);
    });
  });

  describe("clean-up call", () => {
    async function cleanUpDeal() {
      const base = await deployUnconfiguredWaterfall();
      await (await base.waterfall.connect(base.trustee).setCleanUpCall(RAY / 10n)).wait();
      return configureAndIssue(base, sequentialNoGuarantee());
    }

    it("is set only by the trustee, only before the offering, at most 100%", async () => {
      const deal = await loadFixture(deployUnconfiguredWaterfall);
      const { waterfall, trustee } = deal;
      for (const [name, signer] of othersThan(deal, trustee)) {
        await expect(waterfall.connect(signer).setCleanUpCall(RAY / 10n), name)
          .to.be.revertedWithCustomError(waterfall, "NotTrustee")
          .withArgs(signer.address);
      }
      await expect(waterfall.connect(trustee).setCleanUpCall(RAY + 1n))
        .to.be.revertedWithCustomError(waterfall, "CleanUpFactorInvalid")
        .withArgs(RAY + 1n);
      await expect(waterfall.connect(trustee).setCleanUpCall(RAY / 10n))
        .to.emit(waterfall, "CleanUpCallSet")
        .withArgs(RAY / 10n, trustee.address);
      await (await deal.pool.connect(trustee).openOffering()).wait();
      await expect(waterfall.connect(trustee).setCleanUpCall(0n))
        .to.be.revertedWithCustomError(waterfall, "ConfigFrozen")
        .withArgs(PoolState.Offering);
    });

    /** The servicer holds `cents` of cash and allows the pool to take it (the clean-up call's price). */
    let funded = 0;
    async function fundServicer(deal: WaterfallDeal, cents: bigint): Promise<void> {
      const { cash, custodian, servicer, pool } = deal;
      funded += 1;
      await (await cash.connect(custodian).mint(servicer.address, cents, bankRef(`clean-up price ${funded}`))).wait();
      await (await cash.connect(servicer).approve(await pool.getAddress(), cents)).wait();
    }

    const RUN_DOWN = {
      scheduledPrincipalCents: 80_000_000_00n,
      prepaymentCents: 10_000_000_00n,
      newDefaultsCents: 500_000_00n,
      recoveryCents: 0n,
      endingBalanceCents: 9_500_000_00n,
      delinquent30Cents: 0n,
      delinquent60Cents: 0n,
      delinquent90PlusCents: 0n,
    };

    it("is exercised by the servicer alone, through the pool, on a reported period not yet distributed", async () => {
      const deal = await loadFixture(cleanUpDeal);
      const { pool, waterfall, servicer, trustee } = deal;
      await expect(pool.connect(servicer).exerciseCleanUpCall())
        .to.be.revertedWithCustomError(pool, "NoPeriodPending")
        .withArgs(0);
      await reportAndDeposit(deal, 1, RUN_DOWN);
      for (const [name, signer] of othersThan(deal, servicer)) {
        await expect(pool.connect(signer).exerciseCleanUpCall(), name)
          .to.be.revertedWithCustomError(pool, "NotServicer")
          .withArgs(signer.address);
      }
      // Nobody reaches the waterfall's record of it but the pool.
      await expect(waterfall.connect(trustee).exerciseCleanUpCall(1, 1n, trustee.address))
        .to.be.revertedWithCustomError(waterfall, "NotPool")
        .withArgs(trustee.address);
      // Without the servicer's cash nothing is recorded.
      await expect(pool.connect(servicer).exerciseCleanUpCall()).to.be.reverted;
      expect(await waterfall.cleanUpCall()).to.deep.equal([RAY / 10n, false]);
      await runAndCompare(deal, 1);
      await expect(pool.connect(servicer).exerciseCleanUpCall())
        .to.be.revertedWithCustomError(pool, "NoPeriodPending")
        .withArgs(1);
    });

    it("is refused above 10% of the original balance", async () => {
      const deal = await loadFixture(cleanUpDeal);
      const { pool, servicer, waterfall } = deal;
      await reportAndDeposit(deal, 1, { ...RUN_DOWN, endingBalanceCents: POOL / 10n + 1n });
      await fundServicer(deal, POOL);
      await expect(pool.connect(servicer).exerciseCleanUpCall())
        .to.be.revertedWithCustomError(waterfall, "CleanUpCallNotAvailable")
        .withArgs(POOL / 10n + 1n, POOL / 10n);
    });

    it("buys every loan left at the period's ending balance, in the same transaction, and pays the notes off", async () => {
      const deal = await loadFixture(cleanUpDeal);
      const { pool, waterfall, servicer, cash } = deal;
      await reportAndDeposit(deal, 1, RUN_DOWN);
      const price = RUN_DOWN.endingBalanceCents;
      await fundServicer(deal, price);
      const before = await pool.waterfallReport(1);
      const held = await waterfall.collectionsHeldCents();
      await expect(pool.connect(servicer).exerciseCleanUpCall())
        .to.emit(waterfall, "CleanUpCallExercised")
        .withArgs(1, price, RAY / 10n, servicer.address)
        .and.to.emit(cash, "Transfer")
        .withArgs(servicer.address, await waterfall.getAddress(), price);
      expect(await waterfall.collectionsHeldCents()).to.equal(held + price);
      expect(await waterfall.cleanUpCall()).to.deep.equal([RAY / 10n, true]);
      // The period distributes the price as principal collected and ends with no loan left.
      const after = await pool.waterfallReport(1);
      expect(after.principalCollectedCents).to.equal(before.principalCollectedCents + price);
      expect(after.endingBalanceCents).to.equal(0n);
      // Once only.
      await fundServicer(deal, price);
      await expect(pool.connect(servicer).exerciseCleanUpCall()).to.be.revertedWithCustomError(
        waterfall,
        "CleanUpCallNotAvailable",
      );
      // A restatement cannot change the balance the loans were bought at.
      await expect(
        pool
          .connect(servicer)
          .restateReport(
            periodReport(1, { ...RUN_DOWN, endingBalanceCents: price - 1n, contentHash: ethers.id("r2") }),
            ethers.id("why"),
          ),
      )
        .to.be.revertedWithCustomError(pool, "RestatementConflictsWithPurchases")
        .withArgs(1, 0n, price);
      const { expected, actual, inputs } = await runAndCompare(deal, 1);
      expect(inputs.accelerated).to.equal(true);
      expect(inputs.poolBalanceEndCents).to.equal(0n);
      expect(actual).to.deep.equal(expected);
      for (const t of deal.tranches) expect(await t.factorRay()).to.equal(0n);
      expect(actual.tranches.reduce((sum, t) => sum + t.writeDownCents, 0n)).to.equal(0n);
    });
  });

  describe("the cash leg of a revolving purchase (AssetPool.anchorTape)", () => {
    const revolvingDeal = async () =>
      configureAndIssue(await deployUnconfiguredWaterfall(), sequentialNoGuarantee(), { revolving: true });

    it("pays the originator out of the pending period's principal collections, which distributes that much less", async () => {
      const deal = await loadFixture(revolvingDeal);
      const { pool, originator, cash, waterfall } = deal;
      const anchor = tapeAnchor({ cutoffDate: CUTOFF + DAY });
      const change = validChange(TapeChangeKind.RevolvingPurchase);
      const price = BigInt(change.principalAddedCents);
      // No period reported yet: no collections to buy with.
      await expect(pool.connect(originator).anchorTape(anchor, change))
        .to.be.revertedWithCustomError(pool, "NoPeriodPending")
        .withArgs(0);
      const r = await reportAndDeposit(deal, 1);
      const before = await pool.waterfallReport(1);
      const ownBefore = await cash.balanceOf(originator.address);
      const held = await waterfall.collectionsHeldCents();
      await expect(pool.connect(originator).anchorTape(anchor, change))
        .to.emit(pool, "RevolvingPurchasePaid")
        .withArgs(1, originator.address, price, price)
        .and.to.emit(cash, "Transfer")
        .withArgs(await waterfall.getAddress(), originator.address, price);
      expect(await cash.balanceOf(originator.address)).to.equal(ownBefore + price);
      expect(await waterfall.collectionsHeldCents()).to.equal(held - price);
      const after = await pool.waterfallReport(1);
      expect(after.principalCollectedCents).to.equal(before.principalCollectedCents - price);
      expect(after.endingBalanceCents).to.equal(before.endingBalanceCents + price);
      // More than the scheduled principal and prepayments left is refused (recoveries are not reinvested).
      const reinvestable = BigInt(r.scheduledPrincipalCents) + BigInt(r.prepaymentCents);
      const tooMuch = { ...change, principalAddedCents: reinvestable - price + 1n };
      await expect(pool.connect(originator).anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), tooMuch))
        .to.be.revertedWithCustomError(pool, "RevolvingPurchaseExceedsCollections")
        .withArgs(1, reinvestable + 1n, reinvestable);
      // A restatement below what was reinvested is refused.
      await expect(
        pool
          .connect(deal.servicer)
          .restateReport(
            periodReport(1, { scheduledPrincipalCents: 0n, prepaymentCents: price - 1n, contentHash: ethers.id("r2") }),
            ethers.id("why"),
          ),
      )
        .to.be.revertedWithCustomError(pool, "RestatementConflictsWithPurchases")
        .withArgs(1, price, 0n);
      // The engine and the contract agree on the period with less principal and the loans bought in the balance.
      const { expected, actual, inputs } = await runAndCompare(deal, 1);
      expect(inputs.principalCollectionsCents).to.equal(before.principalCollectedCents - price);
      expect(inputs.poolBalanceEndCents).to.equal(before.endingBalanceCents + price);
      expect(actual).to.deep.equal(expected);
      // Distributed: the next purchase waits for the next period's report.
      await expect(pool.connect(originator).anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), change))
        .to.be.revertedWithCustomError(pool, "NoPeriodPending")
        .withArgs(1);
    });

    it("needs the collections in the waterfall first", async () => {
      const deal = await loadFixture(revolvingDeal);
      const { pool, originator, waterfall } = deal;
      await reportAndDeposit(deal, 1, {}, false);
      await expect(
        pool
          .connect(originator)
          .anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), validChange(TapeChangeKind.RevolvingPurchase)),
      )
        .to.be.revertedWithCustomError(waterfall, "CollectionsShort")
        .withArgs(2_000_00n, 0n);
    });
  });

  describe("closeOut", () => {
    /** A period run, then (without any withdrawal) unspent collections deposited and the pool Amortizing. */
    async function amortizingDeal() {
      const deal = await deployWaterfallDeal();
      const { cash, custodian, servicer, waterfall } = deal;
      await reportAndDeposit(deal, 1);
      await runAndCompare(deal, 1);
      // Cash the servicer sent that no period spent: 1,234.56 of collections held.
      await (await cash.connect(custodian).mint(servicer.address, 1_234_56n, bankRef("late"))).wait();
      await (await cash.connect(servicer).transfer(await waterfall.getAddress(), 1_234_56n)).wait();
      await advance(deal, "Amortizing");
      return deal;
    }

    it("only once the pool is Redeemed, only by the trustee (every other role fails NotTrustee)", async () => {
      const deal = await loadFixture(amortizingDeal);
      const { waterfall, trustee } = deal;
      await expect(waterfall.connect(trustee).closeOut())
        .to.be.revertedWithCustomError(waterfall, "DealNotRedeemed")
        .withArgs(PoolState.Amortizing);
      await advance(deal, "Redeemed");
      for (const [name, signer] of othersThan(deal, trustee)) {
        await expect(waterfall.connect(signer).closeOut(), name)
          .to.be.revertedWithCustomError(waterfall, "NotTrustee")
          .withArgs(signer.address);
      }
      await deal.suspend(trustee.address);
      await expect(waterfall.connect(trustee).closeOut())
        .to.be.revertedWithCustomError(waterfall, "NotTrustee")
        .withArgs(trustee.address);
    });

    it("credits the guarantee cash to the guarantor, the reserve and the collections to the equity holder", async () => {
      const deal = await loadFixture(amortizingDeal);
      const { waterfall, trustee, guarantor, originator, cash } = deal;
      await advance(deal, "Redeemed");
      const address = await waterfall.getAddress();
      const guarantee = await waterfall.guaranteeCashCents();
      const reserve = (await waterfall.waterfallState()).reserveCents;
      const collections = await waterfall.collectionsHeldCents();
      expect(guarantee).to.equal(deal.config.guarantee.limitCents);
      expect(reserve).to.be.greaterThan(0n);
      expect(collections).to.equal(1_234_56n);
      const payables = await waterfall.payablesCents();
      const guarantorOwed = await waterfall.owedCents(guarantor.address);
      const equityOwed = await waterfall.owedCents(originator.address);
      const balance = await cash.balanceOf(address);
      expect(balance).to.equal(payables + guarantee + reserve + collections);

      await expect(waterfall.connect(trustee).closeOut())
        .to.emit(waterfall, "DealClosedOut")
        .withArgs(1, guarantor.address, guarantee, originator.address, reserve, collections, trustee.address);
      expect(await waterfall.closedOut()).to.equal(true);
      // The waterfall's cash is now exactly its payables: every other bucket is empty.
      expect(await cash.balanceOf(address)).to.equal(balance);
      expect(await waterfall.payablesCents()).to.equal(balance);
      expect(await waterfall.guaranteeCashCents()).to.equal(0n);
      expect((await waterfall.waterfallState()).reserveCents).to.equal(0n);
      expect(await waterfall.collectionsHeldCents()).to.equal(0n);
      expect(await waterfall.owedCents(guarantor.address)).to.equal(guarantorOwed + guarantee);
      expect(await waterfall.owedCents(originator.address)).to.equal(equityOwed + reserve + collections);

      // Each payee withdraws exactly its credit; afterwards the waterfall holds nothing.
      for (const payee of [guarantor, originator, trustee, deal.servicer]) {
        const owed = await waterfall.owedCents(payee.address);
        const before = await cash.balanceOf(payee.address);
        await expect(waterfall.connect(payee).withdraw())
          .to.emit(waterfall, "PayeeWithdrawn")
          .withArgs(payee.address, owed);
        expect(await cash.balanceOf(payee.address)).to.equal(before + owed);
      }
      expect(await cash.balanceOf(address)).to.equal(0n);
      expect(await waterfall.payablesCents()).to.equal(0n);
    });

    it("is final: a second close-out, a period and a commitment fail WaterfallClosedOut", async () => {
      const deal = await loadFixture(amortizingDeal);
      const { waterfall, trustee, guarantor } = deal;
      await reportAndDeposit(deal, 2);
      await advance(deal, "Redeemed");
      await (await waterfall.connect(trustee).closeOut()).wait();
      await expect(waterfall.connect(trustee).closeOut()).to.be.revertedWithCustomError(
        waterfall,
        "WaterfallClosedOut",
      );
      await expect(waterfall.connect(trustee).runPeriod(2, 0n, [])).to.be.revertedWithCustomError(
        waterfall,
        "WaterfallClosedOut",
      );
      await expect(waterfall.connect(guarantor).commitGuarantee(1n)).to.be.revertedWithCustomError(
        waterfall,
        "WaterfallClosedOut",
      );
    });

    it("a deal without a guarantee releases nothing to a guarantor", async () => {
      const deal = await loadFixture(sequentialDeal);
      const { waterfall, trustee, originator } = deal;
      await reportAndDeposit(deal, 1);
      await runAndCompare(deal, 1);
      await advance(deal, "Redeemed");
      const reserve = (await waterfall.waterfallState()).reserveCents;
      await expect(waterfall.connect(trustee).closeOut())
        .to.emit(waterfall, "DealClosedOut")
        .withArgs(1, ethers.ZeroAddress, 0n, originator.address, reserve, 0n, trustee.address);
      expect(await deal.cash.balanceOf(await waterfall.getAddress())).to.equal(await waterfall.payablesCents());
    });
  });

  describe("commitGuarantee", () => {
    it("opens only once the terms are frozen (GuaranteeNotOpen in Structured)", async () => {
      const deal = await loadFixture(deployUnconfiguredWaterfall);
      const config = sampleWaterfallConfig();
      await (
        await deal.waterfall.connect(deal.trustee).configure(toAbiConfig(config), sampleParties(deal, config))
      ).wait();
      await expect(deal.waterfall.connect(deal.guarantor).commitGuarantee(1n))
        .to.be.revertedWithCustomError(deal.waterfall, "GuaranteeNotOpen")
        .withArgs(PoolState.Structured);
    });

    it("only the guarantor, within the limit", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { waterfall, guarantor } = deal;
      for (const [name, signer] of othersThan(deal, guarantor)) {
        await expect(waterfall.connect(signer).commitGuarantee(1n), name)
          .to.be.revertedWithCustomError(waterfall, "NotGuarantor")
          .withArgs(signer.address);
      }
      await expect(waterfall.connect(guarantor).commitGuarantee(1n))
        .to.be.revertedWithCustomError(waterfall, "GuaranteeCommitExceedsLimit")
        .withArgs(deal.config.guarantee.limitCents, deal.config.guarantee.limitCents + 1n);
      await expect(waterfall.connect(guarantor).commitGuarantee(0n)).to.be.revertedWithCustomError(
        waterfall,
        "AmountZero",
      );
    });
  });

  describe("claims", () => {
    it("each holder claims its pro-rata share; a frozen holder cannot until unfrozen; nothing twice", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { investor1, investor2, trustee, cash } = deal;
      const a = deal.tranches[0];
      if (!a) throw new Error("tranche A missing");
      await reportAndDeposit(deal, 1);
      const { actual } = await runAndCompare(deal, 1);
      const paidA = (actual.tranches[0]?.interestPaidCents ?? 0n) + (actual.tranches[0]?.principalPaidCents ?? 0n);
      // Investor 1 holds 50M of A's 80M, investor 2 30M.
      const share1 = (paidA * 50n) / 80n;
      expect(await a.claimableCents(investor1.address)).to.equal(share1);
      const cash1 = await cash.balanceOf(investor1.address);
      await expect(a.connect(investor1).claim()).to.emit(a, "Claimed").withArgs(investor1.address, share1);
      expect((await cash.balanceOf(investor1.address)) - cash1).to.equal(share1);
      await expect(a.connect(investor1).claim())
        .to.be.revertedWithCustomError(a, "NothingToClaim")
        .withArgs(investor1.address);

      await (await a.connect(trustee).freeze(investor2.address, ethers.id("order"))).wait();
      await expect(a.connect(investor2).claim())
        .to.be.revertedWithCustomError(a, "ClaimFrozen")
        .withArgs(investor2.address);
      await (await a.connect(trustee).unfreeze(investor2.address)).wait();
      const due2 = await a.claimableCents(investor2.address);
      await expect(a.connect(investor2).claim()).to.emit(a, "Claimed").withArgs(investor2.address, due2);
      expect(await a.claimableCents(investor2.address)).to.equal(0n);
      const left = await cash.balanceOf(await a.getAddress());
      expect(left).to.be.lessThan(2n); // rounding dust: under one cent per holder
      expect(left + share1 + due2).to.equal(paidA);
    });

    it("a partial freeze and a paused tranche do not block claims", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { investor1, investor2, trustee } = deal;
      const a = deal.tranches[0];
      if (!a) throw new Error("tranche A missing");
      await reportAndDeposit(deal, 1);
      await runAndCompare(deal, 1);
      await (await a.connect(trustee).freezeAmount(investor1.address, 1_000_00n, ethers.id("order"))).wait();
      await (await a.connect(trustee).pause()).wait();
      const due1 = await a.claimableCents(investor1.address);
      const due2 = await a.claimableCents(investor2.address);
      expect(due1).to.be.greaterThan(0n);
      await expect(a.connect(investor1).claim()).to.emit(a, "Claimed").withArgs(investor1.address, due1);
      await expect(a.connect(investor2).claim()).to.emit(a, "Claimed").withArgs(investor2.address, due2);
    });

    it("entitlements follow the units held at each distribution across transfers and forced transfers", async () => {
      const deal = await loadFixture(deployWaterfallDeal);
      const { investor1, investor2, investor3, trustee } = deal;
      const a = deal.tranches[0];
      if (!a) throw new Error("tranche A missing");
      await reportAndDeposit(deal, 1);
      const p1 = await runAndCompare(deal, 1);
      const perUnit1 = await a.cashPerUnitWad();
      // Investor 1 moves 10M to investor 3; the trustee forces 5M of investor 2 to investor 3.
      await (await a.connect(investor1).transfer(investor3.address, 10_000_000_00n)).wait();
      await (
        await a
          .connect(trustee)
          .forceTransfer(investor2.address, investor3.address, 5_000_000_00n, 0, ethers.id("order"))
      ).wait();
      await reportAndDeposit(deal, 2);
      await runAndCompare(deal, 2);
      const perUnit2 = (await a.cashPerUnitWad()) - perUnit1;
      const WAD = 10n ** 18n;
      const e1 = (perUnit1 * 50_000_000_00n + perUnit2 * 40_000_000_00n) / WAD;
      const e2 = (perUnit1 * 30_000_000_00n + perUnit2 * 25_000_000_00n) / WAD;
      const e3 = (perUnit2 * 15_000_000_00n) / WAD;
      // Nothing was claimed yet, so each holder's entitlement is its claimable amount.
      expect(await a.claimableCents(investor1.address)).to.be.within(e1 - 1n, e1);
      expect(await a.claimableCents(investor2.address)).to.be.within(e2 - 1n, e2);
      expect(await a.claimableCents(investor3.address)).to.be.within(e3 - 1n, e3);
      const total =
        (await a.claimableCents(investor1.address)) +
        (await a.claimableCents(investor2.address)) +
        (await a.claimableCents(investor3.address));
      expect(await a.distributedCents()).to.be.within(total, total + 3n);
      expect(p1.actual.tranches[0]?.principalPaidCents).to.be.greaterThan(0n);
    });
  });

  it("bank reference helper is unique per label", () => {
    expect(bankRef("a")).to.not.equal(bankRef("b"));
  });

  describe("the cash leg of a repurchase (AssetPool.anchorTape)", () => {
    it("pays the repurchase price from the originator into the waterfall in the tape change's transaction", async () => {
      const deal = await loadFixture(sequentialDeal);
      const { pool, originator, custodian, cash, waterfall } = deal;
      const change = validChange(TapeChangeKind.Repurchase);
      const price = BigInt(change.principalRemovedCents);
      await (await cash.connect(custodian).mint(originator.address, price, bankRef("repurchase"))).wait();
      const anchor = tapeAnchor({ cutoffDate: CUTOFF + DAY });
      // Without the originator's approval nothing is anchored.
      await expect(pool.connect(originator).anchorTape(anchor, change)).to.be.revertedWithCustomError(
        cash,
        "ERC20InsufficientAllowance",
      );
      expect(await pool.tapeCount()).to.equal(1n);
      await (await cash.connect(originator).approve(await pool.getAddress(), price)).wait();
      const heldBefore = await waterfall.collectionsHeldCents();
      const ownBefore = await cash.balanceOf(originator.address);
      await expect(pool.connect(originator).anchorTape(anchor, change))
        .to.emit(cash, "Transfer")
        .withArgs(originator.address, await waterfall.getAddress(), price);
      expect(await pool.tapeCount()).to.equal(2n);
      expect(await waterfall.collectionsHeldCents()).to.equal(heldBefore + price);
      expect(await cash.balanceOf(originator.address)).to.equal(ownBefore - price);
    });

    it("pays the substitution adjustment, the principal removed in excess of the principal added", async () => {
      const deal = await loadFixture(sequentialDeal);
      const { pool, originator, custodian, cash, waterfall } = deal;
      const change = {
        ...validChange(TapeChangeKind.Substitution),
        principalRemovedCents: 3_000_00n,
        principalAddedCents: 1_000_00n,
      };
      await (await cash.connect(custodian).mint(originator.address, 2_000_00n, bankRef("substitution"))).wait();
      await (await cash.connect(originator).approve(await pool.getAddress(), 2_000_00n)).wait();
      await expect(pool.connect(originator).anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), change))
        .to.emit(cash, "Transfer")
        .withArgs(originator.address, await waterfall.getAddress(), 2_000_00n);
    });

    it("moves no cash for a repurchase before issuance, nor for a substitution adding at least what it removes", async () => {
      const deal = await loadFixture(sequentialDeal);
      const { pool, originator, cash } = deal;
      const before = await cash.balanceOf(originator.address);
      for (const added of [1_000_00n, 1_500_00n]) {
        const change = { ...validChange(TapeChangeKind.Substitution), principalAddedCents: added };
        await expect(pool.connect(originator).anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), change)).to.not.emit(
          cash,
          "Transfer",
        );
      }
      expect(await cash.balanceOf(originator.address)).to.equal(before);
    });
  });
});
