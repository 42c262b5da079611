// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ERC-1404 restriction codes of the tranche tokens.
/// @notice `ITrancheToken.detectTransferRestriction` returns one of these; `TransferRestricted` reverts
/// carry the same code. Sender and receiver codes are a base plus the registry's `HolderCodes` value,
/// so `code % 10` is the holder code whenever `code / 10` is 1 (sender) or 2 (receiver).
/// @dev Append only: the values are part of every revert and every off-chain pre-check.
library TransferRestrictions {
    uint8 internal constant SUCCESS = 0;
    uint8 internal constant PAUSED = 1;

    /// @notice Sender codes are `SENDER_BASE + HolderCodes.*` (11..15).
    uint8 internal constant SENDER_BASE = 10;
    uint8 internal constant SENDER_NOT_MEMBER = 11;
    uint8 internal constant SENDER_NOT_ACTIVE = 12;
    uint8 internal constant SENDER_NOT_INVESTOR = 13;
    uint8 internal constant SENDER_CLASS_NOT_ADMITTED = 14;
    uint8 internal constant SENDER_ELIGIBILITY_EXPIRED = 15;

    /// @notice Receiver codes are `RECEIVER_BASE + HolderCodes.*` (21..25).
    uint8 internal constant RECEIVER_BASE = 20;
    uint8 internal constant RECEIVER_NOT_MEMBER = 21;
    uint8 internal constant RECEIVER_NOT_ACTIVE = 22;
    uint8 internal constant RECEIVER_NOT_INVESTOR = 23;
    uint8 internal constant RECEIVER_CLASS_NOT_ADMITTED = 24;
    uint8 internal constant RECEIVER_ELIGIBILITY_EXPIRED = 25;

    uint8 internal constant SENDER_FROZEN = 30; // the whole sender account is frozen
    uint8 internal constant RECEIVER_FROZEN = 31; // the whole receiver account is frozen
    uint8 internal constant AMOUNT_FROZEN = 32; // the transfer would dip into the sender's frozen amount

    uint8 internal constant SPENDER_NOT_ALLOWED = 40; // `transferFrom`'s caller fails `registry.isSpender`
    uint8 internal constant SPENDER_FROZEN = 41; // `transferFrom`'s caller's whole account is frozen here

    /// @notice The ERC-1404 message of `code`; `UNKNOWN_RESTRICTION` for a code not listed above.
    function message(uint8 code) internal pure returns (string memory) {
        if (code == SUCCESS) return "SUCCESS";
        if (code == PAUSED) return "PAUSED";
        if (code == SENDER_NOT_MEMBER) return "SENDER_NOT_MEMBER";
        if (code == SENDER_NOT_ACTIVE) return "SENDER_NOT_ACTIVE";
        if (code == SENDER_NOT_INVESTOR) return "SENDER_NOT_INVESTOR";
        if (code == SENDER_CLASS_NOT_ADMITTED) return "SENDER_CLASS_NOT_ADMITTED";
        if (code == SENDER_ELIGIBILITY_EXPIRED) return "SENDER_ELIGIBILITY_EXPIRED";
        if (code == RECEIVER_NOT_MEMBER) return "RECEIVER_NOT_MEMBER";
        if (code == RECEIVER_NOT_ACTIVE) return "RECEIVER_NOT_ACTIVE";
        if (code == RECEIVER_NOT_INVESTOR) return "RECEIVER_NOT_INVESTOR";
        if (code == RECEIVER_CLASS_NOT_ADMITTED) return "RECEIVER_CLASS_NOT_ADMITTED";
        if (code == RECEIVER_ELIGIBILITY_EXPIRED) return "RECEIVER_ELIGIBILITY_EXPIRED";
        if (code == SENDER_FROZEN) return "SENDER_FROZEN";
        if (code == RECEIVER_FROZEN) return "RECEIVER_FROZEN";
        if (code == AMOUNT_FROZEN) return "AMOUNT_FROZEN";
        if (code == SPENDER_NOT_ALLOWED) return "SPENDER_NOT_ALLOWED";
        if (code == SPENDER_FROZEN) return "SPENDER_FROZEN";
        return "UNKNOWN_RESTRICTION";
    }
}
