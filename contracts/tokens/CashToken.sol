// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ICashToken} from "../interfaces/ICashToken.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {Role} from "../types/Roles.sol";

/// @title CashToken
/// @notice The custodian bank's deposit token: minted on recorded bank credits, burned on confirmed
/// payouts, transferable only between cash holders (active members and registered deal contracts).
contract CashToken is ERC20, ICashToken {
    /// @notice `detectTransferRestriction` code: the transfer is allowed.
    uint8 public constant TRANSFER_OK = 0;
    /// @notice `detectTransferRestriction` code: the sender is not a cash holder.
    uint8 public constant SENDER_NOT_CASH_HOLDER = 1;
    /// @notice `detectTransferRestriction` code: the receiver is not a cash holder.
    uint8 public constant RECEIVER_NOT_CASH_HOLDER = 2;

    /// @dev One unit = one minor unit of the currency: the bank cannot pay anything finer.
    uint8 private constant _DECIMALS = 2;

    IConsortiumRegistry private immutable _registry;
    address private immutable _custodian;
    bytes3 private immutable _currency;

    uint256 private _recordedBankBalanceCents;
    uint256 private _payoutCount;
    mapping(uint256 payoutId => Payout) private _payouts;
    mapping(bytes32 bankRef => bool) private _bankRefUsed;

    /// @param registry_ The consortium registry.
    /// @param custodian_ The custodian bank's account; must hold `Role.CUSTODIAN` now.
    /// @param name_ The ERC-20 name, e.g. "Trust Deposit CNY".
    /// @param symbol_ The ERC-20 symbol, e.g. "tdCNY".
    /// @param currency_ ISO 4217 code of the deposit currency, e.g. "CNY".
    constructor(
        IConsortiumRegistry registry_,
        address custodian_,
        string memory name_,
        string memory symbol_,
        bytes3 currency_
    ) ERC20(name_, symbol_) {
        require(address(registry_) != address(0) && custodian_ != address(0), ZeroAddress());
        require(_isIsoCurrency(currency_), InvalidCurrency(currency_));
        require(registry_.hasRole(custodian_, Role.CUSTODIAN), NotCustodian(custodian_));
        _registry = registry_;
        _custodian = custodian_;
        _currency = currency_;
        emit CashTokenDeployed(registry_, custodian_, name_, symbol_, currency_, _DECIMALS);
    }

    // ================================================================ custodian

    /// @inheritdoc ICashToken
    function mint(address to, uint256 amountCents, bytes32 bankRef) external {
        _requireCustodian();
        require(amountCents != 0, CashAmountZero());
        require(_registry.isCashHolder(to), NotCashHolder(to));
        _useBankRef(bankRef);

        _recordedBankBalanceCents += amountCents;
        _mint(to, amountCents);
        emit Minted(to, amountCents, bankRef, _recordedBankBalanceCents);
    }

    /// @inheritdoc ICashToken
    function confirmPayout(uint256 payoutId, bytes32 bankRef) external {
        _requireCustodian();
        Payout storage p = _requirePending(payoutId);
        _useBankRef(bankRef);

        p.status = PayoutStatus.Confirmed;
        p.settlementRef = bankRef;
        uint256 amountCents = p.amountCents;
        // Cannot underflow: the escrowed amount is part of totalSupply, which equals the recorded balance.
        _recordedBankBalanceCents -= amountCents;
        _burn(address(this), amountCents);
        emit PayoutConfirmed(payoutId, p.holder, amountCents, bankRef, _recordedBankBalanceCents);
    }

    /// @inheritdoc ICashToken
    function rejectPayout(uint256 payoutId, bytes32 reasonHash) external {
        _requireCustodian();
        Payout storage p = _requirePending(payoutId);
        require(reasonHash != bytes32(0), RejectionReasonMissing());

        p.status = PayoutStatus.Rejected;
        p.settlementRef = reasonHash;
        address holder = p.holder;
        uint256 amountCents = p.amountCents;
        _moveEscrow(address(this), holder, amountCents);
        emit PayoutRejected(payoutId, holder, amountCents, reasonHash);
    }

    // ================================================================ holders

    /// @inheritdoc ICashToken
    function requestPayout(uint256 amountCents, bytes32 beneficiaryAccountHash) external returns (uint256 payoutId) {
        require(_registry.isCashHolder(msg.sender), NotCashHolder(msg.sender));
        require(amountCents != 0, CashAmountZero());
        require(beneficiaryAccountHash != bytes32(0), BeneficiaryAccountMissing());

        payoutId = ++_payoutCount;
        _payouts[payoutId] = Payout({
            holder: msg.sender,
            status: PayoutStatus.Requested,
            amountCents: amountCents,
            beneficiaryAccountHash: beneficiaryAccountHash,
            settlementRef: bytes32(0)
        });
        // Reverts with ERC20InsufficientBalance if the caller holds less than `amountCents`.
        _moveEscrow(msg.sender, address(this), amountCents);
        emit PayoutRequested(payoutId, msg.sender, amountCents, beneficiaryAccountHash);
    }

    /// @inheritdoc ICashToken
    function transferBatch(address[] calldata to, uint256[] calldata amountsCents) external {
        uint256 n = to.length;
        require(amountsCents.length == n, BatchLengthMismatch(n, amountsCents.length));
        address from = msg.sender;
        // The sender is checked once here, each receiver in the loop: `_update`'s checks without repeating the sender's.
        bool senderOk = _registry.isCashHolder(from);
        for (uint256 i = 0; i < n; ++i) {
            uint256 amount = amountsCents[i];
            if (amount == 0) continue;
            address receiver = to[i];
            require(senderOk, CashTransferRestricted(from, receiver, SENDER_NOT_CASH_HOLDER));
            require(receiver != address(0), ERC20InvalidReceiver(address(0)));
            require(_registry.isCashHolder(receiver), CashTransferRestricted(from, receiver, RECEIVER_NOT_CASH_HOLDER));
            super._update(from, receiver, amount);
        }
    }

    // ================================================================ views

    /// @inheritdoc IERC20Metadata
    function decimals() public pure override(ERC20, IERC20Metadata) returns (uint8) {
        return _DECIMALS;
    }

    /// @inheritdoc ICashToken
    function detectTransferRestriction(address from, address to, uint256) external view returns (uint8 code) {
        return _restrictionCode(from, to);
    }

    /// @inheritdoc ICashToken
    function recordedBankBalanceCents() external view returns (uint256) {
        return _recordedBankBalanceCents;
    }

    /// @inheritdoc ICashToken
    function isBankReferenceUsed(bytes32 bankRef) external view returns (bool) {
        return _bankRefUsed[bankRef];
    }

    /// @inheritdoc ICashToken
    function payout(uint256 payoutId) external view returns (Payout memory) {
        return _payouts[payoutId];
    }

    /// @inheritdoc ICashToken
    function payoutCount() external view returns (uint256) {
        return _payoutCount;
    }

    /// @inheritdoc ICashToken
    function registry() external view returns (IConsortiumRegistry) {
        return _registry;
    }

    /// @inheritdoc ICashToken
    function custodian() external view returns (address) {
        return _custodian;
    }

    /// @inheritdoc ICashToken
    function currency() external view returns (bytes3) {
        return _currency;
    }

    // ================================================================ internals

    /// @dev Every balance change passes here. Holder-to-holder transfers (`transfer`, `transferFrom`)
    /// need both sides to be cash holders; mint (from 0) and burn (to 0) are reached only from the
    /// custodian's functions, which check the holder themselves; escrow moves use `_moveEscrow`.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint8 code = _restrictionCode(from, to);
            require(code == TRANSFER_OK, CashTransferRestricted(from, to, code));
        }
        super._update(from, to, value);
    }

    /// @dev `transferFrom`'s caller is checked before its allowance is spent: a member suspended or removed cannot
    /// use an allowance it was given earlier (the move itself is checked in `_update`).
    function _spendAllowance(address owner, address spender, uint256 value) internal override {
        require(_registry.isSpender(spender), CashSpenderRestricted(spender));
        super._spendAllowance(owner, spender, value);
    }

    /// @dev Moves tokens into or out of the payout escrow (this contract's own balance) without the
    /// holder check: the contract is not a cash holder, and a rejected payout must reach its holder
    /// even if the holder was suspended after asking. Direct transfers to this contract still fail.
    function _moveEscrow(address from, address to, uint256 value) private {
        super._update(from, to, value);
    }

    function _restrictionCode(address from, address to) private view returns (uint8) {
        if (!_registry.isCashHolder(from)) return SENDER_NOT_CASH_HOLDER;
        if (!_registry.isCashHolder(to)) return RECEIVER_NOT_CASH_HOLDER;
        return TRANSFER_OK;
    }

    /// @dev Read at every call, so a suspension or a role change in the registry takes effect at once.
    function _requireCustodian() private view {
        require(msg.sender == _custodian && _registry.hasRole(_custodian, Role.CUSTODIAN), NotCustodian(msg.sender));
    }

    function _requirePending(uint256 payoutId) private view returns (Payout storage p) {
        p = _payouts[payoutId];
        require(p.status != PayoutStatus.None, PayoutNotFound(payoutId));
        require(p.status == PayoutStatus.Requested, PayoutNotPending(payoutId, p.status));
    }

    /// @dev Credits and payouts share one namespace of bank references: each is used once.
    function _useBankRef(bytes32 bankRef) private {
        require(bankRef != bytes32(0), BankReferenceMissing());
        require(!_bankRefUsed[bankRef], BankReferenceUsed(bankRef));
        _bankRefUsed[bankRef] = true;
    }

    function _isIsoCurrency(bytes3 code) private pure returns (bool) {
        for (uint256 i = 0; i < 3; ++i) {
            bytes1 c = code[i];
            if (c < "A" || c > "Z") return false;
        }
        return true;
    }
}
