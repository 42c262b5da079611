/** Make room for one more entry in `map` (kept in insertion order): drop the oldest until fewer than `max` remain. */
export function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  while (map.size >= max) {
    const oldest = map.keys().next();
    if (oldest.done === true) return;
    map.delete(oldest.value);
  }
}
