// Names of the domain's values in the user's language (glossary of the spec).
import { type Key, language, t } from "../i18n";
import type { Directory, Priority, Status } from "../types";

const STATUS_KEYS: Record<Status, Key> = {
  new: "status.new", open: "status.open", with_contact: "status.with_contact",
  with_external: "status.with_external", dormant: "status.dormant",
  dormant_until: "status.dormant_until", resolved: "status.resolved", closed: "status.closed",
};
const PRIORITY_KEYS: Record<Priority, Key> = { low: "priority.low", medium: "priority.medium", high: "priority.high" };
const NOTE_KEYS: Record<string, Key> = { solution: "note.solution", action: "note.action", note: "note.note" };
const ITIL_KEYS: Record<string, Key> = { incident: "itil.incident", problem: "itil.problem", change: "itil.change" };
const CHANNEL_KEYS: Record<string, Key> = {
  manual: "channel.manual", email: "channel.email", sms: "channel.sms", webform: "channel.webform",
  scheduled: "channel.scheduled", facebook: "channel.facebook", x: "channel.x", portal: "channel.portal",
};

export const statusLabel = (s: Status): string => t(STATUS_KEYS[s]);
export const priorityLabel = (p: Priority): string => t(PRIORITY_KEYS[p]);
export const noteLabel = (k: string): string => (NOTE_KEYS[k] ? t(NOTE_KEYS[k]) : k);
export const itilLabel = (k: string): string => (ITIL_KEYS[k] ? t(ITIL_KEYS[k]) : k);
export const channelLabel = (k: string): string => (CHANNEL_KEYS[k] ? t(CHANNEL_KEYS[k]) : k);

export function typeLabel(dir: Directory, id: string | null): string {
  if (!id) return "";
  const found = dir.ticket_types.find((x) => x.id === id);
  if (!found) return id;
  return language.get() === "sv" ? found.name_sv : found.name_en;
}

export const userName = (dir: Directory, id: string | null | undefined): string =>
  (id && dir.users.find((u) => u.id === id)?.name) || id || "";
export const groupName = (dir: Directory, id: string | null | undefined): string =>
  (id && dir.groups.find((g) => g.id === id)?.name) || id || "";
export const rpName = (dir: Directory, id: string | null | undefined): string =>
  (id && dir.response_points.find((r) => r.id === id)?.name) || id || "";

/** An inbox id (agent:x, group:x, rp:x, pool-group:x, pool-rp:x) in words. */
export function inboxLabel(dir: Directory, inboxId: string, meId: string): string {
  const [kind, key] = [inboxId.slice(0, inboxId.indexOf(":")), inboxId.slice(inboxId.indexOf(":") + 1)];
  switch (kind) {
    case "agent": return key === meId ? t("inbox.mine") : t("inbox.agent", { name: userName(dir, key) });
    case "group": return t("inbox.group", { name: groupName(dir, key) });
    case "rp": return t("inbox.rp", { name: rpName(dir, key) });
    case "pool-group": return t("inbox.poolGroup", { name: groupName(dir, key) });
    case "pool-rp": return t("inbox.poolRp", { name: rpName(dir, key) });
    default: return inboxId;
  }
}
