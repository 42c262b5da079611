import { type BlockInfo } from "./rpc";

const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const QUANTITY = /^0x[0-9a-fA-F]{1,13}$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Reads the answer to a JSON-RPC batch of eth_getBlockByNumber (with or without transactions)
 * without building its objects: only each block's number, hash, parent hash, timestamp and its
 * transactions' hashes and senders are taken out of the text. A block with its transactions is
 * mostly fields the indexer never reads (~800 bytes a transaction), and `JSON.parse` of them cost a
 * catch-up more CPU and garbage collection than the rest of the answer.
 *
 * The scan checks the JSON's structure (brackets, keys, separators) and the values it takes; it
 * returns undefined on anything it does not expect (an escaped string, an error answer, a null
 * result, a missing or malformed field), and the caller then parses the answer in full, which
 * reports what is wrong. The result maps each answer's id to its block.
 */
export function scanBlockBatch(text: string): Map<number, BlockInfo> | undefined {
  // Without backslashes a string ends at the next quote; RPC answers of hex fields have none.
  if (text.includes("\\")) return undefined;
  const blocks = new Map<number, BlockInfo>();
  // Nesting: the batch [ > an answer { > "result" { > "transactions" [ > a transaction {
  /** Containers open, innermost last: true for an object */
  const objects: boolean[] = [];
  /** The key each open container sits under in its parent object ("" in an array) */
  const keys: string[] = [];
  let key = "";
  let wantKey = false; // after `{` or `,` in an object
  let wantColon = false; // after a key
  let wantValue = false; // after `:`, or `,` in an array
  let hadValue = false; // a value was just read: `,` or a closing bracket may follow
  let id: number | undefined;
  let number: number | undefined;
  let hash: string | undefined;
  let parentHash: string | undefined;
  let timestamp: number | undefined;
  let senders: Map<string, string> | undefined;
  let txHash: string | undefined;
  let txFrom: string | undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    const depth = objects.length;
    if (c === 0x22 /* " */) {
      const end = text.indexOf('"', i + 1);
      if (end < 0 || wantColon || hadValue || depth === 0) return undefined;
      if (wantKey) {
        key = text.slice(i + 1, end);
        wantKey = false;
        wantColon = true;
      } else {
        // A string value: those the indexer needs are known by where they are.
        if (depth === 3 && keys[2] === "result") {
          if (key === "number" || key === "timestamp") {
            const v = text.slice(i + 1, end);
            if (!QUANTITY.test(v)) return undefined;
            if (key === "number") number = Number(v);
            else timestamp = Number(v);
          } else if (key === "hash" || key === "parentHash") {
            const v = text.slice(i + 1, end);
            if (!HASH.test(v)) return undefined;
            if (key === "hash") hash = v.toLowerCase();
            else parentHash = v.toLowerCase();
          }
        } else if (depth === 5 && keys[3] === "transactions" && keys[2] === "result") {
          if (key === "hash") {
            const v = text.slice(i + 1, end);
            if (!HASH.test(v)) return undefined;
            txHash = v.toLowerCase();
          } else if (key === "from") {
            const v = text.slice(i + 1, end);
            if (!ADDRESS.test(v)) return undefined;
            txFrom = v.toLowerCase();
          }
        }
        wantValue = false;
        hadValue = true;
      }
      i = end + 1;
      continue;
    }
    if (c === 0x3a /* : */) {
      if (!wantColon) return undefined;
      wantColon = false;
      wantValue = true;
      i++;
      continue;
    }
    if (wantKey || wantColon) return undefined;
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (hadValue) return undefined;
      const isObject = c === 0x7b;
      if (depth === 2 && key === "error") return undefined; // the full parse reports the error
      if (depth === 2 && key === "result") {
        if (!isObject) return undefined;
        number = undefined;
        hash = undefined;
        parentHash = undefined;
        timestamp = undefined;
        senders = new Map();
      } else if (depth === 4 && keys[3] === "transactions" && keys[2] === "result" && isObject) {
        txHash = undefined;
        txFrom = undefined;
      }
      keys.push(objects[depth - 1] === true ? key : "");
      objects.push(isObject);
      wantKey = isObject;
      wantValue = false;
      hadValue = false;
      i++;
      if (isObject) {
        // `{}`: no key comes.
        let j = i;
        while (j < n && /\s/.test(text.charAt(j))) j++;
        if (text.charCodeAt(j) === 0x7d) wantKey = false;
      }
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      const isObject = c === 0x7d;
      if (wantValue || objects[depth - 1] !== isObject) return undefined;
      objects.pop();
      keys.pop();
      const after = objects.length;
      if (isObject && after === 4 && keys[3] === "transactions" && keys[2] === "result") {
        if (txHash === undefined || txFrom === undefined || senders === undefined) return undefined;
        senders.set(txHash, txFrom);
      } else if (isObject && after === 1) {
        if (id === undefined || blocks.has(id) || senders === undefined) return undefined;
        if (number === undefined || hash === undefined || parentHash === undefined || timestamp === undefined) {
          return undefined;
        }
        blocks.set(id, { number, hash, parentHash, timestamp, txFrom: senders });
        id = undefined;
        senders = undefined;
      } else if (after === 0) {
        // The end of the batch: only whitespace may follow.
        return !isObject && text.slice(i + 1).trim() === "" ? blocks : undefined;
      }
      hadValue = true;
      i++;
      continue;
    }
    if (c === 0x2c /* , */) {
      if (!hadValue || depth === 0) return undefined;
      hadValue = false;
      wantKey = objects[depth - 1] === true;
      wantValue = !wantKey;
      i++;
      continue;
    }
    // A number or a literal, up to the next separator.
    if (hadValue || depth === 0) return undefined;
    let end = i;
    while (end < n) {
      const d = text.charCodeAt(end);
      if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
      end++;
    }
    const token = text.slice(i, end);
    if (token !== "true" && token !== "false" && token !== "null" && !NUMBER.test(token)) return undefined;
    if (depth === 2 && key === "id") {
      if (!/^\d{1,15}$/.test(token)) return undefined;
      id = Number(token);
    } else if (depth === 2 && key === "result") {
      return undefined; // a null result (no such block): the full parse reports it
    }
    wantValue = false;
    hadValue = true;
    i = end;
  }
  return undefined; // unterminated
}
