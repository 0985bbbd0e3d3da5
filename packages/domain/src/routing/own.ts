/** Reads an own property of a record keyed by ids (never `constructor` & co. from the prototype). */
export function own<V>(
  record: Readonly<Record<string, V>> | undefined,
  key: string,
): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
