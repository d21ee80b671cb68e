// Who holds a ticket, and whether that fits its group (issue 15): the header names both,
// and an agent outside the ticket's group is shown anyway, with a warning, not left blank.
import { t } from "../../i18n";
import type { Directory } from "../../types";

type DirUser = Directory["users"][number];

/** The agent is not a member of the group (both set): the group's inbox will not list the
 * ticket for them to find. */
export function outsideGroup(dir: Directory, agentId: string | null | undefined, groupId: string | null | undefined): boolean {
  if (!agentId || !groupId) return false;
  const agent = dir.users.find((u) => u.id === agentId);
  return !!agent && !agent.groups.includes(groupId);
}

/** The warning in words, or null when the assignment fits. */
export function assignmentWarning(dir: Directory, agentId: string | null | undefined, groupId: string | null | undefined): string | null {
  if (!outsideGroup(dir, agentId, groupId)) return null;
  const agent = dir.users.find((u) => u.id === agentId);
  const group = dir.groups.find((g) => g.id === groupId);
  return t("assign.notInGroup", { agent: agent?.name ?? String(agentId), group: group?.name ?? String(groupId) });
}

/** The agents a ticket can be given to, members of its group first; the current assignee is
 * always among them (even when inactive or outside the group), so the field never shows blank. */
export function agentChoices(dir: Directory, groupId: string, current: string): { members: DirUser[]; others: DirUser[] } {
  const offered = dir.users.filter((u) => u.active || u.id === current);
  if (!groupId) return { members: offered, others: [] };
  return {
    members: offered.filter((u) => u.groups.includes(groupId)),
    others: offered.filter((u) => !u.groups.includes(groupId)),
  };
}
