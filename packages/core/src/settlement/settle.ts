/**
 * Trustee settlement of one period: compute the expected distribution with the TypeScript engine from the
 * chain's own configuration, carried state and report-derived inputs; show it; run `Waterfall.runPeriod`; then
 * check, field by field and to the cent, that the result the contract emitted (`PeriodDistributed`) and the
 * state it stored equal the engine's. Any difference stops with `SETTLEMENT_MISMATCH`.
 */
import { Contract, JsonRpcProvider, Wallet, isAddress, type ContractRunner, type TransactionReceipt } from "ethers";
import {
  checkPeriodInvariants,
  fromAbiConfig,
  fromAbiInputs,
  fromAbiResult,
  fromAbiState,
  isInterestOnlyClass,
  runWaterfall,
  type PeriodInputs,
  type PeriodResult,
  type WaterfallConfig,
  type WaterfallState,
} from "../waterfall";
import { formatCents } from "../money";
import { SettlementError } from "./errors";
import { WATERFALL_ABI } from "./waterfall-abi";

/** What to settle. */
export interface SettleRequest {
  /** The deal's `Waterfall` address. */
  readonly waterfall: string;
  /** The period to run: the waterfall's `lastPeriod() + 1`. */
  readonly period: number;
  /** The floating-rate index of the period (1e18 = 100%). */
  readonly indexRateWad: bigint;
  /** `Targeted` principal mode only: each tranche's scheduled balance. */
  readonly targetBalancesCents?: readonly bigint[];
  /** Compute and show the expectation only; send nothing. */
  readonly dryRun?: boolean;
}

/** The settlement report: what was expected, what the chain did, and that they are equal. */
export interface SettlementReport {
  readonly waterfall: string;
  readonly pool: string;
  readonly period: number;
  readonly inputs: PeriodInputs;
  readonly opening: WaterfallState;
  readonly expected: PeriodResult;
  /** Null for a dry run. */
  readonly transactionHash: string | null;
  readonly blockNumber: number | null;
  readonly gasUsed: bigint | null;
  /** True once the chain's result and stored state equal the engine's. */
  readonly verified: boolean;
  /** The readable table of the expected distribution. */
  readonly table: string;
}

/** Dependencies: a signer (the deal's trustee) or, for a dry run, any provider. */
export interface SettleDeps {
  readonly runner: ContractRunner;
  readonly log?: (line: string) => void;
}

/** Every path at which `actual` differs from `expected` (bigint, boolean, string, number leaves). */
export function diffResults(expected: unknown, actual: unknown, path = "result"): string[] {
  if (typeof expected !== "object" || expected === null) {
    return expected === actual ? [] : [`${path}: expected ${String(expected)}, found ${String(actual)}`];
  }
  if (typeof actual !== "object" || actual === null) return [`${path}: expected a value, found ${String(actual)}`];
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  if (Array.isArray(expected) && (!Array.isArray(actual) || actual.length !== expected.length)) {
    return [`${path}: expected ${expected.length} entries, found ${Array.isArray(actual) ? actual.length : "none"}`];
  }
  return Object.keys(e).flatMap((key) => diffResults(e[key], a[key], `${path}.${key}`));
}

/** A wad as a percent with 4 decimals, truncated: 4.75e16 → "4.7500%". */
function percent(wad: bigint): string {
  const basisMicro = (wad * 1_000_000n) / 10n ** 16n;
  return `${basisMicro / 1_000_000n}.${(basisMicro % 1_000_000n).toString().padStart(6, "0").slice(0, 4)}%`;
}

/**
 * The expected distribution as a readable table (amounts in yuan with cents). Given the configuration, each
 * trigger is named by its kind and effect; coverage ratios and loss ratios are shown as percentages.
 */
export function formatDistribution(
  period: number,
  inputs: PeriodInputs,
  r: PeriodResult,
  config?: Pick<WaterfallConfig, "triggers" | "classes" | "cap">,
): string {
  const money = (c: bigint) => formatCents(c).padStart(18);
  const lines: string[] = [];
  lines.push(
    `Period ${period}: ${r.accelerated ? "ACCELERATED, " : ""}principal ${r.principalMode}${r.trapping ? ", trapping excess spread" : ""}`,
  );
  lines.push(
    `  collections       interest ${money(inputs.interestCollectionsCents)}   principal ${money(inputs.principalCollectionsCents)}`,
  );
  const payLeg = (config?.cap?.payLegFee ?? 0) - 1;
  const hedge = payLeg < 0 ? "interest-rate cap" : "interest-rate swap";
  if (r.capReceiptCents > 0n) lines.push(`  ${hedge} paid in ${money(r.capReceiptCents)}`);
  lines.push(
    `  pool balance      begin    ${money(inputs.poolBalanceBeginCents)}   end       ${money(inputs.poolBalanceEndCents)}`,
  );
  lines.push("  payee                       due               paid");
  r.fees.forEach((f, i) =>
    lines.push(
      `  fee ${String(i).padEnd(6)}        ${money(f.dueCents)} ${money(f.paidCents)}` +
        (i === payLeg ? "   the swap's net payment to its counterparty" : ""),
    ),
  );
  r.tranches.forEach((t, i) => {
    const accreted = r.accretedCents[i] ?? 0n;
    // An interest-only class: its interest is on the balance of the tranche before it, and it has no principal.
    const interestOnly = config !== undefined && isInterestOnlyClass(config, i);
    lines.push(
      `  tranche ${i + 1} interest  ${money(t.interestDueCents)} ${money(t.interestPaidCents)}` +
        (accreted > 0n ? `   accreted to its balance ${formatCents(accreted)}` : "") +
        (interestOnly ? `   interest only, on tranche ${i}'s balance` : ""),
    );
    lines.push(
      `  tranche ${i + 1} principal ${" ".repeat(18)} ${money(t.principalPaidCents)}` +
        (t.writeDownCents > 0n ? `   written down ${formatCents(t.writeDownCents)}` : "") +
        (t.writeUpCents > 0n ? `   written up ${formatCents(t.writeUpCents)}` : ""),
    );
  });
  lines.push(`  guarantee fee      ${money(r.guaranteeFeeDueCents)} ${money(r.guaranteeFeePaidCents)}`);
  lines.push(
    `  guarantee reimbursed ${" ".repeat(16)} ${money(r.guaranteeReimbursedCents)}   drawn ${formatCents(r.guaranteeDrawCents)}`,
  );
  lines.push(
    `  reserve top-up / release / draw   ${formatCents(r.reserveTopUpCents)} / ${formatCents(r.reserveReleaseCents)} / ${formatCents(r.reserveDrawCents)}   balance ${formatCents(r.next.reserveCents)}`,
  );
  lines.push(`  residual (equity)  ${" ".repeat(18)} ${money(r.residualCents)}`);
  r.triggers.forEach((t, i) => {
    const terms = config?.triggers[i];
    const name = terms === undefined ? "" : ` (${terms.kind}, ${terms.effect}${terms.curable ? ", curable" : ""})`;
    const state = t.breachedNow
      ? "BREACHED this period"
      : t.curedNow
        ? "CURED this period"
        : t.breached
          ? "breached (since an earlier period)"
          : "passing";
    lines.push(`  trigger ${i}${name}: ${percent(t.valueWad)} against ${percent(t.thresholdWad)}: ${state}`);
  });
  return lines.join("\n");
}

/**
 * Only the waterfall's next period can run: a computation for any other (already distributed, or one skipped)
 * describes a distribution that will never happen.
 *
 * @throws SettlementError `SETTLEMENT_PERIOD_INVALID` when `period` is not the waterfall's last period + 1
 */
export async function requireNextPeriod(waterfall: Contract, period: number): Promise<void> {
  const last = Number(await waterfall.getFunction("lastPeriod").staticCall());
  if (period !== last + 1) {
    throw new SettlementError(
      "SETTLEMENT_PERIOD_INVALID",
      period <= last
        ? `period ${period} was already distributed (the waterfall has distributed up to period ${last}; the next is ${last + 1})`
        : `period ${period} cannot run before period ${last + 1} (the waterfall has distributed up to period ${last})`,
    );
  }
}

/**
 * Settles one period (see the module notice). Throws `SettlementError`: `SETTLEMENT_INVARIANT` before sending,
 * `SETTLEMENT_REVERTED` if the transaction fails, `SETTLEMENT_MISMATCH` if the chain differs from the engine.
 */
export async function settlePeriod(request: SettleRequest, deps: SettleDeps): Promise<SettlementReport> {
  const log = deps.log ?? (() => undefined);
  const waterfall = new Contract(request.waterfall, WATERFALL_ABI, deps.runner);
  const targets = [...(request.targetBalancesCents ?? [])];
  await requireNextPeriod(waterfall, request.period);

  const config: WaterfallConfig = fromAbiConfig(await waterfall.getFunction("config").staticCall());
  const opening = fromAbiState(await waterfall.getFunction("waterfallState").staticCall());
  const inputs = fromAbiInputs(
    await waterfall.getFunction("periodInputs").staticCall(request.period, request.indexRateWad, targets),
  );
  const pool = String(await waterfall.getFunction("pool").staticCall());
  const expected = runWaterfall(config, opening, inputs);
  const problems = checkPeriodInvariants(config, opening, inputs, expected);
  if (problems.length > 0) {
    throw new SettlementError(
      "SETTLEMENT_INVARIANT",
      `the engine's result for period ${request.period} breaks invariants`,
      {
        mismatches: problems,
      },
    );
  }
  const table = formatDistribution(request.period, inputs, expected, config);
  log(table);
  const base = { waterfall: request.waterfall, pool, period: request.period, inputs, opening, expected, table };
  if (request.dryRun) {
    return { ...base, transactionHash: null, blockNumber: null, gasUsed: null, verified: false };
  }

  let receipt: TransactionReceipt | null;
  try {
    const tx = await waterfall.getFunction("runPeriod").send(request.period, request.indexRateWad, targets);
    receipt = await tx.wait();
  } catch (error) {
    const reason = describeRevert(waterfall, error);
    throw new SettlementError("SETTLEMENT_REVERTED", `runPeriod(${request.period}) failed: ${reason}`, {
      cause: error,
    });
  }
  if (receipt === null || receipt.status !== 1) {
    throw new SettlementError("SETTLEMENT_REVERTED", `runPeriod(${request.period}) was not mined successfully`);
  }

  let actual: PeriodResult | undefined;
  for (const entry of receipt.logs) {
    if (entry.address.toLowerCase() !== request.waterfall.toLowerCase()) continue;
    const parsed = waterfall.interface.parseLog(entry);
    if (parsed?.name === "PeriodDistributed") actual = fromAbiResult(parsed.args.getValue("result"));
  }
  if (actual === undefined) {
    throw new SettlementError("SETTLEMENT_MISMATCH", `no PeriodDistributed event in ${receipt.hash}`);
  }
  const stored = fromAbiState(
    await waterfall.getFunction("waterfallState").staticCall({ blockTag: receipt.blockNumber }),
  );
  const mismatches = [...diffResults(expected, actual), ...diffResults(expected.next, stored, "storedState")];
  if (mismatches.length > 0) {
    throw new SettlementError(
      "SETTLEMENT_MISMATCH",
      `period ${request.period}: the chain's distribution differs from the engine's in ${mismatches.length} field(s) (tx ${receipt.hash})`,
      { mismatches },
    );
  }
  log(`verified: the chain's result equals the engine's to the cent (tx ${receipt.hash}, gas ${receipt.gasUsed})`);
  return {
    ...base,
    transactionHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    verified: true,
  };
}

/** The custom error (name and arguments) a reverted call carries, or the error's message. */
export function describeRevert(waterfall: Contract, error: unknown): string {
  if (typeof error === "object" && error !== null && "data" in error && typeof error.data === "string") {
    const parsed = waterfall.interface.parseError(error.data);
    if (parsed) return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The report as JSON (bigint as decimal strings). */
export function settlementJson(report: SettlementReport): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/**
 * A JSON-RPC connection for the settlement: a provider that sends one request at a time (ethers' batching slows
 * `wait()` loops on Hardhat's node), and with `privateKey` a signer. `close()` ends the connection.
 */
export function connectRunner(rpcUrl: string, privateKey?: string): { runner: ContractRunner; close(): void } {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
  const runner = privateKey === undefined ? provider : new Wallet(privateKey, provider);
  return { runner, close: () => provider.destroy() };
}

/** Whether `value` is a 0x-prefixed 20-byte address. */
export function isAddressText(value: string): boolean {
  return isAddress(value);
}
