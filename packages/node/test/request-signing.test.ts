import { expect } from "chai";
import { Wallet } from "ethers";
import { NodeError } from "../src/errors";
import { PEER_HEADERS, type PeerRequestHeaders, signRequest, verifyRequest } from "../src/request-signing";

const domain = { chainId: 31337n, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const NOW = 1_780_000_000_000;
const policy = { domain, target: "ORIG-HUAXIA-CF", windowMs: 60_000 };
// Fixed test keys (not secrets): keeps the suite deterministic.
const alice = new Wallet("0x" + "11".repeat(32));
const mallory = new Wallet("0x" + "22".repeat(32));
const request = { method: "POST", path: "/v1/loans?deal=HUAXIA-2026-1", body: '{"loanIds":["L1"]}' };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(NodeError);
    return (error as NodeError).code;
  }
  throw new Error("expected an error");
}

describe("request signing (EIP-712)", () => {
  let headers: PeerRequestHeaders;
  before(async () => {
    headers = await signRequest(alice, request, { domain, target: policy.target, now: NOW });
  });

  it("verifies an untouched request and returns the signer's address", () => {
    const verified = verifyRequest(headers, request, NOW + 1_000, policy);
    expect(verified.caller).to.equal(alice.address);
    expect(verified.timestampMs).to.equal(NOW);
    expect(verified.nonce).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("uses a fresh random nonce per request", async () => {
    const again = await signRequest(alice, request, { domain, target: policy.target, now: NOW });
    expect(again[PEER_HEADERS.nonce]).to.not.equal(headers[PEER_HEADERS.nonce]);
  });

  it("treats the method case-insensitively and an absent body as empty", async () => {
    const get = await signRequest(
      alice,
      { method: "get", path: "/v1/whoami" },
      { domain, target: policy.target, now: NOW },
    );
    expect(
      verifyRequest(get, { method: "GET", path: "/v1/whoami", body: new Uint8Array() }, NOW, policy).caller,
    ).to.equal(alice.address);
  });

  it("refuses a tampered body, path, method or query as forged", () => {
    expect(codeOf(() => verifyRequest(headers, { ...request, body: '{"loanIds":["L2"]}' }, NOW, policy))).to.equal(
      "PEER_AUTH_FORGED",
    );
    expect(codeOf(() => verifyRequest(headers, { ...request, path: "/v1/loans?deal=OTHER" }, NOW, policy))).to.equal(
      "PEER_AUTH_FORGED",
    );
    expect(codeOf(() => verifyRequest(headers, { ...request, method: "PUT" }, NOW, policy))).to.equal(
      "PEER_AUTH_FORGED",
    );
  });

  it("refuses a signature claimed for another address, and a re-signed timestamp or nonce", () => {
    const claimed = { ...headers, [PEER_HEADERS.caller]: mallory.address };
    expect(codeOf(() => verifyRequest(claimed, request, NOW, policy))).to.equal("PEER_AUTH_FORGED");
    const shifted = { ...headers, [PEER_HEADERS.timestamp]: String(NOW + 1) };
    expect(codeOf(() => verifyRequest(shifted, request, NOW, policy))).to.equal("PEER_AUTH_FORGED");
    const renonced = { ...headers, [PEER_HEADERS.nonce]: "0x" + "ab".repeat(32) };
    expect(codeOf(() => verifyRequest(renonced, request, NOW, policy))).to.equal("PEER_AUTH_FORGED");
  });

  it("refuses a request signed by another key that claims to be alice", async () => {
    const forged = await signRequest(mallory, request, { domain, target: policy.target, now: NOW });
    forged[PEER_HEADERS.caller] = alice.address;
    expect(codeOf(() => verifyRequest(forged, request, NOW, policy))).to.equal("PEER_AUTH_FORGED");
  });

  it("refuses an invalid signature value as forged", () => {
    const garbage = { ...headers, [PEER_HEADERS.signature]: "0x" + "00".repeat(65) };
    expect(codeOf(() => verifyRequest(garbage, request, NOW, policy))).to.equal("PEER_AUTH_FORGED");
  });

  it("refuses a signature made for another consortium (chain id or registry)", async () => {
    const other = await signRequest(alice, request, {
      domain: { ...domain, chainId: 1n },
      target: policy.target,
      now: NOW,
    });
    expect(codeOf(() => verifyRequest(other, request, NOW, policy))).to.equal("PEER_AUTH_FORGED");
  });

  it("refuses a request signed for another node", async () => {
    const other = await signRequest(alice, request, { domain, target: "TRUS-ZHONGXIN-TR", now: NOW });
    expect(codeOf(() => verifyRequest(other, request, NOW, policy))).to.equal("PEER_AUTH_WRONG_TARGET");
  });

  it("refuses expired and future timestamps beyond the window, accepts the window's edges", () => {
    expect(codeOf(() => verifyRequest(headers, request, NOW + 60_001, policy))).to.equal("PEER_AUTH_EXPIRED");
    expect(codeOf(() => verifyRequest(headers, request, NOW - 60_001, policy))).to.equal("PEER_AUTH_EXPIRED");
    expect(verifyRequest(headers, request, NOW + 60_000, policy).caller).to.equal(alice.address);
    expect(verifyRequest(headers, request, NOW - 60_000, policy).caller).to.equal(alice.address);
  });

  it("refuses missing, duplicated or malformed headers, naming the header", () => {
    for (const name of Object.values(PEER_HEADERS)) {
      const missing: Record<string, string> = { ...headers };
      delete missing[name];
      expect(codeOf(() => verifyRequest(missing, request, NOW, policy))).to.equal("PEER_AUTH_MALFORMED");
    }
    const cases: Record<string, string | string[]> = {
      [PEER_HEADERS.caller]: "alice",
      [PEER_HEADERS.timestamp]: "yesterday",
      [PEER_HEADERS.nonce]: "0x1234",
      [PEER_HEADERS.signature]: "0xdeadbeef",
      [PEER_HEADERS.target]: "x".repeat(32),
    };
    for (const [name, value] of Object.entries(cases)) {
      try {
        verifyRequest({ ...headers, [name]: value }, request, NOW, policy);
        expect.fail(`accepted malformed ${name}`);
      } catch (error) {
        expect((error as NodeError).code).to.equal("PEER_AUTH_MALFORMED");
        expect((error as NodeError).message).to.include(name);
      }
    }
    const doubled = { ...headers, [PEER_HEADERS.nonce]: [headers[PEER_HEADERS.nonce], headers[PEER_HEADERS.nonce]] };
    expect(codeOf(() => verifyRequest(doubled, request, NOW, policy))).to.equal("PEER_AUTH_MALFORMED");
  });
});
