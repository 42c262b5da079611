import { readFileSync } from "node:fs";
import path from "node:path";
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
} from "graphql";

/** Directives of The Graph's schema language, so `buildSchema` accepts a subgraph schema. */
export const GRAPH_DIRECTIVES = `
directive @entity(immutable: Boolean, timeseries: Boolean) on OBJECT
directive @derivedFrom(field: String!) on FIELD_DEFINITION
scalar Bytes
scalar BigInt
scalar BigDecimal
scalar Int8
scalar Timestamp
`;

export type FieldKind = "scalar" | "enum" | "ref" | "derived";

export interface FieldModel {
  name: string;
  kind: FieldKind;
  /** Scalar, enum or entity type name */
  type: string;
  nonNull: boolean;
  list: boolean;
  /** For derived fields: the field of `type` that points back here */
  derivedFrom?: string;
  /** The schema's documentation of the field (served by the API: GraphiQL's docs, the dashboard's definitions) */
  description?: string;
}

export interface EntityModel {
  name: string;
  /** The schema's documentation of the entity type */
  description?: string;
  immutable: boolean;
  fields: FieldModel[];
  /** Fields stored on the entity (everything but derived lists) */
  stored: FieldModel[];
  /** Reference fields (single) */
  refs: FieldModel[];
  /** Reference fields another entity derives a list from (indexed in LevelDB by the referenced id) */
  indexed: FieldModel[];
}

export interface SchemaModel {
  sdl: string;
  schema: GraphQLSchema;
  entities: ReadonlyMap<string, EntityModel>;
  enums: string[];
}

/**
 * The files of the indexer's entity schema: subgraph/schema.graphql (every on-chain entity, the one schema the
 * graph-node deployment shares) and packages/indexer/schema.indexer.graphql (the indexer's additions).
 */
export const SCHEMA_FILES: readonly string[] = [
  path.join(__dirname, "..", "..", "..", "subgraph", "schema.graphql"),
  path.join(__dirname, "..", "schema.indexer.graphql"),
];

/** The indexer's entity schema: the subgraph's, extended by the indexer's additions. */
export function loadSchemaModel(files: readonly string[] = SCHEMA_FILES): SchemaModel {
  return parseSchemaModel(files.map((file) => readFileSync(file, "utf8")).join("\n"));
}

/** Parse an entity schema in The Graph's language into the model the store and GraphQL layer use. */
export function parseSchemaModel(sdl: string): SchemaModel {
  const schema = buildSchema(GRAPH_DIRECTIVES + sdl, { assumeValidSDL: false });
  const entities = new Map<string, EntityModel>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const entityDirective = type.astNode?.directives?.find((d) => d.name.value === "entity");
    if (!entityDirective) continue;
    entities.set(type.name, entityModel(type, schema));
  }
  // Index only the references a @derivedFrom list reads back (Tranche.positions -> Position.tranche).
  const derivedTargets = new Set<string>();
  for (const e of entities.values()) {
    for (const f of e.fields)
      if (f.kind === "derived" && f.derivedFrom) derivedTargets.add(`${f.type}.${f.derivedFrom}`);
  }
  for (const e of entities.values()) e.indexed = e.refs.filter((f) => derivedTargets.has(`${e.name}.${f.name}`));
  const enums = Object.values(schema.getTypeMap())
    .filter((t) => isEnumType(t) && !t.name.startsWith("__"))
    .map((t) => t.name);
  return { sdl, schema, entities, enums };
}

function entityModel(type: GraphQLObjectType, schema: GraphQLSchema): EntityModel {
  const immutableArg = type.astNode?.directives
    ?.find((d) => d.name.value === "entity")
    ?.arguments?.find((a) => a.name.value === "immutable");
  const immutable = immutableArg?.value.kind === "BooleanValue" && immutableArg.value.value;
  const fields: FieldModel[] = Object.values(type.getFields()).map((f) => {
    const named = getNamedType(f.type);
    const derived = f.astNode?.directives?.find((d) => d.name.value === "derivedFrom");
    const derivedArg = derived?.arguments?.find((a) => a.name.value === "field");
    const target = schema.getType(named.name);
    const isEntity =
      isObjectType(target) && target.astNode?.directives?.some((d) => d.name.value === "entity") === true;
    const base = {
      name: f.name,
      type: named.name,
      nonNull: isNonNullType(f.type),
      list: isList(f.type),
      ...(f.description ? { description: f.description } : {}),
    };
    if (derivedArg && derivedArg.value.kind === "StringValue") {
      return { ...base, kind: "derived" as const, derivedFrom: derivedArg.value.value };
    }
    if (isEntity) return { ...base, kind: "ref" as const };
    if (isEnumType(target)) return { ...base, kind: "enum" as const };
    return { ...base, kind: "scalar" as const };
  });
  const stored = fields.filter((f) => f.kind !== "derived");
  const refs = stored.filter((f) => f.kind === "ref" && !f.list);
  return {
    name: type.name,
    ...(type.description ? { description: type.description } : {}),
    immutable,
    fields,
    stored,
    refs,
    indexed: refs,
  };
}

function isList(t: GraphQLType): boolean {
  return isListType(isNonNullType(t) ? t.ofType : t);
}
