// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";
import {Order} from "../types/TradeTypes.sol";

/// @title Delivery-versus-payment settlement of secondary tranche trades.
/// @notice A seller and a buyer each sign an EIP-712 `Order`; anyone (typically an exchange member)
/// submits a matching pair with the amount to fill. The tranche units move from seller to buyer and the
/// cash from buyer to seller in the same call, or nothing moves. Orders fill partially up to their
/// amount; a maker cancels its order on chain; an expired, cancelled or fully filled order never trades
/// again (replay protection is the per-order filled amount, keyed by the order's EIP-712 hash).
///
/// How units move: by ERC-20 allowance. The seller approves this contract on the tranche token and the
/// buyer on the cash token, and settlement calls `transferFrom` on both. The tokens need no operator
/// role for this contract, a holder controls exactly what it exposes, and every restriction of the
/// tranche (eligibility of both parties, freezes, pause) and of the cash token applies, because both
/// check the holders, not the caller. Before moving anything the contract asks the tranche's
/// `detectTransferRestriction` (ERC-1404) and reverts with its code and message, and checks balances and
/// allowances, so a failed trade names its reason.
///
/// Price and rounding: the trade executes at the seller's price; the buyer pays
/// `ceil(units * priceBps / 10,000)` cash cents, so the buyer carries the rounding (under one cent per
/// fill), which the seller receives.
///
/// Powers: anyone submits a matched pair (the signatures are the authority); only an order's maker
/// cancels it. No admin.
interface IDvPSettlement {
    // ---------------------------------------------------------------- events

    /// @notice A trade settled: `amountCents` units of `tranche` from `seller` to `buyer` against `cashCents`.
    /// @param sellHash The sell order's EIP-712 hash.
    /// @param buyHash The buy order's EIP-712 hash.
    /// @param priceBps The execution (seller's) price.
    /// @param sellFilledCents The sell order's filled amount after this trade.
    /// @param buyFilledCents The buy order's filled amount after this trade.
    /// @param submitter Who submitted the pair.
    event TradeSettled(
        bytes32 indexed sellHash,
        bytes32 indexed buyHash,
        address indexed tranche,
        address seller,
        address buyer,
        uint256 amountCents,
        uint256 cashCents,
        uint256 priceBps,
        address cashToken,
        uint256 sellFilledCents,
        uint256 buyFilledCents,
        address submitter
    );

    /// @notice The maker cancelled its order after `filledCents` had traded.
    event OrderCancelled(bytes32 indexed orderHash, address indexed maker, uint256 filledCents);

    // ---------------------------------------------------------------- errors

    /// @notice The first order must sell and the second buy.
    error OrderSidesInvalid();
    /// @notice Seller and buyer are the same account.
    error SelfTrade(address account);
    /// @notice The orders name different tranches or cash tokens.
    error OrdersMismatched(address sellTranche, address buyTranche, address sellCash, address buyCash);
    /// @notice The tranche is not a registered deal contract of the consortium.
    error TrancheUnknown(address tranche);
    /// @notice The orders name a cash token other than the consortium's.
    /// @param cashToken The cash token the orders name.
    /// @param expected The consortium's cash token (`cashToken()`).
    error CashTokenUnknown(address cashToken, address expected);
    /// @notice The order `orderHash` allows only `expected` as counterparty.
    error CounterpartyMismatch(bytes32 orderHash, address expected, address found);
    /// @notice The order expired at `expiry`.
    error OrderExpired(bytes32 orderHash, uint64 expiry, uint256 nowSeconds);
    /// @notice The buyer's limit is below the seller's price.
    error PricesDoNotCross(uint256 sellPriceBps, uint256 buyPriceBps);
    /// @notice The signature is not the maker's over this order (tampered order, wrong signer).
    error SignatureInvalid(bytes32 orderHash, address maker);
    /// @notice The order was cancelled by its maker.
    error OrderIsCancelled(bytes32 orderHash);
    /// @notice A fill must be non-zero.
    error FillZero();
    /// @notice The fill exceeds what is left of the order (a replayed or fully filled order has 0 left).
    error FillExceedsRemaining(bytes32 orderHash, uint256 remainingCents, uint256 fillCents);
    /// @notice The tranche refuses the transfer: its ERC-1404 `code` and `message`.
    error TradeRestricted(address tranche, uint8 code, string message);
    /// @notice The cash token refuses the payment (its restriction `code`).
    error CashRestricted(address cashToken, uint8 code);
    /// @notice `account` holds `balance` of `token` but the trade needs `needed`.
    error BalanceInsufficient(address token, address account, uint256 balance, uint256 needed);
    /// @notice `account` approved this contract for `allowance` of `token` but the trade needs `needed`.
    error AllowanceInsufficient(address token, address account, uint256 allowance, uint256 needed);
    /// @notice Only the order's maker cancels it.
    error NotMaker(bytes32 orderHash, address maker, address caller);

    // ---------------------------------------------------------------- functions

    /// @notice Settle `fillCents` units between a signed sell order and a signed buy order, atomically.
    /// @return cashCents The cash paid by the buyer.
    function settle(
        Order calldata sell,
        bytes calldata sellSignature,
        Order calldata buy,
        bytes calldata buySignature,
        uint256 fillCents
    ) external returns (uint256 cashCents);

    /// @notice Cancel the caller's own order; it never trades again.
    function cancel(Order calldata order) external;

    /// @notice The EIP-712 hash of `order` (what the maker signs).
    function hashOrder(Order calldata order) external view returns (bytes32);

    /// @notice How much of the order has traded.
    function filledOf(bytes32 orderHash) external view returns (uint256);

    /// @notice Whether the order was cancelled.
    function isCancelled(bytes32 orderHash) external view returns (bool);

    /// @notice The consortium registry (which tranches are the consortium's).
    function registry() external view returns (IConsortiumRegistry);

    /// @notice The consortium's cash token, fixed at deployment: the only one accepted here.
    function cashToken() external view returns (address);
}
