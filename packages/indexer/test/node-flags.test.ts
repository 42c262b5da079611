import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { INDEXER_NODE_FLAGS, hasIndexerNodeFlags } from "../src/node-flags";

describe("node flags of the indexer's processes", () => {
  it("are found on the command line or in NODE_OPTIONS, in either spelling and with any value", () => {
    expect(hasIndexerNodeFlags([], "")).to.equal(false);
    expect(hasIndexerNodeFlags(["--max-old-space-size=8192"], "--inspect")).to.equal(false);
    expect(hasIndexerNodeFlags([...INDEXER_NODE_FLAGS], "")).to.equal(true);
    expect(hasIndexerNodeFlags([], ` --max-old-space-size=4096  ${INDEXER_NODE_FLAGS.join(" ")} `)).to.equal(true);
    expect(hasIndexerNodeFlags(["--max_semi_space_size=32"], "")).to.equal(true);
  });

  it("are passed by the npm scripts that launch the indexer", () => {
    const root = path.resolve(__dirname, "..", "..", "..");
    const scriptOf = (file: string): string => {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as { scripts?: Record<string, string> };
      return parsed.scripts?.["start"] ?? "";
    };
    for (const file of [path.join(root, "package.json"), path.join(root, "packages", "indexer", "package.json")]) {
      const start = scriptOf(file);
      for (const flag of INDEXER_NODE_FLAGS) expect(start, file).to.include(`node ${flag} `);
    }
  });
});
