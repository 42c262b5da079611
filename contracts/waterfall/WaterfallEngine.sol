// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IWaterfallEngine} from "../interfaces/IWaterfallEngine.sol";
import {WaterfallLib} from "../libraries/WaterfallLib.sol";
import {ScheduleLib} from "../libraries/ScheduleLib.sol";
import {WaterfallConfig, WaterfallState, PeriodInputs, PeriodResult} from "../types/WaterfallTypes.sol";

/// @title WaterfallEngine
/// @notice `WaterfallLib` as a stateless contract (see `IWaterfallEngine`). Deployed once per consortium.
contract WaterfallEngine is IWaterfallEngine {
    /// @inheritdoc IWaterfallEngine
    function validate(WaterfallConfig calldata config) external pure {
        WaterfallLib.validate(config);
    }

    /// @inheritdoc IWaterfallEngine
    function run(
        WaterfallConfig calldata config,
        WaterfallState calldata state,
        PeriodInputs calldata inputs
    ) external pure returns (PeriodResult memory) {
        return WaterfallLib.run(config, state, inputs);
    }

    /// @inheritdoc IWaterfallEngine
    function runStored(
        address configStore,
        WaterfallState calldata state,
        PeriodInputs calldata inputs
    ) external view returns (PeriodResult memory) {
        return WaterfallLib.run(abi.decode(configStore.code, (WaterfallConfig)), state, inputs);
    }

    /// @inheritdoc IWaterfallEngine
    function packSchedule(
        address configStore,
        uint256[] calldata facesCents,
        uint256[][] calldata targetsCents
    ) external view returns (bytes memory packed, uint8[] memory tranches, uint16 mask, bytes32 hash) {
        WaterfallConfig memory config = abi.decode(configStore.code, (WaterfallConfig));
        (packed, tranches, mask) = ScheduleLib.pack(config, facesCents, targetsCents);
        hash = keccak256(abi.encode(targetsCents));
    }

    /// @inheritdoc IWaterfallEngine
    function readSchedule(
        address scheduleStore,
        uint256 periods,
        uint256 mask
    ) external view returns (uint8[] memory tranches, uint256[][] memory targetsCents) {
        return ScheduleLib.unpack(scheduleStore, periods, mask);
    }
}
