// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

/// @title The custodian bank's deposit token for the trust's accounts.
/// @notice One token unit is one minor unit (cent, fen) of the deposit currency: `decimals()` is 2.
/// Bank ledgers settle in minor units, so no amount on chain is finer than what the bank can pay,
/// and every amount in the consortium's contracts (`...Cents`) is a whole number of these units.
///
/// Supply follows the bank's books: a token is minted only against a recorded bank credit and
/// burned only when the bank has paid it out. `totalSupply() == recordedBankBalanceCents()` always:
/// tokens escrowed for a requested payout are still outstanding until the custodian confirms it.
/// Every bank reference (of a credit or of a payout) is used once, so the custodian's statement
/// reconciles line by line against `Minted` and `PayoutConfirmed` events.
///
/// Powers, by caller:
/// - the custodian (`custodian()`, while an active member holding `Role.CUSTODIAN`): `mint`,
///   `confirmPayout`, `rejectPayout`. Suspending the custodian in the registry disables them.
/// - a cash holder (an active member or a registered deal contract): `transfer`, `transferFrom`,
///   `transferBatch`, `requestPayout`. Both sides of a transfer must be cash holders (`detectTransferRestriction`).
/// - anyone: the views.
interface ICashToken is IERC20Metadata {
    /// @notice Lifecycle of a payout: requested once, then settled once (confirmed or rejected).
    enum PayoutStatus {
        None,
        Requested, // tokens held in escrow by the token contract
        Confirmed, // the bank paid: escrow burned, bank debit recorded
        Rejected // the bank did not pay: escrow returned to the holder
    }

    /// @notice A request to pay cash tokens out to a bank account.
    /// @param holder The cash holder that requested the payout (and gets the escrow back on rejection).
    /// @param status Where the payout is in its lifecycle.
    /// @param amountCents The amount held in escrow, in cents.
    /// @param beneficiaryAccountHash Hash of the beneficiary bank account details (no clear data on chain).
    /// @param settlementRef The bank reference of a confirmed payout, or the reason hash of a rejected one.
    struct Payout {
        address holder;
        PayoutStatus status;
        uint256 amountCents;
        bytes32 beneficiaryAccountHash;
        bytes32 settlementRef;
    }

    // ---------------------------------------------------------------- events

    /// @notice The token was deployed: its registry, custodian and denomination.
    /// @param registry The consortium registry every permission check reads.
    /// @param custodian The custodian bank's account.
    /// @param name The ERC-20 name.
    /// @param symbol The ERC-20 symbol.
    /// @param currency ISO 4217 code of the deposit currency, e.g. "CNY".
    /// @param decimals The token's decimals (2: one unit is one cent).
    event CashTokenDeployed(
        IConsortiumRegistry indexed registry,
        address indexed custodian,
        string name,
        string symbol,
        bytes3 currency,
        uint8 decimals
    );

    /// @notice The custodian recorded a bank credit and minted the same amount of tokens.
    /// @param to The cash holder credited.
    /// @param amountCents The amount credited, in cents.
    /// @param bankRef The bank's reference of the credit (unique among all bank references).
    /// @param recordedBankBalanceCents The recorded bank balance after the credit.
    event Minted(address indexed to, uint256 amountCents, bytes32 indexed bankRef, uint256 recordedBankBalanceCents);

    /// @notice A cash holder asked for a payout; its tokens moved into escrow (held by this contract).
    /// @param payoutId The new payout's id (ids start at 1).
    /// @param holder The requesting cash holder.
    /// @param amountCents The amount moved into escrow, in cents.
    /// @param beneficiaryAccountHash Hash of the beneficiary bank account details.
    event PayoutRequested(
        uint256 indexed payoutId,
        address indexed holder,
        uint256 amountCents,
        bytes32 beneficiaryAccountHash
    );

    /// @notice The custodian paid a payout: the escrow was burned and the bank debit recorded.
    /// @param payoutId The payout.
    /// @param holder The cash holder that requested it.
    /// @param amountCents The amount burned, in cents.
    /// @param bankRef The bank's reference of the debit (unique among all bank references).
    /// @param recordedBankBalanceCents The recorded bank balance after the debit.
    event PayoutConfirmed(
        uint256 indexed payoutId,
        address indexed holder,
        uint256 amountCents,
        bytes32 indexed bankRef,
        uint256 recordedBankBalanceCents
    );

    /// @notice The custodian refused a payout: the escrow went back to the holder.
    /// @param payoutId The payout.
    /// @param holder The cash holder that requested it and received the escrow back.
    /// @param amountCents The amount returned, in cents.
    /// @param reasonHash Hash of the bank's reason for refusing (e.g. of a rejection notice).
    event PayoutRejected(uint256 indexed payoutId, address indexed holder, uint256 amountCents, bytes32 reasonHash);

    // ---------------------------------------------------------------- errors

    /// @notice The caller must be the custodian, and the custodian an active member holding `Role.CUSTODIAN`.
    /// @param account The caller (or, at deployment, the proposed custodian).
    error NotCustodian(address account);
    /// @notice The account is neither an active member nor a registered deal contract.
    /// @param account The account that must be a cash holder.
    error NotCashHolder(address account);
    /// @notice A transfer between these accounts is not allowed.
    /// @param from The sender.
    /// @param to The receiver.
    /// @param reasonCode Why (see `detectTransferRestriction`): 1 sender, 2 receiver not a cash holder.
    error CashTransferRestricted(address from, address to, uint8 reasonCode);
    /// @notice `spender` may not use an allowance: a suspended or removed member, or an unlisted account that is
    /// not a contract (`IConsortiumRegistry.isSpender`).
    /// @param spender The caller of `transferFrom`.
    error CashSpenderRestricted(address spender);
    /// @notice The bank reference was already used by a credit or a confirmed payout.
    /// @param bankRef The reused reference.
    error BankReferenceUsed(bytes32 bankRef);
    /// @notice A bank reference must be non-zero.
    error BankReferenceMissing();
    /// @notice A mint or payout amount must be non-zero.
    error CashAmountZero();
    /// @notice A payout needs the (hashed) beneficiary bank account.
    error BeneficiaryAccountMissing();
    /// @notice A rejection needs the (hashed) reason.
    error RejectionReasonMissing();
    /// @notice No payout has this id.
    /// @param payoutId The unknown id.
    error PayoutNotFound(uint256 payoutId);
    /// @notice The payout was settled already (confirmed or rejected).
    /// @param payoutId The payout.
    /// @param status Its settled status.
    error PayoutNotPending(uint256 payoutId, PayoutStatus status);
    /// @notice The registry or the custodian is the zero address.
    error ZeroAddress();
    /// @notice The currency must be an ISO 4217 code: three upper-case ASCII letters.
    /// @param currency The rejected code.
    error InvalidCurrency(bytes3 currency);
    /// @notice `transferBatch` was given `recipients` receivers but `amounts` amounts.
    error BatchLengthMismatch(uint256 recipients, uint256 amounts);

    // ---------------------------------------------------------------- custodian

    /// @notice Record a bank credit of `amountCents` to `to` and mint the same amount. Only the custodian.
    /// @param to The credited cash holder (an active member or a registered deal contract).
    /// @param amountCents The amount credited, in cents; non-zero.
    /// @param bankRef The bank's reference of the credit; non-zero and never used before.
    function mint(address to, uint256 amountCents, bytes32 bankRef) external;

    /// @notice Confirm that the bank paid a requested payout: burn its escrow and record the bank
    /// debit. Only the custodian; each payout settles once.
    /// @param payoutId The payout to confirm.
    /// @param bankRef The bank's reference of the debit; non-zero and never used before.
    function confirmPayout(uint256 payoutId, bytes32 bankRef) external;

    /// @notice Refuse a requested payout and return its escrow to the holder (even if the holder has
    /// since been suspended: the tokens are its own). Only the custodian; each payout settles once.
    /// @param payoutId The payout to reject.
    /// @param reasonHash Hash of the reason for refusing; non-zero.
    function rejectPayout(uint256 payoutId, bytes32 reasonHash) external;

    // ---------------------------------------------------------------- holders

    /// @notice Transfer `amountsCents[i]` of the caller's tokens to `to[i]`, for each `i`: the same rules and the same
    /// `Transfer` event per move as `transfer` (both sides cash holders, `CashTransferRestricted` otherwise; the
    /// ERC-20 errors for the balance and the zero address), with the caller checked once. A zero amount is skipped
    /// (no check, no event). For a payer with several receivers at once, e.g. the waterfall paying the tranche tokens.
    /// @param to The receivers.
    /// @param amountsCents The amounts, in cents, one per receiver.
    function transferBatch(address[] calldata to, uint256[] calldata amountsCents) external;

    /// @notice Ask the custodian to pay `amountCents` of the caller's tokens to a bank account. The
    /// tokens move into escrow at once and are burned when the custodian confirms the payment.
    /// @param amountCents The amount to pay out, in cents; non-zero and at most the caller's balance.
    /// @param beneficiaryAccountHash Hash of the beneficiary bank account details; non-zero.
    /// @return payoutId The new payout's id (ids start at 1).
    function requestPayout(uint256 amountCents, bytes32 beneficiaryAccountHash) external returns (uint256 payoutId);

    // ---------------------------------------------------------------- views

    /// @notice Why a transfer of `amountCents` from `from` to `to` would be refused (ERC-1404 style).
    /// Balance and allowance are not checked here; the ERC-20 errors report them.
    /// @param from The sender.
    /// @param to The receiver.
    /// @param amountCents The amount (unused: restrictions do not depend on it).
    /// @return code 0 allowed, 1 sender not a cash holder, 2 receiver not a cash holder.
    function detectTransferRestriction(
        address from,
        address to,
        uint256 amountCents
    ) external view returns (uint8 code);

    /// @notice Cash the bank recorded for the trust's accounts: credits minus confirmed payouts, in cents.
    function recordedBankBalanceCents() external view returns (uint256);

    /// @notice Whether a bank reference was used by a credit or a confirmed payout.
    /// @param bankRef The reference.
    function isBankReferenceUsed(bytes32 bankRef) external view returns (bool);

    /// @notice A payout (all zero if `payoutId` is unknown).
    /// @param payoutId The payout.
    function payout(uint256 payoutId) external view returns (Payout memory);

    /// @notice The number of payouts ever requested (the latest id).
    function payoutCount() external view returns (uint256);

    /// @notice The consortium registry every permission check reads.
    function registry() external view returns (IConsortiumRegistry);

    /// @notice The custodian bank's account.
    function custodian() external view returns (address);

    /// @notice ISO 4217 code of the deposit currency, e.g. "CNY".
    function currency() external view returns (bytes3);
}
