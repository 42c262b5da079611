import { expect } from "chai";
import {
  WaterfallError,
  parsePeriodInputs,
  parseWaterfallConfig,
  parseWaterfallState,
  validateWaterfallConfig,
  type WaterfallConfig,
} from "../../src/waterfall";
import { canonicalSteps, deal, fixed, pct } from "./fixtures";

/** A deal file as a trustee writes it: JSON, so amounts and wads are strings of digits and enums are names. */
const dealFile = {
  yearBasisDays: 360,
  principalMode: "proRata",
  targetOcWad: "0",
  ocFloorCents: "0",
  originalPoolBalanceCents: "100000000000",
  tranches: [
    { couponType: "fixed", couponRateWad: "35000000000000000", floorRateWad: "0", capRateWad: "0" },
    { couponType: "floating", couponRateWad: "15000000000000000", floorRateWad: "0", capRateWad: "90000000000000000" },
    { couponType: "none", couponRateWad: "0", floorRateWad: "0", capRateWad: "0" },
  ],
  fees: [{ fixedCents: "500000", rateWad: "1000000000000000" }],
  steps: [
    { kind: "fee", index: 0 },
    { kind: "interest", index: 0 },
    { kind: "interest", index: 1 },
    { kind: "principal", index: 0 },
    { kind: "reserveTopUp", index: 0 },
    { kind: "interest", index: 2 },
    { kind: "guaranteeFee", index: 0 },
    { kind: "guaranteeReimbursement", index: 0 },
  ],
  reserve: { targetWad: "15000000000000000", floorCents: "100000000", coversFees: true, coveredTranches: 2 },
  guarantee: { limitCents: "500000000", feeRateWad: "5000000000000000", coversFees: true, coveredTranches: 1 },
  triggers: [
    {
      kind: "cumulativeNetLoss",
      effect: "switchToSequential",
      curable: false,
      trancheScope: 0,
      thresholdWad: "50000000000000000",
      scheduleWad: ["10000000000000000", "20000000000000000"],
    },
  ],
};

function thrown(run: () => unknown): WaterfallError {
  try {
    run();
  } catch (error) {
    if (error instanceof WaterfallError) return error;
    throw error;
  }
  throw new Error("expected a WaterfallError, nothing was thrown");
}

describe("waterfall configuration", () => {
  it("parses a JSON deal file into exact bigints and names", () => {
    const config = parseWaterfallConfig(JSON.parse(JSON.stringify(dealFile)));
    expect(config.tranches[0]?.couponRateWad).to.equal(pct(3.5));
    expect(config.tranches[1]?.capRateWad).to.equal(pct(9));
    expect(config.originalPoolBalanceCents).to.equal(100_000_000_000n);
    expect(config.triggers[0]?.scheduleWad).to.deep.equal([pct(1), pct(2)]);
    expect(config.steps[5]).to.deep.equal({ kind: "interest", index: 2 });
  });

  it("names the field, what was expected and what was found", () => {
    const cases: [unknown, RegExp][] = [
      [{ ...dealFile, ocFloorCents: "-1" }, /ocFloorCents: .*found "-1"/],
      [{ ...dealFile, targetOcWad: (2n ** 64n).toString() }, /targetOcWad: .*found 18446744073709551616n/],
      [{ ...dealFile, principalMode: "turbo" }, /principalMode: .*found "turbo"/],
      [{ ...dealFile, trancheCount: 3 }, /trancheCount/],
      [{ ...dealFile, fees: [{ fixedCents: 1.5, rateWad: "0" }] }, /fees\.0\.fixedCents: .*found 1\.5/],
    ];
    for (const [input, message] of cases) {
      const error = thrown(() => parseWaterfallConfig(input));
      expect(error.code).to.equal("INVALID_WATERFALL_CONFIG");
      expect(error.message).to.match(message);
    }
  });

  it("applies the contract's structural rules after parsing, with the contract's error", () => {
    const error = thrown(() => parseWaterfallConfig({ ...dealFile, steps: dealFile.steps.slice(0, 7) }));
    expect(error.contractError).to.deep.equal({ name: "WaterfallStepCountInvalid", args: [7n, 8n] });
    expect(error.message).to.match(/steps: expected 8/);
  });

  describe("validateWaterfallConfig", () => {
    const base = deal({ tranches: [fixed(3), fixed(5)], fees: [{ fixedCents: 1n, rateWad: 0n }] });
    const cases: [string, WaterfallConfig, string, bigint[]][] = [
      ["a 364-day year", { ...base, yearBasisDays: 364 }, "WaterfallYearBasisInvalid", [364n]],
      ["no tranche", { ...base, tranches: [] }, "WaterfallTrancheCountInvalid", [0n]],
      [
        "a cap below the floor",
        {
          ...base,
          tranches: [fixed(3), { ...fixed(1), couponType: "floating", floorRateWad: pct(2), capRateWad: pct(1) }],
        },
        "WaterfallCouponInvalid",
        [1n],
      ],
      [
        "a floor on a fixed coupon",
        { ...base, tranches: [{ ...fixed(3), floorRateWad: 1n }, fixed(5)] },
        "WaterfallCouponInvalid",
        [0n],
      ],
      [
        "a reserve covering 3 of 2 tranches",
        { ...base, reserve: { ...base.reserve, coveredTranches: 3 } },
        "WaterfallCoverInvalid",
        [3n, 2n],
      ],
      [
        "interest out of seniority order",
        {
          ...base,
          steps: [
            { kind: "fee", index: 0 },
            { kind: "interest", index: 1 },
            { kind: "interest", index: 0 },
            ...canonicalSteps(0, 0),
          ],
        },
        "WaterfallStepInvalid",
        [1n],
      ],
      [
        "a fee twice",
        {
          ...base,
          steps: [
            { kind: "fee", index: 0 },
            { kind: "fee", index: 0 },
            { kind: "interest", index: 0 },
            ...canonicalSteps(0, 0),
          ],
        },
        "WaterfallStepInvalid",
        [1n],
      ],
      [
        "a delinquency trigger with a scope",
        {
          ...base,
          triggers: [
            {
              kind: "delinquency60",
              effect: "eventOfDefault",
              curable: false,
              trancheScope: 1,
              thresholdWad: 1n,
              scheduleWad: [],
            },
          ],
        },
        "WaterfallTriggerInvalid",
        [0n],
      ],
    ];
    for (const [what, config, name, args] of cases) {
      it(`refuses ${what}`, () => {
        const error = thrown(() => validateWaterfallConfig(config));
        expect(error.code).to.equal("INVALID_WATERFALL_CONFIG");
        expect(error.contractError).to.deep.equal({ name, args });
      });
    }
  });

  it("parses states and period inputs, refusing negative amounts", () => {
    const state = parseWaterfallState({
      tranches: [{ balanceCents: "100", interestShortfallCents: 0n, writtenDownCents: "0" }],
      feeShortfallsCents: [],
      triggersBreached: [true],
      reserveCents: "5",
      guaranteeDrawnCents: "0",
      guaranteeFeeShortfallCents: "0",
      cumulativeNetLossCents: "0",
    });
    expect(state.tranches[0]?.balanceCents).to.equal(100n);
    expect(thrown(() => parseWaterfallState({ ...state, reserveCents: -1n })).code).to.equal("INVALID_WATERFALL_STATE");
    const inputs = {
      period: 1,
      accrualDays: 30,
      indexRateWad: "0",
      accelerated: false,
      interestCollectionsCents: "1",
      principalCollectionsCents: "2",
      recoveriesCents: "0",
      newDefaultsCents: "0",
      delinquent60PlusCents: "0",
      poolBalanceBeginCents: "10",
      poolBalanceEndCents: "8",
      targetBalancesCents: [],
    };
    expect(parsePeriodInputs(inputs).principalCollectionsCents).to.equal(2n);
    expect(thrown(() => parsePeriodInputs({ ...inputs, accrualDays: 70_000 })).code).to.equal("INVALID_PERIOD_INPUTS");
  });
});
