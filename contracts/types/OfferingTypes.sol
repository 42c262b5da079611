// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Where an offering is in its life. `Open` takes subscriptions and cancellations (within
/// each window); `Closed` issued the notes (the pool is Active); `Failed` returned every cent.
/// `Closing` and `Failing`: a closing (or a failure's refunds) started and continues batch by batch
/// (`IOffering.close`), `CLOSE_BATCH` subscribers per transaction; nothing else happens meanwhile.
enum OfferingStatus {
    Open,
    Closed,
    Failed,
    Closing,
    Failing
}

/// @notice The subscription window of one tranche. Amounts are face amounts in cents; the tranche's
/// size is its original face.
/// @param priceBps The price in basis points of face (10,000 = par): a subscriber pays
/// `ceil(faceCents * priceBps / 10,000)` cash cents.
/// @param minSubscriptionCents The smallest order (an investor's total in the tranche), in face cents.
/// @param incrementCents Every order is a multiple of it, in face cents.
/// @param minSizeCents Below this total demand the whole offering fails and returns all cash. Between
/// it and the face, the unsold face is retained by the originator as part of the loans' price.
/// @param allowedInvestorClasses Bit mask of the investor classes that may subscribe (a subset of the
/// tranche's own classes).
/// @param opensAt First second of the window (unix seconds).
/// @param closesAt First second after the window: subscriptions and cancellations stop.
struct TrancheWindow {
    uint256 priceBps;
    uint256 minSubscriptionCents;
    uint256 incrementCents;
    uint256 minSizeCents;
    uint32 allowedInvestorClasses;
    uint64 opensAt;
    uint64 closesAt;
}

/// @notice Pre-ABS (warehouse) financing: before issuance `investor` advances `advanceCents` to the
/// originator against the anchored tape and is repaid `repaymentCents` first out of the closing proceeds.
/// All zero when the deal has no warehouse lender.
struct WarehouseTerms {
    address investor;
    uint256 advanceCents;
    uint256 repaymentCents;
}

/// @notice What the trustee names when closing.
/// @param tapeVersion The anchored tape version whose loans are sold to the trust.
/// @param revolving Whether the deal has a revolving period.
/// @param revolvingEndDate End of the revolving period (future unix seconds), 0 if not revolving.
/// @param tables One entry per tranche, in the pool's tranche order: empty for the default rule
/// (orders filled in full, or pro-rata when oversubscribed), else the trustee's allocation table for an
/// oversubscribed tranche: one face amount per subscriber, in subscription order.
struct CloseParams {
    uint32 tapeVersion;
    bool revolving;
    uint64 revolvingEndDate;
    uint256[][] tables;
}
