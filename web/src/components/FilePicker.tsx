import { useState } from "preact/hooks";
import type { Ref } from "preact";
import { t } from "../i18n";

/**
 * A file input whose words come from our catalogues: the browser's own button and
 * "no file chosen" text follow the browser's language, not the user's, so the native
 * control is kept (focusable, labelled) but drawn by us.
 */
export function FilePicker({ label, multiple = false, accept, inputRef, onFiles }: {
  label: string;
  multiple?: boolean;
  accept?: string;
  inputRef?: Ref<HTMLInputElement>;
  onFiles?: (files: File[]) => void;
}) {
  const [names, setNames] = useState<string[]>([]);
  return (
    <div class="file-picker">
      <span class="file-label">{label}</span>
      <label class="file-button">
        {multiple ? t("files.chooseMany") : t("files.chooseOne")}
        <input type="file" class="file-input" aria-label={label} multiple={multiple} accept={accept} ref={inputRef}
          onChange={(e) => {
            const chosen = Array.from(e.currentTarget.files ?? []);
            setNames(chosen.map((f) => f.name));
            onFiles?.(chosen);
          }} />
      </label>
      <span class="file-names" aria-live="polite">{names.length ? names.join(", ") : t("files.none")}</span>
    </div>
  );
}
