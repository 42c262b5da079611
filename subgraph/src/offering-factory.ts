// OfferingFactory: one primary offering per pool at a time; starts indexing it (Offering template).
import { Bytes } from "@graphprotocol/graph-ts";
import { OfferingCreated } from "../generated/OfferingFactory/OfferingFactory";
import { Offering } from "../generated/schema";
import { Offering as OfferingTemplate } from "../generated/templates";
import { audit, getMember, jsonValue, ZERO_ADDRESS } from "./helpers";

export function handleOfferingCreated(event: OfferingCreated): void {
  const ts = event.block.timestamp;
  const offering = new Offering(event.params.offering);
  offering.pool = event.params.pool;
  offering.dealId = event.params.dealId;
  offering.createdBy = getMember(event.params.trustee, ts).id;
  offering.createdAt = ts;
  offering.status = "Open";
  const tranches: Bytes[] = [];
  for (let i = 0; i < event.params.tranches.length; i++) tranches.push(event.params.tranches[i]);
  offering.tranches = tranches;
  // The windows parameter (index 4) as JSON, in the ABI's field order.
  offering.windows = jsonValue(event.parameters[4].value);
  const warehouse = event.params.warehouse;
  if (warehouse.investor != ZERO_ADDRESS) offering.warehouseInvestor = warehouse.investor;
  offering.warehouseAdvanceCents = warehouse.advanceCents;
  offering.warehouseRepaymentCents = warehouse.repaymentCents;
  offering.save();

  OfferingTemplate.create(event.params.offering);
  audit(event, "OfferingFactory", "OfferingCreated", event.params.trustee, event.params.pool, null);
}
