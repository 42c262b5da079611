// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAssetPoolFactory} from "../interfaces/IAssetPoolFactory.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {ITrancheTokenFactory} from "../interfaces/ITrancheTokenFactory.sol";
import {Role} from "../types/Roles.sol";
import {PoolParams} from "../types/PoolTypes.sol";
import {AssetPool} from "./AssetPool.sol";

/// @title AssetPoolFactory
/// @notice Creates one `AssetPool` per deal and registers it as a deal contract.
contract AssetPoolFactory is IAssetPoolFactory {
    /// @inheritdoc IAssetPoolFactory
    IConsortiumRegistry public immutable registry;
    /// @inheritdoc IAssetPoolFactory
    ITrancheTokenFactory public immutable trancheFactory;

    mapping(bytes32 dealId => address pool) private _poolOf;
    address[] private _pools;

    /// @param registry_ The consortium registry (which must authorise this factory).
    /// @param trancheFactory_ The tranche token factory the pools deploy their tranches with.
    constructor(IConsortiumRegistry registry_, ITrancheTokenFactory trancheFactory_) {
        require(address(registry_) != address(0) && address(trancheFactory_) != address(0), ZeroAddress());
        registry = registry_;
        trancheFactory = trancheFactory_;
    }

    /// @inheritdoc IAssetPoolFactory
    function createPool(PoolParams calldata params) external returns (address pool) {
        require(msg.sender == params.trustee && registry.hasRole(msg.sender, Role.TRUSTEE), NotTrustee(msg.sender));
        require(registry.hasRole(params.originator, Role.ORIGINATOR), NotOriginator(params.originator));
        require(registry.hasRole(params.servicer, Role.SERVICER), NotServicer(params.servicer));
        require(params.dealId != bytes32(0), DealIdMissing());
        address existing = _poolOf[params.dealId];
        require(existing == address(0), DealIdTaken(params.dealId, existing));
        require(params.cashToken != address(0), CashTokenMissing());
        require(bytes(params.name).length != 0, PoolNameMissing());

        // Deploying is the only way to learn the address; the pool's constructor calls nothing.
        pool = address(new AssetPool(registry, trancheFactory, params));
        _poolOf[params.dealId] = pool;
        _pools.push(pool);
        emit PoolCreated(
            pool,
            params.dealId,
            params.name,
            params.originator,
            params.servicer,
            params.trustee,
            params.cashToken,
            msg.sender
        );

        registry.registerDealContract(pool);
    }

    /// @inheritdoc IAssetPoolFactory
    function poolOf(bytes32 dealId) external view returns (address) {
        return _poolOf[dealId];
    }

    /// @inheritdoc IAssetPoolFactory
    function poolCount() external view returns (uint256) {
        return _pools.length;
    }

    /// @inheritdoc IAssetPoolFactory
    function poolAt(uint256 index) external view returns (address) {
        require(index < _pools.length, PoolIndexOutOfRange(index, _pools.length));
        return _pools[index];
    }
}
