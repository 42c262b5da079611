// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IWaterfallFactory} from "../interfaces/IWaterfallFactory.sol";
import {IWaterfall} from "../interfaces/IWaterfall.sol";
import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {Role} from "../types/Roles.sol";
import {IWaterfallEngine} from "../interfaces/IWaterfallEngine.sol";
import {DataContract} from "../libraries/DataContract.sol";

/// @title WaterfallFactory
/// @notice Deploys a pool's waterfall for its trustee and registers it as a deal contract.
/// @dev The `Waterfall` creation code is not compiled into the factory (the two together would exceed the code size
/// limit): it is given to the constructor and kept in a data contract. Governance authorises the factory knowing
/// `waterfallCodeHash`, the keccak-256 of that code, which anyone compares with the compiled `Waterfall`'s.
contract WaterfallFactory is IWaterfallFactory {
    /// @inheritdoc IWaterfallFactory
    IConsortiumRegistry public immutable registry;

    /// @inheritdoc IWaterfallFactory
    IWaterfallEngine public immutable engine;

    /// @inheritdoc IWaterfallFactory
    bytes32 public immutable waterfallCodeHash;

    /// @dev The data contract holding a STOP byte, then the `Waterfall` creation code.
    address private immutable _codeStore;

    /// @param registry_ The consortium registry (it must authorise this factory through governance).
    /// @param engine_ The shared engine every waterfall runs on.
    /// @param waterfallCreationCode The compiled `Waterfall`'s creation code (its constructor arguments excluded).
    constructor(IConsortiumRegistry registry_, IWaterfallEngine engine_, bytes memory waterfallCreationCode) {
        require(waterfallCreationCode.length != 0, WaterfallCodeMissing());
        registry = registry_;
        engine = engine_;
        waterfallCodeHash = keccak256(waterfallCreationCode);
        _codeStore = DataContract.write(abi.encodePacked(hex"00", waterfallCreationCode));
    }

    /// @inheritdoc IWaterfallFactory
    function createWaterfall(IAssetPool pool) external returns (IWaterfall waterfall) {
        require(registry.isDealContract(address(pool)), NotDealContract(address(pool)));
        IConsortiumRegistry poolRegistry = pool.registry();
        require(poolRegistry == registry, RegistryMismatch(address(registry), address(poolRegistry)));
        require(msg.sender == pool.trustee() && registry.hasRole(msg.sender, Role.TRUSTEE), NotTrustee(msg.sender));

        waterfall = IWaterfall(_deploy(abi.encode(pool, engine)));
        emit WaterfallCreated(address(pool), address(waterfall), msg.sender);
        registry.registerDealContract(address(waterfall));
    }

    /// @dev CREATE of the stored creation code followed by `constructorArgs`.
    function _deploy(bytes memory constructorArgs) private returns (address deployed) {
        address store = _codeStore;
        bytes memory init;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let codeLength := sub(extcodesize(store), 1)
            let argsLength := mload(constructorArgs)
            init := mload(0x40)
            mstore(init, add(codeLength, argsLength))
            extcodecopy(store, add(init, 0x20), 1, codeLength)
            mcopy(add(add(init, 0x20), codeLength), add(constructorArgs, 0x20), argsLength)
            mstore(0x40, and(add(add(add(init, 0x20), add(codeLength, argsLength)), 0x1f), not(0x1f)))
            deployed := create(0, add(init, 0x20), mload(init))
        }
        require(deployed != address(0), WaterfallNotDeployed());
    }
}
