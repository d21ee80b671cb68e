// API errors in the user's language: by the API's stable code, never by its English text.
import { ApiError } from "../api";
import { hasKey, t } from "../i18n";

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    const headline = hasKey(key) ? t(key) : t("error.http", { status: error.status });
    // Validation messages name the field (or the address) at fault; they come in English.
    return ["invalid", "invalid_transition", "address_unreachable"].includes(error.code)
      ? `${headline} (${error.message})`
      : headline;
  }
  return t("error.unknown");
}
