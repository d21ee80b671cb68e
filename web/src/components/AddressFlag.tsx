import { t } from "../i18n";

/**
 * "Address not verified" beside an address mail cannot reach. The API's reason (in English,
 * like other validation details) shows on hover, and as text where there is room (``detailed``)
 * or for screen readers only.
 */
export function AddressFlag({ reason, detailed = false }: { reason: string | undefined; detailed?: boolean }) {
  if (reason === undefined) return null;
  return (
    <>
      {" "}
      <span class="badge" title={reason} data-testid="address-unverified">{t("address.unverified")}</span>
      {detailed ? <>{" "}<small class="muted">{reason}</small></> : <span class="visually-hidden">: {reason}</span>}
    </>
  );
}
