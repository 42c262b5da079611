import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { action } from "../helpers/consortium";
import { ActionKind, roleSet } from "../helpers/roles";
import {
  closeParams,
  createOffering,
  type Deal,
  dealIn,
  fundCash,
  PAR_BPS,
  PoolState,
  sampleWindows,
  TRANCHE_TERMS,
} from "../helpers/pool";

/**
 * Random sequences of subscriptions (valid and not), cancellations, a warehouse advance and the clock,
 * ending in a closing (pro-rata or a trustee table) or a cancellation, against the real Offering, pool,
 * tranche and cash tokens, checked after every step against a TypeScript model. Invariants OFF-1 .. OFF-5
 * in test/INVARIANTS.md.
 */

const FACES = TRANCHE_TERMS.map((t) => BigInt(t.originalFaceCents));

/** `ceil(face * price / 10,000)`, as `IOffering.costOf`. */
function cost(priceBps: bigint, face: bigint): bigint {
  return (face * priceBps + PAR_BPS - 1n) / PAR_BPS;
}

/**
 * The offering's default allocation rule: full, or pro-rata by cumulative rounding (`IOffering`): the share of the
 * orders up to and including each one, rounded down, less that of the orders before it.
 */
function allocate(orders: bigint[], size: bigint): { alloc: bigint[]; retained: bigint } {
  const demand = orders.reduce((a, b) => a + b, 0n);
  if (demand <= size) return { alloc: [...orders], retained: size - demand };
  let before = 0n;
  const alloc = orders.map((o) => {
    const share = ((before + o) * size) / demand - (before * size) / demand;
    before += o;
    return share;
  });
  return { alloc, retained: 0n };
}

type Step =
  | { kind: "subscribe"; who: number; tranche: number; percent: number; oddCents: number }
  | { kind: "cancel"; who: number; tranche: number }
  | { kind: "warehouse" }
  | { kind: "wait"; seconds: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("subscribe" as const),
      // 0-2: investors 1-3; 3: the outsider (never eligible).
      who: fc.integer({ min: 0, max: 3 }),
      tranche: fc.integer({ min: 0, max: 2 }),
      percent: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 30, max: 100 })),
      oddCents: fc.integer({ min: 0, max: 99 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("cancel" as const),
      who: fc.integer({ min: 0, max: 2 }),
      tranche: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "warehouse" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 3_600 }) }),
  },
);

/** The deal in Offering, its originator made an eligible holder (to retain unsold face). */
async function dealForProperty(): Promise<Deal> {
  const deal = await dealIn.Offering();
  const originator = deal.originator.address;
  await deal.govern(action(ActionKind.SetRoles, { account: originator, roles: roleSet("ORIGINATOR", "INVESTOR") }));
  await deal.govern(action(ActionKind.SetEligibility, { account: originator, eligibility: deal.investorEligibility }));
  return deal;
}

describe("Offering (property)", function () {
  this.timeout(600_000);

  it("conserves cash to the cent, keeps it bank money, and mints no tranche unit that was not paid for", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 9_000, max: 11_000 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 3, maxLength: 3 }),
        fc.array(stepArb, { minLength: 4, maxLength: 18 }),
        fc.constantFrom("close", "table", "cancelOffering"),
        async (prices, minSizePercents, steps, ending) => {
          const deal = await loadFixture(dealForProperty);
          const { cashToken, trustee, originator } = deal;
          const now = BigInt(await time.latest());
          const windows = sampleWindows(now).map((w, i) => ({
            ...w,
            priceBps: BigInt(prices[i] ?? 10_000),
            minSizeCents: ((FACES[i] ?? 0n) * BigInt(minSizePercents[i] ?? 100)) / 100n || 1n,
          }));
          const lender = deal.investor3;
          const warehouse = { investor: lender.address, advanceCents: 1_000_000_00n, repaymentCents: 1_050_000_00n };
          const offering = await createOffering(deal, windows, warehouse);
          const offeringAddress = await offering.getAddress();
          const investors: HardhatEthersSigner[] = [deal.investor1, deal.investor2, deal.investor3, deal.outsider];
          const everyone = [...(await ethers.getSigners()).map((s) => s.address), offeringAddress];
          const price = (j: number) => BigInt(prices[j] ?? 10_000);

          // The model: orders by tranche, in first-subscription order.
          const orders: Map<string, bigint>[] = [new Map(), new Map(), new Map()];
          let warehouseFunded = false;
          let minted = 0n;

          const totalCash = async () => {
            let sum = 0n;
            for (const a of [...everyone, await cashToken.getAddress()]) sum += await cashToken.balanceOf(a);
            return sum;
          };
          const checkCash = async () => {
            // OFF-1: cash is bank money, all of it somewhere; OFF-2: the offering holds exactly the open orders.
            const supply = await cashToken.totalSupply();
            expect(supply).to.equal(minted);
            expect(await cashToken.recordedBankBalanceCents()).to.equal(supply);
            expect(await totalCash()).to.equal(supply);
            let held = 0n;
            orders.forEach((m, j) => m.forEach((o) => (held += cost(price(j), o))));
            expect(await cashToken.balanceOf(offeringAddress)).to.equal(held);
            for (const token of deal.tranches) expect(await token.totalSupply()).to.equal(0n);
          };
          const credit = async (account: string, amount: bigint) => {
            if (amount === 0n) return;
            await fundCash(deal, account, amount);
            minted += amount;
          };

          for (const step of steps) {
            switch (step.kind) {
              case "subscribe": {
                const investor = investors[step.who];
                if (!investor) throw new Error("no investor");
                const j = step.tranche;
                const face = FACES[j] ?? 0n;
                const amount = (face * BigInt(step.percent)) / 100n + BigInt(step.oddCents);
                const previous = orders[j]?.get(investor.address) ?? 0n;
                const order = previous + amount;
                const due = cost(price(j), order) - cost(price(j), previous);
                // The outsider cannot even be credited cash (CT-5): it subscribes with nothing.
                if (step.who !== 3) {
                  await credit(investor.address, due);
                  await (await cashToken.connect(investor).approve(offeringAddress, due)).wait();
                }
                const ok = step.who !== 3 && amount > 0n && order >= 1_000_00n && order <= face;
                const sent = offering.connect(investor).subscribe(j, amount);
                if (ok) {
                  await (await sent).wait();
                  orders[j]?.set(investor.address, order);
                } else {
                  await expect(sent).to.be.reverted;
                }
                break;
              }
              case "cancel": {
                const investor = investors[step.who];
                if (!investor) throw new Error("no investor");
                const order = orders[step.tranche]?.get(investor.address) ?? 0n;
                const tranche = await offering.trancheAt(step.tranche);
                const demandAfter = (await offering.demandOf(step.tranche)) - order;
                const sent = offering.connect(investor).cancel(step.tranche);
                if (order > 0n) {
                  const refund = cost(price(step.tranche), order);
                  await expect(sent)
                    .to.emit(offering, "SubscriptionCancelled")
                    .withArgs(step.tranche, tranche, investor.address, order, refund, demandAfter);
                  orders[step.tranche]?.set(investor.address, 0n);
                } else {
                  await expect(sent).to.be.revertedWithCustomError(offering, "SubscriptionMissing");
                }
                break;
              }
              case "warehouse": {
                if (warehouseFunded) {
                  await expect(offering.connect(lender).fundWarehouse()).to.be.revertedWithCustomError(
                    offering,
                    "WarehouseNotFundable",
                  );
                } else {
                  await credit(lender.address, warehouse.advanceCents);
                  await (await cashToken.connect(lender).approve(offeringAddress, warehouse.advanceCents)).wait();
                  await (await offering.connect(lender).fundWarehouse()).wait();
                  warehouseFunded = true;
                }
                break;
              }
              case "wait":
                await time.increase(step.seconds);
                break;
            }
            await checkCash();
          }

          // ---------------------------------------------------------------- the ending
          await time.increaseTo((await offering.window(0)).closesAt);
          const cashBefore = new Map<string, bigint>();
          for (const a of everyone) cashBefore.set(a, await cashToken.balanceOf(a));
          const subscribers = await Promise.all([0, 1, 2].map((j) => offering.subscribersOf(j)));
          const ordersOf = (j: number) => (subscribers[j] ?? []).map((a) => orders[j]?.get(a) ?? 0n);
          const demand = (j: number) => ordersOf(j).reduce((a, b) => a + b, 0n);
          const failsMin = [0, 1, 2].some((j) => demand(j) < (windows[j]?.minSizeCents ?? 0n));

          // The table (when asked for and a tranche is oversubscribed): fill the latest orders first.
          const tables = [0, 1, 2].map((j) => {
            const face = FACES[j] ?? 0n;
            if (ending !== "table" || demand(j) <= face) return [];
            let left = face;
            const table = ordersOf(j).map(() => 0n);
            for (let i = table.length - 1; i >= 0; --i) {
              const o = ordersOf(j)[i] ?? 0n;
              table[i] = o < left ? o : left;
              left -= table[i] ?? 0n;
            }
            return table;
          });

          const expectedAlloc = [0, 1, 2].map((j) => {
            const table = tables[j] ?? [];
            if (table.length > 0) return { alloc: table, retained: 0n };
            return allocate(ordersOf(j), FACES[j] ?? 0n);
          });
          let proceeds = 0n;
          expectedAlloc.forEach(({ alloc }, j) => alloc.forEach((a) => (proceeds += cost(price(j), a))));
          const repayment = warehouseFunded ? warehouse.repaymentCents : 0n;

          if (ending === "cancelOffering" || failsMin) {
            const sent =
              ending === "cancelOffering"
                ? offering.connect(trustee).cancelOffering()
                : offering.connect(trustee).close(closeParams({ tables }));
            await (await sent).wait();
            // OFF-5: a failed offering returns every subscriber exactly what it paid, and mints nothing.
            for (const a of everyone) {
              let refund = 0n;
              orders.forEach((m, j) => (refund += cost(price(j), m.get(a) ?? 0n)));
              const expected = a === offeringAddress ? 0n : (cashBefore.get(a) ?? 0n) + refund;
              expect(await cashToken.balanceOf(a), a).to.equal(expected);
            }
            for (const token of deal.tranches) expect(await token.totalSupply()).to.equal(0n);
            expect(await deal.pool.state()).to.equal(PoolState.Offering);
          } else if (proceeds < repayment) {
            await expect(offering.connect(trustee).close(closeParams({ tables }))).to.be.revertedWithCustomError(
              offering,
              "ProceedsBelowWarehouse",
            );
            for (const token of deal.tranches) expect(await token.totalSupply()).to.equal(0n);
          } else {
            await (await offering.connect(trustee).close(closeParams({ tables }))).wait();
            expect(await deal.pool.state()).to.equal(PoolState.Active);
            // OFF-3: every unit is held by a subscriber who paid its price, or retained by the originator who
            // sold the loans; each tranche's supply is its face.
            for (const [j, token] of deal.tranches.entries()) {
              const { alloc, retained } = expectedAlloc[j] ?? { alloc: [], retained: 0n };
              expect(await token.totalSupply()).to.equal(FACES[j]);
              const held = new Map<string, bigint>();
              (subscribers[j] ?? []).forEach((a, i) => held.set(a, (held.get(a) ?? 0n) + (alloc[i] ?? 0n)));
              held.set(originator.address, (held.get(originator.address) ?? 0n) + retained);
              for (const [a, units] of held) expect(await token.balanceOf(a), `tranche ${j} ${a}`).to.equal(units);
            }
            // OFF-4: the closing moves cash only from the offering: to the lender, the originator and the
            // refunds, to the cent.
            const paidBy = (a: string) => {
              let paid = 0n;
              let charged = 0n;
              orders.forEach((m, j) => {
                const i = (subscribers[j] ?? []).indexOf(a);
                paid += cost(price(j), m.get(a) ?? 0n);
                if (i >= 0) charged += cost(price(j), expectedAlloc[j]?.alloc[i] ?? 0n);
              });
              return paid - charged;
            };
            for (const a of everyone) {
              let expected = (cashBefore.get(a) ?? 0n) + (a === offeringAddress ? 0n : paidBy(a));
              if (a === offeringAddress) expected = 0n;
              if (a === originator.address) expected += proceeds - repayment;
              if (a === lender.address) expected += repayment;
              expect(await cashToken.balanceOf(a), a).to.equal(expected);
            }
          }
          // OFF-1 after the ending: still all bank money, nothing created or lost.
          expect(await cashToken.totalSupply()).to.equal(minted);
          expect(await totalCash()).to.equal(minted);
        },
      ),
      { numRuns: 50 },
    );
  });
});
