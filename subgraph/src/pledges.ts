// PledgeRegistry: loans by consortium fingerprint; a loan pledged to a second pool (Alert mode) is a DoublePledge.
import {
  DoublePledge as DoublePledgeEvent,
  FingerprintKeyPublished,
  PledgePolicySet,
  PledgesRegistered,
  PledgesReleased,
} from "../generated/PledgeRegistry/PledgeRegistry";
import { DoublePledge } from "../generated/schema";
import { audit, eventId, getMember } from "./helpers";

const KIND = "PledgeRegistry";

export function handleDoublePledge(event: DoublePledgeEvent): void {
  const p = event.params;
  const row = new DoublePledge(eventId(event));
  row.fingerprint = p.fingerprint;
  row.firstPool = p.firstPool;
  row.secondPool = p.secondPool;
  row.by = getMember(p.by, event.block.timestamp).id;
  row.timestamp = event.block.timestamp;
  row.blockNumber = event.block.number;
  row.transactionHash = event.transaction.hash;
  row.save();
  audit(event, KIND, "DoublePledge", p.by, p.secondPool, null);
}

export function handleFingerprintKeyPublished(event: FingerprintKeyPublished): void {
  audit(event, KIND, "FingerprintKeyPublished", event.params.keyService, null, null);
}

export function handlePledgePolicySet(event: PledgePolicySet): void {
  audit(event, KIND, "PledgePolicySet", event.params.by, event.params.pool, null);
}

export function handlePledgesRegistered(event: PledgesRegistered): void {
  audit(event, KIND, "PledgesRegistered", event.params.by, event.params.pool, null);
}

export function handlePledgesReleased(event: PledgesReleased): void {
  audit(event, KIND, "PledgesReleased", event.params.by, event.params.pool, null);
}
