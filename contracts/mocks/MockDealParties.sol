// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IDealParties} from "../interfaces/IDealParties.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";

/// @notice A stand-in deal for unit tests of contracts that read `IDealParties` (tranche tokens,
/// documents): settable parties, and `exec` to make calls *as the pool*.
/// @dev Tests only. Never deployed by `deploy/`.
contract MockDealParties is IDealParties {
    IConsortiumRegistry public immutable registry;
    bytes32 public immutable dealId;
    address public originator;
    address public servicer;
    address public trustee;
    /// @dev Read by `TrancheToken`'s constructor (the pool's cash token); zero unless set.
    address public cashToken;

    error MockCallFailed(bytes returnData);

    constructor(
        IConsortiumRegistry registry_,
        bytes32 dealId_,
        address originator_,
        address servicer_,
        address trustee_
    ) {
        registry = registry_;
        dealId = dealId_;
        originator = originator_;
        servicer = servicer_;
        trustee = trustee_;
    }

    function setCashToken(address cashToken_) external {
        cashToken = cashToken_;
    }

    function setTrustee(address trustee_) external {
        trustee = trustee_;
    }

    /// @notice Call `target` with `data` as this contract (e.g. `TrancheToken.mint` as its pool).
    function exec(address target, bytes calldata data) external returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            // Bubble the revert reason up unchanged so tests can assert custom errors.
            // solhint-disable-next-line no-inline-assembly
            assembly {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }
}
