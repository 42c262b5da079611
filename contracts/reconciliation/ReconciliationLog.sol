// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IReconciliationLog} from "../interfaces/IReconciliationLog.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {ICashToken} from "../interfaces/ICashToken.sol";
import {Role} from "../types/Roles.sol";

/// @title ReconciliationLog
/// @notice Anchors the custodian's reconciliation digests.
contract ReconciliationLog is IReconciliationLog {
    /// @inheritdoc IReconciliationLog
    IConsortiumRegistry public immutable registry;

    mapping(address cashToken => mapping(bytes32 statementId => Record)) private _records;

    /// @param registry_ The consortium registry.
    constructor(IConsortiumRegistry registry_) {
        registry = registry_;
    }

    /// @inheritdoc IReconciliationLog
    function anchor(
        address cashToken,
        bytes32 statementId,
        uint64 statementDate,
        bytes32 digest,
        uint32 matchedCount,
        uint32 breakCount
    ) external returns (uint32 revision) {
        require(
            msg.sender == ICashToken(cashToken).custodian() && registry.hasRole(msg.sender, Role.CUSTODIAN),
            NotCustodian(msg.sender)
        );
        require(statementId != bytes32(0) && digest != bytes32(0), ReconciliationFieldsMissing());
        Record storage r = _records[cashToken][statementId];
        require(r.digest != digest, DigestUnchanged(statementId, digest));

        revision = r.revision + 1;
        r.revision = revision;
        r.statementDate = statementDate;
        r.digest = digest;
        r.matchedCount = matchedCount;
        r.breakCount = breakCount;
        // Block time fits in 64 bits for the next 500 billion years.
        r.anchoredAt = uint64(block.timestamp);
        emit ReconciliationAnchored(
            cashToken,
            statementId,
            revision,
            statementDate,
            digest,
            matchedCount,
            breakCount,
            msg.sender
        );
        if (breakCount != 0) emit ReconciliationBreaksReported(cashToken, statementId, revision, breakCount, digest);
    }

    /// @inheritdoc IReconciliationLog
    function latest(address cashToken, bytes32 statementId) external view returns (Record memory) {
        return _records[cashToken][statementId];
    }
}
