// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice A consortium role. A member may hold several; the registry stores them as a bit set.
/// @dev Append only: the numeric value of a role is part of every stored role set and every event.
enum Role {
    ORIGINATOR, // sells loans into pools, anchors loan tapes
    SERVICER, // collects on the loans, submits period reports
    TRUSTEE, // the SPV / manager: structures deals, runs issuance and settlement, legal orders
    CUSTODIAN, // the trust's bank: issues the cash token against bank deposits
    INVESTOR, // may hold tranche tokens while eligible
    REGULATOR, // reads everything, moves nothing
    GUARANTOR, // commits a third-party guarantee facility
    EXCHANGE // submits matched secondary trades
}

/// @notice Lifecycle of a member record in the registry.
enum MemberStatus {
    None, // never admitted
    Active,
    Suspended, // every permission check fails until reinstated
    Removed // terminal: the address can never be re-admitted
}

/// @notice Bit-set helpers for role sets (`uint32`, bit `i` set = holds `Role(i)`).
library RoleSet {
    /// @notice The bit of one role.
    function bit(Role role) internal pure returns (uint32) {
        return uint32(1) << uint8(role);
    }

    /// @notice Whether `roles` contains `role`.
    function has(uint32 roles, Role role) internal pure returns (bool) {
        return roles & bit(role) != 0;
    }

    /// @notice Every defined role: a role set with a bit outside this mask is invalid.
    function all() internal pure returns (uint32) {
        return (uint32(1) << (uint8(type(Role).max) + 1)) - 1;
    }
}
