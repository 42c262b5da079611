// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Lifecycle of a deal's asset pool. Every transition is made by the deal's trustee:
/// Draft -> Structured (`markStructured`), Structured -> Offering (`openOffering`),
/// Offering -> Structured (`withdrawOffering`, a failed offering), Offering -> Active (`closeIssuance`),
/// Active -> Amortizing (`startAmortization`), Active | Amortizing -> Accelerated (`accelerate`),
/// Amortizing | Accelerated -> Redeemed (`redeem`, terminal).
/// @dev Append only: the numeric value of a state is part of every `StateChanged` event.
enum PoolState {
    Draft, // tranches are added and the initial tape anchored
    Structured, // the structure is fixed; the tape may still be corrected
    Offering, // the tranches are offered to investors
    Active, // issued; collections flow; loans may be bought during a revolving period
    Amortizing, // principal is paid down to investors
    Accelerated, // an event of default: the notes are due now
    Redeemed // terminal: the notes are paid off
}

/// @notice Why a new version of a loan tape was anchored.
/// @dev Append only: the numeric value is part of every `TapeAnchored` event.
enum TapeChangeKind {
    Initial, // version 1: the tape the deal is structured on
    Repurchase, // the originator bought back loans (breach of representations, ...)
    Substitution, // loans were swapped for eligible replacements
    RevolvingPurchase, // new loans bought with collections during the revolving period
    Correction // the tape's data was corrected before the offering
}

/// @notice What the trustee gives the factory to create a deal's pool.
/// @param dealId The deal's identifier, unique across the consortium (e.g. keccak256 of the deal code).
/// @param name Human-readable deal name, e.g. "ABS 2026-1".
/// @param originator The originator: anchors loan tapes. Must hold ORIGINATOR.
/// @param servicer The servicer: submits period reports. Must hold SERVICER.
/// @param trustee The trustee: structures and issues the deal. Must hold TRUSTEE and be the caller.
/// @param cashToken The custodian's cash token the deal settles in (non-zero).
struct PoolParams {
    bytes32 dealId;
    string name;
    address originator;
    address servicer;
    address trustee;
    address cashToken;
}

/// @notice The fixed-size commitment to one version of a loan tape. The loans themselves stay on
/// the originator's node: only this commitment goes on chain, so its cost does not grow with the
/// number of loans, and no personal data is ever written.
/// @param merkleRoot Root of the OpenZeppelin StandardMerkleTree of the tape's loan records.
/// @param loanCount Number of loans in the tape (> 0).
/// @param totalPrincipalCents Sum of the loans' outstanding principal at the cut-off date (> 0).
/// @param waRateWad Principal-weighted average interest rate, 1e18 = 100% a year.
/// @param waRemainingTermMonthsWad Principal-weighted average remaining term in months, 1e18 = one month.
/// @param cutoffDate The cut-off date, unix seconds at 00:00 UTC; never decreases across versions.
/// @param contentHash keccak256 of the canonical tape file, so a copy can be checked byte for byte.
/// @param dataUri Where entitled members fetch the tape (on the originator's node); 1..512 bytes.
struct TapeAnchor {
    bytes32 merkleRoot;
    uint64 loanCount;
    uint256 totalPrincipalCents;
    uint64 waRateWad;
    uint128 waRemainingTermMonthsWad;
    uint64 cutoffDate;
    bytes32 contentHash;
    string dataUri;
}

/// @notice What changed from the previous tape version. For version 1 (`Initial`) every other
/// field is zero.
/// @param kind Why the new version exists.
/// @param loansAdded Number of loans added by the change.
/// @param loansRemoved Number of loans removed by the change.
/// @param principalAddedCents Principal of the loans added.
/// @param principalRemovedCents Principal of the loans removed.
/// @param changeSetRoot Merkle root of the ids of the loans added, removed or corrected.
struct TapeChange {
    TapeChangeKind kind;
    uint64 loansAdded;
    uint64 loansRemoved;
    uint256 principalAddedCents;
    uint256 principalRemovedCents;
    bytes32 changeSetRoot;
}

/// @notice One anchored tape version, as stored.
/// @param anchor The commitment.
/// @param change What changed from the previous version.
/// @param anchoredBy The originator account that anchored it.
/// @param anchoredAt Block time of anchoring.
struct Tape {
    TapeAnchor anchor;
    TapeChange change;
    address anchoredBy;
    uint64 anchoredAt;
}

/// @notice The servicer's report for one collection period. Amounts are in the cash token's
/// smallest unit. Loan-level states are committed by `loanStateRoot`, never written in clear.
/// @param period Period number, from 1, strictly sequential.
/// @param startDate Start of the period (unix seconds, inclusive); the previous period's end.
/// @param endDate End of the period (unix seconds, exclusive); not in the future.
/// @param interestCollectedCents Interest collected in the period.
/// @param scheduledPrincipalCents Scheduled principal collected.
/// @param prepaymentCents Unscheduled principal (prepayments) collected.
/// @param recoveryCents Recoveries on defaulted loans.
/// @param newDefaultsCents Principal of loans that defaulted in the period.
/// @param delinquent30Cents Principal 30-59 days past due at period end.
/// @param delinquent60Cents Principal 60-89 days past due at period end.
/// @param delinquent90PlusCents Principal 90+ days past due (not defaulted) at period end.
/// @param endingBalanceCents Pool principal balance at period end; the buckets sum to at most this.
/// @param loanCount Number of loans outstanding at period end.
/// @param loanStateRoot Merkle root of the loan states at period end (non-zero).
/// @param contentHash keccak256 of the canonical report file (non-zero).
struct PeriodReport {
    uint32 period;
    uint64 startDate;
    uint64 endDate;
    uint256 interestCollectedCents;
    uint256 scheduledPrincipalCents;
    uint256 prepaymentCents;
    uint256 recoveryCents;
    uint256 newDefaultsCents;
    uint256 delinquent30Cents;
    uint256 delinquent60Cents;
    uint256 delinquent90PlusCents;
    uint256 endingBalanceCents;
    uint64 loanCount;
    bytes32 loanStateRoot;
    bytes32 contentHash;
}

/// @notice What the waterfall runs a period on (`IAssetPool.waterfallReport`): the figures of the current revision of a
/// period's report, summed as the waterfall uses them, its revision, the last period reported and the pool's state (one
/// call, and none of the report's slots the waterfall does not use). For a period not reported (0 or after
/// `lastPeriod`) only `lastPeriod` and `state` are set.
/// @param lastPeriod The last period reported (0 if none).
/// @param revision How many times the period was restated (0 = as submitted).
/// @param state The pool's lifecycle state now.
/// @param startDate Unix seconds, as reported.
/// @param endDate Unix seconds, as reported.
/// @param interestCollectedCents Interest collected, as reported.
/// @param principalCollectedCents Scheduled principal + prepayments + recoveries, less what the period's revolving
/// purchases reinvested, plus the clean-up call's price if exercised on the period.
/// @param recoveryCents Recoveries, as reported.
/// @param newDefaultsCents New defaults, as reported.
/// @param delinquent60PlusCents 60-89 + 90+ days delinquent balances.
/// @param endingBalanceCents The pool balance at the end of the period, as reported, plus the loans the period's
/// revolving purchases bought, less the loans the clean-up call bought (all of them).
struct WaterfallReport {
    uint32 lastPeriod;
    uint32 revision;
    PoolState state;
    uint64 startDate;
    uint64 endDate;
    uint256 interestCollectedCents;
    uint256 principalCollectedCents;
    uint256 recoveryCents;
    uint256 newDefaultsCents;
    uint256 delinquent60PlusCents;
    uint256 endingBalanceCents;
}

/// @notice One line of the issuance: `amountCents` of `tranche` minted to `investor`.
/// @param tranche A tranche token of the deal.
/// @param investor The receiver; must pass the tranche's holder checks.
/// @param amountCents Face amount (token units, one per cent of original face); > 0.
struct Allocation {
    address tranche;
    address investor;
    uint256 amountCents;
}
