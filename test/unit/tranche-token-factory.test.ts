import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { type ContractTransactionResponse } from "ethers";
import { type TrancheTermsStruct } from "../../typechain-types/contracts/tokens/TrancheTokenFactory";
import { deployConsortium, ONLY_QUALIFIED } from "../helpers/consortium";
import { CouponType, DEAL_ID, TERMS } from "./tranche-token.fixture";

const CLASS_B: TrancheTermsStruct = {
  name: "ABS 2026-1 Class B",
  symbol: "ABS261B",
  seniority: 2,
  couponType: CouponType.Floating,
  couponRateWad: ethers.parseEther("0.012"),
  originalFaceCents: 20_000_000n,
  allowedInvestorClasses: ONLY_QUALIFIED | 0b10,
};

/**
 * The sample consortium, an authorised factory, and a MockDealParties registered as a deal contract:
 * governance authorises a test account as a factory (`registrar`), which registers the mock.
 */
async function deployFactory() {
  const c = await deployConsortium();
  const signers = await ethers.getSigners();
  const registrar = signers[12];
  if (!registrar) throw new Error("hardhat signer 12 missing");
  const registryAddress = await c.registry.getAddress();

  const factory = await ethers.deployContract("TrancheTokenFactory", [registryAddress]);
  await factory.waitForDeployment();
  const factoryAddress = await factory.getAddress();
  await c.authorizeFactory(factoryAddress);

  const newPool = async (registry: string) => {
    const pool = await ethers.deployContract("MockDealParties", [
      registry,
      DEAL_ID,
      c.originator.address,
      c.servicer.address,
      c.trustee.address,
    ]);
    await pool.waitForDeployment();
    return pool;
  };
  const pool = await newPool(registryAddress);
  const poolAddress = await pool.getAddress();
  await c.authorizeFactory(registrar.address);
  await (await c.registry.connect(registrar).registerDealContract(poolAddress)).wait();

  /** `deployTranche(terms)` called as the pool. */
  const deployAsPool = (terms: TrancheTermsStruct, by = pool) =>
    by.exec(factoryAddress, factory.interface.encodeFunctionData("deployTranche", [terms]));

  /** The token address announced by the factory in `tx`. */
  const deployedToken = async (tx: ContractTransactionResponse) => {
    const receipt = await tx.wait();
    for (const log of receipt?.logs ?? []) {
      const parsed = factory.interface.parseLog(log);
      if (parsed?.name === "TrancheDeployed") return String(parsed.args.token);
    }
    throw new Error("no TrancheDeployed event");
  };

  return { ...c, factory, factoryAddress, registrar, pool, poolAddress, newPool, deployAsPool, deployedToken };
}

describe("TrancheTokenFactory", () => {
  it("records the registry", async () => {
    const { factory, registry } = await loadFixture(deployFactory);
    expect(await factory.registry()).to.equal(await registry.getAddress());
  });

  it("deploys a tranche for the calling pool, registers it and emits TrancheDeployed", async () => {
    const { factory, factoryAddress, registry, poolAddress, deployAsPool, deployedToken } =
      await loadFixture(deployFactory);
    const tx = await deployAsPool(TERMS);
    await expect(tx)
      .to.emit(factory, "TrancheDeployed")
      .withArgs(
        poolAddress,
        anyValue,
        TERMS.seniority,
        TERMS.name,
        TERMS.symbol,
        TERMS.originalFaceCents,
        TERMS.couponType,
        TERMS.couponRateWad,
        TERMS.allowedInvestorClasses,
      );
    const tokenAddress = await deployedToken(tx);
    await expect(tx).to.emit(registry, "DealContractRegistered").withArgs(tokenAddress, factoryAddress);
    expect(await registry.isDealContract(tokenAddress)).to.equal(true);

    const token = await ethers.getContractAt("TrancheToken", tokenAddress);
    expect(await token.pool()).to.equal(poolAddress);
    expect(await token.registry()).to.equal(await registry.getAddress());
    const terms = await token.terms();
    expect(terms.name).to.equal(TERMS.name);
    expect(terms.symbol).to.equal(TERMS.symbol);
    expect(terms.seniority).to.equal(BigInt(TERMS.seniority));
    expect(terms.couponType).to.equal(BigInt(TERMS.couponType));
    expect(terms.couponRateWad).to.equal(TERMS.couponRateWad);
    expect(terms.originalFaceCents).to.equal(TERMS.originalFaceCents);
    expect(terms.allowedInvestorClasses).to.equal(BigInt(TERMS.allowedInvestorClasses));
  });

  it("makes the calling pool the token's pool (it alone can mint)", async () => {
    const { pool, investor1, deployAsPool, deployedToken } = await loadFixture(deployFactory);
    const token = await ethers.getContractAt("TrancheToken", await deployedToken(await deployAsPool(TERMS)));
    await pool.exec(await token.getAddress(), token.interface.encodeFunctionData("mint", [investor1.address, 500n]));
    expect(await token.balanceOf(investor1.address)).to.equal(500n);
    await expect(token.connect(investor1).mint(investor1.address, 1n))
      .to.be.revertedWithCustomError(token, "NotPool")
      .withArgs(investor1.address);
  });

  it("deploys one token per tranche, each registered", async () => {
    const { registry, deployAsPool, deployedToken } = await loadFixture(deployFactory);
    const a = await deployedToken(await deployAsPool(TERMS));
    const b = await deployedToken(await deployAsPool(CLASS_B));
    expect(a).to.not.equal(b);
    expect(await registry.isDealContract(a)).to.equal(true);
    expect(await registry.isDealContract(b)).to.equal(true);
    const tokenB = await ethers.getContractAt("TrancheToken", b);
    expect((await tokenB.terms()).couponType).to.equal(BigInt(CouponType.Floating));
  });

  it("fails for every caller that is not a registered deal contract", async () => {
    const f = await loadFixture(deployFactory);
    const callers = [
      f.deployer,
      f.originator,
      f.servicer,
      f.trustee,
      f.custodian,
      f.regulator,
      f.investor1,
      f.guarantor,
      f.exchange,
      f.outsider,
      f.registrar,
    ];
    for (const caller of callers) {
      await expect(f.factory.connect(caller).deployTranche(TERMS))
        .to.be.revertedWithCustomError(f.factory, "NotDealContract")
        .withArgs(caller.address);
    }
    const unregistered = await f.newPool(await f.registry.getAddress());
    await expect(f.deployAsPool(TERMS, unregistered))
      .to.be.revertedWithCustomError(f.factory, "NotDealContract")
      .withArgs(await unregistered.getAddress());
  });

  it("rejects a deal contract that reads another registry", async () => {
    const f = await loadFixture(deployFactory);
    const foreign = await f.newPool(f.outsider.address);
    await (await f.registry.connect(f.registrar).registerDealContract(await foreign.getAddress())).wait();
    await expect(f.deployAsPool(TERMS, foreign))
      .to.be.revertedWithCustomError(f.factory, "RegistryMismatch")
      .withArgs(await f.registry.getAddress(), f.outsider.address);
  });

  it("cannot register its tokens unless governance authorised it", async () => {
    const f = await loadFixture(deployFactory);
    const unauthorised = await ethers.deployContract("TrancheTokenFactory", [await f.registry.getAddress()]);
    const address = await unauthorised.getAddress();
    await expect(f.pool.exec(address, unauthorised.interface.encodeFunctionData("deployTranche", [TERMS])))
      .to.be.revertedWithCustomError(f.registry, "NotAuthorizedFactory")
      .withArgs(address);
  });

  describe("terms validation", () => {
    const cases: [string, Partial<TrancheTermsStruct>, string, unknown[]][] = [
      ["an empty name", { name: "" }, "TrancheNameEmpty", []],
      ["an empty symbol", { symbol: "" }, "TrancheSymbolEmpty", []],
      ["seniority 0", { seniority: 0 }, "TrancheSeniorityZero", []],
      ["a zero original face", { originalFaceCents: 0n }, "TrancheFaceZero", []],
      ["no allowed investor class", { allowedInvestorClasses: 0 }, "TrancheClassesEmpty", []],
      [
        "a coupon rate on a tranche without coupon",
        { couponType: CouponType.None, couponRateWad: 1n },
        "TrancheCouponRateNotZero",
        [1n],
      ],
    ];
    for (const [what, change, error, args] of cases) {
      it(`rejects ${what} (${error})`, async () => {
        const { factory, deployAsPool } = await loadFixture(deployFactory);
        await expect(deployAsPool({ ...TERMS, ...change }))
          .to.be.revertedWithCustomError(factory, error)
          .withArgs(...args);
      });
    }

    it("accepts a residual tranche (no coupon, zero rate)", async () => {
      const { factory, deployAsPool } = await loadFixture(deployFactory);
      const residual = {
        ...TERMS,
        name: "Residual",
        symbol: "R",
        seniority: 3,
        couponType: CouponType.None,
        couponRateWad: 0n,
      };
      await expect(deployAsPool(residual)).to.emit(factory, "TrancheDeployed");
    });
  });
});
