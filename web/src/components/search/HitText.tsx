// issue 15: what one search result shows (the top bar's list and the see-all screen).
import { t, type Key } from "../../i18n";
import type { ContactHit, Group, OrganisationHit, TicketHit } from "./model";

type Hit = TicketHit | ContactHit | OrganisationHit;

export function HitText({ group, hit }: { group: Group; hit: Hit }) {
  if (group === "tickets") {
    const ticket = hit as TicketHit;
    return (
      <>
        <span class="hit-main"><span class="number">#{ticket.number}</span> <bdi>{ticket.title}</bdi></span>
        <span class="hit-side">{t(`status.${ticket.status}` as Key)}</span>
      </>
    );
  }
  if (group === "contacts") {
    const contact = hit as ContactHit;
    return (
      <>
        <span class="hit-main"><bdi>{contact.name || contact.email || contact.phone}</bdi></span>
        <span class="hit-side"><bdi>{[contact.email, contact.phone].filter(Boolean).join(" · ")}</bdi></span>
      </>
    );
  }
  const organisation = hit as OrganisationHit;
  return (
    <>
      <span class="hit-main"><bdi>{organisation.name}</bdi></span>
      <span class="hit-side"><bdi>{[organisation.org_number, organisation.domain].filter(Boolean).join(" · ")}</bdi></span>
    </>
  );
}
