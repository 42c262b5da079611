// WaterfallFactory: one Waterfall per call; starts the Waterfall template.
import { WaterfallCreated } from "../generated/WaterfallFactory/WaterfallFactory";
import { Waterfall } from "../generated/schema";
import { Waterfall as WaterfallTemplate } from "../generated/templates";
import { audit, getMember, ZERO } from "./helpers";

export function handleWaterfallCreated(event: WaterfallCreated): void {
  const w = new Waterfall(event.params.waterfall);
  w.pool = event.params.pool;
  w.createdBy = getMember(event.params.trustee, event.block.timestamp).id;
  w.createdAt = event.block.timestamp;
  w.guaranteeCashCents = ZERO;
  w.lastPeriod = 0;
  w.reserveCents = ZERO;
  w.closedOut = false;
  w.save();
  WaterfallTemplate.create(event.params.waterfall);
  audit(event, "WaterfallFactory", "WaterfallCreated", event.params.trustee, event.params.pool, null);
}
