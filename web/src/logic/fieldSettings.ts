// Field settings (S16): which fields a response point does not use. The API drops hidden
// fields from its answers and refuses writes to them; the forms leave them out too.
import { get } from "../api";
import { Store } from "../store";
import type { Directory } from "../types";

export interface FieldSettings { global: string[]; response_points: Record<string, string[]> }

export const fieldSettings = new Store<FieldSettings | null>(null);

export async function loadFieldSettings(): Promise<void> {
  try {
    fieldSettings.set(await get<FieldSettings>("/api/field-settings"));
  } catch {
    fieldSettings.set(null); // the global list in the directory still applies
  }
}

/** The fields hidden at a response point (the global ones included). */
export function hiddenFor(dir: Pick<Directory, "hidden_fields">, rpId: string | null | undefined): string[] {
  const settings = fieldSettings.get();
  if (!settings) return dir.hidden_fields;
  return (rpId && settings.response_points[rpId]) || settings.global;
}

/** Whether a field is used: ``custom_fields.x`` is hidden by its own entry or by all custom fields. */
export function isShown(hidden: string[], field: string): boolean {
  if (hidden.includes(field)) return false;
  return !(field.startsWith("custom_fields.") && hidden.includes("custom_fields"));
}
