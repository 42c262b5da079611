// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {Role, MemberStatus, RoleSet} from "../types/Roles.sol";
import {HolderCodes} from "../types/HolderCodes.sol";

/// @title ConsortiumRegistry
/// @notice Members, roles and investor eligibility of the consortium, governed by k-of-n proposals.
contract ConsortiumRegistry is IConsortiumRegistry {
    using RoleSet for uint32;

    /// @notice A founding member, admitted at deployment.
    struct InitialMember {
        address account;
        bytes32 memberId;
        bytes32 legalEntityHash;
        uint32 roles;
        bool voting;
        Eligibility eligibility;
    }

    uint64 public constant MIN_PROPOSAL_LIFETIME = 1 hours;
    uint64 public constant MAX_PROPOSAL_LIFETIME = 90 days;

    /// @dev The part of a member record every permission check reads, packed into ONE storage slot
    /// (208 bits) so a tranche transfer's holder checks cost one cold read per account. A registered deal
    /// contract is flagged in the same slot (its status stays `None`), so a cash holder check is one read too.
    struct MemberSlot {
        uint32 roles;
        MemberStatus status;
        bool voting;
        uint8 investorClass;
        uint16 jurisdiction;
        uint64 validUntil;
        uint64 admittedAt;
        bool dealContract;
    }

    /// @dev Identity fields, read only by `member()`.
    struct MemberIdentity {
        bytes32 memberId;
        bytes32 legalEntityHash;
    }

    mapping(address account => MemberSlot) private _members;
    mapping(address account => MemberIdentity) private _identities;
    mapping(bytes32 memberId => address account) private _accountOf;
    mapping(address factory => bool) private _factories;

    mapping(uint256 proposalId => ProposalInfo) private _proposals;
    mapping(uint256 proposalId => Action) private _actions;
    mapping(uint256 proposalId => address[]) private _approvers;
    mapping(uint256 proposalId => mapping(address account => bool)) private _approved;

    uint256 private _proposalCount;
    uint16 private _threshold;
    uint16 private _votingMemberCount;

    /// @param founders The founding members; at least `initialThreshold` of them must vote.
    /// @param initialThreshold The approval threshold `k`.
    constructor(InitialMember[] memory founders, uint16 initialThreshold) {
        for (uint256 i = 0; i < founders.length; ++i) {
            InitialMember memory f = founders[i];
            _admit(f.account, f.memberId, f.legalEntityHash, f.roles, f.voting, f.eligibility, 0);
        }
        _setThreshold(initialThreshold, 0);
    }

    // ================================================================ governance

    /// @inheritdoc IConsortiumRegistry
    function propose(Action calldata action, uint64 lifetimeSeconds) external returns (uint256 proposalId) {
        _requireVotingMember(msg.sender);
        require(
            lifetimeSeconds >= MIN_PROPOSAL_LIFETIME && lifetimeSeconds <= MAX_PROPOSAL_LIFETIME,
            InvalidProposalLifetime(lifetimeSeconds, MIN_PROPOSAL_LIFETIME, MAX_PROPOSAL_LIFETIME)
        );
        _validateShape(action);

        proposalId = ++_proposalCount;
        // Lifetime is bounded above by 90 days, so the sum cannot overflow 64 bits.
        uint64 expiresAt = uint64(block.timestamp) + lifetimeSeconds;
        _proposals[proposalId] = ProposalInfo({
            status: ProposalStatus.Pending,
            proposer: msg.sender,
            createdAt: uint64(block.timestamp),
            expiresAt: expiresAt,
            approvals: 0
        });
        _actions[proposalId] = action;
        emit ProposalCreated(proposalId, msg.sender, action, expiresAt);

        _recordApproval(proposalId, msg.sender);
    }

    /// @inheritdoc IConsortiumRegistry
    function approve(uint256 proposalId) external {
        _requireVotingMember(msg.sender);
        _requireOpen(proposalId);
        require(!_approved[proposalId][msg.sender], AlreadyApproved(proposalId, msg.sender));
        _recordApproval(proposalId, msg.sender);
    }

    /// @inheritdoc IConsortiumRegistry
    function revokeApproval(uint256 proposalId) external {
        _requireVotingMember(msg.sender);
        _requireOpen(proposalId);
        require(_approved[proposalId][msg.sender], NotApproved(proposalId, msg.sender));

        _approved[proposalId][msg.sender] = false;
        address[] storage approvers = _approvers[proposalId];
        for (uint256 i = 0; i < approvers.length; ++i) {
            if (approvers[i] == msg.sender) {
                approvers[i] = approvers[approvers.length - 1];
                approvers.pop();
                break;
            }
        }
        uint16 counted = _countValidApprovals(proposalId);
        _proposals[proposalId].approvals = counted;
        emit ProposalApprovalRevoked(proposalId, msg.sender, counted);
    }

    /// @inheritdoc IConsortiumRegistry
    function execute(uint256 proposalId) external {
        _requireVotingMember(msg.sender);
        _requireOpen(proposalId);
        uint16 counted = _countValidApprovals(proposalId);
        require(counted >= _threshold, ThresholdNotReached(proposalId, counted, _threshold));
        _execute(proposalId);
    }

    /// @inheritdoc IConsortiumRegistry
    function cancel(uint256 proposalId) external {
        ProposalInfo storage info = _proposals[proposalId];
        require(info.status != ProposalStatus.None, ProposalNotFound(proposalId));
        require(info.status == ProposalStatus.Pending, ProposalNotPending(proposalId, info.status));
        require(info.proposer == msg.sender, NotProposer(proposalId, msg.sender));
        // A proposer that was suspended, removed or unseated since proposing has no say any more.
        _requireVotingMember(msg.sender);
        info.status = ProposalStatus.Cancelled;
        emit ProposalCancelled(proposalId, msg.sender);
    }

    // ================================================================ factories

    /// @inheritdoc IConsortiumRegistry
    function registerDealContract(address dealContract) external {
        require(_factories[msg.sender], NotAuthorizedFactory(msg.sender));
        require(dealContract != address(0), ZeroAddress());
        MemberSlot storage slot = _members[dealContract];
        require(!slot.dealContract, DealContractAlreadyRegistered(dealContract));
        slot.dealContract = true;
        emit DealContractRegistered(dealContract, msg.sender);
    }

    // ================================================================ views

    /// @inheritdoc IConsortiumRegistry
    function member(address account) external view returns (Member memory) {
        MemberSlot storage m = _members[account];
        MemberIdentity storage id = _identities[account];
        return
            Member({
                roles: m.roles,
                status: m.status,
                voting: m.voting,
                eligibility: Eligibility({
                    investorClass: m.investorClass,
                    jurisdiction: m.jurisdiction,
                    validUntil: m.validUntil
                }),
                admittedAt: m.admittedAt,
                memberId: id.memberId,
                legalEntityHash: id.legalEntityHash
            });
    }

    /// @inheritdoc IConsortiumRegistry
    function accountOf(bytes32 memberId) external view returns (address) {
        return _accountOf[memberId];
    }

    /// @inheritdoc IConsortiumRegistry
    function isActive(address account) public view returns (bool) {
        return _members[account].status == MemberStatus.Active;
    }

    /// @inheritdoc IConsortiumRegistry
    function hasRole(address account, Role role) external view returns (bool) {
        MemberSlot storage m = _members[account];
        return m.status == MemberStatus.Active && m.roles.has(role);
    }

    /// @inheritdoc IConsortiumRegistry
    function holderCode(address account, uint32 allowedClasses) public view returns (uint8 code) {
        MemberSlot storage m = _members[account];
        MemberStatus status = m.status;
        if (status == MemberStatus.None) return HolderCodes.NOT_MEMBER;
        if (status != MemberStatus.Active) return HolderCodes.NOT_ACTIVE;
        if (!m.roles.has(Role.INVESTOR)) return HolderCodes.NOT_INVESTOR;
        if (allowedClasses & (uint32(1) << m.investorClass) == 0) return HolderCodes.CLASS_NOT_ADMITTED;
        if (m.validUntil < block.timestamp) return HolderCodes.ELIGIBILITY_EXPIRED;
        return HolderCodes.ELIGIBLE;
    }

    /// @inheritdoc IConsortiumRegistry
    function holderCodes(
        address from,
        address to,
        uint32 allowedClasses
    ) external view returns (uint8 fromCode, uint8 toCode) {
        return (holderCode(from, allowedClasses), holderCode(to, allowedClasses));
    }

    /// @inheritdoc IConsortiumRegistry
    function isCashHolder(address account) external view returns (bool) {
        MemberSlot storage m = _members[account];
        return m.status == MemberStatus.Active || m.dealContract;
    }

    /// @inheritdoc IConsortiumRegistry
    function isSpender(address account) external view returns (bool) {
        MemberSlot storage m = _members[account];
        MemberStatus status = m.status;
        if (status == MemberStatus.Active || m.dealContract) return true;
        return status == MemberStatus.None && account.code.length != 0;
    }

    /// @inheritdoc IConsortiumRegistry
    function isDealContract(address account) external view returns (bool) {
        return _members[account].dealContract;
    }

    /// @inheritdoc IConsortiumRegistry
    function isFactory(address factory) external view returns (bool) {
        return _factories[factory];
    }

    /// @inheritdoc IConsortiumRegistry
    function threshold() external view returns (uint16) {
        return _threshold;
    }

    /// @inheritdoc IConsortiumRegistry
    function votingMemberCount() external view returns (uint16) {
        return _votingMemberCount;
    }

    /// @inheritdoc IConsortiumRegistry
    function proposalCount() external view returns (uint256) {
        return _proposalCount;
    }

    /// @inheritdoc IConsortiumRegistry
    function proposalInfo(uint256 proposalId) external view returns (ProposalInfo memory info) {
        info = _proposals[proposalId];
        // Counted at read time: an approver suspended since approving no longer counts.
        info.approvals = _countValidApprovals(proposalId);
    }

    /// @inheritdoc IConsortiumRegistry
    function proposalAction(uint256 proposalId) external view returns (Action memory) {
        return _actions[proposalId];
    }

    /// @inheritdoc IConsortiumRegistry
    function hasApproved(uint256 proposalId, address account) external view returns (bool) {
        return _approved[proposalId][account];
    }

    // ================================================================ internals: proposals

    function _requireVotingMember(address account) private view {
        MemberSlot storage m = _members[account];
        require(m.status == MemberStatus.Active && m.voting, NotVotingMember(account));
    }

    function _requireOpen(uint256 proposalId) private view {
        ProposalInfo storage info = _proposals[proposalId];
        require(info.status != ProposalStatus.None, ProposalNotFound(proposalId));
        require(info.status == ProposalStatus.Pending, ProposalNotPending(proposalId, info.status));
        require(block.timestamp <= info.expiresAt, ProposalExpired(proposalId, info.expiresAt));
    }

    function _recordApproval(uint256 proposalId, address approver) private {
        _approved[proposalId][approver] = true;
        _approvers[proposalId].push(approver);
        uint16 counted = _countValidApprovals(proposalId);
        _proposals[proposalId].approvals = counted;
        emit ProposalApproved(proposalId, approver, counted);
        if (counted >= _threshold) _execute(proposalId);
    }

    /// @dev Approvals count only while the approver is still an active voting member, so suspending
    /// or removing a member also withdraws the weight of its earlier approvals.
    function _countValidApprovals(uint256 proposalId) private view returns (uint16 counted) {
        address[] storage approvers = _approvers[proposalId];
        for (uint256 i = 0; i < approvers.length; ++i) {
            MemberSlot storage m = _members[approvers[i]];
            if (m.status == MemberStatus.Active && m.voting) ++counted;
        }
    }

    function _execute(uint256 proposalId) private {
        _proposals[proposalId].status = ProposalStatus.Executed;
        Action storage a = _actions[proposalId];
        ActionKind kind = a.kind;
        if (kind == ActionKind.AdmitMember) {
            _admit(a.account, a.memberId, a.legalEntityHash, a.roles, a.flag, a.eligibility, proposalId);
        } else if (kind == ActionKind.SuspendMember) {
            _changeStatus(a.account, MemberStatus.Active, MemberStatus.Suspended, proposalId);
        } else if (kind == ActionKind.ReinstateMember) {
            _changeStatus(a.account, MemberStatus.Suspended, MemberStatus.Active, proposalId);
        } else if (kind == ActionKind.RemoveMember) {
            _remove(a.account, proposalId);
        } else if (kind == ActionKind.SetRoles) {
            _setRoles(a.account, a.roles, proposalId);
        } else if (kind == ActionKind.SetEligibility) {
            _setEligibility(a.account, a.eligibility, proposalId);
        } else if (kind == ActionKind.SetVoting) {
            _setVoting(a.account, a.flag, proposalId);
        } else if (kind == ActionKind.SetThreshold) {
            _setThreshold(a.threshold, proposalId);
        } else {
            _setFactory(a.account, a.flag, proposalId);
        }
        emit ProposalExecuted(proposalId, msg.sender, kind);
    }

    /// @dev Rejects fields the action's kind does not use, so a proposal means exactly what it shows.
    function _validateShape(Action calldata a) private pure {
        ActionKind k = a.kind;
        bool usesAccount = k != ActionKind.SetThreshold;
        bool usesIdentity = k == ActionKind.AdmitMember;
        bool usesRoles = k == ActionKind.AdmitMember || k == ActionKind.SetRoles;
        bool usesFlag = k == ActionKind.AdmitMember || k == ActionKind.SetVoting || k == ActionKind.SetFactory;
        bool usesEligibility = k == ActionKind.AdmitMember || k == ActionKind.SetEligibility;
        bool usesThreshold = k == ActionKind.SetThreshold;

        bool ok =
            (usesAccount == (a.account != address(0))) &&
                (usesIdentity || (a.memberId == bytes32(0) && a.legalEntityHash == bytes32(0))) &&
                (!usesIdentity || a.memberId != bytes32(0)) &&
                (usesRoles || a.roles == 0) &&
                (usesFlag || !a.flag) &&
                (usesEligibility ||
                    (a.eligibility.investorClass == 0 &&
                        a.eligibility.jurisdiction == 0 &&
                        a.eligibility.validUntil == 0)) &&
                (usesThreshold || a.threshold == 0);
        require(ok, InvalidAction(k));
        require(a.eligibility.investorClass < 32, InvalidAction(k));
    }

    // ================================================================ internals: members

    function _admit(
        address account,
        bytes32 memberId,
        bytes32 legalEntityHash,
        uint32 roles,
        bool voting,
        Eligibility memory eligibility,
        uint256 proposalId
    ) private {
        require(account != address(0), ZeroAddress());
        MemberStatus status = _members[account].status;
        require(status == MemberStatus.None, AlreadyMember(account, status));
        address holder = _accountOf[memberId];
        require(holder == address(0), MemberIdTaken(memberId, holder));
        _requireValidRoles(roles);
        require(memberId != bytes32(0) && eligibility.investorClass < 32, InvalidAction(ActionKind.AdmitMember));

        _members[account] = MemberSlot({
            roles: roles,
            status: MemberStatus.Active,
            voting: voting,
            investorClass: eligibility.investorClass,
            jurisdiction: eligibility.jurisdiction,
            validUntil: eligibility.validUntil,
            admittedAt: uint64(block.timestamp),
            dealContract: _members[account].dealContract
        });
        _identities[account] = MemberIdentity({memberId: memberId, legalEntityHash: legalEntityHash});
        _accountOf[memberId] = account;
        if (voting) ++_votingMemberCount;
        emit MemberAdmitted(account, memberId, roles, voting, eligibility, legalEntityHash, proposalId);
    }

    function _changeStatus(address account, MemberStatus expected, MemberStatus next, uint256 proposalId) private {
        MemberSlot storage m = _members[account];
        require(m.status == expected, UnexpectedMemberStatus(account, expected, m.status));
        m.status = next;
        if (m.voting) {
            if (next == MemberStatus.Active) ++_votingMemberCount;
            else --_votingMemberCount;
            _requireReachable(_threshold);
        }
        emit MemberStatusChanged(account, expected, next, proposalId);
    }

    function _remove(address account, uint256 proposalId) private {
        MemberSlot storage m = _members[account];
        MemberStatus previous = m.status;
        require(
            previous == MemberStatus.Active || previous == MemberStatus.Suspended,
            UnexpectedMemberStatus(account, MemberStatus.Active, previous)
        );
        m.status = MemberStatus.Removed;
        if (m.voting && previous == MemberStatus.Active) {
            --_votingMemberCount;
            _requireReachable(_threshold);
        }
        emit MemberStatusChanged(account, previous, MemberStatus.Removed, proposalId);
    }

    function _setRoles(address account, uint32 roles, uint256 proposalId) private {
        MemberSlot storage m = _requireListed(account);
        _requireValidRoles(roles);
        uint32 previous = m.roles;
        m.roles = roles;
        emit MemberRolesChanged(account, previous, roles, proposalId);
    }

    function _setEligibility(address account, Eligibility memory eligibility, uint256 proposalId) private {
        MemberSlot storage m = _requireListed(account);
        m.investorClass = eligibility.investorClass;
        m.jurisdiction = eligibility.jurisdiction;
        m.validUntil = eligibility.validUntil;
        emit EligibilityChanged(account, eligibility, proposalId);
    }

    function _setVoting(address account, bool voting, uint256 proposalId) private {
        MemberSlot storage m = _members[account];
        require(m.status == MemberStatus.Active, UnexpectedMemberStatus(account, MemberStatus.Active, m.status));
        require(m.voting != voting, InvalidAction(ActionKind.SetVoting));
        m.voting = voting;
        if (voting) ++_votingMemberCount;
        else --_votingMemberCount;
        _requireReachable(_threshold);
        emit VotingChanged(account, voting, _votingMemberCount, proposalId);
    }

    function _setThreshold(uint16 newThreshold, uint256 proposalId) private {
        _requireReachable(newThreshold);
        uint16 previous = _threshold;
        _threshold = newThreshold;
        emit ThresholdChanged(previous, newThreshold, proposalId);
    }

    function _setFactory(address factory, bool authorized, uint256 proposalId) private {
        require(_factories[factory] != authorized, FactoryUnchanged(factory, authorized));
        _factories[factory] = authorized;
        emit FactoryAuthorizationChanged(factory, authorized, proposalId);
    }

    /// @dev Member must exist and not be removed (suspended members may have their records corrected).
    function _requireListed(address account) private view returns (MemberSlot storage m) {
        m = _members[account];
        require(
            m.status == MemberStatus.Active || m.status == MemberStatus.Suspended,
            UnexpectedMemberStatus(account, MemberStatus.Active, m.status)
        );
    }

    function _requireValidRoles(uint32 roles) private pure {
        require(roles != 0 && roles & ~RoleSet.all() == 0, InvalidRoles(roles));
    }

    function _requireReachable(uint16 k) private view {
        require(k >= 1 && k <= _votingMemberCount, ThresholdUnreachable(k, _votingMemberCount));
    }
}
