// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Role, MemberStatus} from "../types/Roles.sol";

/// @title Consortium registry: who the members are, what each may do, and how that changes.
/// @notice Every permission check in the consortium's contracts reads this registry, so suspending
/// a member takes effect everywhere in the same block. The registry has no admin key: admitting,
/// suspending, reinstating or removing a member, changing roles, eligibility, voting rights, the
/// approval threshold or the set of authorised factories is a proposal that executes once `k` of
/// the `n` active voting members have approved it (`k` = `threshold()`, `n` = `votingMemberCount()`).
///
/// Powers, by caller:
/// - an active voting member: `propose`, `approve`, `revokeApproval`, `execute`; the proposer: `cancel`.
/// - an authorised factory: `registerDealContract` (pools and tranche tokens it creates).
/// - anyone: the views.
interface IConsortiumRegistry {
    /// @notice Investor eligibility: what an `INVESTOR` member may hold, and until when.
    /// @param investorClass Class id 0..31 (e.g. 0 qualified institutional, 1 professional); a tranche
    /// admits a set of classes as a bit mask.
    /// @param jurisdiction ISO 3166-1 numeric country code of the investor.
    /// @param validUntil Unix time after which the eligibility (e.g. KYC) has lapsed; 0 = never valid.
    struct Eligibility {
        uint8 investorClass;
        uint16 jurisdiction;
        uint64 validUntil;
    }

    /// @notice A member record. The registry stores the fields the permission checks read (roles,
    /// status, voting, eligibility, admission time) in one slot per account.
    /// @param roles Bit set of `Role`s (bit i = Role(i)).
    /// @param status Lifecycle status; only `Active` passes permission checks.
    /// @param voting Whether the member votes on proposals (counted in `n` while active).
    /// @param eligibility Investor eligibility (meaningful with the INVESTOR role).
    /// @param admittedAt Unix time of admission.
    /// @param memberId The consortium's stable identifier of the member (unique).
    /// @param legalEntityHash Hash of the legal-entity documents (e.g. LEI record); no clear data on chain.
    struct Member {
        uint32 roles;
        MemberStatus status;
        bool voting;
        Eligibility eligibility;
        uint64 admittedAt;
        bytes32 memberId;
        bytes32 legalEntityHash;
    }

    /// @notice What a proposal does.
    enum ActionKind {
        AdmitMember, // account, memberId, legalEntityHash, roles, flag = voting, eligibility
        SuspendMember, // account
        ReinstateMember, // account
        RemoveMember, // account (terminal)
        SetRoles, // account, roles
        SetEligibility, // account, eligibility
        SetVoting, // account, flag = voting
        SetThreshold, // threshold
        SetFactory // account = factory, flag = authorised
    }

    /// @notice A governed action. One shape for every kind; the fields a kind does not use must be zero.
    struct Action {
        ActionKind kind;
        address account;
        bytes32 memberId;
        bytes32 legalEntityHash;
        uint32 roles;
        bool flag;
        Eligibility eligibility;
        uint16 threshold;
    }

    /// @notice Lifecycle of a proposal.
    enum ProposalStatus {
        None,
        Pending,
        Executed,
        Cancelled
    }

    /// @notice A proposal's bookkeeping (the action itself is in `proposalAction`).
    struct ProposalInfo {
        ProposalStatus status;
        address proposer;
        uint64 createdAt;
        uint64 expiresAt;
        uint16 approvals;
    }

    // ---------------------------------------------------------------- events

    /// @notice A proposal was made. The proposer's approval is recorded by a `ProposalApproved` event.
    event ProposalCreated(uint256 indexed proposalId, address indexed proposer, Action action, uint64 expiresAt);
    /// @notice A voting member approved a proposal; `approvals` counts approvals by active voting members.
    event ProposalApproved(uint256 indexed proposalId, address indexed approver, uint16 approvals);
    /// @notice A voting member withdrew its approval.
    event ProposalApprovalRevoked(uint256 indexed proposalId, address indexed approver, uint16 approvals);
    /// @notice A proposal reached the threshold and its action was applied.
    event ProposalExecuted(uint256 indexed proposalId, address indexed executor, ActionKind kind);
    /// @notice The proposer withdrew a pending proposal.
    event ProposalCancelled(uint256 indexed proposalId, address indexed proposer);

    /// @notice A member was admitted (at deployment, `proposalId` is 0).
    event MemberAdmitted(
        address indexed account,
        bytes32 indexed memberId,
        uint32 roles,
        bool voting,
        Eligibility eligibility,
        bytes32 legalEntityHash,
        uint256 proposalId
    );
    /// @notice A member's status changed (suspended, reinstated or removed).
    event MemberStatusChanged(
        address indexed account,
        MemberStatus previousStatus,
        MemberStatus newStatus,
        uint256 indexed proposalId
    );
    /// @notice A member's role set changed.
    event MemberRolesChanged(
        address indexed account,
        uint32 previousRoles,
        uint32 newRoles,
        uint256 indexed proposalId
    );
    /// @notice A member's investor eligibility changed.
    event EligibilityChanged(address indexed account, Eligibility eligibility, uint256 indexed proposalId);
    /// @notice A member gained or lost its vote.
    event VotingChanged(address indexed account, bool voting, uint16 votingMemberCount, uint256 indexed proposalId);
    /// @notice The approval threshold `k` changed (at deployment, `proposalId` is 0).
    event ThresholdChanged(uint16 previousThreshold, uint16 newThreshold, uint256 indexed proposalId);
    /// @notice A factory was authorised or de-authorised to register deal contracts.
    event FactoryAuthorizationChanged(address indexed factory, bool authorized, uint256 indexed proposalId);
    /// @notice An authorised factory registered a contract it created (a pool, a tranche token, ...).
    event DealContractRegistered(address indexed dealContract, address indexed factory);

    // ---------------------------------------------------------------- errors

    /// @notice The caller must be an active voting member.
    error NotVotingMember(address account);
    /// @notice The caller must be an authorised factory.
    error NotAuthorizedFactory(address account);
    /// @notice No proposal has this id.
    error ProposalNotFound(uint256 proposalId);
    /// @notice The proposal is executed or cancelled.
    error ProposalNotPending(uint256 proposalId, ProposalStatus status);
    /// @notice The proposal's approval window has passed.
    error ProposalExpired(uint256 proposalId, uint64 expiresAt);
    /// @notice The account already approved this proposal.
    error AlreadyApproved(uint256 proposalId, address account);
    /// @notice The account has not approved this proposal.
    error NotApproved(uint256 proposalId, address account);
    /// @notice Only the proposer may cancel.
    error NotProposer(uint256 proposalId, address account);
    /// @notice `execute` was called before `k` active voting members approved.
    error ThresholdNotReached(uint256 proposalId, uint16 approvals, uint16 threshold);
    /// @notice The lifetime of a proposal must be between the bounds.
    error InvalidProposalLifetime(uint64 lifetime, uint64 min, uint64 max);
    /// @notice The action is malformed: a field its kind does not use is set, or a required one is missing.
    error InvalidAction(ActionKind kind);
    /// @notice The zero address cannot be a member or a factory.
    error ZeroAddress();
    /// @notice The account is already a member (or was one and was removed).
    error AlreadyMember(address account, MemberStatus status);
    /// @notice The member id is in use by another account.
    error MemberIdTaken(bytes32 memberId, address holder);
    /// @notice The action needs the member to be in `expected` status.
    error UnexpectedMemberStatus(address account, MemberStatus expected, MemberStatus found);
    /// @notice A role set has a bit that is not a defined role, or is empty.
    error InvalidRoles(uint32 roles);
    /// @notice The threshold must satisfy 1 <= k <= n (active voting members).
    error ThresholdUnreachable(uint16 threshold, uint16 votingMemberCount);
    /// @notice The factory flag already has the requested value.
    error FactoryUnchanged(address factory, bool authorized);
    /// @notice The contract is registered already.
    error DealContractAlreadyRegistered(address dealContract);

    // ---------------------------------------------------------------- governance

    /// @notice Propose a governed action; counts as the proposer's approval and executes at once if
    /// that reaches the threshold. The action's shape (which fields its kind uses) is checked now;
    /// its effect (e.g. that the member exists and is in the right status) when it executes, so a
    /// k-th approval reverts if the action no longer applies. Setting a value to what it already is
    /// is accepted for thresholds, roles and eligibility (an evented re-confirmation) and rejected
    /// for voting rights and factories (whose counters and flags must change).
    /// @param action The action (see `ActionKind` for the fields each kind uses).
    /// @param lifetimeSeconds How long approvals are accepted (1 hour to 90 days).
    /// @return proposalId The new proposal's id (ids start at 1).
    function propose(Action calldata action, uint64 lifetimeSeconds) external returns (uint256 proposalId);

    /// @notice Approve a pending proposal; executes it when approvals reach the threshold.
    function approve(uint256 proposalId) external;

    /// @notice Withdraw the caller's approval of a pending proposal.
    function revokeApproval(uint256 proposalId) external;

    /// @notice Execute a pending proposal whose approvals (by members that are still active voting
    /// members) reach the current threshold, e.g. after the threshold was lowered.
    function execute(uint256 proposalId) external;

    /// @notice The proposer withdraws its pending proposal; it must still be an active voting member.
    function cancel(uint256 proposalId) external;

    // ---------------------------------------------------------------- factories

    /// @notice Register a contract created by the calling authorised factory as a deal contract
    /// (it may then hold cash tokens and be recognised by other consortium contracts).
    function registerDealContract(address dealContract) external;

    // ---------------------------------------------------------------- views

    /// @notice The member record of `account` (all zero if never admitted).
    function member(address account) external view returns (Member memory);

    /// @notice The account of a member id (zero if none).
    function accountOf(bytes32 memberId) external view returns (address);

    /// @notice Whether `account` is an active member.
    function isActive(address account) external view returns (bool);

    /// @notice Whether `account` is an active member holding `role`.
    function hasRole(address account, Role role) external view returns (bool);

    /// @notice Why `account` may or may not hold a security admitting `allowedClasses` now.
    /// @return code `HolderCodes.ELIGIBLE` (0), or why not (see `types/HolderCodes.sol`):
    /// 1 not a member, 2 not active, 3 not an investor, 4 class not admitted, 5 eligibility expired.
    function holderCode(address account, uint32 allowedClasses) external view returns (uint8 code);

    /// @notice `holderCode` for two accounts in one call (the tranche transfer check).
    function holderCodes(
        address from,
        address to,
        uint32 allowedClasses
    ) external view returns (uint8 fromCode, uint8 toCode);

    /// @notice Whether `account` may hold cash tokens: an active member or a registered deal contract.
    function isCashHolder(address account) external view returns (bool);

    /// @notice Whether `account` may move a holder's tokens under an allowance (`transferFrom`): an active
    /// member, a registered deal contract, or a contract the registry does not list as a member (a
    /// settlement contract such as `DvPSettlement`, which only moves tokens between checked holders).
    /// A suspended or removed member may not, whatever allowance it holds; nor may an unlisted account
    /// that is not a contract.
    function isSpender(address account) external view returns (bool);

    /// @notice Whether `account` was registered as a deal contract by an authorised factory.
    function isDealContract(address account) external view returns (bool);

    /// @notice Whether `factory` may register deal contracts.
    function isFactory(address factory) external view returns (bool);

    /// @notice The approval threshold `k`.
    function threshold() external view returns (uint16);

    /// @notice The number `n` of active voting members.
    function votingMemberCount() external view returns (uint16);

    /// @notice The number of proposals ever made (the latest id).
    function proposalCount() external view returns (uint256);

    /// @notice A proposal's bookkeeping; `approvals` counts, at read time, the approvals of members
    /// that are still active voting members.
    function proposalInfo(uint256 proposalId) external view returns (ProposalInfo memory);

    /// @notice A proposal's action.
    function proposalAction(uint256 proposalId) external view returns (Action memory);

    /// @notice Whether `account` currently has an approval recorded on the proposal.
    function hasApproved(uint256 proposalId, address account) external view returns (bool);
}
