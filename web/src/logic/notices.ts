// Agent notifications (S16): the unread count for the badge, kept fresh while signed in.
// Notices are written by the TicketEvents stream consumer a moment after the change, so the
// badge asks again every 30 s, when the window gets focus back, and on every navigation.
import { get } from "../api";
import { Store } from "../store";

export const unread = new Store<number>(0);
const POLL_MS = 30_000;

export async function refreshUnread(): Promise<void> {
  try {
    unread.set((await get<{ unread: number }>("/api/me/notifications/count")).unread);
  } catch {
    /* the badge keeps its last count */
  }
}

export function pollUnread(): () => void {
  const refresh = () => void refreshUnread();
  const onVisible = () => document.visibilityState === "visible" && refresh();
  refresh();
  const timer = setInterval(refresh, POLL_MS);
  window.addEventListener("focus", refresh);
  window.addEventListener("hashchange", refresh);
  document.addEventListener("visibilitychange", onVisible);
  return () => {
    clearInterval(timer);
    window.removeEventListener("focus", refresh);
    window.removeEventListener("hashchange", refresh);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
