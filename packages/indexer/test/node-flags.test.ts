import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { INDEXER_NODE_FLAGS } from "../src/node-flags";

describe("the indexer's Node flags", () => {
  it("npm start -w @abs/indexer runs it with exactly INDEXER_NODE_FLAGS (on the command line: not NODE_OPTIONS)", () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts["start"]).to.equal(`node ${INDEXER_NODE_FLAGS.join(" ")} dist/main.js`);
  });
});
