/** The sign-in state's own rules, on a clock the test moves: nonces once and until expiry, sessions until expiry, bounds. */
import { expect } from "chai";
import { SessionBook } from "../src";

describe("SessionBook", () => {
  let now = 1_000_000;
  const book = (max = 10) =>
    new SessionBook({ sessionTtlMs: 60_000, nonceTtlMs: 5_000, maxNonces: max, maxSessions: max, now: () => now });

  it("a nonce is good once, and only before it expires", () => {
    const b = book();
    const { nonce } = b.issueNonce();
    expect(nonce).to.match(/^[0-9a-f]{32}$/);
    expect(b.takeNonce(nonce)).to.equal(true);
    expect(b.takeNonce(nonce)).to.equal(false);
    const late = b.issueNonce().nonce;
    now += 5_000;
    expect(b.takeNonce(late)).to.equal(false);
    expect(b.takeNonce("never-issued")).to.equal(false);
  });

  it("a session is found until it expires or is closed; tokens are 32 random bytes", () => {
    const b = book();
    const s = b.open("0xABCDEF0000000000000000000000000000000001");
    expect(s.address).to.equal("0xabcdef0000000000000000000000000000000001");
    expect(s.token).to.match(/^[0-9a-f]{64}$/);
    expect(b.open(s.address).token).to.not.equal(s.token);
    now += 59_999;
    expect(b.find(s.token)).to.deep.equal(s);
    now += 1;
    expect(b.find(s.token)).to.equal(undefined);
    const t = b.open(s.address);
    b.close(t.token);
    expect(b.find(t.token)).to.equal(undefined);
  });

  it("is bounded: a flood of challenges evicts the oldest nonces, not the process's memory", () => {
    const b = book(3);
    const first = b.issueNonce().nonce;
    for (let i = 0; i < 3; i++) b.issueNonce();
    expect(b.takeNonce(first)).to.equal(false);
  });
});
