import { encodeBytes32String, getAddress, keccak256, toUtf8Bytes } from "ethers";
import { Role, TapeCommitmentBuilder, type LoanRecord } from "@abs/core";
import { AssetPool__factory, AssetPoolFactory__factory, DocumentRegistry__factory } from "../typechain-types";
import { type SampleDealConfig, parseFixed, sampleDealLoans } from "./config";
import { confirm, type DeployContext } from "./consortium";
import { issueSampleDeal, type SampleSubscription } from "./sample-offering";
import { deploySampleWaterfall } from "./sample-waterfall";

/** What `npm start` prints about the sample deal. */
export interface SampleDealSummary {
  dealId: string;
  pool: string;
  state: string;
  /** The deal's waterfall (`abs settle --waterfall`) */
  waterfall: string;
  tranches: { symbol: string; address: string; faceCents: bigint }[];
  tape: { version: number; root: string; loanCount: number; totalPrincipalCents: bigint; dataUri: string };
  prospectusDocId: bigint;
}

const POOL_STATES = ["Draft", "Structured", "Offering", "Active", "Amortizing", "Accelerated", "Redeemed"] as const;
const COUPON_TYPES = { Fixed: 0, Floating: 1, None: 2 } as const;
const PROSPECTUS = encodeBytes32String("PROSPECTUS");

/**
 * The sample deal: a pool with its tranches, a synthetic tape anchored, a prospectus signed off,
 * and the tranches issued to the sample investors through the offering, paid in cash (the pool ends Active). Every step checks the
 * chain first, so a re-run resumes where a previous one stopped.
 *
 * The tape's salt key is derived from the deal id: fine for a public demonstration tape of
 * synthetic loans, never for a real one (a real originator's node holds its own secret key).
 */
export async function deploySampleDeal(
  ctx: DeployContext,
  deal: SampleDealConfig,
  deps: {
    poolFactory: string;
    offeringFactory: string;
    documents: string;
    cashToken: string;
    custodian: string;
    waterfallFactory: string;
    addressOf(name: string): string;
  },
): Promise<SampleDealSummary> {
  const trustee = ctx.signerOf(deal.trustee);
  const originator = ctx.signerOf(deal.originator);
  const dealId = encodeBytes32String(deal.dealId);
  const factory = AssetPoolFactory__factory.connect(deps.poolFactory, trustee);

  const tape = commitSampleTape(deal);

  let poolAddress = await factory.poolOf(dealId);
  if (poolAddress === "0x0000000000000000000000000000000000000000") {
    await confirm(
      factory.createPool({
        dealId,
        name: deal.name,
        originator: deps.addressOf(deal.originator),
        servicer: deps.addressOf(deal.servicer),
        trustee: deps.addressOf(deal.trustee),
        cashToken: deps.cashToken,
      }),
    );
    poolAddress = await factory.poolOf(dealId);
    ctx.log(`deal    ${deal.dealId} pool created at ${poolAddress}`);
  }
  const pool = AssetPool__factory.connect(poolAddress, trustee);

  // Tranche faces: each tranche's share of the tape principal, rounded down; the most junior
  // tranche receives the rounding remainder so the faces add up to the tape principal exactly.
  const faces = trancheFaces(deal, tape.totalPrincipalCents);
  if ((await pool.state()) === 0n) {
    const existing = (await pool.tranches()).length;
    const ordered = [...deal.tranches].sort((a, b) => a.seniority - b.seniority);
    for (const t of ordered.slice(existing)) {
      await confirm(
        pool.addTranche({
          name: t.name,
          symbol: t.symbol,
          seniority: t.seniority,
          couponType: COUPON_TYPES[t.couponType],
          couponRateWad: parseFixed(t.couponRate, 18),
          originalFaceCents: faces.get(t.seniority) ?? 0n,
          allowedInvestorClasses: t.allowedInvestorClasses.reduce((mask, c) => mask | (1 << c), 0),
        }),
      );
      ctx.log(`deal    tranche ${t.symbol} added`);
    }
    if ((await pool.tapeCount()) === 0n) {
      await confirm(
        pool.connect(originator).anchorTape(
          {
            merkleRoot: tape.root,
            loanCount: tape.loanCount,
            totalPrincipalCents: tape.totalPrincipalCents,
            waRateWad: tape.waRateWad,
            waRemainingTermMonthsWad: tape.waRemainingTermMonthsWad,
            cutoffDate: BigInt(Date.parse(`${deal.cutoffDate}T00:00:00Z`) / 1000),
            contentHash: tape.contentHash,
            dataUri: deal.dataUri,
          },
          {
            kind: 0,
            loansAdded: 0,
            loansRemoved: 0,
            principalAddedCents: 0,
            principalRemovedCents: 0,
            changeSetRoot: "0x" + "00".repeat(32),
          },
        ),
      );
      ctx.log(`deal    tape v1 anchored: ${tape.loanCount} loans, root ${tape.root}`);
    }
    await confirm(pool.markStructured());
  }

  const documents = DocumentRegistry__factory.connect(deps.documents, trustee);
  let [prospectusDocId] = await documents.latestVersion(poolAddress, PROSPECTUS);
  if (prospectusDocId === 0n) {
    const prospectus = `Prospectus of ${deal.name} (sample). Tape root ${tape.root}.`;
    await confirm(
      documents.registerDocument(
        poolAddress,
        PROSPECTUS,
        keccak256(toUtf8Bytes(prospectus)),
        `abs-node://trustee/documents/${deal.dealId}/prospectus-v1.pdf`,
        (1 << Role.TRUSTEE) | (1 << Role.ORIGINATOR),
      ),
    );
    [prospectusDocId] = await documents.latestVersion(poolAddress, PROSPECTUS);
  }
  const signed = await documents.signedRoles(prospectusDocId);
  for (const [role, signer] of [
    [Role.TRUSTEE, trustee],
    [Role.ORIGINATOR, originator],
  ] as const) {
    if ((signed & (1n << BigInt(role))) === 0n) await confirm(documents.connect(signer).signOff(prospectusDocId, role));
  }

  // The deal's waterfall, configured while Structured (a separate step, see deploy/sample-waterfall.ts).
  const waterfall = await deploySampleWaterfall(ctx, {
    pool: poolAddress,
    waterfallFactory: deps.waterfallFactory,
    trustee: deal.trustee,
  });
  if ((await pool.state()) === 1n) await confirm(pool.openOffering());
  if ((await pool.state()) === 2n) {
    const trancheAddresses = await pool.tranches();
    await issueSampleDeal(ctx, {
      dealId: deal.dealId,
      pool: poolAddress,
      offeringFactory: deps.offeringFactory,
      cashToken: deps.cashToken,
      trustee: deal.trustee,
      custodian: deps.custodian,
      subscriptions: sampleAllocations(deal, trancheAddresses, faces),
      addressOf: deps.addressOf,
    });
  }

  const trancheAddresses = await pool.tranches();
  ctx.book.setDeal(deal.dealId, poolAddress, [...trancheAddresses]);
  const ordered = [...deal.tranches].sort((a, b) => a.seniority - b.seniority);
  return {
    dealId: deal.dealId,
    pool: poolAddress,
    state: POOL_STATES[Number(await pool.state())] ?? "unknown",
    waterfall,
    tranches: trancheAddresses.map((address, i) => ({
      symbol: ordered[i]?.symbol ?? "?",
      address,
      faceCents: faces.get(ordered[i]?.seniority ?? 0) ?? 0n,
    })),
    tape: {
      version: 1,
      root: tape.root,
      loanCount: tape.loanCount,
      totalPrincipalCents: tape.totalPrincipalCents,
      dataUri: deal.dataUri,
    },
    prospectusDocId,
  };
}

interface SampleTape {
  root: string;
  loanCount: number;
  totalPrincipalCents: bigint;
  waRateWad: bigint;
  waRemainingTermMonthsWad: bigint;
  contentHash: string;
}

/**
 * The salt key of the sample deal's public demonstration tape, derived from its deal id (see
 * `deploySampleDeal`): whoever regenerates the sample loans (tests, the originator's node) derives it here.
 */
export function sampleTapeSaltKey(dealId: string): Buffer {
  return Buffer.from(keccak256(toUtf8Bytes(`abs.sample-deal.salt-key:${dealId}`)).slice(2), "hex");
}

/** Generate the synthetic tape (deterministic from the config's seed) and commit to it. */
function commitSampleTape(deal: SampleDealConfig): SampleTape {
  const builder = new TapeCommitmentBuilder({ saltKey: sampleTapeSaltKey(deal.dealId) });
  const lines: string[] = [];
  for (const loan of sampleDealLoans(deal)) {
    builder.add(loan);
    lines.push(canonicalJsonLine(loan));
  }
  const { root, summary } = builder.finish();
  return {
    root,
    loanCount: summary.loanCount,
    totalPrincipalCents: summary.totalPrincipalCents,
    waRateWad: summary.waRateWad,
    waRemainingTermMonthsWad: summary.waRemainingTermMonthsWad,
    contentHash: keccak256(toUtf8Bytes(lines.join("\n") + "\n")),
  };
}

function canonicalJsonLine(loan: LoanRecord): string {
  return JSON.stringify(loan, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

export function trancheFaces(deal: SampleDealConfig, totalCents: bigint): Map<number, bigint> {
  const ordered = [...deal.tranches].sort((a, b) => a.seniority - b.seniority);
  const faces = new Map<number, bigint>();
  let assigned = 0n;
  ordered.forEach((t, i) => {
    const isMostJunior = i === ordered.length - 1;
    // Rounded down; the most junior tranche owns the remainder.
    const face = isMostJunior ? totalCents - assigned : (totalCents * parseFixed(t.faceShare, 18)) / 10n ** 18n;
    faces.set(t.seniority, face);
    assigned += face;
  });
  return faces;
}

/**
 * Sample subscriptions (each paid in cash at par through the offering): the senior class split across the
 * three investors (by thirds, the last taking the remainder), the mezzanine to investor-1, the
 * subordinated class bought by the originator (risk retention).
 */
function sampleAllocations(
  deal: SampleDealConfig,
  tranches: readonly string[],
  faces: Map<number, bigint>,
): SampleSubscription[] {
  const ordered = [...deal.tranches].sort((a, b) => a.seniority - b.seniority);
  const allocations: SampleSubscription[] = [];
  ordered.forEach((t, i) => {
    const tranche = tranches[i];
    const face = faces.get(t.seniority) ?? 0n;
    if (!tranche) throw new Error(`tranche ${t.symbol} is not on chain`);
    const holders =
      i === 0
        ? ["investor-1", "investor-2", "investor-3"]
        : i === ordered.length - 1
          ? [deal.originator]
          : ["investor-1"];
    let left = face;
    holders.forEach((holder, h) => {
      const amount = h === holders.length - 1 ? left : face / BigInt(holders.length);
      left -= amount;
      allocations.push({ tranche: getAddress(tranche), investor: holder, amountCents: amount });
    });
  });
  return allocations;
}
