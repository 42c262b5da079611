import { cashHandlers } from "./cash";
import { type HandlerTable } from "./context";
import { documentHandlers } from "./documents";
import { offeringFactoryHandlers, offeringHandlers } from "./offering";
import { pledgeHandlers } from "./pledges";
import { poolFactoryHandlers, poolHandlers, trancheFactoryHandlers } from "./pool";
import { registryHandlers } from "./registry";
import { dvpHandlers, reconciliationHandlers } from "./settlement";
import { trancheHandlers } from "./tranche";
import { waterfallFactoryHandlers, waterfallHandlers } from "./waterfall";

/**
 * Entity handlers by contract kind (artifact name) and event name. Every log of a followed
 * contract becomes an AuditEvent whether or not it has a handler here; a handler adds the
 * entities. To index a new contract's events: write `handlers/<contract>.ts` exporting
 * `{ EventName: handler }` and add it under the contract's artifact name.
 */
export const DEFAULT_HANDLERS: HandlerTable = {
  ConsortiumRegistry: registryHandlers,
  AssetPoolFactory: poolFactoryHandlers,
  TrancheTokenFactory: trancheFactoryHandlers,
  AssetPool: poolHandlers,
  TrancheToken: trancheHandlers,
  CashToken: cashHandlers,
  DocumentRegistry: documentHandlers,
  OfferingFactory: offeringFactoryHandlers,
  Offering: offeringHandlers,
  WaterfallFactory: waterfallFactoryHandlers,
  Waterfall: waterfallHandlers,
  DvPSettlement: dvpHandlers,
  ReconciliationLog: reconciliationHandlers,
  PledgeRegistry: pledgeHandlers,
};
