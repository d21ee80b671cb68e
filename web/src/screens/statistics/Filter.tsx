// The one filter of a report: a response point, group, agent, channel or organisation.
// An agent may only ask for their own figures (what no filter gives them) and their groups'
// (the API refuses the rest), so those are an agent's choices.
import { useEffect, useState } from "preact/hooks";
import { get } from "../../api";
import { hasKey, type Key, t } from "../../i18n";
import type { Directory, User } from "../../types";
import { FILTER_KINDS, type FilterKind, type StatsQuery } from "./model";

export function scopeFor(user: User): { everything: boolean } {
  return { everything: user.roles.includes("admin") || user.roles.includes("dispatcher") };
}

interface Option { value: string; label: string }

function optionsFor(kind: FilterKind, dir: Directory, user: User, everything: boolean, orgs: Option[]): Option[] {
  switch (kind) {
    case "response_point":
      return dir.response_points.map((r) => ({ value: r.id, label: r.name }));
    case "group":
      return dir.groups.filter((g) => everything || user.groups.includes(g.id)).map((g) => ({ value: g.id, label: g.name }));
    case "agent":
      return dir.users.filter((u) => everything || u.id === user.id).map((u) => ({ value: u.id, label: u.name }));
    case "channel":
      return dir.channels.map((c) => ({ value: c, label: hasKey(`channel.${c}`) ? t(`channel.${c}` as Key) : c }));
    case "organisation":
      return orgs;
  }
}

export function Filter({ query, dir, user, onChange }: {
  query: StatsQuery; dir: Directory; user: User; onChange: (filter: StatsQuery["filter"]) => void;
}) {
  const { everything } = scopeFor(user);
  const kinds = everything ? FILTER_KINDS : (["group"] as FilterKind[]);
  const [kind, setKind] = useState<FilterKind | "">(query.filter?.kind ?? "");
  const [orgs, setOrgs] = useState<Option[] | null>(null);
  useEffect(() => setKind(query.filter?.kind ?? ""), [query.filter?.kind]);
  useEffect(() => {
    if (kind !== "organisation" || orgs) return;
    // Organisations are records (issue 14); if the list cannot be read, an id may be typed.
    get<{ items: { id: string; name: string }[] }>("/api/organisations?limit=200")
      .then((r) => setOrgs(r.items.map((o) => ({ value: o.id, label: o.name }))))
      .catch(() => setOrgs([]));
  }, [kind]);

  const options = kind ? optionsFor(kind, dir, user, everything, orgs ?? []) : [];
  const value = query.filter?.kind === kind ? query.filter.value : "";
  return (
    <>
      <label>{t("stats.filter")}
        <select name="filter-kind" value={kind} onChange={(e) => {
          const next = e.currentTarget.value as FilterKind | "";
          setKind(next);
          if (!next) onChange(null);
        }}>
          <option value="">{t(everything ? "stats.filter.none" : "stats.filter.own")}</option>
          {kinds.map((k) => <option key={k} value={k}>{t(`stats.by.${k}` as Key)}</option>)}
        </select>
      </label>
      {kind && (kind === "organisation" && orgs !== null && orgs.length === 0 ? (
        <label>{t("stats.filterValue")}
          <input name="filter-value" value={value} onChange={(e) => onChange(e.currentTarget.value ? { kind, value: e.currentTarget.value } : null)} />
        </label>
      ) : (
        <label>{t("stats.filterValue")}
          <select name="filter-value" value={value} onChange={(e) => onChange(e.currentTarget.value ? { kind, value: e.currentTarget.value } : null)}>
            <option value="">{t("stats.filter.choose")}</option>
            {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
      ))}
    </>
  );
}
