// AssetPoolFactory: one pool per deal; starts indexing the pool (AssetPool template).
import { PoolCreated } from "../generated/AssetPoolFactory/AssetPoolFactory";
import { Pool } from "../generated/schema";
import { AssetPool } from "../generated/templates";
import { audit, getMember } from "./helpers";

export function handlePoolCreated(event: PoolCreated): void {
  const ts = event.block.timestamp;
  const pool = new Pool(event.params.pool);
  pool.dealId = event.params.dealId;
  pool.name = event.params.name;
  pool.originator = getMember(event.params.originator, ts).id;
  pool.servicer = getMember(event.params.servicer, ts).id;
  pool.trustee = getMember(event.params.trustee, ts).id;
  pool.cashToken = event.params.cashToken;
  pool.createdBy = getMember(event.params.createdBy, ts).id;
  pool.createdAt = ts;
  pool.state = "Draft";
  pool.trancheCount = 0;
  pool.tapeVersion = 0;
  pool.lastPeriod = 0;
  pool.revolving = false;
  pool.save();

  AssetPool.create(event.params.pool);
  audit(event, "AssetPoolFactory", "PoolCreated", event.params.createdBy, event.params.pool, null);
}
