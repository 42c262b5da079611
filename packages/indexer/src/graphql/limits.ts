/**
 * The GraphQL API's limits. Every check is linear in the size of the query: graphql-armor's rules
 * count each fragment once (a fragment spread twice costs its memoised figure, not a second walk),
 * the token limit stops the parser before a deep or long document is built, and the cost is
 * computed at execution time from the page sizes the query will really ask for (`first` given as a
 * variable is costed at the variable's value; a list without `first` at its default of 100).
 *
 * Refusals answer HTTP 400 with `extensions.code`; a query that runs past the time limit is
 * stopped and answers 503 `QUERY_TIMEOUT` (a retry may help when the server is less busy).
 */
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  validate,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type ValidationContext,
} from "graphql";
import { type Plugin } from "graphql-yoga";

/** Page-size limits (The Graph's: first <= 1000, skip <= 5000). */
export const MAX_FIRST = 1000;
export const MAX_SKIP = 5000;
/** What a list field returns when the query gives no `first`. */
export const DEFAULT_FIRST = 100;

export interface QueryLimits {
  /** Nested selections (introspection is not counted) */
  maxDepth: number;
  /** Fields a query may return: every list multiplies the fields below it by its `first` */
  maxCost: number;
  /** Aliased fields in one operation (`__typename` is free) */
  maxAliases: number;
  /** Lexical tokens in one document: bounds parsing before anything else runs */
  maxTokens: number;
  /** Directives in one operation */
  maxDirectives: number;
  /** Wall time of one execution, in milliseconds */
  timeoutMs: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxCost: 1_000_000,
  maxAliases: 30,
  maxTokens: 3_000,
  maxDirectives: 20,
  timeoutMs: 10_000,
};

/** Codes of the refusals, in `extensions.code`. */
export type QueryLimitCode =
  | "QUERY_TOO_DEEP"
  | "QUERY_TOO_COMPLEX"
  | "QUERY_TOO_MANY_ALIASES"
  | "QUERY_TOO_MANY_TOKENS"
  | "QUERY_TOO_MANY_DIRECTIVES"
  | "QUERY_TIMEOUT";

/** graphql-armor prefixes every refusal with "Syntax Error: "; ours say what the limit is. */
function limitError(code: QueryLimitCode, armorMessage: string, status = 400): GraphQLError {
  return new GraphQLError(armorMessage.replace(/^Syntax Error: /, ""), {
    extensions: { code, http: { status } },
  });
}

/**
 * Errors that carry an HTTP status (parse and validation failures, our refusals) answer with it
 * whatever the client accepts. Yoga would answer them 200 to a client accepting plain JSON (the
 * GraphQL-over-HTTP spec's legacy rule); a refused query is a bad request for every client.
 */
export function errorStatusPlugin(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !("errors" in result) || !result.errors?.length) return;
      let status = 0;
      for (const error of result.errors) {
        const http = (error.extensions as { http?: { status?: unknown } } | undefined)?.http;
        if (typeof http?.status === "number") status = Math.max(status, http.status);
      }
      // A result-level status comes first in yoga's choice of the response's status.
      if (status >= 400) setResult({ ...result, extensions: { ...result.extensions, http: { status } } });
    },
  };
}

type ArmorReject = (context: ValidationContext | null, error: GraphQLError) => void;

/** Report a validation refusal under our code instead of throwing out of `validate`. */
function reportAs(code: QueryLimitCode): { propagateOnRejection: false; onReject: ArmorReject[] } {
  return {
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(limitError(code, error.message))],
  };
}

/** The yoga plugins that enforce `limits` (see the module comment). */
export function queryLimitPlugins(schema: GraphQLSchema, limits: QueryLimits): Plugin[] {
  return [
    maxTokensPlugin({
      n: limits.maxTokens,
      // The parser must stop here: the refusal is thrown, carrying our code and status.
      onReject: [
        (_context, error) => Object.assign(error.extensions, limitError("QUERY_TOO_MANY_TOKENS", "").extensions),
      ],
    }),
    // A fragment adds no level to the answer: flattened, it is counted where it is spread.
    maxDepthPlugin({
      n: limits.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      ...reportAs("QUERY_TOO_DEEP"),
    }),
    maxAliasesPlugin({ n: limits.maxAliases, ...reportAs("QUERY_TOO_MANY_ALIASES") }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...reportAs("QUERY_TOO_MANY_DIRECTIVES") }),
    costAtValuesPlugin(schema, limits.maxCost),
    timeLimitPlugin(limits.timeoutMs),
    errorStatusPlugin(),
  ];
}

/**
 * The cost check, at execution time because only then are the variables known (validation results
 * are cached per query text, so a check that read variables there would pass `first: $f` with
 * `f = 1000` once `f = 1` had passed). graphql-armor's cost rule runs over the document with each
 * list's page size written in.
 */
export function costAtValuesPlugin(schema: GraphQLSchema, maxCost: number): Plugin {
  const rule = costLimitRule({
    maxCost,
    objectCost: 1,
    scalarCost: 1,
    depthCostFactor: 1,
    flattenFragments: true,
    ignoreIntrospection: true,
    ...reportAs("QUERY_TOO_COMPLEX"),
  });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      const sized = withPageSizes(schema, args.document, variables);
      const errors = validate(schema, sized, [rule]);
      if (errors.length > 0) {
        // The refusal says how the entities were counted, so a caller knows what to lower.
        const [first] = errors;
        const message = `${first?.message ?? "query too complex"} (entities: each list's first, ${DEFAULT_FIRST} when not given, multiplied down the tree)`;
        setResultAndStopExecution({ errors: [limitError("QUERY_TOO_COMPLEX", message)] });
      }
    },
  };
}

/**
 * The document with every object list's `first` as an integer literal: a variable's value, or the
 * argument's default (`DEFAULT_FIRST` when the schema gives none). One pass over the document:
 * fragments are rewritten once, where they are defined.
 */
export function withPageSizes(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode): FieldNode | undefined {
        const def = typeInfo.getFieldDef();
        if (!def || !node.selectionSet) return undefined;
        const type = getNullableType(def.type);
        if (!isListType(type) || !isObjectType(getNamedType(type))) return undefined;
        const given = node.arguments?.find((a) => a.name.value === "first");
        const declared = def.args.find((a) => a.name === "first")?.defaultValue;
        const size = pageSize(given, variables, typeof declared === "number" ? declared : DEFAULT_FIRST);
        const first: ArgumentNode = {
          kind: Kind.ARGUMENT,
          name: { kind: Kind.NAME, value: "first" },
          value: { kind: Kind.INT, value: String(size) },
        };
        const others = (node.arguments ?? []).filter((a) => a.name.value !== "first");
        return { ...node, arguments: [...others, first] };
      },
    }),
  );
}

function pageSize(arg: ArgumentNode | undefined, variables: Record<string, unknown>, fallback: number): number {
  if (!arg) return fallback;
  if (arg.value.kind === Kind.INT) return Math.max(1, Number(arg.value.value));
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables[arg.value.name.value];
    return typeof value === "number" && Number.isFinite(value) ? Math.max(1, Math.trunc(value)) : fallback;
  }
  return fallback;
}

/**
 * Stops an execution after `timeoutMs` (the executor checks the signal between resolvers) and
 * answers 503 `QUERY_TIMEOUT`; a client that goes away stops its query too.
 */
export function timeLimitPlugin(timeoutMs: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        const deadline = AbortSignal.timeout(timeoutMs);
        const request = (args.contextValue as { request?: Request } | undefined)?.request?.signal;
        const signal = request ? AbortSignal.any([request, deadline]) : deadline;
        try {
          // @graphql-tools/executor (yoga's) stops between resolvers once `signal` aborts.
          return await executeFn({ ...args, signal } as typeof args);
        } catch (error) {
          if (!deadline.aborted) throw error;
          return { errors: [limitError("QUERY_TIMEOUT", `the query ran past the limit of ${timeoutMs} ms`, 503)] };
        }
      });
    },
  };
}
