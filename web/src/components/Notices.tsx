import { useEffect } from "preact/hooks";
import { t } from "../i18n";
import { notice } from "../state";
import { useStore } from "../store";

/** One notice at a time, announced to screen readers; errors stay until dismissed. */
export function Notices() {
  const current = useStore(notice);
  useEffect(() => {
    if (!current || current.kind === "error") return;
    const timer = setTimeout(() => notice.get() === current && notice.set(null), 6000);
    return () => clearTimeout(timer);
  }, [current]);
  return (
    <div class="notices" role={current?.kind === "error" ? "alert" : "status"} aria-live="polite">
      {current && (
        <p class={`notice notice-${current.kind}`} data-testid="notice">
          <span>{current.text}</span>
          <button type="button" class="link" onClick={() => notice.set(null)}>{t("common.dismiss")}</button>
        </p>
      )}
    </div>
  );
}
