import { expect } from "chai";
import fc from "fast-check";
import { addMonths, daysInMonth, epochDayToIsoDate, isoDateToEpochDay, parseIsoDate } from "../src/iso-date";
import { CoreError } from "../src/errors";

const MS_PER_DAY = 86_400_000;
/** 9999-12-31 */
const LAST_DAY = 2_932_896;

describe("iso-date", () => {
  it("parses only real calendar dates in yyyy-mm-dd", () => {
    expect(parseIsoDate("2024-02-29")).to.deep.equal({ year: 2024, month: 2, day: 29 });
    expect(parseIsoDate("2000-02-29")).to.deep.equal({ year: 2000, month: 2, day: 29 });
    for (const bad of ["2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00"]) {
      expect(parseIsoDate(bad), bad).to.equal(undefined);
    }
    for (const bad of ["2024-1-01", "20240101", "2024-01-01T00:00:00Z", " 2024-01-01", "24-01-01", ""]) {
      expect(parseIsoDate(bad), bad).to.equal(undefined);
    }
  });

  it("knows the month lengths", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((month) => daysInMonth(2023, month))).to.deep.equal([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect(daysInMonth(2024, 2)).to.equal(29);
  });

  it("maps dates to days since 1970-01-01", () => {
    expect(isoDateToEpochDay("1970-01-01")).to.equal(0);
    expect(isoDateToEpochDay("2000-03-01")).to.equal(11_017);
    expect(isoDateToEpochDay("2024-01-01")).to.equal(19_723);
    expect(isoDateToEpochDay("9999-12-31")).to.equal(LAST_DAY);
    expect(isoDateToEpochDay("1969-12-31")).to.equal(-1);
  });

  it("agrees with Date for every day from 1970 to 9999, both ways", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LAST_DAY }), (day) => {
        const iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
        expect(epochDayToIsoDate(day)).to.equal(iso);
        expect(isoDateToEpochDay(iso)).to.equal(day);
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects a non-date with INVALID_ARGUMENT", () => {
    expect(() => isoDateToEpochDay("2023-02-29"))
      .to.throw(CoreError, 'Invalid date: expected a calendar date yyyy-mm-dd, found "2023-02-29"')
      .with.property("code", "INVALID_ARGUMENT");
    expect(() => epochDayToIsoDate(1.5))
      .to.throw(CoreError)
      .with.property("code", "INVALID_ARGUMENT");
  });

  it("adds months, clamping the day to the end of a shorter month", () => {
    expect(addMonths({ year: 2024, month: 1, day: 31 }, 1)).to.deep.equal({ year: 2024, month: 2, day: 29 });
    expect(addMonths({ year: 2023, month: 12, day: 15 }, 2)).to.deep.equal({ year: 2024, month: 2, day: 15 });
    expect(addMonths({ year: 2024, month: 3, day: 31 }, -13)).to.deep.equal({ year: 2023, month: 2, day: 28 });
    expect(addMonths({ year: 2024, month: 6, day: 30 }, 0)).to.deep.equal({ year: 2024, month: 6, day: 30 });
  });
});
