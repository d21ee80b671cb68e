"""A posted web form (S1) read into plain values, and the one InboundMessage it becomes.

The browser posts ``application/x-www-form-urlencoded`` (no files) or
``multipart/form-data`` (with files). Both are read here, strictly: at most
``MAX_POSTED_VALUES`` values, each at most ``MAX_ANY_VALUE`` characters, text
decoded as UTF-8 with control characters (other than tab and line breaks)
removed, at most ``MAX_FILES`` files of ``MAX_FILE_BYTES`` each and
``MAX_FILES_BYTES`` in all, and only the file types in ``FILE_TYPES``. A
file's type is decided by its name's extension, never by what the browser
claims, and an image or PDF must start as one does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import PurePosixPath
from urllib.parse import parse_qsl

from chalicelib.channels.message import InboundAttachment, InboundMessage
from chalicelib.domain.errors import BadRequestError, PayloadTooLargeError, ValidationError
from chalicelib.domain.forms import MAX_ANY_VALUE, MAX_POSTED_VALUES, Submission

MAX_FILES = 5
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FILES_BYTES = 5 * 1024 * 1024  # a synchronous Lambda takes 6 MB of request in all
MAX_BODY_BYTES = MAX_FILES_BYTES + 512 * 1024  # the files and the text fields around them
MAX_FILENAME = 200
FILE_FIELD = "attachments"
FILE_TYPES = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".txt": "text/plain", ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}  # fmt: skip
# How each kind of file starts: one whose bytes say otherwise is not what its name says.
_MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
_ZIP_BASED = ("application/vnd.openxmlformats", "application/vnd.oasis")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FILENAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


class FileRefusedError(ValidationError):
    """An attached file of a type the form does not take, or not what its name says."""

    code = "bad_file_type"


@dataclass(frozen=True)
class PostedForm:
    """The values, and the files when all of them were taken; else ``file_problem`` says
    why none were ("bad_file_type", "too_many_files", "files_too_large"), so that the page
    can ask again with what was written kept."""

    values: dict[str, str]
    files: tuple[InboundAttachment, ...] = ()
    file_problem: str = ""

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def clean_text(value: str) -> str:
    return _CONTROL.sub("", value)


def parse(content_type: str, raw: bytes) -> PostedForm:
    """What the browser posted; BadRequestError if it cannot be read, PayloadTooLargeError
    past the body's size limit. Refused files are noted (``file_problem``), not raised."""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"the form is larger than {MAX_BODY_BYTES} bytes")
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        try:
            text = raw.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_POSTED_VALUES)
        except (UnicodeDecodeError, ValueError):
            raise BadRequestError("the form could not be read") from None
        return PostedForm(_values(pairs))
    if kind == "multipart/form-data":
        return _multipart(content_type, raw)
    raise BadRequestError("a form is posted as a form (urlencoded or multipart)")


def _values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    if len(pairs) > MAX_POSTED_VALUES:
        raise BadRequestError(f"at most {MAX_POSTED_VALUES} values")
    values: dict[str, str] = {}
    for name, value in pairs:
        if len(name) > 100 or len(value) > MAX_ANY_VALUE:
            # Longer than any field takes: kept cut, so the field's own check says "too long".
            value = value[: MAX_ANY_VALUE + 1]
        values.setdefault(clean_text(name)[:100], clean_text(value))
    return values


def _multipart(content_type: str, raw: bytes) -> PostedForm:
    if "boundary=" not in content_type:
        raise BadRequestError("the form could not be read (no boundary)")
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=default_policy).parsebytes(header + raw)
    if not message.is_multipart():
        raise BadRequestError("the form could not be read")
    pairs: list[tuple[str, str]] = []
    files: list[InboundAttachment] = []
    problem = ""
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        payload = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            if name == FILE_FIELD and (filename or payload):  # "" and no bytes: none chosen
                try:
                    files.append(_file(str(filename), payload))
                except FileRefusedError as error:
                    problem = problem or error.code
            continue
        pairs.append((name, payload.decode(part.get_content_charset() or "utf-8", "replace")))
        if len(pairs) > MAX_POSTED_VALUES:
            raise BadRequestError(f"at most {MAX_POSTED_VALUES} values")
    if not problem and len(files) > MAX_FILES:
        problem = "too_many_files"
    if not problem and sum(f.size for f in files) > MAX_FILES_BYTES:
        problem = "files_too_large"
    if problem:
        return PostedForm(_values(pairs), (), problem)
    return PostedForm(_values(pairs), tuple(files))


def _file(filename: str, payload: bytes) -> InboundAttachment:
    name = _FILENAME_UNSAFE.sub("_", PurePosixPath(filename.replace("\\", "/")).name)
    name = name.strip()[:MAX_FILENAME] or "file"
    if len(payload) > MAX_FILE_BYTES:
        raise FileRefusedError(
            f"{name}: larger than {MAX_FILE_BYTES} bytes", code="files_too_large"
        )
    content_type = FILE_TYPES.get(PurePosixPath(name.lower()).suffix)
    if content_type is None:
        raise FileRefusedError(f"{name}: files of this type are not taken")
    starts = _MAGIC.get(content_type)
    if starts is not None and not payload.startswith(starts):
        raise FileRefusedError(f"{name}: the file is not what its name says")
    if content_type.startswith(_ZIP_BASED) and not payload.startswith(b"PK\x03\x04"):
        raise FileRefusedError(f"{name}: the file is not what its name says")
    return InboundAttachment(name, content_type, payload)


def inbound_message(
    submission: Submission, title: str, files: tuple[InboundAttachment, ...], now: datetime
) -> InboundMessage:
    """The message the form's ticket starts with, as the intake knows it from mail."""
    text = submission.description or submission.subject or title
    return InboundMessage(
        from_addr=submission.email,
        from_name=submission.name,
        to=(),
        cc=(),
        reply_to=(),
        subject=title,
        date=now,
        message_id=None,
        in_reply_to=None,
        references=(),
        text=text,
        html_raw="",
        html_sanitised="",
        stripped_text=text,
        attachments=files,
        auto_reply=False,
        auto_reply_reasons=(),
        is_bulk=False,
        dsn=None,
        loop_header=None,
        return_path=None,
        headers_raw_size=0,
        size=len(text.encode()) + sum(f.size for f in files),
        problems=(),
    )
