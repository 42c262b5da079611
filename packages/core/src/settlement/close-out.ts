/**
 * Trustee close-out of a deal whose pool is Redeemed: read what the waterfall still holds (the guarantor's committed
 * cash, the reserve, the collections held), run `Waterfall.closeOut`, then check that the `DealClosedOut` event
 * released exactly those amounts and that the waterfall's cash now equals its payables (WFC-9). Any difference
 * stops with `SETTLEMENT_MISMATCH`.
 */
import { Contract, type TransactionReceipt } from "ethers";
import { formatCents } from "../money";
import { SettlementError } from "./errors";
import { describeRevert, type SettleDeps } from "./settle";
import { WATERFALL_ABI } from "./waterfall-abi";

const BALANCE_ABI = ["function balanceOf(address account) view returns (uint256)"];

/** What the close-out released, and that the waterfall holds exactly its payables afterwards. */
export interface CloseOutReport {
  readonly waterfall: string;
  readonly pool: string;
  readonly lastPeriod: number;
  readonly guarantor: string;
  readonly guaranteeReleasedCents: bigint;
  readonly equityHolder: string;
  readonly reserveReleasedCents: bigint;
  readonly collectionsReleasedCents: bigint;
  /** The waterfall's cash after the close-out: equal to its payables (the payees' credits). */
  readonly cashHeldCents: bigint;
  readonly payablesCents: bigint;
  readonly transactionHash: string;
  readonly blockNumber: number;
  readonly gasUsed: bigint;
  readonly verified: true;
}

/**
 * Closes the deal out (see the module notice). Throws `SettlementError`: `SETTLEMENT_REVERTED` if the transaction
 * fails (e.g. `DealNotRedeemed`, `WaterfallClosedOut`), `SETTLEMENT_MISMATCH` if the chain released other amounts
 * than it held or keeps cash beyond its payables.
 */
export async function closeOutDeal(request: { readonly waterfall: string }, deps: SettleDeps): Promise<CloseOutReport> {
  const log = deps.log ?? (() => undefined);
  const waterfall = new Contract(request.waterfall, WATERFALL_ABI, deps.runner);
  const call = async (name: string, blockTag?: number): Promise<unknown> =>
    waterfall.getFunction(name).staticCall(blockTag === undefined ? {} : { blockTag });
  const pool = String(await call("pool"));
  const cash = new Contract(String(await call("cashToken")), BALANCE_ABI, deps.runner);
  const before = {
    guarantee: BigInt(String(await call("guaranteeCashCents"))),
    reserve: BigInt(String((await waterfall.getFunction("waterfallState").staticCall()).reserveCents)),
    collections: BigInt(String(await call("collectionsHeldCents"))),
  };

  let receipt: TransactionReceipt | null;
  try {
    receipt = await (await waterfall.getFunction("closeOut").send()).wait();
  } catch (error) {
    throw new SettlementError("SETTLEMENT_REVERTED", `closeOut() failed: ${describeRevert(waterfall, error)}`, {
      cause: error,
    });
  }
  if (receipt === null || receipt.status !== 1) {
    throw new SettlementError("SETTLEMENT_REVERTED", "closeOut() was not mined successfully");
  }
  let event: Record<string, unknown> | undefined;
  for (const entry of receipt.logs) {
    if (entry.address.toLowerCase() !== request.waterfall.toLowerCase()) continue;
    const parsed = waterfall.interface.parseLog(entry);
    if (parsed?.name === "DealClosedOut") event = parsed.args.toObject();
  }
  if (event === undefined) {
    throw new SettlementError("SETTLEMENT_MISMATCH", `no DealClosedOut event in ${receipt.hash}`);
  }
  const released = {
    guarantee: BigInt(String(event["guaranteeReleasedCents"])),
    reserve: BigInt(String(event["reserveReleasedCents"])),
    collections: BigInt(String(event["collectionsReleasedCents"])),
  };
  const cashHeldCents = BigInt(
    String(await cash.getFunction("balanceOf").staticCall(request.waterfall, { blockTag: receipt.blockNumber })),
  );
  const payablesCents = BigInt(String(await call("payablesCents", receipt.blockNumber)));
  const mismatches: string[] = [];
  for (const key of ["guarantee", "reserve", "collections"] as const) {
    if (released[key] !== before[key]) {
      mismatches.push(`${key} released: expected ${before[key]}, found ${released[key]}`);
    }
  }
  if (cashHeldCents !== payablesCents) {
    mismatches.push(`cash held after the close-out: expected the payables ${payablesCents}, found ${cashHeldCents}`);
  }
  if (mismatches.length > 0) {
    throw new SettlementError(
      "SETTLEMENT_MISMATCH",
      `the close-out differs in ${mismatches.length} field(s) (tx ${receipt.hash})`,
      {
        mismatches,
      },
    );
  }
  log(
    `closed out after period ${String(event["lastPeriod"])}: guarantee ${formatCents(released.guarantee)} to the guarantor, ` +
      `reserve ${formatCents(released.reserve)} + collections ${formatCents(released.collections)} to the equity holder; ` +
      `cash held = payables = ${formatCents(payablesCents)} (tx ${receipt.hash})`,
  );
  return {
    waterfall: request.waterfall,
    pool,
    lastPeriod: Number(event["lastPeriod"]),
    guarantor: String(event["guarantor"]),
    guaranteeReleasedCents: released.guarantee,
    equityHolder: String(event["equityHolder"]),
    reserveReleasedCents: released.reserve,
    collectionsReleasedCents: released.collections,
    cashHeldCents,
    payablesCents,
    transactionHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    verified: true,
  };
}
