// issue 15: the top-bar search. A combobox (ARIA 1.2 pattern): the input owns a listbox of
// grouped results that updates as one types (debounced); arrows move, Enter opens, Esc
// closes, "/" anywhere focuses it. The last row always leads to every result (#/find?q=).
import { useEffect, useRef, useState } from "preact/hooks";
import { get } from "../../api";
import { t, type Key } from "../../i18n";
import { onAction } from "../../logic/bus";
import { errorText } from "../../logic/errors";
import { go } from "../../logic/route";
import {
  DEBOUNCE_MS, GROUPS, MAX_CHARS, moveActive, options, searchPath, shouldSearch, total,
  type Group, type SearchAnswer,
} from "./model";
import { HitText } from "./HitText";
import "./search.css";

const ID = "top-search";
const LIMIT = 5;

export function TopSearch() {
  const [text, setText] = useState("");
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [answered, setAnswered] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  const asked = useRef(0);

  useEffect(() => onAction((action) => {
    if (action === "search") input.current?.focus();
  }), []);

  useEffect(() => {
    setActive(-1);
    if (!shouldSearch(text)) {
      setAnswer(null);
      setAnswered("");
      setBusy(false);
      return;
    }
    const mine = ++asked.current;
    setBusy(true);
    const timer = window.setTimeout(() => {
      get<SearchAnswer>(searchPath(text, LIMIT))
        .then((found) => {
          if (mine !== asked.current) return; // a later keystroke asked again
          setAnswer(found);
          setAnswered(text);
          setFailure("");
        })
        .catch((e) => mine === asked.current && setFailure(errorText(e)))
        .finally(() => mine === asked.current && setBusy(false));
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const rows = options(answer, text, ID);
  const expanded = open && shouldSearch(text);

  function choose(index: number) {
    const row = rows[index];
    if (!row) return;
    setOpen(false);
    setText("");
    input.current?.blur();
    go(row.to);
  }

  function onKey(event: KeyboardEvent) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setOpen(true);
      setActive(moveActive(active, rows.length, event.key));
    } else if ((event.key === "Home" || event.key === "End") && expanded && active >= 0) {
      event.preventDefault();
      setActive(moveActive(active, rows.length, event.key));
    } else if (event.key === "Enter") {
      event.preventDefault();
      // Nothing chosen: Enter shows every result of what was typed.
      choose(active >= 0 ? active : rows.length - 1);
    } else if (event.key === "Escape") {
      // Ours, not the search field's own (Chromium empties a search field on Esc): the
      // first Esc closes the list and keeps the words, the next empties, the last leaves.
      event.preventDefault();
      event.stopPropagation();
      if (expanded) setOpen(false);
      else if (text) setText("");
      else input.current?.blur();
    }
  }

  const status = !shouldSearch(text)
    ? ""
    : failure || (busy && !answer ? t("topSearch.searching")
      : answered ? (total(answer) ? t("topSearch.count", { n: total(answer) }) : t("topSearch.none", { q: answered.trim() })) : "");

  let index = -1;
  const row = (group: Group | "all") => {
    index += 1;
    const at = index;
    const option = rows[at];
    return {
      id: option.id,
      role: "option" as const,
      "aria-selected": at === active,
      class: at === active ? "active" : undefined,
      "data-group": group,
      onMouseDown: (e: MouseEvent) => e.preventDefault(), // keep the focus in the input
      onClick: () => choose(at),
    };
  };

  return (
    <div class="top-search" role="search" onFocusOut={(e) => {
      const next = (e as FocusEvent).relatedTarget as Node | null;
      if (!next || !(e.currentTarget as HTMLElement).contains(next)) setOpen(false);
    }}>
      <label for={`${ID}-input`} class="visually-hidden">{t("topSearch.label")}</label>
      <input ref={input} id={`${ID}-input`} type="search" role="combobox" autocomplete="off" spellcheck={false}
        maxLength={MAX_CHARS} dir="auto" value={text} placeholder={t("topSearch.placeholder")}
        aria-expanded={expanded} aria-controls={`${ID}-list`} aria-autocomplete="list"
        aria-activedescendant={expanded && active >= 0 ? rows[active]?.id : undefined}
        aria-keyshortcuts="/" aria-describedby={`${ID}-status`} data-testid="top-search"
        onInput={(e) => { setText(e.currentTarget.value); setOpen(true); }}
        onFocus={() => setOpen(true)} onKeyDown={onKey} />
      <span id={`${ID}-status`} class="visually-hidden" role="status" aria-live="polite">{expanded ? status : ""}</span>
      <div id={`${ID}-list`} role="listbox" aria-label={t("topSearch.results")} class="top-search-list" hidden={!expanded}>
        {answer && GROUPS.map((group) => answer[group].length > 0 && (
          <div role="group" aria-label={t(`topSearch.${group}` as Key)} key={group}>
            <div class="group-label" aria-hidden="true">{t(`topSearch.${group}` as Key)}</div>
            {answer[group].map((hit) => (
              <div key={hit.id} {...row(group)}><HitText group={group} hit={hit} /></div>
            ))}
          </div>
        ))}
        {answer && total(answer) === 0 && answered && <div class="empty" aria-hidden="true">{t("topSearch.none", { q: answered.trim() })}</div>}
        {shouldSearch(text) && <div {...row("all")}>{t("topSearch.seeAll", { q: text.trim() })}</div>}
      </div>
    </div>
  );
}
