// The ticket header's group and agent, by name (issue 15), with a warning when the agent is
// not a member of the group.
import { t } from "../../i18n";
import { groupName, userName } from "../../logic/labels";
import type { Directory, Ticket } from "../../types";
import { assignmentWarning } from "./assignment";

export function AssignmentInfo({ ticket, dir }: { ticket: Ticket; dir: Directory }) {
  const warning = assignmentWarning(dir, ticket.agent_id, ticket.group_id);
  return (
    <>
      <p class="meta assignment">
        <span data-testid="ticket-group">{t("ticket.groupIs", { name: ticket.group_id ? groupName(dir, ticket.group_id) : t("ticket.nobody") })}</span>
        <span data-testid="ticket-agent">{t("ticket.agentIs", { name: ticket.agent_id ? userName(dir, ticket.agent_id) : t("ticket.nobody") })}</span>
      </p>
      {warning && <p class="notice notice-warning" data-testid="assignment-warning">{warning}</p>}
    </>
  );
}
