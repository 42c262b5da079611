import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type Signer, Wallet } from "ethers";
import { type Offering } from "../../typechain-types";
import { action, memberId } from "../helpers/consortium";
import { ActionKind, roleSet } from "../helpers/roles";
import { closeParams, createOffering, type Deal, dealIn, fundCash, PoolState, TRANCHE_TERMS } from "../helpers/pool";

/**
 * A closing in batches (`IOffering.CLOSE_BATCH` subscribers per `close`): an offering with more subscribers than
 * one batch closes in several transactions, each of bounded cost, with the same allocation, cash and notes as one
 * closing would give, and nothing else may happen to it meanwhile.
 */

/** Mirrors `OfferingStatus`. */
const Status = { Open: 0n, Closed: 1n, Failed: 2n, Closing: 3n, Failing: 4n } as const;
const FACE = TRANCHE_TERMS.map((t) => BigInt(t.originalFaceCents));
const [FACE_A = 0n, FACE_B = 0n, FACE_C = 0n] = FACE;
/** Tranche C's subscribers: more than one batch (100), fewer than two with tranches A and B's. */
const CROWD = 130;

function cost(priceBps: bigint, faceCents: bigint): bigint {
  return (faceCents * priceBps + 9_999n) / 10_000n;
}

/** `IOffering`'s pro-rata rule: cumulative rounding over the orders in subscription order. */
function proRata(orders: bigint[], size: bigint): bigint[] {
  const demand = orders.reduce((a, b) => a + b, 0n);
  let before = 0n;
  return orders.map((o) => {
    const share = ((before + o) * size) / demand - (before * size) / demand;
    before += o;
    return share;
  });
}

/** `count` investors admitted by governance (qualified, as the founders' investors), each with gas money. */
async function admitInvestors(deal: Deal, count: number): Promise<Signer[]> {
  const out: Signer[] = [];
  for (let i = 0; i < count; i++) {
    const wallet = Wallet.createRandom().connect(ethers.provider);
    await setBalance(wallet.address, 10n ** 20n);
    await deal.govern(
      action(ActionKind.AdmitMember, {
        account: wallet.address,
        memberId: memberId(`CROWD-${i}`),
        legalEntityHash: ethers.id(`legal-entity:crowd-${i}`),
        roles: roleSet("INVESTOR"),
        eligibility: deal.investorEligibility,
      }),
    );
    out.push(wallet);
  }
  return out;
}

/**
 * Tranches A and B taken in full by investors 1 and 2 at par; tranche C at 85.01 % by `CROWD` new investors, each
 * ordering an odd amount around 1.5x an even share: oversubscribed, so the closing pro-rates and refunds everyone.
 */
async function crowdedOffering() {
  const deal = await dealIn.Offering();
  const crowd = await admitInvestors(deal, CROWD);
  const offering = await createOffering(deal);
  const offeringAddress = await offering.getAddress();
  const pay = async (who: Signer, index: number, amount: bigint) => {
    const due = await offering.costOf(index, amount);
    await fundCash(deal, await who.getAddress(), due);
    await (await deal.cashToken.connect(who).approve(offeringAddress, due)).wait();
    await (await offering.connect(who).subscribe(index, amount)).wait();
  };
  await pay(deal.investor1, 0, FACE_A);
  await pay(deal.investor2, 1, FACE_B);
  const orders = crowd.map((_, i) => (FACE_C * 3n) / 2n / BigInt(CROWD) + 1_000_00n + BigInt(i * 7 + 1));
  for (const [i, who] of crowd.entries()) await pay(who, 2, orders[i] ?? 0n);
  await time.increaseTo((await offering.window(0)).closesAt);
  return { ...deal, offering, crowd, orders };
}

async function cashHeldBy(deal: Deal, offering: Offering): Promise<bigint> {
  return deal.cashToken.balanceOf(await offering.getAddress());
}

describe("Offering: closing in batches", () => {
  it("closes 132 subscribers in two calls of bounded gas: allocation, refunds and notes as the pro-rata rule says", async () => {
    const deal = await loadFixture(crowdedOffering);
    const { offering, trustee, crowd, orders, originator } = deal;
    expect(await offering.CLOSE_BATCH()).to.equal(100n);
    const originatorBefore = await deal.cashToken.balanceOf(originator.address);
    const [tokenA, tokenB, tokenC] = deal.tranches;
    if (!tokenA || !tokenB || !tokenC) throw new Error("three tranches expected");

    const first = await (await offering.connect(trustee).close(closeParams())).wait();
    expect(await offering.status()).to.equal(Status.Closing);
    expect(await deal.pool.state()).to.equal(PoolState.Offering);
    // The first batch: investors 1 and 2 and the first 98 of the crowd, minted, nothing paid to the originator.
    expect(await tokenA.balanceOf(deal.investor1.address)).to.equal(FACE_A);
    expect(await deal.cashToken.balanceOf(originator.address)).to.equal(originatorBefore);

    const second = await (await offering.connect(trustee).close(closeParams())).wait();
    expect(await offering.status()).to.equal(Status.Closed);
    expect(await deal.pool.state()).to.equal(PoolState.Active);
    expect(first?.gasUsed).to.be.below(10_000_000n);
    expect(second?.gasUsed).to.be.below(10_000_000n);

    const expected = proRata(orders, FACE_C);
    let proceeds = FACE_A + FACE_B;
    for (const [i, who] of crowd.entries()) {
      const address = await who.getAddress();
      const order = orders[i] ?? 0n;
      const allocated = expected[i] ?? 0n;
      const exact = (order * FACE_C) / orders.reduce((a, b) => a + b, 0n);
      expect(allocated - exact, `share ${i} within a cent`).to.be.oneOf([0n, 1n]);
      expect(await tokenC.balanceOf(address), `notes of ${i}`).to.equal(allocated);
      expect(await deal.cashToken.balanceOf(address), `refund of ${i}`).to.equal(
        cost(10_000n, order) - cost(10_000n, allocated),
      );
      proceeds += cost(10_000n, allocated);
    }
    expect(await tokenC.totalSupply()).to.equal(FACE_C);
    expect(await deal.cashToken.balanceOf(originator.address)).to.equal(originatorBefore + proceeds);
    expect(await cashHeldBy(deal, offering)).to.equal(0n);
    await expect(offering.connect(trustee).close(closeParams()))
      .to.be.revertedWithCustomError(offering, "OfferingNotOpen")
      .withArgs(Status.Closed);
  });

  it("while closing: no subscription or cancellation, the same parameters only, the trustee only", async () => {
    const deal = await loadFixture(crowdedOffering);
    const { offering, trustee, crowd } = deal;
    expect(await offering.closingTerms()).to.deep.equal([0n, false, 0n]);
    await (await offering.connect(trustee).close(closeParams())).wait();
    // Another call must follow: the terms are committed for it (and for a trustee resuming).
    expect(await offering.closingTerms()).to.deep.equal([1n, false, 0n]);
    const late = crowd[CROWD - 1];
    if (!late) throw new Error("crowd empty");
    await expect(offering.connect(late).cancel(2))
      .to.be.revertedWithCustomError(offering, "OfferingNotOpen")
      .withArgs(Status.Closing);
    await expect(offering.connect(trustee).cancelOffering())
      .to.be.revertedWithCustomError(offering, "OfferingNotOpen")
      .withArgs(Status.Closing);
    await expect(offering.connect(deal.investor1).close(closeParams())).to.be.revertedWithCustomError(
      offering,
      "NotTrustee",
    );
    await expect(offering.connect(trustee).close(closeParams({ tapeVersion: 2 }))).to.be.revertedWithCustomError(
      offering,
      "CloseParamsChanged",
    );
    await (await offering.connect(trustee).close(closeParams())).wait();
    expect(await offering.status()).to.equal(Status.Closed);
  });

  it("a wrong tape version is refused before the first batch: nothing is half-closed", async () => {
    const deal = await loadFixture(crowdedOffering);
    await expect(deal.offering.connect(deal.trustee).close(closeParams({ tapeVersion: 2 })))
      .to.be.revertedWithCustomError(deal.pool, "TapeVersionUnknown")
      .withArgs(2, 1);
    expect(await deal.offering.status()).to.equal(Status.Open);
  });

  it("a table wrong in a later batch's entry, or in total, is refused before the first batch; a right one is followed", async () => {
    const deal = await loadFixture(crowdedOffering);
    const { offering, trustee, crowd, orders } = deal;
    const late = 120; // past the first batch (tranches A and B's subscribers come first)
    const table = proRata(orders, FACE_C);
    const lateInvestor = crowd[late];
    if (!lateInvestor) throw new Error("fixture");
    const close = (c: bigint[]) => offering.connect(trustee).close(closeParams({ tables: [[], [], c] }));
    const aboveOrder = table.map((a, i) => (i === late ? (orders[i] ?? 0n) + 1n : a));
    await expect(close(aboveOrder))
      .to.be.revertedWithCustomError(offering, "AllocationExceedsOrder")
      .withArgs(2, await lateInvestor.getAddress(), orders[late], (orders[late] ?? 0n) + 1n);
    const shortByOne = table.map((a, i) => (i === CROWD - 1 ? a - 1n : a));
    await expect(close(shortByOne))
      .to.be.revertedWithCustomError(offering, "AllocationTableTotal")
      .withArgs(2, FACE_C, FACE_C - 1n);
    expect(await offering.status()).to.equal(Status.Open);
    for (const token of deal.tranches) expect(await token.totalSupply()).to.equal(0n);

    // The trustee's own table: the pro-rata shares with one cent moved from the first subscriber to a late one.
    // Followed to the cent over two calls.
    const own = table.map((a, i) => (i === 0 ? a - 1n : i === late ? a + 1n : a));
    while ((await offering.status()) !== Status.Closed) await (await close(own)).wait();
    const [, , tokenC] = deal.tranches;
    if (!tokenC) throw new Error("fixture");
    for (const [i, who] of crowd.entries()) {
      expect(await tokenC.balanceOf(await who.getAddress())).to.equal(own[i]);
    }
    expect(await tokenC.totalSupply()).to.equal(FACE_C);
  });

  it("a cancelled offering refunds every cent over two calls and says Failed only at the end", async () => {
    const deal = await loadFixture(crowdedOffering);
    const { offering, trustee, crowd, orders } = deal;
    const held = await cashHeldBy(deal, offering);
    await expect(offering.connect(trustee).cancelOffering()).not.to.emit(offering, "OfferingFailed");
    expect(await offering.status()).to.equal(Status.Failing);
    await expect(offering.connect(trustee).close(closeParams()))
      .to.emit(offering, "OfferingFailed")
      .withArgs(await deal.pool.getAddress(), ethers.MaxUint256, 0n, 0n, held, trustee.address);
    expect(await offering.status()).to.equal(Status.Failed);
    for (const [i, who] of crowd.entries()) {
      expect(await deal.cashToken.balanceOf(await who.getAddress())).to.equal(orders[i]);
    }
    expect(await cashHeldBy(deal, offering)).to.equal(0n);
    for (const token of deal.tranches) expect(await token.totalSupply()).to.equal(0n);
  });

  it("a subscriber frozen before closing is refunded in full and its face retained by the originator", async () => {
    const deal = await loadFixture(crowdedOffering);
    const { offering, trustee, crowd, orders, originator } = deal;
    const [, , tokenC] = deal.tranches;
    const frozen = crowd[5];
    if (!tokenC || !frozen) throw new Error("fixture");
    // The originator becomes a qualified investor too (as for risk retention), so it may hold tranche C.
    await deal.govern(
      action(ActionKind.SetRoles, { account: originator.address, roles: roleSet("ORIGINATOR", "INVESTOR") }),
    );
    await deal.govern(
      action(ActionKind.SetEligibility, { account: originator.address, eligibility: deal.investorEligibility }),
    );
    await (await tokenC.connect(trustee).freeze(await frozen.getAddress(), ethers.id("court-order"))).wait();
    const retainedBefore = await tokenC.balanceOf(originator.address);
    while ((await offering.status()) !== Status.Closed)
      await (await offering.connect(trustee).close(closeParams())).wait();
    const share = proRata(orders, FACE_C)[5] ?? 0n;
    expect(await tokenC.balanceOf(await frozen.getAddress())).to.equal(0n);
    expect(await deal.cashToken.balanceOf(await frozen.getAddress())).to.equal(orders[5]);
    expect(await tokenC.balanceOf(originator.address)).to.equal(retainedBefore + share);
    expect(await tokenC.totalSupply()).to.equal(FACE_C);
  });
});
