// ReconciliationLog: the custodian's anchored bank-statement reconciliations, and alerts on breaks.
import { ReconciliationAnchored, ReconciliationBreaksReported } from "../generated/ReconciliationLog/ReconciliationLog";
import { Reconciliation, ReconciliationAlert } from "../generated/schema";
import { audit, eventId, getMember } from "./helpers";

const KIND = "ReconciliationLog";

export function handleReconciliationAnchored(event: ReconciliationAnchored): void {
  const p = event.params;
  const row = new Reconciliation(eventId(event));
  row.cashToken = p.cashToken;
  row.statementId = p.statementId;
  row.revision = p.revision.toI32();
  row.statementDate = p.statementDate;
  row.digest = p.digest;
  row.matchedCount = p.matchedCount.toI32();
  row.breakCount = p.breakCount.toI32();
  row.custodian = getMember(p.custodian, event.block.timestamp).id;
  row.timestamp = event.block.timestamp;
  row.save();
  audit(event, KIND, "ReconciliationAnchored", p.custodian, null, null);
}

export function handleReconciliationBreaksReported(event: ReconciliationBreaksReported): void {
  const p = event.params;
  const row = new ReconciliationAlert(eventId(event));
  row.cashToken = p.cashToken;
  row.statementId = p.statementId;
  row.revision = p.revision.toI32();
  row.breakCount = p.breakCount.toI32();
  row.digest = p.digest;
  row.timestamp = event.block.timestamp;
  row.save();
  audit(event, KIND, "ReconciliationBreaksReported", null, null, null);
}
