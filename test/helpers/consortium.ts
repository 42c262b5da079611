import { ethers } from "hardhat";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type ConsortiumRegistry } from "../../typechain-types";
import { type IConsortiumRegistry } from "../../typechain-types/contracts/registry/ConsortiumRegistry";
import { ActionKind, MemberStatus, roleSet } from "./roles";

export type Action = IConsortiumRegistry.ActionStruct;
export type Eligibility = IConsortiumRegistry.EligibilityStruct;

/** One day, in seconds: the default proposal lifetime used by the helpers. */
export const ONE_DAY = 86_400n;
/** Far-future eligibility expiry (year 2100) for investors that should stay eligible in tests. */
export const FAR_FUTURE = 4_102_444_800n;
/** Investor class 0 (qualified institutional) and the tranche mask that admits only it. */
export const CLASS_QUALIFIED = 0;
export const ONLY_QUALIFIED = 1 << CLASS_QUALIFIED;
/** ISO 3166-1 numeric code used for test investors (156 = China). */
export const JURISDICTION_CN = 156;

export const NO_ELIGIBILITY: Eligibility = { investorClass: 0, jurisdiction: 0, validUntil: 0 };

/** A blank action of `kind`: callers fill in only the fields that kind uses. */
export function action(kind: number, fields: Partial<Action> = {}): Action {
  return {
    kind,
    account: ethers.ZeroAddress,
    memberId: ethers.ZeroHash,
    legalEntityHash: ethers.ZeroHash,
    roles: 0,
    flag: false,
    eligibility: NO_ELIGIBILITY,
    threshold: 0,
    ...fields,
  };
}

export function memberId(name: string): string {
  return ethers.encodeBytes32String(name);
}

/**
 * The sample consortium every contract test starts from.
 * Voting members: originator, servicer, trustee, custodian (n = 4, k = 3).
 * Investors 1-3 are class 0, CN, eligible until 2100. `outsider` is not a member.
 */
export async function deployConsortium() {
  const signers = await ethers.getSigners();
  const named = (i: number): HardhatEthersSigner => {
    const s = signers[i];
    if (!s) throw new Error(`hardhat signer ${i} missing`);
    return s;
  };
  const deployer = named(0);
  const originator = named(1);
  const servicer = named(2);
  const trustee = named(3);
  const custodian = named(4);
  const regulator = named(5);
  const investor1 = named(6);
  const investor2 = named(7);
  const investor3 = named(8);
  const guarantor = named(9);
  const exchange = named(10);
  const outsider = named(11);

  const investorEligibility: Eligibility = {
    investorClass: CLASS_QUALIFIED,
    jurisdiction: JURISDICTION_CN,
    validUntil: FAR_FUTURE,
  };
  const founder = (s: HardhatEthersSigner, name: string, roles: number, voting: boolean, e = NO_ELIGIBILITY) => ({
    account: s.address,
    memberId: memberId(name),
    legalEntityHash: ethers.id(`legal-entity:${name}`),
    roles,
    voting,
    eligibility: e,
  });
  const founders = [
    founder(originator, "ORIG", roleSet("ORIGINATOR"), true),
    founder(servicer, "SERV", roleSet("SERVICER"), true),
    founder(trustee, "TRUS", roleSet("TRUSTEE"), true),
    founder(custodian, "CUST", roleSet("CUSTODIAN"), true),
    founder(regulator, "REGU", roleSet("REGULATOR"), false),
    founder(investor1, "INV1", roleSet("INVESTOR"), false, investorEligibility),
    founder(investor2, "INV2", roleSet("INVESTOR"), false, investorEligibility),
    founder(investor3, "INV3", roleSet("INVESTOR"), false, investorEligibility),
    founder(guarantor, "GUAR", roleSet("GUARANTOR"), false),
    founder(exchange, "EXCH", roleSet("EXCHANGE"), false),
  ];
  const registry = await ethers.deployContract("ConsortiumRegistry", [founders, 3], deployer);
  await registry.waitForDeployment();

  const voters = [originator, servicer, trustee, custodian];

  /**
   * Pass `a` through governance: proposed by the first of `by` that is an active voting member,
   * approved by the next k-1 such members (suspended or removed voters are skipped).
   */
  async function govern(a: Action, by: HardhatEthersSigner[] = voters) {
    const k = Number(await registry.threshold());
    const eligible: HardhatEthersSigner[] = [];
    for (const voter of by) {
      const m = await registry.member(voter.address);
      if (m.status === BigInt(MemberStatus.Active) && m.voting) eligible.push(voter);
    }
    const [proposer, ...rest] = eligible;
    if (!proposer) throw new Error("govern: no voters given");
    await (await registry.connect(proposer).propose(a, ONE_DAY)).wait();
    const id = await registry.proposalCount();
    for (const voter of rest.slice(0, k - 1)) {
      await (await registry.connect(voter).approve(id)).wait();
    }
    return id;
  }

  return {
    registry: registry as ConsortiumRegistry,
    deployer,
    originator,
    servicer,
    trustee,
    custodian,
    regulator,
    investor1,
    investor2,
    investor3,
    guarantor,
    exchange,
    outsider,
    voters,
    investorEligibility,
    govern,
    suspend: (account: string) => govern(action(ActionKind.SuspendMember, { account })),
    reinstate: (account: string) => govern(action(ActionKind.ReinstateMember, { account })),
    authorizeFactory: (factory: string) => govern(action(ActionKind.SetFactory, { account: factory, flag: true })),
  };
}
