import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type DvPSettlement, type ITrancheToken } from "../../typechain-types";
import { deployOtherCashToken } from "../helpers/cash-token";
import { action } from "../helpers/consortium";
import { ActionKind } from "../helpers/roles";
import { deployDvPDeal, type Order, signOrder } from "../helpers/dvp";
import { type Deal, DAY, fundCash, othersThan } from "../helpers/pool";

type DvPDeal = Deal & { dvp: DvPSettlement };

/** Investor 1 (50,000,000.00 of class A) sells to investor 3 (no class A yet), the exchange submits. */
async function tradeSetup(deal: DvPDeal, fields: { sell?: Partial<Order>; buy?: Partial<Order> } = {}) {
  const { dvp, investor1: seller, investor3: buyer, cashToken } = deal;
  const [classA] = deal.tranches;
  if (!classA) throw new Error("no class A");
  const expiry = BigInt(await time.latest()) + DAY;
  const base = {
    tranche: await classA.getAddress(),
    amountCents: 1_000_000_00n,
    priceBps: 9_950n,
    cashToken: await cashToken.getAddress(),
    counterparty: ethers.ZeroAddress,
    expiry,
    nonce: 1n,
  };
  const sell: Order = { maker: seller.address, isSell: true, ...base, ...fields.sell };
  const buy: Order = { maker: buyer.address, isSell: false, ...base, priceBps: 10_000n, ...fields.buy };
  await fundCash(deal, buyer.address, 2_000_000_00n);
  await (await cashToken.connect(buyer).approve(await dvp.getAddress(), ethers.MaxUint256)).wait();
  await (await classA.connect(seller).approve(await dvp.getAddress(), ethers.MaxUint256)).wait();
  return {
    classA,
    seller,
    buyer,
    sell,
    buy,
    sellSig: await signOrder(dvp, seller, sell),
    buySig: await signOrder(dvp, buyer, buy),
  };
}

/** The balances a trade moves. */
async function balances(deal: DvPDeal, classA: ITrancheToken, accounts: HardhatEthersSigner[]) {
  const out: bigint[] = [];
  for (const a of accounts) {
    out.push(await classA.balanceOf(a.address), await deal.cashToken.balanceOf(a.address));
  }
  return out;
}

describe("DvPSettlement", () => {
  it("swaps units and cash atomically at the seller's price and emits TradeSettled", async () => {
    const deal = await loadFixture(deployDvPDeal);
    const { dvp, exchange, cashToken } = deal;
    const { classA, seller, buyer, sell, buy, sellSig, buySig } = await tradeSetup(deal);
    const sellHash = await dvp.hashOrder(sell);
    const buyHash = await dvp.hashOrder(buy);
    // 99.50% of 400,000.01 = 398,000.00995 -> 398,000.01 (rounded up, paid by the buyer).
    const fill = 400_000_01n;
    const cash = 398_000_01n;
    const before = await balances(deal, classA, [seller, buyer]);
    await expect(dvp.connect(exchange).settle(sell, sellSig, buy, buySig, fill))
      .to.emit(dvp, "TradeSettled")
      .withArgs(
        sellHash,
        buyHash,
        sell.tranche,
        seller.address,
        buyer.address,
        fill,
        cash,
        9_950n,
        await cashToken.getAddress(),
        fill,
        fill,
        exchange.address,
      )
      .and.to.emit(classA, "Transfer")
      .withArgs(seller.address, buyer.address, fill)
      .and.to.emit(cashToken, "Transfer")
      .withArgs(buyer.address, seller.address, cash);
    const after = await balances(deal, classA, [seller, buyer]);
    const [sUnits = 0n, sCash = 0n, bUnits = 0n, bCash = 0n] = before;
    expect(after).to.deep.equal([sUnits - fill, sCash + cash, bUnits + fill, bCash - cash]);
    expect(await dvp.filledOf(sellHash)).to.equal(fill);
  });

  it("settles only in the consortium's cash token, even when both parties signed another", async () => {
    const deal = await loadFixture(deployDvPDeal);
    const { dvp, registry, custodian, cashToken } = deal;
    const other = await deployOtherCashToken(await registry.getAddress(), custodian.address, "oCNY");
    const otherAddress = await other.getAddress();
    const { sell, buy, sellSig, buySig } = await tradeSetup(deal, {
      sell: { cashToken: otherAddress },
      buy: { cashToken: otherAddress },
    });
    await expect(dvp.settle(sell, sellSig, buy, buySig, 1n))
      .to.be.revertedWithCustomError(dvp, "CashTokenUnknown")
      .withArgs(otherAddress, await cashToken.getAddress());
  });

  it("fills partially up to each order's amount; a replay of a filled order is refused", async () => {
    const deal = await loadFixture(deployDvPDeal);
    const { dvp } = deal;
    const { sell, buy, sellSig, buySig } = await tradeSetup(deal, { buy: { amountCents: 600_000_00n } });
    const submit = (fill: bigint) => dvp.settle(sell, sellSig, buy, buySig, fill);
    await (await submit(250_000_00n)).wait();
    await (await submit(350_000_00n)).wait();
    const buyHash = await dvp.hashOrder(buy);
    expect(await dvp.filledOf(buyHash)).to.equal(600_000_00n);
    await expect(submit(1n)).to.be.revertedWithCustomError(dvp, "FillExceedsRemaining").withArgs(buyHash, 0n, 1n);
    await expect(submit(0n)).to.be.revertedWithCustomError(dvp, "FillZero");
  });

  it("refuses expired, tampered, mismatched, non-crossing and wrongly addressed orders", async () => {
    const deal = await loadFixture(deployDvPDeal);
    const { dvp, investor2 } = deal;
    const { sell, buy, sellSig, buySig, seller } = await tradeSetup(deal, {
      sell: { counterparty: deal.investor3.address },
    });
    const sellHash = await dvp.hashOrder(sell);
    // Tampered: the amount changed after signing; the signature no longer matches.
    const tampered = { ...sell, amountCents: 2_000_000_00n };
    await expect(dvp.settle(tampered, sellSig, buy, buySig, 1n))
      .to.be.revertedWithCustomError(dvp, "SignatureInvalid")
      .withArgs(await dvp.hashOrder(tampered), seller.address);
    // Signed by someone else than the maker.
    await expect(dvp.settle(sell, buySig, buy, buySig, 1n))
      .to.be.revertedWithCustomError(dvp, "SignatureInvalid")
      .withArgs(sellHash, seller.address);
    await expect(dvp.settle(buy, buySig, sell, sellSig, 1n)).to.be.revertedWithCustomError(dvp, "OrderSidesInvalid");
    const lowBuy = { ...buy, priceBps: 9_000n };
    await expect(dvp.settle(sell, sellSig, lowBuy, await signOrder(dvp, deal.investor3, lowBuy), 1n))
      .to.be.revertedWithCustomError(dvp, "PricesDoNotCross")
      .withArgs(9_950n, 9_000n);
    const otherCash = { ...buy, cashToken: await deal.pool.getAddress() };
    await expect(
      dvp.settle(sell, sellSig, otherCash, await signOrder(dvp, deal.investor3, otherCash), 1n),
    ).to.be.revertedWithCustomError(dvp, "OrdersMismatched");
    // The sell order names investor 3 as its only counterparty; investor 2's bid cannot take it.
    const otherBuyer = { ...buy, maker: investor2.address };
    await expect(dvp.settle(sell, sellSig, otherBuyer, await signOrder(dvp, investor2, otherBuyer), 1n))
      .to.be.revertedWithCustomError(dvp, "CounterpartyMismatch")
      .withArgs(sellHash, deal.investor3.address, investor2.address);
    await time.increaseTo(BigInt(sell.expiry));
    await expect(dvp.settle(sell, sellSig, buy, buySig, 1n))
      .to.be.revertedWithCustomError(dvp, "OrderExpired")
      .withArgs(sellHash, sell.expiry, BigInt(sell.expiry) + 1n);
  });

  it("refuses an under-funded buyer, a missing allowance and a seller short of units, moving nothing", async () => {
    const deal = await loadFixture(deployDvPDeal);
    const { dvp, cashToken } = deal;
    const { classA, sell, buy, sellSig, buySig, seller, buyer } = await tradeSetup(deal, {
      sell: { amountCents: 60_000_000_00n },
      buy: { amountCents: 60_000_000_00n },
    });
    const before = await balances(deal, classA, [seller, buyer]);
    const cash = await cashToken.getAddress();
    await expect(dvp.settle(sell, sellSig, buy, buySig, 3_000_000_00n))
      .to.be.revertedWithCustomError(dvp, "BalanceInsufficient")
      .withArgs(cash, buyer.address, 2_000_000_00n, 2_985_000_00n);
    await expect(dvp.settle(sell, sellSig, buy, buySig, 50_000_000_01n))
      .to.be.revertedWithCustomError(dvp, "BalanceInsufficient")
      .withArgs(sell.tranche, seller.address, 50_000_000_00n, 50_000_000_01n);
    await (await cashToken.connect(buyer).approve(await dvp.getAddress(), 10n)).wait();
    await expect(dvp.settle(sell, sellSig, buy, buySig, 1_000_00n))
      .to.be.revertedWithCustomError(dvp, "AllowanceInsufficient")
      .withArgs(cash, buyer.address, 10n, 995_00n);
    expect(await balances(deal, classA, [seller, buyer])).to.deep.equal(before);
  });

  it("the maker cancels its order (only the maker); a cancelled order never trades", async () => {
    const deal = await loadFixture(deployDvPDeal);
    const { dvp } = deal;
    const { sell, buy, sellSig, buySig, seller } = await tradeSetup(deal);
    await (await dvp.settle(sell, sellSig, buy, buySig, 100_00n)).wait();
    const sellHash = await dvp.hashOrder(sell);
    for (const [who, signer] of othersThan(deal, seller)) {
      await expect(dvp.connect(signer).cancel(sell), who)
        .to.be.revertedWithCustomError(dvp, "NotMaker")
        .withArgs(sellHash, seller.address, signer.address);
    }
    await expect(dvp.connect(seller).cancel(sell))
      .to.emit(dvp, "OrderCancelled")
      .withArgs(sellHash, seller.address, 100_00n);
    expect(await dvp.isCancelled(sellHash)).to.equal(true);
    await expect(dvp.settle(sell, sellSig, buy, buySig, 1n))
      .to.be.revertedWithCustomError(dvp, "OrderIsCancelled")
      .withArgs(sellHash);
    await expect(dvp.connect(seller).cancel(sell)).to.be.revertedWithCustomError(dvp, "OrderIsCancelled");
  });

  describe("transfer restrictions inside DvP, named by the tranche's ERC-1404 code and message", () => {
    const cases: [string, number, (d: DvPDeal, classA: ITrancheToken) => Promise<unknown>][] = [
      ["paused", 1, async (d, a) => (await a.connect(d.trustee).pause()).wait()],
      [
        "seller frozen",
        30,
        async (d, a) => (await a.connect(d.trustee).freeze(d.investor1.address, ethers.id("order"))).wait(),
      ],
      [
        "buyer frozen",
        31,
        async (d, a) => (await a.connect(d.trustee).freeze(d.investor3.address, ethers.id("order"))).wait(),
      ],
      ["buyer suspended (not active)", 22, async (d) => d.suspend(d.investor3.address)],
      [
        "buyer's class not admitted",
        24,
        async (d) =>
          d.govern(
            action(ActionKind.SetEligibility, {
              account: d.investor3.address,
              eligibility: { investorClass: 2, jurisdiction: 156, validUntil: 4_102_444_800n },
            }),
          ),
      ],
    ];
    for (const [name, code, restrict] of cases) {
      it(`${name}: TradeRestricted(${code}) and nothing moves`, async () => {
        const deal = await loadFixture(deployDvPDeal);
        const { dvp } = deal;
        const { classA, sell, buy, sellSig, buySig, seller, buyer } = await tradeSetup(deal);
        await restrict(deal, classA);
        const before = await balances(deal, classA, [seller, buyer]);
        const message = await classA.messageForTransferRestriction(code);
        expect(await classA.detectTransferRestriction(seller.address, buyer.address, 100n)).to.equal(code);
        await expect(dvp.settle(sell, sellSig, buy, buySig, 100n))
          .to.be.revertedWithCustomError(dvp, "TradeRestricted")
          .withArgs(sell.tranche, code, message);
        expect(await balances(deal, classA, [seller, buyer])).to.deep.equal(before);
      });
    }
  });
});
