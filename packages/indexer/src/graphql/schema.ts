import DataLoader from "dataloader";
import { GraphQLError, GraphQLScalarType, Kind, print, type GraphQLSchema } from "graphql";
import { createSchema } from "graphql-yoga";
import { z } from "zod";
import { type EntityModel, type SchemaModel } from "../schema-model";
import { type EntityData, type IndexerStore } from "../store";
import { compare, filterSuffixes, filterValueType, matcher, refEquality, type Where } from "./filters";
import { pluralField, singularField } from "./naming";

import { MAX_FIRST, MAX_SKIP } from "./limits";
import { LOAN_TYPE_DEFS, loanResolvers } from "./loans";
import { FORECAST_TYPE_DEFS, forecastResolvers } from "./forecast";
import { SCHEDULE_TYPE_DEFS, scheduleResolvers } from "./schedule";
import { type ForecastBook } from "../forecasts";
import { type ContractRunner } from "ethers";
import { type LoanBook } from "../loans";
import { type LoanAccess } from "../auth/caller";
import { describeZodIssues } from "@abs/core";

export { DEFAULT_QUERY_LIMITS, MAX_FIRST, MAX_SKIP, type QueryLimits } from "./limits";

/** What a query needs from the indexer: its store and whether indexing has stopped on an error. */
export interface GraphQLDeps {
  store: IndexerStore;
  /** Loan-level records of the member node beside the indexer, if any (penetrating views) */
  loans?: LoanBook | undefined;
  /** Pool forecasts to compare reported periods against (ABS_INDEXER_FORECASTS) */
  forecasts?: ForecastBook | undefined;
  /** Reads contract state at query time (a scheduled deal's targets); absent, those fields say so */
  chain?: ContractRunner | undefined;
  hasIndexingErrors(): boolean;
}

/** Per-request state: the time-travel block and one DataLoader of entities. */
export interface RequestContext {
  loader: DataLoader<string, EntityData | undefined>;
  /** What the caller may read of the loan data */
  access: LoanAccess;
}

/** An entity as the resolvers pass it on: its data and the block the query is answered at. */
interface Row {
  data: EntityData;
  block: number | undefined;
}

function userError(message: string, code = "BAD_USER_INPUT"): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

const listArgs = z.object({
  first: z.number().int().min(0).max(MAX_FIRST, `first must be at most ${MAX_FIRST}`).default(100),
  skip: z.number().int().min(0).max(MAX_SKIP, `skip must be at most ${MAX_SKIP}`).default(0),
  orderBy: z.string().optional(),
  orderDirection: z.enum(["asc", "desc"]).default("asc"),
  where: z.record(z.string(), z.unknown()).optional(),
  block: z.object({ number: z.number().int().min(0).optional(), hash: z.string().optional() }).optional(),
});

function parseArgs(args: unknown): z.infer<typeof listArgs> {
  const parsed = listArgs.safeParse(args);
  if (!parsed.success) throw userError(describeZodIssues(parsed.error, ""));
  return parsed.data;
}

/** A schema description as SDL (a JSON string is a valid GraphQL string literal), on its own line. */
function describe(description: string | undefined, indent: string): string {
  return description ? `${indent}${JSON.stringify(description)}\n` : "";
}

const stringScalar = (name: string, description: string) =>
  new GraphQLScalarType({
    name,
    description,
    serialize: (v) => String(v),
    parseValue: (v) => {
      if (typeof v !== "string" && typeof v !== "number") throw userError(`${name}: expected a string`);
      return String(v);
    },
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT) throw userError(`${name}: expected a string literal`);
      return ast.value;
    },
  });

/** The API's SDL: the entity types with list arguments, filters, orderBy enums and the query fields. */
export function apiTypeDefs(model: SchemaModel): string {
  const out: string[] = [
    "scalar Bytes",
    "scalar BigInt",
    "scalar BigDecimal",
    "scalar Int8",
    "scalar Timestamp",
    "enum OrderDirection { asc desc }",
    "input Block_height { number: Int, hash: Bytes, number_gte: Int }",
    "type _Block_ { number: Int! hash: Bytes timestamp: Int }",
    "type _Meta_ { block: _Block_! deployment: String! hasIndexingErrors: Boolean! }",
  ];
  // Enums as declared in the entity schema.
  for (const name of model.enums) {
    const t = model.schema.getType(name);
    if (t?.astNode) out.push(print(t.astNode));
  }
  const query: string[] = [];
  for (const e of model.entities.values()) {
    const fields = e.fields.map((f) => {
      const base = f.list ? `[${f.type}!]` : f.type;
      const type = f.nonNull ? `${base}!` : base;
      const args = f.kind === "derived" || (f.list && f.kind === "ref") ? `(${listArgsSdl(f.type)})` : "";
      return `${describe(f.description, "  ")}  ${f.name}${args}: ${type}`;
    });
    out.push(`${describe(e.description, "")}type ${e.name} {\n${fields.join("\n")}\n}`);
    const filter: string[] = [];
    for (const f of e.stored) {
      const vt = filterValueType(f);
      filter.push(f.list ? `  ${f.name}: [${vt}!]` : `  ${f.name}: ${vt}`);
      for (const s of filterSuffixes(f)) {
        const list = s === "_in" || s === "_not_in" || f.list;
        filter.push(`  ${f.name}${s}: ${list ? `[${vt}!]` : vt}`);
      }
    }
    filter.push(`  and: [${e.name}_filter]`, `  or: [${e.name}_filter]`);
    out.push(`input ${e.name}_filter {\n${filter.join("\n")}\n}`);
    out.push(`enum ${e.name}_orderBy {\n${e.stored.map((f) => `  ${f.name}`).join("\n")}\n}`);
    query.push(`  ${singularField(e.name)}(id: ID!, block: Block_height): ${e.name}`);
    query.push(`  ${pluralField(e.name)}(${listArgsSdl(e.name)}, block: Block_height): [${e.name}!]!`);
  }
  query.push("  _meta(block: Block_height): _Meta_");
  out.push(`type Query {\n${query.join("\n")}\n}`);
  return out.join("\n\n");
}

const scalarList = z.array(z.union([z.string(), z.number(), z.boolean()]));

function listArgsSdl(type: string): string {
  return `skip: Int = 0, first: Int = 100, orderBy: ${type}_orderBy, orderDirection: OrderDirection, where: ${type}_filter`;
}

/** The executable schema: generic resolvers over the store for every entity of the model. */
export function buildApiSchema(model: SchemaModel, deps: GraphQLDeps): GraphQLSchema {
  const { store } = deps;

  async function resolveBlock(
    block: { number?: number | undefined; hash?: string | undefined } | undefined,
  ): Promise<number | undefined> {
    if (!block) return undefined;
    const checkpoint = await store.checkpoint();
    const head = checkpoint?.number ?? -1;
    let n = block.number;
    if (n === undefined && block.hash !== undefined) {
      const wanted = block.hash.toLowerCase();
      if (checkpoint?.hash === wanted) n = head;
      else {
        const found = (await store.blockRecords(0, head)).find((b) => b.hash === wanted);
        if (!found) throw userError(`block hash ${block.hash} is not known to the indexer`, "BLOCK_NOT_FOUND");
        n = found.number;
      }
    }
    if (n === undefined) return undefined;
    if (n > head)
      throw userError(`the indexer has only indexed up to block ${head} (asked for ${n})`, "BLOCK_NOT_INDEXED");
    return n;
  }

  async function list(
    e: EntityModel,
    rawArgs: unknown,
    block: number | undefined,
    ctx: RequestContext,
    within?: { field: string; id: string },
  ): Promise<Row[]> {
    const args = parseArgs(rawArgs);
    const where = args.where as Where | undefined;
    const scope = within ?? (block === undefined ? refEquality(e, where) : undefined);
    let rows: EntityData[] = [];
    if (scope && block === undefined) {
      const ids = await store.idsByRef(e.name, scope.field, scope.id);
      const loaded = await ctx.loader.loadMany(ids.map((id) => key(e.name, id, undefined)));
      rows = loaded.filter((r): r is EntityData => r !== undefined && !(r instanceof Error));
    } else {
      for await (const r of store.all(e.name, block)) if (!scope || r[scope.field] === scope.id) rows.push(r);
    }
    const match = matcher(e, where);
    rows = rows.filter(match);
    const orderBy = args.orderBy ?? "id";
    const field = e.stored.find((f) => f.name === orderBy);
    const sign = args.orderDirection === "desc" ? -1 : 1;
    rows.sort(
      (a, b) =>
        sign * compare(field, a[orderBy] ?? null, b[orderBy] ?? null) ||
        compare(undefined, a["id"] ?? null, b["id"] ?? null),
    );
    return rows.slice(args.skip, args.skip + args.first).map((data) => ({ data, block }));
  }

  const resolvers: Record<string, Record<string, unknown>> = {};
  const scalars = {
    Bytes: stringScalar("Bytes", "0x-prefixed hex"),
    BigInt: stringScalar("BigInt", "An integer of any size, as a decimal string"),
    BigDecimal: stringScalar("BigDecimal", "A decimal number, as a string"),
    Int8: stringScalar("Int8", "A 64-bit integer, as a decimal string"),
    Timestamp: stringScalar("Timestamp", "Microseconds since the epoch, as a decimal string"),
  };
  const query: Record<string, unknown> = {};
  for (const e of model.entities.values()) {
    query[singularField(e.name)] = async (
      _: unknown,
      args: { id: string; block?: { number?: number; hash?: string } },
      ctx: RequestContext,
    ) => {
      const id = z.string().min(1).max(200).parse(args.id).toLowerCase();
      const block = await resolveBlock(args.block);
      const data = await ctx.loader.load(key(e.name, id, block));
      return data ? { data, block } : null;
    };
    query[pluralField(e.name)] = async (
      _: unknown,
      args: { block?: { number?: number; hash?: string } },
      ctx: RequestContext,
    ) => list(e, args, await resolveBlock(args.block), ctx);
    const typeResolvers: Record<string, unknown> = {};
    for (const f of e.fields) {
      if (f.kind === "derived") {
        const target = model.entities.get(f.type);
        const back = f.derivedFrom ?? "";
        typeResolvers[f.name] = (row: Row, args: unknown, ctx: RequestContext) =>
          target ? list(target, args, row.block, ctx, { field: back, id: String(row.data["id"]) }) : [];
      } else if (f.kind === "ref") {
        typeResolvers[f.name] = async (row: Row, _args: unknown, ctx: RequestContext) => {
          const id = row.data[f.name];
          if (typeof id !== "string") return null;
          const data = await ctx.loader.load(key(f.type, id, row.block));
          return data ? { data, block: row.block } : null;
        };
      } else if (f.list) {
        // Scalar lists are stored as JSON arrays (a stored value is one scalar).
        typeResolvers[f.name] = (row: Row) => {
          const v = row.data[f.name];
          return typeof v === "string" ? scalarList.parse(JSON.parse(v)) : null;
        };
      } else {
        typeResolvers[f.name] = (row: Row) => row.data[f.name] ?? null;
      }
    }
    resolvers[e.name] = typeResolvers;
  }
  query["_meta"] = async (_: unknown, args: { block?: { number?: number; hash?: string } }) => {
    const checkpoint = await store.checkpoint();
    const n = (await resolveBlock(args.block)) ?? checkpoint?.number ?? 0;
    const record =
      n === checkpoint?.number ? { hash: checkpoint.hash, timestamp: undefined } : await store.blockRecord(n);
    return {
      block: { number: n, hash: record?.hash ?? null, timestamp: record?.timestamp ?? null },
      deployment: "abs-indexer",
      hasIndexingErrors: deps.hasIndexingErrors(),
    };
  };
  resolvers["Query"] = {
    ...query,
    ...loanResolvers(deps.loans),
    ...forecastResolvers(deps.store, deps.forecasts),
    ...scheduleResolvers(deps.store, deps.chain),
  };
  return createSchema<RequestContext>({
    typeDefs: [apiTypeDefs(model), LOAN_TYPE_DEFS, FORECAST_TYPE_DEFS, SCHEDULE_TYPE_DEFS],
    resolvers: { ...scalars, ...resolvers },
  });
}

export function key(type: string, id: string, block: number | undefined): string {
  return `${type}\u0000${id}\u0000${block ?? ""}`;
}

/** A DataLoader of entities (current or as of a block), one per request. */
export function entityLoader(store: IndexerStore): DataLoader<string, EntityData | undefined> {
  return new DataLoader(async (keys: readonly string[]) =>
    Promise.all(
      keys.map((k) => {
        const [type = "", id = "", block = ""] = k.split("\u0000");
        return block === "" ? store.get(type, id) : store.getAt(type, id, Number(block));
      }),
    ),
  );
}
