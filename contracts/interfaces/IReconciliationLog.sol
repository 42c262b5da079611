// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

/// @title The custodian's reconciliation log: one digest per reconciled bank statement.
/// @notice The custodian reconciles each bank statement of the trust's account against the cash token's
/// mints and confirmed payouts and the trust's expected flows (off chain, the core package's `reconcile`), then
/// anchors the report's digest here with its counts. A report with breaks also emits
/// `ReconciliationBreaksReported`: the indexer's alert. A corrected reconciliation of the same statement is
/// anchored again as the next revision. The report itself (references, amounts) stays off chain; anyone
/// holding it recomputes the digest.
///
/// Powers: the cash token's custodian, while an active member holding CUSTODIAN, anchors for that token.
interface IReconciliationLog {
    /// @notice What is kept about a statement's latest reconciliation.
    struct Record {
        uint32 revision;
        uint64 statementDate;
        bytes32 digest;
        uint32 matchedCount;
        uint32 breakCount;
        uint64 anchoredAt;
    }

    /// @notice A reconciliation of statement `statementId` of `cashToken`'s account was anchored.
    /// @param statementId keccak256 of the statement's id (e.g. its MT940 :20: field).
    /// @param revision 1 for the first reconciliation of the statement, then 2, 3, ...
    /// @param statementDate The statement's date (unix seconds, 00:00 UTC).
    /// @param digest The report's digest (keccak256 of its canonical JSON).
    /// @param matchedCount Matched items.
    /// @param breakCount Breaks (missing, duplicate, amount or date mismatch).
    event ReconciliationAnchored(
        address indexed cashToken,
        bytes32 indexed statementId,
        uint32 revision,
        uint64 statementDate,
        bytes32 digest,
        uint32 matchedCount,
        uint32 breakCount,
        address indexed custodian
    );

    /// @notice The anchored reconciliation has breaks: an alert for the indexer and the regulator.
    event ReconciliationBreaksReported(
        address indexed cashToken,
        bytes32 indexed statementId,
        uint32 revision,
        uint32 breakCount,
        bytes32 digest
    );

    /// @notice Only the cash token's custodian, while an active member holding CUSTODIAN.
    error NotCustodian(address account);
    /// @notice Only the consortium's cash token is reconciled here.
    /// @param cashToken The token named.
    /// @param expected The consortium's cash token (`cashToken()`).
    error CashTokenUnknown(address cashToken, address expected);
    /// @notice A digest and a statement id are required.
    error ReconciliationFieldsMissing();
    /// @notice Re-anchoring a statement must change its digest.
    error DigestUnchanged(bytes32 statementId, bytes32 digest);

    /// @notice Anchor the reconciliation of one statement. Only the token's custodian.
    /// @return revision The revision recorded.
    function anchor(
        address cashToken,
        bytes32 statementId,
        uint64 statementDate,
        bytes32 digest,
        uint32 matchedCount,
        uint32 breakCount
    ) external returns (uint32 revision);

    /// @notice The latest reconciliation of a statement (revision 0 if none).
    function latest(address cashToken, bytes32 statementId) external view returns (Record memory);

    /// @notice The consortium registry.
    function registry() external view returns (IConsortiumRegistry);

    /// @notice The consortium's cash token, fixed at deployment: the only one accepted here.
    function cashToken() external view returns (address);
}
