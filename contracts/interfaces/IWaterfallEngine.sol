// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {WaterfallConfig, WaterfallState, PeriodInputs, PeriodResult} from "../types/WaterfallTypes.sol";
import {IAssetPool} from "./IAssetPool.sol";

/// @title The priority-of-payments maths as a stateless contract, shared by every deal's `Waterfall`.
/// @notice `WaterfallLib` behind an external interface: one deployment serves every waterfall, which keeps each
/// waterfall (and the factory embedding its code) under the 24 KB contract-size limit. It keeps no storage; the one
/// call that changes the chain, `storeSchedule`, deploys a data contract for its caller.
interface IWaterfallEngine {
    /// @notice `WaterfallLib.validate`: reverts with the library's custom error for an invalid configuration.
    /// @param config The configuration to check.
    function validate(WaterfallConfig calldata config) external pure;

    /// @notice `validate`, then the configuration against the deal's tranche tokens (reverting with `IWaterfall`'s
    /// errors): each tranche's coupon type and rate as its token's terms (`TrancheCouponMismatch`), and the
    /// interest-only classes exactly the pool's interest-only tranches, each with the face of the tranche it strips
    /// (`TrancheInterestOnlyMismatch`).
    /// @param config The configuration to check.
    /// @param pool The deal's pool (`isInterestOnly`).
    /// @param tokens The pool's tranche tokens, most senior first, one per configured tranche.
    /// @return facesCents Each token's original face (an interest-only class's is its notional).
    /// @return interestOnlyMask Bit t: tranche t is an interest-only class.
    function validateDeal(
        WaterfallConfig calldata config,
        IAssetPool pool,
        address[] calldata tokens
    ) external view returns (uint256[] memory facesCents, uint256 interestOnlyMask);

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

    /// @notice Checks a `Scheduled` deal's schedule against its stored configuration (`ScheduleLib.pack`, reverting
    /// with `IWaterfall`'s schedule errors) and writes it as a data contract.
    /// @param configStore The waterfall's configuration store.
    /// @param facesCents Each tranche's original face.
    /// @param targetsCents One list per scheduled class (see `IWaterfall.setSchedule`).
    /// @return store The schedule's data contract.
    /// @return mask Bit t: tranche t is scheduled.
    /// @return hash `keccak256(abi.encode(targetsCents))`.
    function storeSchedule(
        address configStore,
        uint256[] calldata facesCents,
        uint256[][] calldata targetsCents
    ) external returns (address store, uint16 mask, bytes32 hash);

    /// @notice `ScheduleLib.targetsOf`: period `period`'s target of each of `n` tranches (0 when unscheduled or after
    /// the schedule's `periods`).
    function scheduledTargets(
        address scheduleStore,
        uint256 period,
        uint256 periods,
        uint256 mask,
        uint256 n
    ) external view returns (uint256[] memory);

    /// @notice `ScheduleLib.unpack`: a schedule back from its data contract.
    function readSchedule(
        address scheduleStore,
        uint256 periods,
        uint256 mask
    ) external view returns (uint8[] memory tranches, uint256[][] memory targetsCents);
}
