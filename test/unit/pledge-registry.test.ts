import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { generatePledgeKey } from "@abs/core";
import { action, deployConsortium, memberId, NO_ELIGIBILITY } from "../helpers/consortium";
import { ActionKind, roleSet } from "../helpers/roles";

/** Mirrors `IPledgeRegistry.PledgePolicy`. */
const Policy = { None: 0, Alert: 1, Refuse: 2 } as const;

const fingerprint = (label: string) => ethers.id(`loan:${label}`);
const KEY = ethers.hexlify(generatePledgeKey().publicKey);

async function deployPledges() {
  const consortium = await deployConsortium();
  const { registry, originator, servicer, trustee, regulator, govern } = consortium;
  const signers = await ethers.getSigners();
  const factory = signers[12];
  const originator2 = signers[14];
  if (!factory || !originator2) throw new Error("hardhat signers 12 and 14 missing");
  // A second originator, with its own pool.
  await govern(
    action(ActionKind.AdmitMember, {
      account: originator2.address,
      memberId: memberId("ORG2"),
      legalEntityHash: ethers.id("legal-entity:ORG2"),
      roles: roleSet("ORIGINATOR"),
      eligibility: NO_ELIGIBILITY,
    }),
  );
  const registryAddress = await registry.getAddress();
  const mockDeal = async (name: string, by: string) => {
    const d = await ethers.deployContract("MockDealParties", [
      registryAddress,
      ethers.encodeBytes32String(name),
      by,
      servicer.address,
      trustee.address,
    ]);
    await d.waitForDeployment();
    return d;
  };
  const poolA = await mockDeal("ABS-A", originator.address);
  const poolB = await mockDeal("ABS-B", originator2.address);
  const unregistered = await mockDeal("NOT-REGISTERED", originator.address);
  await consortium.authorizeFactory(factory.address);
  for (const pool of [poolA, poolB]) {
    await (await registry.connect(factory).registerDealContract(await pool.getAddress())).wait();
  }
  const pledges = await ethers.deployContract("PledgeRegistry", [registryAddress]);
  await pledges.waitForDeployment();
  await (await pledges.connect(regulator).publishFingerprintKey(KEY)).wait();
  return { ...consortium, pledges, poolA, poolB, unregistered, originator2 };
}

/** Both pools registering, A refusing and B alerting. */
async function deployConfigured() {
  const f = await deployPledges();
  await (await f.pledges.connect(f.trustee).setPolicy(f.poolA, Policy.Refuse)).wait();
  await (await f.pledges.connect(f.trustee).setPolicy(f.poolB, Policy.Alert)).wait();
  return f;
}

describe("PledgeRegistry", () => {
  describe("the key service's key", () => {
    it("is published by a regulator, and fixed once a loan is pledged", async () => {
      const { pledges, regulator, poolA, trustee, originator } = await loadFixture(deployPledges);
      const [key, service] = await pledges.fingerprintKey();
      expect(key).to.equal(KEY);
      expect(service).to.equal(regulator.address);
      const other = ethers.hexlify(generatePledgeKey().publicKey);
      await expect(pledges.connect(regulator).publishFingerprintKey(other))
        .to.emit(pledges, "FingerprintKeyPublished")
        .withArgs(regulator.address, other);
      await (await pledges.connect(trustee).setPolicy(poolA, Policy.Refuse)).wait();
      await (await pledges.connect(originator).register(poolA, [fingerprint("1")])).wait();
      await expect(pledges.connect(regulator).publishFingerprintKey(KEY))
        .to.be.revertedWithCustomError(pledges, "FingerprintKeyInUse")
        .withArgs(1n);
    });

    it("refuses a caller without the regulator role and a key that is not a compressed point", async () => {
      const { pledges, regulator, originator } = await loadFixture(deployPledges);
      await expect(pledges.connect(originator).publishFingerprintKey(KEY))
        .to.be.revertedWithCustomError(pledges, "NotKeyService")
        .withArgs(originator.address);
      await expect(pledges.connect(regulator).publishFingerprintKey("0x04" + "11".repeat(32)))
        .to.be.revertedWithCustomError(pledges, "InvalidFingerprintKey")
        .withArgs(33n);
      await expect(pledges.connect(regulator).publishFingerprintKey("0x02" + "11".repeat(31)))
        .to.be.revertedWithCustomError(pledges, "InvalidFingerprintKey")
        .withArgs(32n);
    });

    it("registration waits for a published key", async () => {
      const { registry, trustee, originator, poolA } = await loadFixture(deployPledges);
      const fresh = await ethers.deployContract("PledgeRegistry", [await registry.getAddress()]);
      await (await fresh.connect(trustee).setPolicy(poolA, Policy.Refuse)).wait();
      await expect(fresh.connect(originator).register(poolA, [fingerprint("1")])).to.be.revertedWithCustomError(
        fresh,
        "FingerprintKeyMissing",
      );
    });
  });

  describe("policies", () => {
    it("are set by the pool's trustee only, for registered deal contracts", async () => {
      const { pledges, trustee, originator, poolA, unregistered } = await loadFixture(deployPledges);
      await expect(pledges.connect(trustee).setPolicy(poolA, Policy.Alert))
        .to.emit(pledges, "PledgePolicySet")
        .withArgs(await poolA.getAddress(), Policy.None, Policy.Alert, trustee.address);
      expect(await pledges.policyOf(poolA)).to.equal(BigInt(Policy.Alert));
      await expect(pledges.connect(originator).setPolicy(poolA, Policy.None))
        .to.be.revertedWithCustomError(pledges, "NotPoolTrustee")
        .withArgs(await poolA.getAddress(), originator.address);
      await expect(pledges.connect(trustee).setPolicy(unregistered, Policy.Refuse))
        .to.be.revertedWithCustomError(pledges, "NotDealContract")
        .withArgs(await unregistered.getAddress());
    });

    it("a pool without one registers nothing", async () => {
      const { pledges, originator, poolA } = await loadFixture(deployPledges);
      await expect(pledges.connect(originator).register(poolA, [fingerprint("1")]))
        .to.be.revertedWithCustomError(pledges, "PledgePolicyNotSet")
        .withArgs(await poolA.getAddress());
    });
  });

  describe("register", () => {
    it("records each loan's pool; the same pool registering again (a later tape) changes nothing", async () => {
      const { pledges, originator, poolA } = await loadFixture(deployConfigured);
      const a = await poolA.getAddress();
      await expect(pledges.connect(originator).register(poolA, [fingerprint("1"), fingerprint("2")]))
        .to.emit(pledges, "PledgesRegistered")
        .withArgs(a, originator.address, 2n, 2n, 0n);
      await expect(pledges.connect(originator).register(poolA, [fingerprint("2"), fingerprint("3")]))
        .to.emit(pledges, "PledgesRegistered")
        .withArgs(a, originator.address, 2n, 1n, 0n);
      expect(await pledges.pledgedTo(fingerprint("2"))).to.equal(a);
      expect(await pledges.pledgeCount(a)).to.equal(3n);
      expect(await pledges.totalPledges()).to.equal(3n);
      expect(await pledges.pledgesOf([fingerprint("1"), fingerprint("9")])).to.deep.equal([a, ethers.ZeroAddress]);
    });

    it("a refusing pool's registration reverts whole on a loan pledged elsewhere: nothing is recorded", async () => {
      const { pledges, originator, originator2, poolA, poolB } = await loadFixture(deployConfigured);
      await (await pledges.connect(originator2).register(poolB, [fingerprint("shared")])).wait();
      await expect(pledges.connect(originator).register(poolA, [fingerprint("own"), fingerprint("shared")]))
        .to.be.revertedWithCustomError(pledges, "AlreadyPledged")
        .withArgs(fingerprint("shared"), await poolB.getAddress());
      expect(await pledges.pledgedTo(fingerprint("own"))).to.equal(ethers.ZeroAddress);
      expect(await pledges.pledgeCount(poolA)).to.equal(0n);
    });

    it("an alerting pool's registration raises DoublePledge; the first pool keeps the loan", async () => {
      const { pledges, originator, originator2, poolA, poolB } = await loadFixture(deployConfigured);
      const a = await poolA.getAddress();
      const b = await poolB.getAddress();
      await (await pledges.connect(originator).register(poolA, [fingerprint("shared")])).wait();
      await expect(pledges.connect(originator2).register(poolB, [fingerprint("own"), fingerprint("shared")]))
        .to.emit(pledges, "DoublePledge")
        .withArgs(fingerprint("shared"), a, b, originator2.address)
        .and.to.emit(pledges, "PledgesRegistered")
        .withArgs(b, originator2.address, 2n, 1n, 1n);
      expect(await pledges.pledgedTo(fingerprint("shared"))).to.equal(a);
      expect(await pledges.pledgeCount(b)).to.equal(1n);
    });

    it("refuses another originator, an unregistered pool, an empty fingerprint and a suspended originator", async () => {
      const { pledges, originator, originator2, poolA, unregistered, govern } = await loadFixture(deployConfigured);
      await expect(pledges.connect(originator2).register(poolA, [fingerprint("1")]))
        .to.be.revertedWithCustomError(pledges, "NotPoolOriginator")
        .withArgs(await poolA.getAddress(), originator2.address);
      await expect(pledges.connect(originator).register(unregistered, [fingerprint("1")]))
        .to.be.revertedWithCustomError(pledges, "NotDealContract")
        .withArgs(await unregistered.getAddress());
      await expect(pledges.connect(originator).register(poolA, [fingerprint("1"), ethers.ZeroHash]))
        .to.be.revertedWithCustomError(pledges, "EmptyFingerprint")
        .withArgs(1n);
      await govern(action(ActionKind.SuspendMember, { account: originator.address }));
      await expect(pledges.connect(originator).register(poolA, [fingerprint("1")])).to.be.revertedWithCustomError(
        pledges,
        "NotPoolOriginator",
      );
    });
  });

  describe("release", () => {
    it("frees the pool's loans for another pledge; only the trustee, only loans of that pool", async () => {
      const { pledges, originator, originator2, trustee, poolA, poolB } = await loadFixture(deployConfigured);
      const a = await poolA.getAddress();
      await (await pledges.connect(originator).register(poolA, [fingerprint("1"), fingerprint("2")])).wait();
      await expect(pledges.connect(originator).release(poolA, [fingerprint("1")])).to.be.revertedWithCustomError(
        pledges,
        "NotPoolTrustee",
      );
      await expect(pledges.connect(trustee).release(poolA, [fingerprint("9")]))
        .to.be.revertedWithCustomError(pledges, "NotPledgedToPool")
        .withArgs(fingerprint("9"), a, ethers.ZeroAddress);
      await expect(pledges.connect(trustee).release(poolA, [fingerprint("1")]))
        .to.emit(pledges, "PledgesReleased")
        .withArgs(a, trustee.address, 1n);
      expect(await pledges.pledgeCount(a)).to.equal(1n);
      await expect(pledges.connect(originator2).register(poolB, [fingerprint("1")])).to.not.emit(
        pledges,
        "DoublePledge",
      );
      expect(await pledges.pledgedTo(fingerprint("1"))).to.equal(await poolB.getAddress());
    });
  });

  it("keeps one pool per loan and counts that add up, over random sequences (property)", async () => {
    const f = await loadFixture(deployConfigured);
    const pools = [f.poolA, f.poolB];
    const senders = [f.originator, f.originator2];
    const addresses = await Promise.all(pools.map((p) => p.getAddress()));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            pool: fc.integer({ min: 0, max: 1 }),
            release: fc.boolean(),
            loans: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 4 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (steps) => {
          const model = new Map<number, number>();
          for (const [label, owner] of await Promise.all(
            [0, 1, 2, 3, 4, 5, 6, 7].map(async (l) => [l, await f.pledges.pledgedTo(fingerprint(`p${l}`))] as const),
          )) {
            const index = addresses.indexOf(owner);
            if (index >= 0) model.set(label, index);
          }
          for (const step of steps) {
            const pool = pools[step.pool];
            const sender = senders[step.pool];
            if (!pool || !sender) throw new Error("no pool");
            const fps = step.loans.map((l) => fingerprint(`p${l}`));
            if (step.release) {
              const ours = step.loans.filter((l) => model.get(l) === step.pool);
              if (ours.length === 0) continue;
              await (
                await f.pledges.connect(f.trustee).release(
                  pool,
                  ours.map((l) => fingerprint(`p${l}`)),
                )
              ).wait();
              for (const l of ours) model.delete(l);
              continue;
            }
            const refused = step.pool === 0 && step.loans.some((l) => model.get(l) === 1);
            if (refused) {
              await expect(f.pledges.connect(sender).register(pool, fps)).to.be.revertedWithCustomError(
                f.pledges,
                "AlreadyPledged",
              );
              continue;
            }
            await (await f.pledges.connect(sender).register(pool, fps)).wait();
            for (const l of step.loans) if (!model.has(l)) model.set(l, step.pool);
          }
          for (let l = 0; l < 8; l += 1) {
            const owner = model.get(l);
            expect(await f.pledges.pledgedTo(fingerprint(`p${l}`))).to.equal(
              owner === undefined ? ethers.ZeroAddress : addresses[owner],
            );
          }
          const counts = [0, 1].map((p) => [...model.values()].filter((o) => o === p).length);
          expect(await f.pledges.pledgeCount(addresses[0] ?? "")).to.equal(BigInt(counts[0] ?? 0));
          expect(await f.pledges.pledgeCount(addresses[1] ?? "")).to.equal(BigInt(counts[1] ?? 0));
          expect(await f.pledges.totalPledges()).to.equal(BigInt(model.size));
        },
      ),
      { numRuns: 15 },
    );
  });
});
