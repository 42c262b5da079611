// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IWaterfall} from "../interfaces/IWaterfall.sol";
import {ClassKind, WaterfallConfig} from "../types/WaterfallTypes.sol";

/// @title ScheduleLib
/// @notice The principal schedule of a `Scheduled` deal (PAC/TAC target balances fixed at structuring), kept as the
/// code of a data contract: a zero byte, then period by period the targets of the scheduled tranches, `TARGET_BYTES`
/// each, big-endian, most senior first. A period reads its row with one EXTCODECOPY.
library ScheduleLib {
    /// @notice Longest schedule, in periods (40 years of months).
    uint256 internal constant MAX_PERIODS = 480;
    /// @notice Bytes of one target (a target is at most the tranche's face, below 2^88).
    uint256 internal constant TARGET_BYTES = 16;

    /// @notice Checks `targetsCents` against the configuration and packs it for the data contract.
    /// @param config The deal's configuration.
    /// @param facesCents Each tranche's original face.
    /// @param targetsCents One list per scheduled class, most senior first, all of one length (1 to `MAX_PERIODS`),
    /// each non-increasing and at most the class's face.
    /// @return packed The data contract's bytes.
    /// @return mask Bit t: tranche t is scheduled.
    function pack(
        WaterfallConfig memory config,
        uint256[] memory facesCents,
        uint256[][] memory targetsCents
    ) internal pure returns (bytes memory packed, uint16 mask) {
        uint8[] memory tranches = scheduledTranches(config);
        uint256 k = tranches.length;
        require(targetsCents.length == k, IWaterfall.ScheduleShapeInvalid("tranches", targetsCents.length, k));
        uint256 periods = k == 0 ? 0 : targetsCents[0].length;
        require(
            periods != 0 && periods <= MAX_PERIODS,
            IWaterfall.ScheduleShapeInvalid("periods", periods, MAX_PERIODS)
        );
        // A zero byte first (the data contract never runs), and spare bytes so the last entry's 32-byte write stays
        // inside the buffer; they are dropped at the end.
        packed = new bytes(1 + periods * k * TARGET_BYTES + TARGET_BYTES);
        for (uint256 i = 0; i < k; ++i) {
            uint256[] memory targets = targetsCents[i];
            require(targets.length == periods, IWaterfall.ScheduleShapeInvalid("periods", targets.length, periods));
            uint256 previous = facesCents[tranches[i]];
            for (uint256 p = 0; p < periods; ++p) {
                uint256 target = targets[p];
                require(target <= previous, IWaterfall.ScheduleTargetInvalid(tranches[i], p + 1, target));
                previous = target;
                uint256 offset = 1 + (p * k + i) * TARGET_BYTES;
                // solhint-disable-next-line no-inline-assembly
                assembly ("memory-safe") {
                    let word := add(add(packed, 0x20), offset)
                    // The target in the high 16 bytes (below the face, < 2^88); the next 16 bytes kept as they are.
                    mstore(word, or(shl(128, target), and(mload(word), sub(shl(128, 1), 1))))
                }
            }
            mask |= uint16(1 << tranches[i]);
        }
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(packed, sub(mload(packed), TARGET_BYTES))
        }
    }

    /// @notice The scheduled tranches of `config`, most senior first.
    function scheduledTranches(WaterfallConfig memory config) internal pure returns (uint8[] memory tranches) {
        uint256 k = 0;
        for (uint256 t = 0; t < config.classes.length; ++t) if (config.classes[t].kind == ClassKind.Scheduled) ++k;
        tranches = new uint8[](k);
        uint256 i = 0;
        for (uint256 t = 0; t < config.classes.length; ++t) {
            // At most 16 tranches (WaterfallLib.MAX_TRANCHES).
            if (config.classes[t].kind == ClassKind.Scheduled) tranches[i++] = uint8(t);
        }
    }

    /// @notice The whole schedule back from its data contract.
    /// @param store The data contract.
    /// @param periods How many periods it lists.
    /// @param mask Bit t: tranche t is scheduled.
    function unpack(
        address store,
        uint256 periods,
        uint256 mask
    ) internal view returns (uint8[] memory tranches, uint256[][] memory targetsCents) {
        uint256 k = _count(mask);
        tranches = new uint8[](k);
        targetsCents = new uint256[][](k);
        uint256 i = 0;
        for (uint256 t = 0; t < 16; ++t) {
            if ((mask >> t) & 1 == 0) continue;
            tranches[i] = uint8(t);
            targetsCents[i] = new uint256[](periods);
            ++i;
        }
        for (uint256 p = 1; p <= periods; ++p) {
            uint256[] memory targets = row(store, p, k);
            for (uint256 j = 0; j < k; ++j) targetsCents[j][p - 1] = targets[j];
        }
    }

    /// @notice Period `period`'s target of every one of `n` tranches: 0 for an unscheduled tranche and after the
    /// schedule's last period.
    function targetsOf(
        address store,
        uint256 period,
        uint256 periods,
        uint256 mask,
        uint256 n
    ) internal view returns (uint256[] memory targets) {
        targets = new uint256[](n);
        if (period > periods) return targets;
        uint256[] memory scheduled = row(store, period, _count(mask));
        uint256 i = 0;
        for (uint256 t = 0; t < n; ++t) if ((mask >> t) & 1 == 1) targets[t] = scheduled[i++];
    }

    /// @notice The `k` scheduled targets of period `period` (from 1, within the schedule): one EXTCODECOPY.
    function row(address store, uint256 period, uint256 k) internal view returns (uint256[] memory targets) {
        targets = new uint256[](k);
        bytes memory raw = new bytes(k * TARGET_BYTES + TARGET_BYTES); // spare bytes for the last 32-byte read
        uint256 offset = 1 + (period - 1) * k * TARGET_BYTES;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(store, add(raw, 0x20), offset, mul(k, TARGET_BYTES))
        }
        for (uint256 j = 0; j < k; ++j) {
            uint256 word;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                word := mload(add(add(raw, 0x20), mul(j, TARGET_BYTES)))
            }
            targets[j] = word >> 128;
        }
    }

    function _count(uint256 mask) private pure returns (uint256 k) {
        for (; mask != 0; mask >>= 1) k += mask & 1;
    }
}
