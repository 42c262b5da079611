// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IWaterfall, WaterfallParties} from "../interfaces/IWaterfall.sol";
import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {ICashToken} from "../interfaces/ICashToken.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {IWaterfallEngine} from "../interfaces/IWaterfallEngine.sol";
import {DataContract} from "../libraries/DataContract.sol";
import {Role} from "../types/Roles.sol";
import {PoolState, WaterfallReport} from "../types/PoolTypes.sol";
import {
    PrincipalMode,
    WaterfallConfig,
    WaterfallState,
    TrancheBalances,
    PeriodInputs,
    PeriodResult,
    TriggerEffect,
    TriggerKind,
    TriggerOutcome,
    TriggerTerms
} from "../types/WaterfallTypes.sol";

/// @title Waterfall
/// @notice The priority of payments of one deal (see `IWaterfall`).
/// @dev The configuration is written once per `configure` as the code of a data contract (read back with one
/// EXTCODECOPY instead of one SLOAD per word); the carried state is packed two tranches' amounts per slot.
/// Every contract it calls is the consortium's own (cash token, pool, tranche tokens: no untrusted code, so no
/// reentrancy guard, as in `AssetPool`); state is still committed and evented before any payment.
contract Waterfall is IWaterfall {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint256 private constant _RAY = 1e27;
    /// @dev `_owed` positions after the fee recipients' (WaterfallLib.MAX_FEES = 8).
    uint256 private constant _GUARANTOR = 8;
    uint256 private constant _EQUITY = 9;
    /// @dev WaterfallLib.MAX_TRANCHES and MAX_FEES (enforced by `validate`), the sizes of the stored arrays.
    uint256 private constant _MAX_TRANCHES = 16;
    uint256 private constant _MAX_FEES = 8;
    /// @dev An unused `_owed` position holding 1 from `configure` on, so the slot of the guarantor's and the equity
    /// holder's credits never returns to zero: crediting them after both withdrew rewrites a non-zero slot instead of
    /// filling an empty one. Never a payee's, never in the payables.
    uint256 private constant _KEEP_NON_ZERO = 11;
    /// @dev No trigger (at most WaterfallLib.MAX_TRIGGERS = 8 are configured).
    uint256 private constant _NONE = type(uint256).max;
    /// @dev The word of `abi.encode(config)` (the configuration store) holding `guarantee.expiryPeriod`: the leading
    /// offset, five static fields, three offsets, the reserve's four words, then the guarantee's seventh word. The
    /// liquidity facility test releases a facility through it, so a change of the configuration's layout fails there.
    uint256 private constant _FACILITY_EXPIRY_WORD = 19;
    /// @dev Marks an interest-only class's face in the configuration store (faces are below 2^88): its face is a
    /// notional, and its factor the balance of the class it strips over it.
    uint256 private constant _NOTIONAL_FACE = 1 << 255;

    /// @dev Per tranche, the carried amounts in one slot (a period reads and rewrites one slot per tranche). Bounds,
    /// checked by SafeCast: the balance and the write-down are at most the original face (< 2^88 cents, checked by
    /// `configure`), the interest shortfall below 2^80 cents (1.2e22 in units of account, far above any deal). The
    /// original faces and tokens live in the configuration's data contract.
    struct StoredTranche {
        uint88 balanceCents;
        uint80 interestShortfallCents;
        uint88 writtenDownCents;
    }

    /// @inheritdoc IWaterfall
    IAssetPool public immutable pool;
    /// @inheritdoc IWaterfall
    address public immutable cashToken;
    /// @inheritdoc IWaterfall
    IWaterfallEngine public immutable engine;
    IConsortiumRegistry private immutable _registry;

    address private _configStore; // the data contract holding abi.encode(config); zero until configured
    uint32 private _lastPeriod;
    uint16 private _triggersBreached; // bit i: trigger i breached after the last period (at most 8 triggers)
    bool private _cleanUpExercised; // in the same slot as the above: read by every run
    uint8 private _triggerCount; // the configuration's trigger count (at most 8), in the same slot
    uint8 private _trancheCount; // the configuration's tranche count (at most 16), in the same slot
    uint8 private _feeCount; // the configuration's fee count (at most 8), in the same slot
    bool private _closedOut; // `closeOut` ran: the deal is over (in the same slot, read by every run)
    bool private _scheduled; // the principal mode is `Scheduled` (in the same slot, read by every run)

    /// @dev A `Scheduled` deal's schedule: its data contract (`ScheduleLib`), how many periods it lists, which tranches
    /// are scheduled (bit t), and its hash. Zero until `setSchedule`; cleared by `configure`.
    address private _scheduleStore;
    uint16 private _schedulePeriods;
    uint16 private _scheduledMask;
    bytes32 private _scheduleHash;

    /// @inheritdoc IWaterfall
    bytes32 public configHash;

    /// @dev Fixed-size arrays bounded by the counts above (no length slot to read): entries past the count are unused.
    StoredTranche[_MAX_TRANCHES] private _tranches;
    /// @dev Two fees' shortfalls per slot.
    uint128[_MAX_FEES] private _feeShortfalls;
    // The carried amounts, two per slot, paired by use (each below 2^128, WaterfallLib's domain; writes go through
    // SafeCast): a period reads and rewrites three slots instead of six.
    uint128 private _reserveCents;
    uint128 private _guaranteeCashCents;
    uint128 private _guaranteeDrawnCents;
    uint128 private _guaranteeFeeShortfallCents;
    uint128 private _cumulativeNetLossCents;
    uint128 private _poolBalanceCents;
    uint128 private _guaranteeLimitCents;
    uint128 private _cleanUpFactorRay;

    address[] private _feeRecipients;
    address private _equityHolder;
    address private _guarantor;

    /// @dev Pull payments: the credits not yet withdrawn, by payee position (fee `f` at `f`, the guarantor at
    /// `_GUARANTOR`, the equity holder at `_EQUITY`), packed four per slot so a period's credits rewrite two or three
    /// slots that stay non-zero while any payee sharing them is owed (the last one always: `_KEEP_NON_ZERO`); the sum
    /// of the payees' positions is the payables. Each credit is
    /// below 2^64 cents (checked by SafeCast), far above any deal's flows.
    uint64[12] private _owed;

    /// @param pool_ The deal's pool (its registry and cash token are read once).
    /// @param engine_ The shared `WaterfallLib` engine.
    constructor(IAssetPool pool_, IWaterfallEngine engine_) {
        pool = pool_;
        engine = engine_;
        cashToken = pool_.cashToken();
        _registry = pool_.registry();
    }

    // ================================================================ trustee

    /// @inheritdoc IWaterfall
    function configure(WaterfallConfig calldata config_, WaterfallParties calldata parties_) external {
        _requireTrustee();
        PoolState s = pool.state();
        require(s == PoolState.Draft || s == PoolState.Structured, ConfigFrozen(s));
        address[] memory tokens = pool.tranches();
        uint256 n = config_.tranches.length;
        require(n == tokens.length, TrancheCountMismatch(n, tokens.length));
        // The engine validates the configuration and checks it against the tokens: coupons, interest-only classes.
        (uint256[] memory faces, uint256 interestOnlyMask) = engine.validateDeal(config_, pool, tokens);
        _requireParties(config_, parties_);
        for (uint256 t = 0; t < n; ++t) {
            // The balance and the write-down are stored in 88 bits (see `StoredTranche`): SafeCast reverts above.
            uint88 face = faces[t].toUint88();
            if ((interestOnlyMask >> t) & 1 == 0) {
                _tranches[t] = StoredTranche(face, 0, 0);
            } else {
                // An interest-only class has no principal (balance 0): its face, a notional, is stored marked.
                _tranches[t] = StoredTranche(0, 0, 0);
                faces[t] = face | _NOTIONAL_FACE;
            }
        }
        bytes memory encoded = abi.encode(config_);
        bytes32 hash = keccak256(encoded);
        // One word of the triggers' kinds and effects, the tranche tokens, then their original faces (an
        // interest-only class's marked with `_NOTIONAL_FACE`) follow the encoding in the same data contract
        // (`abi.decode` ignores the trailing words): a period reads them with the code it already touched instead
        // of cold slots or a second decoding.
        _configStore = DataContract.write(abi.encodePacked(encoded, _triggerWord(config_.triggers), tokens, faces));
        configHash = hash;
        _lastPeriod = 0;
        _triggersBreached = 0;
        // At most 8 triggers (WaterfallLib.MAX_TRIGGERS, checked by `validate`).
        _triggerCount = uint8(config_.triggers.length);
        _scheduled = config_.principalMode == PrincipalMode.Scheduled;
        (_scheduleStore, _schedulePeriods, _scheduledMask, _scheduleHash) = (address(0), 0, 0, 0);
        // At most 16 tranches and 8 fees (WaterfallLib.MAX_TRANCHES and MAX_FEES, checked by `validate`).
        _trancheCount = uint8(n);
        _feeCount = uint8(config_.fees.length);

        for (uint256 f = 0; f < config_.fees.length; ++f) _feeShortfalls[f] = 0;
        (_reserveCents, _guaranteeDrawnCents, _guaranteeFeeShortfallCents, _cumulativeNetLossCents) = (0, 0, 0, 0);
        _poolBalanceCents = config_.originalPoolBalanceCents.toUint128();
        _guaranteeLimitCents = config_.guarantee.limitCents.toUint128();
        _owed[_KEEP_NON_ZERO] = 1;
        _feeRecipients = parties_.feeRecipients;
        _equityHolder = parties_.equityHolder;
        _guarantor = parties_.guarantor;

        emit WaterfallConfigured(hash, config_, parties_, msg.sender);
    }

    /// @inheritdoc IWaterfall
    function setSchedule(uint256[][] calldata targetsCents) external {
        _requireTrustee();
        PoolState s = pool.state();
        require(s == PoolState.Draft || s == PoolState.Structured, ConfigFrozen(s));
        address store = _configStore;
        require(store != address(0), NotConfigured());
        require(_scheduled, ScheduleNotApplicable());
        (, uint256[] memory faces) = _tokensAndFaces(store, _trancheCount);
        // The engine checks the schedule against the configuration and writes its data contract (it reads the faces
        // of the scheduled classes only, never an interest-only class's marked one).
        (address scheduleData, uint16 mask, bytes32 hash) = engine.storeSchedule(store, faces, targetsCents);
        // At most ScheduleLib.MAX_PERIODS (480) periods, checked by the engine.
        uint16 periods = uint16(targetsCents[0].length);
        (_scheduleStore, _schedulePeriods, _scheduledMask) = (scheduleData, periods, mask);
        _scheduleHash = hash;
        emit ScheduleSet(hash, mask, periods, scheduleData, msg.sender);
    }

    /// @inheritdoc IWaterfall
    function setCleanUpCall(uint256 factorRay) external {
        _requireTrustee();
        PoolState s = pool.state();
        require(s == PoolState.Draft || s == PoolState.Structured, ConfigFrozen(s));
        require(factorRay <= _RAY, CleanUpFactorInvalid(factorRay));
        // At most 1e27 (checked above), below 2^128.
        _cleanUpFactorRay = uint128(factorRay);
        emit CleanUpCallSet(factorRay, msg.sender);
    }

    /// @inheritdoc IWaterfall
    function exerciseCleanUpCall(uint32 period, uint256 priceCents, address buyer) external {
        // The pool allows it only while reports are (never Redeemed, so never closed out).
        require(msg.sender == address(pool), NotPool(msg.sender));
        uint256 factorRay = _cleanUpFactorRay;
        // Rounded down: the call is available only at or below the threshold.
        uint256 threshold = (_originalPoolBalance() * factorRay) / _RAY;
        require(
            factorRay != 0 && !_cleanUpExercised && priceCents <= threshold,
            CleanUpCallNotAvailable(priceCents, threshold)
        );
        _cleanUpExercised = true;
        emit CleanUpCallExercised(period, priceCents, factorRay, buyer);
    }

    /// @inheritdoc IWaterfall
    function payRevolvingPurchase(address seller, uint256 priceCents) external {
        require(msg.sender == address(pool), NotPool(msg.sender));
        uint256 held = _collectionsHeld(_reserveCents);
        require(priceCents <= held, CollectionsShort(priceCents, held));
        IERC20(cashToken).safeTransfer(seller, priceCents);
    }

    /// @inheritdoc IWaterfall
    function runPeriod(uint32 period, uint64 indexRateWad, uint256[] calldata targetBalancesCents) external {
        _requireTrustee();
        // Both in slot 0, read together (one SLOAD).
        address store = _configStore;
        bool closed = _closedOut;
        require(store != address(0), NotConfigured());
        require(!closed, WaterfallClosedOut());
        uint32 expected = _lastPeriod + 1;
        require(period == expected, PeriodOutOfOrder(expected, period));

        (PeriodInputs memory inputs, uint32 revision) = _inputs(period, indexRateWad, targetBalancesCents);
        WaterfallState memory opening = _loadState(_triggerCount);
        // The engine reads the configuration from its data contract: no decode here, no config in the call.
        PeriodResult memory r = engine.runStored(store, opening, inputs);
        _requireCash(inputs, opening.reserveCents, r);

        _storeState(period, inputs.poolBalanceEndCents, opening, r);
        _credit(r);
        emit PeriodDistributed(period, revision, inputs, r, msg.sender);
        uint256 defaultTrigger = _emitTriggers(period, store, r.tranches.length, r.triggers);

        _pay(period, store, r);
        // An event-of-default trigger breached: the pool shows the default in this same transaction.
        if (defaultTrigger != _NONE && !inputs.accelerated) pool.triggerEventOfDefault(period, uint8(defaultTrigger));
    }

    /// @inheritdoc IWaterfall
    function closeOut() external {
        _requireTrustee();
        require(_configStore != address(0), NotConfigured());
        require(!_closedOut, WaterfallClosedOut());
        PoolState s = pool.state();
        require(s == PoolState.Redeemed, DealNotRedeemed(s));
        uint256 guarantee = _guaranteeCashCents;
        uint256 reserve = _reserveCents;
        // Read before the buckets change: the balance less the reserve, the guarantee cash and the payables.
        uint256 collections = _collectionsHeld(reserve);
        _closedOut = true;
        _guaranteeCashCents = 0;
        _reserveCents = 0;
        // Both positions share one slot (kept non-zero by `_KEEP_NON_ZERO`); each credit below 2^64 (SafeCast).
        _addOwed(_GUARANTOR, guarantee);
        _addOwed(_EQUITY, reserve + collections);
        emit DealClosedOut(_lastPeriod, _guarantor, guarantee, _equityHolder, reserve, collections, msg.sender);
    }

    // ================================================================ guarantor

    /// @inheritdoc IWaterfall
    function releaseExpiredFacility() external {
        // `_guarantor` is zero without a facility, and no sender is.
        require(msg.sender == _guarantor, NotGuarantor(msg.sender));
        address store = _configStore;
        uint256 expiry;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(store, 0, mul(_FACILITY_EXPIRY_WORD, 0x20), 0x20)
            expiry := mload(0)
        }
        require(expiry != 0 && _lastPeriod >= expiry, FacilityNotExpired());
        uint256 cash = _guaranteeCashCents;
        _guaranteeCashCents = 0;
        _addOwed(_GUARANTOR, cash);
        emit FacilityReleased(msg.sender, cash);
    }

    /// @inheritdoc IWaterfall
    function commitGuarantee(uint256 amountCents) external {
        address guarantor = _guarantor;
        require(
            guarantor != address(0) && msg.sender == guarantor && _registry.hasRole(msg.sender, Role.GUARANTOR),
            NotGuarantor(msg.sender)
        );
        require(amountCents != 0, AmountZero());
        require(!_closedOut, WaterfallClosedOut());
        PoolState s = pool.state();
        require(s != PoolState.Draft && s != PoolState.Structured, GuaranteeNotOpen(s));
        uint256 cash = _guaranteeCashCents + amountCents;
        uint256 committed = cash + _guaranteeDrawnCents;
        require(committed <= _guaranteeLimitCents, GuaranteeCommitExceedsLimit(_guaranteeLimitCents, committed));
        _guaranteeCashCents = cash.toUint128();
        emit GuaranteeCommitted(msg.sender, amountCents, cash);
        IERC20(cashToken).safeTransferFrom(msg.sender, address(this), amountCents);
    }

    // ================================================================ payees

    /// @inheritdoc IWaterfall
    function withdraw() external returns (uint256 amountCents) {
        uint256 m = _feeRecipients.length;
        for (uint256 i = 0; i < _EQUITY + 1; ++i) {
            if (_payeeAt(i, m) == msg.sender && _owed[i] != 0) {
                amountCents += _owed[i];
                _owed[i] = 0;
            }
        }
        require(amountCents != 0, NothingToWithdraw(msg.sender));
        emit PayeeWithdrawn(msg.sender, amountCents);
        IERC20(cashToken).safeTransfer(msg.sender, amountCents);
    }

    // ================================================================ views

    /// @inheritdoc IWaterfall
    function owedCents(address payee) external view returns (uint256 amountCents) {
        uint256 m = _feeRecipients.length;
        for (uint256 i = 0; i < _EQUITY + 1; ++i) {
            if (_payeeAt(i, m) == payee) amountCents += _owed[i];
        }
    }

    /// @inheritdoc IWaterfall
    function payablesCents() external view returns (uint256) {
        return _payables();
    }

    /// @inheritdoc IWaterfall
    function closedOut() external view returns (bool) {
        return _closedOut;
    }

    /// @inheritdoc IWaterfall
    function configured() external view returns (bool) {
        return _configStore != address(0);
    }

    /// @inheritdoc IWaterfall
    function config() external view returns (WaterfallConfig memory) {
        address store = _configStore;
        require(store != address(0), NotConfigured());
        // The store begins with `abi.encode(config)`, which is exactly this function's return data: it is returned
        // as stored, without the trigger word, tranche tokens and faces that follow it (no decoding, no re-encoding).
        uint256 size = store.code.length - (2 * uint256(_trancheCount) + 1) * 0x20;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let out := mload(0x40)
            extcodecopy(store, out, 0, size)
            return(out, size)
        }
    }

    /// @inheritdoc IWaterfall
    function scheduleStore() external view returns (address store, uint16 periods, uint16 mask, bytes32 hash) {
        return (_scheduleStore, _schedulePeriods, _scheduledMask, _scheduleHash);
    }

    /// @inheritdoc IWaterfall
    function parties() external view returns (WaterfallParties memory) {
        return WaterfallParties(_feeRecipients, _equityHolder, _guarantor);
    }

    /// @inheritdoc IWaterfall
    function waterfallState() external view returns (WaterfallState memory) {
        return _loadState(_triggerCount);
    }

    /// @inheritdoc IWaterfall
    function lastPeriod() external view returns (uint32) {
        return _lastPeriod;
    }

    /// @inheritdoc IWaterfall
    function poolBalanceCents() external view returns (uint256) {
        return _poolBalanceCents;
    }

    /// @inheritdoc IWaterfall
    function cleanUpCall() external view returns (uint256 factorRay, bool exercised) {
        return (_cleanUpFactorRay, _cleanUpExercised);
    }

    /// @inheritdoc IWaterfall
    function guaranteeCashCents() external view returns (uint256) {
        return _guaranteeCashCents;
    }

    /// @inheritdoc IWaterfall
    function collectionsHeldCents() external view returns (uint256) {
        return _collectionsHeld(_reserveCents);
    }

    /// @inheritdoc IWaterfall
    function periodInputs(
        uint32 period,
        uint64 indexRateWad,
        uint256[] calldata targetBalancesCents
    ) external view returns (PeriodInputs memory) {
        (PeriodInputs memory inputs, ) = _inputs(period, indexRateWad, targetBalancesCents);
        return inputs;
    }

    // ================================================================ internals

    /// @dev The configured original pool balance (the clean-up call's denominator); 0 before `configure`.
    function _originalPoolBalance() private view returns (uint256) {
        address store = _configStore;
        if (store == address(0)) return 0;
        // `abi.encode(config)` is the struct's offset, then its head: `originalPoolBalanceCents` is the fifth field.
        uint256 originalCents;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(store, 0, 0xa0, 0x20)
            originalCents := mload(0)
        }
        return originalCents;
    }

    function _requireTrustee() private view {
        require(msg.sender == pool.trustee() && _registry.hasRole(msg.sender, Role.TRUSTEE), NotTrustee(msg.sender));
    }

    function _requireParties(WaterfallConfig calldata c, WaterfallParties calldata p) private pure {
        uint256 m = c.fees.length;
        require(p.feeRecipients.length == m, FeeRecipientsMismatch(p.feeRecipients.length, m));
        for (uint256 f = 0; f < m; ++f) {
            require(p.feeRecipients[f] != address(0), PayeeMissing("feeRecipient"));
        }
        require(p.equityHolder != address(0), PayeeMissing("equityHolder"));
        uint256 limit = c.guarantee.limitCents;
        require((limit == 0) == (p.guarantor == address(0)), GuarantorInvalid(p.guarantor, limit));
    }

    /// @dev The period's inputs from the pool's report (see `IWaterfall.periodInputs`), and the report's revision.
    function _inputs(
        uint32 period,
        uint64 indexRateWad,
        uint256[] calldata targetBalancesCents
    ) private view returns (PeriodInputs memory inputs, uint32 revision) {
        // One call for the report's figures, its revision, the last period reported and the pool's state.
        WaterfallReport memory rep = pool.waterfallReport(period);
        require(period != 0 && period <= rep.lastPeriod, ReportMissing(period, rep.lastPeriod));
        revision = rep.revision;
        inputs.period = period;
        // The pool checks startDate < endDate; a period longer than 179 years fails SafeCast.
        inputs.accrualDays = uint256((rep.endDate - rep.startDate) / 1 days).toUint16();
        inputs.indexRateWad = indexRateWad;
        inputs.accelerated = _cleanUpExercised || rep.state == PoolState.Accelerated;
        inputs.interestCollectionsCents = rep.interestCollectedCents;
        inputs.principalCollectionsCents = rep.principalCollectedCents;
        inputs.recoveriesCents = rep.recoveryCents;
        inputs.newDefaultsCents = rep.newDefaultsCents;
        inputs.delinquent60PlusCents = rep.delinquent60PlusCents;
        inputs.poolBalanceBeginCents = _poolBalanceCents;
        inputs.poolBalanceEndCents = rep.endingBalanceCents;
        if (_scheduled) {
            require(targetBalancesCents.length == 0, TargetsFromSchedule(targetBalancesCents.length));
            inputs.targetBalancesCents = _scheduledTargets(period);
        } else {
            inputs.targetBalancesCents = targetBalancesCents;
        }
    }

    /// @dev Period `period`'s target balance of every tranche from the schedule (see `ScheduleLib.targetsOf`).
    function _scheduledTargets(uint32 period) private view returns (uint256[] memory) {
        address store = _scheduleStore;
        require(store != address(0), ScheduleMissing());
        return engine.scheduledTargets(store, period, _schedulePeriods, _scheduledMask, _trancheCount);
    }

    /// @dev The cash held (collections and the cap provider's payment) and the guarantor's committed cash cover what
    /// the period takes from them.
    function _requireCash(PeriodInputs memory inputs, uint256 reserveCents, PeriodResult memory r) private view {
        uint256 needed = inputs.interestCollectionsCents + inputs.principalCollectionsCents + r.capReceiptCents;
        uint256 held = _collectionsHeld(reserveCents);
        require(held >= needed, CollectionsShort(needed, held));
        uint256 guaranteeCash = _guaranteeCashCents;
        require(r.guaranteeDrawCents <= guaranteeCash, GuaranteeCashShort(r.guaranteeDrawCents, guaranteeCash));
    }

    function _collectionsHeld(uint256 reserveCents) private view returns (uint256) {
        uint256 balance = IERC20(cashToken).balanceOf(address(this));
        uint256 earmarked = reserveCents + _guaranteeCashCents + _payables();
        return balance > earmarked ? balance - earmarked : 0;
    }

    function _loadState(uint256 triggerCount) private view returns (WaterfallState memory s) {
        uint256 n = _trancheCount;
        s.tranches = new TrancheBalances[](n);
        for (uint256 t = 0; t < n; ++t) {
            StoredTranche memory st = _tranches[t];
            s.tranches[t] = TrancheBalances(st.balanceCents, st.interestShortfallCents, st.writtenDownCents);
        }
        uint256 m = _feeCount;
        s.feeShortfallsCents = new uint256[](m);
        for (uint256 f = 0; f < m; ++f) s.feeShortfallsCents[f] = _feeShortfalls[f];
        s.triggersBreached = new bool[](triggerCount);
        uint256 bits = _triggersBreached;
        for (uint256 i = 0; i < triggerCount; ++i) s.triggersBreached[i] = (bits >> i) & 1 == 1;
        s.reserveCents = _reserveCents;
        s.guaranteeDrawnCents = _guaranteeDrawnCents;
        s.guaranteeFeeShortfallCents = _guaranteeFeeShortfallCents;
        s.cumulativeNetLossCents = _cumulativeNetLossCents;
    }

    /// @dev Writes the state after period `period`, with the pool's ending balance and the guarantee's committed cash.
    /// Fields that share a slot are written together, so each slot is written once; a fee shortfall only when it
    /// changed (in most periods none does, and an unchanged write still costs a read and a write).
    function _storeState(
        uint32 period,
        uint256 poolBalanceEndCents,
        WaterfallState memory opening,
        PeriodResult memory r
    ) private {
        WaterfallState memory s = r.next;
        for (uint256 t = 0; t < s.tranches.length; ++t) {
            TrancheBalances memory b = s.tranches[t];
            // One write per tranche (the bounds of `StoredTranche`, checked by SafeCast).
            _tranches[t] = StoredTranche(
                b.balanceCents.toUint88(),
                b.interestShortfallCents.toUint80(),
                b.writtenDownCents.toUint88()
            );
        }
        for (uint256 f = 0; f < s.feeShortfallsCents.length; ++f) {
            uint256 shortfall = s.feeShortfallsCents[f];
            if (shortfall != opening.feeShortfallsCents[f]) _feeShortfalls[f] = shortfall.toUint128();
        }
        uint16 bits;
        for (uint256 i = 0; i < s.triggersBreached.length; ++i) {
            // At most 8 triggers (WaterfallLib.MAX_TRIGGERS), so the shift fits 16 bits.
            if (s.triggersBreached[i]) bits |= uint16(1 << i);
        }
        (_lastPeriod, _triggersBreached) = (period, bits);
        // Reimbursements restore the facility's committed cash (the guarantor's money stays committed until the
        // deal ends); `_requireCash` checked the draw against the committed cash, so this cannot underflow.
        uint256 guaranteeCash = _guaranteeCashCents - r.guaranteeDrawCents + r.guaranteeReimbursedCents;
        (_reserveCents, _guaranteeCashCents) = (s.reserveCents.toUint128(), guaranteeCash.toUint128());
        (_guaranteeDrawnCents, _guaranteeFeeShortfallCents) = (
            s.guaranteeDrawnCents.toUint128(),
            s.guaranteeFeeShortfallCents.toUint128()
        );
        (_cumulativeNetLossCents, _poolBalanceCents) = (
            s.cumulativeNetLossCents.toUint128(),
            poolBalanceEndCents.toUint128()
        );
    }

    /// @dev Trigger i's kind in byte 2i and its effect in byte 2i + 1 of one word (at most 8 triggers).
    function _triggerWord(TriggerTerms[] calldata triggers) private pure returns (bytes32 word) {
        for (uint256 i = 0; i < triggers.length; ++i) {
            word |= bytes32(uint256(uint8(triggers[i].kind))) << (248 - 16 * i);
            word |= bytes32(uint256(uint8(triggers[i].effect))) << (240 - 16 * i);
        }
    }

    /// @dev Emits each trigger breached or cured this period; returns the index of the first event-of-default
    /// trigger breached this period, or `_NONE`. The triggers' kinds and effects are read from the configuration
    /// store (`_triggerWord`) only in a period where a trigger changes.
    function _emitTriggers(
        uint32 period,
        address store,
        uint256 trancheCount,
        TriggerOutcome[] memory outcomes
    ) private returns (uint256 defaultTrigger) {
        defaultTrigger = _NONE;
        bytes32 word;
        bool read = false;
        for (uint256 i = 0; i < outcomes.length; ++i) {
            TriggerOutcome memory o = outcomes[i];
            if (!o.breachedNow && !o.curedNow) continue;
            if (!read) (word, read) = (_storedTriggerWord(store, trancheCount), true);
            TriggerKind kind = TriggerKind(uint8(word[2 * i]));
            TriggerEffect effect = TriggerEffect(uint8(word[2 * i + 1]));
            // At most 8 triggers, so the index fits 8 bits.
            if (o.breachedNow) {
                emit TriggerBreached(period, uint8(i), kind, effect, o.valueWad, o.thresholdWad);
                if (effect == TriggerEffect.EventOfDefault && defaultTrigger == _NONE) defaultTrigger = i;
            } else {
                emit TriggerCured(period, uint8(i), kind, effect, o.valueWad, o.thresholdWad);
            }
        }
    }

    /// @dev The `_triggerWord` kept before the `n` tokens and faces at the end of the configuration store.
    function _storedTriggerWord(address store, uint256 n) private view returns (bytes32 word) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(store, 0, sub(extcodesize(store), mul(add(mul(n, 2), 1), 0x20)), 0x20)
            word := mload(0)
        }
    }

    /// @dev Credits the fee recipients, the guarantor and the equity holder: they withdraw later (one storage write
    /// each instead of a cash transfer).
    function _credit(PeriodResult memory r) private {
        for (uint256 f = 0; f < r.fees.length; ++f) {
            uint256 paid = r.fees[f].paidCents;
            if (paid != 0) _addOwed(f, paid);
        }
        if (r.guaranteeFeePaidCents != 0) {
            _addOwed(_GUARANTOR, r.guaranteeFeePaidCents);
        }
        if (r.residualCents != 0) _addOwed(_EQUITY, r.residualCents);
    }

    /// @dev Credits `amountCents` to the payee at `_owed` position `i` (each credit below 2^64 cents, SafeCast).
    function _addOwed(uint256 i, uint256 amountCents) private {
        _owed[i] = (_owed[i] + amountCents).toUint64();
    }

    /// @dev The sum of the credits not yet withdrawn: the positions of the configured fees (the others are never
    /// credited, so their slot is not read), the guarantor's and the equity holder's.
    function _payables() private view returns (uint256 total) {
        uint256 m = _feeCount;
        for (uint256 f = 0; f < m; ++f) total += _owed[f];
        total += uint256(_owed[_GUARANTOR]) + _owed[_EQUITY];
    }

    /// @dev The payee at `_owed` position `i` (zero for an unused position); `m` is the number of fee recipients.
    function _payeeAt(uint256 i, uint256 m) private view returns (address) {
        if (i < m) return _feeRecipients[i];
        if (i == _GUARANTOR) return _guarantor;
        if (i == _EQUITY) return _equityHolder;
        return address(0);
    }

    /// @dev Pays the tranche tokens (one batch transfer), then has the pool record the period (tranche cash and
    /// factors).
    function _pay(uint32 period, address store, PeriodResult memory r) private {
        uint256 n = r.tranches.length;
        (address[] memory tokens, uint256[] memory faces) = _tokensAndFaces(store, n);
        uint256[] memory cashCents = new uint256[](n);
        uint256[] memory factorsRay = new uint256[](n);
        for (uint256 t = 0; t < n; ++t) {
            uint256 amount = r.tranches[t].interestPaidCents + r.tranches[t].principalPaidCents;
            cashCents[t] = amount;
            uint256 face = faces[t];
            uint256 outstanding = r.next.tranches[t].balanceCents;
            if (face >= _NOTIONAL_FACE) {
                // An interest-only class's factor is its notional's: the balance of the class it strips (same face).
                outstanding = r.next.tranches[t - 1].balanceCents;
                face ^= _NOTIONAL_FACE;
            }
            // Rounded down: the factor never overstates the outstanding principal (or notional).
            factorsRay[t] = (outstanding * _RAY) / face;
        }
        // The cash token skips the zero amounts.
        ICashToken(cashToken).transferBatch(tokens, cashCents);
        pool.recordDistribution(period, tokens, cashCents, factorsRay);
    }

    /// @dev The `n` tranche tokens and their original faces (an interest-only class's marked with `_NOTIONAL_FACE`):
    /// the last `2n` words of the configuration store, tokens first (`abi.encodePacked` pads each address and array
    /// element to a word).
    function _tokensAndFaces(
        address store,
        uint256 n
    ) private view returns (address[] memory tokens, uint256[] memory faces) {
        tokens = new address[](n);
        faces = new uint256[](n);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let size := mul(n, 0x20)
            let end := extcodesize(store)
            extcodecopy(store, add(tokens, 0x20), sub(end, mul(size, 2)), size)
            extcodecopy(store, add(faces, 0x20), sub(end, size), size)
        }
    }
}
