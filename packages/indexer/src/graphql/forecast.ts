import { GraphQLError } from "graphql";
import { type ForecastBook, type ForecastMonth } from "../forecasts";
import { seqId } from "../handlers/context";
import { annualisedBps } from "../metrics";
import { type IndexerStore } from "../store";

/** Indexer-only query fields: a pool's forecast against its reported periods (not part of a subgraph). */
export const FORECAST_TYPE_DEFS = `
"""
A period of a pool's forecast (the projection its deal was priced on, ABS_INDEXER_FORECASTS) beside what the
servicer reported. Forecast balances are scaled to the pool's issued balance (the forecast's balance x issued /
forecast opening, rounded down); forecast CPR and CDR follow PeriodMetrics' definitions on the forecast's months.
The actual fields are null for periods not reported yet.
"""
type ForecastPoint {
  period: Int!
  forecastEndingBalanceCents: BigInt!
  actualEndingBalanceCents: BigInt
  forecastCprBps: Int!
  actualCprBps: Int
  forecastCdrBps: Int!
  actualCdrBps: Int
}
extend type Query {
  "The pool's forecast period by period against its reported metrics; empty when no forecast is configured for it"
  poolForecast(pool: Bytes!): [ForecastPoint!]!
}
`;

/** Forecast balances on the pool's own scale: x * issued / opening, rounded down. */
function scaler(forecast: readonly ForecastMonth[], issuedCents: bigint | undefined): (cents: bigint) => bigint {
  const opening = forecast[0]?.beginningBalanceCents ?? 0n;
  if (issuedCents === undefined || opening === 0n) return (value) => value;
  return (value) => (value * issuedCents) / opening;
}

export function forecastResolvers(store: IndexerStore, book: ForecastBook | undefined): Record<string, unknown> {
  return {
    poolForecast: async (_: unknown, args: { pool: string }) => {
      const pool = String(args.pool).toLowerCase();
      if (!/^0x[0-9a-f]{40}$/.test(pool)) {
        throw new GraphQLError(`pool: expected an address (0x and 40 hex digits), found ${JSON.stringify(args.pool)}`, {
          extensions: { code: "BAD_USER_INPUT" },
        });
      }
      const forecast = book?.get(pool);
      if (forecast === undefined) return [];
      const first = await store.get("PeriodMetrics", seqId(pool, 1));
      const issued =
        typeof first?.["beginningBalanceCents"] === "string" ? BigInt(first["beginningBalanceCents"]) : undefined;
      const scale = scaler(forecast, issued);
      return Promise.all(
        forecast.map(async (month) => {
          const actual = await store.get("PeriodMetrics", seqId(pool, month.month));
          return {
            period: month.month,
            forecastEndingBalanceCents: scale(month.endingBalanceCents).toString(),
            actualEndingBalanceCents: actual === undefined ? null : String(actual["endingBalanceCents"]),
            forecastCprBps: annualisedBps(
              month.prepaidPrincipalCents,
              month.beginningBalanceCents - month.scheduledPrincipalCents,
            ),
            actualCprBps: actual === undefined ? null : actual["cprBps"],
            forecastCdrBps: annualisedBps(month.newDefaultsCents, month.beginningBalanceCents),
            actualCdrBps: actual === undefined ? null : actual["cdrBps"],
          };
        }),
      );
    },
  };
}
