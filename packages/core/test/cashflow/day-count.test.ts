import { expect } from "chai";
import fc from "fast-check";
import {
  CashflowError,
  MonthGrid,
  actualDays,
  addMonths,
  epochDay,
  parseCalendarDate,
  thirty360BondBasisDays,
  yearFraction,
} from "../../src/cashflow";

const d = parseCalendarDate;

describe("cashflow/day-count", () => {
  it("30/360 Bond Basis matches MathWorks days360isda's published examples", () => {
    // MathWorks Financial Toolbox, days360isda reference page (ISDA-compliant 30/360):
    // 1-Jan-2002 -> 1-Feb-2002 = 30; 15-Jan-2000 -> 15-Mar / 15-Apr / 15-Jun-2000 = 60 / 90 / 150.
    expect(thirty360BondBasisDays(d("2002-01-01"), d("2002-02-01"))).to.equal(30);
    expect(thirty360BondBasisDays(d("2000-01-15"), d("2000-03-15"))).to.equal(60);
    expect(thirty360BondBasisDays(d("2000-01-15"), d("2000-04-15"))).to.equal(90);
    expect(thirty360BondBasisDays(d("2000-01-15"), d("2000-06-15"))).to.equal(150);
  });

  it("30/360 Bond Basis applies the 31st rules and no end-of-February rule (ISDA 2006 §4.16(f))", () => {
    // Rules as in QuantLib's Thirty360 "Bond Basis" and ISDA 2006 §4.16(f): D1 = 31 -> 30; D2 = 31 -> 30 only
    // when D1 is 30 or 31. No February rule (that is the SIA "30/360 US" variant).
    expect(thirty360BondBasisDays(d("2023-01-31"), d("2023-03-31"))).to.equal(60); // both 31sts become 30
    expect(thirty360BondBasisDays(d("2023-01-30"), d("2023-03-31"))).to.equal(60);
    expect(thirty360BondBasisDays(d("2023-01-15"), d("2023-03-31"))).to.equal(76); // D2 stays 31
    expect(thirty360BondBasisDays(d("2023-01-31"), d("2023-02-28"))).to.equal(28); // SIA would give 30
    expect(thirty360BondBasisDays(d("2024-02-29"), d("2024-03-31"))).to.equal(32);
  });

  it("ACT/360 and ACT/365F count actual days, leap days included, as exact rationals", () => {
    expect(yearFraction("ACT/360", d("2023-01-01"), d("2023-04-01"))).to.deep.equal({
      numerator: 90n,
      denominator: 360n,
    });
    expect(yearFraction("ACT/365F", d("2024-01-01"), d("2025-01-01"))).to.deep.equal({
      numerator: 366n,
      denominator: 365n,
    });
    expect(yearFraction("30/360", d("2024-01-01"), d("2025-01-01"))).to.deep.equal({
      numerator: 360n,
      denominator: 360n,
    });
  });

  it("counts actual days like the platform's UTC calendar (differential)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2200, 11, 31)), noInvalidDate: true }),
        fc.integer({ min: 0, max: 40_000 }),
        (start, span) => {
          const end = new Date(start.getTime() + span * 86_400_000);
          const toCalendar = (date: Date) => ({
            year: date.getUTCFullYear(),
            month: date.getUTCMonth() + 1,
            day: date.getUTCDate(),
          });
          expect(actualDays(toCalendar(start), toCalendar(end))).to.equal(
            Math.round(
              (Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()) -
                Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate())) /
                86_400_000,
            ),
          );
        },
      ),
    );
    expect(epochDay(d("1970-01-01"))).to.equal(0);
  });

  it("adds months from an anchor, clamping to the month's last day", () => {
    expect(addMonths(d("2023-01-31"), 1)).to.deep.equal(d("2023-02-28"));
    expect(addMonths(d("2024-01-31"), 1)).to.deep.equal(d("2024-02-29"));
    expect(addMonths(d("2023-01-31"), 2)).to.deep.equal(d("2023-03-31"));
    expect(addMonths(d("2023-11-15"), 3)).to.deep.equal(d("2024-02-15"));
  });

  it("rejects malformed and impossible dates with INVALID_DATE", () => {
    for (const text of ["2023-02-29", "2023-13-01", "23-01-01", "2023-01-00"]) {
      expect(() => parseCalendarDate(text))
        .to.throw(CashflowError, /expected a calendar date YYYY-MM-DD/)
        .with.property("code", "INVALID_DATE");
    }
  });

  it("lays periods on a month grid; actual-day conventions need a cut-off date", () => {
    expect(new MonthGrid("30/360", undefined).days(0, 3)).to.equal(90n);
    const grid = new MonthGrid("ACT/360", d("2024-01-31"));
    expect(grid.days(0, 1)).to.equal(29n); // 31 Jan -> 29 Feb 2024
    expect(grid.days(1, 2)).to.equal(31n); // 29 Feb -> 31 Mar
    expect(() => new MonthGrid("ACT/365F", undefined))
      .to.throw(CashflowError)
      .with.property("code", "MISSING_CUTOFF_DATE");
  });
});
