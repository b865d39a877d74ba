/**
 * Safe lookups keyed by outside strings. A plain object inherits
 * `constructor`, `toString`, `__proto__`… from Object.prototype, so
 * `name in table` and `table[name]` treat those as known keys. These only see
 * a table's own properties.
 */

/** The table's own entry for `key`, or undefined (inherited names included). */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Whether `key` is one of the table's own keys (never an inherited name). */
export function isOwnKey<K extends string>(table: Readonly<Record<K, unknown>>, key: unknown): key is K {
  return typeof key === 'string' && Object.hasOwn(table, key);
}
