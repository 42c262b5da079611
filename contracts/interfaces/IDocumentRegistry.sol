// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Role} from "../types/Roles.sol";
import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";
import {IDealParties} from "./IDealParties.sol";

/// @title Deal documents by hash and version, signed off by the required members.
/// @notice One registry serves every deal. A document is identified by its deal and its type
/// (e.g. "PROSPECTUS", "TRUST_DEED"); registering the same (deal, type) again adds the next version,
/// which supersedes the previous one: the two are linked both ways (`supersedes`, `supersededBy`)
/// and exactly one version per (deal, type) is current. The document itself stays off chain: the
/// registry keeps its content hash and where to fetch it.
///
/// Each version names the roles that must sign it off (a `RoleSet` bit mask). It is approved once
/// a signer has signed for every required role; a superseded version can no longer be signed.
///
/// Powers, by caller:
/// - the deal's trustee or originator (while an active member holding that role): `registerDocument`.
/// - an active member holding a required role: `signOff` for that role; for ORIGINATOR, SERVICER
///   and TRUSTEE the signer must also be that party of the deal.
/// - anyone: the views.
interface IDocumentRegistry {
    /// @notice Lifecycle of a document version.
    enum DocumentStatus {
        None, // no such document
        Current, // the latest version of its (deal, type)
        Superseded // a later version of its (deal, type) exists
    }

    /// @notice One version of a deal document (fields ordered to pack into few storage slots).
    /// @param deal The deal (a registered deal contract implementing `IDealParties`).
    /// @param version 1 for the first document of its (deal, type), then +1 per new version.
    /// @param status Current or superseded.
    /// @param requiredRoles `RoleSet` bit mask of the roles that must sign it off.
    /// @param registeredBy The trustee or originator that registered it.
    /// @param registeredAt Unix time of registration.
    /// @param signedRoles `RoleSet` bit mask of the roles signed so far (a subset of `requiredRoles`).
    /// @param docType The document type, e.g. "PROSPECTUS" as bytes32.
    /// @param contentHash Hash of the document's content.
    /// @param supersedes The id of the previous version (0 for version 1).
    /// @param supersededBy The id of the next version (0 while current).
    /// @param uri Where entitled members fetch the document (e.g. a member node path or an IPFS URI).
    struct Document {
        IDealParties deal;
        uint32 version;
        DocumentStatus status;
        uint32 requiredRoles;
        address registeredBy;
        uint64 registeredAt;
        uint32 signedRoles;
        bytes32 docType;
        bytes32 contentHash;
        uint256 supersedes;
        uint256 supersededBy;
        string uri;
    }

    // ---------------------------------------------------------------- events

    /// @notice A document version was registered.
    /// @param docId The new document's id (ids start at 1).
    /// @param deal The deal.
    /// @param docType The document type.
    /// @param version Its version within (deal, docType).
    /// @param contentHash Hash of its content.
    /// @param uri Where to fetch it.
    /// @param requiredRoles The roles that must sign it off.
    /// @param registeredBy The trustee or originator that registered it.
    /// @param supersedes The id of the version it replaces (0 for version 1).
    event DocumentRegistered(
        uint256 indexed docId,
        IDealParties indexed deal,
        bytes32 indexed docType,
        uint32 version,
        bytes32 contentHash,
        string uri,
        uint32 requiredRoles,
        address registeredBy,
        uint256 supersedes
    );

    /// @notice A document version was replaced by a newer one.
    /// @param oldId The superseded version.
    /// @param newId The version that replaced it.
    event DocumentSuperseded(uint256 indexed oldId, uint256 indexed newId);

    /// @notice A member signed a document off for one of its required roles.
    /// @param docId The document.
    /// @param signer The signing member.
    /// @param role The role it signed for.
    event DocumentSignedOff(uint256 indexed docId, address indexed signer, Role role);

    /// @notice Every required role has signed the document off.
    /// @param docId The document.
    /// @param version Its version within its (deal, type).
    event DocumentApproved(uint256 indexed docId, uint32 version);

    // ---------------------------------------------------------------- errors

    /// @notice The registry is the zero address.
    error ZeroAddress();
    /// @notice The deal is not a deal contract registered in the consortium registry.
    /// @param deal The rejected deal.
    error NotDealContract(address deal);
    /// @notice Only the deal's trustee or originator, as an active member holding that role, may
    /// register its documents.
    /// @param deal The deal.
    /// @param account The caller.
    error NotDocumentRegistrar(address deal, address account);
    /// @notice The document type must be non-zero.
    error DocumentTypeMissing();
    /// @notice The content hash must be non-zero.
    error ContentHashMissing();
    /// @notice The URI must be non-empty.
    error DocumentUriMissing();
    /// @notice The required roles must be a non-empty set of defined roles.
    /// @param requiredRoles The rejected bit mask.
    error InvalidRequiredRoles(uint32 requiredRoles);
    /// @notice No document has this id.
    /// @param docId The unknown id.
    error DocumentNotFound(uint256 docId);
    /// @notice The document was superseded and can no longer be signed.
    /// @param docId The document.
    /// @param supersededBy The version that replaced it.
    error DocumentAlreadySuperseded(uint256 docId, uint256 supersededBy);
    /// @notice The role is not among the document's required roles.
    /// @param docId The document.
    /// @param role The role.
    error RoleNotRequired(uint256 docId, Role role);
    /// @notice The role has signed the document already.
    /// @param docId The document.
    /// @param role The role.
    /// @param signer Who signed for it.
    error RoleAlreadySigned(uint256 docId, Role role, address signer);
    /// @notice The signer is not an active member holding the role.
    /// @param account The signer.
    /// @param role The role.
    error SignerLacksRole(address account, Role role);
    /// @notice For a deal-party role, the signer must be the deal's party in that role.
    /// @param deal The deal.
    /// @param account The signer.
    /// @param role The role (ORIGINATOR, SERVICER or TRUSTEE).
    error SignerNotDealParty(address deal, address account, Role role);

    // ---------------------------------------------------------------- documents

    /// @notice Register a new version of the deal's document of `docType`. If one exists, the new
    /// version supersedes it. Only the deal's trustee or originator.
    /// @param deal The deal (a registered deal contract).
    /// @param docType The document type; non-zero.
    /// @param contentHash Hash of the document's content; non-zero.
    /// @param uri Where entitled members fetch the document; non-empty.
    /// @param requiredRoles `RoleSet` bit mask of the roles that must sign it off; non-empty, defined roles only.
    /// @return docId The new document's id (ids start at 1).
    function registerDocument(
        IDealParties deal,
        bytes32 docType,
        bytes32 contentHash,
        string calldata uri,
        uint32 requiredRoles
    ) external returns (uint256 docId);

    /// @notice Sign a current document off for `role`. The caller must be an active member holding
    /// `role`, and for ORIGINATOR, SERVICER and TRUSTEE also that party of the document's deal. Each
    /// required role signs once; the last one approves the document.
    /// @param docId The document.
    /// @param role The required role the caller signs for.
    function signOff(uint256 docId, Role role) external;

    // ---------------------------------------------------------------- views

    /// @notice A document version.
    /// @param docId The document; reverts with `DocumentNotFound` if unknown.
    function document(uint256 docId) external view returns (Document memory);

    /// @notice The current version of a deal's document type.
    /// @param deal The deal.
    /// @param docType The document type.
    /// @return docId The current version's id (0 if none was registered).
    /// @return version Its version number (0 if none).
    function latestVersion(IDealParties deal, bytes32 docType) external view returns (uint256 docId, uint32 version);

    /// @notice The roles that have signed the document off so far, as a `RoleSet` bit mask.
    /// @param docId The document; reverts with `DocumentNotFound` if unknown.
    function signedRoles(uint256 docId) external view returns (uint32);

    /// @notice Who signed the document off for `role` (zero if nobody yet).
    /// @param docId The document; reverts with `DocumentNotFound` if unknown.
    /// @param role The role.
    function signerOf(uint256 docId, Role role) external view returns (address);

    /// @notice Whether every required role has signed the document off.
    /// @param docId The document; reverts with `DocumentNotFound` if unknown.
    function isApproved(uint256 docId) external view returns (bool);

    /// @notice The number of documents ever registered (the latest id).
    function documentCount() external view returns (uint256);

    /// @notice The consortium registry every permission check reads.
    function registry() external view returns (IConsortiumRegistry);
}
