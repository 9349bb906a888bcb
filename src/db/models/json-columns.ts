/**
 * JSON stored in string columns (`tags`, `metadata`, `sync_queue.data`). The app writes these
 * itself, but a pulled record may carry anything, so reading never throws: malformed JSON reads
 * as empty.
 */
function parseJson(json: string | null): unknown {
  if (!json) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

export function parseTags(json: string | null): string[] {
  const value = parseJson(json);
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
}

export function stringifyTags(tags: readonly string[] | null): string | null {
  return tags && tags.length > 0 ? JSON.stringify(tags) : null;
}

export function parseJsonObject(json: string | null): Record<string, unknown> {
  const value = parseJson(json);
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
