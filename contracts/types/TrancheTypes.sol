// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice How a tranche's coupon is set.
enum CouponType {
    Fixed, // couponRateWad is the annual rate
    Floating, // couponRateWad is the spread over an index the trustee sets each period
    None, // residual / equity: no coupon, receives what is left
    InverseFloating // couponRateWad is the constant K: the rate is K - multiplier x index (the waterfall's terms)
}

/// @notice The terms of one tranche, fixed when the trustee structures the deal.
/// @param name ERC-20 name, e.g. "ABS 2026-1 Class A".
/// @param symbol ERC-20 symbol, e.g. "ABS261A".
/// @param seniority Rank: 1 is the most senior; ranks are unique within a deal.
/// @param couponType Fixed, floating, none or inverse floating.
/// @param couponRateWad Annual fixed rate, the spread for floating, or the constant of an inverse floater; 1e18 = 100%.
/// @param originalFaceCents Original principal, in the cash token's smallest unit (cents).
/// @param allowedInvestorClasses Bit mask of investor classes that may hold the tranche.
struct TrancheTerms {
    string name;
    string symbol;
    uint8 seniority;
    CouponType couponType;
    uint64 couponRateWad;
    uint256 originalFaceCents;
    uint32 allowedInvestorClasses;
}
