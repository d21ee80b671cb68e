// Agent notifications (S16): the unread count for the badge, polled while signed in.
import { get } from "../api";
import { Store } from "../store";

export const unread = new Store<number>(0);
const POLL_MS = 60_000;

export async function refreshUnread(): Promise<void> {
  try {
    unread.set((await get<{ unread: number }>("/api/me/notifications/count")).unread);
  } catch {
    /* the badge keeps its last count */
  }
}

export function pollUnread(): () => void {
  void refreshUnread();
  const timer = setInterval(() => void refreshUnread(), POLL_MS);
  return () => clearInterval(timer);
}
