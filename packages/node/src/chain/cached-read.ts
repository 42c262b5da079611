/**
 * A read shared for `ttlMs`: calls within that time of the first get its answer (the same promise, so concurrent
 * callers make one request); a failed read is forgotten at once, so the next call asks again.
 */
export function cachedRead<T>(ttlMs: number, read: () => Promise<T>, clock: () => number = Date.now): () => Promise<T> {
  let cached: { readonly readAt: number; readonly value: Promise<T> } | undefined;
  return () => {
    const now = clock();
    if (cached === undefined || now - cached.readAt >= ttlMs) {
      const value = read();
      const entry = { readAt: now, value };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.value;
  };
}
