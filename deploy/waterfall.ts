import {
  Waterfall__factory,
  WaterfallEngine__factory,
  WaterfallFactory__factory,
  type ConsortiumRegistry,
} from "../typechain-types";
import { ActionKind } from "@abs/core";
import { blankAction, ensureContract, govern, type DeployContext } from "./consortium";

/** The waterfall infrastructure of a consortium: the shared engine and the governed factory. */
export interface WaterfallDeployment {
  engine: string;
  factory: string;
}

/**
 * Deploy the shared `WaterfallEngine` and the `WaterfallFactory`, and authorise the factory by governance
 * (`SetFactory`) so the waterfalls it creates are registered deal contracts that can hold cash. Idempotent like
 * the rest of `deploy/`: contracts in the address book are reused, an authorised factory is not voted again.
 */
export async function deployWaterfallFactory(
  ctx: DeployContext,
  registry: ConsortiumRegistry,
): Promise<WaterfallDeployment> {
  const registryAddress = await registry.getAddress();
  const engine = await ensureContract(ctx, "WaterfallEngine", async () =>
    new WaterfallEngine__factory(ctx.deployer).deploy(),
  );
  const factory = await ensureContract(ctx, "WaterfallFactory", async () =>
    new WaterfallFactory__factory(ctx.deployer).deploy(registryAddress, engine, Waterfall__factory.bytecode),
  );
  if (!(await registry.isFactory(factory))) {
    await govern(
      ctx,
      registry,
      blankAction({ kind: ActionKind.SetFactory, account: factory, flag: true }),
      `authorise factory ${factory}`,
    );
  }
  return { engine, factory };
}
