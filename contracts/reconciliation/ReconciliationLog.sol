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

    /// @inheritdoc IReconciliationLog
    address public immutable cashToken;

    mapping(address cashToken => mapping(bytes32 statementId => Record)) private _records;

    /// @param registry_ The consortium registry.
    /// @param cashToken_ The consortium's cash token: the only one whose custodian anchors here.
    constructor(IConsortiumRegistry registry_, address cashToken_) {
        registry = registry_;
        cashToken = cashToken_;
    }

    /// @inheritdoc IReconciliationLog
    function anchor(
        address token,
        bytes32 statementId,
        uint64 statementDate,
        bytes32 digest,
        uint32 matchedCount,
        uint32 breakCount
    ) external returns (uint32 revision) {
        // Checked first: another token's `custodian()` is whatever its deployer made it say.
        require(token == cashToken, CashTokenUnknown(token, cashToken));
        require(
            msg.sender == ICashToken(token).custodian() && registry.hasRole(msg.sender, Role.CUSTODIAN),
            NotCustodian(msg.sender)
        );
        require(statementId != bytes32(0) && digest != bytes32(0), ReconciliationFieldsMissing());
        Record storage r = _records[token][statementId];
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
            token,
            statementId,
            revision,
            statementDate,
            digest,
            matchedCount,
            breakCount,
            msg.sender
        );
        if (breakCount != 0) emit ReconciliationBreaksReported(token, statementId, revision, breakCount, digest);
    }

    /// @inheritdoc IReconciliationLog
    function latest(address token, bytes32 statementId) external view returns (Record memory) {
        return _records[token][statementId];
    }
}
