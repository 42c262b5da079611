// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";
import {TrancheWindow, WarehouseTerms} from "../types/OfferingTypes.sol";

/// @title Creates the primary offering of a pool and registers it as a deal contract.
/// @notice Governance must authorise the factory (`SetFactory`) before it can register offerings.
/// Powers: the pool's trustee (TRUSTEE, active) creates an offering for its pool while the pool is in
/// Structured or Offering, when the pool has no offering or only failed ones.
interface IOfferingFactory {
    /// @notice An offering was created for `pool`.
    /// @param offering The new offering (a registered deal contract).
    /// @param pool The pool.
    /// @param dealId The pool's deal id.
    /// @param tranches The tranche tokens, in the pool's order (one window each).
    /// @param windows The subscription windows.
    /// @param warehouse The warehouse terms (all zero if none).
    /// @param trustee The trustee that created it.
    event OfferingCreated(
        address indexed offering,
        address indexed pool,
        bytes32 indexed dealId,
        address[] tranches,
        TrancheWindow[] windows,
        WarehouseTerms warehouse,
        address trustee
    );

    /// @notice Only the pool's trustee, while an active member holding TRUSTEE.
    error NotTrustee(address account);
    /// @notice `pool` is not a registered deal contract.
    error PoolUnknown(address pool);
    /// @notice The pool must be in Structured or Offering (it is `state`).
    error PoolNotReady(address pool, uint8 state);
    /// @notice The pool already has an offering that has not failed.
    error OfferingExists(address pool, address offering);

    /// @notice Create the offering of `pool` (validated by the offering: one window per tranche, ...).
    /// @return offering The new offering.
    function createOffering(
        address pool,
        TrancheWindow[] calldata windows,
        WarehouseTerms calldata warehouse
    ) external returns (address offering);

    /// @notice The pool's latest offering (zero if none).
    function offeringOf(address pool) external view returns (address);

    /// @notice The consortium registry.
    function registry() external view returns (IConsortiumRegistry);
}
