import { expect } from "chai";
import { keccak256, randomBytes } from "ethers";
import { keccak256Stream } from "../src";
import { fastKeccakReady, keccak256Bytes } from "../src/hashing";

describe("keccak256Stream", () => {
  it("gives ethers' keccak256 of the concatenated chunks, however the bytes are cut", async () => {
    const data = randomBytes(100_003);
    for (const cut of [1, 7, 136, 4096, 100_003]) {
      const stream = await keccak256Stream();
      for (let i = 0; i < data.length; i += cut) stream.update(data.subarray(i, i + cut));
      expect(stream.digestHex(), `chunks of ${cut}`).to.equal(keccak256(data));
    }
    expect((await keccak256Stream()).digestHex()).to.equal(keccak256(new Uint8Array()));
  });

  it("keccak256Bytes, once the WebAssembly hasher has loaded, gives ethers' keccak256 for every length around the block size", async () => {
    await fastKeccakReady;
    for (const length of [0, 1, 31, 32, 64, 135, 136, 137, 272, 1_000, 20_000]) {
      const data = randomBytes(length);
      expect(Buffer.from(keccak256Bytes(data)).toString("hex"), `${length} bytes`).to.equal(keccak256(data).slice(2));
    }
    // Two calls in a row do not share state: the same input gives the same digest.
    const once = keccak256Bytes(Buffer.from("abc"));
    expect(keccak256Bytes(Buffer.from("abc"))).to.deep.equal(once);
  });
});
