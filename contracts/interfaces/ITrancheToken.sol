// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TrancheTerms} from "../types/TrancheTypes.sol";
import {IDealParties} from "./IDealParties.sol";

/// @title A permissioned ERC-20 for one tranche of one deal.
/// @notice One token unit is one cent of original face (decimals = the cash token's, 2). The
/// outstanding principal of a holding is `balance * factorRay / 1e27`.
/// Powers: the pool (`pool()`) mints, burns and sets the factor (its issuance and waterfall flows);
/// the deal's trustee freezes, unfreezes, pauses, unpauses and forces transfers; everyone else only
/// transfers, and only when `detectTransferRestriction` returns 0.
/// @dev The pool-facing part of the interface. The full interface (restrictions, freeze, forced
/// transfer, events, errors) is completed by the TrancheToken implementation work.
interface ITrancheToken is IERC20 {
    /// @notice The deal (AssetPool) that issued this tranche.
    function pool() external view returns (IDealParties);

    /// @notice The tranche's terms as structured.
    function terms() external view returns (TrancheTerms memory);

    /// @notice The current factor: outstanding principal / original face, 1e27 = 100%.
    function factorRay() external view returns (uint256);

    /// @notice Mint `amount` to `to` in the pool's issuance flow. The receiver must pass the holder
    /// checks. Only the pool.
    function mint(address to, uint256 amount) external;

    /// @notice Burn `amount` from `from` (redemption). Only the pool.
    function burn(address from, uint256 amount) external;

    /// @notice Set the factor after a distribution or a write-down/up for `period`. Only the pool.
    function setFactor(uint256 newFactorRay, uint32 period) external;
}
