// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";
import {ITrancheTokenFactory} from "./ITrancheTokenFactory.sol";
import {PoolParams} from "../types/PoolTypes.sol";

/// @title Creates the asset pool of each deal and registers it with the consortium registry.
/// @notice The factory must be authorised by governance (`SetFactory`) before it can create pools.
/// Powers, by caller:
/// - an active TRUSTEE member, for a deal it is the trustee of: `createPool`.
/// - anyone: the views.
interface IAssetPoolFactory {
    /// @notice A deal's pool was created and registered as a deal contract.
    /// @param pool The new `AssetPool`.
    /// @param dealId The deal's identifier.
    /// @param name The deal's name.
    /// @param originator The deal's originator.
    /// @param servicer The deal's servicer.
    /// @param trustee The deal's trustee.
    /// @param cashToken The cash token the deal settles in.
    /// @param createdBy The caller (the trustee).
    event PoolCreated(
        address indexed pool,
        bytes32 indexed dealId,
        string name,
        address originator,
        address servicer,
        address trustee,
        address cashToken,
        address indexed createdBy
    );

    /// @notice The caller is not an active TRUSTEE member, or not the trustee named in the parameters.
    error NotTrustee(address account);
    /// @notice The named originator is not an active member holding ORIGINATOR.
    error NotOriginator(address account);
    /// @notice The named servicer is not an active member holding SERVICER.
    error NotServicer(address account);
    /// @notice The deal id must be non-zero.
    error DealIdMissing();
    /// @notice A pool already exists for this deal id.
    error DealIdTaken(bytes32 dealId, address pool);
    /// @notice The deal's cash token must be non-zero.
    error CashTokenMissing();
    /// @notice The deal's name must be non-empty.
    error PoolNameMissing();
    /// @notice `poolAt` was given an index past the end.
    error PoolIndexOutOfRange(uint256 index, uint256 count);
    /// @notice A constructor argument is the zero address.
    error ZeroAddress();

    /// @notice Deploy the pool of a new deal and register it with the registry. Only an active TRUSTEE
    /// member that is `params.trustee`; the originator and servicer must be active members holding
    /// ORIGINATOR and SERVICER; the deal id must be non-zero and unused; cash token and name set.
    /// @param params The deal's identity and parties.
    /// @return pool The new pool.
    function createPool(PoolParams calldata params) external returns (address pool);

    /// @notice The consortium registry.
    function registry() external view returns (IConsortiumRegistry);

    /// @notice The tranche token factory every pool deploys its tranches with.
    function trancheFactory() external view returns (ITrancheTokenFactory);

    /// @notice The pool of `dealId` (zero if none).
    function poolOf(bytes32 dealId) external view returns (address);

    /// @notice The number of pools created.
    function poolCount() external view returns (uint256);

    /// @notice The `index`-th pool created (from 0).
    function poolAt(uint256 index) external view returns (address);
}
