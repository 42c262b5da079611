// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice An unrestricted OpenZeppelin ERC-20, the baseline for the tranche-transfer gas comparison.
/// @dev Tests and benchmarks only.
contract PlainERC20 is ERC20 {
    constructor() ERC20("Plain", "PLN") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
