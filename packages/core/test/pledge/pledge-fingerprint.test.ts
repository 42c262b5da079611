import { expect } from "chai";
import fc from "fast-check";
import {
  InvalidArgumentError,
  blindPledgeIdentities,
  evaluatePledgeBatch,
  finalizePledgeFingerprints,
  generatePledgeKey,
  pledgeIdentityDigest,
  pledgeKeyFromSecret,
} from "../../src";

const identity = (nationalId: string, originationDay = 19_000, originalPrincipalCents = 5_000_000n) =>
  pledgeIdentityDigest({ nationalId, originationDay, originalPrincipalCents });

/** One originator's full round trip with the key service. */
function fingerprints(key: ReturnType<typeof generatePledgeKey>, digests: Uint8Array[]): string[] {
  const batch = blindPledgeIdentities(digests);
  return finalizePledgeFingerprints(batch, evaluatePledgeBatch(key, batch.blinded), key.publicKey);
}

describe("pledge fingerprints (2HashDH OPRF over secp256k1)", () => {
  const key = generatePledgeKey();

  it("gives the same loan the same fingerprint whichever originator asks, with fresh blinds each time", () => {
    const digests = [identity("110101199003077777"), identity("44030419851212001X")];
    const first = fingerprints(key, digests);
    const second = fingerprints(key, [...digests].reverse());
    expect(first).to.have.length(2);
    expect(first[0]).to.match(/^0x[0-9a-f]{64}$/);
    expect(second).to.deep.equal([first[1], first[0]]);
  });

  it("separates loans that differ in any identity field, and keys that differ", () => {
    const base = fingerprints(key, [identity("110101199003077777")])[0];
    const others = fingerprints(key, [
      identity("110101199003077778"),
      identity("110101199003077777", 19_001),
      identity("110101199003077777", 19_000, 5_000_001n),
    ]);
    expect(new Set([base, ...others]).size).to.equal(4);
    const otherKey = generatePledgeKey();
    expect(fingerprints(otherKey, [identity("110101199003077777")])[0]).to.not.equal(base);
  });

  it("sends the key service points that change with every blinding (it learns nothing linkable)", () => {
    const digest = identity("110101199003077777");
    const a = blindPledgeIdentities([digest]).blinded[0];
    const b = blindPledgeIdentities([digest]).blinded[0];
    expect(Buffer.from(a ?? []).equals(Buffer.from(b ?? []))).to.equal(false);
  });

  it("refuses an answer made with another key than the published one", () => {
    const batch = blindPledgeIdentities([identity("A1"), identity("A2")]);
    const impostor = generatePledgeKey();
    const answer = evaluatePledgeBatch(impostor, batch.blinded);
    expect(() => finalizePledgeFingerprints(batch, answer, key.publicKey))
      .to.throw(InvalidArgumentError)
      .with.property("argument", "proof");
  });

  it("refuses a tampered point, a swapped pair, a tampered proof and a short answer", () => {
    const batch = blindPledgeIdentities([identity("B1"), identity("B2"), identity("B3")]);
    const answer = evaluatePledgeBatch(key, batch.blinded);
    const swapped = { ...answer, evaluated: [answer.evaluated[1], answer.evaluated[0], answer.evaluated[2]] };
    expect(() => finalizePledgeFingerprints(batch, swapped as typeof answer, key.publicKey)).to.throw(/proof/);
    // Another valid point in place of one answer: k·G instead of k·B_0.
    const replaced = { ...answer, evaluated: [key.publicKey, ...answer.evaluated.slice(1)] };
    expect(() => finalizePledgeFingerprints(batch, replaced, key.publicKey)).to.throw(/proof/);
    const proof = Uint8Array.from(answer.proof);
    proof[40] = (proof[40] ?? 0) ^ 1;
    expect(() => finalizePledgeFingerprints(batch, { ...answer, proof }, key.publicKey)).to.throw(/proof/);
    expect(() =>
      finalizePledgeFingerprints(batch, { ...answer, evaluated: answer.evaluated.slice(1) }, key.publicKey),
    ).to.throw(/one per blinded point/);
    const junk = Uint8Array.from(answer.evaluated[0] ?? []);
    junk[0] = 0x05;
    expect(() =>
      finalizePledgeFingerprints(batch, { ...answer, evaluated: [junk, ...answer.evaluated.slice(1)] }, key.publicKey),
    ).to.throw(/evaluated\[0\]/);
  });

  it("the key service refuses points off the curve and batches out of bounds", () => {
    const bad = new Uint8Array(33).fill(0xff);
    expect(() => evaluatePledgeBatch(key, [bad])).to.throw(/blinded\[0\]/);
    expect(() => evaluatePledgeBatch(key, [])).to.throw(/1 to 5000 points/);
  });

  it("derives the same key from the same secret, and refuses a secret out of range", () => {
    expect(Buffer.from(pledgeKeyFromSecret(key.secretKey).publicKey).equals(Buffer.from(key.publicKey))).to.equal(true);
    expect(() => pledgeKeyFromSecret(new Uint8Array(32))).to.throw(/scalar/);
    expect(() => pledgeKeyFromSecret(new Uint8Array(32).fill(0xff))).to.throw(/scalar/);
  });

  it("is a function of the identity alone over random batches (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 18 }), { minLength: 1, maxLength: 6 }), (ids) => {
        const digests = ids.map((id) => identity(id));
        const once = fingerprints(key, digests);
        const again = fingerprints(key, digests);
        expect(again).to.deep.equal(once);
        ids.forEach((id, i) => ids.forEach((other, j) => expect(once[i] === once[j]).to.equal(id === other)));
      }),
      { numRuns: 25 },
    );
  });
});
