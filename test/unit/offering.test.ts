import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { anyUint } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type Offering } from "../../typechain-types";
import { action, ONLY_QUALIFIED } from "../helpers/consortium";
import { ActionKind, HolderCode, roleSet } from "../helpers/roles";
import {
  type Allocation,
  closeParams,
  createOffering,
  DAY,
  type Deal,
  dealIn,
  fundCash,
  issue,
  NO_WAREHOUSE,
  othersThan,
  PAR_BPS,
  PoolState,
  sampleWindows,
  subscribeAll,
  TOTAL_FACE_CENTS,
  TRANCHE_TERMS,
  type TrancheWindow,
  tuple,
} from "../helpers/pool";

/** Mirrors `OfferingStatus`. */
const Status = { Open: 0n, Closed: 1n, Failed: 2n } as const;
const FACE = TRANCHE_TERMS.map((t) => BigInt(t.originalFaceCents));
const [FACE_A = 0n, FACE_B = 0n, FACE_C = 0n] = FACE;

/** `ceil(face * priceBps / 10,000)`: the TypeScript twin of `Offering._cost`. */
function cost(priceBps: bigint, faceCents: bigint): bigint {
  return (faceCents * priceBps + PAR_BPS - 1n) / PAR_BPS;
}

/** The pro-rata rule of `IOffering`: cumulative rounding over the orders in subscription order. */
function proRata(orders: bigint[], size: bigint): bigint[] {
  const demand = orders.reduce((a, b) => a + b, 0n);
  if (demand <= size) return [...orders];
  let before = 0n;
  return orders.map((o) => {
    const share = ((before + o) * size) / demand - (before * size) / demand;
    before += o;
    return share;
  });
}

/** The deal in Offering with its offering created (windows open now for a day, at par). */
async function dealWithOffering(): Promise<Deal & { offering: Offering }> {
  const deal = await dealIn.Offering();
  return { ...deal, offering: await createOffering(deal) };
}

/** As above, but priced at 99.37% so prices round (tranche A at 99.37, B at 100.5, C at 85.01). */
async function dealWithOddPrices(): Promise<Deal & { offering: Offering }> {
  const deal = await dealIn.Offering();
  const windows = sampleWindows(BigInt(await time.latest()));
  const prices = [9_937n, 10_050n, 8_501n];
  const priced = windows.map((w, i) => ({ ...w, priceBps: prices[i] ?? PAR_BPS }));
  return { ...deal, offering: await createOffering(deal, priced) };
}

/** The custodian credits `investor` with the cost of `amount` and the investor subscribes it. */
async function subscribe(
  deal: Deal,
  offering: Offering,
  investor: HardhatEthersSigner,
  index: number,
  amount: bigint,
): Promise<void> {
  const price = (await offering.window(index)).priceBps;
  const due = cost(price, (await offering.orderOf(index, investor.address)) + amount);
  const already = cost(price, await offering.orderOf(index, investor.address));
  await fundCash(deal, investor.address, due - already);
  await (await deal.cashToken.connect(investor).approve(await offering.getAddress(), due - already)).wait();
  await (await offering.connect(investor).subscribe(index, amount)).wait();
}

async function afterWindows(offering: Offering): Promise<void> {
  await time.increaseTo((await offering.window(0)).closesAt);
}

/** The cash balances of every named signer, the offering and the originator. */
async function cashOf(deal: Deal, offering: Offering): Promise<Map<string, bigint>> {
  const m = new Map<string, bigint>();
  for (const s of await ethers.getSigners()) m.set(s.address, await deal.cashToken.balanceOf(s.address));
  m.set("offering", await deal.cashToken.balanceOf(await offering.getAddress()));
  return m;
}

describe("Offering", () => {
  describe("OfferingFactory.createOffering", () => {
    it("creates the offering, registers it as a deal contract and emits OfferingCreated", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const pool = await deal.pool.getAddress();
      const windows = sampleWindows(BigInt(await time.latest()) + 10n);
      const predicted = await deal.offeringFactory
        .connect(deal.trustee)
        .createOffering.staticCall(pool, windows, NO_WAREHOUSE);
      await expect(deal.offeringFactory.connect(deal.trustee).createOffering(pool, windows, NO_WAREHOUSE))
        .to.emit(deal.offeringFactory, "OfferingCreated")
        .withArgs(
          predicted,
          pool,
          deal.params.dealId,
          await deal.pool.tranches(),
          windows.map(tuple),
          tuple(NO_WAREHOUSE),
          deal.trustee.address,
        )
        .and.to.emit(deal.registry, "DealContractRegistered")
        .withArgs(predicted, await deal.offeringFactory.getAddress());
      expect(await deal.registry.isDealContract(predicted)).to.equal(true);
      const offering = await ethers.getContractAt("Offering", predicted);
      expect(await offering.pool()).to.equal(pool);
      expect(await offering.cashToken()).to.equal(await deal.cashToken.getAddress());
      expect(await offering.status()).to.equal(Status.Open);
      expect(await offering.trancheCount()).to.equal(3n);
      for (const [i, face] of FACE.entries()) expect(await offering.sizeOf(i)).to.equal(face);
    });

    it("reverts NotTrustee for every other signer, PoolUnknown, PoolNotReady and OfferingExists", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const pool = await deal.pool.getAddress();
      const windows = sampleWindows(BigInt(await time.latest()));
      const factory = deal.offeringFactory;
      for (const [who, signer] of othersThan(deal, deal.trustee)) {
        await expect(factory.connect(signer).createOffering(pool, windows, NO_WAREHOUSE), who)
          .to.be.revertedWithCustomError(factory, "NotTrustee")
          .withArgs(signer.address);
      }
      const cash = await deal.cashToken.getAddress();
      await expect(factory.connect(deal.trustee).createOffering(cash, windows, NO_WAREHOUSE))
        .to.be.revertedWithCustomError(factory, "PoolUnknown")
        .withArgs(cash);
      const offering = await createOffering(deal);
      await expect(factory.connect(deal.trustee).createOffering(pool, windows, NO_WAREHOUSE))
        .to.be.revertedWithCustomError(factory, "OfferingExists")
        .withArgs(pool, await offering.getAddress());

      const draft = await loadFixture(dealIn.Draft);
      await expect(
        draft.offeringFactory
          .connect(draft.trustee)
          .createOffering(await draft.pool.getAddress(), windows, NO_WAREHOUSE),
      )
        .to.be.revertedWithCustomError(factory, "PoolNotReady")
        .withArgs(await draft.pool.getAddress(), PoolState.Draft);
    });

    it("validates every window and the warehouse terms, naming the tranche and the values", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const pool = await deal.pool.getAddress();
      const now = BigInt(await time.latest());
      const ok = sampleWindows(now);
      const factory = deal.offeringFactory.connect(deal.trustee);
      const offeringAbi = await ethers.getContractFactory("Offering");
      const withB = (fields: Partial<TrancheWindow>) => ok.map((w, i) => (i === 1 ? { ...w, ...fields } : w));
      const cases: [TrancheWindow[], string, unknown[]][] = [
        [ok.slice(0, 2), "WindowsLength", [3, 2]],
        [withB({ closesAt: now - 1n, opensAt: now - 5n }), "WindowDatesInvalid", [1, now - 5n, now - 1n]],
        [withB({ closesAt: now }), "WindowDatesInvalid", [1, now, now]],
        [withB({ priceBps: 0n }), "WindowPriceInvalid", [1, 0]],
        [withB({ priceBps: 20_001n }), "WindowPriceInvalid", [1, 20_001]],
        [withB({ incrementCents: 0n }), "WindowMinimumInvalid", [1, 1_000_00n, 0]],
        [withB({ incrementCents: 3n }), "WindowMinimumInvalid", [1, 1_000_00n, 3]],
        [withB({ minSizeCents: 0n }), "WindowSizeInvalid", [1, 0, FACE_B]],
        [withB({ minSizeCents: FACE_B + 1n }), "WindowSizeInvalid", [1, FACE_B + 1n, FACE_B]],
        [withB({ allowedInvestorClasses: 0 }), "WindowClassesInvalid", [1, 0, ONLY_QUALIFIED]],
        [withB({ allowedInvestorClasses: 3 }), "WindowClassesInvalid", [1, 3, ONLY_QUALIFIED]],
      ];
      for (const [windows, error, args] of cases) {
        await expect(factory.createOffering(pool, windows, NO_WAREHOUSE), error)
          .to.be.revertedWithCustomError(offeringAbi, error)
          .withArgs(...args);
      }
      const lender = deal.investor3.address;
      for (const w of [
        { investor: lender, advanceCents: 0n, repaymentCents: 0n },
        { investor: lender, advanceCents: 10n, repaymentCents: 9n },
        { investor: ethers.ZeroAddress, advanceCents: 10n, repaymentCents: 10n },
      ]) {
        await expect(factory.createOffering(pool, ok, w))
          .to.be.revertedWithCustomError(offeringAbi, "WarehouseTermsInvalid")
          .withArgs(w.investor, w.advanceCents, w.repaymentCents);
      }
    });
  });

  describe("subscribe and cancel", () => {
    it("takes the cash, records the order and emits Subscribed; a second subscription adds to the order", async () => {
      const deal = await loadFixture(dealWithOddPrices);
      const { offering, investor1, cashToken } = deal;
      const address = await offering.getAddress();
      await fundCash(deal, investor1.address, 1_000_000_00n);
      await (await cashToken.connect(investor1).approve(address, 1_000_000_00n)).wait();
      const [trancheA] = await deal.pool.tranches();
      // 99.37% of 1,000.01 = 993.709937 -> 993.71 (rounded up).
      await expect(offering.connect(investor1).subscribe(0, 1_000_01n))
        .to.emit(offering, "Subscribed")
        .withArgs(0, trancheA, investor1.address, 1_000_01n, 1_000_01n, 993_71n, 1_000_01n)
        .and.to.emit(cashToken, "Transfer")
        .withArgs(investor1.address, address, 993_71n);
      // The order 1,000.02 costs 993.719874 -> 993.72: the second cent costs 0.01 (cost(order) - cost(previous)).
      await expect(offering.connect(investor1).subscribe(0, 1n))
        .to.emit(offering, "Subscribed")
        .withArgs(0, trancheA, investor1.address, 1n, 1_000_02n, 1n, 1_000_02n);
      expect(await offering.orderOf(0, investor1.address)).to.equal(1_000_02n);
      expect(await offering.demandOf(0)).to.equal(1_000_02n);
      expect(await offering.subscribersOf(0)).to.deep.equal([investor1.address]);
      expect(await cashToken.balanceOf(address)).to.equal(cost(9_937n, 1_000_02n));
    });

    it("refuses ineligible investors with the registry's holder code", async () => {
      const deal = await loadFixture(dealWithOffering);
      const { offering } = deal;
      const cases: [HardhatEthersSigner, number][] = [
        [deal.outsider, HolderCode.NOT_MEMBER],
        [deal.regulator, HolderCode.NOT_INVESTOR],
        [deal.trustee, HolderCode.NOT_INVESTOR],
      ];
      for (const [signer, code] of cases) {
        await expect(offering.connect(signer).subscribe(0, 1_000_00n))
          .to.be.revertedWithCustomError(offering, "SubscriberIneligible")
          .withArgs(signer.address, code);
      }
      await deal.suspend(deal.investor1.address);
      await expect(offering.connect(deal.investor1).subscribe(0, 1_000_00n))
        .to.be.revertedWithCustomError(offering, "SubscriberIneligible")
        .withArgs(deal.investor1.address, HolderCode.NOT_ACTIVE);
      await deal.govern(
        action(ActionKind.SetEligibility, {
          account: deal.investor2.address,
          eligibility: { investorClass: 1, jurisdiction: 156, validUntil: 4_102_444_800n },
        }),
      );
      await expect(offering.connect(deal.investor2).subscribe(0, 1_000_00n))
        .to.be.revertedWithCustomError(offering, "SubscriberIneligible")
        .withArgs(deal.investor2.address, HolderCode.CLASS_NOT_ADMITTED);
    });

    it("enforces the increment, the minimum, the size and the tranche index", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const windows = sampleWindows(BigInt(await time.latest()), { incrementCents: 100n });
      const offering = await createOffering(deal, windows);
      const inv = offering.connect(deal.investor1);
      await expect(inv.subscribe(0, 1_000_50n))
        .to.be.revertedWithCustomError(offering, "SubscriptionNotIncrement")
        .withArgs(0, 100, 1_000_50n);
      await expect(inv.subscribe(0, 0))
        .to.be.revertedWithCustomError(offering, "SubscriptionNotIncrement")
        .withArgs(0, 100, 0);
      await expect(inv.subscribe(0, 900_00n))
        .to.be.revertedWithCustomError(offering, "SubscriptionBelowMinimum")
        .withArgs(0, 1_000_00n, 900_00n);
      await expect(inv.subscribe(2, FACE_C + 100n))
        .to.be.revertedWithCustomError(offering, "SubscriptionExceedsSize")
        .withArgs(2, FACE_C, FACE_C + 100n);
      await expect(inv.subscribe(3, 1_000_00n))
        .to.be.revertedWithCustomError(offering, "TrancheIndexInvalid")
        .withArgs(3, 3);
      // Without an approval the cash token refuses: nothing is recorded.
      await fundCash(deal, deal.investor1.address, 1_000_00n);
      await expect(inv.subscribe(0, 1_000_00n)).to.be.revertedWithCustomError(
        deal.cashToken,
        "ERC20InsufficientAllowance",
      );
      expect(await offering.orderOf(0, deal.investor1.address)).to.equal(0n);
    });

    it("takes orders only within the window, and only while the pool is in Offering", async () => {
      const deal = await loadFixture(dealIn.Offering);
      // The fixture's last block may be minutes old (a snapshot), and the next block is stamped with the clock: mine
      // one first, so that "100 s from now" is from now.
      await mine();
      const now = BigInt(await time.latest());
      const windows = sampleWindows(now + 100n);
      const offering = await createOffering(deal, windows);
      const opensAt = now + 100n;
      const closesAt = opensAt + DAY;
      await expect(offering.connect(deal.investor1).subscribe(0, 1_000_00n)).to.be.revertedWithCustomError(
        offering,
        "WindowNotOpen",
      );
      await time.increaseTo(opensAt);
      await subscribe(deal, offering, deal.investor1, 0, 1_000_00n);
      await time.increaseTo(closesAt);
      await expect(offering.connect(deal.investor1).subscribe(0, 1_000_00n))
        .to.be.revertedWithCustomError(offering, "WindowNotOpen")
        .withArgs(0, opensAt, closesAt, anyUint);
      await expect(offering.connect(deal.investor1).cancel(0))
        .to.be.revertedWithCustomError(offering, "WindowNotOpen")
        .withArgs(0, opensAt, closesAt, anyUint);

      const other = await loadFixture(dealWithOffering);
      await (await other.pool.connect(other.trustee).withdrawOffering()).wait();
      await expect(other.offering.connect(other.investor1).subscribe(0, 1_000_00n))
        .to.be.revertedWithCustomError(other.offering, "PoolNotOffering")
        .withArgs(PoolState.Structured);
    });

    it("cancel returns the whole order's cash and emits SubscriptionCancelled; also once the pool is withdrawn", async () => {
      const deal = await loadFixture(dealWithOddPrices);
      const { offering, investor1, investor2 } = deal;
      await subscribe(deal, offering, investor1, 2, 2_000_00n);
      await subscribe(deal, offering, investor2, 2, 3_000_00n);
      const [, , trancheC] = await deal.pool.tranches();
      const paid = cost(8_501n, 2_000_00n);
      await expect(offering.connect(investor1).cancel(2))
        .to.emit(offering, "SubscriptionCancelled")
        .withArgs(2, trancheC, investor1.address, 2_000_00n, paid, 3_000_00n)
        .and.to.emit(deal.cashToken, "Transfer")
        .withArgs(await offering.getAddress(), investor1.address, paid);
      expect(await deal.cashToken.balanceOf(investor1.address)).to.equal(paid);
      expect(await offering.demandOf(2)).to.equal(3_000_00n);
      await expect(offering.connect(investor1).cancel(2))
        .to.be.revertedWithCustomError(offering, "SubscriptionMissing")
        .withArgs(2, investor1.address);

      await (await deal.pool.connect(deal.trustee).withdrawOffering()).wait();
      await time.increase(2n * DAY);
      await expect(offering.connect(investor2).cancel(2)).to.emit(offering, "SubscriptionCancelled");
      expect(await deal.cashToken.balanceOf(await offering.getAddress())).to.equal(0n);
    });
  });

  describe("close", () => {
    it("issues at par: mints every order, pays the originator, moves the pool to Active (true sale)", async () => {
      const deal = await loadFixture(dealWithOffering);
      const { offering, pool, trustee, originator, cashToken } = deal;
      const allocations = deal.fullAllocation();
      await subscribeAll(deal, offering, allocations);
      await afterWindows(offering);
      const tx = offering.connect(trustee).close(closeParams());
      await expect(tx)
        .to.emit(offering, "OfferingClosed")
        .withArgs(
          await pool.getAddress(),
          1,
          TOTAL_FACE_CENTS,
          TOTAL_FACE_CENTS,
          0,
          TOTAL_FACE_CENTS,
          0,
          trustee.address,
        )
        .and.to.emit(pool, "StateChanged")
        .withArgs(PoolState.Offering, PoolState.Active, await offering.getAddress())
        .and.to.emit(pool, "IssuanceClosed")
        .withArgs(1, false, 0, 4, TOTAL_FACE_CENTS, await offering.getAddress());
      const tranches = await pool.tranches();
      for (const a of allocations) {
        const index = tranches.indexOf(String(a.tranche));
        await expect(tx)
          .to.emit(offering, "Allocated")
          .withArgs(index, a.tranche, a.investor, a.amountCents, a.amountCents, a.amountCents, 0);
        await expect(tx).to.emit(pool, "TrancheAllocated").withArgs(a.tranche, a.investor, a.amountCents);
      }
      for (const [i, token] of deal.tranches.entries()) expect(await token.totalSupply()).to.equal(FACE[i]);
      expect(await cashToken.balanceOf(originator.address)).to.equal(TOTAL_FACE_CENTS);
      expect(await cashToken.balanceOf(await offering.getAddress())).to.equal(0n);
      // Done in one call: nothing was committed for a next one.
      expect(await offering.closingTerms()).to.deep.equal([0n, false, 0n]);
      expect(await offering.status()).to.equal(Status.Closed);
      expect(await pool.state()).to.equal(PoolState.Active);
      expect(await pool.soldTapeVersion()).to.equal(1n);
      await expect(offering.connect(trustee).close(closeParams()))
        .to.be.revertedWithCustomError(offering, "OfferingNotOpen")
        .withArgs(Status.Closed);
    });

    it("oversubscribed: allocates pro-rata (cumulative rounding), refunds the rest, loses no cent", async () => {
      const deal = await loadFixture(dealWithOddPrices);
      const { offering, investor1, investor2, investor3, trustee, originator, cashToken } = deal;
      // A and B filled exactly; C (5,000,000.00) demanded 7,000,000.03 by three investors.
      await subscribe(deal, offering, investor1, 0, FACE_A);
      await subscribe(deal, offering, investor2, 1, FACE_B);
      const orders = [3_000_000_01n, 2_000_000_01n, 2_000_000_01n];
      const investors = [investor3, investor1, investor2];
      for (const [i, inv] of investors.entries()) await subscribe(deal, offering, inv, 2, orders[i] ?? 0n);
      const before = await cashOf(deal, offering);
      const supplyBefore = await cashToken.totalSupply();
      await afterWindows(offering);
      const expected = proRata(orders, FACE_C);
      expect(expected.reduce((a, b) => a + b, 0n)).to.equal(FACE_C);
      const tx = offering.connect(trustee).close(closeParams());
      const [, , trancheC] = await deal.pool.tranches();
      let proceeds = cost(9_937n, FACE_A) + cost(10_050n, FACE_B);
      for (const [i, inv] of investors.entries()) {
        const order = orders[i] ?? 0n;
        const alloc = expected[i] ?? 0n;
        const refund = cost(8_501n, order) - cost(8_501n, alloc);
        proceeds += cost(8_501n, alloc);
        await expect(tx)
          .to.emit(offering, "Allocated")
          .withArgs(2, trancheC, inv.address, order, alloc, cost(8_501n, alloc), refund);
      }
      const [, , tokenC] = deal.tranches;
      if (!tokenC) throw new Error("no tranche C");
      for (const [i, inv] of investors.entries()) expect(await tokenC.balanceOf(inv.address)).to.equal(expected[i]);
      const after = await cashOf(deal, offering);
      expect(after.get("offering")).to.equal(0n);
      expect(after.get(originator.address)).to.equal((before.get(originator.address) ?? 0n) + proceeds);
      // Conservation: the cash that left the offering is exactly what the originator and refunds received.
      const sum = (m: Map<string, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n);
      expect(sum(after)).to.equal(sum(before));
      expect(await cashToken.totalSupply()).to.equal(supplyBefore);
      expect(await cashToken.recordedBankBalanceCents()).to.equal(supplyBefore);
    });

    it("oversubscribed: follows the trustee's allocation table, after checking it", async () => {
      const deal = await loadFixture(dealWithOffering);
      const { offering, investor1, investor2, investor3, trustee } = deal;
      await subscribe(deal, offering, investor1, 0, FACE_A);
      await subscribe(deal, offering, investor2, 1, FACE_B);
      await subscribe(deal, offering, investor1, 2, 4_000_000_00n);
      await subscribe(deal, offering, investor3, 2, 3_000_000_00n);
      await afterWindows(offering);
      const close = (tables: bigint[][]) => offering.connect(trustee).close(closeParams({ tables }));
      await expect(close([[], []]))
        .to.be.revertedWithCustomError(offering, "AllocationTablesLength")
        .withArgs(3, 2);
      await expect(close([[FACE_A], [], []]))
        .to.be.revertedWithCustomError(offering, "AllocationTableNotOversubscribed")
        .withArgs(0, FACE_A, FACE_A);
      await expect(close([[], [], [FACE_C]]))
        .to.be.revertedWithCustomError(offering, "AllocationTableLength")
        .withArgs(2, 2, 1);
      await expect(close([[], [], [4_000_000_01n, 999_999_99n]]))
        .to.be.revertedWithCustomError(offering, "AllocationExceedsOrder")
        .withArgs(2, investor1.address, 4_000_000_00n, 4_000_000_01n);
      await expect(close([[], [], [2_000_000_00n, 2_999_999_99n]]))
        .to.be.revertedWithCustomError(offering, "AllocationTableTotal")
        .withArgs(2, FACE_C, 4_999_999_99n);
      await expect(close([[], [], [2_000_000_00n, 3_000_000_00n]]))
        .to.emit(offering, "Allocated")
        .withArgs(
          2,
          await offering.trancheAt(2),
          investor1.address,
          4_000_000_00n,
          2_000_000_00n,
          2_000_000_00n,
          2_000_000_00n,
        );
      const [, , tokenC] = deal.tranches;
      if (!tokenC) throw new Error("no tranche C");
      expect(await tokenC.balanceOf(investor1.address)).to.equal(2_000_000_00n);
      expect(await tokenC.balanceOf(investor3.address)).to.equal(3_000_000_00n);
      expect(await deal.cashToken.balanceOf(investor1.address)).to.equal(2_000_000_00n);
    });

    it("undersubscribed below a minimum size: fails, returns every cent, mints nothing, and a new offering may follow", async () => {
      const deal = await loadFixture(dealWithOddPrices);
      const { offering, investor1, investor2, trustee, pool } = deal;
      await subscribe(deal, offering, investor1, 0, FACE_A);
      await subscribe(deal, offering, investor2, 2, 1_000_00n);
      await subscribe(deal, offering, investor2, 1, 5_000_00n);
      await afterWindows(offering);
      const refundedTotal = cost(9_937n, FACE_A) + cost(8_501n, 1_000_00n) + cost(10_050n, 5_000_00n);
      const tx = offering.connect(trustee).close(closeParams());
      await expect(tx)
        .to.emit(offering, "OfferingFailed")
        .withArgs(await pool.getAddress(), 1, 5_000_00n, FACE_B, refundedTotal, trustee.address)
        .and.to.emit(offering, "Refunded")
        .withArgs(0, investor1.address, FACE_A, cost(9_937n, FACE_A));
      expect(await deal.cashToken.balanceOf(investor1.address)).to.equal(cost(9_937n, FACE_A));
      expect(await deal.cashToken.balanceOf(investor2.address)).to.equal(
        cost(8_501n, 1_000_00n) + cost(10_050n, 5_000_00n),
      );
      expect(await deal.cashToken.balanceOf(await offering.getAddress())).to.equal(0n);
      expect(await offering.status()).to.equal(Status.Failed);
      expect(await pool.state()).to.equal(PoolState.Offering);
      for (const token of deal.tranches) expect(await token.totalSupply()).to.equal(0n);
      await expect(offering.connect(investor1).cancel(0))
        .to.be.revertedWithCustomError(offering, "OfferingNotOpen")
        .withArgs(Status.Failed);
      // The failed offering does not block the next one, which can issue.
      await issue(deal, deal.fullAllocation());
      expect(await pool.state()).to.equal(PoolState.Active);
    });

    /** Tranche C 1.5m short of its face, above its 1m minimum size; A and B taken in full. Windows closed. */
    async function undersubscribedC(deal: Deal): Promise<Offering> {
      const windows = sampleWindows(BigInt(await time.latest())).map((w, i) =>
        i === 2 ? { ...w, minSizeCents: 1_000_000_00n } : w,
      );
      const offering = await createOffering(deal, windows);
      await subscribe(deal, offering, deal.investor1, 0, FACE_A);
      await subscribe(deal, offering, deal.investor2, 1, FACE_B);
      await subscribe(deal, offering, deal.investor3, 2, 1_500_000_00n);
      await afterWindows(offering);
      return offering;
    }

    /** Governance makes the originator a qualified investor (as for risk retention): it may hold any tranche. */
    async function originatorMayHold(deal: Deal): Promise<void> {
      await deal.govern(
        action(ActionKind.SetRoles, { account: deal.originator.address, roles: roleSet("ORIGINATOR", "INVESTOR") }),
      );
      await deal.govern(
        action(ActionKind.SetEligibility, { account: deal.originator.address, eligibility: deal.investorEligibility }),
      );
    }

    it("between the minimum size and the face, the originator retains the unsold face for no cash", async () => {
      const deal = await loadFixture(dealIn.Offering);
      await originatorMayHold(deal);
      const offering = await undersubscribedC(deal);
      const trancheC = await offering.trancheAt(2);
      await expect(offering.connect(deal.trustee).close(closeParams()))
        .to.emit(offering, "Allocated")
        .withArgs(2, trancheC, deal.originator.address, 0, FACE_C - 1_500_000_00n, 0, 0);
      const [, , tokenC] = deal.tranches;
      if (!tokenC) throw new Error("no tranche C");
      expect(await tokenC.balanceOf(deal.originator.address)).to.equal(FACE_C - 1_500_000_00n);
      expect(await deal.cashToken.balanceOf(deal.originator.address)).to.equal(FACE_A + FACE_B + 1_500_000_00n);
    });

    it("an originator who may not retain the unsold face is refused before anything is minted", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const offering = await undersubscribedC(deal);
      // The originator is not an investor: tranche C may not be minted to it.
      await expect(offering.connect(deal.trustee).close(closeParams()))
        .to.be.revertedWithCustomError(offering, "OriginatorMayNotRetain")
        .withArgs(2, FACE_C - 1_500_000_00n, 23); // TransferRestrictions.RECEIVER_NOT_INVESTOR
      expect(await offering.status()).to.equal(0n); // Open: nothing committed
      for (const token of deal.tranches) expect(await token.totalSupply()).to.equal(0n);
      await originatorMayHold(deal);
      await expect(offering.connect(deal.trustee).close(closeParams())).to.emit(offering, "OfferingClosed");
    });

    it("waits for every window to close, and only the trustee closes or cancels", async () => {
      const deal = await loadFixture(dealWithOffering);
      const { offering, trustee } = deal;
      const closesAt = (await offering.window(0)).closesAt;
      await expect(offering.connect(trustee).close(closeParams()))
        .to.be.revertedWithCustomError(offering, "WindowsStillOpen")
        .withArgs(closesAt, BigInt(await time.latest()) + 1n);
      await afterWindows(offering);
      for (const [who, signer] of othersThan(deal, trustee)) {
        await expect(offering.connect(signer).close(closeParams()), who)
          .to.be.revertedWithCustomError(offering, "NotTrustee")
          .withArgs(signer.address);
        await expect(offering.connect(signer).cancelOffering(), who)
          .to.be.revertedWithCustomError(offering, "NotTrustee")
          .withArgs(signer.address);
      }
      await deal.suspend(trustee.address);
      await expect(offering.connect(trustee).close(closeParams()))
        .to.be.revertedWithCustomError(offering, "NotTrustee")
        .withArgs(trustee.address);
    });

    it("cancelOffering refunds every subscriber in full", async () => {
      const deal = await loadFixture(dealWithOffering);
      const { offering, trustee, investor1, investor2 } = deal;
      await subscribe(deal, offering, investor1, 0, 10_000_00n);
      await subscribe(deal, offering, investor2, 1, 20_000_00n);
      await expect(offering.connect(trustee).cancelOffering())
        .to.emit(offering, "OfferingFailed")
        .withArgs(await deal.pool.getAddress(), ethers.MaxUint256, 0, 0, 30_000_00n, trustee.address);
      expect(await deal.cashToken.balanceOf(investor1.address)).to.equal(10_000_00n);
      expect(await deal.cashToken.balanceOf(investor2.address)).to.equal(20_000_00n);
    });
    it("a refund the cash token refuses (a suspended subscriber) is kept for it to claim; the rest are paid", async () => {
      const deal = await loadFixture(dealWithOffering);
      const { offering, trustee, investor1, investor2 } = deal;
      await subscribe(deal, offering, investor1, 0, 10_000_00n);
      await subscribe(deal, offering, investor2, 1, 20_000_00n);
      await deal.suspend(investor2.address);
      await expect(offering.connect(trustee).cancelOffering())
        .to.emit(offering, "RefundDeferred")
        .withArgs(investor2.address, 20_000_00n, 20_000_00n)
        .and.to.emit(offering, "OfferingFailed");
      expect(await deal.cashToken.balanceOf(investor1.address)).to.equal(10_000_00n);
      expect(await deal.cashToken.balanceOf(await offering.getAddress())).to.equal(20_000_00n);
      expect(await offering.deferredOf(investor2.address)).to.equal(20_000_00n);
      await expect(offering.connect(investor1).claimRefund())
        .to.be.revertedWithCustomError(offering, "NothingToClaim")
        .withArgs(investor1.address);
      await deal.reinstate(investor2.address);
      await expect(offering.connect(investor2).claimRefund())
        .to.emit(offering, "RefundClaimed")
        .withArgs(investor2.address, 20_000_00n);
      expect(await deal.cashToken.balanceOf(investor2.address)).to.equal(20_000_00n);
      expect(await deal.cashToken.balanceOf(await offering.getAddress())).to.equal(0n);
      expect(await offering.deferredOf(investor2.address)).to.equal(0n);
    });
  });

  describe("true-sale atomicity", () => {
    /** Everything the closing could change. */
    async function snapshot(deal: Deal, offering: Offering) {
      const cash = await cashOf(deal, offering);
      const supplies: bigint[] = [];
      for (const t of deal.tranches) supplies.push(await t.totalSupply());
      return {
        cash: [...cash.entries()].join(";"),
        supplies: supplies.join(","),
        status: await offering.status(),
        state: await deal.pool.state(),
        sold: await deal.pool.soldTapeVersion(),
      };
    }

    it("a tape version not anchored, or a tranche restriction on one investor, reverts the whole closing", async () => {
      const deal = await loadFixture(dealWithOffering);
      const { offering, trustee } = deal;
      await subscribeAll(deal, offering, deal.fullAllocation());
      await afterWindows(offering);
      const [tokenA] = deal.tranches;
      if (!tokenA) throw new Error("no tranche A");
      // A legal order freezes investor 2 before closing: the mint to it is restricted (code 31).
      await (await tokenA.connect(trustee).freeze(deal.investor2.address, ethers.id("court-order"))).wait();
      const before = await snapshot(deal, offering);
      await expect(offering.connect(trustee).close(closeParams({ tapeVersion: 2 })))
        .to.be.revertedWithCustomError(deal.pool, "TapeVersionUnknown")
        .withArgs(2, 1);
      await expect(offering.connect(trustee).close(closeParams()))
        .to.be.revertedWithCustomError(tokenA, "TransferRestricted")
        .withArgs(31, ethers.ZeroAddress, deal.investor2.address, 30_000_000_00n);
      expect(await snapshot(deal, offering)).to.deep.equal(before);
    });

    it("proceeds below the warehouse repayment revert everything", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const lender = deal.investor3;
      const warehouse = { investor: lender.address, advanceCents: 90_000_000_00n, repaymentCents: 97_000_000_01n };
      const offering = await createOffering(deal, undefined, warehouse);
      await fundCash(deal, lender.address, warehouse.advanceCents);
      await (await deal.cashToken.connect(lender).approve(await offering.getAddress(), warehouse.advanceCents)).wait();
      await (await offering.connect(lender).fundWarehouse()).wait();
      await subscribeAll(deal, offering, deal.fullAllocation());
      await afterWindows(offering);
      const before = await snapshot(deal, offering);
      await expect(offering.connect(deal.trustee).close(closeParams()))
        .to.be.revertedWithCustomError(offering, "ProceedsBelowWarehouse")
        .withArgs(TOTAL_FACE_CENTS, warehouse.repaymentCents);
      expect(await snapshot(deal, offering)).to.deep.equal(before);
    });
  });

  describe("pre-ABS warehouse financing", () => {
    it("the lender advances cash to the originator against the tape and is repaid first at closing", async () => {
      const deal = await loadFixture(dealIn.Offering);
      const { originator, trustee, cashToken } = deal;
      const lender = deal.investor3;
      const warehouse = { investor: lender.address, advanceCents: 60_000_000_00n, repaymentCents: 61_200_000_00n };
      const offering = await createOffering(deal, undefined, warehouse);
      const address = await offering.getAddress();
      for (const [who, signer] of othersThan(deal, lender)) {
        await expect(offering.connect(signer).fundWarehouse(), who)
          .to.be.revertedWithCustomError(offering, "WarehouseNotFundable")
          .withArgs(signer.address);
      }
      await fundCash(deal, lender.address, warehouse.advanceCents);
      await (await cashToken.connect(lender).approve(address, warehouse.advanceCents)).wait();
      await expect(offering.connect(lender).fundWarehouse())
        .to.emit(offering, "WarehouseFunded")
        .withArgs(lender.address, originator.address, warehouse.advanceCents, warehouse.repaymentCents, 1);
      expect(await cashToken.balanceOf(originator.address)).to.equal(warehouse.advanceCents);
      await expect(offering.connect(lender).fundWarehouse())
        .to.be.revertedWithCustomError(offering, "WarehouseNotFundable")
        .withArgs(lender.address);
      expect(await offering.warehouse()).to.deep.equal([tuple(warehouse), true]);

      const allocations: Allocation[] = deal.fullAllocation();
      await subscribeAll(deal, offering, allocations);
      await afterWindows(offering);
      const lenderBefore = await cashToken.balanceOf(lender.address);
      await expect(offering.connect(trustee).close(closeParams()))
        .to.emit(offering, "OfferingClosed")
        .withArgs(
          await deal.pool.getAddress(),
          1,
          TOTAL_FACE_CENTS,
          TOTAL_FACE_CENTS,
          warehouse.repaymentCents,
          TOTAL_FACE_CENTS - warehouse.repaymentCents,
          0,
          trustee.address,
        );
      expect(await cashToken.balanceOf(lender.address)).to.equal(lenderBefore + warehouse.repaymentCents);
      expect(await cashToken.balanceOf(originator.address)).to.equal(
        warehouse.advanceCents + TOTAL_FACE_CENTS - warehouse.repaymentCents,
      );
    });
  });
});
