/**
 * Integration: the consortium as `deploy/` builds it (registry, factories, cash token, documents and
 * the sample deal, Active with its tranches issued), exercised across contracts. The point here is
 * what no single contract's unit test can show: one governed registry change takes effect in every
 * contract in the same block.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { encodeBytes32String, id as keccakText } from "ethers";
import { ActionKind, Role } from "@abs/core";
import {
  AssetPool__factory,
  CashToken__factory,
  ConsortiumRegistry__factory,
  DocumentRegistry__factory,
  Offering__factory,
  OfferingFactory__factory,
  TrancheToken__factory,
} from "../../typechain-types";
import { AddressBook } from "../../deploy/address-book";
import { loadNetworkConfig } from "../../deploy/config";
import { blankAction, deployConsortium } from "../../deploy/consortium";
import { memberSigners, resolveSigner } from "../../deploy/signers";

const DAY = 86_400n;
// ERC-1404 codes of TrancheToken (contracts/tokens/TransferRestrictions.sol): sender/receiver not active.
const SENDER_NOT_ACTIVE = 12;
const RECEIVER_NOT_ACTIVE = 22;
const CASH_RECEIVER_NOT_HOLDER = 2;

async function deployedConsortium() {
  const config = loadNetworkConfig("localhost");
  const provider = ethers.provider;
  const book = AddressBook.open(`/tmp/abs-integration-${process.pid}-${Date.now()}.json`, {
    network: "integration",
    chainId: 31337,
    genesisHash: "integration",
  });
  const d = await deployConsortium({
    config,
    provider,
    deployer: resolveSigner(config.deployer, provider),
    signerOf: memberSigners(config, provider),
    book,
    log: () => undefined,
  });
  // Act through Hardhat's own signers (same accounts): they re-read nonces after a fixture revert.
  const signers = await ethers.getSigners();
  const byName = (name: string): HardhatEthersSigner => {
    const member = config.members.find((m) => m.name === name);
    const signer = member && "hardhatAccount" in member.signer ? signers[member.signer.hardhatAccount] : undefined;
    if (!signer) throw new Error(`no Hardhat signer for ${name}`);
    return signer;
  };
  const sample = d.sampleDeal;
  if (!sample) throw new Error("the localhost config has no sample deal");
  const registry = ConsortiumRegistry__factory.connect(d.registry, provider);
  const voters = config.members.filter((m) => m.voting).map((m) => byName(m.name));

  /** Pass an action with the first k active voters. */
  async function govern(fields: Parameters<typeof blankAction>[0]) {
    const k = Number(await registry.threshold());
    const active: HardhatEthersSigner[] = [];
    for (const v of voters) if ((await registry.member(v.address)).status === 1n) active.push(v);
    const [proposer, ...rest] = active;
    if (!proposer) throw new Error("no active voter");
    await (await registry.connect(proposer).propose(blankAction(fields), DAY)).wait();
    const id = await registry.proposalCount();
    for (const v of rest.slice(0, k - 1)) await (await registry.connect(v).approve(id)).wait();
  }

  return {
    d,
    sample,
    registry,
    pool: AssetPool__factory.connect(sample.pool, provider),
    classA: TrancheToken__factory.connect(sample.tranches[0]?.address ?? "", provider),
    cash: CashToken__factory.connect(d.cashToken, provider),
    documents: DocumentRegistry__factory.connect(d.documents, provider),
    byName,
    govern,
  };
}

describe("consortium (integration, deployed by deploy/)", () => {
  it("gave the sample deal a configured waterfall from the governed factory before the offering", async () => {
    const { pool, registry } = await loadFixture(deployedConsortium);
    const address = await pool.waterfall();
    expect(await registry.isDealContract(address)).to.equal(true);
    const waterfall = await ethers.getContractAt("Waterfall", address);
    expect(await waterfall.configured()).to.equal(true);
    expect(await waterfall.pool()).to.equal(await pool.getAddress());
    expect((await waterfall.config()).tranches.length).to.equal((await pool.tranches()).length);
  });

  it("issued the sample deal to eligible holders only, for exactly the pool's principal", async () => {
    const { pool, registry, sample } = await loadFixture(deployedConsortium);
    const tape = await pool.tape(1);
    let faces = 0n;
    for (const t of sample.tranches) {
      const token = TrancheToken__factory.connect(t.address, ethers.provider);
      const terms = await token.terms();
      expect(await token.totalSupply()).to.equal(terms.originalFaceCents);
      faces += terms.originalFaceCents;
      const filter = token.filters.Transfer();
      for (const log of await token.queryFilter(filter)) {
        expect(await registry.holderCode(log.args.to, terms.allowedInvestorClasses)).to.equal(0n);
      }
    }
    expect(faces).to.equal(tape.anchor.totalPrincipalCents);
  });

  it("issued the sample deal through its offering: every note paid in cash, the originator paid for the loans", async () => {
    const { d, pool, cash, byName } = await loadFixture(deployedConsortium);
    const offering = Offering__factory.connect(
      await OfferingFactory__factory.connect(d.offeringFactory, ethers.provider).offeringOf(d.sampleDeal?.pool ?? ""),
      ethers.provider,
    );
    expect(await offering.status()).to.equal(1n); // Closed
    expect(await cash.balanceOf(await offering.getAddress())).to.equal(0n);
    // At par the originator received the whole face for the loans (its own purchase of the junior notes
    // was paid in cash too, and came back as part of the price).
    const tape = await pool.tape(1);
    expect(await cash.balanceOf(byName("originator").address)).to.equal(tape.anchor.totalPrincipalCents);
    // Cash is bank money: every cent outstanding was credited by the custodian against a bank reference.
    expect(await cash.totalSupply()).to.equal(await cash.recordedBankBalanceCents());
    let paid = 0n;
    for (const log of await offering.queryFilter(offering.filters.Allocated())) paid += log.args.costCents;
    expect(paid).to.equal(tape.anchor.totalPrincipalCents);
  });

  it("suspending an investor blocks it in the tranche and the cash token at once; reinstating restores it", async () => {
    const { classA, cash, govern, byName } = await loadFixture(deployedConsortium);
    const investor1 = byName("investor-1");
    const investor2 = byName("investor-2");
    const custodian = byName("custodian");
    await (await cash.connect(custodian).mint(investor2.address, 10_000n, keccakText("BANKREF-IT-1"))).wait();

    await govern({ kind: ActionKind.SuspendMember, account: investor1.address });
    await expect(classA.connect(investor1).transfer(investor2.address, 1n))
      .to.be.revertedWithCustomError(classA, "TransferRestricted")
      .withArgs(SENDER_NOT_ACTIVE, investor1.address, investor2.address, 1n);
    await expect(classA.connect(investor2).transfer(investor1.address, 1n))
      .to.be.revertedWithCustomError(classA, "TransferRestricted")
      .withArgs(RECEIVER_NOT_ACTIVE, investor2.address, investor1.address, 1n);
    await expect(cash.connect(investor2).transfer(investor1.address, 1n))
      .to.be.revertedWithCustomError(cash, "CashTransferRestricted")
      .withArgs(investor2.address, investor1.address, CASH_RECEIVER_NOT_HOLDER);

    await govern({ kind: ActionKind.ReinstateMember, account: investor1.address });
    await expect(classA.connect(investor2).transfer(investor1.address, 1n)).to.changeTokenBalances(
      classA,
      [investor2, investor1],
      [-1n, 1n],
    );
    await expect(cash.connect(investor2).transfer(investor1.address, 1n)).to.changeTokenBalances(
      cash,
      [investor2, investor1],
      [-1n, 1n],
    );
  });

  it("suspending the trustee removes its powers in the pool, the tranche tokens and the documents at once", async () => {
    const { pool, classA, documents, govern, byName } = await loadFixture(deployedConsortium);
    const trustee = byName("trustee");
    const investor1 = byName("investor-1");
    await govern({ kind: ActionKind.SuspendMember, account: trustee.address });

    await expect(pool.connect(trustee).startAmortization())
      .to.be.revertedWithCustomError(pool, "NotTrustee")
      .withArgs(trustee.address);
    await expect(classA.connect(trustee).freeze(investor1.address, keccakText("order")))
      .to.be.revertedWithCustomError(classA, "NotTrustee")
      .withArgs(trustee.address);
    await expect(
      documents
        .connect(trustee)
        .registerDocument(
          await pool.getAddress(),
          encodeBytes32String("SERVICING"),
          keccakText("v1"),
          "abs-node://trustee/servicing-v1.pdf",
          1 << Role.TRUSTEE,
        ),
    )
      .to.be.revertedWithCustomError(documents, "NotDocumentRegistrar")
      .withArgs(await pool.getAddress(), trustee.address);

    await govern({ kind: ActionKind.ReinstateMember, account: trustee.address });
    await expect(pool.connect(trustee).startAmortization()).to.emit(pool, "StateChanged");
  });

  it("an investor whose eligibility lapses can no longer receive the tranche", async () => {
    const { classA, registry, govern, byName } = await loadFixture(deployedConsortium);
    const investor1 = byName("investor-1");
    const investor2 = byName("investor-2");
    const before = await registry.member(investor2.address);
    const now = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
    await govern({
      kind: ActionKind.SetEligibility,
      account: investor2.address,
      eligibility: {
        investorClass: before.eligibility.investorClass,
        jurisdiction: before.eligibility.jurisdiction,
        validUntil: now + 10n,
      },
    });
    await ethers.provider.send("evm_increaseTime", [60]);
    await expect(classA.connect(investor1).transfer(investor2.address, 1n))
      .to.be.revertedWithCustomError(classA, "TransferRestricted")
      .withArgs(25, investor1.address, investor2.address, 1n); // RECEIVER_ELIGIBILITY_EXPIRED
  });
});
