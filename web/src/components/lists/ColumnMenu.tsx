// Issue 15: the user's choice of list columns, a small menu above every ticket list.
import { t } from "../../i18n";
import { useStore } from "../../store";
import { ALL_COLUMNS, chooseColumns, chosenColumns, type ColumnId, columnsFor, FIXED, toggleColumn } from "./columns";
import type { Key } from "../../i18n";

const LABELS: Record<ColumnId, Key> = {
  number: "list.number", title: "list.title", contact: "list.contact", status: "list.status",
  priority: "list.priority", sla: "list.sla", updated: "list.updated", age: "list.age",
  group: "list.group", agent: "list.agent", lock: "list.lockHead",
};

/** A disclosure (details/summary: keyboard and screen readers know it) with a box per
 *  column; a change applies to every list at once and is kept for the user in this browser. */
export function ColumnMenu({ userId, spansGroups }: { userId: string; spansGroups: boolean }) {
  useStore(chosenColumns);
  const chosen = columnsFor(userId);
  const offered = ALL_COLUMNS.filter((c) => !FIXED.includes(c) && (c !== "group" || spansGroups));
  return (
    <details class="column-menu" data-testid="column-menu">
      <summary>{t("list.columns")}</summary>
      <fieldset>
        <legend>{t("list.columnsLegend")}</legend>
        {offered.map((column) => (
          <label class="check" key={column}>
            <input type="checkbox" name={`column-${column}`} checked={chosen.includes(column)}
              onChange={(e) => chooseColumns(userId, toggleColumn(chosen, column, e.currentTarget.checked))} />
            {t(LABELS[column])}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
