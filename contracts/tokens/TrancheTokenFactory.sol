// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ITrancheTokenFactory} from "../interfaces/ITrancheTokenFactory.sol";
import {ITrancheToken} from "../interfaces/ITrancheToken.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {IDealParties} from "../interfaces/IDealParties.sol";
import {TrancheTerms, CouponType} from "../types/TrancheTypes.sol";
import {TrancheToken} from "./TrancheToken.sol";

/// @title TrancheTokenFactory
/// @notice Deploys a pool's tranche tokens and registers them as deal contracts.
contract TrancheTokenFactory is ITrancheTokenFactory {
    /// @inheritdoc ITrancheTokenFactory
    IConsortiumRegistry public immutable registry;

    /// @param registry_ The consortium registry (it must authorise this factory through governance).
    constructor(IConsortiumRegistry registry_) {
        registry = registry_;
    }

    /// @inheritdoc ITrancheTokenFactory
    function deployTranche(TrancheTerms calldata terms) external returns (ITrancheToken token) {
        require(registry.isDealContract(msg.sender), NotDealContract(msg.sender));
        IConsortiumRegistry poolRegistry = IDealParties(msg.sender).registry();
        require(poolRegistry == registry, RegistryMismatch(address(registry), address(poolRegistry)));
        _validate(terms);

        token = new TrancheToken(terms, IDealParties(msg.sender));
        emit TrancheDeployed(
            msg.sender,
            address(token),
            terms.seniority,
            terms.name,
            terms.symbol,
            terms.originalFaceCents,
            terms.couponType,
            terms.couponRateWad,
            terms.allowedInvestorClasses
        );
        registry.registerDealContract(address(token));
    }

    function _validate(TrancheTerms calldata terms) private pure {
        require(bytes(terms.name).length != 0, TrancheNameEmpty());
        require(bytes(terms.symbol).length != 0, TrancheSymbolEmpty());
        require(terms.seniority != 0, TrancheSeniorityZero());
        require(terms.originalFaceCents != 0, TrancheFaceZero());
        require(terms.allowedInvestorClasses != 0, TrancheClassesEmpty());
        require(
            terms.couponType != CouponType.None || terms.couponRateWad == 0,
            TrancheCouponRateNotZero(terms.couponRateWad)
        );
    }
}
