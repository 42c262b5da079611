// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IWaterfallEngine} from "../interfaces/IWaterfallEngine.sol";
import {IWaterfall} from "../interfaces/IWaterfall.sol";
import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {ITrancheToken} from "../interfaces/ITrancheToken.sol";
import {CouponType} from "../types/TrancheTypes.sol";
import {WaterfallLib} from "../libraries/WaterfallLib.sol";
import {ScheduleLib} from "../libraries/ScheduleLib.sol";
import {DataContract} from "../libraries/DataContract.sol";
import {
    ClassKind,
    CouponTerms,
    WaterfallConfig,
    WaterfallState,
    PeriodInputs,
    PeriodResult
} from "../types/WaterfallTypes.sol";

/// @title WaterfallEngine
/// @notice `WaterfallLib` and `ScheduleLib` as a contract without storage (see `IWaterfallEngine`). Deployed once per
/// consortium.
contract WaterfallEngine is IWaterfallEngine {
    /// @inheritdoc IWaterfallEngine
    function validate(WaterfallConfig calldata config) external pure {
        WaterfallLib.validate(config);
    }

    /// @inheritdoc IWaterfallEngine
    function validateDeal(
        WaterfallConfig calldata config,
        IAssetPool pool,
        address[] calldata tokens
    ) external view returns (uint256[] memory facesCents, uint256 interestOnlyMask) {
        WaterfallLib.validate(config);
        uint256 n = tokens.length;
        facesCents = new uint256[](n);
        for (uint256 t = 0; t < n; ++t) {
            (CouponType couponType, uint64 couponRateWad, uint256 faceCents) = ITrancheToken(tokens[t]).couponAndFace();
            CouponTerms calldata c = config.tranches[t];
            require(
                couponType == c.couponType && couponRateWad == c.couponRateWad,
                IWaterfall.TrancheCouponMismatch(t, couponType, couponRateWad, c.couponType, c.couponRateWad)
            );
            facesCents[t] = faceCents;
            // An interest-only class (never the first: `validate`) is the pool's, with its stripped class's face.
            bool interestOnly = config.classes.length != 0 && config.classes[t].kind == ClassKind.InterestOnly;
            require(
                interestOnly == pool.isInterestOnly(tokens[t]) && (!interestOnly || faceCents == facesCents[t - 1]),
                IWaterfall.TrancheInterestOnlyMismatch(t)
            );
            if (interestOnly) interestOnlyMask |= uint256(1) << t;
        }
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
    function storeSchedule(
        address configStore,
        uint256[] calldata facesCents,
        uint256[][] calldata targetsCents
    ) external returns (address store, uint16 mask, bytes32 hash) {
        WaterfallConfig memory config = abi.decode(configStore.code, (WaterfallConfig));
        bytes memory packed;
        (packed, mask) = ScheduleLib.pack(config, facesCents, targetsCents);
        store = DataContract.write(packed);
        hash = keccak256(abi.encode(targetsCents));
    }

    /// @inheritdoc IWaterfallEngine
    function scheduledTargets(
        address scheduleStore,
        uint256 period,
        uint256 periods,
        uint256 mask,
        uint256 n
    ) external view returns (uint256[] memory) {
        return ScheduleLib.targetsOf(scheduleStore, period, periods, mask, n);
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
