import { type ContractTransactionResponse, type Provider, type Signer, encodeBytes32String } from "ethers";
import {
  AssetPoolFactory__factory,
  CashToken__factory,
  ConsortiumRegistry__factory,
  DocumentRegistry__factory,
  DvPSettlement__factory,
  OfferingFactory__factory,
  PledgeRegistry__factory,
  ReconciliationLog__factory,
  TrancheTokenFactory__factory,
  type ConsortiumRegistry,
} from "../typechain-types";
import { type IConsortiumRegistry } from "../typechain-types/contracts/registry/ConsortiumRegistry";
import { type AddressBook } from "./address-book";
import { ActionKind, blankGovernanceAction, governanceActionKey, legalEntityHash, roleSet } from "@abs/core";
import { type MemberConfig, type NetworkConfig } from "./config";
import { deploySampleDeal, type SampleDealSummary } from "./sample-deal";
import { deployWaterfallFactory } from "./waterfall";

/** What a deployment step needs: the parsed config, signers, the address book and a logger. */
export interface DeployContext {
  config: NetworkConfig;
  provider: Provider;
  deployer: Signer;
  /** The signer of a configured member, by its config name. */
  signerOf(name: string): Signer;
  book: AddressBook;
  log(message: string): void;
}

export interface ConsortiumDeployment {
  registry: string;
  trancheFactory: string;
  poolFactory: string;
  offeringFactory: string;
  dvp: string;
  reconciliationLog: string;
  cashToken: string;
  documents: string;
  /** Each loan's pool by consortium fingerprint (double pledges across originators). */
  pledges: string;
  waterfallEngine: string;
  waterfallFactory: string;
  members: { name: string; address: string; roles: string[]; voting: boolean }[];
  sampleDeal?: SampleDealSummary;
}

/**
 * Deploy the consortium (registry, factories, cash token, document registry) and the sample deal.
 * Idempotent: every contract already recorded in the address book and present on chain is reused,
 * and every governed action or deal step already applied is skipped, so re-running resumes a
 * deployment that stopped half-way.
 */
export async function deployConsortium(ctx: DeployContext): Promise<ConsortiumDeployment> {
  const { config } = ctx;
  const memberAddresses = await Promise.all(
    config.members.map(async (m) => ({ config: m, address: await ctx.signerOf(m.name).getAddress() })),
  );
  const addressOf = (name: string): string => {
    const found = memberAddresses.find((m) => m.config.name === name);
    if (!found) throw new Error(`no member named "${name}" in the ${config.network} config`);
    return found.address;
  };

  const now = BigInt((await ctx.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000));
  const founders = memberAddresses.map(({ config: m, address }) => founderRecord(m, address, now));
  const registryAddress = await ensureContract(ctx, "ConsortiumRegistry", async () =>
    new ConsortiumRegistry__factory(ctx.deployer).deploy(founders, config.threshold),
  );
  const registry = ConsortiumRegistry__factory.connect(registryAddress, ctx.provider);

  const trancheFactory = await ensureContract(ctx, "TrancheTokenFactory", async () =>
    new TrancheTokenFactory__factory(ctx.deployer).deploy(registryAddress),
  );
  const poolFactory = await ensureContract(ctx, "AssetPoolFactory", async () =>
    new AssetPoolFactory__factory(ctx.deployer).deploy(registryAddress, trancheFactory),
  );
  for (const factory of [trancheFactory, poolFactory]) {
    if (await registry.isFactory(factory)) continue;
    await govern(
      ctx,
      registry,
      blankAction({ kind: ActionKind.SetFactory, account: factory, flag: true }),
      `authorise factory ${factory}`,
    );
  }

  const cash = config.cashToken;
  const cashToken = await ensureContract(ctx, "CashToken", async () =>
    new CashToken__factory(ctx.deployer).deploy(
      registryAddress,
      addressOf(cash.custodian),
      cash.name,
      cash.symbol,
      "0x" + Buffer.from(cash.currency, "ascii").toString("hex"),
    ),
  );
  const documents = await ensureContract(ctx, "DocumentRegistry", async () =>
    new DocumentRegistry__factory(ctx.deployer).deploy(registryAddress),
  );

  // The primary offerings' factory (deployed after the contracts above, so their addresses stay the
  // same): a separate governed step, so a consortium can adopt cash-settled
  // issuance after its pools' factories (an offering holds investors' cash, so it must be a deal contract).
  const offeringFactory = await ensureContract(ctx, "OfferingFactory", async () =>
    new OfferingFactory__factory(ctx.deployer).deploy(registryAddress),
  );
  if (!(await registry.isFactory(offeringFactory))) {
    await govern(
      ctx,
      registry,
      blankAction({ kind: ActionKind.SetFactory, account: offeringFactory, flag: true }),
      `authorise offering factory ${offeringFactory}`,
    );
  }

  // Secondary trades settle delivery-versus-payment on signed orders; it holds nothing and needs no role.
  const dvp = await ensureContract(ctx, "DvPSettlement", async () =>
    new DvPSettlement__factory(ctx.deployer).deploy(registryAddress, cashToken),
  );

  // The custodian anchors its bank-statement reconciliations here (digest, counts, break alerts).
  const reconciliationLog = await ensureContract(ctx, "ReconciliationLog", async () =>
    new ReconciliationLog__factory(ctx.deployer).deploy(registryAddress, cashToken),
  );

  // The shared waterfall engine and the governed waterfall factory (a separate, idempotent step).
  const { engine: waterfallEngine, factory: waterfallFactory } = await deployWaterfallFactory(ctx, registry);

  // Each loan's pool by consortium fingerprint; the regulator's node publishes the fingerprint key at its start.
  const pledges = await ensureContract(ctx, "PledgeRegistry", async () =>
    new PledgeRegistry__factory(ctx.deployer).deploy(registryAddress),
  );

  const deployment: ConsortiumDeployment = {
    registry: registryAddress,
    trancheFactory,
    poolFactory,
    offeringFactory,
    dvp,
    reconciliationLog,
    cashToken,
    documents,
    pledges,
    waterfallEngine,
    waterfallFactory,
    members: memberAddresses.map(({ config: m, address }) => ({
      name: m.name,
      address,
      roles: m.roles,
      voting: m.voting,
    })),
  };
  if (config.sampleDeal) {
    deployment.sampleDeal = await deploySampleDeal(ctx, config.sampleDeal, {
      poolFactory,
      offeringFactory,
      cashToken,
      custodian: cash.custodian,
      documents,
      waterfallFactory,
      addressOf,
    });
  }
  return deployment;
}

/** The registry's founder record of a configured member; eligibility runs from the chain's clock. */
function founderRecord(m: MemberConfig, account: string, now: bigint): ConsortiumRegistry.InitialMemberStruct {
  return {
    account,
    memberId: encodeBytes32String(m.memberId),
    // Only a hash of the legal-entity name goes on chain.
    legalEntityHash: legalEntityHash(m.legalEntity),
    roles: roleSet(...m.roles),
    voting: m.voting,
    eligibility: m.eligibility
      ? {
          investorClass: m.eligibility.investorClass,
          jurisdiction: m.eligibility.jurisdiction,
          validUntil: now + BigInt(m.eligibility.validForDays) * 86_400n,
        }
      : { investorClass: 0, jurisdiction: 0, validUntil: 0 },
  };
}

/** Deploy `name` unless the address book has it and code is present there. Returns its address. */
export async function ensureContract(
  ctx: DeployContext,
  name: string,
  deploy: () => Promise<{ waitForDeployment(): Promise<unknown>; getAddress(): Promise<string> }>,
): Promise<string> {
  const recorded = ctx.book.contract(name);
  if (recorded && (await ctx.provider.getCode(recorded)) !== "0x") {
    ctx.log(`reuse   ${name.padEnd(22)} ${recorded}`);
    return recorded;
  }
  const contract = await deploy();
  await contract.waitForDeployment();
  const address = await contract.getAddress();
  ctx.book.setContract(name, address);
  ctx.log(`deploy  ${name.padEnd(22)} ${address}`);
  return address;
}

export function blankAction(fields: Partial<IConsortiumRegistry.ActionStruct>): IConsortiumRegistry.ActionStruct {
  return { ...blankGovernanceAction(), ...fields };
}

/**
 * Pass a governed action with the configured voting members' keys: reuse a pending, unexpired
 * proposal of the same action if one exists (a previous run died half-way), otherwise propose it;
 * then collect approvals until it executes.
 */
export async function govern(
  ctx: DeployContext,
  registry: ConsortiumRegistry,
  action: IConsortiumRegistry.ActionStruct,
  what: string,
): Promise<void> {
  const voters = ctx.config.members.filter((m) => m.voting).map((m) => ctx.signerOf(m.name));
  const first = voters[0];
  if (!first) throw new Error("governance needs at least one voting member with a key");
  const wanted = governanceActionKey(action);
  let proposalId = 0n;
  const now = BigInt((await ctx.provider.getBlock("latest"))?.timestamp ?? 0);
  for (let id = await registry.proposalCount(); id > 0n && proposalId === 0n; id--) {
    const info = await registry.proposalInfo(id);
    if (info.status !== 1n || info.expiresAt < now) continue;
    if (governanceActionKey(await registry.proposalAction(id)) === wanted) proposalId = id;
  }
  if (proposalId === 0n) {
    await confirm(registry.connect(first).propose(action, ctx.config.proposalLifetimeSeconds));
    proposalId = await registry.proposalCount();
  }
  for (const voter of voters) {
    if ((await registry.proposalInfo(proposalId)).status !== 1n) break;
    if (await registry.hasApproved(proposalId, await voter.getAddress())) continue;
    await confirm(registry.connect(voter).approve(proposalId));
  }
  const status = (await registry.proposalInfo(proposalId)).status;
  if (status !== 2n)
    throw new Error(`governance: "${what}" (proposal ${proposalId}) did not execute: not enough voting keys`);
  ctx.log(`govern  ${what} (proposal ${proposalId})`);
}

/** Wait for one transaction and fail loudly if it reverted. */
export async function confirm(sent: Promise<ContractTransactionResponse>): Promise<void> {
  const tx = await sent;
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
}
