// Admin → Social accounts (issue 13): which response point files the direct messages of each
// Facebook page and X account. Messages to a page not listed here go to the default response
// point; a switched-off one is not filed. The API checks everything; its reason is shown.
import { useEffect, useState } from "preact/hooks";
import { api, get } from "../api";
import { t } from "../i18n";
import { errorText } from "../logic/errors";
import { directory, say } from "../state";

export interface SocialAccount {
  id: string;
  platform: "facebook" | "x";
  account_id: string;
  name: string;
  response_point_id: string;
  enabled: boolean;
}

const PLATFORM_KEY = { facebook: "channel.facebook", x: "channel.x" } as const;

export function SocialAccountsScreen() {
  const [items, setItems] = useState<SocialAccount[]>([]);
  const [platform, setPlatform] = useState<"facebook" | "x">("facebook");
  const [accountId, setAccountId] = useState("");
  const [name, setName] = useState("");
  const [rp, setRp] = useState("");
  const [problem, setProblem] = useState("");
  const rps = directory.get()?.response_points ?? [];

  async function load() {
    try {
      setItems((await get<{ items: SocialAccount[] }>("/api/admin/social-accounts")).items);
    } catch (e) {
      setProblem(errorText(e));
    }
  }
  useEffect(() => { void load(); }, []);

  async function add(event: Event) {
    event.preventDefault();
    setProblem("");
    try {
      await api("POST", "/api/admin/social-accounts", {
        platform, account_id: accountId.trim(), name, response_point_id: rp || rps[0]?.id, enabled: true,
      });
      setAccountId("");
      setName("");
      say(t("social.accountSaved"));
      await load();
    } catch (e) {
      setProblem(errorText(e));
    }
  }
  async function change(item: SocialAccount, changes: Partial<SocialAccount>) {
    setProblem("");
    try {
      await api("PUT", `/api/admin/social-accounts/${encodeURIComponent(item.id)}`, changes);
      say(t("social.accountSaved"));
      await load();
    } catch (e) {
      setProblem(errorText(e));
    }
  }
  async function remove(item: SocialAccount) {
    setProblem("");
    try {
      await api("DELETE", `/api/admin/social-accounts/${encodeURIComponent(item.id)}`);
      await load();
    } catch (e) {
      setProblem(errorText(e));
    }
  }

  return (
    <section aria-labelledby="social-accounts-title" data-testid="social-accounts">
      <h1 id="social-accounts-title">{t("admin.socialAccounts")}</h1>
      <p class="muted">{t("social.accountsHelp")}</p>
      {problem && <div class="notice notice-error" role="alert"><p>{problem}</p></div>}
      <table>
        <caption class="visually-hidden">{t("admin.socialAccounts")}</caption>
        <thead><tr>
          <th scope="col">{t("social.platform")}</th><th scope="col">{t("social.accountId")}</th>
          <th scope="col">{t("social.name")}</th><th scope="col">{t("social.responsePoint")}</th>
          <th scope="col">{t("social.enabled")}</th><th scope="col"><span class="visually-hidden">{t("social.remove")}</span></th>
        </tr></thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <td>{t(PLATFORM_KEY[item.platform])}</td>
              <td>{item.account_id}</td>
              <td>{item.name}</td>
              <td>
                <select aria-label={t("social.responsePointOf", { name: item.name })} value={item.response_point_id}
                  onChange={(e) => change(item, { response_point_id: e.currentTarget.value })}>
                  {rps.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
                </select>
              </td>
              <td>
                <input type="checkbox" aria-label={t("social.enabledOf", { name: item.name })} checked={item.enabled}
                  onChange={(e) => change(item, { enabled: e.currentTarget.checked })} />
              </td>
              <td><button type="button" onClick={() => remove(item)}>{t("social.remove")}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="composer" onSubmit={add} aria-labelledby="social-add-title">
        <h2 id="social-add-title" class="section-title">{t("social.add")}</h2>
        <div class="grid3">
          <label>{t("social.platform")}
            <select value={platform} onChange={(e) => setPlatform(e.currentTarget.value as "facebook" | "x")}>
              <option value="facebook">{t("channel.facebook")}</option>
              <option value="x">{t("channel.x")}</option>
            </select>
          </label>
          <label>{t("social.accountId")}
            <input type="text" inputMode="numeric" required pattern="[0-9]{1,30}" value={accountId}
              onInput={(e) => setAccountId(e.currentTarget.value)} />
          </label>
          <label>{t("social.name")}
            <input type="text" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>{t("social.responsePoint")}
            <select value={rp || rps[0]?.id} onChange={(e) => setRp(e.currentTarget.value)}>
              {rps.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </select>
          </label>
        </div>
        <button type="submit" class="primary">{t("social.add")}</button>
      </form>
    </section>
  );
}
