// Conditional GET (issue 15): each path's last answer is kept with its ETag; asking again sends
// If-None-Match, and a 304 (nothing changed) hands back the kept answer with `changed: false`, so
// a list can skip its redraw. Used by the open list, the inbox counts and the notifications badge.
import { getIfChanged, type RequestOptions } from "../api";

const kept = new Map<string, { etag: string; body: unknown }>();
const MAX_KEPT = 50;

export async function fetchFresh<T>(path: string, options: RequestOptions = {}): Promise<{ body: T; changed: boolean }> {
  const before = kept.get(path);
  const answer = await getIfChanged<T>(path, before?.etag, options);
  if (answer === null && before) return { body: before.body as T, changed: false };
  if (answer === null) throw new Error(`304 without a kept answer for ${path}`);
  kept.delete(path);
  if (answer.etag) kept.set(path, { etag: answer.etag, body: answer.body });
  if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
  return { body: answer.body, changed: true };
}

/** Tests and sign-out: forget every kept answer. */
export function forgetAll(): void {
  kept.clear();
}
