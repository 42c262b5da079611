/**
 * A deal as the lifecycle commands see it: found by its code through the pool factory of the consortium file,
 * with its pool, tranches (class, symbol, face, coupon), waterfall and offering, and the provider and signer of
 * the member acting. Every lifecycle command opens one, acts, and closes it.
 */
import { type Contract, type JsonRpcProvider, ZeroAddress, encodeBytes32String, getAddress } from "ethers";
import { COUPON_TYPE_NAMES, POOL_STATE_NAMES } from "@abs/core";
import { providerFor, rpcUrlOf, type signerOf } from "../chain";
import { AddressNames, consortiumContract, requireConsortiumFile } from "../consortium/acting-member";
import { type ConsortiumFile } from "../consortium/consortium-file";
import { contractAt, readCall } from "../contracts/chain-calls";
import { CliError } from "../errors";
import { type CliIo } from "../io";
import { type MemberSender, senderOf } from "../member-sender";
import { classOf } from "./deal-terms";

export interface DealTrancheView {
  readonly index: number;
  readonly address: string;
  readonly class: string;
  readonly name: string;
  readonly symbol: string;
  readonly seniority: number;
  readonly couponType: string;
  readonly couponRateWad: bigint;
  readonly originalFaceCents: bigint;
  readonly allowedInvestorClasses: number;
}

export interface DealView {
  readonly code: string;
  readonly pool: string;
  readonly state: string;
  readonly tranches: readonly DealTrancheView[];
  /** Zero address when the deal has none yet. */
  readonly waterfall: string;
  readonly offering: string;
  readonly cashToken: string;
  readonly trustee: string;
  readonly originator: string;
  readonly servicer: string;
}

export type ConsortiumContractName =
  | "AssetPoolFactory"
  | "OfferingFactory"
  | "WaterfallFactory"
  | "DocumentRegistry"
  | "CashToken"
  | "DvPSettlement"
  | "ConsortiumRegistry"
  | "PledgeRegistry";

export type SessionSigner = MemberSender;

export interface ChainSession {
  readonly io: CliIo;
  readonly file: ConsortiumFile;
  readonly provider: JsonRpcProvider;
  readonly names: AddressNames;
  /** A consortium contract (its address from the consortium file), connected to the signer when there is one. */
  contract(name: ConsortiumContractName): Contract;
  /**
   * The acting member: its address, and `sender`, through which its transactions go out (its node, or its key
   * here with counted nonces: see `senderOf`).
   */
  signer(): Promise<SessionSigner>;
  close(): void;
}

/** Opens the chain session of a lifecycle command (the RPC URL from --rpc-url, $ABS_RPC_URL or the consortium file). */
export function openSession(
  io: CliIo,
  options: { rpcUrl?: string | undefined; signer?: Parameters<typeof signerOf>[0] },
): ChainSession {
  const file = requireConsortiumFile(io);
  const provider = providerFor(rpcUrlOf(options.rpcUrl, io));
  let signer: Promise<SessionSigner> | undefined;
  const getSigner = () => {
    signer ??= senderOf(options.signer ?? {}, io, provider);
    return signer;
  };
  return {
    io,
    file,
    provider,
    names: new AddressNames(file),
    contract: (name) => contractAt(name, consortiumContract(file, name), provider),
    signer: getSigner,
    close: () => provider.destroy(),
  };
}

/** The deal `code`, read from the chain; a usage error when no pool has that code. */
export async function readDeal(session: ChainSession, code: string): Promise<DealView> {
  const factory = session.contract("AssetPoolFactory");
  const pool = await readCall<string>(factory, "poolOf", [encodeBytes32String(code)], `poolOf(${code})`);
  if (pool === ZeroAddress)
    throw new CliError(
      "USAGE",
      `No deal "${code}": the pool factory has no pool with that code (create it with \`abs pool create\`)`,
    );
  const p = contractAt("AssetPool", pool, session.provider);
  const [state, addresses, waterfall, cashToken, trustee, originator, servicer] = await Promise.all([
    readCall<bigint>(p, "state", []),
    readCall<string[]>(p, "tranches", []),
    readCall<string>(p, "waterfall", []),
    readCall<string>(p, "cashToken", []),
    readCall<string>(p, "trustee", []),
    readCall<string>(p, "originator", []),
    readCall<string>(p, "servicer", []),
  ]);
  const offering = await readCall<string>(session.contract("OfferingFactory"), "offeringOf", [pool]);
  const tranches = await Promise.all(
    addresses.map(async (address, index) => {
      const t = await readCall<{
        name: string;
        symbol: string;
        seniority: bigint;
        couponType: bigint;
        couponRateWad: bigint;
        originalFaceCents: bigint;
        allowedInvestorClasses: bigint;
      }>(contractAt("TrancheToken", address, session.provider), "terms", []);
      return {
        index,
        address: getAddress(address),
        class: classOf(t.name, t.symbol),
        name: t.name,
        symbol: t.symbol,
        seniority: Number(t.seniority),
        couponType: COUPON_TYPE_NAMES[Number(t.couponType)] ?? String(t.couponType),
        couponRateWad: t.couponRateWad,
        originalFaceCents: t.originalFaceCents,
        allowedInvestorClasses: Number(t.allowedInvestorClasses),
      };
    }),
  );
  session.names.add(pool, `${code} pool`);
  if (waterfall !== ZeroAddress) session.names.add(waterfall, `${code} waterfall`);
  if (offering !== ZeroAddress) session.names.add(offering, `${code} offering`);
  for (const t of tranches) session.names.add(t.address, `${code} class ${t.class}`);
  return {
    code,
    pool: getAddress(pool),
    state: POOL_STATE_NAMES[Number(state)] ?? String(state),
    tranches,
    waterfall,
    offering,
    cashToken,
    trustee,
    originator,
    servicer,
  };
}

/** The tranche of class (or symbol) `name`; a usage error listing the deal's classes. */
export function trancheOfClass(deal: DealView, name: string): DealTrancheView {
  const found = deal.tranches.find((t) => t.class === name || t.symbol === name);
  if (found === undefined) {
    throw new CliError(
      "USAGE",
      `Deal ${deal.code} has no class "${name}": expected one of ${deal.tranches.map((t) => t.class).join(", ")}`,
    );
  }
  return found;
}

/** A usage error unless the deal has a waterfall. */
export function requireWaterfall(deal: DealView): string {
  if (deal.waterfall === ZeroAddress)
    throw new CliError(
      "USAGE",
      `Deal ${deal.code} has no waterfall yet: the trustee runs \`abs deal structure\` first`,
    );
  return deal.waterfall;
}

/** A usage error unless the deal has an offering. */
export function requireOffering(deal: DealView): string {
  if (deal.offering === ZeroAddress)
    throw new CliError("USAGE", `Deal ${deal.code} has no offering yet: the trustee runs \`abs offering open\` first`);
  return deal.offering;
}

/** The connected contract `name` at `address`, signed by the session's member. */
export async function signed(
  session: ChainSession,
  name: Parameters<typeof contractAt>[0],
  address: string,
): Promise<Contract> {
  return contractAt(name, address, (await session.signer()).sender);
}

/** The consortium contract `name`, signed by the session's member. */
export async function signedConsortium(session: ChainSession, name: ConsortiumContractName): Promise<Contract> {
  return contractAt(name, await session.contract(name).getAddress(), (await session.signer()).sender);
}

/**
 * An address given by its flag (`--pool`, `--waterfall`), or picked from the deal `--deal CODE` read from the
 * chain; exactly one of the two.
 */
export async function addressOrDeal(
  io: CliIo,
  options: { given: string | undefined; deal: string | undefined; rpcUrl: string | undefined },
  flag: string,
  pick: (deal: DealView) => string,
): Promise<string> {
  if ((options.given === undefined) === (options.deal === undefined)) {
    throw new CliError("USAGE", `Expected exactly one of --deal <code> or ${flag} <address>`);
  }
  if (options.given !== undefined) return options.given;
  const session = openSession(io, { rpcUrl: options.rpcUrl });
  try {
    return pick(await readDeal(session, options.deal ?? ""));
  } finally {
    session.close();
  }
}

/** `--pool ADDRESS`, or the pool of `--deal CODE` read from the chain; exactly one. */
export function poolOf(
  io: CliIo,
  options: { pool?: string | undefined; deal?: string | undefined; rpcUrl?: string | undefined },
): Promise<string> {
  return addressOrDeal(
    io,
    { given: options.pool, deal: options.deal, rpcUrl: options.rpcUrl },
    "--pool",
    (d) => d.pool,
  );
}

/** `--waterfall ADDRESS`, or the waterfall of `--deal CODE` read from the chain; exactly one. */
export function waterfallOf(
  io: CliIo,
  options: { waterfall?: string | undefined; deal?: string | undefined; rpcUrl?: string | undefined },
): Promise<string> {
  return addressOrDeal(
    io,
    { given: options.waterfall, deal: options.deal, rpcUrl: options.rpcUrl },
    "--waterfall",
    requireWaterfall,
  );
}
