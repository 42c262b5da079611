// Offering: subscriptions, cancellations, the warehouse advance, allocations and the closing (true sale).
import { Address, BigInt, Bytes } from "@graphprotocol/graph-ts";
import {
  Allocated,
  OfferingClosed,
  OfferingFailed,
  Refunded,
  RefundClaimed,
  RefundDeferred,
  Subscribed,
  SubscriptionCancelled,
  WarehouseFunded,
} from "../generated/templates/Offering/Offering";
import { Offering, Subscription } from "../generated/schema";
import { audit, getMember, ZERO } from "./helpers";

const KIND = "Offering";

function loadOffering(address: Address): Offering {
  const offering = Offering.load(address);
  // The template only runs for offerings the factory announced.
  if (offering == null) throw new Error("Offering event from an unknown offering " + address.toHexString());
  return offering;
}

function subscriptionId(offering: Address, trancheIndex: BigInt, investor: Address): Bytes {
  return offering.concatI32(trancheIndex.toI32()).concat(investor);
}

function getSubscription(
  offering: Address,
  trancheIndex: BigInt,
  tranche: Address,
  investor: Address,
  ts: BigInt,
): Subscription {
  const id = subscriptionId(offering, trancheIndex, investor);
  let row = Subscription.load(id);
  if (row == null) {
    row = new Subscription(id);
    row.offering = offering;
    row.trancheIndex = trancheIndex.toI32();
    row.tranche = tranche;
    row.investor = getMember(investor, ts).id;
    row.orderCents = ZERO;
    row.paidCents = ZERO;
    row.cancelled = false;
    row.updatedAt = ts;
  }
  return row;
}

export function handleSubscribed(event: Subscribed): void {
  const p = event.params;
  const row = getSubscription(event.address, p.trancheIndex, p.tranche, p.investor, event.block.timestamp);
  row.orderCents = p.orderCents;
  row.paidCents = row.paidCents.plus(p.paidCents);
  row.cancelled = false;
  row.updatedAt = event.block.timestamp;
  row.save();
  audit(event, KIND, "Subscribed", p.investor, loadOffering(event.address).pool, p.tranche);
}

export function handleSubscriptionCancelled(event: SubscriptionCancelled): void {
  const p = event.params;
  const row = getSubscription(event.address, p.trancheIndex, p.tranche, p.investor, event.block.timestamp);
  row.orderCents = ZERO;
  row.paidCents = ZERO;
  row.cancelled = true;
  row.updatedAt = event.block.timestamp;
  row.save();
  audit(event, KIND, "SubscriptionCancelled", p.investor, loadOffering(event.address).pool, p.tranche);
}

export function handleWarehouseFunded(event: WarehouseFunded): void {
  const offering = loadOffering(event.address);
  offering.warehouseFundedAt = event.block.timestamp;
  offering.save();
  audit(event, KIND, "WarehouseFunded", event.params.investor, offering.pool, null);
}

export function handleAllocated(event: Allocated): void {
  const p = event.params;
  const row = getSubscription(event.address, p.trancheIndex, p.tranche, p.investor, event.block.timestamp);
  row.allocatedCents = p.allocatedCents;
  row.costCents = p.costCents;
  row.refundCents = p.refundCents;
  row.updatedAt = event.block.timestamp;
  row.save();
  audit(event, KIND, "Allocated", null, loadOffering(event.address).pool, p.tranche);
}

export function handleOfferingClosed(event: OfferingClosed): void {
  const offering = loadOffering(event.address);
  const p = event.params;
  offering.status = "Closed";
  offering.soldTapeVersion = p.tapeVersion.toI32();
  offering.raisedCents = p.raisedCents;
  offering.proceedsCents = p.proceedsCents;
  offering.warehouseRepaidCents = p.warehouseRepaidCents;
  offering.originatorCents = p.originatorCents;
  offering.refundedCents = p.refundedCents;
  offering.closedAt = event.block.timestamp;
  offering.save();
  audit(event, KIND, "OfferingClosed", p.actor, offering.pool, null);
}

export function handleOfferingFailed(event: OfferingFailed): void {
  const offering = loadOffering(event.address);
  offering.status = "Failed";
  // type(uint256).max marks a cancellation by the trustee rather than a tranche below its minimum.
  const index = event.params.trancheIndex;
  if (index.lt(BigInt.fromI32(1_000_000))) offering.failedTrancheIndex = index;
  offering.refundedCents = event.params.refundedCents;
  offering.failedAt = event.block.timestamp;
  offering.save();
  audit(event, KIND, "OfferingFailed", event.params.actor, offering.pool, null);
}

export function handleRefunded(event: Refunded): void {
  const offering = loadOffering(event.address);
  const p = event.params;
  const row = Subscription.load(subscriptionId(event.address, p.trancheIndex, p.investor));
  if (row != null) {
    row.allocatedCents = ZERO;
    row.costCents = ZERO;
    row.refundCents = p.refundCents;
    row.updatedAt = event.block.timestamp;
    row.save();
  }
  audit(event, KIND, "Refunded", null, offering.pool, null);
}

export function handleRefundDeferred(event: RefundDeferred): void {
  const offering = loadOffering(event.address);
  audit(event, KIND, "RefundDeferred", event.params.investor, offering.pool, null);
}

export function handleRefundClaimed(event: RefundClaimed): void {
  const offering = loadOffering(event.address);
  audit(event, KIND, "RefundClaimed", event.params.investor, offering.pool, null);
}
