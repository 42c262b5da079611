import { type EntityModel, type FieldModel } from "../schema-model";
import { type EntityData, type Scalar } from "../store";

const ORDERED = ["_gt", "_lt", "_gte", "_lte"] as const;
const SET = ["_in", "_not_in"] as const;
const TEXT = [
  "_contains",
  "_contains_nocase",
  "_not_contains",
  "_not_contains_nocase",
  "_starts_with",
  "_starts_with_nocase",
  "_not_starts_with",
  "_ends_with",
  "_ends_with_nocase",
  "_not_ends_with",
] as const;

/** The filter suffixes The Graph offers for a field (besides equality). */
export function filterSuffixes(f: FieldModel): string[] {
  if (f.list) return ["_contains", "_not_contains"];
  if (f.type === "Boolean" || f.kind === "enum") return ["_not", ...SET];
  if (f.type === "Bytes") return ["_not", ...ORDERED, ...SET, "_contains", "_not_contains"];
  if (f.type === "String" || f.type === "ID" || f.kind === "ref") return ["_not", ...ORDERED, ...SET, ...TEXT];
  return ["_not", ...ORDERED, ...SET];
}

/** The GraphQL input type of a filter value for a field (the value type for refs is the id). */
export function filterValueType(f: FieldModel): string {
  return f.kind === "ref" ? "String" : f.type;
}

/** Compare two stored values of a field's type: numbers, BigInt decimal strings or strings. */
export function compare(f: FieldModel | undefined, a: Scalar, b: Scalar): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (
    f &&
    (f.type === "BigInt" || f.type === "Int8" || f.type === "Timestamp") &&
    typeof a === "string" &&
    typeof b === "string"
  ) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (f && f.type === "BigDecimal" && typeof a === "string" && typeof b === "string") return Number(a) - Number(b);
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** A filter's value as stored: Bytes lower-case, BigInt as decimal string. */
function normalise(f: FieldModel | undefined, v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" && f && (f.type === "Bytes" || f.kind === "ref" || f.type === "ID")) return v.toLowerCase();
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return String(v);
}

export type Where = Record<string, unknown>;

/** A predicate for a `where` argument (every key and'ed; `and` / `or` lists nest). */
export function matcher(model: EntityModel, where: Where | undefined): (e: EntityData) => boolean {
  if (!where) return () => true;
  const byName = new Map(model.stored.map((f) => [f.name, f]));
  const tests: ((e: EntityData) => boolean)[] = [];
  for (const [key, raw] of Object.entries(where)) {
    if (raw === undefined) continue;
    if (key === "and" || key === "or") {
      const subs = (Array.isArray(raw) ? raw : []).map((w: Where) => matcher(model, w));
      tests.push(key === "and" ? (e) => subs.every((m) => m(e)) : (e) => subs.some((m) => m(e)));
      continue;
    }
    const [name, suffix] = splitKey(key, byName);
    const f = byName.get(name);
    const get = (e: EntityData): Scalar => e[name] ?? null;
    const value = Array.isArray(raw) ? raw.map((v) => normalise(f, v)) : normalise(f, raw);
    const list = Array.isArray(value) ? value : [];
    const str = typeof value === "string" ? value : String(value);
    const text = (e: EntityData): string => String(get(e) ?? "");
    const lower = str.toLowerCase();
    const bytesContains = (e: EntityData) =>
      text(e)
        .slice(2)
        .includes(str.startsWith("0x") ? str.slice(2) : str);
    if (f?.list && f.kind !== "ref" && (suffix === "_contains" || suffix === "_not_contains")) {
      // A scalar list (stored as a JSON array text) contains every value given, as graph-node's.
      const items = (e: EntityData): unknown[] => {
        const v = get(e);
        const parsed: unknown = typeof v === "string" ? JSON.parse(v) : [];
        return Array.isArray(parsed) ? parsed : [];
      };
      const all = (e: EntityData) => list.every((v) => items(e).includes(v));
      tests.push(suffix === "_contains" ? all : (e) => !all(e));
      continue;
    }
    switch (suffix) {
      case "":
        tests.push((e) => compare(f, get(e), value as Scalar) === 0);
        break;
      case "_not":
        tests.push((e) => compare(f, get(e), value as Scalar) !== 0);
        break;
      case "_gt":
        tests.push((e) => get(e) !== null && compare(f, get(e), value as Scalar) > 0);
        break;
      case "_lt":
        tests.push((e) => get(e) !== null && compare(f, get(e), value as Scalar) < 0);
        break;
      case "_gte":
        tests.push((e) => get(e) !== null && compare(f, get(e), value as Scalar) >= 0);
        break;
      case "_lte":
        tests.push((e) => get(e) !== null && compare(f, get(e), value as Scalar) <= 0);
        break;
      case "_in":
        tests.push((e) => list.some((v) => compare(f, get(e), v) === 0));
        break;
      case "_not_in":
        tests.push((e) => !list.some((v) => compare(f, get(e), v) === 0));
        break;
      case "_contains":
        tests.push(f?.type === "Bytes" ? bytesContains : (e) => text(e).includes(str));
        break;
      case "_not_contains":
        tests.push(f?.type === "Bytes" ? (e) => !bytesContains(e) : (e) => !text(e).includes(str));
        break;
      case "_contains_nocase":
        tests.push((e) => text(e).toLowerCase().includes(lower));
        break;
      case "_not_contains_nocase":
        tests.push((e) => !text(e).toLowerCase().includes(lower));
        break;
      case "_starts_with":
        tests.push((e) => text(e).startsWith(str));
        break;
      case "_starts_with_nocase":
        tests.push((e) => text(e).toLowerCase().startsWith(lower));
        break;
      case "_not_starts_with":
        tests.push((e) => !text(e).startsWith(str));
        break;
      case "_ends_with":
        tests.push((e) => text(e).endsWith(str));
        break;
      case "_ends_with_nocase":
        tests.push((e) => text(e).toLowerCase().endsWith(lower));
        break;
      case "_not_ends_with":
        tests.push((e) => !text(e).endsWith(str));
        break;
      default:
        tests.push(() => false);
    }
  }
  return (e) => tests.every((t) => t(e));
}

function splitKey(key: string, fields: Map<string, FieldModel>): [string, string] {
  if (fields.has(key)) return [key, ""];
  const suffixes = [
    "_not_contains_nocase",
    "_not_starts_with",
    "_not_ends_with",
    "_starts_with_nocase",
    "_ends_with_nocase",
    "_contains_nocase",
    "_not_contains",
    "_starts_with",
    "_ends_with",
    "_contains",
    "_not_in",
    "_not",
    "_gte",
    "_lte",
    "_gt",
    "_lt",
    "_in",
  ];
  for (const s of suffixes)
    if (key.endsWith(s) && fields.has(key.slice(0, -s.length))) return [key.slice(0, -s.length), s];
  return [key, "?"];
}

/** The equality on a reference field a `where` names, if any (answered from the reference index). */
export function refEquality(model: EntityModel, where: Where | undefined): { field: string; id: string } | undefined {
  if (!where) return undefined;
  for (const f of model.indexed) {
    const v = where[f.name];
    if (typeof v === "string") return { field: f.name, id: v.toLowerCase() };
  }
  return undefined;
}
