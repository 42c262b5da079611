import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { action, deployConsortium, memberId, NO_ELIGIBILITY } from "../helpers/consortium";
import { ActionKind, Role, type RoleName, roleSet } from "../helpers/roles";

/** Mirrors `IDocumentRegistry.DocumentStatus`. */
const DocStatus = { None: 0n, Current: 1n, Superseded: 2n } as const;

const PROSPECTUS = ethers.encodeBytes32String("PROSPECTUS");
const TRUST_DEED = ethers.encodeBytes32String("TRUST_DEED");
const hashOf = (label: string) => ethers.id(`content:${label}`);
const uriOf = (label: string) => `abs://docs/${label}.pdf`;
/** A typical sign-off set: the deal's trustee and originator, and the custodian bank. */
const TRUSTEE_ORIGINATOR_CUSTODIAN = roleSet("TRUSTEE", "ORIGINATOR", "CUSTODIAN");

async function deployDocuments() {
  const consortium = await deployConsortium();
  const { registry, originator, servicer, trustee, govern } = consortium;
  const signers = await ethers.getSigners();
  const factory = signers[12];
  const otherParty = signers[14];
  if (!factory || !otherParty) throw new Error("hardhat signers 12 and 14 missing");

  // A member holding every deal-party role, but party to none of the test deals.
  await govern(
    action(ActionKind.AdmitMember, {
      account: otherParty.address,
      memberId: memberId("OTHR"),
      legalEntityHash: ethers.id("legal-entity:OTHR"),
      roles: roleSet("ORIGINATOR", "SERVICER", "TRUSTEE"),
      eligibility: NO_ELIGIBILITY,
    }),
  );

  const registryAddress = await registry.getAddress();
  const mockDeal = async (name: string) => {
    const d = await ethers.deployContract("MockDealParties", [
      registryAddress,
      ethers.encodeBytes32String(name),
      originator.address,
      servicer.address,
      trustee.address,
    ]);
    await d.waitForDeployment();
    return d;
  };
  const deal = await mockDeal("ABS-2026-1");
  const deal2 = await mockDeal("ABS-2026-2");
  const unregisteredDeal = await mockDeal("NOT-REGISTERED");
  await consortium.authorizeFactory(factory.address);
  await (await registry.connect(factory).registerDealContract(await deal.getAddress())).wait();
  await (await registry.connect(factory).registerDealContract(await deal2.getAddress())).wait();

  const docs = await ethers.deployContract("DocumentRegistry", [registryAddress]);
  await docs.waitForDeployment();
  return { ...consortium, docs, deal, deal2, unregisteredDeal, factory, otherParty };
}

/** Fixture plus doc #1: the deal's prospectus v1, registered by the trustee, needing trustee, originator, custodian. */
async function deployWithDocument() {
  const f = await deployDocuments();
  await (
    await f.docs
      .connect(f.trustee)
      .registerDocument(f.deal, PROSPECTUS, hashOf("p1"), uriOf("p1"), TRUSTEE_ORIGINATOR_CUSTODIAN)
  ).wait();
  return f;
}

describe("DocumentRegistry", () => {
  describe("deployment", () => {
    it("records the registry and refuses the zero address", async () => {
      const { docs, registry } = await loadFixture(deployDocuments);
      expect(await docs.registry()).to.equal(await registry.getAddress());
      expect(await docs.documentCount()).to.equal(0n);
      const factory = await ethers.getContractFactory("DocumentRegistry");
      await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "ZeroAddress");
    });
  });

  describe("registerDocument", () => {
    it("registers version 1 with every field, and emits DocumentRegistered", async () => {
      const { docs, deal, trustee } = await loadFixture(deployDocuments);
      await expect(
        docs
          .connect(trustee)
          .registerDocument(deal, PROSPECTUS, hashOf("p1"), uriOf("p1"), TRUSTEE_ORIGINATOR_CUSTODIAN),
      )
        .to.emit(docs, "DocumentRegistered")
        .withArgs(
          1n,
          await deal.getAddress(),
          PROSPECTUS,
          1n,
          hashOf("p1"),
          uriOf("p1"),
          TRUSTEE_ORIGINATOR_CUSTODIAN,
          trustee.address,
          0n,
        )
        .and.not.to.emit(docs, "DocumentSuperseded");
      const d = await docs.document(1n);
      expect(d.deal).to.equal(await deal.getAddress());
      expect(d.version).to.equal(1n);
      expect(d.status).to.equal(DocStatus.Current);
      expect(d.requiredRoles).to.equal(TRUSTEE_ORIGINATOR_CUSTODIAN);
      expect(d.registeredBy).to.equal(trustee.address);
      expect(d.registeredAt).to.be.greaterThan(0n);
      expect(d.signedRoles).to.equal(0n);
      expect(d.docType).to.equal(PROSPECTUS);
      expect(d.contentHash).to.equal(hashOf("p1"));
      expect(d.supersedes).to.equal(0n);
      expect(d.supersededBy).to.equal(0n);
      expect(d.uri).to.equal(uriOf("p1"));
      expect(await docs.latestVersion(deal, PROSPECTUS)).to.deep.equal([1n, 1n]);
      expect(await docs.documentCount()).to.equal(1n);
      expect(await docs.isApproved(1n)).to.equal(false);
    });

    it("a new version supersedes the current one, linked both ways", async () => {
      const { docs, deal, originator } = await loadFixture(deployWithDocument);
      const roles = roleSet("TRUSTEE");
      await expect(docs.connect(originator).registerDocument(deal, PROSPECTUS, hashOf("p2"), uriOf("p2"), roles))
        .to.emit(docs, "DocumentRegistered")
        .withArgs(2n, await deal.getAddress(), PROSPECTUS, 2n, hashOf("p2"), uriOf("p2"), roles, originator.address, 1n)
        .and.to.emit(docs, "DocumentSuperseded")
        .withArgs(1n, 2n);
      const old = await docs.document(1n);
      expect(old.status).to.equal(DocStatus.Superseded);
      expect(old.supersededBy).to.equal(2n);
      expect(old.contentHash).to.equal(hashOf("p1"));
      const current = await docs.document(2n);
      expect(current.status).to.equal(DocStatus.Current);
      expect(current.supersedes).to.equal(1n);
      expect(current.version).to.equal(2n);
      expect(await docs.latestVersion(deal, PROSPECTUS)).to.deep.equal([2n, 2n]);

      await expect(docs.connect(originator).registerDocument(deal, PROSPECTUS, hashOf("p3"), uriOf("p3"), roles))
        .to.emit(docs, "DocumentSuperseded")
        .withArgs(2n, 3n);
      expect((await docs.document(3n)).version).to.equal(3n);
      expect((await docs.document(2n)).supersededBy).to.equal(3n);
    });

    it("keeps a separate version chain per deal and per document type", async () => {
      const { docs, deal, deal2, trustee } = await loadFixture(deployWithDocument);
      const roles = roleSet("TRUSTEE");
      await expect(docs.connect(trustee).registerDocument(deal, TRUST_DEED, hashOf("d1"), uriOf("d1"), roles))
        .to.emit(docs, "DocumentRegistered")
        .withArgs(2n, await deal.getAddress(), TRUST_DEED, 1n, hashOf("d1"), uriOf("d1"), roles, trustee.address, 0n)
        .and.not.to.emit(docs, "DocumentSuperseded");
      await expect(docs.connect(trustee).registerDocument(deal2, PROSPECTUS, hashOf("q1"), uriOf("q1"), roles))
        .to.emit(docs, "DocumentRegistered")
        .withArgs(3n, await deal2.getAddress(), PROSPECTUS, 1n, hashOf("q1"), uriOf("q1"), roles, trustee.address, 0n)
        .and.not.to.emit(docs, "DocumentSuperseded");
      expect((await docs.document(1n)).status).to.equal(DocStatus.Current);
      expect(await docs.latestVersion(deal, PROSPECTUS)).to.deep.equal([1n, 1n]);
      expect(await docs.latestVersion(deal, TRUST_DEED)).to.deep.equal([2n, 1n]);
      expect(await docs.latestVersion(deal2, PROSPECTUS)).to.deep.equal([3n, 1n]);
      expect(await docs.latestVersion(deal2, TRUST_DEED)).to.deep.equal([0n, 0n]);
    });

    it("refuses a deal that is not a registered deal contract", async () => {
      const { docs, unregisteredDeal, trustee, outsider } = await loadFixture(deployDocuments);
      const roles = roleSet("TRUSTEE");
      await expect(docs.connect(trustee).registerDocument(unregisteredDeal, PROSPECTUS, hashOf("x"), uriOf("x"), roles))
        .to.be.revertedWithCustomError(docs, "NotDealContract")
        .withArgs(await unregisteredDeal.getAddress());
      // An account that is not a contract at all.
      await expect(docs.connect(trustee).registerDocument(outsider.address, PROSPECTUS, hashOf("x"), uriOf("x"), roles))
        .to.be.revertedWithCustomError(docs, "NotDealContract")
        .withArgs(outsider.address);
    });

    it("refuses a zero type, a zero hash, an empty URI", async () => {
      const { docs, deal, trustee } = await loadFixture(deployDocuments);
      const roles = roleSet("TRUSTEE");
      const register = docs.connect(trustee).registerDocument;
      await expect(register(deal, ethers.ZeroHash, hashOf("x"), uriOf("x"), roles)).to.be.revertedWithCustomError(
        docs,
        "DocumentTypeMissing",
      );
      await expect(register(deal, PROSPECTUS, ethers.ZeroHash, uriOf("x"), roles)).to.be.revertedWithCustomError(
        docs,
        "ContentHashMissing",
      );
      await expect(register(deal, PROSPECTUS, hashOf("x"), "", roles)).to.be.revertedWithCustomError(
        docs,
        "DocumentUriMissing",
      );
    });

    it("refuses an empty required-role set and undefined roles", async () => {
      const { docs, deal, trustee } = await loadFixture(deployDocuments);
      const undefinedRole = 1 << (Role.EXCHANGE + 1);
      for (const roles of [0, undefinedRole, roleSet("TRUSTEE") | undefinedRole, 0x8000_0000]) {
        await expect(docs.connect(trustee).registerDocument(deal, PROSPECTUS, hashOf("x"), uriOf("x"), roles))
          .to.be.revertedWithCustomError(docs, "InvalidRequiredRoles")
          .withArgs(roles);
      }
      // Every defined role at once is allowed.
      const all = (1 << (Role.EXCHANGE + 1)) - 1;
      await expect(docs.connect(trustee).registerDocument(deal, PROSPECTUS, hashOf("x"), uriOf("x"), all)).to.emit(
        docs,
        "DocumentRegistered",
      );
    });

    it("is refused to everyone but the deal's trustee and originator", async () => {
      const f = await loadFixture(deployDocuments);
      const others: HardhatEthersSigner[] = [
        f.deployer,
        f.servicer, // the deal's own servicer
        f.custodian,
        f.regulator,
        f.investor1,
        f.guarantor,
        f.exchange,
        f.outsider,
        f.factory,
        f.otherParty, // holds TRUSTEE and ORIGINATOR, but not for this deal
      ];
      const dealAddress = await f.deal.getAddress();
      for (const signer of others) {
        await expect(
          f.docs.connect(signer).registerDocument(f.deal, PROSPECTUS, hashOf("x"), uriOf("x"), roleSet("TRUSTEE")),
        )
          .to.be.revertedWithCustomError(f.docs, "NotDocumentRegistrar")
          .withArgs(dealAddress, signer.address);
      }
    });

    it("is refused to a suspended trustee, and allowed again once reinstated", async () => {
      const { docs, deal, trustee, originator, servicer, custodian, suspend, govern } =
        await loadFixture(deployDocuments);
      await suspend(trustee.address);
      await expect(
        docs.connect(trustee).registerDocument(deal, PROSPECTUS, hashOf("x"), uriOf("x"), roleSet("TRUSTEE")),
      )
        .to.be.revertedWithCustomError(docs, "NotDocumentRegistrar")
        .withArgs(await deal.getAddress(), trustee.address);
      // The shared `reinstate` helper would ask the suspended trustee to vote: name the active voters.
      await govern(action(ActionKind.ReinstateMember, { account: trustee.address }), [originator, servicer, custodian]);
      await expect(
        docs.connect(trustee).registerDocument(deal, PROSPECTUS, hashOf("x"), uriOf("x"), roleSet("TRUSTEE")),
      ).to.emit(docs, "DocumentRegistered");
    });

    it("is refused to a suspended originator, and to a deal's originator without the ORIGINATOR role", async () => {
      const { docs, deal, registry, factory, originator, servicer, trustee, custodian, investor1, suspend, govern } =
        await loadFixture(deployDocuments);
      const roles = roleSet("TRUSTEE");
      await suspend(originator.address);
      await expect(docs.connect(originator).registerDocument(deal, PROSPECTUS, hashOf("x"), uriOf("x"), roles))
        .to.be.revertedWithCustomError(docs, "NotDocumentRegistrar")
        .withArgs(await deal.getAddress(), originator.address);
      await govern(action(ActionKind.ReinstateMember, { account: originator.address }), [servicer, trustee, custodian]);
      await expect(docs.connect(originator).registerDocument(deal, PROSPECTUS, hashOf("x"), uriOf("x"), roles)).to.emit(
        docs,
        "DocumentRegistered",
      );

      // A registered deal naming as originator an investor, which lacks the ORIGINATOR role.
      const odd = await ethers.deployContract("MockDealParties", [
        await registry.getAddress(),
        ethers.encodeBytes32String("ODD"),
        investor1.address,
        servicer.address,
        trustee.address,
      ]);
      await (await registry.connect(factory).registerDealContract(await odd.getAddress())).wait();
      await expect(docs.connect(investor1).registerDocument(odd, PROSPECTUS, hashOf("y"), uriOf("y"), roles))
        .to.be.revertedWithCustomError(docs, "NotDocumentRegistrar")
        .withArgs(await odd.getAddress(), investor1.address);
    });

    it("follows the deal's parties: a replaced trustee loses the power, and a party without the role has none", async () => {
      const { docs, deal, trustee, otherParty, investor1 } = await loadFixture(deployDocuments);
      const dealAddress = await deal.getAddress();
      await (await deal.setTrustee(otherParty.address)).wait();
      await expect(
        docs.connect(trustee).registerDocument(deal, PROSPECTUS, hashOf("x"), uriOf("x"), roleSet("TRUSTEE")),
      )
        .to.be.revertedWithCustomError(docs, "NotDocumentRegistrar")
        .withArgs(dealAddress, trustee.address);
      await expect(
        docs.connect(otherParty).registerDocument(deal, PROSPECTUS, hashOf("x"), uriOf("x"), roleSet("TRUSTEE")),
      ).to.emit(docs, "DocumentRegistered");
      // A deal naming as trustee an account without the TRUSTEE role.
      await (await deal.setTrustee(investor1.address)).wait();
      await expect(
        docs.connect(investor1).registerDocument(deal, PROSPECTUS, hashOf("y"), uriOf("y"), roleSet("TRUSTEE")),
      )
        .to.be.revertedWithCustomError(docs, "NotDocumentRegistrar")
        .withArgs(dealAddress, investor1.address);
    });
  });

  describe("signOff", () => {
    it("records each required role's sign-off and approves the document with the last one", async () => {
      const { docs, trustee, originator, custodian } = await loadFixture(deployWithDocument);
      await expect(docs.connect(trustee).signOff(1n, Role.TRUSTEE))
        .to.emit(docs, "DocumentSignedOff")
        .withArgs(1n, trustee.address, Role.TRUSTEE)
        .and.not.to.emit(docs, "DocumentApproved");
      expect(await docs.signedRoles(1n)).to.equal(roleSet("TRUSTEE"));
      expect(await docs.signerOf(1n, Role.TRUSTEE)).to.equal(trustee.address);
      expect(await docs.signerOf(1n, Role.ORIGINATOR)).to.equal(ethers.ZeroAddress);
      expect(await docs.isApproved(1n)).to.equal(false);

      await expect(docs.connect(custodian).signOff(1n, Role.CUSTODIAN))
        .to.emit(docs, "DocumentSignedOff")
        .withArgs(1n, custodian.address, Role.CUSTODIAN)
        .and.not.to.emit(docs, "DocumentApproved");
      expect(await docs.isApproved(1n)).to.equal(false);

      await expect(docs.connect(originator).signOff(1n, Role.ORIGINATOR))
        .to.emit(docs, "DocumentSignedOff")
        .withArgs(1n, originator.address, Role.ORIGINATOR)
        .and.to.emit(docs, "DocumentApproved")
        .withArgs(1n, 1n);
      expect(await docs.signedRoles(1n)).to.equal(TRUSTEE_ORIGINATOR_CUSTODIAN);
      expect((await docs.document(1n)).signedRoles).to.equal(TRUSTEE_ORIGINATOR_CUSTODIAN);
      expect(await docs.isApproved(1n)).to.equal(true);
    });

    it("lets any active member with a non-party role sign for it (regulator, guarantor)", async () => {
      const { docs, deal, trustee, regulator, guarantor } = await loadFixture(deployDocuments);
      const roles = roleSet("REGULATOR", "GUARANTOR");
      await (await docs.connect(trustee).registerDocument(deal, TRUST_DEED, hashOf("d"), uriOf("d"), roles)).wait();
      await expect(docs.connect(regulator).signOff(1n, Role.REGULATOR))
        .to.emit(docs, "DocumentSignedOff")
        .withArgs(1n, regulator.address, Role.REGULATOR);
      await expect(docs.connect(guarantor).signOff(1n, Role.GUARANTOR))
        .to.emit(docs, "DocumentApproved")
        .withArgs(1n, 1n);
    });

    it("the deal's servicer signs for SERVICER", async () => {
      const { docs, deal, trustee, servicer } = await loadFixture(deployDocuments);
      await (
        await docs.connect(trustee).registerDocument(deal, TRUST_DEED, hashOf("d"), uriOf("d"), roleSet("SERVICER"))
      ).wait();
      await expect(docs.connect(servicer).signOff(1n, Role.SERVICER))
        .to.emit(docs, "DocumentSignedOff")
        .withArgs(1n, servicer.address, Role.SERVICER)
        .and.to.emit(docs, "DocumentApproved")
        .withArgs(1n, 1n);
    });

    it("refuses every signer without the role, and a holder of the role who is not the deal's party", async () => {
      const f = await loadFixture(deployWithDocument);
      const dealAddress = await f.deal.getAddress();
      const lacking: HardhatEthersSigner[] = [
        f.deployer,
        f.originator,
        f.servicer,
        f.custodian,
        f.regulator,
        f.investor1,
        f.guarantor,
        f.exchange,
        f.outsider,
        f.factory,
      ];
      for (const signer of lacking) {
        await expect(f.docs.connect(signer).signOff(1n, Role.TRUSTEE))
          .to.be.revertedWithCustomError(f.docs, "SignerLacksRole")
          .withArgs(signer.address, Role.TRUSTEE);
      }
      for (const role of [Role.TRUSTEE, Role.ORIGINATOR]) {
        await expect(f.docs.connect(f.otherParty).signOff(1n, role))
          .to.be.revertedWithCustomError(f.docs, "SignerNotDealParty")
          .withArgs(dealAddress, f.otherParty.address, role);
      }
      // CUSTODIAN is required, but only the custodian holds it.
      await expect(f.docs.connect(f.trustee).signOff(1n, Role.CUSTODIAN))
        .to.be.revertedWithCustomError(f.docs, "SignerLacksRole")
        .withArgs(f.trustee.address, Role.CUSTODIAN);
    });

    it("refuses a servicer role holder who is not the deal's servicer", async () => {
      const { docs, deal, trustee, otherParty } = await loadFixture(deployDocuments);
      await (
        await docs.connect(trustee).registerDocument(deal, TRUST_DEED, hashOf("d"), uriOf("d"), roleSet("SERVICER"))
      ).wait();
      await expect(docs.connect(otherParty).signOff(1n, Role.SERVICER))
        .to.be.revertedWithCustomError(docs, "SignerNotDealParty")
        .withArgs(await deal.getAddress(), otherParty.address, Role.SERVICER);
    });

    it("refuses a suspended signer, and accepts it once reinstated", async () => {
      const { docs, custodian, suspend, reinstate } = await loadFixture(deployWithDocument);
      await suspend(custodian.address);
      await expect(docs.connect(custodian).signOff(1n, Role.CUSTODIAN))
        .to.be.revertedWithCustomError(docs, "SignerLacksRole")
        .withArgs(custodian.address, Role.CUSTODIAN);
      await reinstate(custodian.address);
      await expect(docs.connect(custodian).signOff(1n, Role.CUSTODIAN)).to.emit(docs, "DocumentSignedOff");
    });

    it("refuses a role that is not required", async () => {
      const { docs, regulator, servicer } = await loadFixture(deployWithDocument);
      await expect(docs.connect(regulator).signOff(1n, Role.REGULATOR))
        .to.be.revertedWithCustomError(docs, "RoleNotRequired")
        .withArgs(1n, Role.REGULATOR);
      await expect(docs.connect(servicer).signOff(1n, Role.SERVICER))
        .to.be.revertedWithCustomError(docs, "RoleNotRequired")
        .withArgs(1n, Role.SERVICER);
    });

    it("signs each role once, whoever tries again", async () => {
      const { docs, deal, trustee, otherParty } = await loadFixture(deployWithDocument);
      await (await docs.connect(trustee).signOff(1n, Role.TRUSTEE)).wait();
      await expect(docs.connect(trustee).signOff(1n, Role.TRUSTEE))
        .to.be.revertedWithCustomError(docs, "RoleAlreadySigned")
        .withArgs(1n, Role.TRUSTEE, trustee.address);
      // A new trustee of the deal cannot sign the same role again either.
      await (await deal.setTrustee(otherParty.address)).wait();
      await expect(docs.connect(otherParty).signOff(1n, Role.TRUSTEE))
        .to.be.revertedWithCustomError(docs, "RoleAlreadySigned")
        .withArgs(1n, Role.TRUSTEE, trustee.address);
    });

    it("refuses a superseded document, even an approved one; the new version starts unsigned", async () => {
      const { docs, deal, trustee, originator, custodian } = await loadFixture(deployWithDocument);
      await (await docs.connect(trustee).signOff(1n, Role.TRUSTEE)).wait();
      await (
        await docs
          .connect(trustee)
          .registerDocument(deal, PROSPECTUS, hashOf("p2"), uriOf("p2"), TRUSTEE_ORIGINATOR_CUSTODIAN)
      ).wait();
      await expect(docs.connect(originator).signOff(1n, Role.ORIGINATOR))
        .to.be.revertedWithCustomError(docs, "DocumentAlreadySuperseded")
        .withArgs(1n, 2n);
      expect(await docs.signedRoles(2n)).to.equal(0n);
      expect(await docs.signerOf(2n, Role.TRUSTEE)).to.equal(ethers.ZeroAddress);

      for (const [s, role] of [
        [trustee, Role.TRUSTEE],
        [originator, Role.ORIGINATOR],
        [custodian, Role.CUSTODIAN],
      ] as const) {
        await (await docs.connect(s).signOff(2n, role)).wait();
      }
      expect(await docs.isApproved(2n)).to.equal(true);
      await (
        await docs.connect(trustee).registerDocument(deal, PROSPECTUS, hashOf("p3"), uriOf("p3"), roleSet("TRUSTEE"))
      ).wait();
      // The approval of version 2 stays on record; version 2 can no longer be signed.
      expect(await docs.isApproved(2n)).to.equal(true);
      await expect(docs.connect(trustee).signOff(2n, Role.TRUSTEE))
        .to.be.revertedWithCustomError(docs, "DocumentAlreadySuperseded")
        .withArgs(2n, 3n);
    });

    it("refuses an unknown document", async () => {
      const { docs, trustee } = await loadFixture(deployWithDocument);
      for (const id of [0n, 2n]) {
        await expect(docs.connect(trustee).signOff(id, Role.TRUSTEE))
          .to.be.revertedWithCustomError(docs, "DocumentNotFound")
          .withArgs(id);
      }
    });
  });

  describe("views", () => {
    it("revert with DocumentNotFound for an unknown id", async () => {
      const { docs } = await loadFixture(deployWithDocument);
      await expect(docs.document(2n)).to.be.revertedWithCustomError(docs, "DocumentNotFound").withArgs(2n);
      await expect(docs.signedRoles(0n)).to.be.revertedWithCustomError(docs, "DocumentNotFound").withArgs(0n);
      await expect(docs.signerOf(2n, Role.TRUSTEE))
        .to.be.revertedWithCustomError(docs, "DocumentNotFound")
        .withArgs(2n);
      await expect(docs.isApproved(2n)).to.be.revertedWithCustomError(docs, "DocumentNotFound").withArgs(2n);
    });
  });

  describe("invariants (DOC-1 .. DOC-5, random sequences)", () => {
    /** Signers the sequences draw from, by index. */
    const SIGNERS = ["originator", "servicer", "trustee", "custodian", "regulator", "guarantor", "otherParty"] as const;
    type SignerName = (typeof SIGNERS)[number];
    /** Roles the sequences require and sign for. */
    const ROLES: RoleName[] = ["ORIGINATOR", "SERVICER", "TRUSTEE", "CUSTODIAN", "REGULATOR", "GUARANTOR"];
    /** What each signer holds in the fixture (otherParty: the three party roles, of no test deal). */
    const HOLDS: Record<SignerName, RoleName[]> = {
      originator: ["ORIGINATOR"],
      servicer: ["SERVICER"],
      trustee: ["TRUSTEE"],
      custodian: ["CUSTODIAN"],
      regulator: ["REGULATOR"],
      guarantor: ["GUARANTOR"],
      otherParty: ["ORIGINATOR", "SERVICER", "TRUSTEE"],
    };
    const PARTY: Partial<Record<RoleName, SignerName>> = {
      ORIGINATOR: "originator",
      SERVICER: "servicer",
      TRUSTEE: "trustee",
    };
    const TYPES = [PROSPECTUS, TRUST_DEED];

    type Step =
      | { kind: "register"; deal: number; type: number; by: "trustee" | "originator" | "servicer"; roles: number }
      | { kind: "sign"; pick: number; role: number | "next"; signer: number | "proper" }
      | { kind: "toggleSuspension"; who: "trustee" | "regulator" };

    /** The member that may sign for each role in the fixture's deals. */
    const PROPER: Record<RoleName, SignerName> = {
      ORIGINATOR: "originator",
      SERVICER: "servicer",
      TRUSTEE: "trustee",
      CUSTODIAN: "custodian",
      REGULATOR: "regulator",
      GUARANTOR: "guarantor",
      INVESTOR: "otherParty", // never required by these sequences
      EXCHANGE: "otherParty", // never required by these sequences
    };

    const roleMask = fc
      .subarray(ROLES, { minLength: 1, maxLength: 3 })
      .map((names) => roleSet(...names))
      .filter((m) => m !== 0);
    const registerArb = fc.record({
      kind: fc.constant("register" as const),
      deal: fc.integer({ min: 0, max: 1 }),
      type: fc.integer({ min: 0, max: TYPES.length - 1 }),
      by: fc.constantFrom("trustee" as const, "originator" as const, "servicer" as const),
      roles: roleMask,
    });
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      { weight: 2, arbitrary: registerArb },
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant("sign" as const),
          pick: fc.nat(),
          // Mostly the document's next unsigned required role, by its proper signer, so that sign-offs
          // and approvals happen; otherwise any role by any signer, to reach every refusal.
          role: fc.oneof(
            { weight: 3, arbitrary: fc.constant("next" as const) },
            { weight: 2, arbitrary: fc.integer({ min: 0, max: ROLES.length - 1 }) },
          ),
          signer: fc.oneof(
            { weight: 3, arbitrary: fc.constant("proper" as const) },
            { weight: 2, arbitrary: fc.integer({ min: 0, max: SIGNERS.length - 1 }) },
          ),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("toggleSuspension" as const),
          who: fc.constantFrom("trustee" as const, "regulator" as const),
        }),
      },
    );

    interface ModelDoc {
      deal: number;
      type: number;
      version: bigint;
      roles: number;
      signed: number;
      contentHash: string;
      uri: string;
      registeredBy: string;
    }

    it("hold after every step of random register / sign-off / suspend sequences", async function () {
      this.timeout(900_000);
      await fc.assert(
        // Every sequence starts with a registration, so that its sign-offs have a document to aim at.
        fc.asyncProperty(registerArb, fc.array(stepArb, { maxLength: 20, size: "medium" }), async (first, rest) => {
          const steps: Step[] = [first, ...rest];
          const f = await loadFixture(deployDocuments);
          const startBlock = await ethers.provider.getBlockNumber();
          const deals = [f.deal, f.deal2];
          const signer = (name: SignerName): HardhatEthersSigner => f[name];
          const suspended = new Set<SignerName>();
          const model: ModelDoc[] = [];
          const isCurrent = (i: number) =>
            !model.some((d, j) => j > i && d.deal === model[i]?.deal && d.type === model[i]?.type);

          for (const [n, s] of steps.entries()) {
            if (s.kind === "toggleSuspension") {
              const account = signer(s.who).address;
              // Voted by the three voters the sequences never suspend (the trustee may be suspended).
              const kind = suspended.has(s.who) ? ActionKind.ReinstateMember : ActionKind.SuspendMember;
              await f.govern(action(kind, { account }), [f.originator, f.servicer, f.custodian]);
              if (suspended.has(s.who)) suspended.delete(s.who);
              else suspended.add(s.who);
            } else if (s.kind === "register") {
              const ok = s.by !== "servicer" && !suspended.has(s.by);
              const label = `step-${n}`;
              const deal = deals[s.deal];
              const type = TYPES[s.type];
              if (!deal || !type) throw new Error("bad draw");
              const tx = f.docs
                .connect(signer(s.by))
                .registerDocument(deal, type, hashOf(label), uriOf(label), s.roles);
              if (ok) {
                await (await tx).wait();
                const version = BigInt(model.filter((d) => d.deal === s.deal && d.type === s.type).length + 1);
                model.push({
                  deal: s.deal,
                  type: s.type,
                  version,
                  roles: s.roles,
                  signed: 0,
                  contentHash: hashOf(label),
                  uri: uriOf(label),
                  registeredBy: signer(s.by).address,
                });
              } else {
                await expect(tx).to.be.revertedWithCustomError(f.docs, "NotDocumentRegistrar");
              }
            } else {
              // Pick one of the documents, or (when there are none, or 1 time in 8) an unknown id.
              const index = model.length === 0 || s.pick % 8 === 7 ? model.length : s.pick % model.length;
              const d = model[index];
              const unsigned = ROLES.filter((r) => d && (d.roles & ~d.signed & (1 << Role[r])) !== 0);
              const roleName = s.role === "next" ? (unsigned[0] ?? "TRUSTEE") : ROLES[s.role];
              if (!roleName) throw new Error("bad draw");
              const who = s.signer === "proper" ? PROPER[roleName] : SIGNERS[s.signer];
              if (!who) throw new Error("bad draw");
              const role = Role[roleName];
              const bit = 1 << role;
              const tx = f.docs.connect(signer(who)).signOff(index + 1, role);
              // DOC-4: the model's rules, in the contract's order of checks.
              if (!d) await expect(tx).to.be.revertedWithCustomError(f.docs, "DocumentNotFound");
              else if (!isCurrent(index))
                await expect(tx).to.be.revertedWithCustomError(f.docs, "DocumentAlreadySuperseded");
              else if ((d.roles & bit) === 0) await expect(tx).to.be.revertedWithCustomError(f.docs, "RoleNotRequired");
              else if ((d.signed & bit) !== 0)
                await expect(tx).to.be.revertedWithCustomError(f.docs, "RoleAlreadySigned");
              else if (!HOLDS[who].includes(roleName) || suspended.has(who))
                await expect(tx).to.be.revertedWithCustomError(f.docs, "SignerLacksRole");
              else if (PARTY[roleName] !== undefined && PARTY[roleName] !== who)
                await expect(tx).to.be.revertedWithCustomError(f.docs, "SignerNotDealParty");
              else {
                await (await tx).wait();
                d.signed |= bit;
              }
            }

            expect(await f.docs.documentCount()).to.equal(BigInt(model.length));
            for (const [i, d] of model.entries()) {
              const id = BigInt(i + 1);
              const onChain = await f.docs.document(id);
              // DOC-5: what was registered never changes.
              expect(onChain.deal).to.equal(await deals[d.deal]?.getAddress());
              expect(onChain.docType).to.equal(TYPES[d.type]);
              expect(onChain.version).to.equal(d.version);
              expect(onChain.contentHash).to.equal(d.contentHash);
              expect(onChain.uri).to.equal(d.uri);
              expect(onChain.requiredRoles).to.equal(d.roles);
              expect(onChain.registeredBy).to.equal(d.registeredBy);
              // DOC-3: signed roles are a subset of the required ones; approved iff all are signed.
              expect(onChain.signedRoles).to.equal(d.signed);
              expect(onChain.signedRoles & ~onChain.requiredRoles).to.equal(0n);
              expect(await f.docs.isApproved(id)).to.equal(d.signed === d.roles);
              // DOC-1 / DOC-2: one current version per (deal, type), linked both ways to its neighbours.
              const current = isCurrent(i);
              expect(onChain.status).to.equal(current ? DocStatus.Current : DocStatus.Superseded);
              if (d.version > 1n) {
                const previous = await f.docs.document(onChain.supersedes);
                expect(previous.version).to.equal(d.version - 1n);
                expect(previous.supersededBy).to.equal(id);
                expect([previous.deal, previous.docType]).to.deep.equal([onChain.deal, onChain.docType]);
              } else {
                expect(onChain.supersedes).to.equal(0n);
              }
              if (current) {
                expect(onChain.supersededBy).to.equal(0n);
                const deal = deals[d.deal];
                const type = TYPES[d.type];
                if (!deal || !type) throw new Error("bad model");
                expect(await f.docs.latestVersion(deal, type)).to.deep.equal([id, d.version]);
              }
            }
          }

          // DOC-3: DocumentApproved was emitted exactly once for each approved document, never otherwise.
          const approvals = await f.docs.queryFilter(f.docs.filters.DocumentApproved(), startBlock + 1);
          for (const [i, d] of model.entries()) {
            const count = approvals.filter((e) => e.args.docId === BigInt(i + 1)).length;
            expect(count).to.equal(d.signed === d.roles ? 1 : 0);
          }
        }),
        { numRuns: 60 },
      );
    });
  });
});
