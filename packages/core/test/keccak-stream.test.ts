import { expect } from "chai";
import { keccak256, randomBytes } from "ethers";
import { keccak256Stream } from "../src";

describe("keccak256Stream", () => {
  it("gives ethers' keccak256 of the concatenated chunks, however the bytes are cut", () => {
    const data = randomBytes(100_003);
    for (const cut of [1, 7, 136, 4096, 100_003]) {
      const stream = keccak256Stream();
      for (let i = 0; i < data.length; i += cut) stream.update(data.subarray(i, i + cut));
      expect(stream.digestHex(), `chunks of ${cut}`).to.equal(keccak256(data));
    }
    expect(keccak256Stream().digestHex()).to.equal(keccak256(new Uint8Array()));
  });
});
