/** The OWASP CSV-injection rule for exports people open in a spreadsheet. */
import { expect } from "chai";
import { csvCell, spreadsheetCell } from "../../src/tape/csv-writer";

describe("tape/spreadsheetCell", () => {
  it("prefixes text a spreadsheet would run as a formula with a quote, and quotes it as CSV", () => {
    expect(spreadsheetCell('=HYPERLINK("http://x","open")')).to.equal('"\'=HYPERLINK(""http://x"",""open"")"');
    expect(spreadsheetCell("+1+cmd|' /C calc'!A0")).to.equal("'+1+cmd|' /C calc'!A0");
    expect(spreadsheetCell("-2+3")).to.equal("'-2+3");
    expect(spreadsheetCell("@SUM(A1)")).to.equal("'@SUM(A1)");
    expect(spreadsheetCell("\t=1")).to.equal("'\t=1");
    expect(spreadsheetCell("\r=1")).to.equal('"\'\r=1"');
  });

  it("leaves plain numbers, ordinary text and empty cells as csvCell writes them", () => {
    for (const cell of ["-12.50", "+7", "42", "", "Zhejiang", "a, b", "0xabc", '{"a":1}']) {
      expect(spreadsheetCell(cell), cell).to.equal(csvCell(cell));
    }
  });
});
