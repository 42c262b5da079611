// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {WaterfallConfig, WaterfallState, PeriodInputs, PeriodResult} from "../types/WaterfallTypes.sol";

/// @title The priority-of-payments maths as a stateless contract, shared by every deal's `Waterfall`.
/// @notice `WaterfallLib` behind an external interface: one deployment serves every waterfall, which keeps each
/// waterfall (and the factory embedding its code) under the 24 KB contract-size limit.
interface IWaterfallEngine {
    /// @notice `WaterfallLib.validate`: reverts with the library's custom error for an invalid configuration.
    /// @param config The configuration to check.
    function validate(WaterfallConfig calldata config) external pure;

    /// @notice `WaterfallLib.run`: one period.
    /// @param config A configuration that passed `validate`.
    /// @param state The opening state.
    /// @param inputs The period's inputs.
    /// @return The period's result (see `PeriodResult`).
    function run(
        WaterfallConfig calldata config,
        WaterfallState calldata state,
        PeriodInputs calldata inputs
    ) external pure returns (PeriodResult memory);

    /// @notice `WaterfallLib.run` on a configuration read from a data contract: the caller passes the address of a
    /// contract whose code is `abi.encode(config)` (the waterfall's SSTORE2 store), so the configuration is decoded
    /// once, here, instead of being decoded by the caller and ABI-encoded into the call every period.
    /// @param configStore A contract whose code is the ABI encoding of a configuration that passed `validate`.
    /// @param state The opening state.
    /// @param inputs The period's inputs.
    /// @return The period's result (see `PeriodResult`).
    function runStored(
        address configStore,
        WaterfallState calldata state,
        PeriodInputs calldata inputs
    ) external view returns (PeriodResult memory);
}
