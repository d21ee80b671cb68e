// Drafts of what an agent types into a composer (issue 15): kept per user, ticket and kind in
// localStorage, so a ticket switch in the PRO view (which unmounts the ticket) and a reload
// lose nothing. Removed after a successful send, on purpose ("Discard draft"), or when older
// than MAX_AGE_MS. Storage that refuses (private mode, full) only means no draft is kept.

export type DraftKind = "reply" | "note" | "consult" | "sms" | "social";

export interface Draft {
  text: string;
  saved_at: string; // ISO time of the last keystroke kept
}

/** The part of the Web Storage API drafts use (tests pass a Map-backed one). */
export interface DraftStore {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const PREFIX = "servit.draft:";
export const MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

export function draftKey(userId: string, ticketId: string, kind: DraftKind): string {
  return `${PREFIX}${encodeURIComponent(userId)}:${encodeURIComponent(ticketId)}:${kind}`;
}

function parse(raw: string | null): Draft | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Draft>;
    if (typeof value.text !== "string" || typeof value.saved_at !== "string") return null;
    return { text: value.text, saved_at: value.saved_at };
  } catch {
    return null;
  }
}

function expired(draft: Draft, now: Date): boolean {
  const at = Date.parse(draft.saved_at);
  return Number.isNaN(at) || now.getTime() - at > MAX_AGE_MS;
}

/** The kept draft, or null (none, unreadable, or expired: those are removed). */
export function loadDraft(store: DraftStore | null, userId: string, ticketId: string, kind: DraftKind, now = new Date()): Draft | null {
  if (!store) return null;
  const key = draftKey(userId, ticketId, kind);
  try {
    const draft = parse(store.getItem(key));
    if (draft && !expired(draft, now) && draft.text.trim()) return draft;
    if (store.getItem(key) !== null) store.removeItem(key);
  } catch {
    // storage unavailable: no draft
  }
  return null;
}

/** Keep ``text``; an empty text removes the draft (nothing to keep). */
export function saveDraft(store: DraftStore | null, userId: string, ticketId: string, kind: DraftKind, text: string, now = new Date()): void {
  if (!store) return;
  const key = draftKey(userId, ticketId, kind);
  try {
    if (text.trim()) store.setItem(key, JSON.stringify({ text, saved_at: now.toISOString() } satisfies Draft));
    else store.removeItem(key);
  } catch {
    // full or refused: the text stays in the composer, only not kept across a reload
  }
}

export function removeDraft(store: DraftStore | null, userId: string, ticketId: string, kind: DraftKind): void {
  try {
    store?.removeItem(draftKey(userId, ticketId, kind));
  } catch {
    // nothing kept
  }
}

/** Remove every expired or unreadable draft (of any user on this browser); returns how many. */
export function pruneDrafts(store: DraftStore | null, now = new Date()): number {
  if (!store) return 0;
  const gone: string[] = [];
  try {
    for (let i = 0; i < store.length; i++) {
      const key = store.key(i);
      if (!key?.startsWith(PREFIX)) continue;
      const draft = parse(store.getItem(key));
      if (!draft || expired(draft, now)) gone.push(key);
    }
    for (const key of gone) store.removeItem(key);
  } catch {
    return 0;
  }
  return gone.length;
}

/** The browser's localStorage, or null where it cannot be used. */
export function browserStore(): DraftStore | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}
