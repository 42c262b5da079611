// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IAssetPool} from "../interfaces/IAssetPool.sol";
import {ITrancheToken} from "../interfaces/ITrancheToken.sol";
import {IDealParties} from "../interfaces/IDealParties.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {TrancheTerms, CouponType} from "../types/TrancheTypes.sol";
import {Role} from "../types/Roles.sol";
import {TransferRestrictions} from "./TransferRestrictions.sol";

/// @title TrancheToken
/// @notice A permissioned ERC-20 for one tranche: every balance change goes through `_update`, which
/// applies the one restriction check that `detectTransferRestriction` exposes as a view.
/// @dev Deployed by `TrancheTokenFactory`, which validates the terms and registers the token.
contract TrancheToken is ITrancheToken, ERC20, Pausable {
    using SafeCast for uint256;
    using SafeCast for int256;
    using SafeERC20 for IERC20;

    /// @notice 100% in ray: the initial factor.
    uint256 public constant RAY = 1e27;
    /// @notice The largest factor: above 100% only for an accrual (Z) class, whose balance grows by its accreted
    /// interest (the most a 96-bit slot holds, about 79 times the face).
    uint256 public constant MAX_FACTOR_RAY = type(uint96).max;
    /// @notice The scale of `cashPerUnitWad`.
    uint256 public constant WAD = 1e18;

    /// @dev One holder's balance and claim correction in one slot, so a transfer writes no extra slot for claims.
    /// Bounds: balances are below the original face (< 2^128 by `SafeCast`); `cashPerUnitWad * units` below 2^127
    /// (cash per unit stays below ~1e3 cents over a deal's life: 1e21 * 1e15 units), checked by `SafeCast`.
    struct Holding {
        uint128 balance;
        int128 correction;
    }

    /// @inheritdoc ITrancheToken
    IDealParties public immutable pool;
    /// @inheritdoc ITrancheToken
    IConsortiumRegistry public immutable registry;

    uint32 private immutable _allowedClasses;
    uint8 private immutable _seniority;
    CouponType private immutable _couponType;
    uint64 private immutable _couponRateWad;
    uint256 private immutable _originalFaceCents;

    /// @inheritdoc ITrancheToken
    address public immutable cashToken;

    /// @dev The factor (<= 1e27 < 2^96) and the cash distributed so far (below 2^128 by SafeCast), in one slot with
    /// Pausable's flag (declared just before): `distribute` writes both, and a transfer's pause check reads the slot.
    uint96 private _factorRay;
    uint128 private _distributedCents;

    mapping(address account => Freeze) private _freezes;

    /// @dev Balances live here (not in OpenZeppelin's private `_balances`), each with its claim correction.
    mapping(address account => Holding) private _holdings;

    /// @dev The claim accumulator and the supply in one slot (`distribute` reads and writes one slot for both):
    /// cumulative cash per unit (1e18-scaled; below 2^96 by SafeCast, i.e. 7.9e10 cents per unit of one cent of face,
    /// far above any deal), the remainder `(cash * WAD + remainder) % supply` of the last distribution, carried to the
    /// next one (< supply), and the units outstanding (at most the original face; below 2^80 by SafeCast on mint).
    uint96 private _cashPerUnitWad;
    uint80 private _remainder;
    uint80 private _supply;

    /// @dev Set only for the duration of `forceTransfer`'s own `_transfer`: `_update` then falls back to
    /// the forced-transfer rule (receiver eligibility only) when the full check fails.
    bool private transient _forcing;

    modifier onlyPool() {
        require(msg.sender == address(pool), NotPool(msg.sender));
        _;
    }

    modifier onlyTrustee() {
        _requireTrustee();
        _;
    }

    /// @param terms_ The tranche's terms (validated by the factory).
    /// @param pool_ The issuing deal; its registry is read once and fixed.
    constructor(TrancheTerms memory terms_, IDealParties pool_) ERC20(terms_.name, terms_.symbol) {
        pool = pool_;
        registry = pool_.registry();
        _allowedClasses = terms_.allowedInvestorClasses;
        _seniority = terms_.seniority;
        _couponType = terms_.couponType;
        _couponRateWad = terms_.couponRateWad;
        _originalFaceCents = terms_.originalFaceCents;
        _factorRay = uint96(RAY); // 1e27 < 2^96
        cashToken = IAssetPool(address(pool_)).cashToken();
    }

    // ================================================================ pool

    /// @inheritdoc ITrancheToken
    function mint(address to, uint256 amount) external onlyPool {
        uint256 newSupply = totalSupply() + amount;
        require(newSupply <= _originalFaceCents, MintExceedsFace(_originalFaceCents, newSupply));
        _mint(to, amount);
    }

    /// @inheritdoc ITrancheToken
    function burn(address from, uint256 amount) external onlyPool {
        _burn(from, amount);
    }

    /// @inheritdoc ITrancheToken
    function setFactor(uint256 newFactorRay, uint32 period) external onlyPool {
        require(newFactorRay <= MAX_FACTOR_RAY, FactorOutOfRange(newFactorRay, MAX_FACTOR_RAY));
        uint256 previous = _factorRay;
        // At most MAX_FACTOR_RAY (checked above), so it fits 96 bits.
        _factorRay = uint96(newFactorRay);
        emit FactorUpdated(previous, newFactorRay, period);
    }

    /// @inheritdoc ITrancheToken
    function distribute(uint256 cashCents, uint256 newFactorRay, uint32 period) external onlyPool {
        require(newFactorRay <= MAX_FACTOR_RAY, FactorOutOfRange(newFactorRay, MAX_FACTOR_RAY));
        uint256 perUnit = _cashPerUnitWad;
        if (cashCents != 0) {
            uint256 supply = _supply;
            require(supply != 0, NoHolders(cashCents));
            // Rounds down; the remainder is carried, so acc * supply + remainder == distributed * WAD always.
            uint256 scaled = cashCents * WAD + _remainder;
            perUnit += scaled / supply;
            // The remainder is below the supply, which fits 80 bits.
            (_cashPerUnitWad, _remainder) = (perUnit.toUint96(), uint80(scaled % supply));
        }
        uint256 total = _distributedCents + cashCents;
        // The factor fits 96 bits (checked above); the total is checked by SafeCast.
        (_factorRay, _distributedCents) = (uint96(newFactorRay), total.toUint128());
        // `CashDistributed` carries the new factor: no separate `FactorUpdated` (one event per tranche and period).
        emit CashDistributed(period, cashCents, perUnit, total, newFactorRay);
    }

    // ================================================================ holders

    /// @inheritdoc ITrancheToken
    function claim() external returns (uint256 amountCents) {
        address account = msg.sender;
        require(!_freezes[account].whole, ClaimFrozen(account));
        Holding memory h = _holdings[account];
        amountCents = _claimable(h);
        require(amountCents != 0, NothingToClaim(account));
        // The claim moves the correction down by whole cents (times WAD), so the claimable amount drops by exactly
        // `amountCents` to 0 plus the sub-cent part; the holding's own slot is rewritten, no claimed-total slot.
        _holdings[account] = Holding(h.balance, (int256(h.correction) - (amountCents * WAD).toInt256()).toInt128());
        emit Claimed(account, amountCents);
        IERC20(cashToken).safeTransfer(account, amountCents);
    }

    // ================================================================ trustee

    /// @inheritdoc ITrancheToken
    function freeze(address account, bytes32 reasonHash) external onlyTrustee {
        Freeze storage f = _freezes[account];
        require(!f.whole, AccountAlreadyFrozen(account));
        f.whole = true;
        emit AccountFrozen(account, reasonHash);
    }

    /// @inheritdoc ITrancheToken
    function unfreeze(address account) external onlyTrustee {
        Freeze storage f = _freezes[account];
        require(f.whole, AccountNotFrozen(account));
        f.whole = false;
        emit AccountUnfrozen(account);
    }

    /// @inheritdoc ITrancheToken
    function freezeAmount(address account, uint256 amountCents, bytes32 reasonHash) external onlyTrustee {
        require(amountCents != 0, AmountZero());
        Freeze storage f = _freezes[account];
        uint256 total = f.amountCents + amountCents;
        uint256 balance = balanceOf(account);
        require(total <= balance, FreezeExceedsBalance(account, balance, total));
        f.amountCents = total.toUint248();
        emit AmountFrozen(account, amountCents, total, reasonHash);
    }

    /// @inheritdoc ITrancheToken
    function unfreezeAmount(address account, uint256 amountCents) external onlyTrustee {
        require(amountCents != 0, AmountZero());
        Freeze storage f = _freezes[account];
        uint256 frozen = f.amountCents;
        require(amountCents <= frozen, UnfreezeExceedsFrozen(account, frozen, amountCents));
        // Cannot underflow (checked just above), and the result fits the uint248 it came from.
        uint248 remaining;
        unchecked {
            remaining = uint248(frozen - amountCents);
        }
        f.amountCents = remaining;
        emit AmountUnfrozen(account, amountCents, remaining);
    }

    /// @inheritdoc ITrancheToken
    function pause() external onlyTrustee {
        _pause();
    }

    /// @inheritdoc ITrancheToken
    function unpause() external onlyTrustee {
        _unpause();
    }

    /// @inheritdoc ITrancheToken
    function forceTransfer(
        address from,
        address to,
        uint256 amount,
        ForcedTransferReason reason,
        bytes32 evidenceHash
    ) external onlyTrustee {
        _forcing = true;
        _transfer(from, to, amount);
        _forcing = false;

        Freeze storage f = _freezes[from];
        uint256 frozen = f.amountCents;
        uint256 balance = balanceOf(from);
        if (frozen > balance) {
            // The balance is below the frozen amount, which fits uint248, so the balance does too.
            f.amountCents = uint248(balance);
            emit AmountUnfrozen(from, frozen - balance, balance);
        }
        emit ForcedTransfer(from, to, amount, reason, evidenceHash, msg.sender);
    }

    // ================================================================ views

    /// @inheritdoc ITrancheToken
    function terms() external view returns (TrancheTerms memory) {
        return
            TrancheTerms({
                name: name(),
                symbol: symbol(),
                seniority: _seniority,
                couponType: _couponType,
                couponRateWad: _couponRateWad,
                originalFaceCents: _originalFaceCents,
                allowedInvestorClasses: _allowedClasses
            });
    }

    /// @inheritdoc ITrancheToken
    function couponAndFace() external view returns (CouponType, uint64, uint256) {
        return (_couponType, _couponRateWad, _originalFaceCents);
    }

    /// @inheritdoc ITrancheToken
    function factorRay() external view returns (uint256) {
        return _factorRay;
    }

    /// @inheritdoc ITrancheToken
    function cashPerUnitWad() external view returns (uint256) {
        return _cashPerUnitWad;
    }

    /// @inheritdoc ITrancheToken
    function distributedCents() external view returns (uint256) {
        return _distributedCents;
    }

    /// @inheritdoc ITrancheToken
    function claimableCents(address account) external view returns (uint256) {
        return _claimable(_holdings[account]);
    }

    /// @notice The units `account` holds.
    function balanceOf(address account) public view override(ERC20, IERC20) returns (uint256) {
        return _holdings[account].balance;
    }

    /// @notice The units outstanding.
    function totalSupply() public view override(ERC20, IERC20) returns (uint256) {
        return _supply;
    }

    /// @inheritdoc ITrancheToken
    function freezeOf(address account) external view returns (Freeze memory) {
        return _freezes[account];
    }

    /// @inheritdoc ITrancheToken
    function detectTransferRestriction(address from, address to, uint256 amount) external view returns (uint8 code) {
        return _restriction(from, to, amount);
    }

    /// @inheritdoc ITrancheToken
    function detectSpenderRestriction(address spender) external view returns (uint8 code) {
        return _spenderRestriction(spender);
    }

    /// @inheritdoc ITrancheToken
    function messageForTransferRestriction(uint8 code) external pure returns (string memory) {
        return TransferRestrictions.message(code);
    }

    /// @notice Tranche units are cents of original face, like the cash token.
    function decimals() public pure override(ERC20, IERC20Metadata) returns (uint8) {
        return 2;
    }

    /// @inheritdoc ITrancheToken
    function paused() public view override(ITrancheToken, Pausable) returns (bool) {
        return super.paused();
    }

    // ================================================================ internals

    /// @dev The single restriction check: every mint, burn, transfer and forced transfer passes here.
    /// A forced transfer is judged by the forced rule only when the full check fails (whatever passes the
    /// full check passes the forced rule), which keeps the transient read off the common path.
    function _update(address from, address to, uint256 value) internal override {
        uint8 code = _restriction(from, to, value);
        if (code != TransferRestrictions.SUCCESS && _forcing) code = _forcedRestriction(to);
        require(code == TransferRestrictions.SUCCESS, TransferRestricted(code, from, to, value));
        _move(from, to, value);
    }

    /// @dev `transferFrom`'s caller is checked before its allowance is spent: a member suspended or removed,
    /// or frozen here, cannot use an allowance it was given earlier (the move itself is checked in `_update`).
    function _spendAllowance(address owner, address spender, uint256 value) internal override {
        uint8 code = _spenderRestriction(spender);
        require(code == TransferRestrictions.SUCCESS, SpenderRestricted(code, spender));
        super._spendAllowance(owner, spender, value);
    }

    function _spenderRestriction(address spender) private view returns (uint8) {
        if (!registry.isSpender(spender)) return TransferRestrictions.SPENDER_NOT_ALLOWED;
        if (_freezes[spender].whole) return TransferRestrictions.SPENDER_FROZEN;
        return TransferRestrictions.SUCCESS;
    }

    /// @dev OpenZeppelin's `ERC20._update` on `_holdings`, plus the claim correction: units leaving an account
    /// take `cashPerUnitWad * value` into its correction, units arriving take it out, so every entitlement is
    /// unchanged by the move. One read and one write per side, as in OpenZeppelin.
    function _move(address from, address to, uint256 value) private {
        int256 shift = (uint256(_cashPerUnitWad) * value).toInt256();
        if (from == address(0)) {
            _supply = (_supply + value).toUint80();
        } else {
            Holding memory h = _holdings[from];
            uint256 balance = h.balance;
            require(balance >= value, ERC20InsufficientBalance(from, balance, value));
            // Cannot underflow: checked just above; the result fits the uint128 it came from.
            unchecked {
                _holdings[from] = Holding(uint128(balance - value), (h.correction + shift).toInt128());
            }
        }
        if (to == address(0)) {
            // Cannot underflow: value <= the sender's balance <= the supply.
            // The result fits the uint80 it came from.
            unchecked {
                _supply = uint80(_supply - value);
            }
        } else {
            Holding memory h = _holdings[to];
            _holdings[to] = Holding((h.balance + value).toUint128(), (h.correction - shift).toInt128());
        }
        emit Transfer(from, to, value);
    }

    /// @dev `(cashPerUnitWad * balance + correction) / WAD`, rounded down; never negative (the correction is moved
    /// by whole claimed cents only, never below what was distributed on the units held).
    function _claimable(Holding memory h) private view returns (uint256) {
        int256 magnified = (uint256(_cashPerUnitWad) * h.balance).toInt256() + h.correction;
        return magnified.toUint256() / WAD;
    }

    /// @dev The restriction rules of the interface notice, in its order. One registry call at most.
    function _restriction(address from, address to, uint256 amount) private view returns (uint8) {
        if (to == address(0)) return _senderFreezeCode(from, amount); // burn (redemption)
        if (paused()) return TransferRestrictions.PAUSED;
        if (from == address(0)) {
            // Mint: the receiver's checks only.
            uint8 mintToCode = registry.holderCode(to, _allowedClasses);
            if (mintToCode != 0) return TransferRestrictions.RECEIVER_BASE + mintToCode;
            return _freezes[to].whole ? TransferRestrictions.RECEIVER_FROZEN : TransferRestrictions.SUCCESS;
        }
        (uint8 fromCode, uint8 toCode) = _holderCodes(from, to);
        if (fromCode != 0) return TransferRestrictions.SENDER_BASE + fromCode;
        if (toCode != 0) return TransferRestrictions.RECEIVER_BASE + toCode;
        Freeze memory f = _freezes[from];
        if (f.whole) return TransferRestrictions.SENDER_FROZEN;
        if (_freezes[to].whole) return TransferRestrictions.RECEIVER_FROZEN;
        return _amountFrozenCode(from, amount, f.amountCents);
    }

    /// @dev One registry call for both sides; the registry keeps each account's checked fields in
    /// one storage slot, so this costs one cold read per account.
    function _holderCodes(address from, address to) private view returns (uint8 fromCode, uint8 toCode) {
        return registry.holderCodes(from, to, _allowedClasses);
    }

    /// @dev Sender-side freeze checks (burns): whole account, then frozen amount.
    function _senderFreezeCode(address from, uint256 amount) private view returns (uint8) {
        Freeze memory f = _freezes[from];
        if (f.whole) return TransferRestrictions.SENDER_FROZEN;
        return _amountFrozenCode(from, amount, f.amountCents);
    }

    /// @dev AMOUNT_FROZEN when the balance covers `amount` but not `amount` plus the frozen units. A
    /// transfer above the balance is left to ERC20's `ERC20InsufficientBalance`.
    function _amountFrozenCode(address from, uint256 amount, uint256 frozenCents) private view returns (uint8) {
        if (frozenCents == 0) return TransferRestrictions.SUCCESS;
        uint256 balance = balanceOf(from);
        if (amount <= balance && balance - amount < frozenCents) return TransferRestrictions.AMOUNT_FROZEN;
        return TransferRestrictions.SUCCESS;
    }

    /// @dev Forced transfers: the receiver must still be an eligible holder; pause and freezes do not apply.
    function _forcedRestriction(address to) private view returns (uint8) {
        uint8 toCode = registry.holderCode(to, _allowedClasses);
        return toCode == 0 ? TransferRestrictions.SUCCESS : TransferRestrictions.RECEIVER_BASE + toCode;
    }

    /// @dev The deal's current trustee, while the registry lists it as an active TRUSTEE.
    function _requireTrustee() private view {
        require(msg.sender == pool.trustee() && registry.hasRole(msg.sender, Role.TRUSTEE), NotTrustee(msg.sender));
    }
}
