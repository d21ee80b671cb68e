// How a text goes out, as chalicelib/channels/sms.py counts it (the server splits by the same
// rules; both are tested against tests/fixtures/sms/segments.json): GSM-7 when every character is
// in the GSM 03.38 alphabet (the extension table's characters take two septets), else UCS-2
// (UTF-16 code units: an emoji takes two). One part holds 160 septets / 70 units; longer texts go
// in parts of 153 / 67, never splitting an escape pair or a surrogate pair.

const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");
export const MAX_PARTS = 10;

export interface SmsCount {
  encoding: "GSM-7" | "UCS-2";
  parts: number;
  /** What still fits in the last part before another one starts. */
  remaining: number;
  perPart: number;
}

/** The text's characters (code points: a surrogate pair is one). */
function chars(text: string): string[] {
  return Array.from(text);
}

export function isGsm(text: string): boolean {
  return chars(text).every((ch) => GSM_BASIC.has(ch) || GSM_EXTENSION.has(ch));
}

function size(ch: string, gsm: boolean): number {
  if (gsm) return GSM_EXTENSION.has(ch) ? 2 : 1;
  return ch.length; // UTF-16 code units: 2 for a character outside the BMP
}

/** The parts the text is sent as (an empty text: none). */
export function smsSplit(text: string): string[] {
  const gsm = isGsm(text);
  const all = chars(text);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  const total = all.reduce((n, ch) => n + size(ch, gsm), 0);
  if (total <= single) return text ? [text] : [];
  const parts: string[] = [];
  let current = "";
  let used = 0;
  for (const ch of all) {
    const s = size(ch, gsm);
    if (used + s > multi) {
      parts.push(current);
      current = "";
      used = 0;
    }
    current += ch;
    used += s;
  }
  parts.push(current);
  return parts;
}

export function smsCount(text: string): SmsCount {
  const gsm = isGsm(text);
  const encoding = gsm ? "GSM-7" : "UCS-2";
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  const total = chars(text).reduce((n, ch) => n + size(ch, gsm), 0);
  if (total <= single) return { encoding, parts: text ? 1 : 0, remaining: single - total, perPart: single };
  const parts = smsSplit(text);
  const last = chars(parts[parts.length - 1]).reduce((n, ch) => n + size(ch, gsm), 0);
  return { encoding, parts: parts.length, remaining: multi - last, perPart: multi };
}
