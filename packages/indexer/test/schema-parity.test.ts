import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { buildSchema, getNamedType, isEnumType, isObjectType, type GraphQLObjectType } from "graphql";
import { GRAPH_DIRECTIVES, loadSchemaModel, parseSchemaModel } from "../src";
import { apiTypeDefs } from "../src/graphql/schema";
import { pluralField, singularField } from "../src/graphql/naming";

const SUBGRAPH_SCHEMA = path.resolve(__dirname, "..", "..", "..", "subgraph", "schema.graphql");

/** Entities and fields the indexer serves that subgraph/schema.graphql does not have (yet). */
const INDEXER_ONLY_ENTITIES = ["Trigger", "TriggerPeriod", "Fee", "FeePayment", "PeriodMetrics", "Alert", "PoolPledges"];
const INDEXER_ONLY_FIELDS: Record<string, string[]> = { AuditEvent: ["actorMemberId", "actorRoles"] };

function fieldSignature(type: GraphQLObjectType): Map<string, string> {
  return new Map(Object.values(type.getFields()).map((f) => [f.name, String(f.type)]));
}

describe("schema parity with subgraph/schema.graphql", () => {
  const subgraph = parseSchemaModel(readFileSync(SUBGRAPH_SCHEMA, "utf8"));
  const indexer = loadSchemaModel();

  it("has every subgraph entity with the same fields, types, derivations and mutability", () => {
    expect(subgraph.entities.size).to.be.greaterThan(20);
    for (const [name, sub] of subgraph.entities) {
      const mine = indexer.entities.get(name);
      expect(mine, `entity ${name}`).to.not.equal(undefined);
      if (!mine) continue;
      expect(mine.immutable, `${name} immutable`).to.equal(sub.immutable);
      const extra = INDEXER_ONLY_FIELDS[name] ?? [];
      expect(
        mine.fields.map((f) => f.name).filter((f) => !extra.includes(f)),
        `${name} fields`,
      ).to.deep.equal(sub.fields.map((f) => f.name));
      for (const f of sub.fields) {
        const m = mine.fields.find((x) => x.name === f.name);
        expect(m, `${name}.${f.name}`).to.deep.equal(f);
      }
    }
  });

  it("adds only the declared indexer-only entities, and has the same enums", () => {
    const added = [...indexer.entities.keys()].filter((n) => !subgraph.entities.has(n));
    expect(added.sort()).to.deep.equal([...INDEXER_ONLY_ENTITIES].sort());
    for (const name of subgraph.enums) {
      const a = subgraph.schema.getType(name);
      const b = indexer.schema.getType(name);
      expect(isEnumType(a) && isEnumType(b), name).to.equal(true);
      if (isEnumType(a) && isEnumType(b))
        expect(b.getValues().map((v) => v.name)).to.deep.equal(a.getValues().map((v) => v.name));
    }
  });

  it("serves GraphQL object types with the subgraph's field types, and graph-node's query field names", () => {
    const api = buildSchema(apiTypeDefs(indexer));
    const sdl = buildSchema(GRAPH_DIRECTIVES + readFileSync(SUBGRAPH_SCHEMA, "utf8"));
    const query = api.getQueryType()?.getFields() ?? {};
    for (const name of subgraph.entities.keys()) {
      const served = api.getType(name);
      const declared = sdl.getType(name);
      expect(isObjectType(served) && isObjectType(declared), name).to.equal(true);
      if (!isObjectType(served) || !isObjectType(declared)) continue;
      const want = fieldSignature(declared);
      const got = fieldSignature(served);
      for (const [field, type] of want) expect(got.get(field), `${name}.${field}`).to.equal(type);
      expect(query[singularField(name)], `Query.${singularField(name)}`).to.not.equal(undefined);
      const plural = query[pluralField(name)];
      expect(plural && String(getNamedType(plural.type)), `Query.${pluralField(name)}`).to.equal(name);
    }
    expect(pluralField("Consortium")).to.equal("consortia");
    expect(pluralField("Factory")).to.equal("factories");
    expect(pluralField("PeriodMetrics")).to.equal("periodMetrics_collection");
  });
});
