import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { DeployConfigError, loadNetworkConfig, parseFixed, type NetworkConfig } from "../../deploy/config";
import { trancheFaces } from "../../deploy/sample-deal";

/** Write `config` as `<dir>/<network>.json` and load it back through the real parser. */
function loadVariant(mutate: (raw: Record<string, unknown> & NetworkConfig) => void): NetworkConfig {
  const raw = structuredClone(loadNetworkConfig("localhost")) as Record<string, unknown> & NetworkConfig;
  mutate(raw);
  const dir = mkdtempSync(path.join(tmpdir(), "abs-deploy-config-"));
  writeFileSync(path.join(dir, "variant.json"), JSON.stringify(raw));
  return loadNetworkConfig("variant", dir);
}

function expectConfigError(mutate: (raw: Record<string, unknown> & NetworkConfig) => void, ...fragments: string[]) {
  let error: unknown;
  try {
    loadVariant(mutate);
  } catch (e) {
    error = e;
  }
  expect(error).to.be.instanceOf(DeployConfigError);
  const message = (error as DeployConfigError).message;
  for (const f of fragments) expect(message).to.include(f);
}

describe("deployment config (deploy/networks/*.json)", () => {
  it("the shipped localhost and besu configs parse", () => {
    const local = loadNetworkConfig("localhost");
    expect(local.members.map((m) => m.roles).flat()).to.include.members([
      "ORIGINATOR",
      "SERVICER",
      "TRUSTEE",
      "CUSTODIAN",
      "INVESTOR",
      "REGULATOR",
      "GUARANTOR",
      "EXCHANGE",
    ]);
    const besu = loadNetworkConfig("besu");
    expect(besu.members.every((m) => "privateKeyEnv" in m.signer)).to.equal(true);
  });

  it("names the field of every problem: threshold, eligibility, custodian, face shares, duplicates", () => {
    expectConfigError((c) => (c.threshold = 9), "threshold", "exceeds the 4 voting members");
    expectConfigError(
      (c) => {
        const investor = c.members.find((m) => m.name === "investor-1");
        if (investor) delete investor.eligibility;
      },
      "members.6.eligibility",
      "an INVESTOR needs eligibility",
    );
    expectConfigError((c) => (c.cashToken.custodian = "trustee"), "cashToken.custodian", "lacks role CUSTODIAN");
    expectConfigError(
      (c) => {
        const first = c.sampleDeal?.tranches[0];
        if (first) first.faceShare = "0.81";
      },
      "sampleDeal.tranches",
      "face shares must add up to 1 (found 1.01)",
    );
    expectConfigError(
      (c) => {
        const second = c.members[1];
        if (second) second.memberId = c.members[0]?.memberId ?? "";
      },
      "members.1.memberId",
      "duplicate member id",
    );
    expectConfigError((c) => (c.cashToken.currency = "cny"), "cashToken.currency", "ISO 4217");
  });

  it("a missing file is a clear error", () => {
    expect(() => loadNetworkConfig("no-such-network")).to.throw(DeployConfigError, /cannot read deployment config/);
  });

  it("tranche faces add up to the pool principal to the cent: the most junior owns the rounding", () => {
    const deal = loadNetworkConfig("localhost").sampleDeal;
    if (!deal) throw new Error("no sample deal");
    for (const total of [1n, 7n, 999_999n, 940_029_133n, 10n ** 15n + 3n]) {
      const faces = trancheFaces(deal, total);
      expect([...faces.values()].reduce((a, b) => a + b, 0n)).to.equal(total);
      for (const t of deal.tranches.slice(0, -1)) {
        expect(faces.get(t.seniority)).to.equal((total * parseFixed(t.faceShare, 18)) / 10n ** 18n);
      }
    }
  });

  it("parseFixed is exact and refuses excess precision", () => {
    expect(parseFixed("0.0285", 18)).to.equal(28_500_000_000_000_000n);
    expect(parseFixed("1", 2)).to.equal(100n);
    expect(() => parseFixed("0.001", 2)).to.throw(DeployConfigError, /more than 2 decimal places/);
  });
});
