import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  capReceipt,
  checkPeriodInvariants,
  principalDeficiencies,
  sampleDeal,
  toAbiConfig,
  type WaterfallConfig,
} from "../../packages/core/src/waterfall";
import { CouponType } from "../helpers/pool";
import { remitCapPayment, SettlementError } from "../../packages/core/src/settlement";
import {
  A_IO_RATE_WAD,
  bankRef,
  collectionsOf,
  configureAndIssue,
  inputsOf,
  deployUnconfiguredWaterfall,
  linearSchedule,
  pacZConfig,
  principalReport,
  reportAndDeposit,
  runAndCompare,
  SAMPLE_TRANCHES_100M as TRANCHES,
  SAMPLE_TRANCHES_100M_WITH_IO,
  ioStripConfig,
  sampleConfig100M,
  sampleParties,
  stateOf,
} from "../helpers/waterfall";

/**
 * PAC/support/Z on chain: a deal structured with a scheduled (PAC) class, two support classes and an accrual (Z)
 * class runs period after period through the real `Waterfall`, and every period equals the TypeScript engine to the
 * unit (WF-8) and keeps WF-1 .. WF-9. The schedule is fixed at structuring with `setSchedule`, read back from its
 * data contract, and refused when malformed, late, or set by anyone but the trustee. And an inverse floater, its
 * token and its waterfall terms alike, paid period by period as the engine computes it.
 */

const RAY = 10n ** 27n;
/** A's schedule: 1.5M a period. */
const PAC_SCHEDULE = linearSchedule(70_000_000_00n, 1_500_000_00n);

/** The sample deal as PAC/Z, without triggers: this test follows the classes, not the performance tests. */
function config(): WaterfallConfig {
  return pacZConfig({ ...sampleConfig100M(), triggers: [] });
}

async function unconfigured() {
  return deployUnconfiguredWaterfall({ tranches: TRANCHES });
}

async function pacZDeal() {
  return configureAndIssue(await unconfigured(), config(), {}, [PAC_SCHEDULE]);
}

/** The sample deal with class B an inverse floater of 28.50% - 3 x the index (floor 0): token and waterfall alike. */
const INVERSE: WaterfallConfig["tranches"][number] = {
  couponType: "inverseFloating",
  couponRateWad: 285n * 10n ** 15n,
  floorRateWad: 0n,
  capRateWad: 0n,
  indexMultiplierWad: 3n * 10n ** 18n,
};

async function inverseFloaterDeal() {
  const tranches = TRANCHES.map((t, i) =>
    i === 1 ? { ...t, couponType: CouponType.InverseFloating, couponRateWad: INVERSE.couponRateWad } : t,
  );
  const c = sampleConfig100M();
  const inverse: WaterfallConfig = {
    ...c,
    triggers: [],
    tranches: c.tranches.map((coupon, i) => (i === 1 ? INVERSE : coupon)),
  };
  return configureAndIssue(await deployUnconfiguredWaterfall({ tranches }), inverse);
}

/**
 * The sample deal with a 2M liquidity facility instead of its guarantee and no reserve: commitment fee 0.35% a year on
 * the undrawn part, usage fee 4.5% a year on the draws, drawable in periods 1 and 2; it covers the fees and A's
 * interest.
 */
const FACILITY_LIMIT = 2_000_000_00n;

async function liquidityFacilityDeal() {
  const c = sampleConfig100M();
  const facility: WaterfallConfig = {
    ...c,
    triggers: [],
    reserve: { targetWad: 0n, floorCents: 0n, coversFees: false, coveredTranches: 0 },
    guarantee: {
      limitCents: FACILITY_LIMIT,
      feeRateWad: 35n * 10n ** 14n,
      coversFees: true,
      coveredTranches: 1,
      usageRateWad: 45n * 10n ** 15n,
      feeOnUndrawn: true,
      expiryPeriod: 2,
    },
  };
  return configureAndIssue(await unconfigured(), facility);
}

describe("a liquidity facility on chain", function () {
  it("is drawn while open, bears its usage fee, is not drawn after its expiry, and is repaid, as the engine", async () => {
    const d = await loadFixture(liquidityFacilityDeal);
    const provider = d.guarantor.address;
    const pool = 100_000_000_00n;
    // Period 1 normal; 2 and 3 collect nothing (a servicer disruption); 4 collects again.
    const collected = [60_000_000n, 0n, 0n, 400_000_000n];
    let owedBefore = await d.waterfall.owedCents(provider);
    // Open: its committed cash cannot be taken back.
    await expect(d.waterfall.connect(d.guarantor).releaseExpiredFacility()).to.be.revertedWithCustomError(
      d.waterfall,
      "FacilityNotExpired",
    );
    for (const [i, interest] of collected.entries()) {
      const period = i + 1;
      await reportAndDeposit(d, period, { ...principalReport(0n, pool), interestCollectedCents: interest });
      const cashBefore = await d.waterfall.guaranteeCashCents();
      const { expected, actual, inputs, opening } = await runAndCompare(d, period);
      expect(actual, `period ${period}`).to.deep.equal(expected);
      expect(checkPeriodInvariants(d.config, opening, inputs, actual), `period ${period}`).to.deep.equal([]);
      // The provider's committed cash pays the draws and takes back the reimbursements; its fees are owed to it.
      expect(await d.waterfall.guaranteeCashCents(), `period ${period} cash`).to.equal(
        cashBefore - actual.guaranteeDrawCents + actual.guaranteeReimbursedCents,
      );
      const owed = await d.waterfall.owedCents(provider);
      expect(owed - owedBefore, `period ${period} owed`).to.equal(actual.guaranteeFeePaidCents);
      owedBefore = owed;

      const drawn = opening.guaranteeDrawnCents;
      const days = BigInt(inputs.accrualDays); // actual/360
      const commitment = period <= 2 ? ((FACILITY_LIMIT - drawn) * 35n * days) / 3_600_000n : 0n;
      const usage = (drawn * 45n * days) / 360_000n;
      if (period === 2) {
        // Open: nothing collected, so the facility pays the fees and A's interest.
        expect(actual.guaranteeDrawCents).to.be.greaterThan(0n);
        expect(actual.next.tranches[0]?.interestShortfallCents).to.equal(0n);
      }
      if (period === 3) {
        // Expired: no draw, A's interest is carried; no commitment fee, the usage fee on period 2's draws.
        expect(actual.guaranteeDrawCents).to.equal(0n);
        expect(actual.next.tranches[0]?.interestShortfallCents).to.be.greaterThan(0n);
        expect(drawn).to.be.greaterThan(0n);
      }
      expect(actual.guaranteeFeeDueCents - opening.guaranteeFeeShortfallCents, `period ${period} fees`).to.equal(
        commitment + usage,
      );
      if (period === 4) expect(actual.next.guaranteeDrawnCents).to.equal(0n);
    }
    // Expired and repaid: the provider takes its committed cash back (credited, then withdrawn); only the provider.
    await expect(d.waterfall.connect(d.trustee).releaseExpiredFacility()).to.be.revertedWithCustomError(
      d.waterfall,
      "NotGuarantor",
    );
    const committed = await d.waterfall.guaranteeCashCents();
    expect(committed).to.equal(FACILITY_LIMIT);
    const collectionsBefore = await d.waterfall.collectionsHeldCents();
    await expect(d.waterfall.connect(d.guarantor).releaseExpiredFacility())
      .to.emit(d.waterfall, "FacilityReleased")
      .withArgs(provider, committed);
    expect(await d.waterfall.guaranteeCashCents()).to.equal(0n);
    expect(await d.waterfall.owedCents(provider)).to.equal(owedBefore + committed);
    expect(await d.waterfall.collectionsHeldCents()).to.equal(collectionsBefore);
    // The provider withdraws it like any credit.
    await expect(d.waterfall.connect(d.guarantor).withdraw()).to.changeTokenBalance(
      d.cash,
      d.guarantor,
      owedBefore + committed,
    );
  });
});

async function deficiencyLedgerDeal() {
  const c = sampleConfig100M();
  return configureAndIssue(await unconfigured(), { ...c, triggers: [], principalDeficiencyLedger: true });
}

describe("a principal deficiency ledger on chain", function () {
  it("carries a loss the excess spread cannot cover, then cures it from later excess spread, as the engine", async () => {
    const d = await loadFixture(deficiencyLedgerDeal);
    // Period 1: 5M of defaults against 0.6M of interest; periods 2 and 3: 1.5M of interest and no losses.
    const periods = [
      { ...principalReport(0n, 95_000_000_00n), newDefaultsCents: 5_000_000_00n },
      { ...principalReport(0n, 95_000_000_00n), interestCollectedCents: 1_500_000_00n },
      { ...principalReport(0n, 95_000_000_00n), interestCollectedCents: 1_500_000_00n },
    ];
    const ledgers: bigint[] = [];
    for (const [i, fields] of periods.entries()) {
      const period = i + 1;
      await reportAndDeposit(d, period, fields);
      const { expected, actual, inputs, opening } = await runAndCompare(d, period);
      expect(actual, `period ${period}`).to.deep.equal(expected);
      expect(checkPeriodInvariants(d.config, opening, inputs, actual), `period ${period}`).to.deep.equal([]);
      expect(
        actual.tranches.every((t) => t.writeDownCents === 0n),
        `period ${period}: nothing written off`,
      ).to.equal(true);
      const ledger = principalDeficiencies(actual.next, inputs.poolBalanceEndCents);
      ledgers.push(ledger.reduce((a, b) => a + b, 0n));
      // The chain keeps the balances above the pool by exactly the ledger.
      const stored = await stateOf(d.waterfall);
      expect(stored.tranches.map((t) => t.balanceCents)).to.deep.equal(actual.next.tranches.map((t) => t.balanceCents));
    }
    // Carried after the loss, partly cured in period 2, cured in period 3; no tranche was ever written down.
    expect(ledgers[0]).to.be.greaterThan(0n);
    expect(ledgers[1])
      .to.be.greaterThan(0n)
      .and.lessThan(ledgers[0] ?? 0n);
    expect(ledgers[2]).to.equal(0n);
    const stored = await stateOf(d.waterfall);
    expect(stored.tranches.map((t) => t.writtenDownCents)).to.deep.equal(stored.tranches.map(() => 0n));
  });
});

/** The sample deal with an interest-rate cap struck at 3% on class A's balance. */
async function cappedDeal() {
  const c = sampleConfig100M();
  return configureAndIssue(await unconfigured(), {
    ...c,
    triggers: [],
    cap: { strikeRateWad: 3n * 10n ** 16n, trancheScope: 1 },
  });
}

/**
 * Period `period` of a cap or swap deal at `indexRateWad`: reported with 2M of principal (the pool ending at
 * `poolEndCents`) and its collections deposited; the provider or counterparty pays in what the hedge owes the deal
 * (credited by the custodian first). The opening state and inputs the period runs on, and that payment.
 */
async function hedgedPeriod(
  d: Awaited<ReturnType<typeof cappedDeal>>,
  period: number,
  poolEndCents: bigint,
  indexRateWad: bigint,
  beforePayIn: () => Promise<void> = async () => {},
) {
  await reportAndDeposit(d, period, principalReport(2_000_000_00n, poolEndCents));
  const opening = await stateOf(d.waterfall);
  const inputs = await inputsOf(d.waterfall, period, indexRateWad);
  const receipt = capReceipt(d.config, opening, inputs);
  if (receipt > 0n) {
    await beforePayIn();
    await (await d.cash.connect(d.custodian).mint(d.guarantor.address, receipt, bankRef(`hedge:${period}`))).wait();
    await (await d.cash.connect(d.guarantor).transfer(await d.waterfall.getAddress(), receipt)).wait();
  }
  return { opening, inputs, receipt };
}

describe("an interest-rate cap on chain", function () {
  it("is refused until its provider pays in, then adds (index - strike) on A's balance to the funds, as the engine", async () => {
    // The cap provider is the guarantor's bank.
    const d = await loadFixture(cappedDeal);
    for (const [i, index] of [5n * 10n ** 16n, 2n * 10n ** 16n].entries()) {
      const period = i + 1;
      // Without the cap's payment the period is refused: the collections alone do not cover it.
      const refusedWithoutIt = () =>
        expect(d.waterfall.connect(d.trustee).runPeriod(period, index, [])).to.be.revertedWithCustomError(
          d.waterfall,
          "CollectionsShort",
        );
      const { opening, inputs, receipt } = await hedgedPeriod(
        d,
        period,
        100_000_000_00n - 2_000_000_00n * BigInt(period),
        index,
        refusedWithoutIt,
      );
      // Index 5% above the 3% strike: 2% a year on A's opening balance; at 2% nothing.
      const expectedReceipt =
        period === 1 ? ((opening.tranches[0]?.balanceCents ?? 0n) * 2n * BigInt(inputs.accrualDays)) / 36_000n : 0n;
      expect(receipt, `period ${period}`).to.equal(expectedReceipt);
      const { expected, actual } = await runAndCompare(d, period, index);
      expect(actual, `period ${period}`).to.deep.equal(expected);
      expect(actual.capReceiptCents).to.equal(receipt);
      expect(checkPeriodInvariants(d.config, opening, inputs, actual), `period ${period}`).to.deep.equal([]);
    }
  });

  it("remitCapPayment (abs cap remit): after the servicer's collections only, then only what is missing", async () => {
    const d = await loadFixture(cappedDeal);
    const provider = d.guarantor;
    const index = 5n * 10n ** 16n;
    const report = await reportAndDeposit(d, 1, principalReport(2_000_000_00n, 98_000_000_00n), false);
    const request = { waterfall: await d.waterfall.getAddress(), period: 1, indexRateWad: index, dryRun: false };
    await (await d.cash.connect(d.custodian).mint(provider.address, 1_000_000_00n, bankRef("cap provider"))).wait();

    // The servicer has not remitted: the provider's cash would be taken for collections, so nothing is sent.
    const early = await remitCapPayment(request, { runner: provider }).catch((error: unknown) => error);
    expect(early).to.be.instanceOf(SettlementError);
    expect((early as SettlementError).message).to.contain("the servicer remits them first");

    const collections = collectionsOf(report);
    await (await d.cash.connect(d.custodian).mint(d.servicer.address, collections, bankRef("collections:1"))).wait();
    await (await d.cash.connect(d.servicer).transfer(request.waterfall, collections)).wait();
    // A cent paid by hand earlier counts: the payment is what is still missing.
    await (await d.cash.connect(provider).transfer(request.waterfall, 1n)).wait();
    const paid = await remitCapPayment(request, { runner: provider });
    expect(paid.receiptCents > 0n).to.equal(true);
    expect(paid.dueCents).to.equal(paid.receiptCents - 1n);
    expect(paid.transactionHash).to.be.a("string");
    const again = await remitCapPayment(request, { runner: provider });
    expect(again.dueCents).to.equal(0n);
    expect(again.transactionHash).to.equal(undefined);

    const { expected, actual } = await runAndCompare(d, 1, index);
    expect(actual).to.deep.equal(expected);
    expect(actual.capReceiptCents).to.equal(paid.receiptCents);
  });
});

/**
 * The sample deal swapping A's balance to a fixed 4%: the deal pays 4% and receives the index, net. Its pay leg is a
 * fourth fee, paid before every other (the counterparty, the guarantor's bank, is its recipient).
 */
async function swappedDeal() {
  const c = sampleConfig100M();
  const payLeg = c.fees.length;
  return configureAndIssue(await unconfigured(), {
    ...c,
    triggers: [],
    fees: [...c.fees, { fixedCents: 0n, rateWad: 0n }],
    steps: [{ kind: "fee", index: payLeg }, ...c.steps],
    cap: { strikeRateWad: 4n * 10n ** 16n, trancheScope: 1, payLegFee: payLeg + 1 },
  });
}

describe("an interest-rate swap on chain", function () {
  it("pays the counterparty (fixed - index) below the fixed rate, first, and takes (index - fixed) above it", async () => {
    const d = await loadFixture(swappedDeal);
    const counterparty = d.guarantor;
    const payLeg = (d.config.cap?.payLegFee ?? 0) - 1;
    expect(d.parties.feeRecipients[payLeg]).to.equal(counterparty.address);
    let owed = 0n;
    for (const [i, index] of [1n * 10n ** 16n, 6n * 10n ** 16n].entries()) {
      const period = i + 1;
      const { opening, inputs } = await hedgedPeriod(
        d,
        period,
        100_000_000_00n - 2_000_000_00n * BigInt(period),
        index,
      );
      const notional = opening.tranches[0]?.balanceCents ?? 0n;
      const days = BigInt(inputs.accrualDays);
      const { expected, actual } = await runAndCompare(d, period, index);
      expect(actual, `period ${period}`).to.deep.equal(expected);
      expect(checkPeriodInvariants(d.config, opening, inputs, actual), `period ${period}`).to.deep.equal([]);
      const payment = actual.fees[payLeg];
      if (period === 1) {
        // Index 1%: the deal owes 3% a year on A's opening balance, paid in full before the other fees.
        expect(payment?.dueCents).to.equal((notional * 3n * days) / 36_000n);
        expect(payment?.paidCents).to.equal(payment?.dueCents);
        expect(actual.capReceiptCents).to.equal(0n);
      } else {
        // Index 6%: the counterparty pays 2% a year on the notional in, and the deal owes it nothing.
        expect(actual.capReceiptCents).to.equal((notional * 2n * days) / 36_000n);
        expect(payment?.dueCents).to.equal(0n);
      }
      // The guarantor's bank is also the deal's guarantor: its guarantee fee is credited beside the swap payments.
      owed += (payment?.paidCents ?? 0n) + actual.guaranteeFeePaidCents;
    }
    // The counterparty's payments are credited to it and withdrawn like any fee.
    expect(await d.waterfall.owedCents(counterparty.address)).to.equal(owed);
    await expect(d.waterfall.connect(counterparty).withdraw()).to.changeTokenBalance(d.cash, counterparty, owed);
  });
});

describe("an inverse floater on chain", function () {
  it("pays B 28.50% - 3 x the index the trustee sets, floored at 0, as the engine to the unit", async () => {
    const d = await loadFixture(inverseFloaterDeal);
    let pool = 100_000_000_00n;
    for (const [i, index] of [5n * 10n ** 16n, 11n * 10n ** 16n].entries()) {
      const period = i + 1;
      pool -= 2_000_000_00n;
      await reportAndDeposit(d, period, principalReport(2_000_000_00n, pool));
      const { expected, actual, inputs, opening } = await runAndCompare(d, period, index);
      expect(actual, `period ${period}`).to.deep.equal(expected);
      expect(checkPeriodInvariants(d.config, opening, inputs, actual), `period ${period}`).to.deep.equal([]);
      // 28.5% - 3 x 5% = 13.5%; 28.5% - 3 x 11% < 0, floored at 0.
      expect(actual.tranches[1]?.rateWad).to.equal(period === 1 ? 135n * 10n ** 15n : 0n);
    }
  });
});

describe("PAC/support/Z on chain (scheduled classes, accrual, schedule store)", function () {
  it("pays A to its schedule, the supports the rest, accretes D into principal, as the engine to the unit", async () => {
    const d = await loadFixture(pacZDeal);
    const [store, periods, mask] = await d.waterfall.scheduleStore();
    expect([periods, mask]).to.deep.equal([BigInt(PAC_SCHEDULE.length), 1n]);
    const [tranches, targets] = await d.engine.readSchedule(store, periods, mask);
    expect(tranches).to.deep.equal([0n]);
    expect(targets[0]).to.deep.equal(PAC_SCHEDULE);

    // Fast periods (3M), then a slow one (0.5M: A falls behind), then fast again (A catches up).
    const principal = [3_000_000_00n, 3_000_000_00n, 50_000_000n, 3_000_000_00n, 3_000_000_00n];
    let pool = 100_000_000_00n;
    for (const [i, amount] of principal.entries()) {
      const period = i + 1;
      pool -= amount;
      await reportAndDeposit(d, period, principalReport(amount, pool));
      const { expected, actual, inputs, opening } = await runAndCompare(d, period);
      expect(actual, `period ${period}`).to.deep.equal(expected);
      expect(checkPeriodInvariants(d.config, opening, inputs, actual), `period ${period}`).to.deep.equal([]);
      expect(inputs.targetBalancesCents).to.deep.equal([PAC_SCHEDULE[i], 0n, 0n, 0n, 0n]);

      const [a, b, , z] = actual.tranches;
      const accreted = actual.accretedCents[3] ?? 0n;
      // D accretes its whole coupon (A to C outstanding) and is paid no interest in cash.
      expect(accreted, `period ${period} accretion`).to.equal(z?.interestDueCents);
      expect(z?.interestPaidCents).to.equal(0n);
      expect(z?.principalPaidCents).to.equal(0n);
      const aTarget = PAC_SCHEDULE[i] ?? 0n;
      if (amount === 50_000_000n) {
        // Short: all the principal (collections and accretion) to A, still above its schedule; none to the supports.
        const paid = actual.tranches.reduce((sum, t) => sum + t.principalPaidCents, 0n);
        expect(a?.principalPaidCents).to.equal(paid);
        expect(actual.next.tranches[0]?.balanceCents, `period ${period}: A behind`).to.be.greaterThan(aTarget);
        expect(b?.principalPaidCents).to.equal(0n);
      } else {
        // A exactly on its schedule (catching up after the slow period), the supports the rest.
        expect(actual.next.tranches[0]?.balanceCents, `period ${period}: A on schedule`).to.equal(aTarget);
        expect(b?.principalPaidCents).to.be.greaterThan(0n);
      }
    }
    // D's balance grew by its accretion: its token's factor is above 100%.
    const state = await stateOf(d.waterfall);
    expect(state.tranches[3]?.balanceCents).to.be.greaterThan(4_000_000_00n);
    expect(await d.tranches[3]?.factorRay()).to.be.greaterThan(RAY);
  });

  it("refuses a bad schedule: not a scheduled deal, wrong shape, rising or above face, late, or not the trustee", async () => {
    const base = await loadFixture(unconfigured);
    const { waterfall, trustee, servicer, engine } = base;
    // Before configure, and on a deal without scheduled classes.
    await expect(waterfall.connect(trustee).setSchedule([PAC_SCHEDULE])).to.be.revertedWithCustomError(
      waterfall,
      "NotConfigured",
    );
    const plain = sampleDeal().config;
    const plainConfig = {
      ...plain,
      originalPoolBalanceCents: 100_000_000_00n,
      guarantee: { ...plain.guarantee, limitCents: 0n },
    };
    await (
      await waterfall.connect(trustee).configure(toAbiConfig(plainConfig), sampleParties(base, plainConfig))
    ).wait();
    await expect(waterfall.connect(trustee).setSchedule([PAC_SCHEDULE])).to.be.revertedWithCustomError(
      waterfall,
      "ScheduleNotApplicable",
    );

    const c = { ...config(), guarantee: { ...config().guarantee, limitCents: 0n } };
    await (await waterfall.connect(trustee).configure(toAbiConfig(c), sampleParties(base, c))).wait();
    await expect(waterfall.connect(servicer).setSchedule([PAC_SCHEDULE]))
      .to.be.revertedWithCustomError(waterfall, "NotTrustee")
      .withArgs(servicer.address);
    const shapes: [bigint[][], string, unknown[]][] = [
      [[], "ScheduleShapeInvalid", [ethers.encodeBytes32String("tranches"), 0n, 1n]],
      [[PAC_SCHEDULE, PAC_SCHEDULE], "ScheduleShapeInvalid", [ethers.encodeBytes32String("tranches"), 2n, 1n]],
      [[[]], "ScheduleShapeInvalid", [ethers.encodeBytes32String("periods"), 0n, 480n]],
      [[new Array<bigint>(481).fill(0n)], "ScheduleShapeInvalid", [ethers.encodeBytes32String("periods"), 481n, 480n]],
      [[[60_000_000_00n, 61_000_000_00n]], "ScheduleTargetInvalid", [0n, 2n, 61_000_000_00n]],
      [[[70_000_000_01n]], "ScheduleTargetInvalid", [0n, 1n, 70_000_000_01n]],
    ];
    for (const [targets, error, args] of shapes) {
      await expect(waterfall.connect(trustee).setSchedule(targets), error)
        .to.be.revertedWithCustomError(engine, error)
        .withArgs(...args);
    }
    // Nothing was stored by the refusals; a period before the schedule is set cannot run either (see below).
    expect((await waterfall.scheduleStore())[0]).to.equal(ethers.ZeroAddress);

    // A good schedule is stored; configure clears it.
    await (await waterfall.connect(trustee).setSchedule([PAC_SCHEDULE])).wait();
    expect((await waterfall.scheduleStore())[1]).to.equal(BigInt(PAC_SCHEDULE.length));
    await (await waterfall.connect(trustee).configure(toAbiConfig(c), sampleParties(base, c))).wait();
    expect((await waterfall.scheduleStore())[0]).to.equal(ethers.ZeroAddress);
  });

  it("runs no scheduled period without its schedule, takes no targets from the trustee, and freezes it at the offering", async () => {
    const base = await unconfigured();
    const d = await configureAndIssue(base, config());
    const { waterfall, trustee } = d;
    await reportAndDeposit(d, 1, principalReport(3_000_000_00n, 97_000_000_00n));
    await expect(waterfall.connect(trustee).runPeriod(1, 0n, [])).to.be.revertedWithCustomError(
      waterfall,
      "ScheduleMissing",
    );
    await expect(waterfall.connect(trustee).setSchedule([PAC_SCHEDULE])).to.be.revertedWithCustomError(
      waterfall,
      "ConfigFrozen",
    );

    const scheduled = await loadFixture(pacZDeal);
    await reportAndDeposit(scheduled, 1, principalReport(3_000_000_00n, 97_000_000_00n));
    await expect(scheduled.waterfall.connect(scheduled.trustee).runPeriod(1, 0n, [1n, 2n, 3n, 4n, 5n]))
      .to.be.revertedWithCustomError(scheduled.waterfall, "TargetsFromSchedule")
      .withArgs(5n);
  });
});

/** The sample deal with AIO, an interest-only strip of A (`ioStripConfig`), not yet configured. */
async function ioUnconfigured() {
  return deployUnconfiguredWaterfall({ tranches: SAMPLE_TRANCHES_100M_WITH_IO, interestOnly: [1] });
}

async function ioDeal() {
  return configureAndIssue(await ioUnconfigured(), ioStripConfig());
}

describe("an interest-only (IO) strip on chain", function () {
  it("pays AIO 0.50% on A's opening balance and no principal, its factor A's, as the engine to the unit", async () => {
    const d = await loadFixture(ioDeal);
    const [a, io] = d.tranches;
    if (a === undefined || io === undefined) throw new Error("two tranches expected");
    // The pool counts A to E (97M) against the 100M tape, not AIO's notional; AIO carries no principal balance.
    expect(await d.pool.isInterestOnly(await io.getAddress())).to.equal(true);
    expect(await d.pool.isInterestOnly(await a.getAddress())).to.equal(false);
    expect((await stateOf(d.waterfall)).tranches[1]?.balanceCents).to.equal(0n);

    let pool = 100_000_000_00n;
    for (const period of [1, 2, 3]) {
      pool -= 5_000_000_00n;
      await reportAndDeposit(d, period, principalReport(5_000_000_00n, pool));
      const { expected, actual, inputs, opening } = await runAndCompare(d, period);
      expect(actual, `period ${period}`).to.deep.equal(expected);
      expect(checkPeriodInvariants(d.config, opening, inputs, actual), `period ${period}`).to.deep.equal([]);
      const aOpening = opening.tranches[0]?.balanceCents ?? 0n;
      // 0.50% a year on A's opening balance for the period's days, rounded down; never principal.
      const due = (aOpening * A_IO_RATE_WAD * BigInt(inputs.accrualDays)) / (10n ** 18n * 360n);
      expect(actual.tranches[1]?.interestDueCents, `period ${period}: AIO interest`).to.equal(due);
      expect(actual.tranches[1]?.interestPaidCents).to.equal(due);
      expect(actual.tranches[1]?.principalPaidCents).to.equal(0n);
      expect(actual.next.tranches[1]?.balanceCents).to.equal(0n);
      // A is paid down; AIO's factor is A's (the same face): its notional outstanding.
      expect(await io.factorRay(), `period ${period}: AIO factor`).to.equal(await a.factorRay());
      expect(await a.factorRay()).to.be.lessThan(RAY);
    }
    // Its holder (investor 1, the whole notional) claims the interest paid.
    expect(await io.claimableCents(d.investor1.address)).to.be.greaterThan(0n);
  });

  it("refuses a configuration whose interest-only classes are not the pool's, or whose notional is not A's face", async () => {
    const io = await loadFixture(ioUnconfigured);
    const parties = sampleParties(io, ioStripConfig());
    // AIO is the pool's interest-only tranche, but configured as a standard class.
    const asStandard = { ...ioStripConfig(), classes: undefined };
    await expect(io.waterfall.connect(io.trustee).configure(toAbiConfig(asStandard), parties))
      .to.be.revertedWithCustomError(io.waterfall, "TrancheInterestOnlyMismatch")
      .withArgs(1);

    // B configured as an interest-only class of A on the plain sample deal: B's token is not interest-only.
    const plain = await loadFixture(unconfigured);
    const c = sampleConfig100M();
    const bAsIo = {
      ...c,
      triggers: [],
      classes: c.tranches.map((_, t) => ({
        kind: t === 1 ? ("interestOnly" as const) : ("standard" as const),
        lockoutPeriods: 0,
      })),
    };
    await expect(plain.waterfall.connect(plain.trustee).configure(toAbiConfig(bAsIo), sampleParties(plain, bAsIo)))
      .to.be.revertedWithCustomError(plain.waterfall, "TrancheInterestOnlyMismatch")
      .withArgs(1);

    // An interest-only tranche whose notional differs from A's face.
    const short = await deployUnconfiguredWaterfall({
      tranches: SAMPLE_TRANCHES_100M_WITH_IO.map((t, i) => (i === 1 ? { ...t, originalFaceCents: 69_000_000_00n } : t)),
      interestOnly: [1],
    });
    await expect(
      short.waterfall
        .connect(short.trustee)
        .configure(toAbiConfig(ioStripConfig()), sampleParties(short, ioStripConfig())),
    )
      .to.be.revertedWithCustomError(short.waterfall, "TrancheInterestOnlyMismatch")
      .withArgs(1);
  });
});
