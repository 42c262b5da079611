// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IPledgeRegistry} from "../interfaces/IPledgeRegistry.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {IDealParties} from "../interfaces/IDealParties.sol";
import {Role} from "../types/Roles.sol";

/// @title PledgeRegistry
/// @notice Each loan's pool by consortium fingerprint, so that one loan is never pledged to two pools unseen.
contract PledgeRegistry is IPledgeRegistry {
    IConsortiumRegistry private immutable _registry;

    bytes private _fingerprintKey;
    address private _keyService;
    uint256 private _totalPledges;
    mapping(bytes32 fingerprint => address pool) private _pledgedTo;
    mapping(address pool => PledgePolicy) private _policy;
    mapping(address pool => uint256) private _pledgeCount;

    /// @param registry_ The consortium registry.
    constructor(IConsortiumRegistry registry_) {
        require(address(registry_) != address(0), ZeroAddress());
        _registry = registry_;
    }

    // ================================================================ actions

    /// @inheritdoc IPledgeRegistry
    function publishFingerprintKey(bytes calldata publicKey) external {
        require(_registry.hasRole(msg.sender, Role.REGULATOR), NotKeyService(msg.sender));
        require(
            publicKey.length == 33 && (publicKey[0] == 0x02 || publicKey[0] == 0x03),
            InvalidFingerprintKey(publicKey.length)
        );
        require(_totalPledges == 0, FingerprintKeyInUse(_totalPledges));
        _fingerprintKey = publicKey;
        _keyService = msg.sender;
        emit FingerprintKeyPublished(msg.sender, publicKey);
    }

    /// @inheritdoc IPledgeRegistry
    function setPolicy(IDealParties pool, PledgePolicy policy) external {
        _requireTrustee(pool);
        PledgePolicy previous = _policy[address(pool)];
        _policy[address(pool)] = policy;
        emit PledgePolicySet(address(pool), previous, policy, msg.sender);
    }

    /// @inheritdoc IPledgeRegistry
    function register(
        IDealParties pool,
        bytes32[] calldata fingerprints
    ) external returns (uint256 added, uint256 alerts) {
        require(_registry.isDealContract(address(pool)), NotDealContract(address(pool)));
        require(
            msg.sender == pool.originator() && _registry.hasRole(msg.sender, Role.ORIGINATOR),
            NotPoolOriginator(address(pool), msg.sender)
        );
        PledgePolicy policy = _policy[address(pool)];
        require(policy != PledgePolicy.None, PledgePolicyNotSet(address(pool)));
        require(_fingerprintKey.length != 0, FingerprintKeyMissing());

        for (uint256 i = 0; i < fingerprints.length; ++i) {
            bytes32 fingerprint = fingerprints[i];
            require(fingerprint != bytes32(0), EmptyFingerprint(i));
            address first = _pledgedTo[fingerprint];
            if (first == address(0)) {
                _pledgedTo[fingerprint] = address(pool);
                ++added;
            } else if (first != address(pool)) {
                require(policy != PledgePolicy.Refuse, AlreadyPledged(fingerprint, first));
                emit DoublePledge(fingerprint, first, address(pool), msg.sender);
                ++alerts;
            }
        }
        _pledgeCount[address(pool)] += added;
        _totalPledges += added;
        emit PledgesRegistered(address(pool), msg.sender, fingerprints.length, added, alerts);
    }

    /// @inheritdoc IPledgeRegistry
    function release(IDealParties pool, bytes32[] calldata fingerprints) external {
        _requireTrustee(pool);
        for (uint256 i = 0; i < fingerprints.length; ++i) {
            address holder = _pledgedTo[fingerprints[i]];
            require(holder == address(pool), NotPledgedToPool(fingerprints[i], address(pool), holder));
            delete _pledgedTo[fingerprints[i]];
        }
        _pledgeCount[address(pool)] -= fingerprints.length;
        _totalPledges -= fingerprints.length;
        emit PledgesReleased(address(pool), msg.sender, fingerprints.length);
    }

    // ================================================================ views

    /// @inheritdoc IPledgeRegistry
    function pledgedTo(bytes32 fingerprint) external view returns (address) {
        return _pledgedTo[fingerprint];
    }

    /// @inheritdoc IPledgeRegistry
    function pledgesOf(bytes32[] calldata fingerprints) external view returns (address[] memory pools) {
        pools = new address[](fingerprints.length);
        for (uint256 i = 0; i < fingerprints.length; ++i) pools[i] = _pledgedTo[fingerprints[i]];
    }

    /// @inheritdoc IPledgeRegistry
    function policyOf(address pool) external view returns (PledgePolicy) {
        return _policy[pool];
    }

    /// @inheritdoc IPledgeRegistry
    function pledgeCount(address pool) external view returns (uint256) {
        return _pledgeCount[pool];
    }

    /// @inheritdoc IPledgeRegistry
    function totalPledges() external view returns (uint256) {
        return _totalPledges;
    }

    /// @inheritdoc IPledgeRegistry
    function fingerprintKey() external view returns (bytes memory publicKey, address keyService) {
        return (_fingerprintKey, _keyService);
    }

    /// @inheritdoc IPledgeRegistry
    function registry() external view returns (IConsortiumRegistry) {
        return _registry;
    }

    // ================================================================ internals

    /// @dev The pool is a registered deal contract (checked first), so reading its trustee is trusted.
    function _requireTrustee(IDealParties pool) private view {
        require(_registry.isDealContract(address(pool)), NotDealContract(address(pool)));
        require(
            msg.sender == pool.trustee() && _registry.hasRole(msg.sender, Role.TRUSTEE),
            NotPoolTrustee(address(pool), msg.sender)
        );
    }
}
