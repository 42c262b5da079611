// TrancheTokenFactory: one token per tranche; starts indexing the token (TrancheToken template).
import { BigInt } from "@graphprotocol/graph-ts";
import { TrancheDeployed } from "../generated/TrancheTokenFactory/TrancheTokenFactory";
import { Tranche } from "../generated/schema";
import { TrancheToken } from "../generated/templates";
import { audit, couponTypeName, ZERO } from "./helpers";

/** 1e27: a factor of 100 %, the factor of a new tranche. */
const RAY = BigInt.fromString("1000000000000000000000000000");

export function handleTrancheDeployed(event: TrancheDeployed): void {
  const t = new Tranche(event.params.token);
  t.pool = event.params.pool;
  t.seniority = event.params.seniority;
  t.name = event.params.name;
  t.symbol = event.params.symbol;
  t.originalFaceCents = event.params.originalFaceCents;
  t.couponType = couponTypeName(event.params.couponType);
  t.couponRateWad = event.params.couponRateWad;
  t.allowedInvestorClasses = event.params.allowedInvestorClasses.toI32();
  t.factorRay = RAY;
  t.totalSupply = ZERO;
  t.paused = false;
  t.deployedAt = event.block.timestamp;
  t.save();

  TrancheToken.create(event.params.token);
  audit(event, "TrancheTokenFactory", "TrancheDeployed", event.params.pool, event.params.pool, event.params.token);
}
