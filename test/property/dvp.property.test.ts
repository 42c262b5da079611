import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { deployDvPDeal, type Order, signOrder } from "../helpers/dvp";
import { DAY, fundCash } from "../helpers/pool";

/**
 * Random sequences of signed order pairs between the three investors in every tranche, at random prices
 * and fills (some beyond a party's balance or an order's remainder, some not crossing), submitted by the
 * exchange: invariant DVP-1 in test/INVARIANTS.md.
 */
type Trade = { seller: number; buyer: number; tranche: number; units: number; sellBps: number; buyBps: number };

const tradeArb: fc.Arbitrary<Trade> = fc.record({
  seller: fc.integer({ min: 0, max: 2 }),
  buyer: fc.integer({ min: 0, max: 2 }),
  tranche: fc.integer({ min: 0, max: 2 }),
  units: fc.integer({ min: 1, max: 60_000_000_00 }),
  sellBps: fc.integer({ min: 9_000, max: 10_500 }),
  buyBps: fc.integer({ min: 9_000, max: 10_500 }),
});

describe("DvPSettlement (property)", function () {
  this.timeout(300_000);

  it("DVP-1: a trade moves exactly its units one way and its cash the other, or nothing; totals never change", async () => {
    let nonce = 0n;
    await fc.assert(
      fc.asyncProperty(fc.array(tradeArb, { minLength: 1, maxLength: 10 }), async (trades) => {
        const deal = await loadFixture(deployDvPDeal);
        const { dvp, cashToken, exchange } = deal;
        const investors = [deal.investor1, deal.investor2, deal.investor3];
        const dvpAddress = await dvp.getAddress();
        for (const inv of investors) {
          await fundCash(deal, inv.address, 30_000_000_00n);
          await (await cashToken.connect(inv).approve(dvpAddress, ethers.MaxUint256)).wait();
          for (const t of deal.tranches) await (await t.connect(inv).approve(dvpAddress, ethers.MaxUint256)).wait();
        }
        const snapshot = async () => {
          const rows: bigint[] = [];
          for (const inv of investors) {
            for (const t of deal.tranches) rows.push(await t.balanceOf(inv.address));
            rows.push(await cashToken.balanceOf(inv.address));
          }
          return rows;
        };
        const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
        const initial = await snapshot();

        for (const trade of trades) {
          const seller = investors[trade.seller];
          const buyer = investors[trade.buyer];
          const tranche = deal.tranches[trade.tranche];
          if (!seller || !buyer || !tranche) throw new Error("bad draw");
          const expiry = BigInt(await time.latest()) + DAY;
          const base = {
            tranche: await tranche.getAddress(),
            amountCents: BigInt(trade.units),
            cashToken: await cashToken.getAddress(),
            counterparty: ethers.ZeroAddress,
            expiry,
          };
          nonce += 1n;
          const sell: Order = { ...base, maker: seller.address, isSell: true, priceBps: BigInt(trade.sellBps), nonce };
          const buy: Order = { ...base, maker: buyer.address, isSell: false, priceBps: BigInt(trade.buyBps), nonce };
          const before = await snapshot();
          const fill = BigInt(trade.units);
          const cash = (fill * BigInt(trade.sellBps) + 9_999n) / 10_000n;
          const ok =
            trade.seller !== trade.buyer &&
            trade.sellBps <= trade.buyBps &&
            (await tranche.balanceOf(seller.address)) >= fill &&
            (await cashToken.balanceOf(buyer.address)) >= cash;
          const sent = dvp
            .connect(exchange)
            .settle(sell, await signOrder(dvp, seller, sell), buy, await signOrder(dvp, buyer, buy), fill);
          if (ok) {
            await (await sent).wait();
            const now = await snapshot();
            const unitsAt = (who: number) => who * 4 + trade.tranche;
            const cashAt = (who: number) => who * 4 + 3;
            const expected = [...before];
            expected[unitsAt(trade.seller)] = (expected[unitsAt(trade.seller)] ?? 0n) - fill;
            expected[unitsAt(trade.buyer)] = (expected[unitsAt(trade.buyer)] ?? 0n) + fill;
            expected[cashAt(trade.seller)] = (expected[cashAt(trade.seller)] ?? 0n) + cash;
            expected[cashAt(trade.buyer)] = (expected[cashAt(trade.buyer)] ?? 0n) - cash;
            expect(now).to.deep.equal(expected);
          } else {
            await expect(sent).to.be.reverted;
            expect(await snapshot()).to.deep.equal(before);
          }
        }
        // Totals per tranche and of cash never change.
        const final = await snapshot();
        for (let col = 0; col < 4; ++col) {
          const column = (rows: bigint[]) => [0, 1, 2].map((i) => rows[i * 4 + col] ?? 0n);
          expect(sum(column(final))).to.equal(sum(column(initial)));
        }
      }),
      { numRuns: 25 },
    );
  });
});
