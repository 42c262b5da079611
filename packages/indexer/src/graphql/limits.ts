/** Page-size and query limits of the GraphQL API (The Graph's: first <= 1000, skip <= 5000). */
export const MAX_FIRST = 1000;
export const MAX_SKIP = 5000;
export const MAX_DEPTH = 10;
/** Entities a query may ask for at most: every list multiplies its children by its `first`. */
export const MAX_COST = 500_000;
