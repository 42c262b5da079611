import { getAddress, keccak256, toUtf8Bytes, type Provider } from "ethers";
import {
  AssetPool__factory,
  CashToken__factory,
  Offering__factory,
  OfferingFactory__factory,
  TrancheToken__factory,
} from "../typechain-types";
import { confirm, type DeployContext } from "./consortium";

/** One subscription of the sample issuance: `investor` (a member name) buys `amountCents` of face. */
export interface SampleSubscription {
  tranche: string;
  investor: string;
  amountCents: bigint;
}

const ZERO = "0x0000000000000000000000000000000000000000";
/**
 * How long the sample windows stay open: a minute on a development chain (whose clock the deployment then moves
 * past the windows: at most a minute ahead of the wall clock, so the sample's dates and the chain's agree), two
 * minutes elsewhere (then waited for).
 */
const DEV_WINDOW_SECONDS = 60n;
const WINDOW_SECONDS = 120n;
const DAY = 86_400n;
const PAR_BPS = 10_000n;
const OfferingStatusFailed = 2n;
const OfferingStatusClosing = 3n;

/**
 * Issue the sample deal through its offering (the pool must be in Offering): the trustee creates the
 * offering (one window per tranche at par), the custodian credits each
 * subscriber's cash against a bank reference of its own, each subscriber approves and subscribes, and the
 * trustee closes once the windows are over: the notes are minted against the cash and the originator is
 * paid for the loans, in one transaction. Every step checks the chain first (bank references are
 * deterministic, orders are read back), so a re-run resumes where a previous one stopped.
 */
export async function issueSampleDeal(
  ctx: DeployContext,
  args: {
    dealId: string;
    pool: string;
    offeringFactory: string;
    cashToken: string;
    trustee: string;
    custodian: string;
    subscriptions: SampleSubscription[];
    addressOf(name: string): string;
  },
): Promise<void> {
  const trustee = ctx.signerOf(args.trustee);
  const factory = OfferingFactory__factory.connect(args.offeringFactory, trustee);
  const pool = AssetPool__factory.connect(args.pool, ctx.provider);
  const tranches = (await pool.tranches()).map((t) => getAddress(t));

  let offeringAddress = await factory.offeringOf(args.pool);
  if (
    offeringAddress === ZERO ||
    (await Offering__factory.connect(offeringAddress, ctx.provider).status()) === OfferingStatusFailed
  ) {
    const now = await chainTime(ctx.provider);
    // A development chain's clock is moved past the window once every subscription is in; with interval mining
    // (Anvil: a block a second) each subscription's three transactions take seconds, so the window allows for them.
    const windowSeconds = (await canTimeTravel(ctx.provider))
      ? DEV_WINDOW_SECONDS + (await secondsPerBlock(ctx.provider)) * 3n * 2n * BigInt(args.subscriptions.length)
      : WINDOW_SECONDS;
    const windows = [];
    for (const tranche of tranches) {
      const terms = await TrancheToken__factory.connect(tranche, ctx.provider).terms();
      windows.push({
        priceBps: PAR_BPS,
        minSubscriptionCents: 1_000_00n,
        incrementCents: 1n,
        minSizeCents: terms.originalFaceCents,
        allowedInvestorClasses: terms.allowedInvestorClasses,
        opensAt: now,
        closesAt: now + windowSeconds,
      });
    }
    await confirm(factory.createOffering(args.pool, windows, { investor: ZERO, advanceCents: 0n, repaymentCents: 0n }));
    offeringAddress = await factory.offeringOf(args.pool);
    ctx.log(`deal    offering created at ${offeringAddress}`);
  }
  const offering = Offering__factory.connect(offeringAddress, trustee);
  const cash = CashToken__factory.connect(args.cashToken, ctx.signerOf(args.custodian));

  for (const s of args.subscriptions) {
    const index = tranches.indexOf(getAddress(s.tranche));
    const investorAddress = args.addressOf(s.investor);
    if (index < 0) throw new Error(`sample subscription names tranche ${s.tranche}, not one of the deal's`);
    if ((await offering.orderOf(index, investorAddress)) >= s.amountCents) continue;
    const costCents = await offering.costOf(index, s.amountCents);
    const bankRef = keccak256(toUtf8Bytes(`sample-deal:${args.dealId}:subscription:${s.investor}:${index}`));
    if (!(await cash.isBankReferenceUsed(bankRef))) await confirm(cash.mint(investorAddress, costCents, bankRef));
    const investor = ctx.signerOf(s.investor);
    await confirm(cash.connect(investor).approve(offeringAddress, costCents));
    await confirm(offering.connect(investor).subscribe(index, s.amountCents));
    ctx.log(`deal    ${s.investor} subscribed ${s.amountCents} cents of tranche ${index} (bank ref ${bankRef})`);
  }

  const closesAt = (await offering.window(0)).closesAt;
  await waitForChainTime(ctx.provider, closesAt);
  const endDate = (await chainTime(ctx.provider)) + 180n * DAY;
  const params = { tapeVersion: 1, revolving: true, revolvingEndDate: endDate, tables: tranches.map(() => []) };
  // A closing handles `CLOSE_BATCH` subscribers per call: repeated, with the same parameters, until it is over.
  do await confirm(offering.close(params));
  while ((await offering.status()) === OfferingStatusClosing);
  ctx.log(
    `deal    offering closed: ${args.subscriptions.length} subscriptions paid in cash, pool Active (revolving 180 days)`,
  );
}

async function chainTime(provider: Provider): Promise<bigint> {
  return BigInt((await provider.getBlock("latest"))?.timestamp ?? 0);
}

/**
 * Wait until the next block's time is at least `target`: on a development chain by moving its clock
 * (`evm_increaseTime`), elsewhere by waiting for the wall clock.
 */
async function waitForChainTime(provider: Provider, target: bigint): Promise<void> {
  const now = await chainTime(provider);
  if (now >= target) return;
  if (canSend(provider)) {
    try {
      await provider.send("evm_increaseTime", [Number(target - now)]);
      return;
    } catch {
      // Not a development chain: wait for real time below.
    }
  }
  // The next block (automine, or a QBFT block period) is stamped with the wall clock.
  while (BigInt(Math.floor(Date.now() / 1000)) <= target) await new Promise((resolve) => setTimeout(resolve, 1000));
}

/**
 * Seconds a transaction waits for its block: 0 with automine (Hardhat's node), Anvil's block time with interval
 * mining (`anvil_getIntervalMining`); 0 when the node does not say.
 */
async function secondsPerBlock(provider: Provider): Promise<bigint> {
  if (!canSend(provider)) return 0n;
  try {
    return BigInt(Number(await provider.send("anvil_getIntervalMining", [])) || 0);
  } catch {
    return 0n;
  }
}

/** Whether the chain's clock can be moved (`evm_increaseTime`: Hardhat's node and in-process network). */
async function canTimeTravel(provider: Provider): Promise<boolean> {
  if (!canSend(provider)) return false;
  try {
    await provider.send("evm_increaseTime", [0]);
    return true;
  } catch {
    return false;
  }
}

/** Whether the provider takes raw JSON-RPC calls (ethers' JsonRpcProvider, Hardhat's provider). */
function canSend(
  provider: Provider,
): provider is Provider & { send(method: string, params: unknown[]): Promise<unknown> } {
  return "send" in provider && typeof provider.send === "function";
}
