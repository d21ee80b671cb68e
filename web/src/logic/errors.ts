// API errors in the user's language: by the API's stable code, never by its English text.
import { ApiError } from "../api";
import { hasKey, t } from "../i18n";

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    const headline = hasKey(key) ? t(key) : t("error.http", { status: error.status });
    // Validation messages name the field at fault; they come in English from the API.
    return error.code === "invalid" || error.code === "invalid_transition"
      ? `${headline} (${error.message})`
      : headline;
  }
  return t("error.unknown");
}
