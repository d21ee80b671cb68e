"""The public web form's words, in Swedish and English, and the fields as the page shows
them (labels, hints, kinds, the reason a value was refused) — the page template
(templates/forms/form.html.j2) only lays them out, escaped."""

from __future__ import annotations

from typing import Any

from chalicelib.channels import webform
from chalicelib.domain.custom_fields import CustomFieldDefinition, FieldType
from chalicelib.domain.forms import (
    MAX_CUSTOM_TEXT,
    MAX_LENGTHS,
    WebForm,
    custom_id,
    is_custom,
)
from chalicelib.domain.organisation import TicketType
from chalicelib.domain.statuses import Priority

LANGUAGES = (("sv", "Svenska"), ("en", "English"))

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "language": "Språk",
        "required": "obligatoriskt",
        "required_note": "Fält märkta obligatoriskt måste fyllas i.",
        "choose": "Välj …",
        "send": "Skicka",
        "honeypot": "Lämna det här fältet tomt",
        "error_prefix": "Fel",
        "error_summary": "Formuläret skickades inte. Rätta följande:",
        "thanks_title": "Tack! Vi har tagit emot ditt ärende",
        "your_number": "Ditt ärendenummer är",
        "mail_sent": "Vi har skickat en bekräftelse med en länk till ärendet till",
        "back": "Tillbaka till formuläret",
        "not_found_title": "Formuläret finns inte",
        "not_found": "Formuläret finns inte eller är inte längre öppet.",
        "not_sent_title": "Formuläret skickades inte",
        "bad_request": "Formuläret kunde inte läsas. Försök igen.",
        "too_large": "Filerna är för stora. Du kan skicka högst 5 MB sammanlagt.",
        "too_many": "Vi har tagit emot många formulär från dig på kort tid. "
        "Försök igen om en stund.",
        "spam": "Formuläret kunde inte skickas.",
        "error": "Något gick fel. Försök igen.",
        "too_fast": "Formuläret skickades väldigt snabbt. Kontrollera uppgifterna och skicka igen.",
        "expired": "Formuläret hade hunnit bli gammalt. Kontrollera uppgifterna och skicka igen.",
        "name": "Namn",
        "email": "E-postadress",
        "phone": "Telefonnummer",
        "organisation": "Organisation",
        "subject": "Ämne",
        "description": "Beskriv ärendet",
        "priority": "Prioritet",
        "ticket_type": "Typ av ärende",
        "attachments": "Bifoga filer",
        "attachments_hint": "Högst 5 filer, 4 MB per fil och 5 MB sammanlagt: PDF, bilder, "
        "text, Word, Excel, OpenDocument.",
        "email_hint": "Vi skickar en bekräftelse hit.",
        "date_hint": "ÅÅÅÅ-MM-DD",
        "priority.low": "Låg",
        "priority.medium": "Normal",
        "priority.high": "Hög",
        "err.required": "Fyll i fältet.",
        "err.too_long": "Texten är för lång (högst {max} tecken).",
        "err.bad_email": "Skriv en e-postadress som namn@exempel.se.",
        "err.bad_phone": "Skriv ett telefonnummer med siffror, till exempel 070-123 45 67.",
        "err.bad_choice": "Välj ett av alternativen.",
        "err.bad_number": "Skriv ett tal.",
        "err.bad_date": "Skriv ett datum som ÅÅÅÅ-MM-DD.",
        "err.bad_file_type": "Den här typen av fil tas inte emot, eller så är filen inte vad "
        "namnet säger.",
        "err.too_many_files": "Du kan bifoga högst 5 filer.",
        "err.files_too_large": "En fil är större än 4 MB, eller filerna är större än 5 MB "
        "sammanlagt.",
        "err.attachments_required": "Bifoga minst en fil.",
    },
    "en": {
        "language": "Language",
        "required": "required",
        "required_note": "Fields marked required must be filled in.",
        "choose": "Choose …",
        "send": "Send",
        "honeypot": "Leave this field empty",
        "error_prefix": "Error",
        "error_summary": "The form was not sent. Please correct the following:",
        "thanks_title": "Thank you! We have received your request",
        "your_number": "Your ticket number is",
        "mail_sent": "We have sent a confirmation with a link to the ticket to",
        "back": "Back to the form",
        "not_found_title": "This form does not exist",
        "not_found": "The form does not exist or is no longer open.",
        "not_sent_title": "The form was not sent",
        "bad_request": "The form could not be read. Please try again.",
        "too_large": "The files are too large. You can send at most 5 MB in all.",
        "too_many": "We have received many forms from you in a short time. Please try again later.",
        "spam": "The form could not be sent.",
        "error": "Something went wrong. Please try again.",
        "too_fast": "The form was sent very quickly. Please check the details and send again.",
        "expired": "The form had been open a long time. Please check the details and send again.",
        "name": "Name",
        "email": "E-mail address",
        "phone": "Phone number",
        "organisation": "Organisation",
        "subject": "Subject",
        "description": "Describe your request",
        "priority": "Priority",
        "ticket_type": "Type of request",
        "attachments": "Attach files",
        "attachments_hint": "At most 5 files, 4 MB each and 5 MB in all: PDF, images, text, "
        "Word, Excel, OpenDocument.",
        "email_hint": "We send a confirmation here.",
        "date_hint": "YYYY-MM-DD",
        "priority.low": "Low",
        "priority.medium": "Normal",
        "priority.high": "High",
        "err.required": "Fill in this field.",
        "err.too_long": "The text is too long (at most {max} characters).",
        "err.bad_email": "Enter an e-mail address like name@example.com.",
        "err.bad_phone": "Enter a phone number in digits, for example +46 70 123 45 67.",
        "err.bad_choice": "Choose one of the options.",
        "err.bad_number": "Enter a number.",
        "err.bad_date": "Enter a date as YYYY-MM-DD.",
        "err.bad_file_type": "Files of this type are not taken, or the file is not what its "
        "name says.",
        "err.too_many_files": "You can attach at most 5 files.",
        "err.files_too_large": "A file is larger than 4 MB, or the files are larger than 5 MB "
        "in all.",
        "err.attachments_required": "Attach at least one file.",
    },
}
_KINDS = {"email": "email", "phone": "tel", "description": "textarea", "priority": "select",
          "ticket_type": "select", "attachments": "file"}  # fmt: skip
_AUTOCOMPLETE = {"name": "name", "email": "email", "phone": "tel", "organisation": "organization"}


def language_from(query: str | None, posted: str | None, accept: str | None) -> str:
    """?lang= first, then the form's own hidden field, then the browser's Accept-Language
    (the first of sv and en it names, by its q weights), else Swedish."""
    for chosen in (query, posted):
        if chosen in ("sv", "en"):
            return chosen
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate((accept or "")[:500].split(",")):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if primary in ("sv", "en") and weight > 0:
            ranked.append((-weight, index, primary))
    return sorted(ranked)[0][2] if ranked else "sv"


def error_text(t: dict[str, str], name: str, reason: str, max_len: int) -> str:
    if name == "attachments" and reason == "required":
        return t["err.attachments_required"]
    return t.get(f"err.{reason}", t["err.required"]).replace("{max}", str(max_len))


def page_fields(
    form: WebForm,
    language: str,
    values: dict[str, str],
    errors: dict[str, str],
    custom: dict[str, CustomFieldDefinition],
    ticket_types: list[TicketType],
) -> list[dict[str, Any]]:
    """The fields as the page shows them, in the form's order."""
    t = TEXTS[language]
    shown = []
    for name in form.fields:
        field: dict[str, Any] = {
            "name": name,
            "id": "f-" + name.replace(":", "-"),
            "required": form.is_required(name),
            "value": values.get(name, "") if name != "attachments" else "",
            "kind": _KINDS.get(name, "text"),
            "hint": "",
            "options": [],
            "autocomplete": _AUTOCOMPLETE.get(name, ""),
            "max": MAX_CUSTOM_TEXT if is_custom(name) else MAX_LENGTHS.get(name, 0),
        }
        if is_custom(name):
            definition = custom.get(custom_id(name))
            if definition is None:
                continue  # deleted since the form was saved: not asked any more
            field["label"] = definition.label
            if definition.type is FieldType.SELECT:
                field["kind"], field["options"] = "select", [(o, o) for o in definition.options]
            elif definition.type is FieldType.DATE:
                field["hint"] = t["date_hint"]
            elif definition.type is FieldType.NUMBER:
                field["kind"] = "text"
        else:
            field["label"] = t[name]
        if name == "priority":
            field["options"] = [(p.value, t[f"priority.{p.value}"]) for p in Priority]
        elif name == "ticket_type":
            field["options"] = [
                (tt.id, tt.name_sv if language == "sv" else tt.name_en) for tt in ticket_types
            ]
        elif name == "attachments":
            field["hint"] = t["attachments_hint"]
            field["accept"] = ",".join(sorted(webform.FILE_TYPES))
        elif name == "email":
            field["hint"] = t["email_hint"]
        reason = errors.get(name)
        field["error"] = error_text(t, name, reason, field["max"]) if reason else ""
        shown.append(field)
    return shown
