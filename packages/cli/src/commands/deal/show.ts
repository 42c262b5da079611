/**
 * `abs deal show --deal CODE`: the deal read back from the chain, printed as a deal file (YAML; `--json` for JSON)
 * with its state as comments: what `abs deal structure` put on chain, in the format it was given. Faces are
 * printed exactly (`face:`), fees and payees by member name, the documents with their sign-off state.
 */
import { type Command } from "commander";
import { type Contract, ZeroAddress } from "ethers";
import { stringify } from "yaml";
import { ROLE_NAMES, waterfall as wf } from "@abs/core";
import { contractAt, readCall } from "../../contracts/chain-calls";
import { type ChainSession, type DealView } from "../../deal/deal-session";
import { registerDealCommand } from "../../deal/deal-command";
import { centsToAmount, principalClassOf, wadToDecimal } from "../../deal/deal-terms";
import { type CliIo } from "../../io";

const RAY_PER_WAD = 10n ** 9n;

function rolesOf(mask: bigint): string[] {
  return ROLE_NAMES.filter((_, bit) => (mask & (1n << BigInt(bit))) !== 0n);
}

/** The deal as a deal-file object (plus `status`, which a deal file does not have). */
export async function dealFileFromChain(session: ChainSession, deal: DealView): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {
    deal: deal.code,
    currency: session.file.currency,
  };
  const tranches = deal.tranches.map((t) => ({
    class: t.class,
    name: t.name,
    symbol: t.symbol,
    seniority: t.seniority,
    face: centsToAmount(t.originalFaceCents),
    // The chain's name with a lower-case first letter: "Fixed" -> "fixed", "InverseFloating" -> "inverseFloating".
    coupon: { type: t.couponType.charAt(0).toLowerCase() + t.couponType.slice(1) } as Record<string, string>,
    investorClasses: [...Array(32).keys()].filter((c) => (t.allowedInvestorClasses & (1 << c)) !== 0),
  }));
  if (deal.waterfall !== ZeroAddress) {
    const w = contractAt("Waterfall", deal.waterfall, session.provider);
    const raw = await readCall<unknown>(w, "config", []);
    const config = wf.fromAbiConfig(raw as Parameters<typeof wf.fromAbiConfig>[0]);
    const parties = await readCall<{ feeRecipients: string[]; equityHolder: string; guarantor: string }>(
      w,
      "parties",
      [],
    );
    const [cleanUpRay] = await readCall<[bigint, boolean]>(w, "cleanUpCall", []);
    out.dayCount = config.yearBasisDays === 360 ? "ACT/360" : "ACT/365";
    config.tranches.forEach((c, i) => {
      const entry = tranches[i];
      if (entry === undefined) return;
      if (c.couponType === "fixed") entry.coupon = { type: "fixed", rate: wadToDecimal(c.couponRateWad) };
      else if (c.couponType === "floating")
        entry.coupon = {
          type: "floating",
          margin: wadToDecimal(c.couponRateWad),
          cap: wadToDecimal(c.capRateWad),
          floor: wadToDecimal(c.floorRateWad),
        };
      else if (c.couponType === "inverseFloating")
        entry.coupon = {
          type: "inverseFloating",
          constant: wadToDecimal(c.couponRateWad),
          multiplier: wadToDecimal(c.indexMultiplierWad ?? 0n),
          cap: wadToDecimal(c.capRateWad),
          floor: wadToDecimal(c.floorRateWad),
        };
    });
    (config.classes ?? []).forEach((c, i) => {
      const entry = tranches[i] as Record<string, unknown> | undefined;
      if (entry === undefined) return;
      entry.principalClass = principalClassOf(c.kind);
      if (c.lockoutPeriods !== 0) entry.lockoutPeriods = c.lockoutPeriods;
      // An io tranche's face is its notional, the face of the tranche before it: a deal file gives none.
      if (c.kind === "interestOnly") delete entry.face;
    });
    out.tranches = tranches;
    out.principal = {
      mode: config.principalMode,
      ocTarget: wadToDecimal(config.targetOcWad),
      ocFloor: centsToAmount(config.ocFloorCents),
      ...(config.principalMode === "scheduled" ? { schedule: await scheduleOf(session, w, tranches) } : {}),
      ...(config.stepDownPeriod === undefined ? {} : { stepDownPeriod: config.stepDownPeriod }),
      ...(config.principalDeficiencyLedger === true ? { deficiencyLedger: true } : {}),
    };
    out.fees = config.fees.map((f, i) => ({
      name: `fee ${i + 1}`,
      payee: session.names.of(parties.feeRecipients[i] ?? ZeroAddress),
      fixed: centsToAmount(f.fixedCents),
      rate: wadToDecimal(f.rateWad),
    }));
    if (config.reserve.targetWad !== 0n || config.reserve.floorCents !== 0n) {
      out.reserve = {
        target: wadToDecimal(config.reserve.targetWad),
        floor: centsToAmount(config.reserve.floorCents),
        coversFees: config.reserve.coversFees,
        coveredTranches: config.reserve.coveredTranches,
      };
    }
    if (parties.guarantor !== ZeroAddress) {
      out.guarantee = {
        guarantor: session.names.of(parties.guarantor),
        limit: centsToAmount(config.guarantee.limitCents),
        feeRate: wadToDecimal(config.guarantee.feeRateWad),
        feeOn: config.guarantee.feeOnUndrawn === true ? "undrawn" : "limit",
        usageRate: wadToDecimal(config.guarantee.usageRateWad ?? 0n),
        ...(config.guarantee.expiryPeriod === undefined ? {} : { expiryPeriod: config.guarantee.expiryPeriod }),
        coversFees: config.guarantee.coversFees,
        coveredTranches: config.guarantee.coveredTranches,
      };
    }
    const payLegFee = config.cap?.payLegFee ?? 0;
    const term = config.cap?.expiryPeriod === undefined ? {} : { expiryPeriod: config.cap.expiryPeriod };
    if (config.cap !== undefined && payLegFee === 0) {
      out.interestRateCap = { strike: wadToDecimal(config.cap.strikeRateWad), scope: config.cap.trancheScope, ...term };
    } else if (config.cap !== undefined) {
      // The chain keeps no fee names: the pay leg is named as the fees above are.
      out.interestRateSwap = {
        fixedRate: wadToDecimal(config.cap.strikeRateWad),
        scope: config.cap.trancheScope,
        ...term,
        fee: `fee ${payLegFee}`,
      };
    }
    out.triggers = config.triggers.map((t) => ({
      kind: t.kind,
      effect: t.effect,
      curable: t.curable,
      scope: t.trancheScope,
      ...(t.scheduleWad.length > 0
        ? { schedule: t.scheduleWad.map(wadToDecimal) }
        : { threshold: wadToDecimal(t.thresholdWad) }),
    }));
    out.residual = session.names.of(parties.equityHolder);
    if (cleanUpRay !== 0n) out.cleanUpCall = wadToDecimal(cleanUpRay / RAY_PER_WAD);
  } else {
    out.tranches = tranches;
  }
  out.documents = await documentsOf(session, deal.pool);
  return out;
}

/** A scheduled deal's targets as the chain keeps them, per class (a band reads back as the lists it fixed). */
async function scheduleOf(
  session: ChainSession,
  waterfall: Contract,
  tranches: readonly { class: string }[],
): Promise<Record<string, unknown>> {
  const [store, periods, mask] = await readCall<[string, bigint, bigint, string]>(waterfall, "scheduleStore", []);
  if (store === ZeroAddress) return { targets: {} };
  const engine = contractAt("WaterfallEngine", await readCall<string>(waterfall, "engine", []), session.provider);
  const [indexes, lists] = await readCall<[bigint[], bigint[][]]>(engine, "readSchedule", [store, periods, mask]);
  const targets: Record<string, string[]> = {};
  indexes.forEach((t, k) => {
    const name = tranches[Number(t)]?.class ?? String(t);
    targets[name] = (lists[k] ?? []).map(centsToAmount);
  });
  return { targets };
}

async function documentsOf(session: ChainSession, pool: string): Promise<Record<string, unknown>[]> {
  const registry = session.contract("DocumentRegistry");
  const count = await readCall<bigint>(registry, "documentCount", []);
  const documents: Record<string, unknown>[] = [];
  for (let id = 1n; id <= count; id++) {
    const d = await readCall<{
      deal: string;
      docType: string;
      contentHash: string;
      uri: string;
      requiredRoles: bigint;
      signedRoles: bigint;
      supersededBy: bigint;
      version: bigint;
    }>(registry, "document", [id]);
    if (d.deal.toLowerCase() !== pool.toLowerCase() || d.supersededBy !== 0n) continue;
    const type = Buffer.from(d.docType.slice(2), "hex").toString("utf8").replace(/\0+$/, "");
    documents.push({
      type,
      uri: d.uri,
      hash: d.contentHash,
      signers: rolesOf(d.requiredRoles),
      signedBy: rolesOf(d.signedRoles),
      version: Number(d.version),
    });
  }
  return documents;
}

export function registerDealShow(deal: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    deal,
    {
      name: "show",
      description: "print a deal from the chain in the deal file's format (with its state)",
      by: "any member",
      options: (c) => c,
      shape: {},
      run: async (session, view) => {
        const d = view as DealView;
        const file = await dealFileFromChain(session, d);
        const status = {
          state: d.state,
          pool: d.pool,
          waterfall: d.waterfall,
          offering: d.offering,
          trustee: session.names.of(d.trustee),
          originator: session.names.of(d.originator),
          servicer: session.names.of(d.servicer),
        };
        const header = Object.entries(status)
          .map(([k, v]) => `# ${k}: ${v}`)
          .join("\n");
        return {
          title: `${header}\n${stringify(file, { lineWidth: 0 }).trimEnd()}`,
          lines: [],
          json: { ...file, status },
        };
      },
    },
    io,
    setExitCode,
  );
}
