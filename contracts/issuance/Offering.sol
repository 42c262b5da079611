// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IOffering} from "../interfaces/IOffering.sol";
import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {ITrancheToken} from "../interfaces/ITrancheToken.sol";
import {TransferRestrictions} from "../tokens/TransferRestrictions.sol";
import {Role} from "../types/Roles.sol";
import {PoolState, Allocation} from "../types/PoolTypes.sol";
import {TrancheTerms} from "../types/TrancheTypes.sol";
import {OfferingStatus, TrancheWindow, WarehouseTerms, CloseParams} from "../types/OfferingTypes.sol";

/// @title Offering
/// @notice The primary offering of one pool: cash-settled subscriptions and the true sale at closing.
/// @dev Deployed only by `OfferingFactory`, which registers it as a deal contract (so it may hold cash
/// and call the pool's `closeIssuance`). The cash token is the pool's, chosen by its trustee: it is
/// treated as untrusted code, so every entry point is `nonReentrant` and moves cash last.
contract Offering is IOffering, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @inheritdoc IOffering
    uint256 public constant MAX_PRICE_BPS = 20_000;
    uint256 private constant _BPS = 10_000;

    /// @inheritdoc IOffering
    IAssetPool public immutable pool;
    /// @inheritdoc IOffering
    address public immutable cashToken;
    IConsortiumRegistry private immutable _registry;
    address private immutable _originator;

    /// @inheritdoc IOffering
    OfferingStatus public status;
    /// @dev The first second at which every window has closed.
    uint64 private _allClosedAt;
    bool private _warehouseFunded;
    WarehouseTerms private _warehouse;

    address[] private _tranches; // the pool's order
    uint256[] private _sizes; // each tranche's original face
    uint256[] private _demand;
    TrancheWindow[] private _windows;
    mapping(uint256 trancheIndex => address[]) private _subscribers;
    mapping(uint256 trancheIndex => mapping(address investor => uint256)) private _orders;
    mapping(uint256 trancheIndex => mapping(address investor => bool)) private _listed;
    mapping(address investor => uint256) private _deferred;

    /// @dev Where a closing (or a failure's refunds) stands between batches, and its running totals. Bounds:
    /// cash and face amounts below 2^128 cents; at most 16 tranches; fewer than 2^32 subscribers per tranche.
    struct Progress {
        uint128 raisedCents; // cash the processed subscribers had paid
        uint128 proceedsCents; // the price of what they were allocated (0 when failing)
        uint128 refundedCents; // cash returned (or deferred) to them
        uint32 tranche; // the tranche the next batch resumes in
        uint32 next; // the subscriber (index in the tranche's list) it resumes at
        uint128 ordersBefore; // the orders of the tranche's subscribers before `next` (cumulative pro-rata)
        uint128 allocatedCents; // what the tranche's subscribers before `next` were allocated
        uint128 refusedCents; // of which refused to subscribers who may not hold it (retained by the originator)
    }

    /// @inheritdoc IOffering
    uint256 public constant CLOSE_BATCH = 100;

    Progress private _progress;
    /// @dev keccak256(abi.encode(params)) of the `close` that started the closing: every batch names the same.
    bytes32 private _closeParamsHash;
    /// @dev Why a failing offering fails: the first tranche below its minimum size, or the trustee cancelled.
    bool private _cancelled;
    /// @dev The terms of the closing in progress (or done): what `closingTerms` shows a trustee resuming it.
    uint32 private _closingTapeVersion;
    bool private _closingRevolving;
    uint64 private _closingRevolvingEndDate;

    /// @dev One batch's work: the issuance lines and the refunds, paid after the state and events.
    struct Batch {
        Allocation[] lines;
        uint256 lineCount;
        address[] payees;
        uint256[] amounts;
        uint256 payeeCount;
    }

    /// @param pool_ The pool (a registered deal contract in Structured or Offering, checked by the factory).
    /// @param windows One window per tranche, in the pool's tranche order.
    /// @param warehouse_ The warehouse lender's terms, or all zero.
    constructor(IAssetPool pool_, TrancheWindow[] memory windows, WarehouseTerms memory warehouse_) {
        pool = pool_;
        cashToken = pool_.cashToken();
        _registry = pool_.registry();
        _originator = pool_.originator();
        address[] memory list = pool_.tranches();
        require(windows.length == list.length, WindowsLength(list.length, windows.length));
        uint64 allClosedAt;
        for (uint256 i = 0; i < list.length; ++i) {
            TrancheTerms memory t = ITrancheToken(list[i]).terms();
            TrancheWindow memory w = windows[i];
            _requireValidWindow(i, w, t.originalFaceCents, t.allowedInvestorClasses);
            if (w.closesAt > allClosedAt) allClosedAt = w.closesAt;
            _tranches.push(list[i]);
            _sizes.push(t.originalFaceCents);
            _demand.push(0);
            _windows.push(w);
        }
        _allClosedAt = allClosedAt;
        bool none = warehouse_.investor == address(0);
        require(
            none
                ? warehouse_.advanceCents == 0 && warehouse_.repaymentCents == 0
                : warehouse_.advanceCents != 0 && warehouse_.repaymentCents >= warehouse_.advanceCents,
            WarehouseTermsInvalid(warehouse_.investor, warehouse_.advanceCents, warehouse_.repaymentCents)
        );
        _warehouse = warehouse_;
    }

    // ================================================================ investors

    /// @inheritdoc IOffering
    function subscribe(uint256 trancheIndex, uint256 amountCents) external nonReentrant {
        _requireOpen();
        PoolState s = pool.state();
        require(s == PoolState.Offering, PoolNotOffering(uint8(s)));
        TrancheWindow storage w = _window(trancheIndex);
        _requireWindowOpen(trancheIndex, w);
        uint256 increment = w.incrementCents;
        require(
            amountCents != 0 && amountCents % increment == 0,
            SubscriptionNotIncrement(trancheIndex, increment, amountCents)
        );
        uint8 code = _registry.holderCode(msg.sender, w.allowedInvestorClasses);
        require(code == 0, SubscriberIneligible(msg.sender, code));
        uint256 previous = _orders[trancheIndex][msg.sender];
        uint256 order = previous + amountCents;
        require(order >= w.minSubscriptionCents, SubscriptionBelowMinimum(trancheIndex, w.minSubscriptionCents, order));
        uint256 size = _sizes[trancheIndex];
        require(order <= size, SubscriptionExceedsSize(trancheIndex, size, order));
        uint256 paidCents = _cost(w.priceBps, order) - _cost(w.priceBps, previous);

        _orders[trancheIndex][msg.sender] = order;
        if (!_listed[trancheIndex][msg.sender]) {
            _listed[trancheIndex][msg.sender] = true;
            _subscribers[trancheIndex].push(msg.sender);
        }
        uint256 demand = _demand[trancheIndex] + amountCents;
        _demand[trancheIndex] = demand;
        emit Subscribed(trancheIndex, _tranches[trancheIndex], msg.sender, amountCents, order, paidCents, demand);

        IERC20(cashToken).safeTransferFrom(msg.sender, address(this), paidCents);
    }

    /// @inheritdoc IOffering
    function cancel(uint256 trancheIndex) external nonReentrant {
        _requireOpen();
        TrancheWindow storage w = _window(trancheIndex);
        if (pool.state() == PoolState.Offering) _requireWindowOpen(trancheIndex, w);
        uint256 order = _orders[trancheIndex][msg.sender];
        require(order != 0, SubscriptionMissing(trancheIndex, msg.sender));
        uint256 refundCents = _cost(w.priceBps, order);

        _orders[trancheIndex][msg.sender] = 0;
        uint256 demand = _demand[trancheIndex] - order;
        _demand[trancheIndex] = demand;
        emit SubscriptionCancelled(trancheIndex, _tranches[trancheIndex], msg.sender, order, refundCents, demand);

        IERC20(cashToken).safeTransfer(msg.sender, refundCents);
    }

    /// @inheritdoc IOffering
    function fundWarehouse() external nonReentrant {
        WarehouseTerms memory terms = _warehouse;
        require(
            status == OfferingStatus.Open && msg.sender == terms.investor && !_warehouseFunded,
            WarehouseNotFundable(msg.sender)
        );
        // A pool in Structured or later always has an anchored tape: the advance is made against it.
        uint32 tapeVersion = pool.currentTapeVersion();

        _warehouseFunded = true;
        emit WarehouseFunded(msg.sender, _originator, terms.advanceCents, terms.repaymentCents, tapeVersion);

        IERC20(cashToken).safeTransferFrom(msg.sender, _originator, terms.advanceCents);
    }

    /// @inheritdoc IOffering
    function claimRefund() external nonReentrant {
        uint256 amount = _deferred[msg.sender];
        require(amount != 0, NothingToClaim(msg.sender));
        _deferred[msg.sender] = 0;
        emit RefundClaimed(msg.sender, amount);
        IERC20(cashToken).safeTransfer(msg.sender, amount);
    }

    // ================================================================ trustee

    /// @inheritdoc IOffering
    function close(CloseParams calldata params) external nonReentrant {
        _requireTrustee();
        OfferingStatus s = status;
        if (s == OfferingStatus.Open) {
            _startClose(params);
        } else if (s == OfferingStatus.Closing) {
            bytes32 hash = keccak256(abi.encode(params));
            require(hash == _closeParamsHash, CloseParamsChanged(_closeParamsHash, hash));
        } else {
            require(s == OfferingStatus.Failing, OfferingNotOpen(s));
        }
        if (status == OfferingStatus.Failing) _refundBatch();
        else _issueBatch(params, s == OfferingStatus.Open);
    }

    /// @inheritdoc IOffering
    function cancelOffering() external nonReentrant {
        _requireTrustee();
        _requireOpen();
        _cancelled = true;
        status = OfferingStatus.Failing;
        _refundBatch();
    }

    // ================================================================ views

    /// @inheritdoc IOffering
    function trancheCount() external view returns (uint256) {
        return _tranches.length;
    }

    /// @inheritdoc IOffering
    function trancheAt(uint256 trancheIndex) external view returns (address) {
        _requireIndex(trancheIndex);
        return _tranches[trancheIndex];
    }

    /// @inheritdoc IOffering
    function window(uint256 trancheIndex) external view returns (TrancheWindow memory) {
        return _window(trancheIndex);
    }

    /// @inheritdoc IOffering
    function sizeOf(uint256 trancheIndex) external view returns (uint256) {
        _requireIndex(trancheIndex);
        return _sizes[trancheIndex];
    }

    /// @inheritdoc IOffering
    function orderOf(uint256 trancheIndex, address investor) external view returns (uint256) {
        return _orders[trancheIndex][investor];
    }

    /// @inheritdoc IOffering
    function demandOf(uint256 trancheIndex) external view returns (uint256) {
        _requireIndex(trancheIndex);
        return _demand[trancheIndex];
    }

    /// @inheritdoc IOffering
    function subscribersOf(uint256 trancheIndex) external view returns (address[] memory) {
        return _subscribers[trancheIndex];
    }

    /// @inheritdoc IOffering
    function costOf(uint256 trancheIndex, uint256 faceCents) external view returns (uint256) {
        return _cost(_window(trancheIndex).priceBps, faceCents);
    }

    /// @inheritdoc IOffering
    function deferredOf(address investor) external view returns (uint256) {
        return _deferred[investor];
    }

    /// @inheritdoc IOffering
    function closingTerms() external view returns (uint32 tapeVersion, bool revolving, uint64 revolvingEndDate) {
        return (_closingTapeVersion, _closingRevolving, _closingRevolvingEndDate);
    }

    /// @inheritdoc IOffering
    function warehouse() external view returns (WarehouseTerms memory terms, bool funded) {
        return (_warehouse, _warehouseFunded);
    }

    // ================================================================ internals: closing

    /// @dev The first batch's checks: every window closed, one table per tranche; the offering fails when a
    /// tranche is below its minimum size. Otherwise the tables are checked against the subscriber lists and the
    /// orders (`_checkTable`), the originator's retention of unsold face, the pool's issuance terms and the
    /// warehouse repayment against the least the proceeds can be. O(tranches), plus the subscribers of a tranche
    /// given a table. The parameters are committed (`_commitParams`) only if the closing needs another call.
    function _startClose(CloseParams calldata params) private {
        require(block.timestamp >= _allClosedAt, WindowsStillOpen(_allClosedAt, block.timestamp));
        uint256 n = _tranches.length;
        require(params.tables.length == n, AllocationTablesLength(n, params.tables.length));
        for (uint256 j = 0; j < n; ++j) {
            if (_demand[j] < _windows[j].minSizeCents) {
                status = OfferingStatus.Failing;
                return;
            }
        }
        // Each allocation's price is rounded up, so the proceeds are at least the price of each tranche's
        // whole sale: checked now, the repayment can never stop a closing halfway.
        uint256 leastProceeds;
        for (uint256 j = 0; j < n; ++j) {
            uint256 size = _sizes[j];
            uint256 demand = _demand[j];
            uint256 tableLength = params.tables[j].length;
            if (tableLength != 0) {
                require(demand > size, AllocationTableNotOversubscribed(j, demand, size));
                uint256 m = _subscribers[j].length;
                require(tableLength == m, AllocationTableLength(j, m, tableLength));
                _checkTable(j, params.tables[j], size);
            } else if (demand < size) {
                // The unsold face is retained by the originator (`_finishTranche`): refused now rather than by
                // the batch that reaches the tranche's end, after earlier batches have minted.
                uint8 code = _restriction(j, _originator, size - demand);
                require(_permits(code), OriginatorMayNotRetain(j, size - demand, code));
            }
            leastProceeds += _cost(_windows[j].priceBps, demand < size ? demand : size);
        }
        uint256 repaymentCents = _warehouseFunded ? _warehouse.repaymentCents : 0;
        require(leastProceeds >= repaymentCents, ProceedsBelowWarehouse(leastProceeds, repaymentCents));
        pool.requireIssuable(params.tapeVersion, params.revolving, params.revolvingEndDate);
        status = OfferingStatus.Closing;
    }

    /// @dev A closing that needs more calls: the parameters its first call started with, for the calls that follow.
    function _commitParams(CloseParams calldata params) private {
        _closeParamsHash = keccak256(abi.encode(params));
        (_closingTapeVersion, _closingRevolving, _closingRevolvingEndDate) = (
            params.tapeVersion,
            params.revolving,
            params.revolvingEndDate
        );
    }

    /// @dev A trustee's table for tranche `j` (one entry per subscriber, its length checked by the caller): no entry
    /// above its subscriber's order, and exactly `size` in all. Checked before the first batch, so a closing never
    /// stops halfway on its own table. It costs about 4.4k gas per subscriber of the tranche (two storage reads),
    /// in the first call only: a table tranche of 4,000 subscribers adds under 18M gas to that call.
    function _checkTable(uint256 j, uint256[] calldata table, uint256 size) private view {
        address[] storage subscribers = _subscribers[j];
        mapping(address => uint256) storage orders = _orders[j];
        uint256 total;
        for (uint256 i = 0; i < table.length; ++i) {
            uint256 allocated = table[i];
            address investor = subscribers[i];
            uint256 order = orders[investor];
            require(allocated <= order, AllocationExceedsOrder(j, investor, order, allocated));
            // Each entry is at most its order, a face in cents: no overflow.
            total += allocated;
        }
        require(total == size, AllocationTableTotal(j, size, total));
    }

    /// @dev Allocates up to `CLOSE_BATCH` subscribers from where the last batch stopped, tranche by tranche, and has
    /// the pool mint them; the batch that reaches the end also closes: the pool goes Active, the warehouse lender
    /// and the originator are paid. Effects and events first, then the pool, then cash.
    /// Progress (and, from the first call, the parameters) is stored only when another call must follow: a closing
    /// done in one call writes neither (about 120k gas of fresh slots).
    function _issueBatch(CloseParams calldata params, bool starting) private {
        uint256 n = _tranches.length;
        Progress memory p = _progress;
        uint256 room = _batchRoom(p, n);
        Batch memory b = _newBatch(room + n, room + 2);
        uint256 budget = CLOSE_BATCH;
        while (p.tranche < n && budget != 0) {
            uint256 j = p.tranche;
            uint256 m = _subscribers[j].length;
            while (p.next < m && budget != 0) {
                _allocateNext(j, params.tables[j], p, b);
                --budget;
            }
            if (p.next == m) _finishTranche(j, p, b);
        }
        if (p.tranche < n) {
            _progress = p;
            if (starting) _commitParams(params);
            _truncate(b);
            pool.issueBatch(b.lines);
            _payAll(b);
            return;
        }

        uint256 repaymentCents = _warehouseFunded ? _warehouse.repaymentCents : 0;
        // At least the least proceeds `_startClose` checked against the repayment.
        uint256 originatorCents = p.proceedsCents - repaymentCents;
        status = OfferingStatus.Closed;
        emit OfferingClosed(
            address(pool),
            params.tapeVersion,
            p.raisedCents,
            p.proceedsCents,
            repaymentCents,
            originatorCents,
            p.refundedCents,
            msg.sender
        );
        _truncate(b);
        pool.closeIssuance(params.tapeVersion, b.lines, params.revolving, params.revolvingEndDate);
        if (repaymentCents != 0) _addPayment(b, _warehouse.investor, repaymentCents);
        if (originatorCents != 0) _addPayment(b, _originator, originatorCents);
        _payAll(b);
    }

    /// @dev Allocates subscriber `p.next` of tranche `j`: its order in full when the tranche is not
    /// oversubscribed; else by the trustee's table, or pro-rata by cumulative rounding (below). A subscriber the
    /// tranche may no longer be minted to (suspended, no longer of an allowed class, frozen) is allocated nothing
    /// and refunded in full: its face falls to the originator with the unsold face, if the originator may hold
    /// it; if not, the mint reverts (`TransferRestricted`) and the batch waits for the restriction to be lifted
    /// (the trustee's freeze, the consortium's suspension).
    ///
    /// Cumulative rounding: with `C` the orders of the tranche's subscribers up to and including this one, in
    /// subscription order, the allocation is `floor(C * size / demand) - floor((C - order) * size / demand)`. It is
    /// the floor or the ceiling of the exact share (never off by a cent or more), never above the order (the
    /// share is below it), and the allocations add up to exactly `size` with no second pass over the orders.
    function _allocateNext(uint256 j, uint256[] calldata table, Progress memory p, Batch memory b) private {
        uint256 i = p.next;
        address investor = _subscribers[j][i];
        uint256 order = _orders[j][investor];
        p.next = uint32(i + 1);
        if (order == 0) return; // cancelled
        uint256 allocated = _share(j, i, order, table, p);
        // Face cents are below 2^128 (a tranche's face, checked by SafeCast in the token).
        p.ordersBefore = uint128(p.ordersBefore + order);
        p.allocatedCents = uint128(p.allocatedCents + allocated);
        if (allocated != 0 && !_mayHold(j, investor, allocated) && _mayHold(j, _originator, allocated)) {
            p.refusedCents = uint128(p.refusedCents + allocated);
            allocated = 0;
        }
        _settle(j, investor, order, allocated, p, b);
    }

    /// @dev Subscriber `i`'s allocation in tranche `j` (see `_allocateNext`).
    function _share(
        uint256 j,
        uint256 i,
        uint256 order,
        uint256[] calldata table,
        Progress memory p
    ) private view returns (uint256 allocated) {
        // A table was checked entry by entry, and in total, before the first batch (`_checkTable`).
        if (table.length != 0) return table[i];
        uint256 size = _sizes[j];
        uint256 demand = _demand[j];
        if (demand <= size) return order;
        uint256 before = p.ordersBefore;
        return ((before + order) * size) / demand - (before * size) / demand;
    }

    /// @dev Charges the allocation, refunds the rest of the order's cash, and adds the issuance line.
    function _settle(
        uint256 j,
        address investor,
        uint256 order,
        uint256 allocated,
        Progress memory p,
        Batch memory b
    ) private {
        uint256 priceBps = _windows[j].priceBps;
        uint256 paid = _cost(priceBps, order);
        uint256 cost = _cost(priceBps, allocated);
        // Cash cents below 2^128: at most twice a tranche's face.
        p.raisedCents = uint128(p.raisedCents + paid);
        p.proceedsCents = uint128(p.proceedsCents + cost);
        p.refundedCents = uint128(p.refundedCents + paid - cost);
        address tranche = _tranches[j];
        emit Allocated(j, tranche, investor, order, allocated, cost, paid - cost);
        if (allocated != 0) b.lines[b.lineCount++] = Allocation(tranche, investor, allocated);
        if (paid != cost) _addPayment(b, investor, paid - cost);
    }

    /// @dev Tranche `j` is allocated: the face not allocated to a subscriber (unsold, or refused to a subscriber who
    /// may not hold it) is retained by the originator.
    function _finishTranche(uint256 j, Progress memory p, Batch memory b) private {
        uint256 size = _sizes[j];
        uint256 allocated = p.allocatedCents;
        // Not above the size: the orders in full when not oversubscribed, exactly the size pro-rata or by table
        // (`_checkTable`).
        uint256 retained = size - allocated + p.refusedCents;
        if (retained != 0) {
            emit Allocated(j, _tranches[j], _originator, 0, retained, 0, 0);
            b.lines[b.lineCount++] = Allocation(_tranches[j], _originator, retained);
        }
        // At most 16 tranches.
        p.tranche = uint32(j + 1);
        (p.next, p.ordersBefore, p.allocatedCents, p.refusedCents) = (0, 0, 0, 0);
    }

    /// @dev Refunds up to `CLOSE_BATCH` subscribers of a failing offering in full; the batch that reaches the end
    /// marks it failed. Orders stay recorded (the offering is terminal): they name what was returned.
    function _refundBatch() private {
        uint256 n = _tranches.length;
        Progress memory p = _progress;
        Batch memory b = _newBatch(0, _batchRoom(p, n)); // refunds only: no issuance lines
        uint256 budget = CLOSE_BATCH;
        while (p.tranche < n && budget != 0) {
            uint256 j = p.tranche;
            address[] storage subs = _subscribers[j];
            uint256 m = subs.length;
            uint256 priceBps = _windows[j].priceBps;
            for (; p.next < m && budget != 0; --budget) {
                address investor = subs[p.next];
                p.next += 1;
                uint256 order = _orders[j][investor];
                if (order == 0) continue;
                uint256 refundCents = _cost(priceBps, order);
                p.refundedCents = uint128(p.refundedCents + refundCents);
                emit Refunded(j, investor, order, refundCents);
                _addPayment(b, investor, refundCents);
            }
            if (p.next == m) (p.tranche, p.next) = (uint32(j + 1), 0);
        }
        if (p.tranche < n) {
            _progress = p; // another call follows
        } else {
            status = OfferingStatus.Failed;
            (uint256 tranche, uint256 demand, uint256 minSize) = _failureReason();
            emit OfferingFailed(address(pool), tranche, demand, minSize, p.refundedCents, msg.sender);
        }
        _payAll(b);
    }

    /// @dev The reason `OfferingFailed` names: the first tranche below its minimum size, or the cancellation.
    function _failureReason() private view returns (uint256 trancheIndex, uint256 demandCents, uint256 minSizeCents) {
        if (!_cancelled) {
            for (uint256 j = 0; j < _tranches.length; ++j) {
                uint256 minSize = _windows[j].minSizeCents;
                if (_demand[j] < minSize) return (j, _demand[j], minSize);
            }
        }
        return (type(uint256).max, 0, 0);
    }

    /// @dev Whether tranche `j` may be minted to `investor` now. A paused tranche counts as may: its mint then
    /// reverts, and the trustee unpauses rather than see every subscriber refused.
    function _mayHold(uint256 j, address investor, uint256 amountCents) private view returns (bool) {
        return _permits(_restriction(j, investor, amountCents));
    }

    /// @dev The tranche's restriction code for minting `amountCents` of tranche `j` to `investor`.
    function _restriction(uint256 j, address investor, uint256 amountCents) private view returns (uint8) {
        return ITrancheToken(_tranches[j]).detectTransferRestriction(address(0), investor, amountCents);
    }

    function _permits(uint8 code) private pure returns (bool) {
        return code == TransferRestrictions.SUCCESS || code == TransferRestrictions.PAUSED;
    }

    /// @dev The subscribers the next batch handles: those left from `p`, at most `CLOSE_BATCH`. Sizes the batch's
    /// arrays, so a small offering does not pay for a hundred empty lines.
    function _batchRoom(Progress memory p, uint256 n) private view returns (uint256 room) {
        if (p.tranche >= n) return 0;
        room = _subscribers[p.tranche].length - p.next;
        for (uint256 j = p.tranche + 1; j < n && room < CLOSE_BATCH; ++j) room += _subscribers[j].length;
        if (room > CLOSE_BATCH) room = CLOSE_BATCH;
    }

    /// @dev Room for a batch: `lineRoom` issuance lines (an issuing batch: one per subscriber and one retained line
    /// per tranche; a refunding batch: none) and `payeeRoom` payments (one per subscriber, and the warehouse
    /// lender's and the originator's).
    function _newBatch(uint256 lineRoom, uint256 payeeRoom) private pure returns (Batch memory b) {
        b.lines = new Allocation[](lineRoom);
        b.payees = new address[](payeeRoom);
        b.amounts = new uint256[](payeeRoom);
    }

    function _addPayment(Batch memory b, address payee, uint256 amountCents) private pure {
        (b.payees[b.payeeCount], b.amounts[b.payeeCount]) = (payee, amountCents);
        b.payeeCount += 1;
    }

    /// @dev Shortens the lines to those written (the pool takes the array as it is).
    function _truncate(Batch memory b) private pure {
        Allocation[] memory lines = b.lines;
        uint256 count = b.lineCount;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(lines, count)
        }
    }

    /// @dev Pays the batch's refunds and payments, each deferred if the cash token refuses its receiver.
    function _payAll(Batch memory b) private {
        IERC20 cash = IERC20(cashToken);
        for (uint256 k = 0; k < b.payeeCount; ++k) _refund(cash, b.payees[k], b.amounts[k]);
    }

    /// @dev Pay a refund, or keep it for the investor to claim if the cash token refuses the receiver. The
    /// bookkeeping after a refused transfer follows an interaction; every entry point is nonReentrant.
    function _refund(IERC20 cash, address investor, uint256 amount) private {
        if (cash.trySafeTransfer(investor, amount)) return;
        uint256 total = _deferred[investor] + amount;
        _deferred[investor] = total;
        emit RefundDeferred(investor, amount, total);
    }

    // ================================================================ internals: checks and maths

    /// @dev The cash price of `faceCents` at `priceBps`, rounded up (against the subscriber, for the originator).
    function _cost(uint256 priceBps, uint256 faceCents) private pure returns (uint256) {
        return (faceCents * priceBps + _BPS - 1) / _BPS;
    }

    function _requireTrustee() private view {
        require(msg.sender == pool.trustee() && _registry.hasRole(msg.sender, Role.TRUSTEE), NotTrustee(msg.sender));
    }

    function _requireOpen() private view {
        require(status == OfferingStatus.Open, OfferingNotOpen(status));
    }

    function _requireIndex(uint256 trancheIndex) private view {
        require(trancheIndex < _tranches.length, TrancheIndexInvalid(trancheIndex, _tranches.length));
    }

    function _window(uint256 trancheIndex) private view returns (TrancheWindow storage) {
        _requireIndex(trancheIndex);
        return _windows[trancheIndex];
    }

    function _requireWindowOpen(uint256 trancheIndex, TrancheWindow storage w) private view {
        require(
            block.timestamp >= w.opensAt && block.timestamp < w.closesAt,
            WindowNotOpen(trancheIndex, w.opensAt, w.closesAt, block.timestamp)
        );
    }

    function _requireValidWindow(
        uint256 i,
        TrancheWindow memory w,
        uint256 faceCents,
        uint32 trancheClasses
    ) private view {
        require(w.opensAt < w.closesAt && w.closesAt > block.timestamp, WindowDatesInvalid(i, w.opensAt, w.closesAt));
        require(w.priceBps != 0 && w.priceBps <= MAX_PRICE_BPS, WindowPriceInvalid(i, w.priceBps));
        require(
            w.incrementCents != 0 && w.minSubscriptionCents != 0 && w.minSubscriptionCents % w.incrementCents == 0,
            WindowMinimumInvalid(i, w.minSubscriptionCents, w.incrementCents)
        );
        require(w.minSizeCents != 0 && w.minSizeCents <= faceCents, WindowSizeInvalid(i, w.minSizeCents, faceCents));
        uint32 classes = w.allowedInvestorClasses;
        require(classes != 0 && classes & ~trancheClasses == 0, WindowClassesInvalid(i, classes, trancheClasses));
    }
}
