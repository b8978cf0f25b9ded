/** Docker's `MatchKVList`: every `key` / `key=value` must be present in `labels`. */
export function matchKeyValues(wanted: readonly string[], labels: Record<string, string> | null | undefined): boolean {
  if (wanted.length === 0) return true;
  if (!labels || Object.keys(labels).length === 0) return false;
  return wanted.every((entry) => {
    const eq = entry.indexOf('=');
    const key = eq === -1 ? entry : entry.slice(0, eq);
    if (!Object.hasOwn(labels, key)) return false;
    return eq === -1 || labels[key] === entry.slice(eq + 1);
  });
}

/** `label=` filters must all match; `label!=` filters exclude what matches all of them. */
export function matchLabelFilters(
  labels: readonly string[],
  notLabels: readonly string[],
  actual: Record<string, string> | null | undefined,
): boolean {
  if (!matchKeyValues(labels, actual)) return false;
  return notLabels.length === 0 || !matchKeyValues(notLabels, actual);
}
