/**
 * `npm run bench:issuance`: figures of cash-settled issuance and DvP trading, printed.
 *
 * Starts its own `hardhat node` on a random free port (never 8545), deploys the consortium with
 * `deploy/`, then measures on that chain:
 * - gas of `Offering.subscribe` (a first order, an order added to) and of `Offering.close` for one
 *   oversubscribed tranche with 10 and with 1,000 investors (pro-rata, each refunded): the calls it takes
 *   (`CLOSE_BATCH` subscribers each), the most gas of one call, the total, and the marginal gas per investor;
 * - gas of a DvP trade;
 * - DvP trades per second sustained by one plain JSON-RPC sender (the exchange's key), each trade sent
 *   and its receipt awaited, and the time from submission to finality (the receipt: Hardhat automines
 *   one block per transaction, final at once, as on QBFT);
 * - the same through the exchange member's node: HTTP `POST /v1/dvp/trades` → local signature and
 *   expiry checks → chain bridge (journal, own nonces, receipt polled every 10 ms) → chain, answered
 *   once final; with one trade in flight and with BENCH_NODE_CONCURRENCY (default 8) in flight.
 *
 * BENCH_TRADES sets the number of trades (default 200); BENCH_INVESTORS the large closing (default 1000).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import {
  type ContractTransactionResponse,
  encodeBytes32String,
  id as keccakText,
  JsonRpcProvider,
  NonceManager,
  type Signer,
  Wallet,
} from "ethers";
import { ActionKind, DVP_ORDER_TYPES, roleSet } from "@abs/core";
import { parseNodeConfig, startNode } from "@abs/node";
import {
  AssetPool__factory,
  AssetPoolFactory__factory,
  CashToken__factory,
  ConsortiumRegistry__factory,
  DvPSettlement__factory,
  Offering__factory,
  OfferingFactory__factory,
  TrancheToken__factory,
} from "../typechain-types";
import { blankAction } from "../deploy/consortium";
import { deployLocalConsortium } from "../deploy/local-consortium";
import { rpc, startChain } from "./lib/chain-process";

const DAY = 86_400n;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function gasOf(sent: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await sent).wait();
  if (!receipt || receipt.status !== 1) throw new Error("transaction failed");
  return receipt.gasUsed;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const trades = Number(process.env.BENCH_TRADES ?? 200);
  const bigN = Number(process.env.BENCH_INVESTORS ?? 1000);
  const port = await freePort();
  const chain = await startChain({ host: "127.0.0.1", port, cwd: path.resolve(__dirname, "..") });
  try {
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
    const {
      config,
      signerOf,
      deployment: d,
    } = await deployLocalConsortium(provider, {
      bookFile: `/tmp/abs-bench-issuance-${process.pid}.json`,
      withSampleDeal: true,
    });
    const trustee = signerOf("trustee");
    const originator = signerOf("originator");
    const custodian = signerOf("custodian");
    const exchange = signerOf("exchange");
    const voters = config.members.filter((m) => m.voting).map((m) => signerOf(m.name));
    const registry = ConsortiumRegistry__factory.connect(d.registry, provider);
    const cash = CashToken__factory.connect(d.cashToken, custodian);
    let refs = 0;
    const bankRef = () => keccakText(`bench-issuance:${process.pid}:${++refs}`);
    const now = async () => BigInt((await provider.getBlock("latest"))?.timestamp ?? 0);

    // ------------------------------------------------------------ investors: admitted by governance
    const k = Number(await registry.threshold());
    const admitted: Signer[] = [];
    const admit = async (count: number) => {
      while (admitted.length < count) {
        const wallet = Wallet.createRandom().connect(provider);
        await rpc(chain.rpcUrl, "hardhat_setBalance", [wallet.address, "0x56BC75E2D63100000"]);
        const act = blankAction({
          kind: ActionKind.AdmitMember,
          account: wallet.address,
          memberId: encodeBytes32String(`BENCH-INV-${admitted.length}`),
          legalEntityHash: keccakText(`bench investor ${admitted.length}`),
          roles: roleSet("INVESTOR"),
          eligibility: { investorClass: 0, jurisdiction: 156, validUntil: (await now()) + 365n * DAY },
        });
        const [first, ...rest] = voters;
        if (!first) throw new Error("no voters");
        await (await registry.connect(first).propose(act, DAY)).wait();
        const pid = await registry.proposalCount();
        for (const v of rest.slice(0, k - 1)) await (await registry.connect(v).approve(pid)).wait();
        admitted.push(new NonceManager(wallet));
      }
    };

    // ------------------------------------------------------------ one single-tranche deal per closing size
    const poolFactory = AssetPoolFactory__factory.connect(d.poolFactory, trustee);
    const offerings = OfferingFactory__factory.connect(d.offeringFactory, trustee);
    const measureClose = async (n: number) => {
      await admit(n);
      const dealId = encodeBytes32String(`BENCH-ISS-${n}`);
      await (
        await poolFactory.createPool({
          dealId,
          name: `Bench ${n}`,
          originator: await originator.getAddress(),
          servicer: await signerOf("servicer").getAddress(),
          trustee: await trustee.getAddress(),
          cashToken: d.cashToken,
        })
      ).wait();
      const pool = AssetPool__factory.connect(await poolFactory.poolOf(dealId), trustee);
      const face = BigInt(n) * 1_000_000_00n;
      await (
        await pool.addTranche({
          name: `Bench ${n} A`,
          symbol: `BN${n}A`,
          seniority: 1,
          couponType: 0,
          couponRateWad: 4n * 10n ** 16n,
          originalFaceCents: face,
          allowedInvestorClasses: 1,
        })
      ).wait();
      await (
        await pool.connect(originator).anchorTape(
          {
            merkleRoot: keccakText(`bench tape ${n}`),
            loanCount: 1_000,
            totalPrincipalCents: face,
            waRateWad: 7n * 10n ** 16n,
            waRemainingTermMonthsWad: 36n * 10n ** 18n,
            cutoffDate: BigInt(Date.parse("2026-11-01T00:00:00Z") / 1000),
            contentHash: keccakText(`bench tape file ${n}`),
            dataUri: `abs://bench/${n}`,
          },
          {
            kind: 0,
            loansAdded: 0,
            loansRemoved: 0,
            principalAddedCents: 0,
            principalRemovedCents: 0,
            changeSetRoot: "0x" + "00".repeat(32),
          },
        )
      ).wait();
      await (await pool.markStructured()).wait();
      await (await pool.openOffering()).wait();
      const opensAt = await now();
      const window = {
        priceBps: 9_975n,
        minSubscriptionCents: 1_000_00n,
        incrementCents: 1n,
        minSizeCents: face,
        allowedInvestorClasses: 1,
        opensAt,
        closesAt: opensAt + DAY,
      };
      const none = { investor: "0x" + "00".repeat(20), advanceCents: 0n, repaymentCents: 0n };
      await (await offerings.createOffering(await pool.getAddress(), [window], none)).wait();
      const offering = Offering__factory.connect(await offerings.offeringOf(await pool.getAddress()), trustee);
      const subscribeGas: bigint[] = [];
      // Each investor orders 1.5x its even share: oversubscribed, so the close pro-rates and refunds all.
      const order = (face * 3n) / 2n / BigInt(n) + 7n;
      for (const inv of admitted.slice(0, n)) {
        const costCents = await offering.costOf(0, order);
        await (await cash.mint(await inv.getAddress(), costCents, bankRef())).wait();
        await (await cash.connect(inv).approve(await offering.getAddress(), costCents)).wait();
        subscribeGas.push(await gasOf(offering.connect(inv).subscribe(0, order)));
      }
      const topUp = await gasOf(
        (async () => {
          const inv = admitted[0];
          if (!inv) throw new Error("no investor");
          const extra = await offering.costOf(0, 1_000n);
          await (await cash.mint(await inv.getAddress(), extra, bankRef())).wait();
          await (await cash.connect(inv).approve(await offering.getAddress(), extra)).wait();
          return offering.connect(inv).subscribe(0, 1_000n);
        })(),
      );
      await rpc(chain.rpcUrl, "evm_increaseTime", [Number(DAY)]);
      // The closing handles CLOSE_BATCH subscribers per call: the trustee repeats it until Closed.
      const callGas: bigint[] = [];
      do
        callGas.push(
          await gasOf(offering.close({ tapeVersion: 1, revolving: false, revolvingEndDate: 0n, tables: [[]] })),
        );
      while ((await offering.status()) === 3n);
      if ((await offering.status()) !== 1n) throw new Error(`the ${n}-investor offering did not close`);
      const closeGas = callGas.reduce((a, b) => a + b, 0n);
      const maxCall = callGas.reduce((a, b) => (b > a ? b : a), 0n);
      return {
        closeGas,
        calls: callGas.length,
        maxCall,
        firstSubscribe: subscribeGas[1] ?? 0n,
        topUp,
        tranche: (await pool.tranches())[0] ?? "",
      };
    };
    const small = await measureClose(10);
    const large = await measureClose(bigN);
    const perInvestor = (large.closeGas - small.closeGas) / BigInt(bigN - 10);

    // ------------------------------------------------------------ DvP: one tranche, two of the bench investors
    const dvp = DvPSettlement__factory.connect(d.dvp, exchange);
    const [seller, buyer] = admitted;
    if (!seller || !buyer) throw new Error("need two investors");
    const tranche = TrancheToken__factory.connect(large.tranche, provider);
    await (await tranche.connect(seller).approve(d.dvp, 2n ** 255n)).wait();
    await (await cash.mint(await buyer.getAddress(), 10_000_000_00n, bankRef())).wait();
    await (await cash.connect(buyer).approve(d.dvp, 2n ** 255n)).wait();
    const { chainId } = await provider.getNetwork();
    const domain = { name: "ABS DvP Settlement", version: "1", chainId, verifyingContract: d.dvp };
    const expiry = (await now()) + 30n * DAY;
    let orderNonce = 0n;
    const makePairs = async (count: number) => {
      const out = [];
      for (let i = 0; i < count; i++) {
        const base = {
          tranche: large.tranche,
          amountCents: 100_00n,
          cashToken: d.cashToken,
          counterparty: "0x" + "00".repeat(20),
          expiry,
          nonce: orderNonce++,
        };
        const sell = { ...base, maker: await seller.getAddress(), isSell: true, priceBps: 9_990n };
        const buy = { ...base, maker: await buyer.getAddress(), isSell: false, priceBps: 10_000n };
        out.push({
          sell,
          buy,
          sellSig: await seller.signTypedData(domain, DVP_ORDER_TYPES, sell),
          buySig: await buyer.signTypedData(domain, DVP_ORDER_TYPES, buy),
        });
      }
      return out;
    };
    const pairs = await makePairs(trades + 1);
    const [first, ...rest] = pairs;
    if (!first) throw new Error("no trades");
    const tradeGas = await gasOf(dvp.settle(first.sell, first.sellSig, first.buy, first.buySig, 100_00n));
    const latencies: number[] = [];
    const started = performance.now();
    for (const p of rest) {
      const t0 = performance.now();
      // A fixed gas limit (the measured trade costs ~190k) spares an eth_estimateGas round trip per trade.
      const receipt = await (
        await dvp.settle(p.sell, p.sellSig, p.buy, p.buySig, 100_00n, { gasLimit: 400_000n })
      ).wait();
      if (!receipt || receipt.status !== 1) throw new Error("trade failed");
      latencies.push(performance.now() - t0);
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);

    // ------------------------------------------------------------ DvP through the exchange member's node
    const concurrency = Number(process.env.BENCH_NODE_CONCURRENCY ?? 8);
    const nodeDir = mkdtempSync(path.join(tmpdir(), "abs-bench-node-"));
    const token = `bench-operator-${process.pid}-0123456789`;
    writeFileSync(path.join(nodeDir, "token"), token);
    const node = await startNode(
      parseNodeConfig({
        ABS_NODE_ROLE: "EXCHANGE",
        ABS_NODE_MEMBER_ID: "EXCH-SZ-ABS",
        ABS_NODE_LISTEN: "127.0.0.1:0",
        ABS_NODE_RPC_URL: chain.rpcUrl,
        ABS_NODE_REGISTRY: d.registry,
        ABS_NODE_DATA_DIR: path.join(nodeDir, "db"),
        ABS_NODE_HARDHAT_ACCOUNT: "10",
        ABS_NODE_DVP: d.dvp,
        ABS_NODE_OPERATOR_TOKEN_FILE: path.join(nodeDir, "token"),
        ABS_NODE_RECEIPT_POLL_MS: "10",
        ABS_NODE_LOG_LEVEL: "silent",
      }),
      { logger: pino({ level: "silent" }), env: {} },
    );
    type Pair = Awaited<ReturnType<typeof makePairs>>[number];
    const viaNode = async (batch: Pair[], inFlight: number) => {
      const lat: number[] = [];
      let next = 0;
      const worker = async () => {
        for (let p = batch[next++]; p !== undefined; p = batch[next++]) {
          const body = JSON.stringify(
            {
              tradeId: `bench-${p.sell.nonce}`,
              sell: p.sell,
              sellSignature: p.sellSig,
              buy: p.buy,
              buySignature: p.buySig,
              fillCents: "10000",
            },
            (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
          );
          const t0 = performance.now();
          const res = await fetch(`${node.url}/v1/dvp/trades`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}` },
            body,
          });
          if (res.status !== 201) throw new Error(`trade refused by the node: ${res.status} ${await res.text()}`);
          lat.push(performance.now() - t0);
        }
      };
      const t = performance.now();
      await Promise.all(Array.from({ length: inFlight }, worker));
      const secs = (performance.now() - t) / 1000;
      lat.sort((a, b) => a - b);
      return { rate: batch.length / secs, p50: percentile(lat, 50), p95: percentile(lat, 95), n: batch.length };
    };
    let serial;
    let parallel;
    try {
      await viaNode(await makePairs(5), 1); // warm-up: first requests, nonce read
      serial = await viaNode(await makePairs(trades), 1);
      parallel = await viaNode(await makePairs(trades), concurrency);
    } finally {
      await node.stop();
      rmSync(nodeDir, { recursive: true, force: true });
    }

    console.log(
      `\nIssuance and DvP figures (${new Date().toISOString().slice(0, 10)}; hardhat node on 127.0.0.1:${port},`,
    );
    console.log(
      `solc 0.8.28, optimizer 200 runs, cancun; one tranche per closing, every order pro-rated and refunded)\n`,
    );
    console.log(`Offering.subscribe   first order of an investor       ${large.firstSubscribe} gas`);
    console.log(`Offering.subscribe   adding to an existing order      ${large.topUp} gas`);
    const closeLine = (n: number, r: typeof small) =>
      `Offering.close       ${`${n} investors`.padEnd(16)} ${String(r.calls).padStart(3)} call(s), at most ${r.maxCall} gas per call, ${r.closeGas} in all`;
    console.log(closeLine(10, small));
    console.log(closeLine(bigN, large));
    console.log(
      `                     marginal cost per investor       ${perInvestor} gas (mint + refund + events, paid by batches of at most 100)`,
    );
    console.log(`DvPSettlement.settle one trade (fresh order pair)      ${tradeGas} gas`);
    console.log(
      `DvP throughput       ${rest.length} trades, one plain JSON-RPC sender: ${(rest.length / seconds).toFixed(1)} trades/s`,
    );
    console.log(
      `Submission→finality  p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${(latencies.at(-1) ?? 0).toFixed(1)} ms (receipt; automine, one block per trade)`,
    );
    const plainRate = rest.length / seconds;
    for (const [what, r] of [
      ["1 in flight", serial],
      [`${concurrency} in flight`, parallel],
    ] as const) {
      console.log(
        `DvP via member node  ${r.n} trades, HTTP → node → bridge → chain, ${what}: ${r.rate.toFixed(1)} trades/s ` +
          `(${(r.rate / plainRate).toFixed(2)}x the plain sender; goal >= 0.8x); ` +
          `submission→final answer p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms`,
      );
    }
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    await chain.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
