// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IDocumentRegistry} from "../interfaces/IDocumentRegistry.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {IDealParties} from "../interfaces/IDealParties.sol";
import {Role, RoleSet} from "../types/Roles.sol";

/// @title DocumentRegistry
/// @notice Versioned deal documents (hash + URI) and their sign-off by the required members.
contract DocumentRegistry is IDocumentRegistry {
    using RoleSet for uint32;

    IConsortiumRegistry private immutable _registry;

    uint256 private _documentCount;
    mapping(uint256 docId => Document) private _documents;
    mapping(IDealParties deal => mapping(bytes32 docType => uint256 docId)) private _latest;
    mapping(uint256 docId => mapping(Role role => address signer)) private _signers;

    /// @param registry_ The consortium registry.
    constructor(IConsortiumRegistry registry_) {
        require(address(registry_) != address(0), ZeroAddress());
        _registry = registry_;
    }

    // ================================================================ documents

    /// @inheritdoc IDocumentRegistry
    function registerDocument(
        IDealParties deal,
        bytes32 docType,
        bytes32 contentHash,
        string calldata uri,
        uint32 requiredRoles
    ) external returns (uint256 docId) {
        require(_registry.isDealContract(address(deal)), NotDealContract(address(deal)));
        require(_isRegistrar(deal, msg.sender), NotDocumentRegistrar(address(deal), msg.sender));
        require(docType != bytes32(0), DocumentTypeMissing());
        require(contentHash != bytes32(0), ContentHashMissing());
        require(bytes(uri).length != 0, DocumentUriMissing());
        require(requiredRoles != 0 && requiredRoles & ~RoleSet.all() == 0, InvalidRequiredRoles(requiredRoles));

        docId = ++_documentCount;
        uint256 previousId = _latest[deal][docType];
        // Checked: a (deal, type) would need 2^32 versions to overflow, one transaction each.
        uint32 version = previousId == 0 ? 1 : _documents[previousId].version + 1;

        _documents[docId] = Document({
            deal: deal,
            version: version,
            status: DocumentStatus.Current,
            requiredRoles: requiredRoles,
            registeredBy: msg.sender,
            registeredAt: uint64(block.timestamp),
            signedRoles: 0,
            docType: docType,
            contentHash: contentHash,
            supersedes: previousId,
            supersededBy: 0,
            uri: uri
        });
        _latest[deal][docType] = docId;
        if (previousId != 0) {
            Document storage previous = _documents[previousId];
            previous.status = DocumentStatus.Superseded;
            previous.supersededBy = docId;
        }

        emit DocumentRegistered(docId, deal, docType, version, contentHash, uri, requiredRoles, msg.sender, previousId);
        if (previousId != 0) emit DocumentSuperseded(previousId, docId);
    }

    /// @inheritdoc IDocumentRegistry
    function signOff(uint256 docId, Role role) external {
        Document storage d = _requireDocument(docId);
        require(d.status == DocumentStatus.Current, DocumentAlreadySuperseded(docId, d.supersededBy));
        require(d.requiredRoles.has(role), RoleNotRequired(docId, role));
        address previousSigner = _signers[docId][role];
        require(previousSigner == address(0), RoleAlreadySigned(docId, role, previousSigner));
        require(_registry.hasRole(msg.sender, role), SignerLacksRole(msg.sender, role));
        require(_isDealParty(d.deal, msg.sender, role), SignerNotDealParty(address(d.deal), msg.sender, role));

        uint32 signed = d.signedRoles | RoleSet.bit(role);
        d.signedRoles = signed;
        _signers[docId][role] = msg.sender;

        emit DocumentSignedOff(docId, msg.sender, role);
        if (signed == d.requiredRoles) emit DocumentApproved(docId, d.version);
    }

    // ================================================================ views

    /// @inheritdoc IDocumentRegistry
    function document(uint256 docId) external view returns (Document memory) {
        return _requireDocument(docId);
    }

    /// @inheritdoc IDocumentRegistry
    function latestVersion(IDealParties deal, bytes32 docType) external view returns (uint256 docId, uint32 version) {
        docId = _latest[deal][docType];
        version = _documents[docId].version;
    }

    /// @inheritdoc IDocumentRegistry
    function signedRoles(uint256 docId) external view returns (uint32) {
        return _requireDocument(docId).signedRoles;
    }

    /// @inheritdoc IDocumentRegistry
    function signerOf(uint256 docId, Role role) external view returns (address) {
        _requireDocument(docId);
        return _signers[docId][role];
    }

    /// @inheritdoc IDocumentRegistry
    function isApproved(uint256 docId) external view returns (bool) {
        Document storage d = _requireDocument(docId);
        return d.signedRoles == d.requiredRoles;
    }

    /// @inheritdoc IDocumentRegistry
    function documentCount() external view returns (uint256) {
        return _documentCount;
    }

    /// @inheritdoc IDocumentRegistry
    function registry() external view returns (IConsortiumRegistry) {
        return _registry;
    }

    // ================================================================ internals

    function _requireDocument(uint256 docId) private view returns (Document storage d) {
        d = _documents[docId];
        require(d.status != DocumentStatus.None, DocumentNotFound(docId));
    }

    /// @dev The deal is a registered deal contract (checked first), so reading its parties is trusted;
    /// the parties are read at call time, so a replaced trustee loses its power at once.
    function _isRegistrar(IDealParties deal, address account) private view returns (bool) {
        return
            (account == deal.trustee() && _registry.hasRole(account, Role.TRUSTEE)) ||
            (account == deal.originator() && _registry.hasRole(account, Role.ORIGINATOR));
    }

    /// @dev Roles that are parties of a deal sign only as that deal's party; other roles (custodian,
    /// regulator, guarantor, ...) sign as any active member holding the role.
    function _isDealParty(IDealParties deal, address account, Role role) private view returns (bool) {
        if (role == Role.ORIGINATOR) return account == deal.originator();
        if (role == Role.SERVICER) return account == deal.servicer();
        if (role == Role.TRUSTEE) return account == deal.trustee();
        return true;
    }
}
