"""The new part of a reply: quoted history, reply headers and signatures removed.

Works line by line on plain text (HTML bodies arrive here through `html_to_text`, with
blockquotes already turned into "> " lines). Three kinds of history are recognised:

- a *cut point*: the first unquoted line where an older message starts without quote
  marks (Outlook's "-----Original Message-----" or "From:/Sent:/To:/Subject:" block,
  "---------- Forwarded message ----------", "On <date>, <name> wrote:" followed by
  unquoted text). Everything from there down is history.
- *quoted lines* ("> ..."), with the attribution line ("On ... wrote:", in many
  languages, possibly wrapped over up to three lines) that introduces them. They are
  dropped wherever they are, so inline and bottom-posted answers keep their own text.
- *signatures* at the end of what is left: "-- ", mobile taglines ("Sent from my
  iPhone"), mailing-list footers under an underscore rule, legal disclaimers, a closing
  ("Thanks,", "Best regards,") followed by a name, and a short contact block that
  starts with the sender's name.

Everything is regular expressions over bounded windows, so pathological input stays linear.
"""

from __future__ import annotations

import re

MAX_LINES = 4000
MAX_LINE_FOR_PATTERNS = 1000

_QUOTED = re.compile(r"^[ \t]*(>|\|>)")
_INVISIBLE = str.maketrans({"\u200b": None, "\ufeff": None, "\u200e": None, "\u200f": None, "\xa0": " "})

# "-----Original Message-----", forwarded-message rules and their translations.
_SEPARATOR = re.compile(
    r"^[ \t>]*[-_=*~ ]{0,}[-_=*~]{2,}[ \t]*"
    r"(original message|original e-?mail|forwarded message|ursprüngliche nachricht|ursprungliche nachricht|"
    r"weitergeleitete nachricht|message d'origine|message transféré|message original|mensaje original|"
    r"mensaje reenviado|messaggio originale|messaggio inoltrato|oorspronkelijk bericht|doorgestuurd bericht|"
    r"originalmeddelande|vidarebefordrat meddelande|oprindelig meddelelse|videresendt meddelelse|"
    r"opprinnelig melding|videresendt melding|mensagem original|mensagem encaminhada|wiadomość oryginalna|"
    r"oryginalna wiadomość|wiadomość przekazana|původní zpráva|přeposlaná zpráva|исходное сообщение|"
    r"пересылаемое сообщение|пересланное сообщение|alkuperäinen viesti|välitetty viesti|eredeti üzenet|"
    r"továbbított üzenet|orijinal ileti|原始邮件|原始郵件|転送されたメッセージ|元のメッセージ|転送メッセージ)"
    r"[ \t]*[-_=*~ ]*[:：]?[ \t]*$",
    re.IGNORECASE,
)
_FORWARD_INTRO = re.compile(
    r"^[ \t]*(begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|"
    r"inicio del mensaje reenviado|inizio messaggio inoltrato|begin doorgestuurd bericht|"
    r"vidarebefordrat brev|início da mensagem reencaminhada|转发的邮件|転送されたメッセージ|"
    r"original message processed by .{1,40})[ \t]*[:：]?[ \t]*$",
    re.IGNORECASE,
)

# Keys of the header block Outlook and many others put above the quoted message.
_FROM_KEYS = r"from|von|de|da|van|från|fra|od|от|від|lähettäjä|feladó|kimden|差出人|送信者|发件人|發件人|寄件者|보낸 사람"
_OTHER_KEYS = (
    r"sent|date|to|cc|bcc|subject|reply-to|gesendet|datum|an|betreff|envoyé|à|objet|enviado|enviada|fecha|"
    r"para|asunto|inviato|data|oggetto|a|verzonden|aan|onderwerp|skickat|till|ämne|sendt|til|emne|kopi|"
    r"wysłano|wysłany|do|temat|odesláno|komu|předmět|отправлено|дата|кому|тема|копия|lähetetty|"
    r"vastaanottaja|aihe|elküldve|címzett|tárgy|gönderildi|kime|konu|tarih|送信日時|日付|宛先|件名|"
    r"发送时间|日期|收件人|主题|抄送|寄件日期|收件者|主旨|받는 사람|날짜|제목"
)
_HEADER_LINE = re.compile(
    rf"^[ \t]*[*_]{{0,2}}(?P<key>{_FROM_KEYS}|{_OTHER_KEYS})[*_]{{0,2}}[ \t]*[:：][*_]{{0,2}}(?:[ \t]|$)",
    re.IGNORECASE,
)
_FROM_LINE = re.compile(rf"^[ \t]*[*_]{{0,2}}({_FROM_KEYS})[*_]{{0,2}}[ \t]*[:：]", re.IGNORECASE)
_RULE_CHARS = re.compile(r"[-_=*~]{2}")
_RULE = re.compile(r"^[ \t]*([-_=*~—–][ \t]*){4,}$")

# "On <date>, <name> wrote:" and its translations; the verb makes it a strong marker.
_ATTRIBUTION_VERB = re.compile(
    r"(\bwrote|\bwrites|\bschrieb|\ba [ée]crit|\bescribi[óo]|\bschreef|\bha scritto|\bscrisse|\bescreveu|"
    r"\bskrev|\bnapisa[łl](\(a\)|a)?|\bpisze|\bnapsal(\(a\)|a)?|\bнаписал(\(а\)|а)?|\bпишет|\bkirjoitti|"
    r"\bírta|\byazdı|写道|寫道|書きました|が書きました|wrote on)[^:：\n]{0,80}[:：]\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(
    r"^[ \t]*(on|am|le|el|op|il|il giorno|em|den|d\.|dne|dnia|w dniu|в|вт|пн|ср|чт|пт|сб|вс|"
    r"\d|[a-z]{2,4}\.?,?\s+\d|\"|'|<|\S+@\S+|[A-Z][\w'.-]+(\s[A-Z][\w'.-]+){0,3}\s*(<|\(|wrote|writes|schrieb|a écrit|escribió|schreef|skrev|napisał|ezt írta)|20\d\d|19\d\d|.{1,60}\s(在|于)\s)",
    re.IGNORECASE,
)
_HAS_DATE_OR_ADDRESS = re.compile(r"\d|@")
# Without a verb (Gmail in Russian or Japanese: "2023年1月1日(日) 17:22 Name <a@b>:") only
# before a quoted block.
_WEAK_ATTRIBUTION = re.compile(
    r"^.{0,200}(\d.{0,120}<?[^\s<>]+@[^\s<>]+>?|<?[^\s<>]+@[^\s<>]+>?.{0,120}\d).{0,60}[:：]\s*$"
)

_MOBILE = re.compile(
    r"^[ \t]*(sent from my [\w'’-]+( [\w'’-]+){0,3}|sent from (yahoo mail|mail|outlook|aol|samsung mobile|"
    r"my mobile|mobile|the all new aol app|proton ?mail|zoho mail)( for [\w ]{1,30})?( on [\w ]{1,30})?|"
    r"sent (with|via|using) [\w ]{2,40}|get outlook for (ios|android)|sent from mail for windows( \d+)?|"
    r"sent from windows mail|sent from my \w+ on the [\w ]+network|enviado desde mi \w+( \w+){0,2}|"
    r"envoyé de mon \w+( \w+){0,2}|von meinem \w+( \w+){0,2} gesendet|gesendet von meinem \w+( \w+){0,2}|"
    r"verzonden (vanaf|met) mijn \w+( \w+){0,2}|inviato da( mio| il mio)? \w+( \w+){0,2}|"
    r"skickat från min \w+( \w+){0,2}|sendt fra min \w+( \w+){0,2}|enviado do meu \w+( \w+){0,2}|"
    r"wysłane z (mojego )?\w+( \w+){0,2}|отправлено с (моего )?\w+( \w+){0,2}|"
    r"iphoneから送信|发自我的iphone|從我的 iphone 傳送|発信元: ?iphone)[ \t.!]*"
    r"(<[^>]*>)?[ \t]*$",
    re.IGNORECASE,
)
_SIG_DELIMITER = re.compile(r"^[ \t]*--[ \t]*$")
_UNDERSCORES = re.compile(r"^[ \t]*_{5,}[ \t]*$")
_DISCLAIMER = re.compile(
    r"^[ \t]*(disclaimer[:.]?$|confidentiality notice|confidential(ity)?:|privileged and confidential|"
    r"this (e-?mail|message|communication|transmission)( and any (files|attachments)[\w ]{0,40})?( \(including[^)]*\))?"
    r"( w/attachments \(message\))? (is|are|and|may|contains?|has been)\b.{0,80}"
    r"(confidential|intended (solely|only)|privileged|scanned|recipient)|"
    r"the information (contained )?in this (e-?mail|message|communication)|"
    r"this email has been (scanned|checked))",
    re.IGNORECASE,
)
_EXTERNAL_BANNER = re.compile(
    r"^[ \t]*\[?(caution|external|warning|attention|notice)\]?( email)?\s*[:!-]?.{0,40}"
    r"(originated|sent|comes?|is) from (outside|an external)",
    re.IGNORECASE,
)
_DASH_NAME = re.compile(r"^[ \t]*[-~—–]\s?[A-Z][\w.'’-]*(\s[A-Z][\w.'’-]*){0,2}\s*$")
_VALEDICTION = re.compile(
    r"^[ \t]*(thanks|thank you|thanks again|thanks and regards|thanks & regards|thx|tia|many thanks|cheers|"
    r"regards|best|best regards|kind regards|warm regards|warmest regards|with regards|yours|yours truly|"
    r"sincerely|yours sincerely|all the best|best wishes|take care|br|brgds|rgds|"
    r"mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|liebe grüße|grüße|gruß|"
    r"lg|vg|mfg|cordialement|bien cordialement|bien à vous|salutations|merci|saludos|un saludo|"
    r"saludos cordiales|atentamente|cordiali saluti|distinti saluti|saluti|grazie|"
    r"met vriendelijke groet(en)?|vriendelijke groet(en)?|groeten|groet|med vänlig hälsning|vänliga hälsningar|"
    r"mvh|med venlig hilsen|venlig hilsen|hilsen|kh|pozdrawiam|z poważaniem|pozdrowienia|s pozdravem|"
    r"с уважением|спасибо|atenciosamente|abraços|obrigado|obrigada|üdvözlettel|saygılarımla|"
    r"ystävällisin terveisin|terveisin|よろしくお願いします|よろしくお願いいたします|以上|此致|谢谢)"
    r"[ \t]*[,.!:;]*[ \t]*$",
    re.IGNORECASE,
)


def _normalize(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.translate(_INVISIBLE).rstrip() for line in text.split("\n")]
    return lines[:MAX_LINES]


def _is_quoted(line: str) -> bool:
    return bool(_QUOTED.match(line))


def _header_block_at(lines: list[str], i: int) -> bool:
    """True when an Outlook-style header block (From/Sent/To/Subject in any order) starts at i."""
    if not _HEADER_LINE.match(lines[i]):
        return False
    keys: set[str] = set()
    has_from = False
    for line in lines[i : i + 8]:
        match = _HEADER_LINE.match(line)
        if match:
            keys.add(match.group("key").lower())
            has_from = has_from or bool(_FROM_LINE.match(line))
        elif not line.strip() and len(keys) >= 3:
            break
    return has_from and len(keys) >= 3


def _attribution_at(lines: list[str], i: int) -> tuple[int, bool]:
    """(number of lines, strong) of an attribution line starting at i, or (0, False)."""
    first = lines[i]
    if not first.strip() or len(first) > MAX_LINE_FOR_PATTERNS or _is_quoted(first):
        return 0, False
    window: list[str] = []
    for k in range(3):
        j = i + k
        if j >= len(lines) or not lines[j].strip() or _is_quoted(lines[j]):
            break
        line = lines[j].strip()
        if window and window[-1].endswith("="):  # a quoted-printable soft break left in the text
            window[-1] = window[-1][:-1] + line
        else:
            window.append(line)
        joined = " ".join(window)
        if len(joined) > 400:
            break
        if not joined.endswith((":", "：")):
            continue
        if (
            _ATTRIBUTION_VERB.search(joined)
            and _HAS_DATE_OR_ADDRESS.search(joined)
            and (_ATTRIBUTION_START.match(joined) or k > 0 or len(joined) < 200)
        ):
            return k + 1, True
        if _WEAK_ATTRIBUTION.match(joined):
            return k + 1, False
    return 0, False


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for j in range(start, min(len(lines), start + 12)):
        if lines[j].strip():
            return j
    return None


def _back_over_rules(lines: list[str], cut: int) -> int:
    j = cut
    while j > 0 and (
        not lines[j - 1].strip() or _RULE.match(lines[j - 1]) or _UNDERSCORES.match(lines[j - 1])
    ):
        j -= 1
    # Only the rule directly above the history belongs to it; keep the reply's own blank lines.
    return j if j < cut else cut


def split_history(text: str) -> tuple[list[str], int]:
    """The reply's lines (quotes and attributions removed) and the index where history was cut."""
    lines = _normalize(text)
    cut = len(lines)
    dropped: set[int] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or _is_quoted(line):
            i += 1
            continue
        if len(line) <= MAX_LINE_FOR_PATTERNS:
            # Cheap tests first: every marker needs a colon, a rule or a known phrase.
            has_colon = ":" in line or "：" in line
            if (has_colon or _RULE_CHARS.search(line) or "processed by" in line) and (
                _SEPARATOR.match(line) or _FORWARD_INTRO.match(line)
            ):
                cut = _back_over_rules(lines, i)
                break
            if has_colon and _header_block_at(lines, i):
                cut = _back_over_rules(lines, i)
                break
            ends = any(other.endswith((":", "：", "=")) for other in lines[i : i + 3])
            size, strong = _attribution_at(lines, i) if ends else (0, False)
            if size:
                # A later line of the same window may be the real start ("On this day\nOn Mon ... wrote:").
                later = 0
                if size > 1 and not _HAS_DATE_OR_ADDRESS.search(line):
                    later, _ = _attribution_at(lines, i + 1)
                if later and i + 1 + later == i + size:
                    i += 1
                    continue
                nxt = _next_nonblank(lines, i + size)
                if nxt is None or _is_quoted(lines[nxt]):
                    dropped.update(range(i, i + size))
                    i += size
                    continue
                if strong:
                    cut = i
                    break
        i += 1
    kept: list[str] = []
    previous = ""
    for n, line in enumerate(lines[:cut]):
        quoted = _is_quoted(line) or (
            # A quoted line broken by a quoted-printable soft break continues without its ">".
            _is_quoted(previous) and previous.endswith("=") and bool(line.strip())
        )
        if n not in dropped and not quoted:
            kept.append(line)
        previous = line if not quoted or _is_quoted(line) else previous[:-1] + line
    return kept, cut
    return kept, cut


def _strip_signature(lines: list[str], sender_name: str) -> list[str]:
    changed = True
    while changed and lines:
        changed = False
        lines = _trim(lines)
        n = len(lines)
        for i, line in enumerate(lines):
            if len(line) > MAX_LINE_FOR_PATTERNS:
                continue
            if _SIG_DELIMITER.match(line) or _UNDERSCORES.match(line):
                lines, changed = lines[:i], True
                break
            if _DISCLAIMER.match(line) and i > 0:
                lines, changed = lines[:i], True
                break
            if _MOBILE.match(line) and sum(1 for rest in lines[i + 1 :] if rest.strip()) <= 2:
                lines, changed = lines[:i], True
                break
        if changed or not lines:
            continue
        n = len(lines)
        last = lines[-1]
        if _DASH_NAME.match(last) and n > 1:
            lines, changed = lines[:-1], True
            continue
        start = _closing_block_start(lines, sender_name)
        if start is not None and start > 0:
            lines, changed = lines[:start], True
    return _trim(lines)


def _closing_block_start(lines: list[str], sender_name: str) -> int | None:
    """Where a closing + name, a contact block under a rule, or a block naming the sender starts."""
    n = len(lines)
    nonblank_after = 0
    name_words = [w.lower() for w in re.findall(r"\w{3,}", sender_name or "")]
    best: int | None = None
    for i in range(n - 1, max(-1, n - 30), -1):
        line = lines[i].strip()
        if not line:
            continue
        if len(line) > 80:
            break
        if (
            _VALEDICTION.match(line)
            and 1 <= nonblank_after <= 6
            or _RULE.match(line)
            and 1 <= nonblank_after <= 25
            and i > 0
            or (
                name_words
                and nonblank_after <= 8
                and len(line) <= 50
                and (i == 0 or not lines[i - 1].strip())
                and any(w in line.lower() for w in name_words)
                and i > 0
                and best is None
            )
        ):
            best = i
        nonblank_after += 1
        if nonblank_after > 25:
            break
    if best is not None and not any(line.strip() for line in lines[:best]):
        return None
    return best


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    out: list[str] = []
    for line in lines[start:end]:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return out


def extract_reply(text: str, *, sender_name: str = "") -> str:
    """The new text of a reply; "" when the message is only history or only a signature."""
    if not text or not text.strip():
        return ""
    try:
        lines, _ = split_history(text)
        lines = [line for line in lines if not _EXTERNAL_BANNER.match(line)]
        lines = _strip_signature(lines, sender_name)
        return "\n".join(lines).strip()
    except RecursionError:  # pragma: no cover - the code is iterative; belt and braces
        return text.strip()
