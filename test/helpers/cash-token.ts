import { ethers } from "hardhat";
import { deployConsortium } from "./consortium";

/** The ISO 4217 code of the test cash token, as the constructor's bytes3. */
export const CNY = ethers.hexlify(ethers.toUtf8Bytes("CNY"));

/**
 * The sample consortium plus a CashToken issued by its custodian, and a registered deal contract
 * (`dealAccount`, an EOA registered by the governed test `factory`, so tests can also send from it).
 */
export async function deployCashToken() {
  const consortium = await deployConsortium();
  const signers = await ethers.getSigners();
  const factory = signers[12];
  const dealAccount = signers[13];
  if (!factory || !dealAccount) throw new Error("hardhat signers 12 and 13 missing");

  await consortium.authorizeFactory(factory.address);
  await (await consortium.registry.connect(factory).registerDealContract(dealAccount.address)).wait();

  const token = await ethers.deployContract("CashToken", [
    await consortium.registry.getAddress(),
    consortium.custodian.address,
    "Trust Deposit CNY",
    "tdCNY",
    CNY,
  ]);
  await token.waitForDeployment();
  return { ...consortium, token, factory, dealAccount };
}

/**
 * A second CashToken, not the consortium's: deployed by anyone over the same registry, naming `custodian` as
 * its custodian (what a CUSTODIAN could do to pass its own token off as the trust's).
 */
export async function deployOtherCashToken(registry: string, custodian: string, symbol: string) {
  const token = await ethers.deployContract("CashToken", [
    registry,
    custodian,
    `${symbol} (not the trust's)`,
    symbol,
    CNY,
  ]);
  await token.waitForDeployment();
  return token;
}
