import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type ContractTransactionResponse } from "ethers";
import { type IssuerHarness } from "../../typechain-types";
import { action } from "../helpers/consortium";
import { ActionKind } from "../helpers/roles";
import {
  CUTOFF,
  DAY,
  type Deal,
  dealIn,
  deployRevolvingDeal,
  LEGAL_EDGES,
  PERIOD_LENGTH,
  periodReport,
  POOL_STATES,
  PoolState,
  type PoolStateName,
  signersByName,
  TapeChangeKind,
  tapeAnchor,
  tapeChange,
  validChange,
} from "../helpers/pool";

/**
 * Random sequences of lifecycle transitions, tape anchors, period reports, restatements and party
 * suspensions, by random callers, against the real AssetPool, checked step by step against a plain
 * TypeScript model that predicts, for every call, either success or the exact custom error.
 * Invariants POOL-1 .. POOL-6 in test/INVARIANTS.md.
 */

const REASON = ethers.id("notice:property");
/** The parties whose role each kind of call needs. */
type Party = "originator" | "servicer" | "trustee";
/** Named signers in `signersByName` order; index 10 means "the entitled party". */
const SIGNER_COUNT = 10;
const ENTITLED = SIGNER_COUNT;

type Draw =
  | { kind: "transition"; fn: number; caller: number; revolving: boolean }
  | { kind: "anchor"; change: number; caller: number; cutoffStep: number }
  | { kind: "report"; caller: number; offset: number }
  | { kind: "restate"; caller: number; pick: number }
  | { kind: "toggleSuspension"; party: Party };

/** The entitled party 3 times in 4, otherwise any named signer (which may still be the party). */
const caller = fc.oneof(
  { weight: 3, arbitrary: fc.constant(ENTITLED) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: SIGNER_COUNT - 1 }) },
);
const TRANSITION_NAMES = [
  "markStructured",
  "openOffering",
  "withdrawOffering",
  "closeIssuance",
  "startAmortization",
  "accelerate",
  "redeem",
] as const;
/** The state each transition requests, and the states it is legal from. */
const TRANSITION_RULES: Record<(typeof TRANSITION_NAMES)[number], { to: number; from: readonly number[] }> = {
  markStructured: { to: PoolState.Structured, from: [PoolState.Draft] },
  openOffering: { to: PoolState.Offering, from: [PoolState.Structured] },
  withdrawOffering: { to: PoolState.Structured, from: [PoolState.Offering] },
  closeIssuance: { to: PoolState.Active, from: [PoolState.Offering] },
  startAmortization: { to: PoolState.Amortizing, from: [PoolState.Active] },
  accelerate: { to: PoolState.Accelerated, from: [PoolState.Active, PoolState.Amortizing] },
  redeem: { to: PoolState.Redeemed, from: [PoolState.Amortizing, PoolState.Accelerated] },
};

const drawArb: fc.Arbitrary<Draw> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("transition" as const),
      // 0..6 name a transition; 7..9 mean "one that is legal now", so sequences get past Draft.
      fn: fc.integer({ min: 0, max: TRANSITION_NAMES.length + 2 }),
      caller,
      revolving: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("anchor" as const),
      change: fc.constantFrom(...Object.values(TapeChangeKind)),
      caller,
      // -1 tries a cut-off date earlier than the previous version's.
      cutoffStep: fc.integer({ min: -1, max: 2 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("report" as const),
      caller,
      // Mostly the next period; sometimes one before or after it.
      offset: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1) }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("restate" as const), caller, pick: fc.nat({ max: 1_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("toggleSuspension" as const),
      party: fc.constantFrom<Party>("originator", "servicer", "trustee"),
    }),
  },
);

/** What the pool should hold. */
interface Model {
  state: number;
  tapeCount: number;
  lastCutoff: bigint;
  soldVersion: number;
  soldCutoff: bigint;
  revolving: boolean;
  lastPeriod: number;
  /** Per period (index = period - 1): its dates, its revision, its content hash. */
  periods: { startDate: bigint; endDate: bigint; revision: number; contentHash: string }[];
  suspended: Party | undefined;
}

/** Everything observable about the pool that the calls may change. */
async function observe(deal: Deal) {
  const { pool } = deal;
  const tapeCount = Number(await pool.tapeCount());
  const lastPeriod = Number(await pool.lastPeriod());
  const revisions: bigint[] = [];
  for (let p = 1; p <= lastPeriod; ++p) revisions.push(await pool.reportRevision(p));
  return {
    state: Number(await pool.state()),
    tapeCount,
    currentTapeVersion: Number(await pool.currentTapeVersion()),
    lastTape: tapeCount > 0 ? (await pool.tape(tapeCount)).toString() : "",
    soldTapeVersion: Number(await pool.soldTapeVersion()),
    revolving: (await pool.revolvingPeriod())[0],
    lastPeriod,
    lastReport: lastPeriod > 0 ? (await pool.report(lastPeriod)).toString() : "",
    revisions: revisions.join(","),
    tranches: (await pool.tranches()).join(","),
  };
}

/**
 * A test issuer bound to the deal's pool, registered as a deal contract by a governed test factory
 * (signer 12): created once per fixture run (the snapshot reverts it).
 */
async function issuerOf(deal: Deal): Promise<IssuerHarness> {
  const factory = (await ethers.getSigners())[12];
  if (!factory) throw new Error("hardhat signer 12 missing");
  if (!(await deal.registry.isFactory(factory.address))) await deal.authorizeFactory(factory.address);
  const poolAddress = await deal.pool.getAddress();
  const issuer = (await ethers.deployContract("IssuerHarness", [poolAddress, poolAddress])) as unknown as IssuerHarness;
  await (await deal.registry.connect(factory).registerDealContract(await issuer.getAddress())).wait();
  return issuer;
}

/** The custom error name of a failed call (the pool's, or the registry's for governance). */
function errorName(deal: Deal, error: unknown): string {
  const data = (error as { data?: unknown }).data;
  if (typeof data !== "string") throw error;
  const parsed = deal.pool.interface.parseError(data) ?? deal.registry.interface.parseError(data);
  if (!parsed) throw error;
  return parsed.name;
}

async function initialModel(deal: Deal): Promise<Model> {
  const o = await observe(deal);
  const periods: Model["periods"] = [];
  for (let p = 1; p <= o.lastPeriod; ++p) {
    const r = await deal.pool.report(p);
    periods.push({ startDate: r.startDate, endDate: r.endDate, revision: 0, contentHash: r.contentHash });
  }
  const soldCutoff = o.soldTapeVersion > 0 ? (await deal.pool.tape(o.soldTapeVersion)).anchor.cutoffDate : 0n;
  const lastCutoff = o.tapeCount > 0 ? (await deal.pool.tape(o.tapeCount)).anchor.cutoffDate : 0n;
  return {
    state: o.state,
    tapeCount: o.tapeCount,
    lastCutoff,
    soldVersion: o.soldTapeVersion,
    soldCutoff,
    revolving: o.revolving,
    lastPeriod: o.lastPeriod,
    periods,
    suspended: undefined,
  };
}

describe("AssetPool lifecycle (property)", function () {
  this.timeout(900_000);

  it("follows only legal edges, numbers tapes and periods strictly in sequence, and a failed call changes nothing", async () => {
    let hashCounter = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<PoolStateName | "Revolving">(...POOL_STATES.filter((s) => s !== "Redeemed"), "Revolving"),
        fc.boolean(),
        fc.array(drawArb, { minLength: 1, maxLength: 25, size: "max" }),
        async (start, anchorFirst, draws) => {
          const deal = await loadFixture(start === "Revolving" ? deployRevolvingDeal : dealIn[start]);
          if (start === "Draft" && anchorFirst) {
            await (await deal.pool.connect(deal.originator).anchorTape(tapeAnchor(), tapeChange())).wait();
          }
          const model = await initialModel(deal);
          const named = signersByName(deal);
          const partySigner: Record<Party, HardhatEthersSigner> = {
            originator: deal.originator,
            servicer: deal.servicer,
            trustee: deal.trustee,
          };
          const pick = (index: number, party: Party): HardhatEthersSigner =>
            index === ENTITLED ? partySigner[party] : (named[index]?.[1] ?? deal.outsider);
          /** The role error if `signer` may not act as `party` now, else undefined. */
          const roleError = (signer: HardhatEthersSigner, party: Party, error: string): string | undefined =>
            signer.address === partySigner[party].address && model.suspended !== party ? undefined : error;
          const reporting = () =>
            model.state === PoolState.Active ||
            model.state === PoolState.Amortizing ||
            model.state === PoolState.Accelerated;

          /** Every anchored version as first read back: it must never change (POOL-3). */
          const tapes: string[] = [];
          for (let v = 1; v <= model.tapeCount; ++v) tapes.push((await deal.pool.tape(v)).toString());

          for (const draw of draws) {
            const before = await observe(deal);
            let expected: string | undefined;
            let send: () => Promise<ContractTransactionResponse>;
            let apply: () => void = () => undefined;
            let requested: number | undefined;

            switch (draw.kind) {
              case "transition": {
                const legalNow = TRANSITION_NAMES.filter((n) => TRANSITION_RULES[n].from.includes(model.state));
                const name = TRANSITION_NAMES[draw.fn] ?? legalNow[draw.fn % Math.max(legalNow.length, 1)] ?? "redeem";
                const rule = TRANSITION_RULES[name];
                const signer = pick(draw.caller, "trustee");
                requested = rule.to;
                // Only the pool's offering issues: the entitled caller is a registered issuer bound to the
                // pool (the offering's own cash rules are OFF-*'s), anyone else calling the pool fails.
                const viaIssuer = name === "closeIssuance" && draw.caller === ENTITLED;
                const issuer = viaIssuer ? await issuerOf(deal) : undefined;
                expected =
                  (name === "closeIssuance"
                    ? viaIssuer
                      ? undefined
                      : "NotOffering"
                    : roleError(signer, "trustee", "NotTrustee")) ??
                  (rule.from.includes(model.state) ? undefined : "InvalidTransition") ??
                  (name === "markStructured" && model.tapeCount === 0 ? "TapeMissing" : undefined);
                const asSigner = deal.pool.connect(signer);
                const end = BigInt(await time.latest()) + 3650n * DAY;
                send = () => {
                  switch (name) {
                    case "markStructured":
                      return asSigner.markStructured();
                    case "openOffering":
                      return asSigner.openOffering();
                    case "withdrawOffering":
                      return asSigner.withdrawOffering();
                    case "closeIssuance":
                      // Sells the latest tape version.
                      return (issuer ?? asSigner).closeIssuance(
                        model.tapeCount,
                        deal.fullAllocation(),
                        draw.revolving,
                        draw.revolving ? end : 0n,
                      );
                    case "startAmortization":
                      return asSigner.startAmortization();
                    case "accelerate":
                      return asSigner.accelerate(REASON);
                    default:
                      return asSigner.redeem();
                  }
                };
                apply = () => {
                  model.state = rule.to;
                  if (name === "closeIssuance") {
                    model.soldVersion = model.tapeCount;
                    model.soldCutoff = model.lastCutoff;
                    model.revolving = draw.revolving;
                  }
                };
                break;
              }

              case "anchor": {
                const signer = pick(draw.caller, "originator");
                const kind = draw.change;
                const version = model.tapeCount + 1;
                const s = model.state;
                const allowed =
                  kind === TapeChangeKind.Initial || kind === TapeChangeKind.Correction
                    ? s === PoolState.Draft || s === PoolState.Structured
                    : kind === TapeChangeKind.RevolvingPurchase
                      ? s === PoolState.Active && model.revolving
                      : s >= PoolState.Structured && s <= PoolState.Accelerated;
                const cutoff = model.tapeCount === 0 ? CUTOFF : model.lastCutoff + BigInt(draw.cutoffStep) * DAY;
                expected =
                  roleError(signer, "originator", "NotOriginator") ??
                  ((version === 1) !== (kind === TapeChangeKind.Initial) ? "TapeKindInvalid" : undefined) ??
                  (allowed ? undefined : "TapeChangeNotAllowed") ??
                  (version > 1 && cutoff < model.lastCutoff ? "TapeCutoffDecreased" : undefined) ??
                  // After issuance a repurchase pays the trust, and the waterfall pays a revolving purchase (POOL-8):
                  // this deal has no waterfall. The sample substitution adds what it removes: no cash moves.
                  ((kind === TapeChangeKind.Repurchase || kind === TapeChangeKind.RevolvingPurchase) &&
                  s >= PoolState.Active &&
                  s <= PoolState.Accelerated
                    ? "TapeChangeWaterfallMissing"
                    : undefined);
                const anchor = tapeAnchor({ cutoffDate: cutoff, contentHash: ethers.id(`tape:${++hashCounter}`) });
                const change = kind === TapeChangeKind.Initial ? tapeChange() : validChange(kind);
                send = () => deal.pool.connect(signer).anchorTape(anchor, change);
                apply = () => {
                  model.tapeCount = version;
                  model.lastCutoff = cutoff;
                };
                break;
              }

              case "report": {
                const signer = pick(draw.caller, "servicer");
                const period = model.lastPeriod + 1 + draw.offset;
                const startDate = model.lastPeriod === 0 ? model.soldCutoff : (model.periods.at(-1)?.endDate ?? 0n);
                const endDate = startDate + PERIOD_LENGTH;
                const contentHash = ethers.id(`report:${++hashCounter}`);
                expected =
                  roleError(signer, "servicer", "NotServicer") ??
                  (reporting() ? undefined : "ReportNotAllowed") ??
                  (draw.offset === 0 ? undefined : "PeriodOutOfOrder");
                send = () =>
                  deal.pool.connect(signer).submitReport(periodReport(period, { startDate, endDate, contentHash }));
                apply = () => {
                  model.lastPeriod = period;
                  model.periods.push({ startDate, endDate, revision: 0, contentHash });
                };
                break;
              }

              case "restate": {
                const signer = pick(draw.caller, "servicer");
                // Periods 0..lastPeriod + 1: 0 and lastPeriod + 1 were never reported.
                const period = draw.pick % (model.lastPeriod + 2);
                const known = model.periods[period - 1];
                const contentHash = ethers.id(`restated:${++hashCounter}`);
                expected =
                  roleError(signer, "servicer", "NotServicer") ??
                  (reporting() ? undefined : "ReportNotAllowed") ??
                  (period >= 1 && period <= model.lastPeriod ? undefined : "PeriodNotSubmitted");
                const dates = known ? { startDate: known.startDate, endDate: known.endDate } : {};
                send = () =>
                  deal.pool
                    .connect(signer)
                    .restateReport(periodReport(period, { ...dates, contentHash }), ethers.id("restatement"));
                apply = () => {
                  if (!known) throw new Error("model: restated an unknown period");
                  known.revision += 1;
                  known.contentHash = contentHash;
                };
                break;
              }

              case "toggleSuspension": {
                // Governance needs 3 of the 4 voters: only one party is suspended at a time.
                const account = partySigner[draw.party].address;
                if (model.suspended === draw.party) {
                  const voters = deal.voters.filter((v) => v.address !== account);
                  await deal.govern(action(ActionKind.ReinstateMember, { account }), voters);
                  model.suspended = undefined;
                } else if (model.suspended === undefined) {
                  await deal.suspend(account);
                  model.suspended = draw.party;
                }
                expect(await observe(deal), "governance changes nothing in the pool").to.deep.equal(before);
                continue;
              }
            }

            if (expected === undefined) {
              const receipt = await (await send()).wait();
              if (!receipt) throw new Error("no receipt");
              apply();
              // POOL-1: every StateChanged follows a legal edge, and only transitions emit one.
              const edges = receipt.logs
                .map((log) => deal.pool.interface.parseLog(log))
                .filter((parsed) => parsed?.name === "StateChanged")
                .map((parsed) => [Number(parsed?.args[0]), Number(parsed?.args[1])] as const);
              if (draw.kind === "transition") {
                expect(edges).to.have.length(1);
                const [edge] = edges;
                expect(LEGAL_EDGES.some(([f, t]) => edge && f === edge[0] && t === edge[1])).to.equal(true);
                expect(edge?.[0]).to.equal(before.state);
                expect(edge?.[1]).to.equal(requested);
              } else {
                expect(edges).to.have.length(0);
              }
              if (draw.kind === "anchor") tapes.push((await deal.pool.tape(model.tapeCount)).toString());
              if (requested === PoolState.Active) {
                // POOL-6: the issuance minted exactly each tranche's original face.
                for (const token of deal.tranches) {
                  expect(await token.totalSupply()).to.equal((await token.terms()).originalFaceCents);
                }
              }
            } else {
              let name: string | undefined;
              try {
                await (await send()).wait();
              } catch (error) {
                name = errorName(deal, error);
              }
              expect(name, `${draw.kind} should revert ${expected}`).to.equal(expected);
              // POOL-5: a failed call changes nothing.
              expect(await observe(deal)).to.deep.equal(before);
            }

            // POOL-2/3/4: the pool matches the model.
            const after = await observe(deal);
            expect(after.state).to.equal(model.state);
            expect(after.tapeCount).to.equal(model.tapeCount);
            expect(after.currentTapeVersion).to.equal(model.tapeCount);
            expect(after.soldTapeVersion).to.equal(model.soldVersion);
            expect(after.lastPeriod).to.equal(model.lastPeriod);
            expect(after.lastPeriod).to.equal(model.periods.length);
            expect(after.revisions).to.equal(model.periods.map((p) => p.revision).join(","));
            for (const [i, p] of model.periods.entries()) {
              expect((await deal.pool.report(i + 1)).contentHash).to.equal(p.contentHash);
            }
            // Versions and periods never go back, and the tranches never change after Draft.
            expect(after.tapeCount).to.be.gte(before.tapeCount);
            expect(after.lastPeriod).to.be.gte(before.lastPeriod);
            expect(after.tranches).to.equal(before.tranches);
          }

          expect(tapes).to.have.length(model.tapeCount);
          for (const [i, recorded] of tapes.entries()) {
            expect((await deal.pool.tape(i + 1)).toString(), `tape ${i + 1}`).to.equal(recorded);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
