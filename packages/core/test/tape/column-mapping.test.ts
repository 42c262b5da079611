import { expect } from "chai";
import { CoreError } from "../../src/errors";
import { ColumnMappingError, parseColumnMapping } from "../../src/tape/column-mapping";

function mappingError(text: string): ColumnMappingError {
  try {
    parseColumnMapping(text);
  } catch (error) {
    if (error instanceof ColumnMappingError) return error;
    throw error;
  }
  throw new Error("expected the mapping to be rejected");
}

describe("tape/column-mapping", () => {
  it("reads columns (headers trimmed), encoding and delimiter", () => {
    const mapping = parseColumnMapping(
      JSON.stringify({ columns: { " 借据号 ": "loan_id", 身份证号: "national_id" }, encoding: "gbk", delimiter: "\t" }),
    );
    expect([...mapping.columns]).to.deep.equal([
      ["借据号", "loan_id"],
      ["身份证号", "national_id"],
    ]);
    expect(mapping.encoding).to.equal("gbk");
    expect(mapping.delimiter).to.equal("\t");
    expect(parseColumnMapping('{"columns": {}}')).to.not.have.property("encoding");
  });

  it("rejects bad JSON as a CoreError with code INVALID_ARGUMENT", () => {
    const error = mappingError('{"columns": {"a": "loan_id",}}');
    expect(error).to.be.instanceOf(CoreError);
    expect(error.code).to.equal("INVALID_ARGUMENT");
    expect(error.name).to.equal("ColumnMappingError");
    expect(error.issues[0]).to.include({ path: "(file)", expected: "a JSON object" });
    expect(error.issues[0]?.found).to.match(/^invalid JSON \(/);
  });

  it("names an unknown template column, listing the valid ones", () => {
    const error = mappingError(JSON.stringify({ columns: { 客户: "customer", 金额: "original_principal_yuan" } }));
    expect(error.issues).to.have.length(1);
    expect(error.issues[0]?.path).to.equal('columns."客户"');
    expect(error.issues[0]?.found).to.equal('"customer"');
    expect(error.issues[0]?.expected).to.match(/^a template column: one of loan_id, borrower_id, .*, borrower_name$/);
    expect(error.message).to.match(/^Invalid column mapping at columns\."客户": expected a template column/);
  });

  it("reports every problem: unknown keys, bad encoding, bad delimiter, two headers for one column", () => {
    const schema = mappingError(JSON.stringify({ columns: {}, encoding: "latin1", delimiter: '"', extra: 1 }));
    expect(schema.issues.map((issue) => issue.path)).to.have.members(["(file)", "encoding", "delimiter"]);
    expect(schema.issues.find((issue) => issue.path === "encoding")?.found).to.equal('"latin1"');
    const twice = mappingError(JSON.stringify({ columns: { a: "loan_id", b: "loan_id", " ": "region" } }));
    expect(twice.issues.map((issue) => issue.found)).to.deep.equal([
      '"loan_id" already mapped from "a"',
      "an empty header",
    ]);
  });

  it("rejects a JSON value that is not an object", () => {
    expect(mappingError("[]").issues[0]).to.include({ path: "(file)", expected: "a JSON object", found: "an array" });
    expect(mappingError('{"columns": []}').issues[0]?.path).to.equal("columns");
  });
});
