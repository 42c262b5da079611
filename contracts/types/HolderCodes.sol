// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Why an account may or may not hold a permissioned security, as returned by
/// `IConsortiumRegistry.holderCode`. 0 means eligible.
library HolderCodes {
    uint8 internal constant ELIGIBLE = 0;
    uint8 internal constant NOT_MEMBER = 1; // never admitted
    uint8 internal constant NOT_ACTIVE = 2; // suspended or removed
    uint8 internal constant NOT_INVESTOR = 3; // lacks the INVESTOR role
    uint8 internal constant CLASS_NOT_ADMITTED = 4; // investor class outside the security's allowed set
    uint8 internal constant ELIGIBILITY_EXPIRED = 5; // validUntil has passed
}
