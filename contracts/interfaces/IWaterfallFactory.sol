// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetPool} from "./IAssetPool.sol";
import {IWaterfall} from "./IWaterfall.sol";
import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";
import {IWaterfallEngine} from "./IWaterfallEngine.sol";

/// @title Creates deals' waterfalls and registers them as deal contracts (so they can hold cash).
/// @notice Governance must authorise the factory (`SetFactory`) before it can register anything.
interface IWaterfallFactory {
    /// @notice The trustee of `pool` created `waterfall` for it.
    event WaterfallCreated(address indexed pool, address indexed waterfall, address indexed trustee);

    /// @notice `pool` is not a deal contract registered in this factory's registry.
    error NotDealContract(address pool);
    /// @notice Only the pool's trustee, while an active member holding TRUSTEE, may create its waterfall.
    error NotTrustee(address account);
    /// @notice The pool reads another registry than this factory.
    error RegistryMismatch(address expected, address found);
    /// @notice The factory needs the `Waterfall` creation code.
    error WaterfallCodeMissing();
    /// @notice Deploying the waterfall failed (out of gas).
    error WaterfallNotDeployed();

    /// @notice Deploy a waterfall for `pool` and register it as a deal contract. Only the pool's trustee.
    /// @param pool A registered pool of this registry.
    /// @return waterfall The new waterfall (the trustee then configures it and names it in the pool).
    function createWaterfall(IAssetPool pool) external returns (IWaterfall waterfall);

    /// @notice The shared engine the factory's waterfalls run on.
    function engine() external view returns (IWaterfallEngine);

    /// @notice keccak-256 of the `Waterfall` creation code the factory deploys (compare with the compiled contract's
    /// before authorising the factory).
    function waterfallCodeHash() external view returns (bytes32);

    /// @notice The registry the factory registers waterfalls with.
    function registry() external view returns (IConsortiumRegistry);
}
