// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {IOffering} from "../interfaces/IOffering.sol";
import {IDealParties} from "../interfaces/IDealParties.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {ITrancheToken} from "../interfaces/ITrancheToken.sol";
import {ITrancheTokenFactory} from "../interfaces/ITrancheTokenFactory.sol";
import {IWaterfall} from "../interfaces/IWaterfall.sol";
import {Role} from "../types/Roles.sol";
import {TrancheTerms} from "../types/TrancheTypes.sol";
import {
    PoolState,
    PoolParams,
    TapeChangeKind,
    TapeAnchor,
    TapeChange,
    Tape,
    PeriodReport,
    Allocation,
    WaterfallReport
} from "../types/PoolTypes.sol";

/// @title AssetPool
/// @notice The asset pool of one deal: lifecycle, tranches, loan-tape anchors and period reports.
/// @dev Deployed only by `AssetPoolFactory`, which validates the parties and registers the pool with
/// the registry (so the tranche factory accepts it). The contracts it calls (the tranche factory and
/// the tranche tokens it deploys) are the consortium's own, so no reentrancy guard is needed; state is
/// still committed before every call.
contract AssetPool is IAssetPool {
    using SafeCast for uint256;

    /// @notice The maximum number of tranches of a deal (bounds every loop over tranches).
    uint256 public constant MAX_TRANCHES = 16;
    /// @notice The maximum length of a tape's data URI, in bytes (bounds the cost of anchoring).
    uint256 public constant MAX_DATA_URI_LENGTH = 512;

    /// @dev What the pool keeps about each of its tranches.
    struct TrancheInfo {
        uint8 seniority;
        bool interestOnly; // its face is a notional, not counted in `_totalFaceCents`
        uint256 faceCents;
    }

    /// @inheritdoc IDealParties
    IConsortiumRegistry public immutable registry;
    /// @inheritdoc IDealParties
    bytes32 public immutable dealId;
    /// @inheritdoc IDealParties
    address public immutable originator;
    /// @inheritdoc IDealParties
    address public immutable servicer;
    /// @inheritdoc IDealParties
    address public immutable trustee;
    /// @inheritdoc IAssetPool
    address public immutable cashToken;
    /// @inheritdoc IAssetPool
    address public immutable trancheFactory;
    /// @inheritdoc IAssetPool
    string public name;

    PoolState private _state;
    bool private _revolving;
    uint64 private _revolvingEndDate;
    uint32 private _tapeCount;
    uint32 private _soldTapeVersion;
    uint32 private _lastPeriod;
    /// @dev Issuance lines minted so far by the offering's batches (`issueBatch`, then `closeIssuance`).
    uint32 private _issuedLines;
    /// @dev `_tranches.length`, in this slot (which every period's run reads anyway) for `recordDistribution`.
    uint8 private _trancheCount;

    address[] private _tranches; // ordered by seniority, most senior first
    mapping(address tranche => TrancheInfo) private _trancheInfo;
    mapping(uint8 seniority => bool) private _seniorityTaken;
    uint256 private _totalFaceCents;

    mapping(uint32 version => Tape) private _tapes;

    /// @dev Each period's report, packed (see `StoredReport`), with its revision and purchases.
    mapping(uint32 period => StoredReport) private _reports;
    /// @dev The deal's waterfall, set by the trustee before the offering.
    address private _waterfall;

    /// @dev A period's report as stored: amounts in 64 bits (SafeCast: up to 1.8e17 dollars, the same bound as the
    /// waterfall's payables), four to a slot, ordered so the waterfall's figures take three slots
    /// (`waterfallReport`: dates and revision, the collections, then defaults, ending balance and delinquency) and a
    /// fourth only when the period had purchases (`purchased`). With them, in the same slots, the report's revision
    /// (restatements), whether it was distributed, and the cash the purchases of a reported period not yet
    /// distributed moved: what revolving purchases paid the originator out of its principal collections, and the
    /// clean-up call's price. A restatement rewrites the figures and keeps the purchases.
    struct StoredReport {
        uint64 startDate;
        uint64 endDate;
        uint64 loanCount;
        uint32 revision;
        bool distributed; // written by the waterfall: a distributed period's report is final
        bool purchased; // `reinvestedCents` or `cleanUpPriceCents` was written: the waterfall reads their slot
        uint64 interestCollectedCents;
        uint64 scheduledPrincipalCents;
        uint64 prepaymentCents;
        uint64 recoveryCents;
        uint64 newDefaultsCents;
        uint64 endingBalanceCents;
        uint64 delinquent60Cents;
        uint64 delinquent90PlusCents;
        uint64 reinvestedCents;
        uint64 cleanUpPriceCents;
        uint64 delinquent30Cents;
        bytes32 loanStateRoot;
        bytes32 contentHash;
    }

    /// @param registry_ The consortium registry.
    /// @param trancheFactory_ The tranche token factory.
    /// @param params The deal's identity and parties, validated by the factory.
    constructor(IConsortiumRegistry registry_, ITrancheTokenFactory trancheFactory_, PoolParams memory params) {
        registry = registry_;
        trancheFactory = address(trancheFactory_);
        dealId = params.dealId;
        originator = params.originator;
        servicer = params.servicer;
        trustee = params.trustee;
        cashToken = params.cashToken;
        name = params.name;
    }

    // ================================================================ trustee: structure

    /// @inheritdoc IAssetPool
    function addTranche(TrancheTerms calldata terms) external returns (address tranche) {
        return _addTranche(terms, false);
    }

    /// @inheritdoc IAssetPool
    function addInterestOnlyTranche(TrancheTerms calldata terms) external returns (address tranche) {
        return _addTranche(terms, true);
    }

    function _addTranche(TrancheTerms calldata terms, bool interestOnly) private returns (address tranche) {
        _requireTrustee();
        require(_state == PoolState.Draft, StructureFrozen(_state));
        uint256 count = _tranches.length;
        require(count < MAX_TRANCHES, TrancheLimitReached(MAX_TRANCHES));
        uint8 seniority = terms.seniority;
        require(!_seniorityTaken[seniority], TrancheSeniorityTaken(seniority));

        // The rank and face are booked before the factory call, so a reentrant call cannot reuse them.
        // The factory validates the terms (name, symbol, seniority >= 1, face > 0, classes, coupon).
        _seniorityTaken[seniority] = true;
        // An interest-only tranche's face is a notional: the tape's principal backs only the others.
        if (!interestOnly) _totalFaceCents += terms.originalFaceCents;
        tranche = address(ITrancheTokenFactory(trancheFactory).deployTranche(terms));

        _trancheInfo[tranche] = TrancheInfo({
            seniority: seniority,
            interestOnly: interestOnly,
            faceCents: terms.originalFaceCents
        });
        _tranches.push(tranche);
        // At most MAX_TRANCHES (16), checked above.
        _trancheCount = uint8(count + 1);
        uint256 i = count;
        while (i > 0 && _trancheInfo[_tranches[i - 1]].seniority > seniority) {
            _tranches[i] = _tranches[i - 1];
            --i;
        }
        _tranches[i] = tranche;
        // count < MAX_TRANCHES (16), so count + 1 fits in 8 bits.
        emit TrancheAdded(tranche, seniority, terms, uint8(count + 1));
    }

    // ================================================================ trustee: lifecycle

    /// @inheritdoc IAssetPool
    function markStructured() external {
        _requireTrustee();
        _requireTransition(_state == PoolState.Draft, PoolState.Structured);
        require(_tranches.length > 0, TranchesMissing());
        require(_tapeCount > 0, TapeMissing());
        _requireFaceCovered(_tapeCount);
        _moveTo(PoolState.Structured);
    }

    /// @inheritdoc IAssetPool
    function openOffering() external {
        _requireTrustee();
        _requireTransition(_state == PoolState.Structured, PoolState.Offering);
        _moveTo(PoolState.Offering);
    }

    /// @inheritdoc IAssetPool
    function withdrawOffering() external {
        _requireTrustee();
        _requireTransition(_state == PoolState.Offering, PoolState.Structured);
        _moveTo(PoolState.Structured);
    }

    /// @inheritdoc IAssetPool
    function issueBatch(Allocation[] calldata allocations) external {
        _requireOwnOffering();
        _requireTransition(_state == PoolState.Offering, PoolState.Offering);
        _mintLines(allocations);
    }

    /// @inheritdoc IAssetPool
    function requireIssuable(uint32 tapeVersion, bool revolving, uint64 revolvingEndDate) external view {
        _requireIssuable(tapeVersion, revolving, revolvingEndDate);
    }

    /// @inheritdoc IAssetPool
    function closeIssuance(
        uint32 tapeVersion,
        Allocation[] calldata allocations,
        bool revolving,
        uint64 revolvingEndDate
    ) external {
        _requireOwnOffering();
        _requireTransition(_state == PoolState.Offering, PoolState.Active);
        uint256 totalFaceCents = _requireIssuable(tapeVersion, revolving, revolvingEndDate);

        _soldTapeVersion = tapeVersion;
        _revolving = revolving;
        _revolvingEndDate = revolvingEndDate;
        _moveTo(PoolState.Active);
        emit IssuanceClosed(
            tapeVersion,
            revolving,
            revolvingEndDate,
            _issuedLines + allocations.length,
            totalFaceCents,
            msg.sender
        );
        _mintLines(allocations);
        _requireFullyIssued();
    }

    /// @inheritdoc IAssetPool
    function startAmortization() external {
        _requireTrustee();
        _requireTransition(_state == PoolState.Active, PoolState.Amortizing);
        _moveTo(PoolState.Amortizing);
    }

    /// @inheritdoc IAssetPool
    function accelerate(bytes32 reasonHash) external {
        _requireTrustee();
        PoolState s = _state;
        _requireTransition(s == PoolState.Active || s == PoolState.Amortizing, PoolState.Accelerated);
        require(reasonHash != bytes32(0), ReasonMissing());
        _moveTo(PoolState.Accelerated);
        emit PoolAccelerated(reasonHash, msg.sender);
    }

    /// @inheritdoc IAssetPool
    function redeem() external {
        _requireTrustee();
        PoolState s = _state;
        _requireTransition(s == PoolState.Amortizing || s == PoolState.Accelerated, PoolState.Redeemed);
        _moveTo(PoolState.Redeemed);
    }

    // ================================================================ originator: tapes

    /// @inheritdoc IAssetPool
    function anchorTape(TapeAnchor calldata anchor, TapeChange calldata change) external returns (uint32 version) {
        require(_isParty(originator, Role.ORIGINATOR), NotOriginator(msg.sender));
        version = _tapeCount + 1;
        _requireChangeAllowed(version, change);
        _requireValidAnchor(version, anchor, change);

        _tapeCount = version;
        Tape storage t = _tapes[version];
        t.anchor = anchor;
        t.change = change;
        t.anchoredBy = msg.sender;
        // Block time fits in 64 bits for the next 500 billion years.
        t.anchoredAt = uint64(block.timestamp);
        emit TapeAnchored(version, anchor, change, msg.sender);
        _payTapeChangeCash(change);
    }

    // ================================================================ servicer: reports

    /// @inheritdoc IAssetPool
    function submitReport(PeriodReport calldata r) external {
        _requireServicer();
        _requireReporting();
        uint32 expected = _lastPeriod + 1;
        require(r.period == expected, PeriodOutOfOrder(expected, r.period));
        require(r.startDate < r.endDate, ReportDatesInvalid(r.startDate, r.endDate));
        require(r.endDate <= block.timestamp, ReportEndInFuture(r.endDate, block.timestamp));
        if (expected == 1) {
            uint64 cutoffDate = _tapes[_soldTapeVersion].anchor.cutoffDate;
            require(r.startDate >= cutoffDate, ReportStartMismatch(cutoffDate, r.startDate));
        } else {
            uint64 previousEnd = _reports[expected - 1].endDate;
            require(r.startDate == previousEnd, ReportStartMismatch(previousEnd, r.startDate));
        }
        _requireValidReportBody(r);

        _lastPeriod = expected;
        _storeReport(_reports[expected], r);
        emit ReportSubmitted(expected, r, msg.sender);
    }

    /// @inheritdoc IAssetPool
    function restateReport(PeriodReport calldata r, bytes32 reasonHash) external {
        _requireServicer();
        _requireReporting();
        uint32 period = r.period;
        require(period != 0 && period <= _lastPeriod, PeriodNotSubmitted(period, _lastPeriod));
        require(!_isDistributed(period), PeriodAlreadyDistributed(period));
        require(reasonHash != bytes32(0), ReasonMissing());
        StoredReport storage current = _reports[period];
        require(
            r.startDate == current.startDate && r.endDate == current.endDate,
            ReportDatesChanged(period, current.startDate, current.endDate)
        );
        require(r.contentHash != current.contentHash, RestatementUnchanged(period, r.contentHash));
        _requireValidReportBody(r);
        (uint256 reinvested, uint256 cleanUpPrice) = (current.reinvestedCents, current.cleanUpPriceCents);
        require(
            reinvested <= r.scheduledPrincipalCents + r.prepaymentCents &&
                (cleanUpPrice == 0 || cleanUpPrice == r.endingBalanceCents),
            RestatementConflictsWithPurchases(period, reinvested, cleanUpPrice)
        );

        uint32 revision = current.revision + 1;
        _storeReport(current, r);
        current.revision = revision;
        emit ReportRestated(period, revision, r, reasonHash, msg.sender);
    }

    /// @inheritdoc IAssetPool
    function exerciseCleanUpCall() external {
        _requireServicer();
        _requireReporting();
        uint32 period = _pendingPeriod();
        address waterfall_ = _waterfall;
        StoredReport storage r = _reports[period];
        uint256 price = r.endingBalanceCents;
        // The waterfall checks the threshold and that the call is exercised once.
        // The ending balance, itself stored in 64 bits: the cast is exact.
        (r.cleanUpPriceCents, r.purchased) = (uint64(price), true);
        IWaterfall(waterfall_).exerciseCleanUpCall(period, price, msg.sender);
        SafeERC20.safeTransferFrom(IERC20(cashToken), msg.sender, waterfall_, price);
    }

    // ================================================================ waterfall hook

    /// @inheritdoc IAssetPool
    function setWaterfall(address waterfall_) external {
        _requireTrustee();
        PoolState s = _state;
        require(s == PoolState.Draft || s == PoolState.Structured, WaterfallLocked(s));
        require(
            registry.isDealContract(waterfall_) && address(IWaterfall(waterfall_).pool()) == address(this),
            WaterfallInvalid(waterfall_)
        );
        _waterfall = waterfall_;
        emit WaterfallSet(waterfall_, msg.sender);
    }

    /// @inheritdoc IAssetPool
    function recordDistribution(
        uint32 period,
        address[] calldata trancheTokens,
        uint256[] calldata cashCents,
        uint256[] calldata factorsRay
    ) external {
        require(msg.sender == _waterfall && msg.sender != address(0), NotWaterfall(msg.sender));
        require(period != 0 && period <= _lastPeriod, PeriodNotSubmitted(period, _lastPeriod));
        require(!_isDistributed(period), PeriodAlreadyDistributed(period));
        uint256 n = _trancheCount;
        require(
            trancheTokens.length == n && cashCents.length == n && factorsRay.length == n,
            DistributionLengthMismatch(cashCents.length, factorsRay.length, n)
        );
        _reports[period].distributed = true;
        emit DistributionRecorded(period, msg.sender);
        for (uint256 i = 0; i < n; ++i) {
            ITrancheToken(trancheTokens[i]).distribute(cashCents[i], factorsRay[i], period);
        }
    }

    /// @inheritdoc IAssetPool
    function triggerEventOfDefault(uint32 period, uint8 triggerIndex) external {
        require(msg.sender == _waterfall && msg.sender != address(0), NotWaterfall(msg.sender));
        PoolState s = _state;
        if (s != PoolState.Active && s != PoolState.Amortizing) return;
        _moveTo(PoolState.Accelerated);
        emit EventOfDefaultTriggered(period, triggerIndex, msg.sender);
    }

    /// @inheritdoc IAssetPool
    function waterfall() external view returns (address) {
        return _waterfall;
    }

    // ================================================================ views

    /// @inheritdoc IAssetPool
    function state() external view returns (PoolState) {
        return _state;
    }

    /// @inheritdoc IAssetPool
    function tranches() external view returns (address[] memory) {
        return _tranches;
    }

    /// @inheritdoc IAssetPool
    function isTranche(address account) external view returns (bool) {
        // The tranche factory rejects a zero face, so a tranche always has one.
        return _trancheInfo[account].faceCents != 0;
    }

    /// @inheritdoc IAssetPool
    function isInterestOnly(address tranche) external view returns (bool) {
        return _trancheInfo[tranche].interestOnly;
    }

    /// @inheritdoc IAssetPool
    function tape(uint32 version) external view returns (Tape memory) {
        _requireTape(version);
        return _tapes[version];
    }

    /// @inheritdoc IAssetPool
    function tapeCount() external view returns (uint32) {
        return _tapeCount;
    }

    /// @inheritdoc IAssetPool
    function currentTapeVersion() external view returns (uint32) {
        return _tapeCount;
    }

    /// @inheritdoc IAssetPool
    function soldTapeVersion() external view returns (uint32) {
        return _soldTapeVersion;
    }

    /// @inheritdoc IAssetPool
    function revolvingPeriod() external view returns (bool revolving, uint64 revolvingEndDate) {
        return (_revolving, _revolvingEndDate);
    }

    /// @inheritdoc IAssetPool
    function verifyLoan(uint32 tapeVersion, bytes32 leaf, bytes32[] calldata proof) external view returns (bool) {
        _requireTape(tapeVersion);
        return MerkleProof.verifyCalldata(proof, _tapes[tapeVersion].anchor.merkleRoot, leaf);
    }

    /// @inheritdoc IAssetPool
    function report(uint32 period) external view returns (PeriodReport memory) {
        require(period != 0 && period <= _lastPeriod, PeriodNotSubmitted(period, _lastPeriod));
        StoredReport storage s = _reports[period];
        return
            PeriodReport({
                period: period,
                startDate: s.startDate,
                endDate: s.endDate,
                interestCollectedCents: s.interestCollectedCents,
                scheduledPrincipalCents: s.scheduledPrincipalCents,
                prepaymentCents: s.prepaymentCents,
                recoveryCents: s.recoveryCents,
                newDefaultsCents: s.newDefaultsCents,
                delinquent30Cents: s.delinquent30Cents,
                delinquent60Cents: s.delinquent60Cents,
                delinquent90PlusCents: s.delinquent90PlusCents,
                endingBalanceCents: s.endingBalanceCents,
                loanCount: s.loanCount,
                loanStateRoot: s.loanStateRoot,
                contentHash: s.contentHash
            });
    }

    /// @inheritdoc IAssetPool
    function waterfallReport(uint32 period) external view returns (WaterfallReport memory w) {
        uint32 last = _lastPeriod;
        w.lastPeriod = last;
        w.state = _state;
        if (period == 0 || period > last) return w;
        StoredReport storage r = _reports[period];
        w.revision = r.revision;
        w.startDate = r.startDate;
        w.endDate = r.endDate;
        w.interestCollectedCents = r.interestCollectedCents;
        uint256 recovery = r.recoveryCents;
        w.principalCollectedCents = r.scheduledPrincipalCents + r.prepaymentCents + recovery;
        w.recoveryCents = recovery;
        w.newDefaultsCents = r.newDefaultsCents;
        w.delinquent60PlusCents = r.delinquent60Cents + r.delinquent90PlusCents;
        w.endingBalanceCents = r.endingBalanceCents;
        // The period's purchases: loans bought with its principal collections are in the ending balance; the loans
        // the clean-up call bought are not, their price is principal collected (see `PeriodPurchases`). Their slot
        // is read only when there were any.
        if (!r.purchased) return w;
        (uint256 reinvested, uint256 cleanUpPrice) = (r.reinvestedCents, r.cleanUpPriceCents);
        w.principalCollectedCents = w.principalCollectedCents - reinvested + cleanUpPrice;
        w.endingBalanceCents = w.endingBalanceCents + reinvested - cleanUpPrice;
    }

    /// @inheritdoc IAssetPool
    function reportRevision(uint32 period) external view returns (uint32) {
        return _reports[period].revision;
    }

    /// @inheritdoc IAssetPool
    function lastPeriod() external view returns (uint32) {
        return _lastPeriod;
    }

    /// @inheritdoc IAssetPool
    function isDistributed(uint32 period) external view returns (bool) {
        return _isDistributed(period);
    }

    // ================================================================ internals: parties and lifecycle

    function _isDistributed(uint32 period) private view returns (bool) {
        return _reports[period].distributed;
    }

    /// @dev A party acts only while it is the deal's party and an active member holding `role`.
    function _isParty(address party, Role role) private view returns (bool) {
        return msg.sender == party && registry.hasRole(msg.sender, role);
    }

    function _requireTrustee() private view {
        require(_isParty(trustee, Role.TRUSTEE), NotTrustee(msg.sender));
    }

    function _requireServicer() private view {
        require(_isParty(servicer, Role.SERVICER), NotServicer(msg.sender));
    }

    function _requireTransition(bool legal, PoolState requested) private view {
        require(legal, InvalidTransition(_state, requested));
    }

    function _moveTo(PoolState to) private {
        PoolState from = _state;
        _state = to;
        emit StateChanged(from, to, msg.sender);
    }

    // ================================================================ internals: tranches

    /// @dev The tranches' total face (interest-only notionals excluded) must not exceed the principal of tape
    /// `version`.
    /// @dev The terms `closeIssuance` accepts: an anchored tape whose principal covers the total face, and a
    /// revolving end date in the future exactly when the deal revolves.
    function _requireIssuable(
        uint32 tapeVersion,
        bool revolving,
        uint64 revolvingEndDate
    ) private view returns (uint256 totalFaceCents) {
        _requireTape(tapeVersion);
        require(
            revolving ? revolvingEndDate > block.timestamp : revolvingEndDate == 0,
            RevolvingEndDateInvalid(revolving, revolvingEndDate)
        );
        totalFaceCents = _requireFaceCovered(tapeVersion);
    }

    function _requireFaceCovered(uint32 version) private view returns (uint256 totalFaceCents) {
        totalFaceCents = _totalFaceCents;
        uint256 principalCents = _tapes[version].anchor.totalPrincipalCents;
        require(totalFaceCents <= principalCents, TrancheFaceExceedsPool(totalFaceCents, principalCents));
    }

    /// @dev Only an offering of this pool (a registered deal contract, so consortium code) issues: no tranche token
    /// exists without its cash paid into the offering (see `IOffering`).
    function _requireOwnOffering() private view {
        require(
            registry.isDealContract(msg.sender) && address(IOffering(msg.sender).pool()) == address(this),
            NotOffering(msg.sender)
        );
    }

    /// @dev Mints a batch of issuance lines: every amount non-zero, no tranche above its original face with what was
    /// minted before (one supply read per tranche the batch touches). Events first, then the mints.
    function _mintLines(Allocation[] calldata allocations) private {
        address[] memory list = _tranches;
        uint256[] memory added = new uint256[](list.length);
        for (uint256 i = 0; i < allocations.length; ++i) {
            Allocation calldata a = allocations[i];
            require(a.amountCents > 0, AllocationZero(i));
            added[_indexOf(list, a.tranche)] += a.amountCents;
            emit TrancheAllocated(a.tranche, a.investor, a.amountCents);
        }
        for (uint256 j = 0; j < list.length; ++j) {
            if (added[j] == 0) continue;
            uint256 faceCents = _trancheInfo[list[j]].faceCents;
            uint256 sum = IERC20(list[j]).totalSupply() + added[j];
            require(sum <= faceCents, IssuanceExceedsFace(list[j], faceCents, sum));
        }
        // At most 2^32 lines: the offering issues in batches of a bounded size, a few per tranche.
        _issuedLines += uint32(allocations.length);
        for (uint256 i = 0; i < allocations.length; ++i) {
            Allocation calldata a = allocations[i];
            ITrancheToken(a.tranche).mint(a.investor, a.amountCents);
        }
    }

    /// @dev Every tranche is issued to exactly its original face (the batches and the last lines together).
    function _requireFullyIssued() private view {
        address[] memory list = _tranches;
        for (uint256 j = 0; j < list.length; ++j) {
            uint256 faceCents = _trancheInfo[list[j]].faceCents;
            uint256 issued = IERC20(list[j]).totalSupply();
            require(issued == faceCents, IssuanceIncomplete(list[j], faceCents, issued));
        }
    }

    function _indexOf(address[] memory list, address tranche) private pure returns (uint256) {
        for (uint256 j = 0; j < list.length; ++j) {
            if (list[j] == tranche) return j;
        }
        revert TrancheUnknown(tranche);
    }

    // ================================================================ internals: tapes

    function _requireTape(uint32 version) private view {
        require(version != 0 && version <= _tapeCount, TapeVersionUnknown(version, _tapeCount));
    }

    /// @dev The change's kind fits the version and the pool's state, and its fields fit its kind.
    function _requireChangeAllowed(uint32 version, TapeChange calldata c) private view {
        TapeChangeKind kind = c.kind;
        require((version == 1) == (kind == TapeChangeKind.Initial), TapeKindInvalid(version, kind));

        PoolState s = _state;
        bool allowed;
        if (kind == TapeChangeKind.Initial || kind == TapeChangeKind.Correction) {
            allowed = s == PoolState.Draft || s == PoolState.Structured;
        } else if (kind == TapeChangeKind.Repurchase || kind == TapeChangeKind.Substitution) {
            allowed = s >= PoolState.Structured && s <= PoolState.Accelerated;
        } else {
            allowed = s == PoolState.Active && _revolving;
        }
        require(allowed, TapeChangeNotAllowed(kind, s));
        if (kind == TapeChangeKind.RevolvingPurchase) {
            require(block.timestamp < _revolvingEndDate, RevolvingPeriodEnded(_revolvingEndDate, block.timestamp));
        }

        bool added = c.loansAdded > 0;
        bool removed = c.loansRemoved > 0;
        bool ok;
        if (kind == TapeChangeKind.Initial) {
            ok = !added && !removed && c.principalAddedCents == 0 && c.principalRemovedCents == 0;
        } else {
            ok =
                (added || c.principalAddedCents == 0) &&
                (removed || c.principalRemovedCents == 0) &&
                (kind != TapeChangeKind.Repurchase || (removed && !added)) &&
                (kind != TapeChangeKind.Substitution || (removed && added)) &&
                (kind != TapeChangeKind.RevolvingPurchase || (added && !removed));
        }
        require(ok && ((kind == TapeChangeKind.Initial) == (c.changeSetRoot == 0)), TapeChangeInvalid(kind));
    }

    /// @dev The cash leg of a tape change once the notes are issued (Active to Accelerated), last (every state change
    /// above is done; the cash token and the waterfall are consortium code): a repurchase pays the trust the principal
    /// removed, a substitution the principal removed in excess of the principal added (the substitution adjustment),
    /// both from the originator into the waterfall; a revolving purchase is paid to the originator by the waterfall,
    /// out of the pending period's principal collections (recoveries are not reinvested).
    function _payTapeChangeCash(TapeChange calldata change) private {
        PoolState s = _state;
        if (s < PoolState.Active || s > PoolState.Accelerated || change.kind == TapeChangeKind.Correction) return;
        address waterfall_ = _waterfall;
        if (change.kind == TapeChangeKind.RevolvingPurchase) {
            require(waterfall_ != address(0), TapeChangeWaterfallMissing());
            uint32 period = _pendingPeriod();
            StoredReport storage r = _reports[period];
            uint256 price = change.principalAddedCents;
            uint256 reinvested = r.reinvestedCents + price;
            uint256 reinvestable = r.scheduledPrincipalCents + r.prepaymentCents;
            require(reinvested <= reinvestable, RevolvingPurchaseExceedsCollections(period, reinvested, reinvestable));
            (r.reinvestedCents, r.purchased) = (reinvested.toUint64(), true);
            emit RevolvingPurchasePaid(period, msg.sender, price, reinvested);
            IWaterfall(waterfall_).payRevolvingPurchase(msg.sender, price);
            return;
        }
        uint256 removed = change.principalRemovedCents;
        uint256 added = change.kind == TapeChangeKind.Substitution ? change.principalAddedCents : 0;
        if (removed <= added) return;
        require(waterfall_ != address(0), TapeChangeWaterfallMissing());
        SafeERC20.safeTransferFrom(IERC20(cashToken), msg.sender, waterfall_, removed - added);
    }

    /// @dev The period reported and not yet distributed whose collections a purchase moves: the last reported, every
    /// earlier one distributed.
    function _pendingPeriod() private view returns (uint32 period) {
        period = _lastPeriod;
        require(
            period != 0 && !_isDistributed(period) && (period == 1 || _isDistributed(period - 1)),
            NoPeriodPending(period)
        );
    }

    /// @dev The commitment is complete and its cut-off date does not go back in time.
    function _requireValidAnchor(uint32 version, TapeAnchor calldata a, TapeChange calldata c) private view {
        require(a.merkleRoot != bytes32(0), TapeRootMissing());
        require(a.contentHash != bytes32(0), TapeContentHashMissing());
        require(a.loanCount > 0 && a.totalPrincipalCents > 0, TapeEmpty(a.loanCount, a.totalPrincipalCents));
        require(a.cutoffDate != 0 && a.cutoffDate % 1 days == 0, TapeCutoffInvalid(a.cutoffDate));
        require(a.cutoffDate <= block.timestamp, TapeCutoffInFuture(a.cutoffDate, block.timestamp));
        uint256 uriLength = bytes(a.dataUri).length;
        require(uriLength != 0 && uriLength <= MAX_DATA_URI_LENGTH, TapeDataUriInvalid(uriLength, MAX_DATA_URI_LENGTH));
        require(c.loansAdded <= a.loanCount, TapeChangeInvalid(c.kind));
        if (version > 1) {
            TapeAnchor storage previous = _tapes[version - 1].anchor;
            require(c.loansRemoved <= previous.loanCount, TapeChangeInvalid(c.kind));
            require(a.cutoffDate >= previous.cutoffDate, TapeCutoffDecreased(previous.cutoffDate, a.cutoffDate));
        }
    }

    // ================================================================ internals: reports

    function _requireReporting() private view {
        PoolState s = _state;
        require(s == PoolState.Active || s == PoolState.Amortizing || s == PoolState.Accelerated, ReportNotAllowed(s));
    }

    /// @dev Roots present, and the delinquency buckets within the ending balance.
    /// @dev Writes a report's figures into its stored slots (the revision and purchases are left as they are).
    function _storeReport(StoredReport storage s, PeriodReport calldata r) private {
        (s.startDate, s.endDate, s.loanCount) = (r.startDate, r.endDate, r.loanCount);
        (s.interestCollectedCents, s.scheduledPrincipalCents) = (
            r.interestCollectedCents.toUint64(),
            r.scheduledPrincipalCents.toUint64()
        );
        (s.prepaymentCents, s.recoveryCents) = (r.prepaymentCents.toUint64(), r.recoveryCents.toUint64());
        (s.newDefaultsCents, s.endingBalanceCents) = (r.newDefaultsCents.toUint64(), r.endingBalanceCents.toUint64());
        (s.delinquent60Cents, s.delinquent90PlusCents) = (
            r.delinquent60Cents.toUint64(),
            r.delinquent90PlusCents.toUint64()
        );
        s.delinquent30Cents = r.delinquent30Cents.toUint64();
        (s.loanStateRoot, s.contentHash) = (r.loanStateRoot, r.contentHash);
    }

    function _requireValidReportBody(PeriodReport calldata r) private pure {
        require(r.loanStateRoot != bytes32(0), ReportRootMissing());
        require(r.contentHash != bytes32(0), ReportContentHashMissing());
        uint256 delinquentCents = r.delinquent30Cents + r.delinquent60Cents + r.delinquent90PlusCents;
        require(
            delinquentCents <= r.endingBalanceCents,
            ReportDelinquencyExceedsBalance(delinquentCents, r.endingBalanceCents)
        );
    }
}
