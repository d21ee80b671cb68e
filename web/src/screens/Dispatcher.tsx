import { useEffect, useState } from "preact/hooks";
import { get, q, seg } from "../api";
import { BulkBar } from "../components/lists/BulkBar";
import { useChosen } from "../components/lists/useChosen";
import { TicketList } from "../components/TicketList";
import { t } from "../i18n";
import { errorText } from "../logic/errors";
import { inboxLabel } from "../logic/labels";
import { href } from "../logic/route";
import { say } from "../state";
import type { Directory, Inbox, InboxPage, Ticket, User } from "../types";

/** The pool the board opens on: the dispatcher's own first group with work in its pool,
 *  else their first group's, else the first response point's (issue 15: not another team's). */
export function firstPool(user: User, dir: Directory, counts: Record<string, number>): string {
  const own = user.groups.filter((g) => dir.groups.some((x) => x.id === g)).map((g) => `pool-group:${g}`);
  return own.find((p) => (counts[p] ?? 0) > 0) ?? own[0] ?? `pool-rp:${dir.response_points[0]?.id ?? ""}`;
}

/** The dispatcher tool (S17): unassigned tickets per response point and group, handed out in bulk. */
export function DispatcherScreen({ user, dir }: { user: User; dir: Directory }) {
  const allowed = user.roles.includes("dispatcher") || user.roles.includes("admin");
  const [pool, setPool] = useState("");
  const [counts, setCounts] = useState<Record<string, number> | null>(null);
  const [items, setItems] = useState<Ticket[]>([]);
  const [loadedFor, setLoadedFor] = useState("");
  const [contacts, setContacts] = useState<Record<string, string>>({});
  const [loading, setLoading] = useState(false);
  const { chosen, onChoose, clear } = useChosen(items, loadedFor);

  async function loadCounts(): Promise<Record<string, number>> {
    const inboxes = await get<{ items: Inbox[] }>("/api/inboxes");
    const found = Object.fromEntries(inboxes.items.map((i) => [i.id, i.count]));
    setCounts(found);
    return found;
  }
  async function load(which: string) {
    setLoading(true);
    try {
      const page = await get<InboxPage>(q(`/api/ui/inboxes/${seg(which)}/tickets`, { limit: 200 }));
      setItems(page.items);
      setContacts(page.contacts);
      setLoadedFor(which);
      await loadCounts();
    } catch (e) {
      say(errorText(e), "error");
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    if (!allowed) return;
    loadCounts().then((found) => setPool(firstPool(user, dir, found))).catch((e) => {
      say(errorText(e), "error");
      setPool(firstPool(user, dir, {}));
    });
  }, []);
  useEffect(() => {
    if (allowed && pool) void load(pool);
  }, [pool]);

  if (!allowed) return <main id="main" class="page"><h1>{t("dispatcher.title")}</h1><p>{t("error.forbidden")}</p></main>;

  const pools = dir.response_points.flatMap((rp) => [
    { id: `pool-rp:${rp.id}`, rp: rp.id },
    ...dir.groups.filter((g) => g.response_point_id === rp.id).map((g) => ({ id: `pool-group:${g.id}`, rp: rp.id })),
  ]);
  const label = pool ? inboxLabel(dir, pool, user.id) : t("common.loading");
  return (
    <main id="main" tabIndex={-1} class="page dispatcher">
      <h1>{t("dispatcher.title")}</h1>
      <div class="board">
        <nav class="inbox-nav" aria-label={t("dispatcher.pools")}>
          <ul>
            {pools.map((p) => (
              <li key={p.id} class={p.id.startsWith("pool-group") ? "indent" : undefined}>
                <a href="#/dispatcher" aria-current={p.id === pool ? "true" : undefined} title={inboxLabel(dir, p.id, user.id)}
                  onClick={(e) => { e.preventDefault(); setPool(p.id); }}>
                  <span>{inboxLabel(dir, p.id, user.id)}</span>
                  {counts && p.id in counts && <span class="count" aria-label={t("inbox.countLabel", { n: counts[p.id] })}>{counts[p.id]}</span>}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <section class="list-pane" aria-labelledby="pool-title">
          <h2 id="pool-title">{label}</h2>
          <BulkBar dir={dir} items={items} chosen={chosen} onClear={clear} onChanged={() => void load(pool)} dispatcher />
          <TicketList items={items} contacts={contacts} dir={dir} caption={label} linkTo={(x) => href.ticket(x.id)}
            chosen={chosen} onChoose={onChoose} loading={loading} stale={loadedFor !== pool} spansGroups />
          {loading && !items.length && <p class="muted" role="status">{t("common.loading")}</p>}
        </section>
      </div>
    </main>
  );
}
