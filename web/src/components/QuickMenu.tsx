// The user's quick menu (S14): the links of their menu profiles (GET /api/me/menu).
import { useEffect, useState } from "preact/hooks";
import { get } from "../api";
import { t } from "../i18n";
import { href } from "../logic/route";

interface Link { kind: string; target: string; label: string; href: string; profile_id: string }

export function linkHref(link: Pick<Link, "kind" | "target">): string {
  switch (link.kind) {
    case "saved_search": return `#/search/${encodeURIComponent(link.target)}`;
    case "inbox": return href.inbox(link.target);
    case "new_from_template": return `#/new/${encodeURIComponent(link.target)}`;
    default: return link.target;
  }
}

export function QuickMenu({ userId }: { userId: string }) {
  const [links, setLinks] = useState<Link[]>([]);
  useEffect(() => {
    const load = () => get<{ links: Link[] }>("/api/me/menu").then((r) => setLinks(r.links)).catch(() => setLinks([]));
    void load();
    // An admin who just changed a profile sees it when coming back to any screen.
    window.addEventListener("hashchange", load);
    return () => window.removeEventListener("hashchange", load);
  }, [userId]);
  if (!links.length) return null;
  return (
    <nav class="quick-menu" aria-label={t("quick.label")} data-testid="quick-menu">
      <ul>
        {links.map((link) => (
          <li key={`${link.kind}:${link.target}:${link.label}`}>
            {link.kind === "url"
              ? <a href={link.target} target="_blank" rel="noopener noreferrer">{link.label}</a>
              : <a href={linkHref(link)}>{link.label}</a>}
          </li>
        ))}
      </ul>
    </nav>
  );
}
