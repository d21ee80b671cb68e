// Scheduled activities (S1): the form's friendly repeat (daily / weekly / monthly at a time)
// to and from the AWS cron expression the API stores; anything else is edited as cron.

export type Repeat = "daily" | "weekly" | "monthly" | "cron";
export const DAY_NAMES = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const; // the form's order
export type DayName = (typeof DAY_NAMES)[number];

export interface RepeatForm {
  repeat: Repeat;
  time: string; // HH:MM
  days: DayName[]; // weekly
  monthDay: string; // monthly: "1".."31" or "L" (the last day)
  cron: string; // advanced: the expression as written
}

export function blankRepeat(): RepeatForm {
  return { repeat: "weekly", time: "09:00", days: ["MON"], monthDay: "1", cron: "cron(0 9 ? * MON *)" };
}

function clock(time: string): [number, number] {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time);
  return m ? [Number(m[2]), Number(m[1])] : [0, 9];
}

/** The AWS cron expression of the form (cron(minute hour day-of-month month day-of-week year)). */
export function toCron(form: RepeatForm): string {
  if (form.repeat === "cron") return form.cron.trim();
  const [minute, hour] = clock(form.time);
  if (form.repeat === "daily") return `cron(${minute} ${hour} * * ? *)`;
  if (form.repeat === "monthly") return `cron(${minute} ${hour} ${form.monthDay || "1"} * ? *)`;
  const days = DAY_NAMES.filter((d) => form.days.includes(d));
  return `cron(${minute} ${hour} ? * ${days.length ? days.join(",") : "MON"} *)`;
}

const pad = (n: string): string => n.padStart(2, "0");

/** The friendly form when the expression is one it can show; else the advanced form. */
export function fromCron(cron: string): RepeatForm {
  const base = { ...blankRepeat(), cron, repeat: "cron" as Repeat };
  const m = /^cron\((\d{1,2}) (\d{1,2}) (\S+) (\S+) (\S+) (\S+)\)$/.exec(cron.trim());
  if (!m) return base;
  const [, minute, hour, dom, month, dow, year] = m;
  if (month !== "*" || year !== "*") return base;
  const time = `${pad(hour)}:${pad(minute)}`;
  if (dom === "*" && dow === "?") return { ...base, repeat: "daily", time };
  if (dom === "?" && /^[A-Z]{3}(,[A-Z]{3})*$/.test(dow)) {
    const days = dow.split(",") as DayName[];
    if (days.every((d) => DAY_NAMES.includes(d))) return { ...base, repeat: "weekly", time, days };
  }
  if (dow === "?" && /^([1-9]|[12]\d|3[01]|L)$/.test(dom)) return { ...base, repeat: "monthly", time, monthDay: dom };
  return base;
}

/** An instant as a date and time in the activity's zone, in the user's language. */
export function inZone(iso: string, timeZone: string, locale: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { timeZone, weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
  } catch {
    return iso;
  }
}
