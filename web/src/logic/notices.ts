// Agent notifications (S16): the unread count for the badge, kept fresh while signed in.
// Issue 15: the badge follows live notices (web/src/live: a notification is written by the same
// stream batch that pushes the notice, before the push), debounced; while the socket is down the
// live module's fallback ticks (jittered) ask again. Every ask sends the last ETag: an unchanged
// count is a 304. Focus, visibility and navigation ask too, as before.
import { debounce, onTicketChange } from "../live";
import { fetchFresh } from "../live/conditional";
import { Store } from "../store";

export const unread = new Store<number>(0);
const DEBOUNCE_MS = 300;

export async function refreshUnread(): Promise<void> {
  try {
    unread.set((await fetchFresh<{ unread: number }>("/api/me/notifications/count")).body.unread);
  } catch {
    /* the badge keeps its last count */
  }
}

export function pollUnread(): () => void {
  const refresh = () => void refreshUnread();
  const onVisible = () => document.visibilityState === "visible" && refresh();
  const soon = debounce(refresh, DEBOUNCE_MS);
  refresh();
  const off = onTicketChange(soon);
  window.addEventListener("focus", refresh);
  window.addEventListener("hashchange", refresh);
  document.addEventListener("visibilitychange", onVisible);
  return () => {
    off();
    soon.cancel();
    window.removeEventListener("focus", refresh);
    window.removeEventListener("hashchange", refresh);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
