import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  type AssetPool,
  type AssetPoolFactory,
  type CashToken,
  type ITrancheToken,
  type Offering,
  type OfferingFactory,
  type TrancheTokenFactory,
} from "../../typechain-types";
import {
  type CloseParamsStruct,
  type TrancheWindowStruct,
  type WarehouseTermsStruct,
} from "../../typechain-types/contracts/issuance/Offering";
import { CNY } from "./cash-token";
import {
  type AllocationStruct,
  type PeriodReportStruct,
  type PoolParamsStruct,
  type TapeAnchorStruct,
  type TapeChangeStruct,
  type TrancheTermsStruct,
} from "../../typechain-types/contracts/pool/AssetPool";
import { action, deployConsortium, ONLY_QUALIFIED } from "./consortium";
import { ActionKind } from "./roles";

export type TapeAnchor = TapeAnchorStruct;
export type TapeChange = TapeChangeStruct;
export type PeriodReport = PeriodReportStruct;
export type Allocation = AllocationStruct;
export type PoolParams = PoolParamsStruct;
export type TrancheTerms = TrancheTermsStruct;
export type TrancheWindow = TrancheWindowStruct;
export type WarehouseTerms = WarehouseTermsStruct;
export type CloseParams = CloseParamsStruct;

/** Mirrors `PoolState` in `contracts/types/PoolTypes.sol`. Keep the numeric values identical. */
export const PoolState = {
  Draft: 0,
  Structured: 1,
  Offering: 2,
  Active: 3,
  Amortizing: 4,
  Accelerated: 5,
  Redeemed: 6,
} as const;
export type PoolStateName = keyof typeof PoolState;
export const POOL_STATES = Object.keys(PoolState) as PoolStateName[];

/** Mirrors `TapeChangeKind` in `contracts/types/PoolTypes.sol`. */
export const TapeChangeKind = {
  Initial: 0,
  Repurchase: 1,
  Substitution: 2,
  RevolvingPurchase: 3,
  Correction: 4,
} as const;
export type TapeChangeKindName = keyof typeof TapeChangeKind;

/** Mirrors `CouponType` in `contracts/types/TrancheTypes.sol`. */
export const CouponType = { Fixed: 0, Floating: 1, None: 2, InverseFloating: 3 } as const;

/** The legal lifecycle edges `[from, to]`: the only `StateChanged` pairs a pool may ever emit. */
export const LEGAL_EDGES: readonly (readonly [number, number])[] = [
  [PoolState.Draft, PoolState.Structured],
  [PoolState.Structured, PoolState.Offering],
  [PoolState.Offering, PoolState.Structured],
  [PoolState.Offering, PoolState.Active],
  [PoolState.Active, PoolState.Amortizing],
  [PoolState.Active, PoolState.Accelerated],
  [PoolState.Amortizing, PoolState.Accelerated],
  [PoolState.Amortizing, PoolState.Redeemed],
  [PoolState.Accelerated, PoolState.Redeemed],
];

export const DAY = 86_400n;
/** Cut-off date of the sample tape: 2024-01-01 00:00 UTC. */
export const CUTOFF = 1_704_067_200n;
/** Length of a sample collection period. */
export const PERIOD_LENGTH = 30n * DAY;
/** 1e18. */
export const WAD = 10n ** 18n;

export const DEAL_ID = ethers.id("ABS-2026-1");
export const DEAL_NAME = "ABS 2026-1";

/** The sample deal's tranches: 80M senior, 12M mezzanine, 5M residual (97M face on a 100M pool). */
export const TRANCHE_TERMS: readonly TrancheTerms[] = [
  trancheTerms(1, "A", 80_000_000_00n, CouponType.Fixed, (45n * WAD) / 1000n),
  trancheTerms(2, "B", 12_000_000_00n, CouponType.Fixed, (65n * WAD) / 1000n),
  trancheTerms(3, "C", 5_000_000_00n, CouponType.None, 0n),
];
export const TOTAL_FACE_CENTS = TRANCHE_TERMS.reduce((sum, t) => sum + BigInt(t.originalFaceCents), 0n);
export const POOL_PRINCIPAL_CENTS = 100_000_000_00n;

export function trancheTerms(
  seniority: number,
  cls: string,
  originalFaceCents: bigint,
  couponType: number,
  couponRateWad: bigint,
): TrancheTerms {
  return {
    name: `${DEAL_NAME} Class ${cls}`,
    symbol: `ABS261${cls}`,
    seniority,
    couponType,
    couponRateWad,
    originalFaceCents,
    allowedInvestorClasses: ONLY_QUALIFIED,
  };
}

/**
 * A sample loan record, as the leaves of the test tapes encode it. No personal data: the loan and the
 * borrower are pseudonymous ids.
 */
export type SampleLoan = [
  loanId: string,
  borrowerId: string,
  principalCents: bigint,
  rateWad: bigint,
  termMonths: bigint,
];
export const SAMPLE_LOAN_ENCODING = ["bytes32", "bytes32", "uint256", "uint64", "uint16"];

/** `n` sample loans whose principals sum to `totalCents`, and their StandardMerkleTree. */
export function sampleTree(n = 4, totalCents = POOL_PRINCIPAL_CENTS, salt = "v1") {
  const loans: SampleLoan[] = [];
  const each = totalCents / BigInt(n);
  for (let i = 0; i < n; ++i) {
    const principal = i === n - 1 ? totalCents - each * BigInt(n - 1) : each;
    loans.push([ethers.id(`loan:${salt}:${i}`), ethers.id(`borrower:${i}`), principal, (7n * WAD) / 100n, 36n]);
  }
  return { loans, tree: StandardMerkleTree.of(loans, SAMPLE_LOAN_ENCODING) };
}

/** A valid tape anchor (the sample tree's root, 100M principal, cut-off 2024-01-01). */
export function tapeAnchor(fields: Partial<TapeAnchor> = {}): TapeAnchor {
  const { tree, loans } = sampleTree();
  return {
    merkleRoot: tree.root,
    loanCount: BigInt(loans.length),
    totalPrincipalCents: POOL_PRINCIPAL_CENTS,
    waRateWad: (7n * WAD) / 100n,
    waRemainingTermMonthsWad: 36n * WAD,
    cutoffDate: CUTOFF,
    contentHash: ethers.id("tape-file:v1"),
    dataUri: "abs://orig.node/tapes/ABS-2026-1/v1",
    ...fields,
  };
}

/** A change record: `Initial` with every field zero unless given. */
export function tapeChange(kind: number = TapeChangeKind.Initial, fields: Partial<TapeChange> = {}): TapeChange {
  return {
    kind,
    loansAdded: 0n,
    loansRemoved: 0n,
    principalAddedCents: 0n,
    principalRemovedCents: 0n,
    changeSetRoot: ethers.ZeroHash,
    ...fields,
  };
}

/** A valid change of `kind` (for versions >= 2): loan counts and principals that fit the kind. */
export function validChange(kind: number): TapeChange {
  const root = ethers.id(`change-set:${kind}`);
  switch (kind) {
    case TapeChangeKind.Repurchase:
      return tapeChange(kind, { loansRemoved: 1n, principalRemovedCents: 1_000_00n, changeSetRoot: root });
    case TapeChangeKind.Substitution:
      return tapeChange(kind, {
        loansAdded: 1n,
        loansRemoved: 1n,
        principalAddedCents: 1_000_00n,
        principalRemovedCents: 1_000_00n,
        changeSetRoot: root,
      });
    case TapeChangeKind.RevolvingPurchase:
      return tapeChange(kind, { loansAdded: 2n, principalAddedCents: 2_000_00n, changeSetRoot: root });
    case TapeChangeKind.Correction:
      return tapeChange(kind, { changeSetRoot: root });
    default:
      return tapeChange(TapeChangeKind.Initial);
  }
}

/** A valid report of `period` (30-day periods from the cut-off date), with an empty delinquency book. */
export function periodReport(period: number, fields: Partial<PeriodReport> = {}): PeriodReport {
  const p = BigInt(period);
  return {
    period,
    startDate: CUTOFF + (p - 1n) * PERIOD_LENGTH,
    endDate: CUTOFF + p * PERIOD_LENGTH,
    interestCollectedCents: 580_000_00n,
    scheduledPrincipalCents: 2_500_000_00n,
    prepaymentCents: 400_000_00n,
    recoveryCents: 10_000_00n,
    newDefaultsCents: 50_000_00n,
    delinquent30Cents: 300_000_00n,
    delinquent60Cents: 120_000_00n,
    delinquent90PlusCents: 60_000_00n,
    endingBalanceCents: POOL_PRINCIPAL_CENTS - p * 3_000_000_00n,
    loanCount: 4n,
    loanStateRoot: ethers.id(`loan-states:${period}`),
    contentHash: ethers.id(`report-file:${period}`),
    ...fields,
  };
}

/**
 * The fields of a struct value, as `withArgs` compares a tuple argument. The helpers above build every
 * struct with its keys in declaration order (overrides keep their key's position), which this relies on.
 */
export function tuple<T extends object>(value: T): unknown[] {
  return Object.values(value);
}

/**
 * Options of `deployDeal`: `tranches` replaces the sample tranches (their faces must fit the 100M tape;
 * `fullAllocation` then allots each whole tranche to investor 1); `interestOnly` lists the indexes among them added
 * as interest-only tranches (`addInterestOnlyTranche`: their faces are notionals, not counted against the tape).
 */
export type DeployDealOptions = { tranches?: readonly TrancheTerms[]; interestOnly?: readonly number[] };

/**
 * The sample deal in Draft: the consortium, the tranche, pool and offering factories deployed and authorised
 * by governance, the custodian's `CashToken`, the pool of `DEAL_ID` created by the trustee, and its tranches
 * added (the three sample tranches unless `options.tranches`).
 */
export async function deployDeal(options: DeployDealOptions = {}) {
  const consortium = await deployConsortium();
  const { registry, deployer, originator, servicer, trustee, investor1, investor2, investor3 } = consortium;

  const trancheFactory = (await ethers.deployContract(
    "TrancheTokenFactory",
    [await registry.getAddress()],
    deployer,
  )) as unknown as TrancheTokenFactory;
  const poolFactory = (await ethers.deployContract(
    "AssetPoolFactory",
    [await registry.getAddress(), await trancheFactory.getAddress()],
    deployer,
  )) as unknown as AssetPoolFactory;
  await consortium.authorizeFactory(await trancheFactory.getAddress());
  await consortium.authorizeFactory(await poolFactory.getAddress());

  const offeringFactory = (await ethers.deployContract(
    "OfferingFactory",
    [await registry.getAddress()],
    deployer,
  )) as unknown as OfferingFactory;
  await consortium.authorizeFactory(await offeringFactory.getAddress());

  const cashToken = (await ethers.deployContract(
    "CashToken",
    [await registry.getAddress(), consortium.custodian.address, "Trust Deposit CNY", "tdCNY", CNY],
    deployer,
  )) as unknown as CashToken;

  const params: PoolParams = {
    dealId: DEAL_ID,
    name: DEAL_NAME,
    originator: originator.address,
    servicer: servicer.address,
    trustee: trustee.address,
    cashToken: await cashToken.getAddress(),
  };
  await (await poolFactory.connect(trustee).createPool(params)).wait();
  const pool = (await ethers.getContractAt("AssetPool", await poolFactory.poolOf(DEAL_ID))) as unknown as AssetPool;
  for (const [i, terms] of (options.tranches ?? TRANCHE_TERMS).entries()) {
    const asTrustee = pool.connect(trustee);
    const interestOnly = options.interestOnly?.includes(i) === true;
    await (await (interestOnly ? asTrustee.addInterestOnlyTranche(terms) : asTrustee.addTranche(terms))).wait();
  }
  const trancheAddresses = await pool.tranches();
  const tranches: ITrancheToken[] = [];
  for (const address of trancheAddresses) {
    tranches.push((await ethers.getContractAt("ITrancheToken", address)) as unknown as ITrancheToken);
  }

  /** Every tranche fully allotted: A split between investors 1 and 2, B to 2, C to 3. */
  const fullAllocation = (): Allocation[] => {
    const custom = options.tranches;
    if (custom) {
      return custom.map((terms, i) => ({
        tranche: trancheAddresses[i] ?? ethers.ZeroAddress,
        investor: investor1.address,
        amountCents: terms.originalFaceCents,
      }));
    }
    const [a, b, c] = trancheAddresses;
    if (a === undefined || b === undefined || c === undefined) throw new Error("deployDeal: 3 tranches expected");
    return [
      { tranche: a, investor: investor1.address, amountCents: 50_000_000_00n },
      { tranche: a, investor: investor2.address, amountCents: 30_000_000_00n },
      { tranche: b, investor: investor2.address, amountCents: 12_000_000_00n },
      { tranche: c, investor: investor3.address, amountCents: 5_000_000_00n },
    ];
  };

  return {
    ...consortium,
    trancheFactory,
    poolFactory,
    offeringFactory,
    cashToken,
    params,
    pool,
    tranches,
    trancheTerms: options.tranches ?? TRANCHE_TERMS,
    fullAllocation,
  };
}

export type Deal = Awaited<ReturnType<typeof deployDeal>>;

/** The path from Draft to each state along which `advance` drives a pool. */
const PATH: Record<PoolStateName, PoolStateName[]> = {
  Draft: [],
  Structured: ["Structured"],
  Offering: ["Structured", "Offering"],
  Active: ["Structured", "Offering", "Active"],
  Amortizing: ["Structured", "Offering", "Active", "Amortizing"],
  Accelerated: ["Structured", "Offering", "Active", "Accelerated"],
  Redeemed: ["Structured", "Offering", "Active", "Amortizing", "Redeemed"],
};

/** Options of `advance`: whether the issuance opens a revolving period (ending a year after now). */
export type AdvanceOptions = { revolving?: boolean };

/**
 * Drive a deal to `target`, anchoring the initial tape on the way; steps to states the pool has already reached
 * are skipped (so a test can stop in Structured, configure, then go on to Active). Issuance (to Active) goes
 * through the pool's offering: `deal.fullAllocation()` subscribed and paid at par in cash minted by the
 * custodian, the windows left to close (the chain's clock moves a day), then closed.
 */
export async function advance(deal: Deal, target: PoolStateName, options: AdvanceOptions = {}): Promise<void> {
  const { pool, originator, trustee } = deal;
  const current = Number(await pool.state());
  for (const step of PATH[target].filter((s) => PoolState[s] > current)) {
    const asTrustee = pool.connect(trustee);
    switch (step) {
      case "Structured":
        await (await pool.connect(originator).anchorTape(tapeAnchor(), tapeChange())).wait();
        await (await asTrustee.markStructured()).wait();
        break;
      case "Offering":
        await (await asTrustee.openOffering()).wait();
        break;
      case "Active":
        await issue(deal, deal.fullAllocation(), options);
        break;
      case "Amortizing":
        await (await asTrustee.startAmortization()).wait();
        break;
      case "Accelerated":
        await (await asTrustee.accelerate(ethers.id("notice:event-of-default"))).wait();
        break;
      case "Redeemed":
        await (await asTrustee.redeem()).wait();
        break;
      default:
        throw new Error(`advance: no step to ${step}`);
    }
  }
}

async function latestTime(): Promise<number> {
  const block = await ethers.provider.getBlock("latest");
  if (!block) throw new Error("no latest block");
  return block.timestamp;
}

/** Par, in basis points of face. */
export const PAR_BPS = 10_000n;

/**
 * One window per tranche of the sample deal, open from `opensAt` for a day: at par, orders of at least
 * 1,000.00 in steps of 0.01, each tranche's minimum size its whole face, class 0 only.
 */
export function sampleWindows(
  opensAt: bigint,
  fields: Partial<TrancheWindow> = {},
  terms: readonly TrancheTerms[] = TRANCHE_TERMS,
): TrancheWindow[] {
  return terms.map((t) => ({
    priceBps: PAR_BPS,
    minSubscriptionCents: 1_000_00n,
    incrementCents: 1n,
    minSizeCents: t.originalFaceCents,
    allowedInvestorClasses: ONLY_QUALIFIED,
    opensAt,
    closesAt: opensAt + DAY,
    ...fields,
  }));
}

export const NO_WAREHOUSE: WarehouseTerms = { investor: ethers.ZeroAddress, advanceCents: 0n, repaymentCents: 0n };

/** The trustee creates the pool's offering (windows opening now by default); returns it. */
export async function createOffering(
  deal: Deal,
  windows?: TrancheWindow[],
  warehouse: WarehouseTerms = NO_WAREHOUSE,
): Promise<Offering> {
  const w = windows ?? sampleWindows(BigInt(await latestTime()), {}, deal.trancheTerms);
  const poolAddress = await deal.pool.getAddress();
  await (await deal.offeringFactory.connect(deal.trustee).createOffering(poolAddress, w, warehouse)).wait();
  const address = await deal.offeringFactory.offeringOf(poolAddress);
  return (await ethers.getContractAt("Offering", address)) as unknown as Offering;
}

let bankRefCounter = 0;
/** A bank reference never used before in this process (each credit cites one, once). */
export function nextBankRef(label = "credit"): string {
  bankRefCounter += 1;
  return ethers.id(`bank-ref:${label}:${bankRefCounter}`);
}

/** The custodian mints `amountCents` of cash to `account` against a fresh bank credit. */
export async function fundCash(deal: Deal, account: string, amountCents: bigint): Promise<void> {
  await (await deal.cashToken.connect(deal.custodian).mint(account, amountCents, nextBankRef())).wait();
}

/**
 * Each allocation becomes a paid subscription: the custodian credits the investor's cash for it, the
 * investor approves the offering and subscribes.
 */
export async function subscribeAll(deal: Deal, offering: Offering, allocations: Allocation[]): Promise<void> {
  const tranches = await deal.pool.tranches();
  const offeringAddress = await offering.getAddress();
  const signers = await ethers.getSigners();
  for (const a of allocations) {
    const index = tranches.indexOf(String(a.tranche));
    const investor = signers.find((s) => s.address === a.investor);
    if (index < 0 || !investor) throw new Error(`subscribeAll: unknown tranche or investor in ${String(a.tranche)}`);
    const amount = BigInt(a.amountCents);
    const cost = await offering.costOf(index, amount);
    await fundCash(deal, investor.address, cost);
    await (await deal.cashToken.connect(investor).approve(offeringAddress, cost)).wait();
    await (await offering.connect(investor).subscribe(index, amount)).wait();
  }
}

/** Close parameters selling tape `tapeVersion` with the default allocation rule for every tranche. */
export function closeParams(fields: Partial<CloseParams> = {}, trancheCount = TRANCHE_TERMS.length): CloseParams {
  const tables = Array.from({ length: trancheCount }, () => []);
  return { tapeVersion: 1, revolving: false, revolvingEndDate: 0n, tables, ...fields };
}

/**
 * Issue an Offering pool through its offering: create it, subscribe and pay for `allocations`, wait for the
 * windows to close, and have the trustee close it (the pool becomes Active). Returns the offering.
 */
export async function issue(deal: Deal, allocations: Allocation[], options: AdvanceOptions = {}): Promise<Offering> {
  const offering = await createOffering(deal);
  await subscribeAll(deal, offering, allocations);
  const window = await offering.window(0);
  if (BigInt(await latestTime()) < window.closesAt) await time.increaseTo(window.closesAt);
  const revolving = options.revolving ?? false;
  const revolvingEndDate = revolving ? BigInt(await latestTime()) + 365n * DAY : 0n;
  await (
    await offering.connect(deal.trustee).close(closeParams({ revolving, revolvingEndDate }, deal.trancheTerms.length))
  ).wait();
  return offering;
}

/**
 * One fixture per state (stable function references, as `loadFixture` requires): the sample deal
 * driven to that state, non-revolving.
 */
export const dealIn = Object.fromEntries(
  POOL_STATES.map((s) => {
    // A computed key names the function (`dealInActive`, ...): loadFixture refuses anonymous fixtures.
    const named = {
      [`dealIn${s}`]: async (): Promise<Deal> => {
        const deal = await deployDeal();
        await advance(deal, s);
        return deal;
      },
    };
    return [s, named[`dealIn${s}`]];
  }),
) as Record<PoolStateName, () => Promise<Deal>>;

/** The sample deal, Active with a revolving period ending a year after issuance. */
export async function deployRevolvingDeal(): Promise<Deal> {
  const deal = await deployDeal();
  await advance(deal, "Active", { revolving: true });
  return deal;
}

/** Every named signer of the consortium fixture, by name (for "every other role fails" tests). */
export function signersByName(deal: Deal): [string, HardhatEthersSigner][] {
  return [
    ["deployer", deal.deployer],
    ["originator", deal.originator],
    ["servicer", deal.servicer],
    ["trustee", deal.trustee],
    ["custodian", deal.custodian],
    ["regulator", deal.regulator],
    ["investor1", deal.investor1],
    ["guarantor", deal.guarantor],
    ["exchange", deal.exchange],
    ["outsider", deal.outsider],
  ];
}

/** Every named signer except those in `allowed`. */
export function othersThan(deal: Deal, ...allowed: HardhatEthersSigner[]): [string, HardhatEthersSigner][] {
  const keep = new Set(allowed.map((s) => s.address));
  return signersByName(deal).filter(([, s]) => !keep.has(s.address));
}

/** Reinstate a suspended voting member, voted by the other voters (the suspended one cannot vote). */
export async function reinstateVoter(deal: Deal, account: string): Promise<void> {
  const voters = deal.voters.filter((v) => v.address !== account);
  await deal.govern(action(ActionKind.ReinstateMember, { account }), voters);
}
