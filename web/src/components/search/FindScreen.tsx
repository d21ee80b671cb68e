// issue 15: every result of a top-bar search (#/find?q=...): the same groups, up to 50 each.
import { useEffect, useState } from "preact/hooks";
import { get } from "../../api";
import { t, type Key } from "../../i18n";
import { errorText } from "../../logic/errors";
import { go } from "../../logic/route";
import { HitText } from "./HitText";
import { GROUPS, MAX_CHARS, hitHref, searchPath, seeAllHref, shouldSearch, type SearchAnswer } from "./model";
import "./search.css";

const LIMIT = 50;

export function FindScreen({ q }: { q: string }) {
  const [text, setText] = useState(q);
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [failure, setFailure] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setText(q);
    setAnswer(null);
    setFailure("");
    if (!shouldSearch(q)) return;
    let current = true;
    setBusy(true);
    get<SearchAnswer>(searchPath(q, LIMIT))
      .then((found) => current && setAnswer(found))
      .catch((e) => current && setFailure(errorText(e)))
      .finally(() => current && setBusy(false));
    return () => { current = false; };
  }, [q]);

  return (
    <main id="main" class="page narrow find-results" tabIndex={-1} aria-busy={busy}>
      <h1>{q ? t("topSearch.pageTitle", { q }) : t("topSearch.results")}</h1>
      <form role="search" onSubmit={(e) => { e.preventDefault(); if (text.trim()) go(seeAllHref(text)); }}>
        <label>{t("topSearch.label")}
          <input type="search" name="find-q" value={text} maxLength={MAX_CHARS} dir="auto"
            onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <button type="submit">{t("topSearch.submit")}</button>
      </form>
      {failure && <p role="alert">{failure}</p>}
      {busy && <p>{t("topSearch.searching")}</p>}
      {answer && GROUPS.every((g) => answer[g].length === 0) && <p>{t("topSearch.none", { q })}</p>}
      {answer && GROUPS.map((group) => answer[group].length > 0 && (
        <section key={group} aria-labelledby={`find-${group}`} data-group={group}>
          <h2 id={`find-${group}`}>{t(`topSearch.${group}` as Key)} ({answer[group].length})</h2>
          <ul>
            {answer[group].map((hit) => (
              <li key={hit.id}><a href={hitHref(group, hit.id)}><HitText group={group} hit={hit} /></a></li>
            ))}
          </ul>
          {answer.more[group] && <p>{t("topSearch.more")}</p>}
        </section>
      ))}
    </main>
  );
}
