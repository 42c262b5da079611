import { ethers } from "hardhat";
import { type Signer } from "ethers";
import { type DvPSettlement } from "../../typechain-types";
import { type OrderStruct } from "../../typechain-types/contracts/trading/DvPSettlement";
import { type Deal, dealIn } from "./pool";

export type Order = OrderStruct;

/** The EIP-712 type of `Order` (contracts/types/TradeTypes.sol), field for field. */
export const ORDER_TYPES = {
  Order: [
    { name: "maker", type: "address" },
    { name: "isSell", type: "bool" },
    { name: "tranche", type: "address" },
    { name: "amountCents", type: "uint256" },
    { name: "priceBps", type: "uint256" },
    { name: "cashToken", type: "address" },
    { name: "counterparty", type: "address" },
    { name: "expiry", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
};

/** The maker's EIP-712 signature of `order` for `dvp`. */
export async function signOrder(dvp: DvPSettlement, maker: Signer, order: Order): Promise<string> {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: "ABS DvP Settlement", version: "1", chainId, verifyingContract: await dvp.getAddress() };
  return maker.signTypedData(domain, ORDER_TYPES, order);
}

/** An Active sample deal with a DvP settlement contract deployed (no governance needed: it holds nothing). */
export async function deployDvPDeal(): Promise<Deal & { dvp: DvPSettlement }> {
  const deal = await dealIn.Active();
  const dvp = (await ethers.deployContract("DvPSettlement", [
    await deal.registry.getAddress(),
  ])) as unknown as DvPSettlement;
  return { ...deal, dvp };
}
