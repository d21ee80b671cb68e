"""A mixed corpus of inbound mail, generated at run time from a fixed seed.

Built with the app's own MIME writer (``chalicelib.channels.email.mime_out``), then
re-encoded where a real client would differ (legacy charsets in the body, the
Subject and the sender's name). The corpus is generated one mail at a time so
that replies can thread to mails ingested earlier: after each new ticket, the
caller reports its number with ``ticket_created`` (replies by subject tag and
most auto-replies need it).

Kinds (each mail has exactly one):

- new, known / unknown sender: a first mail from an address that is / is not a
  contact yet, in one of several languages and charsets, some as HTML;
- reply (In-Reply-To): the customer writes again in an earlier thread, with
  In-Reply-To and References and the earlier text quoted;
- reply (subject tag): a fresh mail whose subject carries the ticket tag;
- auto-reply: out-of-office answers (Auto-Submitted, subject tag of the ticket
  they answer, an In-Reply-To we never sent) and a few robot notifications
  that open a ticket;
- with attachments: 1–3 files of 10–500 KB, new or in a thread;
- HTML with inline images: multipart/related with ``cid:`` images, new or in a thread;
- duplicate delivery: the same bytes stored a second time under another key.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr

from chalicelib.channels.email.mime_out import (
    InlineImage,
    OutboundAttachment,
    OutboundMail,
    build_message,
    make_message_id,
    to_bytes,
)

NEW_KNOWN = "new, known sender"
NEW_UNKNOWN = "new, unknown sender"
REPLY_ID = "reply (In-Reply-To)"
REPLY_TAG = "reply (subject tag)"
AUTO_REPLY = "auto-reply"
ATTACHMENTS = "with attachments (10–500 KB)"
HTML_INLINE = "HTML with inline images"
DUPLICATE = "duplicate delivery"
KINDS = (
    NEW_KNOWN,
    NEW_UNKNOWN,
    REPLY_ID,
    REPLY_TAG,
    AUTO_REPLY,
    ATTACHMENTS,
    HTML_INLINE,
    DUPLICATE,
)
WEIGHTS = (26, 15, 22, 8, 8, 7, 8, 6)  # per cent of the corpus, roughly
NEW_KINDS = (NEW_KNOWN, NEW_UNKNOWN)


@dataclass(frozen=True)
class Language:
    code: str
    charsets: tuple[str, ...]
    weight: int
    names: tuple[str, ...]
    domains: tuple[str, ...]
    subjects: tuple[str, ...]
    sentences: tuple[str, ...]
    greeting: str
    regards: str
    reply_prefix: str
    auto_prefix: str
    auto_text: str
    wrote: str  # attribution line before the quote; {date} {name}
    filenames: tuple[str, ...]


LANGUAGES = (
    Language(
        "sv",
        ("utf-8", "iso-8859-1", "windows-1252"),
        38,
        ("Åsa Öberg", "Göran Ström", "Märta Lindqvist", "Björn Åkesson", "Linnéa Berg"),
        ("exempel.se", "företag.example", "kommun.example.se"),
        (
            "Skrivaren på plan {n} fungerar inte",
            "Kan inte logga in i kundportalen",
            "Fel på faktura nr {n}",
            "Beställning {n} har inte kommit",
            "Lösenordet går inte att återställa",
            "Fråga om avtal och uppsägning",
        ),
        (
            "Skrivaren matar fel papper och fastnar varannan sida.",
            "Jag har försökt starta om datorn men felet kvarstår.",
            "Fakturan verkar ha fel belopp, vi är debiterade två gånger.",
            "Kan ni återkomma så snart som möjligt? Det är brådskande för oss.",
            "Felet uppstod i förmiddags efter uppdateringen.",
            "Bifogar skärmdump på felmeddelandet som visas.",
            "Vi är tre personer på kontoret som påverkas av detta.",
            "Tack för snabbt svar förra gången, hoppas ni kan hjälpa till även nu.",
        ),
        "Hej!",
        "Med vänliga hälsningar",
        "Sv:",
        "Automatiskt svar:",
        "Jag är på semester till och med {date} och läser inte e-post. "
        "Vid brådskande ärenden, ring växeln.",
        "Den {date} skrev {name}:",
        ("Faktura_{n}.pdf", "Skärmdump åäö.png", "logg.txt", "Avtal {n}.docx"),
    ),
    Language(
        "en",
        ("us-ascii", "utf-8"),
        20,
        ("John Smith", "Mary Johnson", "Peter Brown", "Sarah Davis", "James Wilson"),
        ("example.com", "example.co.uk", "corp.example"),
        (
            "Printer on floor {n} is broken",
            "Cannot log in to the customer portal",
            "Invoice {n} looks wrong",
            "Order {n} has not arrived",
            "Password reset does not work",
            "Question about our contract",
        ),
        (
            "The printer feeds the wrong paper and jams every other page.",
            "I have tried restarting the computer but the error is still there.",
            "The invoice seems to have the wrong amount, we were charged twice.",
            "Could you get back to me as soon as possible? This is urgent for us.",
            "The problem started this morning after the update.",
            "I attach a screenshot of the error message.",
            "Three people in our office are affected by this.",
            "Thanks for the quick answer last time, I hope you can help again.",
        ),
        "Hello,",
        "Best regards,",
        "Re:",
        "Automatic reply:",
        "I am out of the office until {date} with limited access to e-mail. "
        "For urgent matters please call the switchboard.",
        "On {date}, {name} wrote:",
        ("invoice_{n}.pdf", "screenshot.png", "log.txt", "contract {n}.docx"),
    ),
    Language(
        "de",
        ("utf-8", "iso-8859-15"),
        10,
        ("Jürgen Müller", "Käthe Schröder", "Uwe Weiß", "Sören Groß"),
        ("beispiel.de", "firma.example.de"),
        (
            "Drucker im {n}. Stock defekt",
            "Anmeldung im Kundenportal schlägt fehl",
            "Rechnung Nr. {n} fehlerhaft",
            "Bestellung {n} nicht angekommen",
        ),
        (
            "Der Drucker zieht das falsche Papier ein und staut sich jede zweite Seite.",
            "Ich habe den Rechner neu gestartet, aber der Fehler besteht weiterhin.",
            "Die Rechnung enthält einen falschen Betrag, wir wurden doppelt belastet.",
            "Können Sie sich bitte schnellstmöglich melden? Es ist dringend.",
            "Der Fehler trat heute früh nach dem Update auf.",
            "Anbei ein Bildschirmfoto der Fehlermeldung (€ 1.249,00 zu viel).",
        ),
        "Guten Tag,",
        "Mit freundlichen Grüßen",
        "AW:",
        "Automatische Antwort:",
        "Ich bin bis einschließlich {date} nicht im Büro. In dringenden Fällen "
        "wenden Sie sich bitte an die Zentrale.",
        "Am {date} schrieb {name}:",
        ("Rechnung_{n}.pdf", "Bildschirmfoto Größe.png", "protokoll.txt"),
    ),
    Language(
        "fr",
        ("iso-8859-1", "utf-8"),
        8,
        ("François Lefèvre", "Hélène Dubois", "Amélie Girard"),
        ("exemple.fr", "société.example"),
        (
            "L'imprimante du {n}e étage ne fonctionne plus",
            "Impossible de me connecter au portail",
            "Erreur sur la facture n° {n}",
        ),
        (
            "L'imprimante prend le mauvais papier et se bloque une page sur deux.",
            "J'ai redémarré l'ordinateur mais le problème persiste.",
            "La facture semble comporter un montant erroné, nous avons été débités deux fois.",
            "Pourriez-vous me répondre dès que possible ? C'est urgent.",
            "Le problème est apparu ce matin après la mise à jour.",
        ),
        "Bonjour,",
        "Cordialement,",
        "RE :",
        "Réponse automatique :",
        "Je suis absente jusqu'au {date} inclus. En cas d'urgence, veuillez contacter le standard.",
        "Le {date}, {name} a écrit :",
        ("facture_{n}.pdf", "capture d'écran.png"),
    ),
    Language(
        "ru",
        ("koi8-r", "utf-8", "windows-1251"),
        8,
        ("Иван Петров", "Ольга Смирнова", "Дмитрий Соколов"),
        ("primer.example.ru", "kompania.example"),
        (
            "Не работает принтер на {n} этаже",
            "Не могу войти в личный кабинет",
            "Ошибка в счёте {n}",
        ),
        (
            "Принтер берёт не ту бумагу и застревает через страницу.",
            "Я перезагрузил компьютер, но ошибка не исчезла.",
            "В счёте неверная сумма, с нас списали деньги дважды.",
            "Пожалуйста, ответьте как можно скорее, это срочно.",
            "Проблема появилась сегодня утром после обновления.",
        ),
        "Здравствуйте!",
        "С уважением,",
        "Re:",
        "Автоответ:",
        "Я в отпуске до {date} и не читаю почту. По срочным вопросам звоните в офис.",
        "{date}, {name} пишет:",
        ("Счёт_{n}.pdf", "Скриншот.png"),
    ),
    Language(
        "ja",
        ("shift_jis", "iso-2022-jp", "utf-8"),
        8,
        ("山田 太郎", "佐藤 花子", "鈴木 一郎"),
        ("rei.example.jp", "kaisha.example.co.jp"),
        (
            "{n}階のプリンターが動きません",
            "カスタマーポータルにログインできません",
            "請求書番号{n}の金額が違います",
        ),
        (
            "プリンターが違う用紙を取り込み、一枚おきに紙詰まりします。",
            "パソコンを再起動しましたが、エラーは解消されません。",
            "請求金額が間違っているようです。二重に引き落とされました。",
            "至急ご連絡いただけますでしょうか。",
            "本日の朝、アップデートの後に問題が発生しました。",
        ),
        "お世話になっております。",
        "よろしくお願いいたします。",
        "Re:",
        "自動応答:",
        "{date}まで休暇のため、メールを確認できません。お急ぎの方は代表番号へお電話ください。",
        "{date} {name} さんは書きました:",
        ("請求書_{n}.pdf", "スクリーンショット.png"),
    ),
    Language(
        "pl",
        ("iso-8859-2", "utf-8"),
        8,
        ("Łukasz Wójcik", "Zofia Kowalczyk", "Paweł Żak"),
        ("przyklad.example.pl",),
        (
            "Drukarka na {n}. piętrze nie działa",
            "Nie mogę zalogować się do portalu",
            "Błąd w fakturze nr {n}",
        ),
        (
            "Drukarka pobiera zły papier i zacina się co drugą stronę.",
            "Zrestartowałem komputer, ale błąd nadal występuje.",
            "Kwota na fakturze jest błędna, pobrano opłatę dwukrotnie.",
            "Proszę o pilną odpowiedź.",
        ),
        "Dzień dobry,",
        "Z poważaniem,",
        "Odp:",
        "Automatyczna odpowiedź:",
        "Jestem na urlopie do {date}. W pilnych sprawach proszę dzwonić do biura.",
        "W dniu {date} {name} napisał(a):",
        ("Faktura_{n}.pdf", "Zrzut ekranu.png"),
    ),
)
ROBOTS = (
    ("noreply@monitor.example.net", "Monitoring", "ALERT: disk usage above 90% on srv-{n}"),
    ("no-reply@backup.example.net", "Backup", "Backup job {n} failed"),
)
ATTACHMENT_TYPES = {  # by file name extension: content type, first bytes
    "pdf": ("application/pdf", b"%PDF-1.7\n"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "txt": ("text/plain", b""),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
}
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class CorpusMail:
    kind: str
    raw: bytes
    recipients: tuple[str, ...]  # envelope recipients, as SES reports them
    message_id: str
    expect_outcome: str  # "created", "appended" or "ignored"
    expect_rule: str  # the mail log's threading rule ("" when ignored)
    # What should reach the ticket intact (bench/hard_mails.check).
    sender: str = ""
    subject: str = ""
    text: str = ""


@dataclass
class Thread:
    """An earlier ticket's mail as the customer sees it."""

    lang: Language
    charset: str
    sender: str
    name: str
    to: str
    title: str
    last_text: str
    message_ids: list[str]
    number: int | None = None  # known once the caller reports the created ticket


@dataclass
class Corpus:
    seed: int
    known_senders: list[str]  # addresses that are contacts already
    mailboxes: tuple[str, ...]  # our receiving addresses (response points)
    rng: random.Random = field(init=False)
    threads: list[Thread] = field(default_factory=list)
    by_message_id: dict[str, Thread] = field(default_factory=dict)
    sent: list[CorpusMail] = field(default_factory=list)
    count: int = 0
    _unknown: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.known_senders = list(self.known_senders)

    # --- the caller ---------------------------------------------------------------

    def next_mail(self, kind: str | None = None) -> CorpusMail:
        """The next mail: of ``kind``, or of a kind drawn by the weights."""
        rng = self.rng
        kind = kind or rng.choices(KINDS, WEIGHTS)[0]
        numbered = [t for t in self.threads[-300:] if t.number is not None]
        if kind in (REPLY_ID, REPLY_TAG, AUTO_REPLY) and not numbered:
            kind = NEW_KNOWN
        if kind == DUPLICATE and not self.sent:
            kind = NEW_UNKNOWN
        self.count += 1
        if kind == DUPLICATE:
            original = rng.choice(self.sent[-100:])
            mail = replace(original, kind=kind, expect_outcome="ignored", expect_rule="")
        elif kind in NEW_KINDS:
            mail = self._new(kind, known=kind == NEW_KNOWN)
        elif kind == REPLY_ID:
            mail = self._reply(kind, rng.choice(numbered), by_tag=False)
        elif kind == REPLY_TAG:
            mail = self._reply(kind, rng.choice(numbered), by_tag=True)
        elif kind == AUTO_REPLY:
            mail = self._auto_reply(rng.choice(numbered) if rng.random() < 0.8 else None)
        elif kind in (ATTACHMENTS, HTML_INLINE):
            if numbered and rng.random() < 0.5:
                mail = self._reply(kind, rng.choice(numbered), by_tag=False)
            else:
                mail = self._new(kind, known=rng.random() < 0.6)
        else:
            raise ValueError(f"unknown kind {kind!r}")
        if kind != DUPLICATE:
            self.sent.append(mail)
        return mail

    def ticket_created(self, message_id: str, number: int) -> None:
        thread = self.by_message_id.get(message_id)
        if thread is not None:
            thread.number = number

    # --- kinds ----------------------------------------------------------------------

    def _new(self, kind: str, *, known: bool) -> CorpusMail:
        rng = self.rng
        lang = rng.choices(LANGUAGES, [la.weight for la in LANGUAGES])[0]
        charset = rng.choice(lang.charsets)
        if known:
            sender = rng.choice(self.known_senders)
            name = rng.choice(lang.names)
        else:
            name = rng.choice(lang.names)
            self._unknown += 1
            sender = f"kund.{self._unknown}@{_ascii_domain(rng.choice(lang.domains))}"
            self.known_senders.append(sender)  # a contact once this mail is in
        title = rng.choice(lang.subjects).format(n=rng.randint(2, 9999))
        text = self._body(lang, name)
        to = self._mailbox()
        message_id = self._message_id(sender)
        thread = Thread(lang, charset, sender, name, to, title, text, [message_id])
        mail = self._mail(
            kind,
            thread,
            subject=title,
            text=text,
            message_id=message_id,
            in_reply_to=None,
            references=(),
            html=kind == HTML_INLINE or rng.random() < 0.25,
            extra_headers=(),
        )
        self.threads.append(thread)
        self.by_message_id[message_id] = thread
        return CorpusMail(kind, mail, (to,), message_id, "created", "new", sender, title, text)

    def _reply(self, kind: str, thread: Thread, *, by_tag: bool) -> CorpusMail:
        rng = self.rng
        lang = thread.lang
        message_id = self._message_id(thread.sender)
        if by_tag:
            subject = f"{lang.reply_prefix} {thread.title} [#{thread.number}]"
            in_reply_to, references, rule = None, (), "subject_tag"
        else:
            subject = f"{lang.reply_prefix} {thread.title}"
            in_reply_to, references, rule = (
                thread.message_ids[-1],
                thread.message_ids[-10:],
                ("message_id"),
            )
        new_text = self._body(lang, thread.name, paragraphs=rng.randint(1, 2))
        earlier = (self._date() - timedelta(hours=self.rng.randint(1, 48))).strftime(
            "%Y-%m-%d %H:%M"
        )
        attribution = lang.wrote.format(date=earlier, name=f"{thread.name} <{thread.sender}>")
        quoted = "\n".join(f"> {line}" if line else ">" for line in thread.last_text.splitlines())
        text = f"{new_text}\n\n{attribution}\n{quoted}\n"
        mail = self._mail(
            kind,
            thread,
            subject=subject,
            text=text,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=tuple(references),
            html=kind == HTML_INLINE or rng.random() < 0.25,
            extra_headers=(),
        )
        thread.message_ids.append(message_id)
        thread.last_text = new_text
        self.by_message_id[message_id] = thread
        return CorpusMail(
            kind, mail, (thread.to,), message_id, "appended", rule, thread.sender, subject, text
        )

    def _auto_reply(self, thread: Thread | None) -> CorpusMail:
        rng = self.rng
        if thread is None:  # a robot's notification: opens a ticket, never acknowledged
            sender, name, title = rng.choice(ROBOTS)
            title = title.format(n=rng.randint(10, 999))
            lang = LANGUAGES[1]
            robot = Thread(lang, "us-ascii", sender, name, self._mailbox(), title, "", [])
            message_id = self._message_id(sender)
            text = f"{title}\n\nHost srv-{rng.randint(1, 99)}: check the dashboard.\n"
            mail = self._mail(
                AUTO_REPLY,
                robot,
                subject=title,
                text=text,
                message_id=message_id,
                in_reply_to=None,
                references=(),
                html=False,
                extra_headers=(("Auto-Submitted", "auto-generated"), ("Precedence", "bulk")),
            )
            return CorpusMail(
                AUTO_REPLY, mail, (robot.to,), message_id, "created", "new", sender, title, text
            )
        lang = thread.lang
        message_id = self._message_id(thread.sender)
        back = (self._date() + timedelta(days=rng.randint(3, 20))).strftime("%Y-%m-%d")
        # An out-of-office answer to one of our mails: our Message-ID (which we never
        # sent in this run) in In-Reply-To, our subject with the tag.
        ours = f"{rng.getrandbits(64):016x}@servit.bench"
        subject = f"{lang.auto_prefix} Re: {thread.title} [#{thread.number}]"
        text = lang.auto_text.format(date=back) + "\n"
        mail = self._mail(
            AUTO_REPLY,
            thread,
            subject=subject,
            text=text,
            message_id=message_id,
            in_reply_to=ours,
            references=(ours,),
            html=rng.random() < 0.3,
            extra_headers=(("X-Autoreply", "yes"),),
            auto_submitted=True,
        )
        return CorpusMail(
            AUTO_REPLY, mail, (thread.to,), message_id, "appended", "subject_tag",
            thread.sender, subject, text,
        )  # fmt: skip

    # --- building -----------------------------------------------------------------

    def _mail(
        self,
        kind: str,
        thread: Thread,
        *,
        subject: str,
        text: str,
        message_id: str,
        in_reply_to: str | None,
        references: tuple[str, ...],
        html: bool,
        extra_headers: tuple[tuple[str, str], ...],
        auto_submitted: bool = False,
    ) -> bytes:
        rng = self.rng
        inline: tuple[InlineImage, ...] = ()
        html_body = None
        if html or kind == HTML_INLINE:
            paragraphs = "".join(
                f'<p style="font-family:Calibri">{_html_escape(p).replace(chr(10), "<br>")}</p>'
                for p in text.split("\n\n")
            )
            images = ""
            if kind == HTML_INLINE:
                inline = tuple(self._image(i) for i in range(rng.randint(1, 3)))
                images = "".join(
                    f'<p><img src="cid:{im.content_id}" width="200" alt=""></p>' for im in inline
                )
            html_body = (
                '<html><head><meta charset="utf-8"><style>p{margin:0}</style></head>'
                f"<body><div>{paragraphs}{images}</div></body></html>"
            )
        files: tuple[OutboundAttachment, ...] = ()
        if kind == ATTACHMENTS:
            files = tuple(self._attachment(thread.lang) for _ in range(rng.randint(1, 3)))
        cc = (f"kollega{rng.randint(1, 40)}@{thread.sender.partition('@')[2]}",)
        mail = OutboundMail(
            from_addr=thread.sender,
            from_name=thread.name,
            to=(thread.to,),
            cc=cc if rng.random() < 0.15 else (),
            subject=subject,
            text=text,
            html=html_body,
            message_id=message_id,
            date=self._date(),
            in_reply_to=in_reply_to,
            references=references,
            attachments=files,
            inline_images=inline,
            auto_submitted=auto_submitted,
        )
        message = build_message(mail)
        if thread.charset != "utf-8":
            _recode(message, thread, subject, text)
        for name, value in extra_headers:
            message[name] = value
        message["X-Mailer"] = rng.choice(("Microsoft Outlook 16.0", "Apple Mail (2.3774)", "Gmail"))
        return to_bytes(message)

    def _body(self, lang: Language, name: str, paragraphs: int | None = None) -> str:
        rng = self.rng
        parts = [lang.greeting]
        for _ in range(paragraphs or rng.randint(1, 4)):
            parts.append(" ".join(rng.choices(lang.sentences, k=rng.randint(1, 4))))
        parts.append(f"{lang.regards}\n{name}\n+46 8 {rng.randint(100, 999)} {rng.randint(10, 99)}")
        return "\n\n".join(parts)

    def _image(self, index: int) -> InlineImage:
        rng = self.rng
        content_id = f"image{index + 1:03d}.png@{rng.getrandbits(32):08X}.{rng.getrandbits(32):08X}"
        payload = b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(3_000, 40_000))
        return InlineImage(content_id, f"image{index + 1:03d}.png", "image/png", payload)

    def _attachment(self, lang: Language) -> OutboundAttachment:
        rng = self.rng
        size = int(10_000 * 50 ** rng.random())  # 10–500 KB, log-uniform
        filename = rng.choice(lang.filenames).format(n=rng.randint(1000, 9999))
        content_type, magic = ATTACHMENT_TYPES[filename.rpartition(".")[2]]
        if content_type == "text/plain":
            line = b"2026-03-02 08:00:00 INFO printer spooler: job queued, page 1 of 2\n"
            payload = (line * (size // len(line) + 1))[:size]
        else:
            payload = magic + rng.randbytes(size - len(magic))
        return OutboundAttachment(filename, content_type, payload)

    def _mailbox(self) -> str:
        return self.mailboxes[0] if self.rng.random() < 0.8 else self.mailboxes[-1]

    def _message_id(self, sender: str) -> str:
        domain = _ascii_domain(sender.partition("@")[2])
        return make_message_id(f"mail.{domain}", f"{self.rng.getrandbits(96):024x}").strip("<>")

    def _date(self) -> datetime:
        return START + timedelta(minutes=3 * self.count)


def _ascii_domain(domain: str) -> str:
    return domain.encode("idna").decode("ascii") if not domain.isascii() else domain


def _html_escape(text: str) -> str:
    import html

    return html.escape(text)


def _recode(message: EmailMessage, thread: Thread, subject: str, text: str) -> None:
    """Body, Subject and sender name in the thread's legacy charset, as old clients send."""
    charset = thread.charset
    # set_raw: the policy would fold a parsed value again, in UTF-8.
    del message["Subject"]
    message.set_raw(
        "Subject", Header(subject, charset).encode() if not subject.isascii() else subject
    )
    del message["From"]
    message.set_raw("From", formataddr((thread.name, thread.sender), charset=charset))
    target = message
    if message.is_multipart():
        target = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    cte = "base64" if charset in ("shift_jis", "iso-2022-jp") else "quoted-printable"
    if charset == "us-ascii":
        cte = "7bit"
    target.set_content(text, charset=charset, cte=cte)
