/**
 * The contracts added with the waterfall, the offering, DvP and reconciliation, indexed from a real chain and
 * asserted through GraphQL: the sample deal issued through its offering, period 1 run through its waterfall and
 * claimed, a DvP trade and a cancelled order, a reconciliation with breaks (an Alert).
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes, type Signer } from "ethers";
import pino from "pino";
import { DVP_ORDER_TYPES } from "@abs/core";
import { createApp, listen, type RunningServer } from "../src/app";
import {
  AssetPoolFactory__factory,
  AssetPool__factory,
  CashToken__factory,
  PledgeRegistry__factory,
  DvPSettlement__factory,
  ReconciliationLog__factory,
  TrancheToken__factory,
  Waterfall__factory,
} from "../../../typechain-types";
import {
  dealActions,
  model,
  openIndexer,
  sessionOf,
  startTestChain,
  testAuth,
  type TestChain,
  type TestIndexer,
} from "./chain";

const ZERO = "0x0000000000000000000000000000000000000000";

describe("deal lifecycle (offering, waterfall, claims, DvP, reconciliation) through GraphQL", function () {
  let chain: TestChain;
  let ix: TestIndexer;
  let server: RunningServer;
  let pool = "";
  let secondPool = "";
  const fingerprint = keccak256(toUtf8Bytes("a loan's consortium fingerprint"));
  let senior = "";
  let waterfall = "";
  let investor1 = "";
  let investor2 = "";
  let cashToken = "";
  let claimedCents = 0n;
  let distributedToSenior = 0n;
  let outstandingAfterPeriod2 = 0n;
  let reserveAtClose = 0n;
  let guaranteeAtClose = 0n;
  let auth: Record<string, string> = {};

  async function data(query: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({ query }),
    });
    const answer = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    expect(answer.errors, JSON.stringify(answer.errors)).to.equal(undefined);
    return answer.data ?? {};
  }

  before(async () => {
    chain = await startTestChain({ withSampleDeal: true });
    const actions = dealActions(chain);
    const { signerOf } = actions;
    const nonce = async (s: Signer) =>
      Number(await chain.rpc<string>("eth_getTransactionCount", [await s.getAddress(), "pending"]));
    pool = actions.deal.pool.toLowerCase();
    senior = (actions.deal.tranches[0]?.address ?? "").toLowerCase();
    cashToken = chain.deployment.cashToken.toLowerCase();
    investor1 = (await signerOf("investor-1").getAddress()).toLowerCase();
    investor2 = (await signerOf("investor-2").getAddress()).toLowerCase();
    const custodian = signerOf("custodian");
    const servicer = signerOf("servicer");
    const trustee = signerOf("trustee");
    const cash = CashToken__factory.connect(cashToken, custodian);

    // Each period: the servicer reports, the collections reach the waterfall, the trustee runs it.
    waterfall = (await AssetPool__factory.connect(pool, chain.provider).waterfall()).toLowerCase();
    const runPeriod = async (period: number, stress: number): Promise<void> => {
      await actions.report(period, stress);
      const report = await AssetPool__factory.connect(pool, chain.provider).report(period);
      const collections =
        report.interestCollectedCents + report.scheduledPrincipalCents + report.prepaymentCents + report.recoveryCents;
      const ref = keccak256(toUtf8Bytes(`collections:${period}`));
      await (await cash.mint(await servicer.getAddress(), collections, ref, { nonce: await nonce(custodian) })).wait();
      await (await cash.connect(servicer).transfer(waterfall, collections, { nonce: await nonce(servicer) })).wait();
      const wf = Waterfall__factory.connect(waterfall, trustee);
      await (await wf.runPeriod(period, 0n, [], { nonce: await nonce(trustee) })).wait();
    };
    await runPeriod(1, 1);
    const seniorToken = TrancheToken__factory.connect(senior, signerOf("investor-1"));
    // The token keeps no claimed total: what the claim pays is what was claimable just before it.
    claimedCents = await seniorToken.claimableCents(investor1);
    await (await seniorToken.claim({ nonce: await nonce(signerOf("investor-1")) })).wait();
    // Period 2 under stress: cumulative net loss above 5 % breaches the deal's loss trigger.
    await runPeriod(2, 15);
    distributedToSenior = await seniorToken.distributedCents();
    outstandingAfterPeriod2 = (
      await Waterfall__factory.connect(waterfall, chain.provider).waterfallState()
    ).tranches.reduce((sum, t) => sum + t.balanceCents, 0n);

    // A DvP trade: investor-1 sells 1,000.00 of senior face to investor-2 at 99 %, and cancels another order.
    const dvp = DvPSettlement__factory.connect(chain.deployment.dvp, signerOf("investor-2"));
    const domain = {
      name: "ABS DvP Settlement",
      version: "1",
      chainId: (await chain.provider.getNetwork()).chainId,
      verifyingContract: chain.deployment.dvp,
    };
    const order = (maker: string, isSell: boolean, n: bigint) => ({
      maker,
      isSell,
      tranche: senior,
      amountCents: 1_000_00n,
      priceBps: 9_900n,
      cashToken,
      counterparty: ZERO,
      expiry: 4_000_000_000n,
      nonce: n,
    });
    const sell = order(investor1, true, 1n);
    const buy = order(investor2, false, 1n);
    const seller = signerOf("investor-1");
    const buyer = signerOf("investor-2");
    await (
      await cash.mint(investor2, 2_000_00n, keccak256(toUtf8Bytes("dvp-cash")), { nonce: await nonce(custodian) })
    ).wait();
    await (await seniorToken.approve(chain.deployment.dvp, 1_000_00n, { nonce: await nonce(seller) })).wait();
    await (await cash.connect(buyer).approve(chain.deployment.dvp, 2_000_00n, { nonce: await nonce(buyer) })).wait();
    await (
      await dvp.settle(
        sell,
        await seller.signTypedData(domain, DVP_ORDER_TYPES, sell),
        buy,
        await buyer.signTypedData(domain, DVP_ORDER_TYPES, buy),
        1_000_00n,
        { nonce: await nonce(buyer) },
      )
    ).wait();
    await (await dvp.connect(seller).cancel(order(investor1, true, 2n), { nonce: await nonce(seller) })).wait();

    // The custodian reconciles a statement and finds two breaks.
    const recon = ReconciliationLog__factory.connect(chain.deployment.reconciliationLog, custodian);
    await (
      await recon.anchor(
        cashToken,
        keccak256(toUtf8Bytes("statement-2026-11")),
        1_764_000_000n,
        keccak256(toUtf8Bytes("digest")),
        40,
        2,
        { nonce: await nonce(custodian) },
      )
    ).wait();

    // A second originator pledges one of the sample pool's loans to its own pool, which only alerts.
    const regulator = signerOf("regulator");
    const originator2 = signerOf("originator-2");
    const factory = AssetPoolFactory__factory.connect(chain.deployment.poolFactory, trustee);
    const dealId = keccak256(toUtf8Bytes("PLEDGE-2")).slice(0, 66);
    await (
      await factory.createPool(
        {
          dealId,
          name: "Second originator's deal",
          originator: await originator2.getAddress(),
          servicer: await servicer.getAddress(),
          trustee: await trustee.getAddress(),
          cashToken,
        },
        { nonce: await nonce(trustee) },
      )
    ).wait();
    secondPool = (await factory.poolOf(dealId)).toLowerCase();
    const pledges = PledgeRegistry__factory.connect(chain.deployment.pledges, trustee);
    await (
      await pledges
        .connect(regulator)
        .publishFingerprintKey(`0x02${"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"}`, {
          nonce: await nonce(regulator),
        })
    ).wait();
    for (const p of [pool, secondPool]) await (await pledges.setPolicy(p, 1, { nonce: await nonce(trustee) })).wait();
    const originator = signerOf("originator");
    await (await pledges.connect(originator).register(pool, [fingerprint], { nonce: await nonce(originator) })).wait();
    await (
      await pledges.connect(originator2).register(secondPool, [fingerprint], { nonce: await nonce(originator2) })
    ).wait();
    // ... then anchors a tape of 3 loans there, having registered 1 (found pledged to the sample pool).
    const latest = await chain.provider.getBlock("latest");
    const cutoff = BigInt(Math.floor((latest?.timestamp ?? 0) / 86_400) * 86_400);
    await (
      await AssetPool__factory.connect(secondPool, originator2).anchorTape(
        {
          merkleRoot: keccak256(toUtf8Bytes("root")),
          loanCount: 3,
          totalPrincipalCents: 3_000_000n,
          waRateWad: 0n,
          waRemainingTermMonthsWad: 0n,
          cutoffDate: cutoff,
          contentHash: keccak256(toUtf8Bytes("content")),
          dataUri: "abs-node://ORIG-JINXIU-AUTO/tape",
        },
        {
          kind: 0,
          loansAdded: 0,
          loansRemoved: 0,
          principalAddedCents: 0n,
          principalRemovedCents: 0n,
          changeSetRoot: "0x" + "00".repeat(32),
        },
        { nonce: await nonce(originator2) },
      )
    ).wait();

    // The deal ends: the pool (Accelerated since period 2's loss trigger breached) is redeemed, and the trustee
    // closes the waterfall out (releasing the reserve and the guarantee cash); the collections left over are what a
    // last deposit brought.
    const trusteePool = AssetPool__factory.connect(pool, trustee);
    await (await trusteePool.redeem({ nonce: await nonce(trustee) })).wait();
    const wf = Waterfall__factory.connect(waterfall, trustee);
    reserveAtClose = (await wf.waterfallState()).reserveCents;
    guaranteeAtClose = await wf.guaranteeCashCents();
    await (await wf.closeOut({ nonce: await nonce(trustee) })).wait();

    ix = await openIndexer(chain, "lifecycle");
    await ix.indexer.syncOnce();
    const authDeps = await testAuth(chain);
    server = await listen(
      createApp({
        store: ix.store,
        model,
        logger: pino({ level: "silent" }),
        hasIndexingErrors: () => false,
        auth: authDeps,
      }),
      "127.0.0.1",
      0,
    );
    auth = { authorization: `Bearer ${await sessionOf(chain, authDeps, server.url, "regulator")}` };
  });
  after(async () => {
    await server?.close();
    await ix?.close();
    await chain?.stop();
  });

  it("follows the offering from OfferingCreated: the deal issued through it, with its subscriptions", async () => {
    const d = await data(`{ offerings { id status pool { id } tranches raisedCents
      subscriptions(first: 100) { investor { id } tranche trancheIndex orderCents paidCents allocatedCents cancelled } } }`);
    const offerings = d["offerings"] as {
      status: string;
      pool: { id: string };
      tranches: string[];
      raisedCents: string;
      subscriptions: { investor: { id: string }; tranche: string; orderCents: string; allocatedCents: string }[];
    }[];
    expect(offerings).to.have.length(1);
    const o = offerings[0];
    expect(o?.status).to.equal("Closed");
    expect(o?.pool.id).to.equal(pool);
    expect(o?.tranches[0]).to.equal(senior);
    const subs = o?.subscriptions ?? [];
    expect(subs.length).to.be.greaterThan(0);
    const allocated = subs.reduce((s, x) => s + BigInt(x.allocatedCents), 0n);
    expect(allocated.toString()).to.equal(o?.raisedCents);
    expect(subs.some((s) => s.investor.id === investor1 && s.tranche === senior)).to.equal(true);
    // A scalar list filter: the offering holds the senior tranche, not the pool's address.
    const held = await data(
      `{ offerings(where: { tranches_contains: ["${senior.toUpperCase().replace("0X", "0x")}"] }) { id } }`,
    );
    expect(held["offerings"]).to.have.length(1);
    const none = await data(`{ offerings(where: { tranches_contains: ["${pool}"] }) { id } }`);
    expect(none["offerings"]).to.have.length(0);
  });

  it("follows the waterfall from WaterfallCreated: two periods, tranche cash, the claim, the IC ratio and a trigger breach", async () => {
    const d = await data(`{
      pool(id: "${pool}") { waterfall lastDistributedPeriod eventOfDefaultPeriod eventOfDefaultTrigger
        stateChanges(orderBy: blockNumber) { to actor { id } } }
      auditEvents(where: { name: "EventOfDefaultTriggered" }) { actor contract }
      periodMetrics_collection(where: { pool: "${pool}" }) { period endingBalanceCents interestCoverageBps overcollateralizationBps }
      waterfall(id: "${waterfall}") { pool { id } lastPeriod triggerCount configHash
        distributions(orderBy: period) { period interestPaidCents principalPaidCents feesPaidCents trustee { id } } }
      trancheDistributions(where: { tranche: "${senior}" }, orderBy: period) { period cashCents distributedCents }
      claims { tranche { id } holder { id } amountCents totalClaimedCents }
      position(id: "${senior}${investor1.slice(2)}") { claimedCents }
      triggers(orderBy: index) { index kind effect breached lastPeriod periods(orderBy: period) { period breached valueWad } }
      triggerEvents { period trigger kind breached }
      cashMovements(where: { to: "${investor1}", kind: Transfer }) { from amountCents }
    }`);
    const p = d["pool"] as {
      waterfall: string;
      lastDistributedPeriod: number;
      eventOfDefaultPeriod: number;
      eventOfDefaultTrigger: number;
      stateChanges: { to: string; actor: { id: string } | null }[];
    };
    expect(p.waterfall).to.equal(waterfall);
    expect(p.lastDistributedPeriod).to.equal(2);
    // The loss trigger is the event of default: period 2's distribution moved the pool to Accelerated.
    expect([p.eventOfDefaultPeriod, p.eventOfDefaultTrigger]).to.deep.equal([2, 1]);
    expect(p.stateChanges.map((c) => c.to)).to.include("Accelerated");
    expect(d["auditEvents"]).to.deep.equal([{ actor: waterfall, contract: pool }]);
    const metrics = d["periodMetrics_collection"] as {
      period: number;
      endingBalanceCents: string;
      interestCoverageBps: number;
      overcollateralizationBps: number;
    }[];
    expect(metrics.find((m) => m.period === 1)?.interestCoverageBps).to.be.greaterThan(10_000);
    // OC is what its description says: pool balance over the tranches' balance outstanding after the period.
    const second = metrics.find((m) => m.period === 2);
    expect(second?.overcollateralizationBps).to.equal(
      Number((BigInt(second?.endingBalanceCents ?? "0") * 10_000n) / outstandingAfterPeriod2),
    );
    const w = d["waterfall"] as {
      pool: { id: string };
      lastPeriod: number;
      triggerCount: number;
      distributions: { period: number; interestPaidCents: string; principalPaidCents: string }[];
    };
    expect(w.pool.id).to.equal(pool);
    expect(w.lastPeriod).to.equal(2);
    expect(w.distributions).to.have.length(2);
    expect(Number(w.distributions[0]?.interestPaidCents)).to.be.greaterThan(0);
    const td = d["trancheDistributions"] as { period: number; distributedCents: string }[];
    expect(td).to.have.length(2);
    expect(td[1]?.distributedCents).to.equal(distributedToSenior.toString());
    const claims = d["claims"] as { tranche: { id: string }; holder: { id: string }; totalClaimedCents: string }[];
    expect(claims).to.have.length(1);
    expect(claims[0]?.holder.id).to.equal(investor1);
    expect(claims[0]?.totalClaimedCents).to.equal(claimedCents.toString());
    expect((d["position"] as { claimedCents: string }).claimedCents).to.equal(claimedCents.toString());
    const triggers = d["triggers"] as {
      kind: string;
      breached: boolean;
      lastPeriod: number;
      periods: { period: number; breached: boolean }[];
    }[];
    expect(triggers.length).to.equal(w.triggerCount);
    expect(triggers.map((t) => [t.kind, t.breached, t.lastPeriod])).to.deep.equal([
      ["overcollateralization", false, 2],
      ["cumulativeNetLoss", true, 2],
      // The sample's delinquency trigger (60+ days above 4%): this test's stressed period 2 breaches it too.
      ["delinquency60Plus", true, 2],
    ]);
    expect(triggers[1]?.periods.map((x) => [x.period, x.breached])).to.deep.equal([
      [1, false],
      [2, true],
    ]);
    const events = d["triggerEvents"] as { period: number; trigger: number; breached: boolean }[];
    expect(events).to.deep.equal([
      { period: 2, trigger: 1, kind: 2, breached: true },
      { period: 2, trigger: 2, kind: 3, breached: true },
    ]);
    const moves = d["cashMovements"] as { from: string; amountCents: string }[];
    expect(moves.some((m) => m.from === senior && m.amountCents === claimedCents.toString())).to.equal(true);
  });

  it("indexes the close-out: the waterfall closed after period 2, its reserve and guarantee cash released", async () => {
    const d = await data(`{
      waterfall(id: "${waterfall}") { closedOut closedOutAfterPeriod reserveCents guaranteeCashCents }
      auditEvents(where: { name: "DealClosedOut" }) { contract contractKind args pool { id } }
    }`);
    expect(d["waterfall"]).to.deep.equal({
      closedOut: true,
      closedOutAfterPeriod: 2,
      reserveCents: "0",
      guaranteeCashCents: "0",
    });
    const events = d["auditEvents"] as { contract: string; contractKind: string; args: string; pool: { id: string } }[];
    expect(events).to.have.length(1);
    expect(events[0]?.contract).to.equal(waterfall);
    expect(events[0]?.contractKind).to.equal("Waterfall");
    expect(events[0]?.pool.id).to.equal(pool);
    const args = JSON.parse(events[0]?.args ?? "{}") as Record<string, string>;
    expect(args["lastPeriod"]).to.equal("2");
    expect(args["reserveReleasedCents"]).to.equal(reserveAtClose.toString());
    expect(args["guaranteeReleasedCents"]).to.equal(guaranteeAtClose.toString());
  });

  it("indexes the DvP trade (positions move) and the cancelled order", async () => {
    const d = await data(`{
      trades { tranche { id } seller { id } buyer { id } amountCents cashCents priceBps }
      orderCancellations { maker { id } filledCents }
      position(id: "${senior}${investor2.slice(2)}") { balance }
    }`);
    const trades = d["trades"] as {
      tranche: { id: string };
      seller: { id: string };
      amountCents: string;
      cashCents: string;
    }[];
    expect(trades).to.have.length(1);
    expect(trades[0]?.tranche.id).to.equal(senior);
    expect(trades[0]?.seller.id).to.equal(investor1);
    expect(trades[0]?.cashCents).to.equal("99000");
    expect(d["orderCancellations"]).to.deep.equal([{ maker: { id: investor1 }, filledCents: "0" }]);
    const balance = await TrancheToken__factory.connect(senior, chain.provider).balanceOf(investor2);
    expect((d["position"] as { balance: string }).balance).to.equal(balance.toString());
  });

  it("indexes a loan pledged to a second pool as a DoublePledge and a critical Alert on that pool", async () => {
    const d = await data(`{
      doublePledges { fingerprint firstPool { id } secondPool { id } by { id } }
      alerts(where: { rule: "doublePledge" }) { pool { id } severity value }
    }`);
    expect(d["doublePledges"]).to.deep.equal([
      {
        fingerprint,
        firstPool: { id: pool },
        secondPool: { id: secondPool },
        by: { id: (await dealActions(chain).signerOf("originator-2").getAddress()).toLowerCase() },
      },
    ]);
    expect(d["alerts"]).to.deep.equal([{ pool: { id: secondPool }, severity: "critical", value: 1 }]);
  });

  it("checks a pledging pool's tape against its registrations: 2 of the 3 loans unaccounted for", async () => {
    const d = await data(`{
      poolPledges(id: "${secondPool}") { policy registered doublePledged }
      alerts(where: { rule: "pledgesMissing" }) { pool { id } severity value }
    }`);
    expect(d["poolPledges"]).to.deep.equal({ policy: "Alert", registered: "0", doublePledged: "1" });
    expect(d["alerts"]).to.deep.equal([{ pool: { id: secondPool }, severity: "critical", value: 2 }]);
  });

  it("indexes the reconciliation and raises an Alert for its breaks", async () => {
    const d = await data(`{
      reconciliations { cashToken matchedCount breakCount revision }
      reconciliationAlerts { breakCount }
      alerts(where: { rule: "reconciliationBreaks" }) { pool { id } cashToken value }
    }`);
    expect(d["reconciliations"]).to.deep.equal([{ cashToken, matchedCount: 40, breakCount: 2, revision: 1 }]);
    expect(d["reconciliationAlerts"]).to.deep.equal([{ breakCount: 2 }]);
    expect(d["alerts"]).to.deep.equal([{ pool: null, cashToken, value: 2 }]);
  });
});
