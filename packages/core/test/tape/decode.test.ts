import { expect } from "chai";
import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { decodeTape, isValidUtf8 } from "../../src/tape/decode";

async function decode(bytes: Buffer, encoding: "auto" | "utf8" | "gbk", chunk = bytes.length || 1) {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  const decoded = decodeTape(Readable.from(chunks), encoding);
  let text = "";
  for await (const part of decoded.chunks) text += part;
  return { text, encoding: decoded.encoding(), bom: decoded.hadBom(), bytes: decoded.bytesRead() };
}

describe("tape/decode", () => {
  const ascii = "loan_id,region\n".repeat(20);
  const chinese = `${ascii}L1,广东省\nL2,内蒙古\n`;

  it("detects UTF-8 and GBK after a long ASCII run, whatever the chunking", async () => {
    for (const chunk of [1, 2, 3, 7, 64, 100_000]) {
      const utf8 = await decode(Buffer.from(chinese, "utf8"), "auto", chunk);
      expect([utf8.text, utf8.encoding], `utf8 / ${chunk}`).to.deep.equal([chinese, "utf8"]);
      const gbk = await decode(iconv.encode(chinese, "gbk"), "auto", chunk);
      expect([gbk.text, gbk.encoding], `gbk / ${chunk}`).to.deep.equal([chinese, "gbk"]);
    }
  });

  it("strips a UTF-8 BOM and says it was there", async () => {
    const result = await decode(Buffer.from(`\uFEFF${chinese}`, "utf8"), "auto", 1);
    expect(result).to.deep.include({ text: chinese, encoding: "utf8", bom: true });
    expect(result.bytes).to.equal(Buffer.byteLength(chinese) + 3);
  });

  it("calls an all-ASCII or empty file UTF-8", async () => {
    expect((await decode(Buffer.from(ascii), "auto")).encoding).to.equal("utf8");
    expect(await decode(Buffer.alloc(0), "auto")).to.deep.include({ text: "", encoding: "utf8" });
  });

  it("puts U+FFFD where bytes are invalid in the declared encoding", async () => {
    const result = await decode(iconv.encode("L1,广东\n", "gbk"), "utf8");
    expect(result.text).to.include("\uFFFD");
    expect(result.text.startsWith("L1,")).to.equal(true);
    expect((await decode(Buffer.from([0x41, 0x81]), "gbk")).text).to.equal("A\uFFFD");
  });

  it("decides on a short non-ASCII tail at the end of the file", async () => {
    const result = await decode(iconv.encode("a,广", "gbk"), "auto");
    expect(result).to.deep.include({ text: "a,广", encoding: "gbk" });
  });

  it("isValidUtf8 allows a cut sequence at the end only when not final", () => {
    const cut = Buffer.from("广", "utf8").subarray(0, 2);
    expect(isValidUtf8(cut, false)).to.equal(true);
    expect(isValidUtf8(cut, true)).to.equal(false);
    expect(isValidUtf8(iconv.encode("广东", "gbk"), false)).to.equal(false);
  });

  it("rejects an unknown encoding", () => {
    // As a JavaScript caller or a config file could pass it (JSON.parse is untyped).
    expect(() => decodeTape(Readable.from([]), JSON.parse('"latin1"'))).to.throw("Invalid encoding");
  });
});
