// Open external consultations (S6): the agent's own tickets', or one of their groups'.
import { useEffect, useState } from "preact/hooks";
import { get, q } from "../api";
import { fmtDateTime, t } from "../i18n";
import { consultationState, type Consultation } from "../components/ConsultPanel";
import { errorText } from "../logic/errors";
import { groupName, userName } from "../logic/labels";
import { href } from "../logic/route";
import { say } from "../state";
import type { Directory, User } from "../types";

interface Row extends Consultation {
  ticket: { id: string; number: number; title: string; agent_id: string | null; group_id: string | null };
}

export function ConsultationsScreen({ user, dir }: { user: User; dir: Directory }) {
  const [scope, setScope] = useState(""); // "" = mine, else a group id
  const [rows, setRows] = useState<Row[] | null>(null);
  const groups = dir.groups.filter((g) => user.groups.includes(g.id) || user.roles.includes("admin"));

  useEffect(() => {
    setRows(null);
    get<{ items: Row[] }>(q("/api/consultations", { group_id: scope || null }))
      .then((page) => setRows(page.items))
      .catch((e) => { say(errorText(e), "error"); setRows([]); });
  }, [scope]);

  return (
    <main id="main" class="page" tabIndex={-1}>
      <h1>{t("consult.listTitle")}</h1>
      <label>{t("consult.listOf")}
        <select value={scope} data-testid="consult-scope" onChange={(e) => setScope(e.currentTarget.value)}>
          <option value="">{t("consult.mine")}</option>
          {groups.map((g) => <option key={g.id} value={g.id}>{groupName(dir, g.id)}</option>)}
        </select>
      </label>
      {rows === null ? <p class="muted" aria-busy="true">{t("common.loading")}</p> : rows.length ? (
        <table class="list" data-testid="consult-table">
          <caption class="visually-hidden">{t("consult.listTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("consult.ticket")}</th>
              <th scope="col">{t("consult.to")}</th>
              <th scope="col">{t("consult.asked")}</th>
              <th scope="col">{t("consult.due")}</th>
              <th scope="col">{t("consult.reminders")}</th>
              <th scope="col">{t("consult.agent")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td><a href={href.ticket(r.ticket.id)}>#{r.ticket.number}</a> <span dir="auto">{r.ticket.title}</span></td>
                <td dir="auto">{r.to_name ? `${r.to_name} <${r.to}>` : r.to} <span class="badge">{consultationState(r)}</span></td>
                <td>{fmtDateTime(r.asked_at)}</td>
                <td>{r.deadline ? fmtDateTime(r.deadline) : "–"}</td>
                <td>{`${r.reminders_sent} / ${r.reminders}`}</td>
                <td>{r.ticket.agent_id ? userName(dir, r.ticket.agent_id) : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p class="muted" data-testid="consult-empty">{t("consult.noneOpen")}</p>}
    </main>
  );
}
