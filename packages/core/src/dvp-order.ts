/**
 * The EIP-712 type of a DvP order (contracts/types/TradeTypes.sol `Order`, field for field), for anyone who
 * signs orders for `DvPSettlement`: investors' tools, an exchange member, tests and benches.
 */
export const DVP_ORDER_TYPES = {
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
