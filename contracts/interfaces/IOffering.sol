// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetPool} from "./IAssetPool.sol";
import {OfferingStatus, TrancheWindow, WarehouseTerms, CloseParams} from "../types/OfferingTypes.sol";

/// @title The primary offering of one deal: cash-settled subscriptions and the true sale.
/// @notice Created by the `OfferingFactory` for a pool in Structured or Offering, and registered as a deal
/// contract, so it may hold the cash token. One subscription window per tranche (in the pool's tranche
/// order). Eligible investors commit cash (an ERC-20 `approve` of the cash token first) and may cancel
/// until their window closes. After every window has closed the trustee closes the offering, which either
/// - issues: allocates each tranche (orders in full; pro-rata, or by the trustee's table, when
///   oversubscribed; the unsold face of an undersubscribed tranche above its minimum size is retained by
///   the originator), has the pool mint the notes and move to Active (`IAssetPool.issueBatch` and
///   `closeIssuance`, which only an offering of the pool may call), repays the warehouse lender first, pays
///   the rest of the purchase price to the originator and refunds every unallocated cent; or
/// - fails, when any tranche is below its minimum size: every subscriber gets all their cash back and
///   the pool stays in Offering (the trustee may withdraw it or create a new offering).
///
/// A closing costs O(1) in the number of investors per transaction: `close` handles at most `CLOSE_BATCH`
/// subscribers (allocation, mint, refund) and the trustee repeats it, with the same parameters, until the status
/// is `Closed` (or `Failed`). The first call checks everything that could stop a closing halfway, and changes
/// nothing if a check fails: windows, tables (one per tranche, one entry per subscriber, no entry above its order,
/// exactly the size in all), minimum sizes, that the originator may retain each undersubscribed tranche's unsold
/// face, the pool's issuance terms and the warehouse repayment against the least the proceeds can be; then it
/// commits the parameters. After that a batch can only wait on a restriction set meanwhile (a freeze, a suspension;
/// below). The table check reads each table tranche's orders once (about 4.4k gas per subscriber, first call
/// only). The pool stays in Offering until the last batch moves it to Active: notes minted by earlier batches are
/// held (and transferable) like any note, but nothing is paid on them before then; nothing else happens to the
/// offering meanwhile. A 1,000-investor offering closes in ten calls.
///
/// A subscriber the tranche may no longer be minted to at closing (suspended, no longer of an allowed class,
/// frozen) is allocated nothing and refunded in full; its face is retained by the originator with the unsold
/// face (if the originator may not hold it either, that batch reverts until the trustee lifts its freeze or the
/// consortium reinstates the member). A payment the cash token refuses (a subscriber, the warehouse lender or the
/// originator suspended meanwhile) is kept for it to claim later (`RefundDeferred`, `claimRefund`), so no batch is
/// ever stuck on one receiver of cash.
///
/// Cash arithmetic (all in cash-token cents, no cent lost): a subscriber has paid
/// `costOf(tranche, order)` = `ceil(order * priceBps / 10,000)`. At closing it is charged
/// `costOf(allocated)` and refunded `costOf(order) - costOf(allocated)`. The rounding of the price
/// (under one cent per allocation) is paid by the subscriber and received by the originator.
/// Pro-rata, by cumulative rounding: with `C` the orders up to and including a subscriber's, in subscription
/// order, it gets `floor(C * size / demand) - floor((C - order) * size / demand)`: the floor or the ceiling of
/// its exact share, never above its order, and the allocations add up to exactly the size (the rounding falls
/// where the running total crosses a cent; no subscriber's share is off by a cent or more). Pro-rata amounts are
/// in cents of face and need not be multiples of the increment.
///
/// Powers, by caller:
/// - the pool's trustee (TRUSTEE, active): `close`, `cancelOffering`.
/// - an investor eligible for the window's classes: `subscribe`, and `cancel` of its own order.
/// - the warehouse lender named at creation: `fundWarehouse`, once.
/// - anyone: the views.
interface IOffering {
    // ---------------------------------------------------------------- events

    /// @notice `investor` added `amountCents` of face to its order in tranche `trancheIndex`.
    /// @param orderCents The investor's order after this subscription (face cents).
    /// @param paidCents The cash taken now (cash cents).
    /// @param totalDemandCents The tranche's total demand after this subscription.
    event Subscribed(
        uint256 indexed trancheIndex,
        address indexed tranche,
        address indexed investor,
        uint256 amountCents,
        uint256 orderCents,
        uint256 paidCents,
        uint256 totalDemandCents
    );

    /// @notice `investor` cancelled its whole order of `orderCents` and got `refundCents` back.
    event SubscriptionCancelled(
        uint256 indexed trancheIndex,
        address indexed tranche,
        address indexed investor,
        uint256 orderCents,
        uint256 refundCents,
        uint256 totalDemandCents
    );

    /// @notice The warehouse lender advanced `advanceCents` to the originator against tape `tapeVersion`,
    /// to be repaid `repaymentCents` first out of the closing proceeds.
    event WarehouseFunded(
        address indexed investor,
        address indexed originator,
        uint256 advanceCents,
        uint256 repaymentCents,
        uint32 tapeVersion
    );

    /// @notice At closing, `investor`'s order of `orderCents` was allocated `allocatedCents` of face for
    /// `costCents` of cash; `refundCents` went back to it in the same transaction (its batch). An allocation to the
    /// originator with a zero order and zero cost is the retained unsold face.
    event Allocated(
        uint256 indexed trancheIndex,
        address indexed tranche,
        address indexed investor,
        uint256 orderCents,
        uint256 allocatedCents,
        uint256 costCents,
        uint256 refundCents
    );

    /// @notice The offering closed and the notes were issued on tape `tapeVersion` (the pool is Active); emitted
    /// by the last batch, with the totals of all batches.
    /// @param raisedCents All cash the subscribers had committed.
    /// @param proceedsCents The price of the allocated notes (raised - refunded).
    /// @param warehouseRepaidCents Paid first to the warehouse lender.
    /// @param originatorCents Paid to the originator for the loans (proceeds - warehouse repayment).
    /// @param refundedCents Returned to subscribers.
    event OfferingClosed(
        address indexed pool,
        uint32 tapeVersion,
        uint256 raisedCents,
        uint256 proceedsCents,
        uint256 warehouseRepaidCents,
        uint256 originatorCents,
        uint256 refundedCents,
        address indexed actor
    );

    /// @notice The offering failed and every subscriber was refunded in full.
    /// @param trancheIndex The first tranche below its minimum size, or `type(uint256).max` when the
    /// trustee cancelled the offering.
    /// @param demandCents That tranche's demand (0 on cancellation).
    /// @param minSizeCents That tranche's minimum size (0 on cancellation).
    /// @param refundedCents All cash returned.
    event OfferingFailed(
        address indexed pool,
        uint256 trancheIndex,
        uint256 demandCents,
        uint256 minSizeCents,
        uint256 refundedCents,
        address indexed actor
    );

    /// @notice A subscriber's cash was returned in full because the offering failed.
    event Refunded(uint256 indexed trancheIndex, address indexed investor, uint256 orderCents, uint256 refundCents);

    /// @notice A refund could not be paid now (the cash token refused the receiver, e.g. a suspended member):
    /// it is kept for `investor` to claim with `claimRefund`, so one refused refund never blocks the others.
    event RefundDeferred(address indexed investor, uint256 amountCents, uint256 totalDeferredCents);

    /// @notice `investor` claimed its deferred refunds.
    event RefundClaimed(address indexed investor, uint256 amountCents);

    // ---------------------------------------------------------------- errors

    /// @notice Only the pool's trustee, while an active member holding TRUSTEE.
    error NotTrustee(address account);
    /// @notice The offering is no longer open.
    error OfferingNotOpen(OfferingStatus status);
    /// @notice The pool must be in Offering (it is `state`).
    error PoolNotOffering(uint8 state);
    /// @notice There is no tranche `index` (the deal has `count`).
    error TrancheIndexInvalid(uint256 index, uint256 count);
    /// @notice Subscriptions and cancellations only within [opensAt, closesAt).
    error WindowNotOpen(uint256 trancheIndex, uint64 opensAt, uint64 closesAt, uint256 nowSeconds);
    /// @notice Closing waits until every window has closed (the last at `closesAt`).
    error WindowsStillOpen(uint64 closesAt, uint256 nowSeconds);
    /// @notice The investor is not eligible: `code` is the registry's holder code for the window's classes.
    error SubscriberIneligible(address investor, uint8 code);
    /// @notice An order must be at least the window's minimum.
    error SubscriptionBelowMinimum(uint256 trancheIndex, uint256 minimumCents, uint256 orderCents);
    /// @notice An amount must be a non-zero multiple of the window's increment.
    error SubscriptionNotIncrement(uint256 trancheIndex, uint256 incrementCents, uint256 amountCents);
    /// @notice An order, with what it adds, would exceed what the tranche can take in one order (its face).
    error SubscriptionExceedsSize(uint256 trancheIndex, uint256 sizeCents, uint256 orderCents);
    /// @notice `investor` has no order in the tranche.
    error SubscriptionMissing(uint256 trancheIndex, address investor);
    /// @notice `tables` must have one entry per tranche.
    error AllocationTablesLength(uint256 expected, uint256 found);
    /// @notice A table only for an oversubscribed tranche (`demandCents` > `sizeCents`).
    error AllocationTableNotOversubscribed(uint256 trancheIndex, uint256 demandCents, uint256 sizeCents);
    /// @notice A table must have one amount per subscriber.
    error AllocationTableLength(uint256 trancheIndex, uint256 expected, uint256 found);
    /// @notice A table may not give an investor more than its order.
    error AllocationExceedsOrder(uint256 trancheIndex, address investor, uint256 orderCents, uint256 allocatedCents);
    /// @notice A table must allocate exactly the tranche's size.
    error AllocationTableTotal(uint256 trancheIndex, uint256 sizeCents, uint256 allocatedCents);
    /// @notice The originator retains an undersubscribed tranche's unsold face, but the tranche may not be minted to
    /// it (`code`: the tranche's transfer-restriction code, e.g. its class not allowed). Refused before the first
    /// batch; the trustee cancels, or governance makes the originator eligible, and closes again.
    error OriginatorMayNotRetain(uint256 trancheIndex, uint256 unsoldCents, uint8 code);
    /// @notice A closing continues with the parameters it started with (their ABI encoding's hash).
    error CloseParamsChanged(bytes32 started, bytes32 given);
    /// @notice The closing proceeds do not cover the warehouse repayment.
    error ProceedsBelowWarehouse(uint256 proceedsCents, uint256 repaymentCents);
    /// @notice Only the warehouse lender named at creation funds the warehouse, once, while the offering is open.
    error WarehouseNotFundable(address account);
    /// @notice The creation terms name `expected` windows (one per tranche) but `found` were given.
    error WindowsLength(uint256 expected, uint256 found);
    /// @notice A window must open before it closes, and close in the future.
    error WindowDatesInvalid(uint256 trancheIndex, uint64 opensAt, uint64 closesAt);
    /// @notice The price must be in (0, MAX_PRICE_BPS].
    error WindowPriceInvalid(uint256 trancheIndex, uint256 priceBps);
    /// @notice The increment must be non-zero and divide the minimum, which must be non-zero.
    error WindowMinimumInvalid(uint256 trancheIndex, uint256 minSubscriptionCents, uint256 incrementCents);
    /// @notice The minimum size must be in (0, face].
    error WindowSizeInvalid(uint256 trancheIndex, uint256 minSizeCents, uint256 faceCents);
    /// @notice The window's classes must be a non-empty subset of the tranche's.
    error WindowClassesInvalid(uint256 trancheIndex, uint32 classes, uint32 trancheClasses);
    /// @notice The caller has no deferred refund.
    error NothingToClaim(address account);
    /// @notice Warehouse terms: a lender needs a non-zero advance and a repayment at least the advance;
    /// no lender needs all zero.
    error WarehouseTermsInvalid(address investor, uint256 advanceCents, uint256 repaymentCents);

    // ---------------------------------------------------------------- investors

    /// @notice Add `amountCents` of face to the caller's order in tranche `trancheIndex`, paying
    /// `costOf(new order) - costOf(old order)` in cash now (the caller must have approved it). Only within the
    /// window, while the pool is in Offering, for an investor eligible for the window's classes; the amount
    /// is a multiple of the increment and the order reaches at least the minimum.
    function subscribe(uint256 trancheIndex, uint256 amountCents) external;

    /// @notice Cancel the caller's whole order in tranche `trancheIndex` and get its cash back. Until the
    /// window closes, or at any time while the pool is not in Offering (the trustee withdrew it).
    function cancel(uint256 trancheIndex) external;

    /// @notice The warehouse lender advances its terms' `advanceCents` to the originator (approve first).
    function fundWarehouse() external;

    /// @notice Claim the caller's deferred refunds (see `RefundDeferred`).
    function claimRefund() external;

    // ---------------------------------------------------------------- trustee

    /// @notice Close the offering after every window closed: issue (or fail and refund all) as described
    /// above, `CLOSE_BATCH` subscribers per call. The first call starts the closing (or the failure); repeat it
    /// with the same parameters (`CloseParamsChanged` otherwise; ignored when failing) until `status` is
    /// `Closed` or `Failed`.
    function close(CloseParams calldata params) external;

    /// @notice Cancel the open offering and refund every subscriber in full: the first `CLOSE_BATCH` now, the rest
    /// by `close` (the status is `Failing` until then).
    function cancelOffering() external;

    // ---------------------------------------------------------------- views

    /// @notice The most subscribers one `close` (or `cancelOffering`) handles.
    function CLOSE_BATCH() external view returns (uint256);

    /// @notice The largest price, in basis points of face (2x par).
    function MAX_PRICE_BPS() external view returns (uint256);

    /// @notice The pool whose tranches are offered.
    function pool() external view returns (IAssetPool);

    /// @notice The cash token (the pool's).
    function cashToken() external view returns (address);

    /// @notice The offering's status.
    function status() external view returns (OfferingStatus);

    /// @notice The number of tranches (and windows).
    function trancheCount() external view returns (uint256);

    /// @notice The tranche token of `trancheIndex`.
    function trancheAt(uint256 trancheIndex) external view returns (address);

    /// @notice The window of `trancheIndex`.
    function window(uint256 trancheIndex) external view returns (TrancheWindow memory);

    /// @notice The tranche's size (its original face), in cents.
    function sizeOf(uint256 trancheIndex) external view returns (uint256);

    /// @notice The investor's order in the tranche (face cents).
    function orderOf(uint256 trancheIndex, address investor) external view returns (uint256);

    /// @notice The tranche's total demand (face cents).
    function demandOf(uint256 trancheIndex) external view returns (uint256);

    /// @notice Everyone who ever subscribed to the tranche, in first-subscription order (a cancelled
    /// order stays listed with a zero order). Allocation tables follow this order.
    function subscribersOf(uint256 trancheIndex) external view returns (address[] memory);

    /// @notice The cash price of `faceCents` of the tranche: `ceil(faceCents * priceBps / 10,000)`.
    function costOf(uint256 trancheIndex, uint256 faceCents) external view returns (uint256);

    /// @notice The refunds kept for `investor` to claim.
    function deferredOf(address investor) external view returns (uint256);

    /// @notice The terms a closing that spans several calls started with (all zero before it started, and for a
    /// closing done in one call): a trustee resuming an interrupted closing repeats them (with the same tables).
    function closingTerms() external view returns (uint32 tapeVersion, bool revolving, uint64 revolvingEndDate);

    /// @notice The warehouse terms and whether the advance was made.
    function warehouse() external view returns (WarehouseTerms memory terms, bool funded);
}
