// A ticket's age as the largest whole unit: "3 d", "5 h", "12 min".

export type AgeUnit = "min" | "h" | "d";

export function ageOf(createdIso: string, now: Date): { n: number; unit: AgeUnit } {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(createdIso)) / 60_000));
  if (minutes < 60) return { n: minutes, unit: "min" };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { n: hours, unit: "h" };
  return { n: Math.floor(hours / 24), unit: "d" };
}
