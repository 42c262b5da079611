// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {TrancheTerms, CouponType} from "../types/TrancheTypes.sol";
import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";
import {ITrancheToken} from "./ITrancheToken.sol";

/// @title Creates the tranche tokens of a deal and registers them with the consortium registry.
/// @notice Powers, by caller:
/// - a registered deal contract (an `AssetPool`, `registry().isDealContract(caller)`): `deployTranche`,
///   which makes the caller the new token's pool;
/// - anyone: the views.
/// The factory must itself be authorised by governance (`ActionKind.SetFactory`) to register tokens.
interface ITrancheTokenFactory {
    // ---------------------------------------------------------------- events

    /// @notice A tranche token was deployed for `pool` and registered as a deal contract.
    event TrancheDeployed(
        address indexed pool,
        address indexed token,
        uint8 indexed seniority,
        string name,
        string symbol,
        uint256 originalFaceCents,
        CouponType couponType,
        uint64 couponRateWad,
        uint32 allowedInvestorClasses
    );

    // ---------------------------------------------------------------- errors

    /// @notice The caller is not a registered deal contract.
    error NotDealContract(address caller);
    /// @notice The calling pool reads a different registry than the factory's.
    error RegistryMismatch(address expected, address found);
    /// @notice The tranche's name is empty.
    error TrancheNameEmpty();
    /// @notice The tranche's symbol is empty.
    error TrancheSymbolEmpty();
    /// @notice Seniority ranks start at 1 (the most senior).
    error TrancheSeniorityZero();
    /// @notice The tranche's original face must be positive.
    error TrancheFaceZero();
    /// @notice The tranche must admit at least one investor class.
    error TrancheClassesEmpty();
    /// @notice A tranche without coupon (`CouponType.None`) must have a zero coupon rate.
    error TrancheCouponRateNotZero(uint64 couponRateWad);

    // ---------------------------------------------------------------- functions

    /// @notice Deploy the token of one tranche for the calling pool and register it with the registry.
    /// Only a registered deal contract whose `registry()` is this factory's.
    /// @param terms The tranche's terms: non-empty name and symbol, seniority >= 1, original face > 0,
    /// at least one allowed investor class, and a zero coupon rate when the coupon type is `None`.
    /// @return token The new tranche token (its `pool()` is the caller).
    function deployTranche(TrancheTerms calldata terms) external returns (ITrancheToken token);

    /// @notice The registry deal contracts must be registered in, and the tokens are registered with.
    function registry() external view returns (IConsortiumRegistry);
}
