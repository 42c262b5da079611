import { ethers } from "hardhat";
import { type Signer } from "ethers";
import { DVP_ORDER_TYPES } from "@abs/core";
import { type DvPSettlement } from "../../typechain-types";
import { type OrderStruct } from "../../typechain-types/contracts/trading/DvPSettlement";
import { type Deal, dealIn } from "./pool";

export type Order = OrderStruct;

/** The maker's EIP-712 signature of `order` for `dvp`. */
export async function signOrder(dvp: DvPSettlement, maker: Signer, order: Order): Promise<string> {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: "ABS DvP Settlement", version: "1", chainId, verifyingContract: await dvp.getAddress() };
  return maker.signTypedData(domain, DVP_ORDER_TYPES, order);
}

/** An Active sample deal with a DvP settlement contract deployed (no governance needed: it holds nothing). */
export async function deployDvPDeal(): Promise<Deal & { dvp: DvPSettlement }> {
  const deal = await dealIn.Active();
  const dvp = (await ethers.deployContract("DvPSettlement", [
    await deal.registry.getAddress(),
    await deal.cashToken.getAddress(),
  ])) as unknown as DvPSettlement;
  return { ...deal, dvp };
}
