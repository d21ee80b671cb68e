import { useEffect, useState } from "preact/hooks";
import { api, get, q, seg } from "../api";
import { TicketList } from "../components/TicketList";
import { t } from "../i18n";
import { errorText } from "../logic/errors";
import { inboxLabel } from "../logic/labels";
import { href } from "../logic/route";
import { say } from "../state";
import type { Directory, Inbox, InboxPage, Ticket, User } from "../types";

/** The dispatcher tool (S17): unassigned tickets per response point and group, handed out in bulk. */
export function DispatcherScreen({ user, dir }: { user: User; dir: Directory }) {
  const allowed = user.roles.includes("dispatcher") || user.roles.includes("admin");
  const [pool, setPool] = useState(`pool-rp:${dir.response_points[0]?.id ?? ""}`);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [items, setItems] = useState<Ticket[]>([]);
  const [contacts, setContacts] = useState<Record<string, string>>({});
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [agent, setAgent] = useState("");
  const [group, setGroup] = useState("");
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      const page = await get<InboxPage>(q(`/api/ui/inboxes/${seg(pool)}/tickets`, { limit: 200 }));
      setItems(page.items);
      setContacts(page.contacts);
      setChosen(new Set());
      const inboxes = await get<{ items: Inbox[] }>("/api/inboxes");
      setCounts(Object.fromEntries(inboxes.items.map((i) => [i.id, i.count])));
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  useEffect(() => {
    if (allowed) void load();
  }, [pool]);

  if (!allowed) return <main id="main" class="page"><h1>{t("dispatcher.title")}</h1><p>{t("error.forbidden")}</p></main>;

  async function assign(event: Event) {
    event.preventDefault();
    if (!chosen.size || (!agent && !group)) return say(t("dispatcher.chooseFirst"), "error");
    setBusy(true);
    try {
      const result = await api<{ items: Ticket[] }>("POST", "/api/dispatcher/assign", {
        ticket_ids: [...chosen], agent_id: agent || null, group_id: group || null,
      });
      say(t("dispatcher.assigned", { n: result.items.length }));
      await load();
    } catch (e) {
      say(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }
  const pools = dir.response_points.flatMap((rp) => [
    { id: `pool-rp:${rp.id}`, rp: rp.id },
    ...dir.groups.filter((g) => g.response_point_id === rp.id).map((g) => ({ id: `pool-group:${g.id}`, rp: rp.id })),
  ]);
  const label = inboxLabel(dir, pool, user.id);
  return (
    <main id="main" tabIndex={-1} class="page dispatcher">
      <h1>{t("dispatcher.title")}</h1>
      <div class="board">
        <nav class="inbox-nav" aria-label={t("dispatcher.pools")}>
          <ul>
            {pools.map((p) => (
              <li key={p.id} class={p.id.startsWith("pool-group") ? "indent" : undefined}>
                <a href="#/dispatcher" aria-current={p.id === pool ? "true" : undefined}
                  onClick={(e) => { e.preventDefault(); setPool(p.id); }}>
                  <span>{inboxLabel(dir, p.id, user.id)}</span>
                  {p.id in counts && <span class="count" aria-label={t("inbox.countLabel", { n: counts[p.id] })}>{counts[p.id]}</span>}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <section class="list-pane" aria-labelledby="pool-title">
          <h2 id="pool-title">{label}</h2>
          <form class="assign row" onSubmit={assign}>
            <label>{t("field.agent")}
              <select value={agent} data-field="assign-agent" onChange={(e) => setAgent(e.currentTarget.value)}>
                <option value="">–</option>
                {dir.users.filter((u) => u.active).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
              </select>
            </label>
            <label>{t("field.group")}
              <select value={group} data-field="assign-group" onChange={(e) => setGroup(e.currentTarget.value)}>
                <option value="">–</option>
                {dir.groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
              </select>
            </label>
            <button type="submit" class="primary" disabled={busy || !chosen.size}>
              {t("dispatcher.assign", { n: chosen.size })}
            </button>
          </form>
          <TicketList items={items} contacts={contacts} dir={dir} caption={label} linkTo={(x) => href.ticket(x.id)} chosen={chosen}
            onChoose={(id, on) => setChosen((before) => { const next = new Set(before); if (on) next.add(id); else next.delete(id); return next; })} />
        </section>
      </div>
    </main>
  );
}
