// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IOfferingFactory} from "../interfaces/IOfferingFactory.sol";
import {IOffering} from "../interfaces/IOffering.sol";
import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {Role} from "../types/Roles.sol";
import {PoolState} from "../types/PoolTypes.sol";
import {OfferingStatus, TrancheWindow, WarehouseTerms} from "../types/OfferingTypes.sol";
import {Offering} from "./Offering.sol";

/// @title OfferingFactory
/// @notice Creates a pool's `Offering` and registers it as a deal contract.
contract OfferingFactory is IOfferingFactory {
    /// @inheritdoc IOfferingFactory
    IConsortiumRegistry public immutable registry;

    mapping(address pool => address offering) private _offeringOf;

    /// @param registry_ The consortium registry (which must authorise this factory).
    constructor(IConsortiumRegistry registry_) {
        registry = registry_;
    }

    /// @inheritdoc IOfferingFactory
    function createOffering(
        address pool,
        TrancheWindow[] calldata windows,
        WarehouseTerms calldata warehouse
    ) external returns (address offering) {
        require(registry.isDealContract(pool), PoolUnknown(pool));
        IAssetPool p = IAssetPool(pool);
        require(msg.sender == p.trustee() && registry.hasRole(msg.sender, Role.TRUSTEE), NotTrustee(msg.sender));
        PoolState s = p.state();
        require(s == PoolState.Structured || s == PoolState.Offering, PoolNotReady(pool, uint8(s)));
        address existing = _offeringOf[pool];
        require(
            existing == address(0) || IOffering(existing).status() == OfferingStatus.Failed,
            OfferingExists(pool, existing)
        );

        // Deploying is the only way to learn the address; the constructor only reads the pool and tranches.
        offering = address(new Offering(p, windows, warehouse));
        _offeringOf[pool] = offering;
        emit OfferingCreated(offering, pool, p.dealId(), p.tranches(), windows, warehouse, msg.sender);

        registry.registerDealContract(offering);
    }

    /// @inheritdoc IOfferingFactory
    function offeringOf(address pool) external view returns (address) {
        return _offeringOf[pool];
    }
}
