// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {TrancheTerms, CouponType} from "../types/TrancheTypes.sol";
import {IDealParties} from "./IDealParties.sol";
import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

/// @title A permissioned ERC-20 for one tranche of one deal.
/// @notice One token unit is one cent of original face (decimals = the cash token's, 2). The
/// outstanding principal of a holding is `balance * factorRay / 1e27`.
///
/// Every balance change passes one restriction check, whose `view` twin is `detectTransferRestriction`
/// (ERC-1404; codes in `tokens/TransferRestrictions.sol`, checked in this order):
/// - a transfer (`transfer`, `transferFrom`): 1 the tranche is paused; 11..15 the sender, then 21..25
///   the receiver, is not an eligible holder (registry `holderCode` + 10 / + 20: not a member, not
///   active, not an investor, class not admitted, eligibility expired); 30 the sender's account is
///   frozen; 31 the receiver's account is frozen; 32 the transfer would move frozen units (the sender's
///   balance after it would be below its frozen amount). A transfer of more than the balance is not a
///   restriction: it reverts with OpenZeppelin's `ERC20InsufficientBalance`.
/// - a mint: the receiver checks and the pause (1, 21..25, 31).
/// - a burn (redemption): the sender's freezes only (30, 32); a holder whose eligibility lapsed can
///   still be redeemed, and burning works while paused.
/// - a forced transfer: the receiver's eligibility only (21..25).
///
/// Powers, by caller:
/// - the pool (`pool()`): `mint`, `burn`, `setFactor` (its issuance and waterfall flows);
/// - the deal's trustee (`pool().trustee()`, while it is an active member holding `Role.TRUSTEE`):
///   `freeze`, `unfreeze`, `freezeAmount`, `unfreezeAmount`, `pause`, `unpause`, `forceTransfer`.
///   Pausing emits OpenZeppelin's `Paused(trustee)` / `Unpaused(trustee)`; pausing twice reverts with
///   `EnforcedPause()`, unpausing twice with `ExpectedPause()`;
/// - anyone: ERC-20 transfers, subject to the restriction check, and the views; a holder: `claim`.
///
/// Claims (issue 3). The waterfall pays each tranche's interest and principal in cash to this contract and the
/// pool calls `distribute`, which raises `cashPerUnitWad` (cash per token unit, scaled by 1e18) by
/// `(cashCents * 1e18 + remainder) / totalSupply`, rounded down; the remainder is carried to the next
/// distribution, so no unit is lost in the accumulator. A holder's claimable cash is
/// `(cashPerUnitWad * balance + correction) / 1e18`, rounded down, where `correction` (kept in the holding's own
/// storage slot, next to the balance) moves by `cashPerUnitWad * units` on every balance change: what was
/// distributed on units stays with whoever held them at the distribution, whatever the transfers, freezes and
/// forced transfers since. A claim lowers the correction by the claimed cents times 1e18, so it writes only the
/// holding's slot; a holder's claimed total is the sum of its `Claimed` events, and its entitlement (claimed or not)
/// is that sum plus `claimableCents`. The cost of a distribution does not depend on the number of holders.
/// Rounding dust: each holder's entitlement rounds down, so below one cent per account that holds or ever held
/// units (plus the carried remainder, below one cent) stays in this contract's cash balance; `distributedCents()`
/// minus all claims is always covered by the cash held. The dust belongs to the deal's residual (equity) holder but
/// is never swept: its amount is the cash balance minus every holder's `claimableCents`, which needs every holder
/// (an indexer computes it; on chain it would need a loop over the holders), so it stays in this contract for good.
/// Frozen holders: a whole-frozen account cannot claim (`ClaimFrozen`); its entitlement keeps accruing and is
/// claimable once unfrozen. A partial freeze binds units, not cash already distributed: the holder claims in full.
/// A forced transfer moves units, not past entitlements: the sender keeps what was distributed before it.
/// Claims work while the tranche is paused. The claimant must be a cash holder (the cash token checks it).
interface ITrancheToken is IERC20Metadata {
    /// @notice Why the trustee moved a holding without its holder.
    enum ForcedTransferReason {
        LegalOrder, // a court or regulator order (seizure, garnishment, estate)
        WalletRecovery // the holder lost its key; moved to its new, registered account
    }

    /// @notice The freeze of one account, packed in one slot.
    /// @param whole Whether the whole account is frozen (no transfer out or in).
    /// @param amountCents Units of the balance that cannot be transferred out; never above the balance.
    struct Freeze {
        bool whole;
        uint248 amountCents;
    }

    // ---------------------------------------------------------------- events

    /// @notice The pool set the factor with `setFactor` (a write-down or write-up for `period`); a distribution's new
    /// factor is carried by `CashDistributed` instead.
    event FactorUpdated(uint256 previousFactorRay, uint256 newFactorRay, uint32 indexed period);
    /// @notice The trustee froze the whole account (no transfer in or out until unfrozen).
    event AccountFrozen(address indexed account, bytes32 reasonHash);
    /// @notice The trustee lifted the whole-account freeze (a partial freeze stays).
    event AccountUnfrozen(address indexed account);
    /// @notice The trustee froze `amountCents` more of the account; `totalFrozenCents` is now frozen.
    event AmountFrozen(address indexed account, uint256 amountCents, uint256 totalFrozenCents, bytes32 reasonHash);
    /// @notice `amountCents` of the account were unfrozen, by the trustee or because a forced transfer left
    /// the account holding less than its frozen amount; `totalFrozenCents` remain frozen.
    event AmountUnfrozen(address indexed account, uint256 amountCents, uint256 totalFrozenCents);
    /// @notice The trustee moved `amount` from `from` to `to` without the holder (ERC-20 `Transfer` also emitted).
    event ForcedTransfer(
        address indexed from,
        address indexed to,
        uint256 amount,
        ForcedTransferReason reason,
        bytes32 evidenceHash,
        address indexed trustee
    );

    /// @notice The pool credited `cashCents` of `period` to the holders: the accumulator is now `cashPerUnitWad`
    /// (cumulative cash per unit, 1e18-scaled), `distributedCents` in total; the factor is now `factorRay`.
    event CashDistributed(
        uint32 indexed period,
        uint256 cashCents,
        uint256 cashPerUnitWad,
        uint256 distributedCents,
        uint256 factorRay
    );
    /// @notice `account` claimed `amountCents` of cash (its claimed total is the sum of its `Claimed` events).
    event Claimed(address indexed account, uint256 amountCents);

    // ---------------------------------------------------------------- errors

    /// @notice The transfer, mint or burn fails the restriction check with `code` (see the contract notice).
    error TransferRestricted(uint8 code, address from, address to, uint256 amount);
    /// @notice `spender` may not use an allowance now: `code` is `SPENDER_NOT_ALLOWED` (a suspended or removed
    /// member, or an unlisted account that is not a contract: `IConsortiumRegistry.isSpender`) or
    /// `SPENDER_FROZEN` (its whole account is frozen in this tranche).
    error SpenderRestricted(uint8 code, address spender);
    /// @notice Only the pool that issued the tranche may call.
    error NotPool(address account);
    /// @notice Only the deal's trustee, while an active member holding `Role.TRUSTEE`, may call.
    error NotTrustee(address account);
    /// @notice The factor cannot exceed `maxFactorRay` (`type(uint96).max`: above 1e27 = 100% of original face only
    /// for an accrual class, whose balance grows with its accreted interest).
    error FactorOutOfRange(uint256 factorRay, uint256 maxFactorRay);
    /// @notice Minting would take the supply above the tranche's original face.
    error MintExceedsFace(uint256 originalFaceCents, uint256 newSupplyCents);
    /// @notice The whole account is frozen already.
    error AccountAlreadyFrozen(address account);
    /// @notice The whole account is not frozen.
    error AccountNotFrozen(address account);
    /// @notice A freeze or unfreeze of zero units.
    error AmountZero();
    /// @notice The frozen amount would exceed the account's balance.
    error FreezeExceedsBalance(address account, uint256 balanceCents, uint256 totalFrozenCents);
    /// @notice The account has fewer frozen units than the unfreeze asks for.
    error UnfreezeExceedsFrozen(address account, uint256 frozenCents, uint256 amountCents);
    /// @notice A whole-frozen account cannot claim until unfrozen.
    error ClaimFrozen(address account);
    /// @notice The account has nothing to claim.
    error NothingToClaim(address account);
    /// @notice Cash cannot be distributed to a tranche with no units outstanding.
    error NoHolders(uint256 cashCents);

    // ---------------------------------------------------------------- pool

    /// @notice Mint `amount` to `to` in the pool's issuance flow. The receiver must pass the holder
    /// checks and the supply may not exceed the original face. Only the pool.
    /// @param to The subscriber.
    /// @param amount Units (cents of original face).
    function mint(address to, uint256 amount) external;

    /// @notice Burn `amount` from `from` (redemption): only the sender's freezes are checked. Only the pool.
    /// @param from The holder redeemed.
    /// @param amount Units (cents of original face).
    function burn(address from, uint256 amount) external;

    /// @notice Set the factor after a distribution or a write-down/up for `period`. Only the pool.
    /// @param newFactorRay Outstanding principal / original face (above 1e27 only for an accrual class).
    /// @param period The pool's period the new factor belongs to.
    function setFactor(uint256 newFactorRay, uint32 period) external;

    /// @notice Credit `cashCents` (already transferred to this contract) to the holders pro rata, and set the factor,
    /// for `period` (see the contract notice). Only the pool, on the waterfall's behalf. Emits `CashDistributed`
    /// only (it carries the new factor).
    /// @param cashCents Interest + principal paid to the tranche in the period (0 allowed: factor only).
    /// @param newFactorRay Outstanding principal / original face after the period (above 1e27 only for an accrual
    /// class).
    /// @param period The distributed period.
    function distribute(uint256 cashCents, uint256 newFactorRay, uint32 period) external;

    // ---------------------------------------------------------------- holders

    /// @notice Transfer the caller's claimable cash to it. Reverts `ClaimFrozen` for a whole-frozen account and
    /// `NothingToClaim` when nothing is claimable.
    /// @return amountCents The cash paid.
    function claim() external returns (uint256 amountCents);

    // ---------------------------------------------------------------- trustee

    /// @notice Freeze the whole account: it can neither send nor receive until unfrozen. Only the trustee.
    /// @param account The account to freeze.
    /// @param reasonHash Hash of the legal order or case file (no clear data on chain).
    function freeze(address account, bytes32 reasonHash) external;

    /// @notice Lift the whole-account freeze of `account`. Only the trustee.
    /// @param account A whole-frozen account.
    function unfreeze(address account) external;

    /// @notice Freeze `amountCents` more units of `account`'s balance; the total may not exceed the
    /// balance. The account may still move its unfrozen units. Only the trustee.
    /// @param account The holder.
    /// @param amountCents Units to add to the frozen amount (> 0).
    /// @param reasonHash Hash of the legal order or case file.
    function freezeAmount(address account, uint256 amountCents, bytes32 reasonHash) external;

    /// @notice Unfreeze `amountCents` of `account`'s frozen units. Only the trustee.
    /// @param account The holder.
    /// @param amountCents Units to release (> 0, at most the frozen amount).
    function unfreezeAmount(address account, uint256 amountCents) external;

    /// @notice Stop every transfer and mint (not burns or forced transfers). Only the trustee.
    function pause() external;

    /// @notice Resume transfers and mints. Only the trustee.
    function unpause() external;

    /// @notice Move `amount` from `from` to `to` without `from`'s consent: ignores the pause, the
    /// sender's eligibility and every freeze, but `to` must be an eligible holder (else
    /// `TransferRestricted(21..25)`). If `from` is left with less than its frozen amount, the frozen
    /// amount drops to the new balance (`AmountUnfrozen`). Only the trustee.
    /// @param from The holder whose units are moved.
    /// @param to The eligible receiver (e.g. the holder's new account, or the order's beneficiary).
    /// @param amount Units to move.
    /// @param reason Legal order or wallet recovery.
    /// @param evidenceHash Hash of the order or of the recovery case file.
    function forceTransfer(
        address from,
        address to,
        uint256 amount,
        ForcedTransferReason reason,
        bytes32 evidenceHash
    ) external;

    // ---------------------------------------------------------------- views

    /// @notice The deal (AssetPool) that issued this tranche.
    function pool() external view returns (IDealParties);

    /// @notice The consortium registry the holder checks read (the pool's, fixed at deployment).
    function registry() external view returns (IConsortiumRegistry);

    /// @notice The tranche's terms as structured.
    function terms() external view returns (TrancheTerms memory);

    /// @notice The terms the waterfall checks its configuration against: the coupon type and rate, and the original
    /// face (as in `terms()`, without decoding its strings).
    function couponAndFace() external view returns (CouponType couponType, uint64 couponRateWad, uint256 faceCents);

    /// @notice The current factor: outstanding principal / original face, 1e27 = 100%.
    function factorRay() external view returns (uint256);

    /// @notice Whether transfers and mints are paused.
    function paused() external view returns (bool);

    /// @notice The freeze of `account` (whole flag and frozen amount).
    function freezeOf(address account) external view returns (Freeze memory);

    /// @notice The cash token the tranche's distributions are paid in (the pool's).
    function cashToken() external view returns (address);

    /// @notice Cumulative cash distributed per unit, scaled by 1e18 (rounded down; the remainder is carried).
    function cashPerUnitWad() external view returns (uint256);

    /// @notice Total cash distributed to the tranche's holders so far.
    function distributedCents() external view returns (uint256);

    /// @notice What `account` can claim now (entitled so far, rounded down, minus its claims), frozen or not.
    function claimableCents(address account) external view returns (uint256);

    /// @notice The ERC-1404 pre-check: the code a transfer of `amount` from `from` to `to` would
    /// revert with now, or 0 if it passes the restrictions (balance is not checked).
    /// @param from The sender (`address(0)` for a mint).
    /// @param to The receiver (`address(0)` for a burn).
    /// @param amount Units.
    /// @return code 0 or a `TransferRestrictions` code.
    function detectTransferRestriction(address from, address to, uint256 amount) external view returns (uint8 code);

    /// @notice The pre-check of `transferFrom`'s caller: the code `SpenderRestricted` would carry now, or 0.
    /// The transfer itself is checked as well (`detectTransferRestriction`).
    /// @param spender The account that would call `transferFrom`.
    /// @return code 0, `SPENDER_NOT_ALLOWED` (40) or `SPENDER_FROZEN` (41).
    function detectSpenderRestriction(address spender) external view returns (uint8 code);

    /// @notice The ERC-1404 message of a restriction code, e.g. 21 => "RECEIVER_NOT_MEMBER".
    /// @param code A code from `detectTransferRestriction`.
    /// @return The code's name, or "UNKNOWN_RESTRICTION".
    function messageForTransferRestriction(uint8 code) external pure returns (string memory);
}
