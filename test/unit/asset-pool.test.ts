import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type ContractTransactionResponse } from "ethers";
import { type AssetPool, type IssuerHarness } from "../../typechain-types";
import {
  CouponType,
  CUTOFF,
  DAY,
  type Deal,
  dealIn,
  deployDeal,
  deployRevolvingDeal,
  othersThan,
  periodReport,
  POOL_PRINCIPAL_CENTS,
  POOL_STATES,
  PoolState,
  type PoolStateName,
  reinstateVoter,
  signersByName,
  sampleTree,
  TapeChangeKind,
  tapeAnchor,
  tapeChange,
  TOTAL_FACE_CENTS,
  TRANCHE_TERMS,
  trancheTerms,
  tuple,
  validChange,
} from "../helpers/pool";

const REASON = ethers.id("notice:event-of-default");
const RESTATEMENT = ethers.id("notice:restatement");
const ZERO = ethers.ZeroHash;

/** Every lifecycle transition function, what it requests, and where it is legal. */
type Transition = {
  name: string;
  to: number;
  legalFrom: readonly number[];
  call: (deal: Deal, signer: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
};
const TRANSITIONS: readonly Transition[] = [
  {
    name: "markStructured",
    to: PoolState.Structured,
    legalFrom: [PoolState.Draft],
    call: (d, s) => d.pool.connect(s).markStructured(),
  },
  {
    name: "openOffering",
    to: PoolState.Offering,
    legalFrom: [PoolState.Structured],
    call: (d, s) => d.pool.connect(s).openOffering(),
  },
  {
    name: "withdrawOffering",
    to: PoolState.Structured,
    legalFrom: [PoolState.Offering],
    call: (d, s) => d.pool.connect(s).withdrawOffering(),
  },
  {
    name: "startAmortization",
    to: PoolState.Amortizing,
    legalFrom: [PoolState.Active],
    call: (d, s) => d.pool.connect(s).startAmortization(),
  },
  {
    name: "accelerate",
    to: PoolState.Accelerated,
    legalFrom: [PoolState.Active, PoolState.Amortizing],
    call: (d, s) => d.pool.connect(s).accelerate(REASON),
  },
  {
    name: "redeem",
    to: PoolState.Redeemed,
    legalFrom: [PoolState.Amortizing, PoolState.Accelerated],
    call: (d, s) => d.pool.connect(s).redeem(),
  },
];

/** The fixture of `state`, with the initial tape anchored when in Draft (so markStructured can pass). */
async function loadState(state: PoolStateName): Promise<Deal> {
  const deal = await loadFixture(dealIn[state]);
  if (state === "Draft") await anchorInitial(deal);
  return deal;
}

async function anchorInitial(deal: Deal): Promise<void> {
  await (await deal.pool.connect(deal.originator).anchorTape(tapeAnchor(), tapeChange())).wait();
}

/** A second pool of the same parties, in Draft, with no tranche and no tape. */
async function createBarePool(deal: Deal, label = "ABS-2026-BARE"): Promise<AssetPool> {
  const dealId = ethers.id(label);
  await (await deal.poolFactory.connect(deal.trustee).createPool({ ...deal.params, dealId, name: label })).wait();
  return (await ethers.getContractAt("AssetPool", await deal.poolFactory.poolOf(dealId))) as unknown as AssetPool;
}

/**
 * A test issuer bound to `pool` and registered as a deal contract by a governed test factory (signer 12),
 * so the pool's own issuance checks can be driven with any allocation table.
 */
async function issuerFor(deal: Deal, pool: AssetPool = deal.pool, target: AssetPool = pool): Promise<IssuerHarness> {
  const factory = (await ethers.getSigners())[12];
  if (!factory) throw new Error("hardhat signer 12 missing");
  if (!(await deal.registry.isFactory(factory.address))) await deal.authorizeFactory(factory.address);
  const issuer = (await ethers.deployContract("IssuerHarness", [
    await pool.getAddress(),
    await target.getAddress(),
  ])) as unknown as IssuerHarness;
  await (await deal.registry.connect(factory).registerDealContract(await issuer.getAddress())).wait();
  return issuer;
}

/** The gas a transaction spent executing: total minus the 21,000 base and its calldata (4 per zero byte, 16 other). */
async function executionGas(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error("no receipt");
  const data = ethers.getBytes(tx.data);
  const calldataGas = data.reduce((sum, byte) => sum + (byte === 0 ? 4n : 16n), 0n);
  return receipt.gasUsed - 21_000n - calldataGas;
}

describe("AssetPool", () => {
  describe("deal parties", () => {
    it("exposes the deal's parties and identity", async () => {
      const { pool, registry, originator, servicer, trustee, params, trancheFactory } = await loadFixture(deployDeal);
      expect(await pool.registry()).to.equal(await registry.getAddress());
      expect(await pool.dealId()).to.equal(params.dealId);
      expect(await pool.originator()).to.equal(originator.address);
      expect(await pool.servicer()).to.equal(servicer.address);
      expect(await pool.trustee()).to.equal(trustee.address);
      expect(await pool.cashToken()).to.equal(params.cashToken);
      expect(await pool.trancheFactory()).to.equal(await trancheFactory.getAddress());
      expect(await pool.MAX_TRANCHES()).to.equal(16n);
      expect(await pool.MAX_DATA_URI_LENGTH()).to.equal(512n);
    });
  });

  // ================================================================ tranches

  describe("addTranche", () => {
    it("deploys the tranche through the factory, registers it and emits TrancheAdded with the terms", async () => {
      const deal = await loadFixture(deployDeal);
      const pool = await createBarePool(deal);
      const terms = TRANCHE_TERMS[0];
      if (!terms) throw new Error("no terms");
      const predicted = await pool.connect(deal.trustee).addTranche.staticCall(terms);
      await expect(pool.connect(deal.trustee).addTranche(terms))
        .to.emit(pool, "TrancheAdded")
        .withArgs(predicted, terms.seniority, tuple(terms), 1)
        .and.to.emit(deal.trancheFactory, "TrancheDeployed")
        .and.to.emit(deal.registry, "DealContractRegistered")
        .withArgs(predicted, await deal.trancheFactory.getAddress());
      expect(await pool.tranches()).to.deep.equal([predicted]);
      expect(await pool.isTranche(predicted)).to.equal(true);
      const token = await ethers.getContractAt("ITrancheToken", predicted);
      expect(await token.pool()).to.equal(await pool.getAddress());
      expect((await token.terms()).originalFaceCents).to.equal(terms.originalFaceCents);
    });

    it("keeps the tranches ordered by seniority whatever the order they are added in", async () => {
      const deal = await loadFixture(deployDeal);
      const pool = await createBarePool(deal);
      const bySeniority = new Map<number, string>();
      for (const seniority of [3, 1, 7, 2]) {
        const terms = trancheTerms(seniority, `S${seniority}`, 1_000n, CouponType.Fixed, 0n);
        bySeniority.set(seniority, await pool.connect(deal.trustee).addTranche.staticCall(terms));
        await (await pool.connect(deal.trustee).addTranche(terms)).wait();
      }
      expect(await pool.tranches()).to.deep.equal([1, 2, 3, 7].map((s) => bySeniority.get(s)));
    });

    it("the fixture's tranches are A, B, C in seniority order", async () => {
      const { pool, tranches } = await loadFixture(deployDeal);
      const addresses = await pool.tranches();
      expect(addresses).to.have.length(3);
      for (const [i, token] of tranches.entries()) {
        expect((await token.terms()).seniority).to.equal(BigInt(i + 1));
        expect(await pool.isTranche(addresses[i] ?? ethers.ZeroAddress)).to.equal(true);
      }
      expect(await pool.isTranche(ethers.ZeroAddress)).to.equal(false);
    });

    it("reverts NotTrustee for every other role, and for a suspended trustee", async () => {
      const deal = await loadFixture(deployDeal);
      const terms = trancheTerms(9, "Z", 1_000n, CouponType.Fixed, 0n);
      for (const [who, signer] of othersThan(deal, deal.trustee)) {
        await expect(deal.pool.connect(signer).addTranche(terms), who)
          .to.be.revertedWithCustomError(deal.pool, "NotTrustee")
          .withArgs(signer.address);
      }
      await deal.suspend(deal.trustee.address);
      await expect(deal.pool.connect(deal.trustee).addTranche(terms))
        .to.be.revertedWithCustomError(deal.pool, "NotTrustee")
        .withArgs(deal.trustee.address);
      await reinstateVoter(deal, deal.trustee.address);
      await expect(deal.pool.connect(deal.trustee).addTranche(terms)).to.emit(deal.pool, "TrancheAdded");
    });

    for (const state of POOL_STATES.filter((s) => s !== "Draft")) {
      it(`reverts StructureFrozen in ${state}`, async () => {
        const { pool, trustee } = await loadFixture(dealIn[state]);
        await expect(pool.connect(trustee).addTranche(trancheTerms(9, "Z", 1_000n, CouponType.Fixed, 0n)))
          .to.be.revertedWithCustomError(pool, "StructureFrozen")
          .withArgs(PoolState[state]);
      });
    }

    it("reverts TrancheSeniorityTaken for a rank in use", async () => {
      const { pool, trustee } = await loadFixture(deployDeal);
      await expect(pool.connect(trustee).addTranche(trancheTerms(2, "B2", 1_000n, CouponType.Fixed, 0n)))
        .to.be.revertedWithCustomError(pool, "TrancheSeniorityTaken")
        .withArgs(2);
    });

    it("reverts TrancheLimitReached past 16 tranches", async () => {
      const { pool, trustee } = await loadFixture(deployDeal);
      for (let seniority = 4; seniority <= 16; ++seniority) {
        await (await pool.connect(trustee).addTranche(trancheTerms(seniority, `X${seniority}`, 1n, 0, 0n))).wait();
      }
      expect(await pool.tranches()).to.have.length(16);
      await expect(pool.connect(trustee).addTranche(trancheTerms(17, "X17", 1n, 0, 0n)))
        .to.be.revertedWithCustomError(pool, "TrancheLimitReached")
        .withArgs(16n);
    });

    it("bubbles the tranche factory's term validation (seniority 0, zero face)", async () => {
      const { pool, trustee, trancheFactory } = await loadFixture(deployDeal);
      await expect(
        pool.connect(trustee).addTranche(trancheTerms(0, "Z", 1_000n, CouponType.Fixed, 0n)),
      ).to.be.revertedWithCustomError(trancheFactory, "TrancheSeniorityZero");
      await expect(
        pool.connect(trustee).addTranche(trancheTerms(9, "Z", 0n, CouponType.Fixed, 0n)),
      ).to.be.revertedWithCustomError(trancheFactory, "TrancheFaceZero");
      expect(await pool.tranches()).to.have.length(3);
    });
  });

  // ================================================================ lifecycle

  describe("lifecycle transition matrix", () => {
    for (const state of POOL_STATES) {
      for (const t of TRANSITIONS) {
        const legal = t.legalFrom.includes(PoolState[state]);
        it(`${state} -> ${t.name}: ${legal ? "moves the pool and emits StateChanged" : "reverts InvalidTransition"}`, async () => {
          const deal = await loadState(state);
          if (legal) {
            await expect(t.call(deal, deal.trustee))
              .to.emit(deal.pool, "StateChanged")
              .withArgs(PoolState[state], t.to, deal.trustee.address);
            expect(await deal.pool.state()).to.equal(t.to);
          } else {
            await expect(t.call(deal, deal.trustee))
              .to.be.revertedWithCustomError(deal.pool, "InvalidTransition")
              .withArgs(PoolState[state], t.to);
            expect(await deal.pool.state()).to.equal(PoolState[state]);
          }
        });
      }
    }
  });

  describe("lifecycle: only the trustee", () => {
    for (const t of TRANSITIONS) {
      const from = POOL_STATES.find((s) => t.legalFrom.includes(PoolState[s]));
      if (!from) throw new Error(`no legal state for ${t.name}`);
      it(`${t.name} reverts NotTrustee for every other role and for a suspended trustee (from ${from})`, async () => {
        const deal = await loadState(from);
        for (const [who, signer] of othersThan(deal, deal.trustee)) {
          await expect(t.call(deal, signer), who)
            .to.be.revertedWithCustomError(deal.pool, "NotTrustee")
            .withArgs(signer.address);
        }
        await deal.suspend(deal.trustee.address);
        await expect(t.call(deal, deal.trustee))
          .to.be.revertedWithCustomError(deal.pool, "NotTrustee")
          .withArgs(deal.trustee.address);
        expect(await deal.pool.state()).to.equal(PoolState[from]);
      });
    }
  });

  describe("markStructured", () => {
    it("reverts TapeMissing without an anchored tape", async () => {
      const { pool, trustee } = await loadFixture(deployDeal);
      await expect(pool.connect(trustee).markStructured()).to.be.revertedWithCustomError(pool, "TapeMissing");
    });

    it("reverts TranchesMissing without a tranche", async () => {
      const deal = await loadFixture(deployDeal);
      const pool = await createBarePool(deal);
      await (await pool.connect(deal.originator).anchorTape(tapeAnchor(), tapeChange())).wait();
      await expect(pool.connect(deal.trustee).markStructured()).to.be.revertedWithCustomError(pool, "TranchesMissing");
    });

    it("does not count an interest-only tranche's notional against the tape; only the trustee adds one", async () => {
      const deal = await loadFixture(deployDeal);
      // A strip of A (the sample deal's tranches fill the tape exactly): its face is a notional.
      const strip = trancheTerms(9, "AIO", 80_000_000_00n, CouponType.Fixed, 5n * 10n ** 15n);
      await expect(deal.pool.connect(deal.servicer).addInterestOnlyTranche(strip))
        .to.be.revertedWithCustomError(deal.pool, "NotTrustee")
        .withArgs(deal.servicer.address);
      await expect(deal.pool.connect(deal.trustee).addInterestOnlyTranche(strip)).to.emit(deal.pool, "TrancheAdded");
      const tranches = await deal.pool.tranches();
      const io = tranches[tranches.length - 1] ?? ethers.ZeroAddress;
      expect(await deal.pool.isInterestOnly(io)).to.equal(true);
      expect(await deal.pool.isInterestOnly(tranches[0] ?? ethers.ZeroAddress)).to.equal(false);
      await (await deal.pool.connect(deal.originator).anchorTape(tapeAnchor(), tapeChange())).wait();
      await expect(deal.pool.connect(deal.trustee).markStructured()).to.emit(deal.pool, "StateChanged");
    });

    it("reverts TrancheFaceExceedsPool when the latest tape's principal is below the total face", async () => {
      const deal = await loadFixture(deployDeal);
      const short = TOTAL_FACE_CENTS - 1n;
      await (
        await deal.pool.connect(deal.originator).anchorTape(tapeAnchor({ totalPrincipalCents: short }), tapeChange())
      ).wait();
      await expect(deal.pool.connect(deal.trustee).markStructured())
        .to.be.revertedWithCustomError(deal.pool, "TrancheFaceExceedsPool")
        .withArgs(TOTAL_FACE_CENTS, short);
    });
  });

  describe("closeIssuance", () => {
    it("reverts NotOffering for the trustee, every other signer, and a deal contract bound to another pool", async () => {
      const deal = await loadFixture(dealIn.Offering);
      for (const [who, signer] of signersByName(deal)) {
        await expect(deal.pool.connect(signer).closeIssuance(1, deal.fullAllocation(), false, 0), who)
          .to.be.revertedWithCustomError(deal.pool, "NotOffering")
          .withArgs(signer.address);
      }
      const other = await issuerFor(deal, await createBarePool(deal), deal.pool);
      const poolAddress = await deal.pool.getAddress();
      const unregistered = await ethers.deployContract("IssuerHarness", [poolAddress, poolAddress]);
      for (const issuer of [other, unregistered]) {
        await expect(issuer.closeIssuance(1, deal.fullAllocation(), false, 0))
          .to.be.revertedWithCustomError(deal.pool, "NotOffering")
          .withArgs(await issuer.getAddress());
      }
      expect(await deal.pool.state()).to.equal(PoolState.Offering);
    });

    for (const state of POOL_STATES.filter((s) => s !== "Offering")) {
      it(`reverts InvalidTransition from ${state}`, async () => {
        const deal = await loadState(state);
        const issuer = await issuerFor(deal);
        await expect(issuer.closeIssuance(1, deal.fullAllocation(), false, 0))
          .to.be.revertedWithCustomError(deal.pool, "InvalidTransition")
          .withArgs(PoolState[state], PoolState.Active);
      });
    }

    it("mints every allocation, records the sold tape and emits IssuanceClosed and TrancheAllocated", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const issuer = await issuerFor(deal);
      const { pool, tranches, investor1, investor2, investor3 } = deal;
      const allocations = deal.fullAllocation();
      const tx = issuer.closeIssuance(1, allocations, false, 0);
      await expect(tx)
        .to.emit(pool, "StateChanged")
        .withArgs(PoolState.Offering, PoolState.Active, await issuer.getAddress())
        .and.to.emit(pool, "IssuanceClosed")
        .withArgs(1, false, 0, allocations.length, TOTAL_FACE_CENTS, await issuer.getAddress());
      for (const a of allocations) {
        await expect(tx).to.emit(pool, "TrancheAllocated").withArgs(a.tranche, a.investor, a.amountCents);
      }
      const [a, b, c] = tranches;
      if (!a || !b || !c) throw new Error("3 tranches expected");
      expect(await a.balanceOf(investor1.address)).to.equal(50_000_000_00n);
      expect(await a.balanceOf(investor2.address)).to.equal(30_000_000_00n);
      expect(await b.balanceOf(investor2.address)).to.equal(12_000_000_00n);
      expect(await c.balanceOf(investor3.address)).to.equal(5_000_000_00n);
      expect(await pool.soldTapeVersion()).to.equal(1n);
      expect(await pool.revolvingPeriod()).to.deep.equal([false, 0n]);
    });

    it("opens a revolving period ending at the given date", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const issuer = await issuerFor(deal);
      const end = BigInt(await time.latest()) + 180n * DAY;
      await expect(issuer.closeIssuance(1, deal.fullAllocation(), true, end))
        .to.emit(deal.pool, "IssuanceClosed")
        .withArgs(1, true, end, 4, TOTAL_FACE_CENTS, await issuer.getAddress());
      expect(await deal.pool.revolvingPeriod()).to.deep.equal([true, end]);
    });

    it("may sell a later tape version", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const issuer = await issuerFor(deal);
      await (
        await deal.pool
          .connect(deal.originator)
          .anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), validChange(TapeChangeKind.Repurchase))
      ).wait();
      await expect(issuer.closeIssuance(2, deal.fullAllocation(), false, 0))
        .to.emit(deal.pool, "IssuanceClosed")
        .withArgs(2, false, 0, 4, TOTAL_FACE_CENTS, await issuer.getAddress());
      expect(await deal.pool.soldTapeVersion()).to.equal(2n);
    });

    it("reverts TapeVersionUnknown for version 0 or a version not anchored", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const issuer = await issuerFor(deal);
      for (const version of [0, 2]) {
        await expect(issuer.closeIssuance(version, deal.fullAllocation(), false, 0))
          .to.be.revertedWithCustomError(deal.pool, "TapeVersionUnknown")
          .withArgs(version, 1);
      }
    });

    it("reverts RevolvingEndDateInvalid for a past end date, or an end date without revolving", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const issuer = await issuerFor(deal);
      const now = BigInt(await time.latest());
      await expect(issuer.closeIssuance(1, deal.fullAllocation(), true, now))
        .to.be.revertedWithCustomError(deal.pool, "RevolvingEndDateInvalid")
        .withArgs(true, now);
      await expect(issuer.closeIssuance(1, deal.fullAllocation(), true, 0))
        .to.be.revertedWithCustomError(deal.pool, "RevolvingEndDateInvalid")
        .withArgs(true, 0);
      await expect(issuer.closeIssuance(1, deal.fullAllocation(), false, now + DAY))
        .to.be.revertedWithCustomError(deal.pool, "RevolvingEndDateInvalid")
        .withArgs(false, now + DAY);
    });

    it("reverts TrancheFaceExceedsPool when the sold tape's principal is below the total face", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const issuer = await issuerFor(deal);
      const short = TOTAL_FACE_CENTS - 1n;
      await (
        await deal.pool
          .connect(deal.originator)
          .anchorTape(
            tapeAnchor({ totalPrincipalCents: short, cutoffDate: CUTOFF + DAY }),
            validChange(TapeChangeKind.Repurchase),
          )
      ).wait();
      await expect(issuer.closeIssuance(2, deal.fullAllocation(), false, 0))
        .to.be.revertedWithCustomError(deal.pool, "TrancheFaceExceedsPool")
        .withArgs(TOTAL_FACE_CENTS, short);
    });

    it("reverts AllocationZero, TrancheUnknown, IssuanceExceedsFace and IssuanceIncomplete", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const issuer = await issuerFor(deal);
      const full = deal.fullAllocation();
      const [a0, a1, b0, c0] = full;
      if (!a0 || !a1 || !b0 || !c0) throw new Error("4 allocations expected");

      await expect(issuer.closeIssuance(1, [a0, { ...a1, amountCents: 0n }, b0, c0], false, 0))
        .to.be.revertedWithCustomError(deal.pool, "AllocationZero")
        .withArgs(1);

      const stranger = await deal.cashToken.getAddress();
      await expect(issuer.closeIssuance(1, [...full, { ...c0, tranche: stranger }], false, 0))
        .to.be.revertedWithCustomError(deal.pool, "TrancheUnknown")
        .withArgs(stranger);

      await expect(issuer.closeIssuance(1, [a0, { ...a1, amountCents: 30_000_000_01n }, b0, c0], false, 0))
        .to.be.revertedWithCustomError(deal.pool, "IssuanceExceedsFace")
        .withArgs(a0.tranche, 80_000_000_00n, 80_000_000_01n);

      await expect(issuer.closeIssuance(1, [a0, a1, { ...b0, amountCents: 11_999_999_99n }, c0], false, 0))
        .to.be.revertedWithCustomError(deal.pool, "IssuanceIncomplete")
        .withArgs(b0.tranche, 12_000_000_00n, 11_999_999_99n);

      await expect(issuer.closeIssuance(1, [a0, a1, b0], false, 0))
        .to.be.revertedWithCustomError(deal.pool, "IssuanceIncomplete")
        .withArgs(c0.tranche, 5_000_000_00n, 0n);

      expect(await deal.pool.state()).to.equal(PoolState.Offering);
    });

    it("reverts with the tranche's TransferRestricted when an investor is not eligible, changing nothing", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const issuer = await issuerFor(deal);
      const [a0, a1, b0, c0] = deal.fullAllocation();
      if (!a0 || !a1 || !b0 || !c0) throw new Error("4 allocations expected");
      const [tokenA] = deal.tranches;
      if (!tokenA) throw new Error("no tranche A");
      const outsider = deal.outsider.address;
      await expect(
        issuer.closeIssuance(1, [a0, { ...a1, investor: outsider }, b0, c0], false, 0),
      ).to.be.revertedWithCustomError(tokenA, "TransferRestricted");
      expect(await deal.pool.state()).to.equal(PoolState.Offering);
      expect(await deal.pool.soldTapeVersion()).to.equal(0n);
      expect(await tokenA.totalSupply()).to.equal(0n);
    });

    it("a withdrawn offering can be reopened and closed", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const issuer = await issuerFor(deal);
      const asTrustee = deal.pool.connect(deal.trustee);
      await (await asTrustee.withdrawOffering()).wait();
      await (await asTrustee.openOffering()).wait();
      await expect(issuer.closeIssuance(1, deal.fullAllocation(), false, 0))
        .to.emit(deal.pool, "StateChanged")
        .withArgs(PoolState.Offering, PoolState.Active, await issuer.getAddress());
    });
  });

  describe("accelerate", () => {
    it("emits PoolAccelerated with the notice hash", async () => {
      const { pool, trustee } = await loadFixture(dealIn.Amortizing);
      await expect(pool.connect(trustee).accelerate(REASON))
        .to.emit(pool, "PoolAccelerated")
        .withArgs(REASON, trustee.address)
        .and.to.emit(pool, "StateChanged")
        .withArgs(PoolState.Amortizing, PoolState.Accelerated, trustee.address);
    });

    it("reverts ReasonMissing for a zero notice hash", async () => {
      const { pool, trustee } = await loadFixture(dealIn.Active);
      await expect(pool.connect(trustee).accelerate(ZERO)).to.be.revertedWithCustomError(pool, "ReasonMissing");
    });
  });

  // ================================================================ tapes

  describe("anchorTape", () => {
    it("anchors version 1, stores it and emits TapeAnchored with every field", async () => {
      const { pool, originator } = await loadFixture(deployDeal);
      const anchor = tapeAnchor();
      const change = tapeChange();
      expect(await pool.connect(originator).anchorTape.staticCall(anchor, change)).to.equal(1n);
      const tx = pool.connect(originator).anchorTape(anchor, change);
      await expect(tx).to.emit(pool, "TapeAnchored").withArgs(1, tuple(anchor), tuple(change), originator.address);
      const anchoredAt = BigInt(await time.latest());
      expect(await pool.tapeCount()).to.equal(1n);
      expect(await pool.currentTapeVersion()).to.equal(1n);
      const stored = await pool.tape(1);
      expect(stored.anchor).to.deep.equal(tuple(anchor));
      expect(stored.change).to.deep.equal(tuple(change));
      expect(stored.anchoredBy).to.equal(originator.address);
      expect(stored.anchoredAt).to.equal(anchoredAt);
    });

    it("anchors a later version with its change record", async () => {
      const deal = await loadFixture(dealIn.Structured);
      const anchor = tapeAnchor({
        loanCount: 3n,
        totalPrincipalCents: POOL_PRINCIPAL_CENTS - 1_000_00n,
        cutoffDate: CUTOFF + DAY,
        contentHash: ethers.id("tape-file:v2"),
      });
      const change = validChange(TapeChangeKind.Repurchase);
      await expect(deal.pool.connect(deal.originator).anchorTape(anchor, change))
        .to.emit(deal.pool, "TapeAnchored")
        .withArgs(2, tuple(anchor), tuple(change), deal.originator.address);
      expect(await deal.pool.currentTapeVersion()).to.equal(2n);
      expect((await deal.pool.tape(2)).change).to.deep.equal(tuple(change));
      expect((await deal.pool.tape(1)).anchor).to.deep.equal(tuple(tapeAnchor()));
    });

    it("reverts NotOriginator for every other role, and for a suspended originator", async () => {
      const deal = await loadFixture(deployDeal);
      for (const [who, signer] of othersThan(deal, deal.originator)) {
        await expect(deal.pool.connect(signer).anchorTape(tapeAnchor(), tapeChange()), who)
          .to.be.revertedWithCustomError(deal.pool, "NotOriginator")
          .withArgs(signer.address);
      }
      await deal.suspend(deal.originator.address);
      await expect(deal.pool.connect(deal.originator).anchorTape(tapeAnchor(), tapeChange()))
        .to.be.revertedWithCustomError(deal.pool, "NotOriginator")
        .withArgs(deal.originator.address);
      await reinstateVoter(deal, deal.originator.address);
      await expect(deal.pool.connect(deal.originator).anchorTape(tapeAnchor(), tapeChange())).to.emit(
        deal.pool,
        "TapeAnchored",
      );
    });

    it("rejects an incomplete commitment", async () => {
      const { pool, originator } = await loadFixture(deployDeal);
      const anchor = (fields: Parameters<typeof tapeAnchor>[0]) =>
        pool.connect(originator).anchorTape(tapeAnchor(fields), tapeChange());
      await expect(anchor({ merkleRoot: ZERO })).to.be.revertedWithCustomError(pool, "TapeRootMissing");
      await expect(anchor({ contentHash: ZERO })).to.be.revertedWithCustomError(pool, "TapeContentHashMissing");
      await expect(anchor({ loanCount: 0n }))
        .to.be.revertedWithCustomError(pool, "TapeEmpty")
        .withArgs(0n, POOL_PRINCIPAL_CENTS);
      await expect(anchor({ totalPrincipalCents: 0n }))
        .to.be.revertedWithCustomError(pool, "TapeEmpty")
        .withArgs(4n, 0n);
      await expect(anchor({ dataUri: "" }))
        .to.be.revertedWithCustomError(pool, "TapeDataUriInvalid")
        .withArgs(0n, 512n);
      await expect(anchor({ dataUri: "x".repeat(513) }))
        .to.be.revertedWithCustomError(pool, "TapeDataUriInvalid")
        .withArgs(513n, 512n);
      await expect(anchor({ dataUri: "x".repeat(512) })).to.emit(pool, "TapeAnchored");
    });

    it("rejects a cut-off date that is zero, not a UTC midnight, or in the future", async () => {
      const { pool, originator } = await loadFixture(deployDeal);
      const anchor = (cutoffDate: bigint) =>
        pool.connect(originator).anchorTape(tapeAnchor({ cutoffDate }), tapeChange());
      for (const cutoffDate of [0n, CUTOFF + 1n, CUTOFF + DAY / 2n]) {
        await expect(anchor(cutoffDate)).to.be.revertedWithCustomError(pool, "TapeCutoffInvalid").withArgs(cutoffDate);
      }
      const now = BigInt(await time.latest());
      // The midnight after next: in the future whatever the time of day of the next block.
      const future = (now / DAY + 2n) * DAY;
      await expect(anchor(future))
        .to.be.revertedWithCustomError(pool, "TapeCutoffInFuture")
        .withArgs(future, now + 1n);
    });

    it("rejects a cut-off date earlier than the previous version's", async () => {
      const deal = await loadFixture(dealIn.Structured);
      await (
        await deal.pool
          .connect(deal.originator)
          .anchorTape(tapeAnchor({ cutoffDate: CUTOFF + 2n * DAY }), validChange(TapeChangeKind.Correction))
      ).wait();
      await expect(
        deal.pool
          .connect(deal.originator)
          .anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), validChange(TapeChangeKind.Correction)),
      )
        .to.be.revertedWithCustomError(deal.pool, "TapeCutoffDecreased")
        .withArgs(CUTOFF + 2n * DAY, CUTOFF + DAY);
      // The same cut-off date is allowed.
      await expect(
        deal.pool
          .connect(deal.originator)
          .anchorTape(tapeAnchor({ cutoffDate: CUTOFF + 2n * DAY }), validChange(TapeChangeKind.Correction)),
      ).to.emit(deal.pool, "TapeAnchored");
    });

    it("reverts TapeKindInvalid unless version 1 is Initial and only version 1", async () => {
      const deal = await loadFixture(deployDeal);
      const asOriginator = deal.pool.connect(deal.originator);
      for (const kind of [TapeChangeKind.Correction, TapeChangeKind.Repurchase]) {
        await expect(asOriginator.anchorTape(tapeAnchor(), validChange(kind)))
          .to.be.revertedWithCustomError(deal.pool, "TapeKindInvalid")
          .withArgs(1, kind);
      }
      await anchorInitial(deal);
      await expect(asOriginator.anchorTape(tapeAnchor(), tapeChange()))
        .to.be.revertedWithCustomError(deal.pool, "TapeKindInvalid")
        .withArgs(2, TapeChangeKind.Initial);
    });

    it("reverts TapeChangeInvalid when the change fields do not fit the kind", async () => {
      const deal = await loadFixture(dealIn.Structured);
      const root = ethers.id("change-set");
      const cases: [string, ReturnType<typeof tapeChange>][] = [
        ["repurchase without loans removed", tapeChange(TapeChangeKind.Repurchase, { changeSetRoot: root })],
        [
          "repurchase adding loans",
          tapeChange(TapeChangeKind.Repurchase, { loansRemoved: 1n, loansAdded: 1n, changeSetRoot: root }),
        ],
        [
          "substitution without loans added",
          tapeChange(TapeChangeKind.Substitution, { loansRemoved: 1n, changeSetRoot: root }),
        ],
        [
          "principal added without loans added",
          tapeChange(TapeChangeKind.Repurchase, { loansRemoved: 1n, principalAddedCents: 1n, changeSetRoot: root }),
        ],
        [
          "principal removed without loans removed",
          tapeChange(TapeChangeKind.Correction, { principalRemovedCents: 1n, changeSetRoot: root }),
        ],
        ["change without a change-set root", tapeChange(TapeChangeKind.Correction)],
        [
          "more loans removed than the previous version had",
          tapeChange(TapeChangeKind.Repurchase, { loansRemoved: 5n, changeSetRoot: root }),
        ],
        [
          "more loans added than the new version has",
          tapeChange(TapeChangeKind.Substitution, { loansAdded: 5n, loansRemoved: 1n, changeSetRoot: root }),
        ],
      ];
      for (const [label, change] of cases) {
        await expect(deal.pool.connect(deal.originator).anchorTape(tapeAnchor(), change), label)
          .to.be.revertedWithCustomError(deal.pool, "TapeChangeInvalid")
          .withArgs(change.kind);
      }
    });

    it("reverts TapeChangeInvalid for an Initial change with any non-zero field", async () => {
      const { pool, originator } = await loadFixture(deployDeal);
      for (const fields of [
        { loansAdded: 1n },
        { loansRemoved: 1n },
        { principalAddedCents: 1n },
        { principalRemovedCents: 1n },
        { changeSetRoot: ethers.id("x") },
      ]) {
        await expect(pool.connect(originator).anchorTape(tapeAnchor(), tapeChange(TapeChangeKind.Initial, fields)))
          .to.be.revertedWithCustomError(pool, "TapeChangeInvalid")
          .withArgs(TapeChangeKind.Initial);
      }
    });

    describe("change kinds by state", () => {
      const allowed: Record<number, readonly PoolStateName[]> = {
        [TapeChangeKind.Correction]: ["Draft", "Structured"],
        [TapeChangeKind.Repurchase]: ["Structured", "Offering", "Active", "Amortizing", "Accelerated"],
        [TapeChangeKind.Substitution]: ["Structured", "Offering", "Active", "Amortizing", "Accelerated"],
        // Only in a revolving deal: the non-revolving Active fixture must refuse it.
        [TapeChangeKind.RevolvingPurchase]: [],
      };
      for (const kind of [
        TapeChangeKind.Correction,
        TapeChangeKind.Repurchase,
        TapeChangeKind.Substitution,
        TapeChangeKind.RevolvingPurchase,
      ]) {
        for (const state of POOL_STATES) {
          const ok = allowed[kind]?.includes(state) ?? false;
          it(`kind ${kind} in ${state}: ${ok ? "anchored" : "TapeChangeNotAllowed"}`, async () => {
            const deal = await loadState(state);
            const call = deal.pool
              .connect(deal.originator)
              .anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), validChange(kind));
            const paysCash =
              kind === TapeChangeKind.Repurchase && ["Active", "Amortizing", "Accelerated"].includes(state);
            if (ok && paysCash) {
              // After issuance a repurchase pays the trust (see the waterfall tests): this fixture has no waterfall.
              await expect(call).to.be.revertedWithCustomError(deal.pool, "TapeChangeWaterfallMissing");
            } else if (ok) {
              await expect(call).to.emit(deal.pool, "TapeAnchored");
              expect(await deal.pool.tapeCount()).to.equal(2n);
            } else {
              await expect(call)
                .to.be.revertedWithCustomError(deal.pool, "TapeChangeNotAllowed")
                .withArgs(kind, PoolState[state]);
            }
          });
        }
      }

      it("accepts a revolving purchase while revolving, until the revolving end date", async () => {
        const deal = await loadFixture(deployRevolvingDeal);
        const asOriginator = deal.pool.connect(deal.originator);
        const change = validChange(TapeChangeKind.RevolvingPurchase);
        // Accepted: its cash leg (paid by the waterfall, see the waterfall tests) is reached, and this fixture has none.
        await expect(
          asOriginator.anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), change),
        ).to.be.revertedWithCustomError(deal.pool, "TapeChangeWaterfallMissing");
        const [, end] = await deal.pool.revolvingPeriod();
        await time.increaseTo(end);
        await expect(asOriginator.anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), change))
          .to.be.revertedWithCustomError(deal.pool, "RevolvingPeriodEnded")
          .withArgs(end, end + 1n);
      });

      it("refuses a revolving purchase once amortization started", async () => {
        const deal = await loadFixture(deployRevolvingDeal);
        await (await deal.pool.connect(deal.trustee).startAmortization()).wait();
        await expect(
          deal.pool
            .connect(deal.originator)
            .anchorTape(tapeAnchor({ cutoffDate: CUTOFF + DAY }), validChange(TapeChangeKind.RevolvingPurchase)),
        )
          .to.be.revertedWithCustomError(deal.pool, "TapeChangeNotAllowed")
          .withArgs(TapeChangeKind.RevolvingPurchase, PoolState.Amortizing);
      });
    });

    it("costs the same execution gas for a tape of 1,000 loans and one of 1,000,000", async () => {
      const gas: bigint[] = [];
      for (const loanCount of [1_000n, 1_000_000n]) {
        const { pool, originator } = await loadFixture(deployDeal);
        const anchor = tapeAnchor({
          merkleRoot: ethers.id(`root:${loanCount}`),
          loanCount,
          totalPrincipalCents: loanCount * 1_234_567n,
          contentHash: ethers.id(`content:${loanCount}`),
          dataUri: `abs://orig.node/tapes/${loanCount.toString().padStart(8, "0")}`,
        });
        gas.push(await executionGas(await pool.connect(originator).anchorTape(anchor, tapeChange())));
      }
      expect(gas[0]).to.be.a("bigint");
      expect(gas[1]).to.equal(gas[0]);
    });
  });

  describe("verifyLoan", () => {
    it("is true for every loan of the tape with its proof, false for a tampered leaf or another tape", async () => {
      const deal = await loadFixture(deployDeal);
      const { pool, originator } = deal;
      const { tree, loans } = sampleTree(5, POOL_PRINCIPAL_CENTS, "verify");
      await (
        await pool
          .connect(originator)
          .anchorTape(tapeAnchor({ merkleRoot: tree.root, loanCount: BigInt(loans.length) }), tapeChange())
      ).wait();
      for (const [i, loan] of tree.entries()) {
        const proof = tree.getProof(i);
        expect(await pool.verifyLoan(1, tree.leafHash(loan), proof)).to.equal(true);
        const tampered = tree.leafHash([loan[0], loan[1], loan[2] + 1n, loan[3], loan[4]]);
        expect(await pool.verifyLoan(1, tampered, proof)).to.equal(false);
      }
      // A proof for one loan does not prove another.
      const [first, second] = loans;
      if (!first || !second) throw new Error("loans expected");
      expect(await pool.verifyLoan(1, tree.leafHash(second), tree.getProof(first))).to.equal(false);

      // Version 2 commits to another tree: the old proofs fail against it.
      await (await pool.connect(originator).anchorTape(tapeAnchor(), validChange(TapeChangeKind.Correction))).wait();
      expect(await pool.verifyLoan(2, tree.leafHash(first), tree.getProof(first))).to.equal(false);
      expect(await pool.verifyLoan(1, tree.leafHash(first), tree.getProof(first))).to.equal(true);
    });

    it("reverts TapeVersionUnknown for version 0 or past the last", async () => {
      const { pool } = await loadFixture(dealIn.Structured);
      for (const version of [0, 2]) {
        await expect(pool.verifyLoan(version, ZERO, []))
          .to.be.revertedWithCustomError(pool, "TapeVersionUnknown")
          .withArgs(version, 1);
        await expect(pool.tape(version)).to.be.revertedWithCustomError(pool, "TapeVersionUnknown").withArgs(version, 1);
      }
    });
  });

  // ================================================================ reports

  describe("submitReport", () => {
    for (const state of ["Active", "Amortizing", "Accelerated"] as const) {
      it(`in ${state}: stores the report and emits ReportSubmitted with every field`, async () => {
        const { pool, servicer } = await loadFixture(dealIn[state]);
        const r = periodReport(1);
        await expect(pool.connect(servicer).submitReport(r))
          .to.emit(pool, "ReportSubmitted")
          .withArgs(1, tuple(r), servicer.address);
        expect(await pool.lastPeriod()).to.equal(1n);
        expect(await pool.report(1)).to.deep.equal(tuple(r));
        expect(await pool.reportRevision(1)).to.equal(0n);
        expect(await pool.isDistributed(1)).to.equal(false);
      });
    }

    for (const state of ["Draft", "Structured", "Offering", "Redeemed"] as const) {
      it(`reverts ReportNotAllowed in ${state}`, async () => {
        const { pool, servicer } = await loadFixture(dealIn[state]);
        await expect(pool.connect(servicer).submitReport(periodReport(1)))
          .to.be.revertedWithCustomError(pool, "ReportNotAllowed")
          .withArgs(PoolState[state]);
      });
    }

    it("reverts NotServicer for every other role, and for a suspended servicer", async () => {
      const deal = await loadFixture(dealIn.Active);
      for (const [who, signer] of othersThan(deal, deal.servicer)) {
        await expect(deal.pool.connect(signer).submitReport(periodReport(1)), who)
          .to.be.revertedWithCustomError(deal.pool, "NotServicer")
          .withArgs(signer.address);
      }
      await deal.suspend(deal.servicer.address);
      await expect(deal.pool.connect(deal.servicer).submitReport(periodReport(1)))
        .to.be.revertedWithCustomError(deal.pool, "NotServicer")
        .withArgs(deal.servicer.address);
      await reinstateVoter(deal, deal.servicer.address);
      await expect(deal.pool.connect(deal.servicer).submitReport(periodReport(1))).to.emit(
        deal.pool,
        "ReportSubmitted",
      );
    });

    it("accepts periods strictly in sequence, each starting where the previous ended", async () => {
      const { pool, servicer } = await loadFixture(dealIn.Active);
      const asServicer = pool.connect(servicer);
      await expect(asServicer.submitReport(periodReport(0)))
        .to.be.revertedWithCustomError(pool, "PeriodOutOfOrder")
        .withArgs(1, 0);
      await expect(asServicer.submitReport(periodReport(2)))
        .to.be.revertedWithCustomError(pool, "PeriodOutOfOrder")
        .withArgs(1, 2);
      for (let p = 1; p <= 3; ++p) {
        await expect(asServicer.submitReport(periodReport(p))).to.emit(pool, "ReportSubmitted");
      }
      await expect(asServicer.submitReport(periodReport(3)))
        .to.be.revertedWithCustomError(pool, "PeriodOutOfOrder")
        .withArgs(4, 3);
      expect(await pool.lastPeriod()).to.equal(3n);
    });

    it("reverts ReportStartMismatch for a gap or an overlap, and for period 1 before the sold cut-off", async () => {
      const { pool, servicer } = await loadFixture(dealIn.Active);
      const asServicer = pool.connect(servicer);
      await expect(asServicer.submitReport(periodReport(1, { startDate: CUTOFF - DAY })))
        .to.be.revertedWithCustomError(pool, "ReportStartMismatch")
        .withArgs(CUTOFF, CUTOFF - DAY);
      // Period 1 may start after the cut-off date.
      const first = periodReport(1, { startDate: CUTOFF + DAY });
      await (await asServicer.submitReport(first)).wait();
      const end1 = BigInt(first.endDate);
      for (const startDate of [end1 + 1n, end1 - 1n]) {
        await expect(asServicer.submitReport(periodReport(2, { startDate })))
          .to.be.revertedWithCustomError(pool, "ReportStartMismatch")
          .withArgs(end1, startDate);
      }
    });

    it("reverts ReportDatesInvalid unless start < end, and ReportEndInFuture for a period not yet over", async () => {
      const { pool, servicer } = await loadFixture(dealIn.Active);
      const asServicer = pool.connect(servicer);
      for (const endDate of [CUTOFF, CUTOFF - 1n]) {
        await expect(asServicer.submitReport(periodReport(1, { endDate })))
          .to.be.revertedWithCustomError(pool, "ReportDatesInvalid")
          .withArgs(CUTOFF, endDate);
      }
      const future = BigInt(await time.latest()) + DAY;
      await expect(asServicer.submitReport(periodReport(1, { endDate: future })))
        .to.be.revertedWithCustomError(pool, "ReportEndInFuture")
        .withArgs(future, future - DAY + 1n);
    });

    it("reverts when the delinquency buckets exceed the ending balance, or a root or hash is missing", async () => {
      const { pool, servicer } = await loadFixture(dealIn.Active);
      const asServicer = pool.connect(servicer);
      await expect(
        asServicer.submitReport(
          periodReport(1, {
            endingBalanceCents: 100n,
            delinquent30Cents: 50n,
            delinquent60Cents: 30n,
            delinquent90PlusCents: 21n,
          }),
        ),
      )
        .to.be.revertedWithCustomError(pool, "ReportDelinquencyExceedsBalance")
        .withArgs(101n, 100n);
      await expect(asServicer.submitReport(periodReport(1, { loanStateRoot: ZERO }))).to.be.revertedWithCustomError(
        pool,
        "ReportRootMissing",
      );
      await expect(asServicer.submitReport(periodReport(1, { contentHash: ZERO }))).to.be.revertedWithCustomError(
        pool,
        "ReportContentHashMissing",
      );
      // Buckets equal to the balance are accepted.
      await expect(
        asServicer.submitReport(
          periodReport(1, {
            endingBalanceCents: 100n,
            delinquent30Cents: 50n,
            delinquent60Cents: 30n,
            delinquent90PlusCents: 20n,
          }),
        ),
      ).to.emit(pool, "ReportSubmitted");
    });

    it("report reverts PeriodNotSubmitted for a period not reported", async () => {
      const { pool } = await loadFixture(dealIn.Active);
      for (const period of [0, 1]) {
        await expect(pool.report(period)).to.be.revertedWithCustomError(pool, "PeriodNotSubmitted").withArgs(period, 0);
      }
    });
  });

  describe("restateReport", () => {
    async function reported() {
      const deal = await loadFixture(dealIn.Active);
      await (await deal.pool.connect(deal.servicer).submitReport(periodReport(1))).wait();
      await (await deal.pool.connect(deal.servicer).submitReport(periodReport(2))).wait();
      return deal;
    }

    it("replaces the report, counts the revision and emits ReportRestated with every field", async () => {
      const { pool, servicer } = await reported();
      const r1 = periodReport(1, { recoveryCents: 12_345_00n, contentHash: ethers.id("report-file:1:r1") });
      await expect(pool.connect(servicer).restateReport(r1, RESTATEMENT))
        .to.emit(pool, "ReportRestated")
        .withArgs(1, 1, tuple(r1), RESTATEMENT, servicer.address);
      expect(await pool.report(1)).to.deep.equal(tuple(r1));
      expect(await pool.reportRevision(1)).to.equal(1n);

      const r2 = periodReport(1, { recoveryCents: 12_000_00n, contentHash: ethers.id("report-file:1:r2") });
      await expect(pool.connect(servicer).restateReport(r2, RESTATEMENT))
        .to.emit(pool, "ReportRestated")
        .withArgs(1, 2, tuple(r2), RESTATEMENT, servicer.address);
      expect(await pool.reportRevision(1)).to.equal(2n);
      expect(await pool.reportRevision(2)).to.equal(0n);
      expect(await pool.lastPeriod()).to.equal(2n);
      // The waterfall's view of the restated report: its figures summed as the waterfall uses them, the revision, the state.
      const w = await pool.waterfallReport(1);
      expect(w.lastPeriod).to.equal(2n);
      expect(w.revision).to.equal(2n);
      expect(w.state).to.equal(await pool.state());
      expect([w.startDate, w.endDate]).to.deep.equal([r2.startDate, r2.endDate]);
      expect(w.interestCollectedCents).to.equal(r2.interestCollectedCents);
      expect(w.principalCollectedCents).to.equal(
        BigInt(r2.scheduledPrincipalCents) + BigInt(r2.prepaymentCents) + BigInt(r2.recoveryCents),
      );
      expect(w.recoveryCents).to.equal(r2.recoveryCents);
      expect(w.newDefaultsCents).to.equal(r2.newDefaultsCents);
      expect(w.delinquent60PlusCents).to.equal(BigInt(r2.delinquent60Cents) + BigInt(r2.delinquent90PlusCents));
      expect(w.endingBalanceCents).to.equal(r2.endingBalanceCents);
      // A period not reported: only the last period reported and the state.
      for (const period of [0, 3]) {
        const none = await pool.waterfallReport(period);
        expect([none.lastPeriod, none.revision, none.state]).to.deep.equal([2n, 0n, await pool.state()]);
        expect([none.startDate, none.endDate, none.interestCollectedCents, none.endingBalanceCents]).to.deep.equal([
          0n,
          0n,
          0n,
          0n,
        ]);
      }
    });

    it("is allowed in Amortizing and Accelerated too, but not after redemption", async () => {
      const deal = await reported();
      const asTrustee = deal.pool.connect(deal.trustee);
      const asServicer = deal.pool.connect(deal.servicer);
      await (await asTrustee.startAmortization()).wait();
      await expect(asServicer.restateReport(periodReport(2, { contentHash: ethers.id("a") }), RESTATEMENT)).to.emit(
        deal.pool,
        "ReportRestated",
      );
      await (await asTrustee.accelerate(REASON)).wait();
      await expect(asServicer.restateReport(periodReport(2, { contentHash: ethers.id("b") }), RESTATEMENT)).to.emit(
        deal.pool,
        "ReportRestated",
      );
      await (await asTrustee.redeem()).wait();
      await expect(asServicer.restateReport(periodReport(2, { contentHash: ethers.id("c") }), RESTATEMENT))
        .to.be.revertedWithCustomError(deal.pool, "ReportNotAllowed")
        .withArgs(PoolState.Redeemed);
    });

    it("reverts NotServicer for every other role, and for a suspended servicer", async () => {
      const deal = await reported();
      const r = periodReport(1, { contentHash: ethers.id("restated") });
      for (const [who, signer] of othersThan(deal, deal.servicer)) {
        await expect(deal.pool.connect(signer).restateReport(r, RESTATEMENT), who)
          .to.be.revertedWithCustomError(deal.pool, "NotServicer")
          .withArgs(signer.address);
      }
      await deal.suspend(deal.servicer.address);
      await expect(deal.pool.connect(deal.servicer).restateReport(r, RESTATEMENT))
        .to.be.revertedWithCustomError(deal.pool, "NotServicer")
        .withArgs(deal.servicer.address);
    });

    it("reverts PeriodNotSubmitted for period 0 or a period not yet reported", async () => {
      const { pool, servicer } = await reported();
      for (const period of [0, 3]) {
        await expect(pool.connect(servicer).restateReport(periodReport(period), RESTATEMENT))
          .to.be.revertedWithCustomError(pool, "PeriodNotSubmitted")
          .withArgs(period, 2);
      }
    });

    it("reverts ReasonMissing, ReportDatesChanged and RestatementUnchanged", async () => {
      const { pool, servicer } = await reported();
      const asServicer = pool.connect(servicer);
      const changed = { contentHash: ethers.id("restated") };
      await expect(asServicer.restateReport(periodReport(1, changed), ZERO)).to.be.revertedWithCustomError(
        pool,
        "ReasonMissing",
      );
      const original = periodReport(1);
      for (const dates of [
        { startDate: BigInt(original.startDate) + 1n },
        { endDate: BigInt(original.endDate) - 1n },
      ]) {
        await expect(asServicer.restateReport(periodReport(1, { ...changed, ...dates }), RESTATEMENT))
          .to.be.revertedWithCustomError(pool, "ReportDatesChanged")
          .withArgs(1, original.startDate, original.endDate);
      }
      await expect(asServicer.restateReport(periodReport(1, { recoveryCents: 1n }), RESTATEMENT))
        .to.be.revertedWithCustomError(pool, "RestatementUnchanged")
        .withArgs(1, original.contentHash);
      expect(await pool.reportRevision(1)).to.equal(0n);
    });

    it("applies the report checks to the restated report", async () => {
      const { pool, servicer } = await reported();
      const asServicer = pool.connect(servicer);
      const changed = { contentHash: ethers.id("restated") };
      await expect(asServicer.restateReport(periodReport(1, { ...changed, endingBalanceCents: 0n }), RESTATEMENT))
        .to.be.revertedWithCustomError(pool, "ReportDelinquencyExceedsBalance")
        .withArgs(480_000_00n, 0n);
      await expect(
        asServicer.restateReport(periodReport(1, { ...changed, loanStateRoot: ZERO }), RESTATEMENT),
      ).to.be.revertedWithCustomError(pool, "ReportRootMissing");
      await expect(
        asServicer.restateReport(periodReport(1, { contentHash: ZERO }), RESTATEMENT),
      ).to.be.revertedWithCustomError(pool, "ReportContentHashMissing");
    });
  });
});
