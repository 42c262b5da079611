// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";
import {IDealParties} from "./IDealParties.sol";

/// @title Which pool each loan is pledged to, across every originator of the consortium.
/// @notice One registry serves every pool. A loan is known here only by its consortium fingerprint: a keyed
/// pseudorandom value of the loan's identity (borrower's national id, origination date, original principal)
/// that no originator can compute alone. Originators obtain fingerprints from the key service, an oblivious
/// PRF run by the regulator's node (`pledge-fingerprint.ts` in the core package), which evaluates blinded points and
/// proves it used the key published here. No personal data is ever on chain.
///
/// A pool's trustee chooses what a second pledge does (`PledgePolicy`): refused (the whole registration reverts
/// with `AlreadyPledged`, so the originator's node anchors nothing) or raised to the regulator (`DoublePledge`
/// events; the first pledge keeps the loan). A fingerprint already pledged to the same pool is a later tape of
/// that pool holding the same loan: nothing happens.
///
/// What the registry cannot see: a fingerprint it is not given. An originator that skips registration is caught
/// by counting (`pledgeCount` against the pool's anchored loan count), not by the registry.
///
/// Powers, by caller:
/// - an active member holding REGULATOR: `publishFingerprintKey`, until the first pledge (then the key is fixed;
///   fingerprints under two keys never match);
/// - the pool's trustee (an active TRUSTEE member): `setPolicy`, `release` (a loan leaving the pool);
/// - the pool's originator (an active ORIGINATOR member): `register`;
/// - anyone: the views.
interface IPledgeRegistry {
    /// @notice What a pool does with a loan already pledged to another pool.
    enum PledgePolicy {
        None, // the pool registers no pledges
        Alert, // registered; a second pledge emits DoublePledge for the regulator, the first pool keeps the loan
        Refuse // registered; a second pledge reverts the registration (AlreadyPledged)
    }

    // ---------------------------------------------------------------- events

    /// @notice The key service's public key (33-byte compressed secp256k1 point) was published.
    event FingerprintKeyPublished(address indexed keyService, bytes publicKey);

    /// @notice A pool's trustee set its policy.
    event PledgePolicySet(address indexed pool, PledgePolicy previous, PledgePolicy policy, address indexed by);

    /// @notice A registration: `submitted` fingerprints, of which `added` were new to the registry and `alerts`
    /// were already pledged to another pool.
    event PledgesRegistered(address indexed pool, address indexed by, uint256 submitted, uint256 added, uint256 alerts);

    /// @notice A loan already pledged to `firstPool` was pledged again to `secondPool` (a pool in Alert mode).
    event DoublePledge(bytes32 indexed fingerprint, address indexed firstPool, address indexed secondPool, address by);

    /// @notice The trustee released loans from its pool (repurchased, substituted): they may be pledged again.
    event PledgesReleased(address indexed pool, address indexed by, uint256 released);

    // ---------------------------------------------------------------- errors

    error ZeroAddress();
    error NotDealContract(address account);
    error NotKeyService(address account);
    error InvalidFingerprintKey(uint256 length);
    error FingerprintKeyInUse(uint256 pledges);
    error FingerprintKeyMissing();
    error NotPoolTrustee(address pool, address account);
    error NotPoolOriginator(address pool, address account);
    error PledgePolicyNotSet(address pool);
    error EmptyFingerprint(uint256 index);
    /// @notice The loan is already pledged to `firstPool` and the pool refuses second pledges.
    error AlreadyPledged(bytes32 fingerprint, address firstPool);
    error NotPledgedToPool(bytes32 fingerprint, address pool, address pledgedTo);

    // ---------------------------------------------------------------- actions

    /// @notice Publish the key service's public key; the caller becomes the key service.
    function publishFingerprintKey(bytes calldata publicKey) external;

    /// @notice Set `pool`'s policy (pool trustee only).
    function setPolicy(IDealParties pool, PledgePolicy policy) external;

    /// @notice Register the fingerprints of loans pledged to `pool` (pool originator only; the policy is set).
    /// @return added Fingerprints new to the registry.
    /// @return alerts Fingerprints already pledged to another pool (Alert mode; Refuse mode reverts instead).
    function register(
        IDealParties pool,
        bytes32[] calldata fingerprints
    ) external returns (uint256 added, uint256 alerts);

    /// @notice Release loans pledged to `pool` (pool trustee only); each must be pledged to it.
    function release(IDealParties pool, bytes32[] calldata fingerprints) external;

    // ---------------------------------------------------------------- views

    /// @notice The pool a fingerprint is pledged to, or the zero address.
    function pledgedTo(bytes32 fingerprint) external view returns (address);

    /// @notice `pledgedTo` for many fingerprints at once (a node checks a whole tape before registering).
    function pledgesOf(bytes32[] calldata fingerprints) external view returns (address[] memory pools);

    function policyOf(address pool) external view returns (PledgePolicy);

    /// @notice Loans currently pledged to `pool`.
    function pledgeCount(address pool) external view returns (uint256);

    /// @notice Loans currently pledged, all pools.
    function totalPledges() external view returns (uint256);

    /// @notice The key service's public key (empty until published) and its address.
    function fingerprintKey() external view returns (bytes memory publicKey, address keyService);

    function registry() external view returns (IConsortiumRegistry);
}
