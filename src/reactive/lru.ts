/**
 * A bounded map that forgets its least recently used entry when full: a `Map` kept in order of use (a hit
 * moves the entry to the end; the first entry is the oldest).
 *
 * @example
 *   const lru = new LRU<string, number>(2);
 *   lru.set("a", 1); lru.set("b", 2); lru.get("a"); lru.set("c", 3);
 *   lru.has("b"); // false: "b" was the least recently used
 */
export class LRU<K, V> {
  readonly capacity: number;
  #map = new Map<K, V>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#map.size;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** The value of `key`, now the most recently used, or undefined. */
  get(key: K): V | undefined {
    const map = this.#map;
    if (!map.has(key)) return undefined;
    const value = map.get(key)!;
    map.delete(key);
    map.set(key, value);
    return value;
  }

  /** Stores `value` as the most recently used, forgetting the oldest entries beyond the capacity. */
  set(key: K, value: V): void {
    const map = this.#map;
    map.delete(key);
    map.set(key, value);
    while (map.size > this.capacity) map.delete(map.keys().next().value as K);
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }

  clear(): void {
    this.#map.clear();
  }
}
