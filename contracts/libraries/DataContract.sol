// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title DataContract
/// @notice Bytes kept as the code of a contract (the SSTORE2 pattern): written once for ~200 gas a byte, read back with
/// one EXTCODECOPY (`store.code`, or a slice of it) instead of one SLOAD per word.
library DataContract {
    /// @notice Writing the data contract failed (out of gas, or data above the code size limit).
    error DataContractNotWritten(uint256 length);

    /// @notice Deploys a contract whose code is `data`. The data must begin with a zero byte (STOP), so the contract
    /// can never run: an ABI encoding qualifies (its first word is an offset, 0x20); other data is prefixed with one.
    /// @return store The data contract's address.
    function write(bytes memory data) internal returns (address store) {
        // Init code: PUSH2 len, DUP1, PUSH1 0x0e, RETURNDATASIZE(0), CODECOPY, RETURNDATASIZE(0), RETURN, then data.
        // The init code is 14 bytes: 61 LLLL 80 60 0e 3d 39 3d f3 + 4 padding bytes of STOP.
        bytes memory init = abi.encodePacked(hex"61", uint16(data.length), hex"80600e3d393df300000000", data);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            store := create(0, add(init, 0x20), mload(init))
        }
        require(store != address(0), DataContractNotWritten(data.length));
    }
}
