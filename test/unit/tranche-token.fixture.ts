import { ethers } from "hardhat";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type TrancheTermsStruct } from "../../typechain-types/contracts/tokens/TrancheToken";
import {
  action,
  deployConsortium,
  FAR_FUTURE,
  JURISDICTION_CN,
  ONLY_QUALIFIED,
  type Eligibility,
} from "../helpers/consortium";
import { ActionKind, roleSet } from "../helpers/roles";

/** Mirrors `CouponType` in `contracts/types/TrancheTypes.sol`. */
export const CouponType = { Fixed: 0, Floating: 1, None: 2 } as const;
/** Mirrors `ITrancheToken.ForcedTransferReason`. */
export const ForcedTransferReason = { LegalOrder: 0, WalletRecovery: 1 } as const;

/** Mirrors `contracts/tokens/TransferRestrictions.sol`. */
export const Restriction = {
  SUCCESS: 0,
  PAUSED: 1,
  SENDER_BASE: 10,
  RECEIVER_BASE: 20,
  SENDER_FROZEN: 30,
  RECEIVER_FROZEN: 31,
  AMOUNT_FROZEN: 32,
  SPENDER_NOT_ALLOWED: 40,
  SPENDER_FROZEN: 41,
} as const;

/** The ERC-1404 message of every defined code. */
export const RESTRICTION_MESSAGES: ReadonlyMap<number, string> = new Map([
  [0, "SUCCESS"],
  [1, "PAUSED"],
  [11, "SENDER_NOT_MEMBER"],
  [12, "SENDER_NOT_ACTIVE"],
  [13, "SENDER_NOT_INVESTOR"],
  [14, "SENDER_CLASS_NOT_ADMITTED"],
  [15, "SENDER_ELIGIBILITY_EXPIRED"],
  [21, "RECEIVER_NOT_MEMBER"],
  [22, "RECEIVER_NOT_ACTIVE"],
  [23, "RECEIVER_NOT_INVESTOR"],
  [24, "RECEIVER_CLASS_NOT_ADMITTED"],
  [25, "RECEIVER_ELIGIBILITY_EXPIRED"],
  [30, "SENDER_FROZEN"],
  [31, "RECEIVER_FROZEN"],
  [32, "AMOUNT_FROZEN"],
  [40, "SPENDER_NOT_ALLOWED"],
  [41, "SPENDER_FROZEN"],
]);

export const RAY = 10n ** 27n;
export const DEAL_ID = ethers.id("deal:ABS-2026-1");
/** 1,000,000.00 of original face. */
export const FACE_CENTS = 100_000_000n;
/** What `deployFundedTranche` mints to investor1 and investor2 each: 1,000.00. */
export const SEED_CENTS = 100_000n;

export const TERMS: TrancheTermsStruct = {
  name: "ABS 2026-1 Class A",
  symbol: "ABS261A",
  seniority: 1,
  couponType: CouponType.Fixed,
  couponRateWad: ethers.parseEther("0.045"),
  originalFaceCents: FACE_CENTS,
  allowedInvestorClasses: ONLY_QUALIFIED,
};

/** The sample consortium, a mock pool whose trustee is `trustee`, and its tranche token (not funded). */
export async function deployTranche() {
  const c = await deployConsortium();
  const pool = await ethers.deployContract("MockDealParties", [
    await c.registry.getAddress(),
    DEAL_ID,
    c.originator.address,
    c.servicer.address,
    c.trustee.address,
  ]);
  await pool.waitForDeployment();
  const token = await ethers.deployContract("TrancheToken", [TERMS, await pool.getAddress()]);
  await token.waitForDeployment();
  const tokenAddress = await token.getAddress();
  const poolAddress = await pool.getAddress();

  /** Calls the token as its pool. */
  const asPool = {
    mint: (to: string, amount: bigint) =>
      pool.exec(tokenAddress, token.interface.encodeFunctionData("mint", [to, amount])),
    burn: (from: string, amount: bigint) =>
      pool.exec(tokenAddress, token.interface.encodeFunctionData("burn", [from, amount])),
    setFactor: (factorRay: bigint, period: number) =>
      pool.exec(tokenAddress, token.interface.encodeFunctionData("setFactor", [factorRay, period])),
  };

  const setEligibility = (account: string, eligibility: Eligibility) =>
    c.govern(action(ActionKind.SetEligibility, { account, eligibility }));
  /** KYC lapsed: `validUntil` in the past (1970). */
  const expire = (account: string) =>
    setEligibility(account, { investorClass: 0, jurisdiction: JURISDICTION_CN, validUntil: 1 });
  const renew = (account: string) => setEligibility(account, c.investorEligibility);
  /** Investor class 1, which the tranche (class 0 only) does not admit. */
  const reclassify = (account: string) =>
    setEligibility(account, { investorClass: 1, jurisdiction: JURISDICTION_CN, validUntil: FAR_FUTURE });
  const setRoles = (account: string, ...roles: Parameters<typeof roleSet>) =>
    c.govern(action(ActionKind.SetRoles, { account, roles: roleSet(...roles) }));

  /** Reinstate the (suspended) trustee: the other three voters must approve, the trustee cannot vote. */
  const reinstateTrustee = () =>
    c.govern(action(ActionKind.ReinstateMember, { account: c.trustee.address }), [
      c.originator,
      c.servicer,
      c.custodian,
    ]);

  /** Every signer of the fixture except the trustee: each must fail every trustee-only call. */
  const nonTrustees: [string, HardhatEthersSigner][] = [
    ["deployer", c.deployer],
    ["originator", c.originator],
    ["servicer", c.servicer],
    ["custodian", c.custodian],
    ["regulator", c.regulator],
    ["investor", c.investor1],
    ["guarantor", c.guarantor],
    ["exchange", c.exchange],
    ["outsider", c.outsider],
  ];
  /** Every signer of the fixture: each must fail every pool-only call. */
  const everySigner: [string, HardhatEthersSigner][] = [...nonTrustees, ["trustee", c.trustee]];

  return {
    ...c,
    pool,
    poolAddress,
    token,
    tokenAddress,
    asPool,
    setEligibility,
    expire,
    renew,
    reclassify,
    setRoles,
    reinstateTrustee,
    nonTrustees,
    everySigner,
  };
}

/** `deployTranche` with investor1 and investor2 holding `SEED_CENTS` each. */
export async function deployFundedTranche() {
  const f = await deployTranche();
  await (await f.asPool.mint(f.investor1.address, SEED_CENTS)).wait();
  await (await f.asPool.mint(f.investor2.address, SEED_CENTS)).wait();
  return f;
}
