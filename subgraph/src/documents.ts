// DocumentRegistry: deal documents by hash and version, and their sign-offs.
import { BigInt } from "@graphprotocol/graph-ts";
import {
  DocumentApproved,
  DocumentRegistered,
  DocumentSignedOff,
  DocumentSuperseded,
} from "../generated/DocumentRegistry/DocumentRegistry";
import { Document, DocumentSignOff, Pool } from "../generated/schema";
import { audit, getMember, roleName } from "./helpers";

const KIND = "DocumentRegistry";

function loadDocument(id: BigInt): Document {
  const d = Document.load(id.toString());
  if (d == null) throw new Error("document " + id.toString() + " not indexed");
  return d;
}

export function handleDocumentRegistered(event: DocumentRegistered): void {
  const p = event.params;
  const d = new Document(p.docId.toString());
  d.docId = p.docId;
  d.deal = p.deal;
  if (Pool.load(p.deal) != null) d.pool = p.deal;
  d.docType = p.docType;
  d.version = p.version.toI32();
  d.contentHash = p.contentHash;
  d.uri = p.uri;
  d.requiredRoles = p.requiredRoles.toI32();
  d.signedRoles = 0;
  d.status = "Current";
  d.approved = false;
  d.registeredBy = getMember(p.registeredBy, event.block.timestamp).id;
  d.registeredAt = event.block.timestamp;
  if (!p.supersedes.isZero()) d.supersedes = p.supersedes.toString();
  d.save();
  audit(event, KIND, "DocumentRegistered", p.registeredBy, d.pool, null);
}

export function handleDocumentSuperseded(event: DocumentSuperseded): void {
  const old = loadDocument(event.params.oldId);
  old.status = "Superseded";
  old.supersededBy = event.params.newId.toString();
  old.save();
  audit(event, KIND, "DocumentSuperseded", null, old.pool, null);
}

export function handleDocumentSignedOff(event: DocumentSignedOff): void {
  const p = event.params;
  const d = loadDocument(p.docId);
  d.signedRoles = d.signedRoles | (1 << p.role);
  d.save();

  const s = new DocumentSignOff(p.docId.toString() + "-" + p.signer.toHexString() + "-" + p.role.toString());
  s.document = d.id;
  s.signer = getMember(p.signer, event.block.timestamp).id;
  s.role = roleName(p.role);
  s.timestamp = event.block.timestamp;
  s.transactionHash = event.transaction.hash;
  s.save();
  audit(event, KIND, "DocumentSignedOff", p.signer, d.pool, null);
}

export function handleDocumentApproved(event: DocumentApproved): void {
  const d = loadDocument(event.params.docId);
  d.approved = true;
  d.approvedAt = event.block.timestamp;
  d.save();
  audit(event, KIND, "DocumentApproved", null, d.pool, null);
}
