import { expect } from "chai";
import { WaterfallError, validateWaterfallConfig, type CouponTerms } from "../../src/waterfall";
import { column, deal, opening, pct, period, runChecked } from "./fixtures";

/**
 * The textbook floater / inverse floater pair (Fabozzi, "Collateralized Mortgage Obligations": a fixed-rate class
 * split into a floater and an inverse floater): on collateral paying 7.5%, a floater of 75 at LIBOR + 0.50% and an
 * inverse floater of 25 at 28.50% - 3 x LIBOR pay together exactly the collateral's 7.5%, whatever LIBOR is, as
 * long as the inverse stays above its floor of 0 (LIBOR <= 9.50%, where the floater's cap of 10% binds).
 */
const FLOATER: CouponTerms = {
  couponType: "floating",
  couponRateWad: pct(0.5),
  floorRateWad: 0n,
  capRateWad: pct(10),
};
const INVERSE: CouponTerms = {
  couponType: "inverseFloating",
  couponRateWad: pct(28.5),
  floorRateWad: 0n,
  capRateWad: 0n,
  indexMultiplierWad: 3n * 10n ** 18n,
};
const FLOATER_FACE = 75_000_000_00n;
const INVERSE_FACE = 25_000_000_00n;
/** One 30/360 month of 7.5% on 100M. */
const COLLATERAL_INTEREST = 625_000_00n;

describe("inverse floaters", () => {
  const config = deal({ tranches: [FLOATER, INVERSE] });
  const state = opening(config, [FLOATER_FACE, INVERSE_FACE]);
  const month = (libor: number) =>
    runChecked(
      config,
      state,
      period({
        indexRateWad: pct(libor),
        interestCollectionsCents: COLLATERAL_INTEREST,
        poolBalanceBeginCents: 100_000_000_00n,
        poolBalanceEndCents: 100_000_000_00n,
      }),
    );

  for (const libor of [0, 3, 5, 7.25, 9.5]) {
    it(`at LIBOR ${libor}%: the floater at ${libor + 0.5}%, the inverse at ${28.5 - 3 * libor}%, together the collateral's 7.5%`, () => {
      const r = month(libor);
      expect(column(r, "rateWad")).to.deep.equal([pct(libor + 0.5), pct(28.5 - 3 * libor)]);
      const paid = column(r, "interestPaidCents");
      expect((paid[0] ?? 0n) + (paid[1] ?? 0n)).to.equal(COLLATERAL_INTEREST);
      expect(r.residualCents).to.equal(0n);
    });
  }

  it("above 9.50% the floater is capped at 10% and the inverse floored at 0: the floater alone takes the 7.5%", () => {
    const r = month(11);
    expect(column(r, "rateWad")).to.deep.equal([pct(10), 0n]);
    expect(column(r, "interestPaidCents")).to.deep.equal([COLLATERAL_INTEREST, 0n]);
    expect(r.residualCents).to.equal(0n);
  });

  it("a floor and a cap bind the inverse floater too; m x index rounds down (the holders' way)", () => {
    const bounded = deal({
      tranches: [{ ...INVERSE, floorRateWad: pct(2), capRateWad: pct(20), indexMultiplierWad: 3n * 10n ** 18n + 1n }],
    });
    const one = opening(bounded, [INVERSE_FACE]);
    const rate = (libor: bigint) => column(runChecked(bounded, one, period({ indexRateWad: libor })), "rateWad")[0];
    expect(rate(0n)).to.equal(pct(20)); // 28.5% capped at 20%
    expect(rate(pct(9))).to.equal(pct(2)); // 1.5% raised to the floor
    // 3.000000000000000001 x 1 wei of index = 3.000000000000000001 wei, rounded down to 3.
    expect(rate(pct(4) + 1n)).to.equal(pct(28.5) - pct(12) - 3n);
  });

  it("refuses an inverse floater without a multiplier and a multiplier on any other coupon", () => {
    expect(() => validateWaterfallConfig(deal({ tranches: [{ ...INVERSE, indexMultiplierWad: 0n }] })))
      .to.throw(WaterfallError)
      .with.property("contractError")
      .that.deep.equals({ name: "WaterfallCouponInvalid", args: [0n] });
    expect(() =>
      validateWaterfallConfig(deal({ tranches: [{ ...FLOATER, indexMultiplierWad: 10n ** 18n }] })),
    ).to.throw("an index multiplier (> 0) on an inverse floating one only");
  });
});
