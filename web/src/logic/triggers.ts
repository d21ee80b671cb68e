// Triggers (S7) in words: the moments, the conditions that held, what the actions did.
// Shared by the admin screen (admin/Triggers.tsx) and the ticket history (Timeline).
import { type Key, t } from "../i18n";
import { channelLabel, groupName, priorityLabel, rpName, typeLabel, userName } from "./labels";
import type { Directory, Priority } from "../types";

export const WHEN = ["ticket_created", "message_in", "status_changed", "priority_changed", "sla_breached"] as const;
export const ACTION_TYPES = ["sms", "email", "notify", "set_priority", "set_group"] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface TriggerAction { type: ActionType; to?: string[]; group_id?: string; agent_id?: string; priority?: string }
export interface TriggerConditions {
  keywords: string[]; response_point_id: string; group_id: string; channel: string; priority: string; ticket_type: string; organisation: string;
}
export interface TriggerItem {
  id: string; name: string; when: string[]; conditions: TriggerConditions; actions: TriggerAction[]; enabled: boolean; hourly_cap: number;
}
export interface Reason { condition: string; value: string; where?: string }

export const whenLabel = (w: string): string => t(`trig.when.${w}` as Key);
export const actionLabel = (a: string): string => t(`trig.action.${a}` as Key);

/** One condition that held, in the UI's language: "keyword “avbrott” in the subject". */
export function reasonText(reason: Reason, dir: Directory | null): string {
  const v = reason.value;
  switch (reason.condition) {
    case "when": return whenLabel(v);
    case "keywords": return t(reason.where === "subject" ? "trig.reason.keywordSubject" : "trig.reason.keywordBody", { value: v });
    case "response_point_id": return `${t("trig.responsePoint")}: ${dir ? rpName(dir, v) : v}`;
    case "group_id": return `${t("trig.group")}: ${dir ? groupName(dir, v) : v}`;
    case "channel": return `${t("trig.channel")}: ${channelLabel(v)}`;
    case "priority": return `${t("trig.priority")}: ${priorityLabel(v as Priority)}`;
    case "ticket_type": return `${t("trig.ticketType")}: ${dir ? typeLabel(dir, v) : v}`;
    case "organisation": return `${t("trig.organisation")}: ${v}`;
    default: return `${reason.condition}: ${v}`;
  }
}

/** What an action does, in words: "SMS alarm → +46701234567". */
export function actionText(action: TriggerAction, dir: Directory | null): string {
  const name = actionLabel(action.type);
  if (action.to) return `${name} → ${action.to.join(", ")}`;
  if (action.priority) return `${name} → ${priorityLabel(action.priority as Priority)}`;
  if (action.agent_id) return `${name} → ${dir ? userName(dir, action.agent_id) : action.agent_id}`;
  if (action.group_id) return `${name} → ${dir ? groupName(dir, action.group_id) : action.group_id}`;
  return name;
}

