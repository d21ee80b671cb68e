import type { Directory, User } from "../types";
import { TicketView } from "./TicketView";

/** A ticket reached from outside an inbox (a contact card, a link in the history). */
export function TicketScreen({ ticketId, user, dir }: { ticketId: string; user: User; dir: Directory }) {
  return (
    <main id="main" tabIndex={-1} class="page standard-ticket">
      {/* The ticket is the page here: its title is the page's h1. */}
      <TicketView ticketId={ticketId} user={user} dir={dir} level={1} />
    </main>
  );
}
