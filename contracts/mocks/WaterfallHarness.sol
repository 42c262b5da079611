// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {WaterfallLib} from "../libraries/WaterfallLib.sol";
import {WaterfallConfig, WaterfallState, PeriodInputs, PeriodResult} from "../types/WaterfallTypes.sol";

/// @notice Exposes `WaterfallLib` to tests and benchmarks: one period, a batch of periods in one call (for the
/// differential property test), and a transaction that measures the library's execution gas.
/// @dev Tests and benchmarks only. Never deployed by `deploy/`.
contract WaterfallHarness {
    /// @notice One period of one deal.
    struct Case {
        WaterfallConfig config;
        WaterfallState state;
        PeriodInputs inputs;
    }

    /// @notice `WaterfallLib.run` took `gasUsed` gas (execution only: inputs already in memory) and produced
    /// a result whose ABI encoding hashes to `resultHash`.
    event RunMeasured(uint256 gasUsed, bytes32 resultHash);

    /// @notice `WaterfallLib.validate`: reverts with the library's error for an invalid configuration.
    /// @param config The configuration to check.
    function validate(WaterfallConfig calldata config) external pure {
        WaterfallLib.validate(config);
    }

    /// @notice `WaterfallLib.run` on one period.
    /// @param config The deal's configuration (not validated here).
    /// @param state The opening state.
    /// @param inputs The period's inputs.
    /// @return The period's result.
    function run(
        WaterfallConfig calldata config,
        WaterfallState calldata state,
        PeriodInputs calldata inputs
    ) external pure returns (PeriodResult memory) {
        return WaterfallLib.run(config, state, inputs);
    }

    /// @notice `WaterfallLib.run` on each case, in one call.
    /// @param cases The periods to run.
    /// @return results One result per case, in order.
    function runBatch(Case[] calldata cases) external pure returns (PeriodResult[] memory results) {
        results = new PeriodResult[](cases.length);
        for (uint256 i = 0; i < cases.length; ++i) {
            results[i] = WaterfallLib.run(cases[i].config, cases[i].state, cases[i].inputs);
        }
    }

    /// @notice Runs one period in a transaction and emits the gas the library used.
    /// @param config The deal's configuration (not validated here).
    /// @param state The opening state.
    /// @param inputs The period's inputs.
    /// @return gasUsed The library's execution gas.
    function measureRun(
        WaterfallConfig calldata config,
        WaterfallState calldata state,
        PeriodInputs calldata inputs
    ) external returns (uint256 gasUsed) {
        // Copied to memory first, as a waterfall contract loads them from storage: only the library is measured.
        WaterfallConfig memory c = config;
        WaterfallState memory s = state;
        PeriodInputs memory i = inputs;
        uint256 before = gasleft();
        PeriodResult memory result = WaterfallLib.run(c, s, i);
        gasUsed = before - gasleft();
        emit RunMeasured(gasUsed, keccak256(abi.encode(result)));
    }

    /// @notice Validates a configuration in a transaction and emits the gas it used (a one-time cost at structuring).
    /// @param config The configuration to check.
    /// @return gasUsed The validation's execution gas.
    function measureValidate(WaterfallConfig calldata config) external returns (uint256 gasUsed) {
        WaterfallConfig memory c = config;
        uint256 before = gasleft();
        WaterfallLib.validate(c);
        gasUsed = before - gasleft();
        emit RunMeasured(gasUsed, bytes32(0));
    }
}
