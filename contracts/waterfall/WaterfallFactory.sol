// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IWaterfallFactory} from "../interfaces/IWaterfallFactory.sol";
import {IWaterfall} from "../interfaces/IWaterfall.sol";
import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {Role} from "../types/Roles.sol";
import {IWaterfallEngine} from "../interfaces/IWaterfallEngine.sol";
import {Waterfall} from "./Waterfall.sol";

/// @title WaterfallFactory
/// @notice Deploys a pool's waterfall for its trustee and registers it as a deal contract.
contract WaterfallFactory is IWaterfallFactory {
    /// @inheritdoc IWaterfallFactory
    IConsortiumRegistry public immutable registry;

    /// @inheritdoc IWaterfallFactory
    IWaterfallEngine public immutable engine;

    /// @param registry_ The consortium registry (it must authorise this factory through governance).
    /// @param engine_ The shared engine every waterfall runs on.
    constructor(IConsortiumRegistry registry_, IWaterfallEngine engine_) {
        registry = registry_;
        engine = engine_;
    }

    /// @inheritdoc IWaterfallFactory
    function createWaterfall(IAssetPool pool) external returns (IWaterfall waterfall) {
        require(registry.isDealContract(address(pool)), NotDealContract(address(pool)));
        IConsortiumRegistry poolRegistry = pool.registry();
        require(poolRegistry == registry, RegistryMismatch(address(registry), address(poolRegistry)));
        require(msg.sender == pool.trustee() && registry.hasRole(msg.sender, Role.TRUSTEE), NotTrustee(msg.sender));

        waterfall = new Waterfall(pool, engine);
        emit WaterfallCreated(address(pool), address(waterfall), msg.sender);
        registry.registerDealContract(address(waterfall));
    }
}
