/**
 * `readPoolView`: everything public about one pool, read from chain (state, parties, tranches, every tape
 * version, every period report). Used by `abs pool show`; reads only, through the given provider.
 */
import { Contract, type ContractRunner, decodeBytes32String } from "ethers";
import { POOL_STATE_NAMES, TAPE_CHANGE_KIND_NAMES } from "@abs/core";
import { ASSET_POOL_ABI, TRANCHE_TOKEN_ABI } from "./abi";

/** Pool states and tape-change kinds by on-chain value (from @abs/core, shared with the indexer). */
export { POOL_STATE_NAMES as POOL_STATES, TAPE_CHANGE_KIND_NAMES as TAPE_KINDS } from "@abs/core";

export interface PoolView {
  readonly pool: string;
  readonly name: string;
  readonly dealId: string;
  readonly state: string;
  readonly originator: string;
  readonly servicer: string;
  readonly trustee: string;
  readonly cashToken: string;
  /** The deal's waterfall (what `abs settle --waterfall` takes); the zero address before the trustee sets one */
  readonly waterfall: string;
  readonly currentTapeVersion: number;
  readonly soldTapeVersion: number;
  readonly tranches: readonly {
    readonly address: string;
    readonly name: string;
    readonly symbol: string;
    readonly seniority: number;
    readonly originalFaceCents: bigint;
    readonly couponRateWad: bigint;
    readonly totalSupplyCents: bigint;
    readonly factorRay: bigint;
  }[];
  readonly tapes: readonly {
    readonly version: number;
    readonly kind: string;
    readonly merkleRoot: string;
    readonly loanCount: bigint;
    readonly totalPrincipalCents: bigint;
    readonly waRateWad: bigint;
    readonly cutoffDate: bigint;
    readonly contentHash: string;
    readonly dataUri: string;
    readonly anchoredBy: string;
    readonly anchoredAt: bigint;
  }[];
  readonly periods: readonly {
    readonly period: number;
    readonly revision: number;
    readonly distributed: boolean;
    readonly startDate: bigint;
    readonly endDate: bigint;
    readonly interestCollectedCents: bigint;
    readonly scheduledPrincipalCents: bigint;
    readonly prepaymentCents: bigint;
    readonly recoveryCents: bigint;
    readonly newDefaultsCents: bigint;
    readonly endingBalanceCents: bigint;
    readonly loanCount: bigint;
    readonly loanStateRoot: string;
  }[];
}

interface TapeStruct {
  anchor: {
    merkleRoot: string;
    loanCount: bigint;
    totalPrincipalCents: bigint;
    waRateWad: bigint;
    cutoffDate: bigint;
    contentHash: string;
    dataUri: string;
  };
  change: { kind: bigint };
  anchoredBy: string;
  anchoredAt: bigint;
}
interface ReportStruct {
  startDate: bigint;
  endDate: bigint;
  interestCollectedCents: bigint;
  scheduledPrincipalCents: bigint;
  prepaymentCents: bigint;
  recoveryCents: bigint;
  newDefaultsCents: bigint;
  endingBalanceCents: bigint;
  loanCount: bigint;
  loanStateRoot: string;
}
interface TermsStruct {
  seniority: bigint;
  couponRateWad: bigint;
  originalFaceCents: bigint;
}

function dealCode(raw: string): string {
  try {
    return decodeBytes32String(raw);
  } catch {
    return raw;
  }
}

export async function readPoolView(runner: ContractRunner, poolAddress: string): Promise<PoolView> {
  const pool = new Contract(poolAddress, ASSET_POOL_ABI, runner);
  const call = <T>(name: string, ...args: unknown[]) => pool.getFunction(name).staticCall(...args) as Promise<T>;
  const [
    name,
    dealId,
    state,
    originator,
    servicer,
    trustee,
    cashToken,
    tapeCount,
    current,
    sold,
    lastPeriod,
    tranches,
    waterfall,
  ] = await Promise.all([
    call<string>("name"),
    call<string>("dealId"),
    call<bigint>("state"),
    call<string>("originator"),
    call<string>("servicer"),
    call<string>("trustee"),
    call<string>("cashToken"),
    call<bigint>("tapeCount"),
    call<bigint>("currentTapeVersion"),
    call<bigint>("soldTapeVersion"),
    call<bigint>("lastPeriod"),
    call<string[]>("tranches"),
    call<string>("waterfall"),
  ]);
  const trancheViews = [];
  for (const address of tranches) {
    const token = new Contract(address, TRANCHE_TOKEN_ABI, runner);
    const read = <T>(fn: string) => token.getFunction(fn).staticCall() as Promise<T>;
    const [tName, symbol, terms, supply, factor] = await Promise.all([
      read<string>("name"),
      read<string>("symbol"),
      read<TermsStruct>("terms"),
      read<bigint>("totalSupply"),
      read<bigint>("factorRay"),
    ]);
    trancheViews.push({
      address,
      name: tName,
      symbol,
      seniority: Number(terms.seniority),
      originalFaceCents: terms.originalFaceCents,
      couponRateWad: terms.couponRateWad,
      totalSupplyCents: supply,
      factorRay: factor,
    });
  }
  const tapes = [];
  for (let v = 1; v <= Number(tapeCount); v += 1) {
    const t = await call<TapeStruct>("tape", v);
    tapes.push({
      version: v,
      kind: TAPE_CHANGE_KIND_NAMES[Number(t.change.kind)] ?? String(t.change.kind),
      merkleRoot: t.anchor.merkleRoot,
      loanCount: t.anchor.loanCount,
      totalPrincipalCents: t.anchor.totalPrincipalCents,
      waRateWad: t.anchor.waRateWad,
      cutoffDate: t.anchor.cutoffDate,
      contentHash: t.anchor.contentHash,
      dataUri: t.anchor.dataUri,
      anchoredBy: t.anchoredBy,
      anchoredAt: t.anchoredAt,
    });
  }
  const periods = [];
  for (let p = 1; p <= Number(lastPeriod); p += 1) {
    const [r, revision, distributed] = await Promise.all([
      call<ReportStruct>("report", p),
      call<bigint>("reportRevision", p),
      call<boolean>("isDistributed", p),
    ]);
    periods.push({
      period: p,
      revision: Number(revision),
      distributed,
      startDate: r.startDate,
      endDate: r.endDate,
      interestCollectedCents: r.interestCollectedCents,
      scheduledPrincipalCents: r.scheduledPrincipalCents,
      prepaymentCents: r.prepaymentCents,
      recoveryCents: r.recoveryCents,
      newDefaultsCents: r.newDefaultsCents,
      endingBalanceCents: r.endingBalanceCents,
      loanCount: r.loanCount,
      loanStateRoot: r.loanStateRoot,
    });
  }
  return {
    pool: poolAddress,
    name,
    dealId: dealCode(dealId),
    state: POOL_STATE_NAMES[Number(state)] ?? String(state),
    originator,
    servicer,
    trustee,
    cashToken,
    waterfall,
    currentTapeVersion: Number(current),
    soldTapeVersion: Number(sold),
    tranches: trancheViews,
    tapes,
    periods,
  };
}
