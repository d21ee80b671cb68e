// A reply on a ticket someone else holds (issue 15): the API refuses it (409 locked); a user
// who may take tickets over (dispatcher, admin) is asked "X holds this ticket. Take it over
// and send?" and, saying yes, sends again with take_over; anyone else is told who holds it.
// The text stays in the composer and in its draft either way.
import { api, ApiError, get } from "../../api";
import { t } from "../../i18n";
import { userName } from "../../logic/labels";
import { canOverrideLock } from "../../logic/moves";
import { session } from "../../api";
import { directory } from "../../state";
import type { Ticket } from "../../types";

async function holderName(ticketId: string): Promise<string> {
  try {
    const ticket = await get<Ticket>(`/api/tickets/${encodeURIComponent(ticketId)}`);
    const dir = directory.get();
    const by = ticket.lock?.by ?? "";
    return dir && by ? userName(dir, by) : by || "?";
  } catch {
    return "?";
  }
}

/** POST ``body`` to ``path``; on 409 locked ask (or call ``onHeld`` with the holder's name,
 * then throw the refusal on, for the caller's usual handling). */
export async function sendOrTakeOver(path: string, body: Record<string, unknown>, ticketId: string, onHeld: (name: string) => void): Promise<void> {
  try {
    await api("POST", path, body);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 409 && e.code === "locked")) throw e;
    const name = await holderName(ticketId);
    const me = session.get()?.user;
    if (me && canOverrideLock(me)) {
      if (window.confirm(t("composer.takeOverAsk", { name }))) {
        await api("POST", path, { ...body, take_over: true });
        return;
      }
    } else {
      onHeld(name);
    }
    throw e;
  }
}
