import { expect } from "chai";
import { Interface } from "ethers";
import {
  fromAbiConfig,
  fromAbiInputs,
  fromAbiState,
  runWaterfall,
  sampleDeal,
  toAbiConfig,
  toAbiInputs,
  toAbiState,
  WaterfallError,
} from "../../src/waterfall";
import { WATERFALL_ABI, diffResults, formatDistribution } from "../../src/settlement";

const waterfall = new Interface(WATERFALL_ABI);

/** Encodes `value` as the output of `fn` and decodes it back, as ethers returns a contract read. */
function roundTrip(fn: string, value: unknown): unknown {
  const f = waterfall.getFunction(fn);
  if (!f) throw new Error(`no ${fn} in WATERFALL_ABI`);
  return waterfall.decodeFunctionResult(f, waterfall.encodeFunctionResult(f, [value]))[0];
}

describe("settlement", () => {
  describe("ABI decoders", () => {
    it("read back a configuration, a state and inputs exactly as ethers decodes them", () => {
      const { config, state, inputs } = sampleDeal();
      expect(fromAbiConfig(roundTrip("config", toAbiConfig(config)))).to.deep.equal(config);
      expect(fromAbiState(roundTrip("waterfallState", toAbiState(state)))).to.deep.equal(state);
      expect(fromAbiInputs(roundTrip("periodInputs", toAbiInputs(inputs)))).to.deep.equal(inputs);
    });

    it("refuse a value that is not the struct, with INVALID_CONTRACT_RESULT", () => {
      expect(() => fromAbiConfig({ yearBasisDays: 360n }))
        .to.throw(WaterfallError)
        .with.property("code", "INVALID_CONTRACT_RESULT");
      expect(() => fromAbiState("nonsense"))
        .to.throw(WaterfallError)
        .with.property("code", "INVALID_CONTRACT_RESULT");
    });
  });

  describe("diffResults", () => {
    it("is empty for equal results and names each differing field with both values", () => {
      const { config, state, inputs } = sampleDeal();
      const r = runWaterfall(config, state, inputs);
      expect(diffResults(r, structuredClone(r))).to.deep.equal([]);
      const t = r.tranches[1];
      if (!t) throw new Error("tranche 1 missing");
      const changed = {
        ...r,
        tranches: r.tranches.map((x, i) => (i === 1 ? { ...x, principalPaidCents: x.principalPaidCents + 1n } : x)),
        residualCents: r.residualCents - 1n,
      };
      expect(diffResults(r, changed)).to.deep.equal([
        `result.tranches.1.principalPaidCents: expected ${t.principalPaidCents}, found ${t.principalPaidCents + 1n}`,
        `result.residualCents: expected ${r.residualCents}, found ${r.residualCents - 1n}`,
      ]);
      expect(diffResults({ a: [1n, 2n] }, { a: [1n] })).to.deep.equal(["result.a: expected 2 entries, found 1"]);
    });
  });

  describe("formatDistribution", () => {
    it("shows every payee's due and paid amounts in yuan, and the trigger states", () => {
      const { config, state, inputs } = sampleDeal();
      const r = runWaterfall(config, state, inputs);
      const table = formatDistribution(4, inputs, r, config);
      expect(table).to.contain("Period 4: principal proRata");
      expect(table).to.contain("tranche 5 principal");
      expect(table).to.contain("residual (equity)");
      expect(table).to.match(
        /trigger 3 \((overcollateralization|interestCoverage|cumulativeNetLoss|delinquency60), \w+(, curable)?\): \d+\.\d{4}% against \d+\.\d{4}%: /,
      );
      expect(table).to.not.match(/\d{15,}/);
      expect(table.split("\n")).to.have.length.greaterThan(config.tranches.length * 2 + config.fees.length);
    });
  });
});
