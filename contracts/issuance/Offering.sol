// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IOffering} from "../interfaces/IOffering.sol";
import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {ITrancheToken} from "../interfaces/ITrancheToken.sol";
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

    /// @dev Running totals of a closing (kept in memory to stay within the stack).
    struct Totals {
        uint256 raised;
        uint256 proceeds;
        uint256 refunded;
        uint256 allocations;
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
        _requireOpen();
        require(block.timestamp >= _allClosedAt, WindowsStillOpen(_allClosedAt, block.timestamp));
        uint256 n = _tranches.length;
        require(params.tables.length == n, AllocationTablesLength(n, params.tables.length));
        for (uint256 j = 0; j < n; ++j) {
            uint256 minSize = _windows[j].minSizeCents;
            if (_demand[j] < minSize) {
                _fail(j, _demand[j], minSize);
                return;
            }
        }
        _issue(params);
    }

    /// @inheritdoc IOffering
    function cancelOffering() external nonReentrant {
        _requireTrustee();
        _requireOpen();
        _fail(type(uint256).max, 0, 0);
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
    function warehouse() external view returns (WarehouseTerms memory terms, bool funded) {
        return (_warehouse, _warehouseFunded);
    }

    // ================================================================ internals: closing

    /// @dev Allocate every tranche, have the pool mint and go Active, then pay the warehouse lender, the
    /// originator and the refunds. Effects and events first, then the pool, then cash.
    function _issue(CloseParams calldata params) private {
        uint256 n = _tranches.length;
        uint256[][] memory orders = new uint256[][](n);
        uint256[][] memory allocated = new uint256[][](n);
        Totals memory t;
        for (uint256 j = 0; j < n; ++j) {
            (orders[j], allocated[j]) = _allocate(j, params.tables[j]);
            _account(j, orders[j], allocated[j], t);
        }

        uint256 repaymentCents = _warehouseFunded ? _warehouse.repaymentCents : 0;
        require(t.proceeds >= repaymentCents, ProceedsBelowWarehouse(t.proceeds, repaymentCents));
        uint256 originatorCents = t.proceeds - repaymentCents;
        Allocation[] memory lines = _lines(orders, allocated, t.allocations);

        status = OfferingStatus.Closed;
        emit OfferingClosed(
            address(pool),
            params.tapeVersion,
            t.raised,
            t.proceeds,
            repaymentCents,
            originatorCents,
            t.refunded,
            msg.sender
        );

        pool.closeIssuance(params.tapeVersion, lines, params.revolving, params.revolvingEndDate);
        IERC20 cash = IERC20(cashToken);
        if (repaymentCents != 0) cash.safeTransfer(_warehouse.investor, repaymentCents);
        if (originatorCents != 0) cash.safeTransfer(_originator, originatorCents);
        for (uint256 j = 0; j < n; ++j) {
            uint256 priceBps = _windows[j].priceBps;
            address[] storage subs = _subscribers[j];
            for (uint256 i = 0; i < subs.length; ++i) {
                uint256 refundCents = _cost(priceBps, orders[j][i]) - _cost(priceBps, allocated[j][i]);
                if (refundCents != 0) _refund(cash, subs[i], refundCents);
            }
        }
    }

    /// @dev The orders of tranche `j` (subscription order) and what each is allocated: in full when the
    /// tranche is not oversubscribed; else by the trustee's table, or pro-rata with the remainder one cent
    /// each to the earliest orders. A last extra entry is the unsold face retained by the originator.
    function _allocate(
        uint256 j,
        uint256[] calldata table
    ) private view returns (uint256[] memory orders, uint256[] memory allocated) {
        address[] storage subs = _subscribers[j];
        uint256 m = subs.length;
        uint256 size = _sizes[j];
        uint256 demand = _demand[j];
        orders = new uint256[](m + 1);
        allocated = new uint256[](m + 1);
        for (uint256 i = 0; i < m; ++i) orders[i] = _orders[j][subs[i]];

        if (table.length != 0) {
            require(demand > size, AllocationTableNotOversubscribed(j, demand, size));
            require(table.length == m, AllocationTableLength(j, m, table.length));
            uint256 sum;
            for (uint256 i = 0; i < m; ++i) {
                require(table[i] <= orders[i], AllocationExceedsOrder(j, subs[i], orders[i], table[i]));
                allocated[i] = table[i];
                sum += table[i];
            }
            require(sum == size, AllocationTableTotal(j, size, sum));
        } else if (demand > size) {
            uint256 sum;
            for (uint256 i = 0; i < m; ++i) {
                // Rounds down: never more than the exact pro-rata share.
                allocated[i] = (orders[i] * size) / demand;
                sum += allocated[i];
            }
            // Each floor loses less than one cent, so the remainder is below the number of non-zero orders,
            // and each non-zero order is above its floor share (size < demand): one pass hands it all out.
            uint256 rest = size - sum;
            for (uint256 i = 0; rest != 0; ++i) {
                if (orders[i] > allocated[i]) {
                    ++allocated[i];
                    --rest;
                }
            }
        } else {
            for (uint256 i = 0; i < m; ++i) allocated[i] = orders[i];
            allocated[m] = size - demand;
        }
    }

    /// @dev Emit tranche `j`'s `Allocated` events and add up its cash.
    function _account(uint256 j, uint256[] memory orders, uint256[] memory allocated, Totals memory t) private {
        address tranche = _tranches[j];
        uint256 priceBps = _windows[j].priceBps;
        address[] storage subs = _subscribers[j];
        uint256 m = subs.length;
        for (uint256 i = 0; i < m; ++i) {
            if (orders[i] == 0) continue;
            uint256 paid = _cost(priceBps, orders[i]);
            uint256 cost = _cost(priceBps, allocated[i]);
            t.raised += paid;
            t.proceeds += cost;
            t.refunded += paid - cost;
            if (allocated[i] != 0) ++t.allocations;
            emit Allocated(j, tranche, subs[i], orders[i], allocated[i], cost, paid - cost);
        }
        if (allocated[m] != 0) {
            ++t.allocations;
            emit Allocated(j, tranche, _originator, 0, allocated[m], 0, 0);
        }
    }

    /// @dev The pool's issuance lines: every non-zero allocation, the retained face to the originator.
    function _lines(
        uint256[][] memory orders,
        uint256[][] memory allocated,
        uint256 count
    ) private view returns (Allocation[] memory lines) {
        lines = new Allocation[](count);
        uint256 k;
        for (uint256 j = 0; j < orders.length; ++j) {
            address[] storage subs = _subscribers[j];
            uint256 m = subs.length;
            for (uint256 i = 0; i <= m; ++i) {
                uint256 amount = allocated[j][i];
                if (amount == 0) continue;
                lines[k++] = Allocation({
                    tranche: _tranches[j],
                    investor: i == m ? _originator : subs[i],
                    amountCents: amount
                });
            }
        }
    }

    /// @dev Mark the offering failed and return every subscriber's cash in full.
    function _fail(uint256 trancheIndex, uint256 demandCents, uint256 minSizeCents) private {
        uint256 n = _tranches.length;
        uint256 total;
        status = OfferingStatus.Failed;
        for (uint256 j = 0; j < n; ++j) {
            uint256 priceBps = _windows[j].priceBps;
            address[] storage subs = _subscribers[j];
            for (uint256 i = 0; i < subs.length; ++i) {
                uint256 order = _orders[j][subs[i]];
                if (order == 0) continue;
                uint256 refundCents = _cost(priceBps, order);
                total += refundCents;
                emit Refunded(j, subs[i], order, refundCents);
            }
        }
        emit OfferingFailed(address(pool), trancheIndex, demandCents, minSizeCents, total, msg.sender);

        // Orders stay recorded (the offering is terminal): they name what was returned.
        IERC20 cash = IERC20(cashToken);
        for (uint256 j = 0; j < n; ++j) {
            uint256 priceBps = _windows[j].priceBps;
            address[] storage subs = _subscribers[j];
            for (uint256 i = 0; i < subs.length; ++i) {
                uint256 order = _orders[j][subs[i]];
                if (order != 0) _refund(cash, subs[i], _cost(priceBps, order));
            }
        }
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
