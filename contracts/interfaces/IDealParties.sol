// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

/// @title The parties of one deal, as every deal contract (tranche tokens, documents, ...) reads them.
/// @notice Implemented by `AssetPool`. A party acts only while it is also an active member of the
/// registry holding the matching role, so a suspension takes effect in every deal at once.
interface IDealParties {
    /// @notice The consortium registry every permission check reads.
    function registry() external view returns (IConsortiumRegistry);

    /// @notice The deal's identifier (unique across the consortium).
    function dealId() external view returns (bytes32);

    /// @notice The originator selling the loans (anchors loan tapes).
    function originator() external view returns (address);

    /// @notice The servicer collecting on the loans (submits period reports).
    function servicer() external view returns (address);

    /// @notice The trustee of the issuing trust / SPV (structures, issues, settles, legal orders).
    function trustee() external view returns (address);
}
