// AssetPool (template, one per deal): lifecycle, tranches, tapes, issuance, period reports.
import { Address, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  IssuanceClosed,
  PoolAccelerated,
  EventOfDefaultTriggered,
  RevolvingPurchasePaid,
  ReportRestated,
  ReportSubmitted,
  ReportSubmittedReportStruct,
  StateChanged,
  TapeAnchored,
  TrancheAdded,
  TrancheAllocated,
  WaterfallSet,
  DistributionRecorded,
} from "../generated/templates/AssetPool/AssetPool";
import { Allocation, PeriodReport, PeriodReportRevision, Pool, PoolStateChange, Tape } from "../generated/schema";
import { audit, eventId, getMember, poolStateName, seqId, tapeChangeKindName } from "./helpers";

const KIND = "AssetPool";

function loadPool(address: Address): Pool {
  const pool = Pool.load(address);
  if (pool == null) throw new Error("pool " + address.toHexString() + " not indexed");
  return pool;
}

export function handleStateChanged(event: StateChanged): void {
  const pool = loadPool(event.address);
  pool.state = poolStateName(event.params.to);
  pool.save();

  const change = new PoolStateChange(eventId(event));
  change.pool = pool.id;
  change.from = poolStateName(event.params.from);
  change.to = pool.state;
  change.actor = getMember(event.params.actor, event.block.timestamp).id;
  change.timestamp = event.block.timestamp;
  change.blockNumber = event.block.number;
  change.transactionHash = event.transaction.hash;
  change.save();
  audit(event, KIND, "StateChanged", event.params.actor, event.address, null);
}

export function handleTrancheAdded(event: TrancheAdded): void {
  // The Tranche row itself is written by TrancheDeployed (src/tranche-factory.ts), earlier in the same transaction.
  const pool = loadPool(event.address);
  pool.trancheCount = event.params.trancheCount;
  pool.save();
  audit(event, KIND, "TrancheAdded", null, event.address, event.params.tranche);
}

export function handleTapeAnchored(event: TapeAnchored): void {
  const version = event.params.version.toI32();
  const a = event.params.anchor;
  const c = event.params.change;
  const tape = new Tape(seqId(event.address, version));
  tape.pool = event.address;
  tape.version = version;
  tape.merkleRoot = a.merkleRoot;
  tape.loanCount = a.loanCount;
  tape.totalPrincipalCents = a.totalPrincipalCents;
  tape.waRateWad = a.waRateWad;
  tape.waRemainingTermMonthsWad = a.waRemainingTermMonthsWad;
  tape.cutoffDate = a.cutoffDate;
  tape.contentHash = a.contentHash;
  tape.dataUri = a.dataUri;
  tape.changeKind = tapeChangeKindName(c.kind);
  tape.loansAdded = c.loansAdded;
  tape.loansRemoved = c.loansRemoved;
  tape.principalAddedCents = c.principalAddedCents;
  tape.principalRemovedCents = c.principalRemovedCents;
  tape.changeSetRoot = c.changeSetRoot;
  tape.anchoredBy = getMember(event.params.anchoredBy, event.block.timestamp).id;
  tape.anchoredAt = event.block.timestamp;
  tape.blockNumber = event.block.number;
  tape.transactionHash = event.transaction.hash;
  tape.save();

  const pool = loadPool(event.address);
  pool.tapeVersion = version;
  pool.currentTape = tape.id;
  pool.save();
  audit(event, KIND, "TapeAnchored", event.params.anchoredBy, event.address, null);
}

export function handleIssuanceClosed(event: IssuanceClosed): void {
  const pool = loadPool(event.address);
  pool.issuedTapeVersion = event.params.tapeVersion.toI32();
  pool.revolving = event.params.revolving;
  pool.revolvingEndDate = event.params.revolvingEndDate;
  pool.allocationCount = event.params.allocationCount;
  pool.totalFaceCents = event.params.totalFaceCents;
  pool.issuedAt = event.block.timestamp;
  pool.save();
  audit(event, KIND, "IssuanceClosed", event.params.actor, event.address, null);
}

export function handleTrancheAllocated(event: TrancheAllocated): void {
  const row = new Allocation(eventId(event));
  row.pool = event.address;
  row.tranche = event.params.tranche;
  row.investor = getMember(event.params.investor, event.block.timestamp).id;
  row.amountCents = event.params.amountCents;
  row.timestamp = event.block.timestamp;
  row.transactionHash = event.transaction.hash;
  row.save();
  audit(event, KIND, "TrancheAllocated", null, event.address, event.params.tranche);
}

export function handlePoolAccelerated(event: PoolAccelerated): void {
  // The state itself moves with the StateChanged event of the same call.
  const pool = loadPool(event.address);
  pool.accelerationReasonHash = event.params.reasonHash;
  pool.acceleratedAt = event.block.timestamp;
  pool.save();
  audit(event, KIND, "PoolAccelerated", event.params.actor, event.address, null);
}

export function handleEventOfDefaultTriggered(event: EventOfDefaultTriggered): void {
  // The state itself moves with the StateChanged event of the same call (actor: the waterfall).
  const pool = loadPool(event.address);
  pool.acceleratedAt = event.block.timestamp;
  pool.eventOfDefaultPeriod = event.params.period.toI32();
  pool.eventOfDefaultTrigger = event.params.triggerIndex;
  pool.save();
  audit(event, KIND, "EventOfDefaultTriggered", event.params.waterfall, event.address, null);
}

export function handleRevolvingPurchasePaid(event: RevolvingPurchasePaid): void {
  // The amounts stay in the audit log; the period's distribution shows the principal it no longer pays.
  audit(event, KIND, "RevolvingPurchasePaid", event.params.seller, event.address, null);
}

/** Writes the current report of (pool, period) and its revision row. */
function writeReport(
  event: ethereum.Event,
  r: ReportSubmittedReportStruct,
  revision: i32,
  reasonHash: Bytes,
  by: Address,
): void {
  const period = r.period.toI32();
  const id = seqId(event.address, period);
  let report = PeriodReport.load(id);
  if (report == null) {
    report = new PeriodReport(id);
    report.pool = event.address;
    report.period = period;
  }
  const submitter = getMember(by, event.block.timestamp).id;
  report.revision = revision;
  report.startDate = r.startDate;
  report.endDate = r.endDate;
  report.interestCollectedCents = r.interestCollectedCents;
  report.scheduledPrincipalCents = r.scheduledPrincipalCents;
  report.prepaymentCents = r.prepaymentCents;
  report.recoveryCents = r.recoveryCents;
  report.newDefaultsCents = r.newDefaultsCents;
  report.delinquent30Cents = r.delinquent30Cents;
  report.delinquent60Cents = r.delinquent60Cents;
  report.delinquent90PlusCents = r.delinquent90PlusCents;
  report.endingBalanceCents = r.endingBalanceCents;
  report.loanCount = r.loanCount;
  report.loanStateRoot = r.loanStateRoot;
  report.contentHash = r.contentHash;
  report.submittedBy = submitter;
  report.submittedAt = event.block.timestamp;
  report.save();

  const rev = new PeriodReportRevision(id.concatI32(revision));
  rev.report = id;
  rev.revision = revision;
  rev.reasonHash = reasonHash;
  rev.interestCollectedCents = r.interestCollectedCents;
  rev.scheduledPrincipalCents = r.scheduledPrincipalCents;
  rev.prepaymentCents = r.prepaymentCents;
  rev.recoveryCents = r.recoveryCents;
  rev.newDefaultsCents = r.newDefaultsCents;
  rev.delinquent30Cents = r.delinquent30Cents;
  rev.delinquent60Cents = r.delinquent60Cents;
  rev.delinquent90PlusCents = r.delinquent90PlusCents;
  rev.endingBalanceCents = r.endingBalanceCents;
  rev.loanCount = r.loanCount;
  rev.loanStateRoot = r.loanStateRoot;
  rev.contentHash = r.contentHash;
  rev.submittedBy = submitter;
  rev.timestamp = event.block.timestamp;
  rev.transactionHash = event.transaction.hash;
  rev.save();
}

export function handleReportSubmitted(event: ReportSubmitted): void {
  writeReport(event, event.params.report, 0, Bytes.fromHexString("0x" + "00".repeat(32)), event.params.submittedBy);
  const pool = loadPool(event.address);
  const period = event.params.period.toI32();
  if (period > pool.lastPeriod) pool.lastPeriod = period;
  pool.save();
  audit(event, KIND, "ReportSubmitted", event.params.submittedBy, event.address, null);
}

export function handleReportRestated(event: ReportRestated): void {
  // Same struct layout as ReportSubmitted's report: reinterpret rather than duplicate the reader.
  const report = changetype<ReportSubmittedReportStruct>(event.params.report);
  writeReport(event, report, event.params.revision.toI32(), event.params.reasonHash, event.params.restatedBy);
  audit(event, KIND, "ReportRestated", event.params.restatedBy, event.address, null);
}

export function handleWaterfallSet(event: WaterfallSet): void {
  const pool = loadPool(event.address);
  pool.waterfall = event.params.waterfall;
  pool.save();
  audit(event, KIND, "WaterfallSet", event.params.actor, event.address, null);
}

export function handleDistributionRecorded(event: DistributionRecorded): void {
  const pool = loadPool(event.address);
  pool.lastDistributedPeriod = event.params.period.toI32();
  pool.save();
  audit(event, KIND, "DistributionRecorded", event.params.waterfall, event.address, null);
}
