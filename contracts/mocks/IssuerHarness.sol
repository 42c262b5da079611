// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {Allocation} from "../types/PoolTypes.sol";

/// @title IssuerHarness
/// @notice Tests only: an issuer bound to a pool (`pool()`), registered as a deal contract by a test factory,
/// that forwards any allocation table to `closeIssuance`, so the pool's own checks can be tested
/// independently of the offering's allocation rules. It calls `callee`, which is `pool` unless a test
/// makes it claim another pool.
contract IssuerHarness {
    IAssetPool public immutable pool;
    IAssetPool public immutable callee;

    constructor(IAssetPool pool_, IAssetPool target_) {
        pool = pool_;
        callee = target_;
    }

    function closeIssuance(
        uint32 tapeVersion,
        Allocation[] calldata allocations,
        bool revolving,
        uint64 revolvingEndDate
    ) external {
        callee.closeIssuance(tapeVersion, allocations, revolving, revolvingEndDate);
    }
}
