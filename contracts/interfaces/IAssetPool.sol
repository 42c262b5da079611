// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDealParties} from "./IDealParties.sol";
import {TrancheTerms} from "../types/TrancheTypes.sol";
import {
    PoolState,
    TapeChangeKind,
    TapeAnchor,
    TapeChange,
    Tape,
    PeriodReport,
    Allocation,
    WaterfallReport
} from "../types/PoolTypes.sol";

/// @title The asset pool of one deal: its lifecycle, its tranches, its loan tapes and its period reports.
/// @notice One pool per deal, created by the `AssetPoolFactory`. The loans stay off chain: the pool
/// anchors fixed-size commitments (Merkle roots, counts, totals, content hashes), so anchoring a tape
/// of a million loans costs what a tape of a thousand does, and no personal data is ever on chain.
///
/// A party acts only while it is the deal's party *and* an active registry member holding the
/// matching role, so a suspension by governance disables it at once.
///
/// Powers, by caller:
/// - the trustee (TRUSTEE): `addTranche`; every lifecycle transition (`markStructured`, `openOffering`,
///   `withdrawOffering`, `startAmortization`, `accelerate`, `redeem`) but the issuance.
/// - the pool's offering (an `IOffering` registered as a deal contract, closed by the trustee):
///   `closeIssuance`, the only way tranche tokens are minted at issuance.
/// - the originator (ORIGINATOR): `anchorTape`.
/// - the servicer (SERVICER): `submitReport`, `restateReport`.
/// - anyone: the views, including `verifyLoan`.
interface IAssetPool is IDealParties {
    // ---------------------------------------------------------------- events

    /// @notice The pool moved from `from` to `to`; `actor` is the trustee that made the transition.
    event StateChanged(PoolState indexed from, PoolState indexed to, address indexed actor);

    /// @notice A tranche token was deployed for the deal.
    /// @param tranche The tranche token.
    /// @param seniority Its rank (1 = most senior).
    /// @param terms Its full terms.
    /// @param trancheCount The number of tranches after this one.
    event TrancheAdded(address indexed tranche, uint8 indexed seniority, TrancheTerms terms, uint8 trancheCount);

    /// @notice A loan tape version was anchored.
    /// @param version The tape version (1, 2, ...).
    /// @param anchor The commitment: root, loan count, totals, averages, cut-off date, hash and URI.
    /// @param change What changed from the previous version (all zero but `kind` for version 1).
    /// @param anchoredBy The originator account.
    event TapeAnchored(uint32 indexed version, TapeAnchor anchor, TapeChange change, address indexed anchoredBy);

    /// @notice The issuance closed: the pool is Active and the tranches are minted.
    /// @param tapeVersion The tape version the notes were sold on.
    /// @param revolving Whether the deal has a revolving period.
    /// @param revolvingEndDate End of the revolving period (unix seconds), 0 if not revolving.
    /// @param allocationCount The number of allocations minted, in all batches (one `TrancheAllocated` each).
    /// @param totalFaceCents The face amount minted across all tranches.
    /// @param actor The offering that closed the issuance.
    event IssuanceClosed(
        uint32 tapeVersion,
        bool revolving,
        uint64 revolvingEndDate,
        uint256 allocationCount,
        uint256 totalFaceCents,
        address indexed actor
    );

    /// @notice `amountCents` of `tranche` was allotted (and is minted) to `investor` at issuance.
    event TrancheAllocated(address indexed tranche, address indexed investor, uint256 amountCents);

    /// @notice The trustee declared an event of default; `reasonHash` is the hash of the notice.
    event PoolAccelerated(bytes32 reasonHash, address indexed actor);

    /// @notice An event-of-default trigger of the deal breached when the waterfall ran `period`: the pool moved to
    /// Accelerated in that same transaction (`StateChanged`, actor the waterfall), with no notice from the trustee.
    /// @param period The period whose distribution breached the trigger (itself paid as accelerated).
    /// @param triggerIndex The trigger's index in the waterfall's configuration.
    event EventOfDefaultTriggered(uint32 indexed period, uint8 triggerIndex, address indexed waterfall);

    /// @notice A revolving purchase (`anchorTape`, `RevolvingPurchase`) paid `seller` `priceCents` out of reported
    /// period `period`'s principal collections; `reinvestedCents` is the period's total so far. The period distributes
    /// that much less principal, and its ending balance counts the loans bought (`waterfallReport`).
    event RevolvingPurchasePaid(
        uint32 indexed period,
        address indexed seller,
        uint256 priceCents,
        uint256 reinvestedCents
    );

    /// @notice The servicer submitted the report for `period`.
    event ReportSubmitted(uint32 indexed period, PeriodReport report, address indexed submittedBy);

    /// @notice The servicer restated an already submitted, not yet distributed report.
    /// @param period The period restated.
    /// @param revision The new revision number (the original submission is revision 0).
    /// @param report The full restated report, which replaces the previous one.
    /// @param reasonHash Hash of the restatement notice.
    /// @param restatedBy The servicer account.
    event ReportRestated(
        uint32 indexed period,
        uint32 revision,
        PeriodReport report,
        bytes32 reasonHash,
        address indexed restatedBy
    );

    /// @notice The trustee named the deal's waterfall (issue 3 hook: only before the offering).
    event WaterfallSet(address indexed waterfall, address indexed actor);
    /// @notice The waterfall distributed `period`: its report is final, and each tranche received its cash and
    /// factor (`TrancheToken.CashDistributed`).
    event DistributionRecorded(uint32 indexed period, address indexed waterfall);

    // ---------------------------------------------------------------- errors: parties and lifecycle

    /// @notice The caller is not the deal's trustee, or no longer an active member holding TRUSTEE.
    error NotTrustee(address account);
    /// @notice Only the pool's offering (a registered deal contract whose `pool()` is this pool) issues.
    error NotOffering(address account);
    /// @notice The caller is not the deal's originator, or no longer an active member holding ORIGINATOR.
    error NotOriginator(address account);
    /// @notice The caller is not the deal's servicer, or no longer an active member holding SERVICER.
    error NotServicer(address account);
    /// @notice The transition to `requested` is not legal from `current`.
    error InvalidTransition(PoolState current, PoolState requested);
    /// @notice The pool cannot be structured without at least one tranche.
    error TranchesMissing();
    /// @notice The pool cannot be structured without an anchored loan tape.
    error TapeMissing();
    /// @notice The tranches' total original face exceeds the principal of the tape they are backed by.
    error TrancheFaceExceedsPool(uint256 totalFaceCents, uint256 poolPrincipalCents);
    /// @notice A hash that states a reason must be non-zero.
    error ReasonMissing();
    /// @notice Tranches are added only while the pool is in Draft.
    error StructureFrozen(PoolState state);

    // ---------------------------------------------------------------- errors: tranches and issuance

    /// @notice The deal already has the maximum number of tranches.
    error TrancheLimitReached(uint256 max);
    /// @notice Another tranche of the deal has this seniority rank.
    error TrancheSeniorityTaken(uint8 seniority);
    /// @notice The address is not a tranche of this deal.
    error TrancheUnknown(address tranche);
    /// @notice An allocation has a zero amount.
    error AllocationZero(uint256 index);
    /// @notice The allocations of `tranche` exceed its original face.
    error IssuanceExceedsFace(address tranche, uint256 faceCents, uint256 allocatedCents);
    /// @notice The allocations of `tranche` fall short of its original face.
    error IssuanceIncomplete(address tranche, uint256 faceCents, uint256 allocatedCents);
    /// @notice A revolving deal needs an end date in the future; a non-revolving one needs 0.
    error RevolvingEndDateInvalid(bool revolving, uint64 revolvingEndDate);

    // ---------------------------------------------------------------- errors: tapes

    /// @notice No tape was anchored with this version.
    error TapeVersionUnknown(uint32 version, uint32 tapeCount);
    /// @notice The tape's Merkle root must be non-zero.
    error TapeRootMissing();
    /// @notice The tape's content hash must be non-zero.
    error TapeContentHashMissing();
    /// @notice A tape must have at least one loan and a non-zero principal.
    error TapeEmpty(uint64 loanCount, uint256 totalPrincipalCents);
    /// @notice The cut-off date must be a UTC midnight after the epoch.
    error TapeCutoffInvalid(uint64 cutoffDate);
    /// @notice The cut-off date must not be in the future.
    error TapeCutoffInFuture(uint64 cutoffDate, uint256 blockTime);
    /// @notice The cut-off date must not be earlier than the previous version's.
    error TapeCutoffDecreased(uint64 previousCutoffDate, uint64 cutoffDate);
    /// @notice The data URI must be 1 to `max` bytes long.
    error TapeDataUriInvalid(uint256 length, uint256 max);
    /// @notice Version 1 must be `Initial`, and only version 1 may be.
    error TapeKindInvalid(uint32 version, TapeChangeKind kind);
    /// @notice A change of this kind cannot be anchored while the pool is in `state`.
    error TapeChangeNotAllowed(TapeChangeKind kind, PoolState state);
    /// @notice The change fields do not fit the kind (see `anchorTape`).
    error TapeChangeInvalid(TapeChangeKind kind);
    /// @notice The revolving period ended at `revolvingEndDate`.
    error RevolvingPeriodEnded(uint64 revolvingEndDate, uint256 blockTime);

    // ---------------------------------------------------------------- errors: reports

    /// @notice Reports are accepted only while the pool is Active, Amortizing or Accelerated.
    error ReportNotAllowed(PoolState state);
    /// @notice Periods are reported strictly in sequence.
    error PeriodOutOfOrder(uint32 expected, uint32 found);
    /// @notice The period must start before it ends.
    error ReportDatesInvalid(uint64 startDate, uint64 endDate);
    /// @notice The period must have ended by the time it is reported.
    error ReportEndInFuture(uint64 endDate, uint256 blockTime);
    /// @notice A period starts where the previous one ended (period 1: at or after the sold tape's cut-off).
    error ReportStartMismatch(uint64 expectedStartDate, uint64 startDate);
    /// @notice The delinquency buckets together exceed the ending pool balance.
    error ReportDelinquencyExceedsBalance(uint256 delinquentCents, uint256 endingBalanceCents);
    /// @notice The report's loan-state root must be non-zero.
    error ReportRootMissing();
    /// @notice The report's content hash must be non-zero.
    error ReportContentHashMissing();
    /// @notice The period has not been reported yet, so there is nothing to restate.
    error PeriodNotSubmitted(uint32 period, uint32 lastPeriod);
    /// @notice The period was distributed: its report is final.
    error PeriodAlreadyDistributed(uint32 period);
    /// @notice A restatement keeps the period's dates.
    error ReportDatesChanged(uint32 period, uint64 startDate, uint64 endDate);
    /// @notice A restatement must change the report (its content hash).
    error RestatementUnchanged(uint32 period, bytes32 contentHash);

    // ---------------------------------------------------------------- errors: waterfall hook

    /// @notice Only the deal's waterfall (`waterfall()`) may record a distribution.
    error NotWaterfall(address account);

    /// @notice A revolving purchase or the clean-up call needs a reported period not yet distributed (every earlier one
    /// distributed) whose collections pay for it; the last reported is `lastReported`.
    error NoPeriodPending(uint32 lastReported);
    /// @notice Revolving purchases of `period` would reinvest `reinvestedCents`, more than its scheduled principal and
    /// prepayments, `reinvestableCents` (recoveries make good losses and are not reinvested).
    error RevolvingPurchaseExceedsCollections(uint32 period, uint256 reinvestedCents, uint256 reinvestableCents);
    /// @notice A restatement of `period` must keep its scheduled principal and prepayments at least what its revolving
    /// purchases reinvested, and its ending balance equal to the clean-up call's price once exercised on it.
    error RestatementConflictsWithPurchases(uint32 period, uint256 reinvestedCents, uint256 cleanUpPriceCents);
    /// @notice A tape change's cash leg after issuance goes through the deal's waterfall: the pool has none.
    error TapeChangeWaterfallMissing();
    /// @notice The waterfall can be set only in Draft or Structured.
    error WaterfallLocked(PoolState state);
    /// @notice `waterfall` is not a registered deal contract whose `pool()` is this pool.
    error WaterfallInvalid(address waterfall);
    /// @notice A distribution must give one amount and one factor per tranche.
    error DistributionLengthMismatch(uint256 cashCount, uint256 factorCount, uint256 trancheCount);

    // ---------------------------------------------------------------- trustee: structure and lifecycle

    /// @notice Deploy a tranche token through the tranche factory and add it to the deal. Only the
    /// trustee, only in Draft. Ranks are unique; at most `MAX_TRANCHES` tranches.
    /// @param terms The tranche's terms, validated by the tranche factory (seniority >= 1, face > 0, ...).
    /// @return tranche The new tranche token.
    function addTranche(TrancheTerms calldata terms) external returns (address tranche);

    /// @notice Add an interest-only (IO) tranche: as `addTranche`, but its face is a notional (the face of the tranche
    /// it strips, the next more senior one), not principal, so the pool does not count it against the tape's
    /// principal. The deal's waterfall must configure it as an `InterestOnly` class (`Waterfall.configure` checks).
    /// @param terms The tranche's terms; `originalFaceCents` is the notional.
    /// @return tranche The new tranche token.
    function addInterestOnlyTranche(TrancheTerms calldata terms) external returns (address tranche);

    /// @notice Draft -> Structured. Needs at least one tranche and an anchored tape whose principal
    /// covers the tranches' total face.
    function markStructured() external;

    /// @notice Structured -> Offering: the tranches are offered to investors.
    function openOffering() external;

    /// @notice Offering -> Structured: the offering failed and is withdrawn.
    function withdrawOffering() external;

    /// @notice A batch of the issuance, before it closes: only the pool's offering calls it, from a `close` that
    /// does not finish the closing (a large offering closes in several transactions of bounded cost). Mints each
    /// line's tranche tokens to its investor; no tranche beyond its original face. The pool stays in Offering
    /// (`InvalidTransition(current, Offering)` in any other state).
    /// @param allocations The issuance lines (tranche, investor, non-zero amount).
    function issueBatch(Allocation[] calldata allocations) external;

    /// @notice Reverts as `closeIssuance` would on its terms (`TapeVersionUnknown`, `TrancheFaceExceedsPool`,
    /// `RevolvingEndDateInvalid`): the offering checks them before a closing's first batch.
    function requireIssuable(uint32 tapeVersion, bool revolving, uint64 revolvingEndDate) external view;

    /// @notice Offering -> Active: the issuance. Only the pool's offering calls it, from the `close` that
    /// finishes the closing, in the transaction that also pays the originator for the loans. Mints the last
    /// lines; with the earlier batches (`issueBatch`), every tranche must then be issued to exactly its
    /// original face.
    /// @param tapeVersion The anchored tape version the notes are sold on; its principal must cover
    /// the total face.
    /// @param allocations The last issuance lines (tranche, investor, amount).
    /// @param revolving Whether the deal has a revolving period.
    /// @param revolvingEndDate End of the revolving period (future unix seconds), or 0 if not revolving.
    function closeIssuance(
        uint32 tapeVersion,
        Allocation[] calldata allocations,
        bool revolving,
        uint64 revolvingEndDate
    ) external;

    /// @notice Active -> Amortizing: the revolving period (if any) ends, principal is paid down.
    function startAmortization() external;

    /// @notice Active | Amortizing -> Accelerated: an event of default.
    /// @param reasonHash Hash of the notice of the event of default (non-zero).
    function accelerate(bytes32 reasonHash) external;

    /// @notice Amortizing | Accelerated -> Redeemed (terminal).
    function redeem() external;

    // ---------------------------------------------------------------- originator: tapes

    /// @notice Anchor a new version of the loan tape. Only the originator.
    /// Version 1 is `Initial` (every change field zero), in Draft or Structured. Later versions:
    /// `Correction` in Draft or Structured (any counts, e.g. zero when loans were only corrected);
    /// `Repurchase` (loans removed, none added) and `Substitution` (loans added and removed) from
    /// Structured to Accelerated; `RevolvingPurchase` (loans added, none removed) only in Active, in a
    /// revolving deal, before its revolving end date. Every change but `Initial` names a non-zero
    /// `changeSetRoot`; principal is added (removed) only with loans added (removed); no more loans
    /// are removed than the previous version had, nor added than the new one has.
    /// @param anchor The fixed-size commitment (non-zero root and content hash, at least one loan,
    /// non-zero principal, cut-off date a UTC midnight not in the future and not before the previous one).
    /// The cash leg, once the notes are issued (Active to Accelerated), in the same transaction: a `Repurchase` pays
    /// the trust the repurchase price, `principalRemovedCents`, and a `Substitution` the substitution adjustment,
    /// `principalRemovedCents - principalAddedCents` when positive, from the originator into the deal's waterfall
    /// (the originator approves the pool for it first); the price counts among the period's principal collections:
    /// the servicer's report includes it and the remittance pays only what the waterfall lacks. A `RevolvingPurchase`
    /// is paid to the originator, `principalAddedCents`, by the waterfall out of the principal collections of the
    /// period reported and not yet run (`IWaterfall.payRevolvingPurchase`).
    /// @param change What changed from the previous version.
    /// @return version The new version number (1, 2, ...).
    function anchorTape(TapeAnchor calldata anchor, TapeChange calldata change) external returns (uint32 version);

    // ---------------------------------------------------------------- servicer: reports

    /// @notice Submit the report of the next period. Only the servicer, only while the pool is Active,
    /// Amortizing or Accelerated. `period` is `lastPeriod() + 1`; `startDate < endDate <= now`; period 1
    /// starts at or after the sold tape's cut-off date, every later period at the previous end date;
    /// the delinquency buckets sum to at most the ending balance; root and content hash non-zero; each amount
    /// below 2^64 cents (stored packed; `SafeCastOverflowedUintDowncast` otherwise).
    function submitReport(PeriodReport calldata r) external;

    /// @notice Replace the report of an already submitted period that is not yet distributed, with
    /// the same dates and a different content hash. Only the servicer, in the same states as
    /// `submitReport`. Increments the period's revision.
    /// @param r The full restated report.
    /// @param reasonHash Hash of the restatement notice (non-zero).
    function restateReport(PeriodReport calldata r, bytes32 reasonHash) external;

    /// @notice Exercise the deal's clean-up call on the period reported and not yet distributed (every earlier one
    /// distributed): the servicer buys every loan left at that period's ending balance, at most the waterfall's
    /// threshold (`IWaterfall.cleanUpCall`), once, paying the price from its account into the waterfall in this
    /// transaction (it approves this pool first). The period then distributes the price as principal collected with
    /// its collections and ends with no loan left (`waterfallReport`); it and every later period run accelerated. The
    /// price is the loans' principal: their accrued interest stays with the period's interest collections. Only the
    /// servicer, while reports are allowed.
    function exerciseCleanUpCall() external;

    // ---------------------------------------------------------------- waterfall hook

    /// @notice Name the deal's waterfall (`Waterfall`, created by the governed `WaterfallFactory` for this pool).
    /// Only the trustee, only in Draft or Structured: the waterfall is fixed from the offering on.
    /// @param waterfall_ A registered deal contract whose `pool()` is this pool.
    function setWaterfall(address waterfall_) external;

    /// @notice Record the distribution of `period`: marks it distributed (its report can no longer be restated)
    /// and, per tranche (most senior first), credits `cashCents[i]` to the tranche's holders and sets its factor.
    /// The waterfall has transferred the cash to the tranche tokens before the call. Only the waterfall.
    /// @param period A reported, not yet distributed period.
    /// @param trancheTokens The deal's tranches as `tranches()` lists them: the waterfall's copy, taken when it was
    /// configured (the list is fixed from structuring on), so the pool need not read its own. A token of another
    /// pool refuses the call (`distribute` is its pool's only); the count is checked.
    /// @param cashCents Interest + principal paid to each tranche.
    /// @param factorsRay Each tranche's factor after the period (balance / original face, 1e27 = 100%).
    function recordDistribution(
        uint32 period,
        address[] calldata trancheTokens,
        uint256[] calldata cashCents,
        uint256[] calldata factorsRay
    ) external;

    /// @notice An event-of-default trigger breached in `period`: Active | Amortizing -> Accelerated, in the
    /// waterfall's transaction, so that the default shows at once (the next periods are paid as accelerated).
    /// Nothing happens when the pool is already Accelerated. Only the waterfall.
    /// @param period The period being distributed.
    /// @param triggerIndex The breached trigger's index in the waterfall's configuration.
    function triggerEventOfDefault(uint32 period, uint8 triggerIndex) external;

    /// @notice The deal's waterfall (zero until set).
    function waterfall() external view returns (address);

    // ---------------------------------------------------------------- views

    /// @notice The custodian's cash token the deal settles in.
    function cashToken() external view returns (address);

    /// @notice The tranche token factory the pool deploys its tranches with.
    function trancheFactory() external view returns (address);

    /// @notice The deal's human-readable name.
    function name() external view returns (string memory);

    /// @notice The lifecycle state.
    function state() external view returns (PoolState);

    /// @notice The tranche tokens, ordered by seniority (most senior first).
    function tranches() external view returns (address[] memory);

    /// @notice Whether `account` is a tranche token of this deal.
    function isTranche(address account) external view returns (bool);

    /// @notice Whether `tranche` was added as an interest-only tranche (`addInterestOnlyTranche`).
    function isInterestOnly(address tranche) external view returns (bool);

    /// @notice Anchored tape `version` (reverts `TapeVersionUnknown` if none).
    function tape(uint32 version) external view returns (Tape memory);

    /// @notice The number of tape versions anchored.
    function tapeCount() external view returns (uint32);

    /// @notice The latest tape version (0 if none): the tape currently backing the deal.
    function currentTapeVersion() external view returns (uint32);

    /// @notice The tape version the notes were sold on (0 before issuance).
    function soldTapeVersion() external view returns (uint32);

    /// @notice Whether the deal has a revolving period, and its end (unix seconds; 0 if none).
    function revolvingPeriod() external view returns (bool revolving, uint64 revolvingEndDate);

    /// @notice Whether `leaf` (a StandardMerkleTree leaf: keccak256(bytes.concat(keccak256(abi.encode(record)))))
    /// is in tape `tapeVersion`, by `proof`. Reverts `TapeVersionUnknown` for an unknown version.
    function verifyLoan(uint32 tapeVersion, bytes32 leaf, bytes32[] calldata proof) external view returns (bool);

    /// @notice The current (latest revision of the) report of `period` (reverts `PeriodNotSubmitted` if none).
    function report(uint32 period) external view returns (PeriodReport memory);

    /// @notice What the waterfall runs `period` on: the current report's figures it uses (summed as it uses them), the
    /// report's revision, the last period reported and the pool's state; for a period not reported, only the last two
    /// (the waterfall reports its own error: one call either way).
    function waterfallReport(uint32 period) external view returns (WaterfallReport memory);

    /// @notice How many times `period` was restated (0 = as submitted).
    function reportRevision(uint32 period) external view returns (uint32);

    /// @notice The last period reported (0 if none).
    function lastPeriod() external view returns (uint32);

    /// @notice Whether `period` was distributed by the waterfall (its report is then final).
    function isDistributed(uint32 period) external view returns (bool);
}
