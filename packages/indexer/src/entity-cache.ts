import { type EntityData } from "./store";

/** A cached value: the committed text (`null`: known absent) and, once read, its decoded form. */
interface Cached {
  text: string | null;
  data: EntityData | undefined;
}

/**
 * Committed values of mutable entities, by sublevel then key. Two levels rather than one map of
 * `sub + key` strings: a concatenated key is a fresh string, flattened and hashed on every lookup,
 * and the handlers look up ~10 keys per log. Bounded: cleared whole once it passes `limit` entries
 * (a catch-up touches few entities often, so a cleared cache refills with the hot ones).
 */
export class EntityCache {
  private readonly bySub = new Map<string, Map<string, Cached>>();
  private size = 0;

  constructor(private readonly limit: number) {}

  /** The committed text: undefined when not cached, null when known absent. */
  text(sub: string, key: string): string | null | undefined {
    return this.bySub.get(sub)?.get(key)?.text;
  }

  /** The decoded form of a cached value, if a reader has decoded it. */
  decoded(sub: string, key: string): EntityData | undefined {
    return this.bySub.get(sub)?.get(key)?.data;
  }

  set(sub: string, key: string, text: string | null, data?: EntityData): void {
    const decoded = text === null ? undefined : data;
    const cached = this.bySub.get(sub)?.get(key);
    if (cached) {
      cached.text = text;
      cached.data = decoded;
      return;
    }
    if (this.size >= this.limit) this.clear();
    let values = this.bySub.get(sub);
    if (!values) {
      values = new Map();
      this.bySub.set(sub, values);
    }
    values.set(key, { text, data: decoded });
    this.size++;
  }

  /** Keep the decoded form of a value that is cached (nothing when it is not). */
  setDecoded(sub: string, key: string, data: EntityData): void {
    const cached = this.bySub.get(sub)?.get(key);
    if (cached && cached.text !== null) cached.data = data;
  }

  delete(sub: string, key: string): void {
    if (this.bySub.get(sub)?.delete(key)) this.size--;
  }

  clear(): void {
    this.bySub.clear();
    this.size = 0;
  }
}
