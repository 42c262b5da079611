// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice A signed secondary-market order for a tranche, against the cash token (EIP-712 `Order`).
/// @param maker The account that signs and trades.
/// @param isSell True: the maker delivers tranche units and receives cash; false: it buys.
/// @param tranche The tranche token.
/// @param amountCents The most units (face cents of the token) the order may trade, over all its fills.
/// @param priceBps The limit price in basis points of the units traded (10,000 = par): a seller's minimum,
/// a buyer's maximum. A trade executes at the seller's price.
/// @param cashToken The cash token paid.
/// @param counterparty The only account the order may trade with, or zero for any.
/// @param expiry The first second at which the order no longer trades (unix seconds).
/// @param nonce Any number that makes the order unique among the maker's orders.
struct Order {
    address maker;
    bool isSell;
    address tranche;
    uint256 amountCents;
    uint256 priceBps;
    address cashToken;
    address counterparty;
    uint64 expiry;
    uint256 nonce;
}
