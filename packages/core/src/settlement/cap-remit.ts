/**
 * The interest-rate cap provider's payment for a period (`WaterfallConfig.cap`): what the cap pays at the index the
 * trustee will settle the period with — `capReceipt` on the chain's own configuration, state and period inputs, so
 * exactly what `Waterfall.runPeriod` will require — and the cash transfer of what the waterfall still lacks of it.
 *
 * The period's collections are remitted first: the waterfall tells the servicer's cash from the provider's only by
 * amount (both are "collections held"), so the provider pays only once the report's collections are all held, and
 * then only the part of its payment not already there. Running it again pays nothing.
 *
 * A swap's counterparty remits the same way (its receive leg is the cap's payment); below the fixed rate it pays
 * nothing and is told what the waterfall owes it for the period (its pay-leg fee, credited when the period runs).
 */
import { Contract } from "ethers";
import { formatCents } from "../money";
import { capReceipt, fromAbiConfig, fromAbiInputs, fromAbiState, swapPayment } from "../waterfall";
import { SettlementError } from "./errors";
import { describeRevert, requireNextPeriod, type SettleDeps } from "./settle";
import { WATERFALL_ABI } from "./waterfall-abi";

const TRANSFER_ABI = ["function transfer(address to, uint256 amount) returns (bool)"];

/** One period's cap payment. */
export interface CapRemitRequest {
  readonly waterfall: string;
  readonly period: number;
  /** The index the trustee settles the period with (as `abs settle --index-bps`). */
  readonly indexRateWad: bigint;
  /** Compute and report only; send nothing. */
  readonly dryRun: boolean;
}

/** What the cap pays for the period, what the waterfall held, and what was sent. */
export interface CapRemittance {
  readonly waterfall: string;
  readonly period: number;
  readonly indexRateWad: bigint;
  /** The strike; a swap's fixed rate. */
  readonly strikeRateWad: bigint;
  /** A swap (the cap has a pay leg): the counterparty remits above the fixed rate and is paid below it. */
  readonly swap: boolean;
  /** The cap's payment for the period (0 at or below the strike). */
  readonly receiptCents: bigint;
  /** A swap below its fixed rate: what the deal owes the counterparty this period, paid by the waterfall. Else 0. */
  readonly owedByDealCents: bigint;
  /** The last period of the cap's or swap's term; absent = the deal's life. Nothing moves after it. */
  readonly expiryPeriod?: number;
  /** The report's collections the period runs on. */
  readonly collectionsCents: bigint;
  /** Collections held before this payment (the servicer's remittance and any earlier cap payment). */
  readonly heldCents: bigint;
  /** What this payment adds: the receipt less what is already held beyond the collections. */
  readonly dueCents: bigint;
  /** The cash transfer's hash; absent on a dry run or when nothing was due. */
  readonly transactionHash?: string;
}

/**
 * Computes the period's cap payment and, unless `dryRun`, transfers what is due from the runner's account to the
 * waterfall. Throws `SettlementError`: `SETTLEMENT_PERIOD_INVALID` when the period is not the next one or the deal has
 * no cap, `SETTLEMENT_REVERTED` when the collections are not all held yet or the transfer fails.
 */
export async function remitCapPayment(request: CapRemitRequest, deps: SettleDeps): Promise<CapRemittance> {
  const waterfall = new Contract(request.waterfall, WATERFALL_ABI, deps.runner);
  await requireNextPeriod(waterfall, request.period);
  const config = fromAbiConfig(await waterfall.getFunction("config").staticCall());
  if (config.cap === undefined) {
    throw new SettlementError("SETTLEMENT_PERIOD_INVALID", "the deal has no interest-rate cap (WaterfallConfig.cap)");
  }
  const state = fromAbiState(await waterfall.getFunction("waterfallState").staticCall());
  const inputs = fromAbiInputs(
    await waterfall.getFunction("periodInputs").staticCall(request.period, request.indexRateWad, []),
  );
  const receiptCents = capReceipt(config, state, inputs);
  const collectionsCents = inputs.interestCollectionsCents + inputs.principalCollectionsCents;
  const heldCents = BigInt(String(await waterfall.getFunction("collectionsHeldCents").staticCall()));
  if (receiptCents > 0n && heldCents < collectionsCents) {
    throw new SettlementError(
      "SETTLEMENT_REVERTED",
      `the waterfall holds ${formatCents(heldCents)} of period ${request.period}'s ${formatCents(collectionsCents)} ` +
        "collections: the servicer remits them first (abs --as servicer remit), then the cap provider pays",
    );
  }
  const alreadyPaid = heldCents > collectionsCents ? heldCents - collectionsCents : 0n;
  const dueCents = receiptCents > alreadyPaid ? receiptCents - alreadyPaid : 0n;
  const base = {
    waterfall: request.waterfall,
    period: request.period,
    indexRateWad: request.indexRateWad,
    strikeRateWad: config.cap.strikeRateWad,
    swap: (config.cap.payLegFee ?? 0) !== 0,
    receiptCents,
    owedByDealCents: swapPayment(config, state, inputs),
    ...(config.cap.expiryPeriod === undefined ? {} : { expiryPeriod: config.cap.expiryPeriod }),
    collectionsCents,
    heldCents,
    dueCents,
  };
  if (request.dryRun || dueCents === 0n) return base;

  const cash = new Contract(String(await waterfall.getFunction("cashToken").staticCall()), TRANSFER_ABI, deps.runner);
  try {
    const receipt = await (await cash.getFunction("transfer").send(request.waterfall, dueCents)).wait();
    if (receipt === null || receipt.status !== 1) throw new Error("the transfer was not mined");
    return { ...base, transactionHash: receipt.hash };
  } catch (error) {
    throw new SettlementError("SETTLEMENT_REVERTED", `the cap payment failed: ${describeRevert(cash, error)}`, {
      cause: error,
    });
  }
}
