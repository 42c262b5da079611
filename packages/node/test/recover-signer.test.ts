import { expect } from "chai";
import { Wallet, keccak256, randomBytes, recoverAddress } from "ethers";
import { NATIVE_SIGNATURE_RECOVERY, recoverSigner } from "../src/dvp/recover-signer";

describe("recoverSigner", () => {
  it("loads the native recovery on this machine (else DvP checks fall back to JavaScript)", () => {
    expect(NATIVE_SIGNATURE_RECOVERY).to.equal(true);
  });

  it("answers what ethers' recoverAddress answers, for 65-byte and compact (EIP-2098) signatures", () => {
    for (let i = 0; i < 50; i++) {
      const wallet = Wallet.createRandom();
      const digest = keccak256(randomBytes(40));
      const signature = wallet.signingKey.sign(digest);
      expect(recoverSigner(digest, signature.serialized)).to.equal(wallet.address);
      expect(recoverSigner(digest, signature.compactSerialized)).to.equal(wallet.address);
      expect(recoverSigner(digest, signature.serialized)).to.equal(recoverAddress(digest, signature.serialized));
    }
  });

  it("gives another address for another digest, and throws where ethers throws", () => {
    const wallet = Wallet.createRandom();
    const digest = keccak256(randomBytes(8));
    const signature = wallet.signingKey.sign(digest).serialized;
    expect(recoverSigner(keccak256(randomBytes(8)), signature)).not.to.equal(wallet.address);
    for (const bad of ["0x", "0x1234", `0x${"00".repeat(65)}`, `${signature.slice(0, -2)}05`]) {
      expect(() => recoverAddress(digest, bad), bad).to.throw();
      expect(() => recoverSigner(digest, bad), bad).to.throw();
    }
    expect(() => recoverSigner("0x1234", signature)).to.throw();
  });
});
