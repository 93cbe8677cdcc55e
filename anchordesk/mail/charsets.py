"""Bytes to text for whatever charset a message claims, or fails to claim.

Real mail lies about its charset: "us-ascii" bodies with 8-bit bytes, "iso-8859-1"
bodies written in cp1252, GB2312 labels on GBK text, made-up names. Decoding never
fails here: the declared charset (through an alias table) is tried first, then UTF-8,
then a guess by charset-normalizer for text in a non-Latin script (Cyrillic, Greek,
Hebrew, Arabic, Thai, Chinese, Japanese, Korean), then cp1252, and latin-1 as the last
resort, which maps every byte.

Measured in bench/charset_guess_bench.py: the library guesses undeclared Cyrillic, Greek,
Hebrew and CJK text the hand-written chain turned into mojibake, but on short Western text
(a name, a subject with two accents) it often picks a Cyrillic or CJK codec, and it cannot
tell cp1252 from cp1250 reliably. So its guess is taken only for a non-Latin script and
only with enough 8-bit bytes to judge; Western text keeps the hand-written cp1252 default.
On the shared corpus (2,732 real emails) the guess ran 48 times, all on Latin text, changed no
decoded subject, name or body, and took 0.03 s in all.
"""

from __future__ import annotations

import binascii
import codecs
import re

from charset_normalizer import from_bytes

# Labels seen in real mail mapped to the Python codec that decodes what senders meant.
# Supersets are deliberate: GBK text is labelled GB2312, cp932 text Shift_JIS, and so on.
_ALIASES: dict[str, str] = {
    "us-ascii": "ascii",
    "ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "windows-1252": "cp1252",
    "x-user-defined": "cp1252",
    "unknown-8bit": "cp1252",
    "unknown": "cp1252",
    "x-unknown": "cp1252",
    "default": "cp1252",
    "iso-8859-8-i": "iso8859_8",
    "iso-8859-6-i": "iso8859_6",
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "hz-gb-2312": "hz",
    "big5": "big5hkscs",
    "big-5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-jp": "euc_jis_2004",
    "x-euc-jp": "euc_jis_2004",
    "iso-2022-jp": "iso2022_jp_ext",
    "iso-2022-jp-1": "iso2022_jp_ext",
    "csiso2022jp": "iso2022_jp_ext",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "euc-kr": "cp949",
    "x-windows-949": "cp949",
    "unicode-1-1-utf-7": "utf-7",
    "x-unicode-2-0-utf-7": "utf-7",
    "utf7": "utf-7",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "x-utf-8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "iso-8859-11": "cp874",
    "koi8-r": "koi8_r",
    "koi8-u": "koi8_u",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
}

_CHARSET_CLEAN = re.compile(r"[^a-z0-9_.:\-]")
_codec_cache: dict[str, str | None] = {}


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a charset label, or None when the label means nothing known."""
    if not charset:
        return None
    label = _CHARSET_CLEAN.sub("", str(charset).strip().strip("\"'").lower())
    if label in _codec_cache:
        return _codec_cache[label]
    name: str | None = _ALIASES.get(label)
    if name is None and label:
        try:
            name = codecs.lookup(label).name
        except (LookupError, ValueError):
            name = None
        # Binary-to-binary codecs (base64, zlib, ...) are not charsets.
        if name is not None:
            try:
                codecs.decode(b"a", name)
            except Exception:
                name = None
    if len(_codec_cache) < 512:
        _codec_cache[label] = name
    return name


# The candidates charset-normalizer weighs: what undeclared mail is written in. Latin codecs are
# in the list so Latin text is claimed by one of them (and then decoded as cp1252) rather than
# by the nearest non-Latin codec; fewer candidates also make the guess faster.
_GUESS_CANDIDATES = [
    "cp1252", "cp1250", "cp1254", "cp1257", "cp1258", "iso8859_2", "iso8859_9", "iso8859_13", "iso8859_15",
    "cp1251", "koi8_r", "koi8_u", "cp866", "mac_cyrillic", "iso8859_5",
    "cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256", "cp874",
    "cp932", "euc_jis_2004", "iso2022_jp", "gb18030", "big5", "cp949",
]  # fmt: skip
_SCRIPT_CODECS = frozenset(_GUESS_CANDIDATES[9:])
# Below this many 8-bit bytes a guess is a coin toss: of 1,521 two-word Western phrases ("Noël
# Núñez") 100 went Cyrillic or CJK with no threshold, 10 at 4 bytes, none at 6; 8 keeps a margin.
_GUESS_MIN_HIGH_BYTES = 8
# The guess reads at most this much: 1 MB of undeclared Latin text took 67 ms whole, 10 ms so.
_GUESS_SAMPLE = 64 * 1024
_HIGH_BYTES = bytes(range(128, 256))


def guess_script_charset(data: bytes) -> str | None:
    """The codec of undeclared non-Latin text (Cyrillic, Greek, Hebrew, Arabic, Thai, CJK), or None.

    None for Latin text, for too few 8-bit bytes to judge, and for bytes in no candidate codec.
    """
    sample = data[:_GUESS_SAMPLE]
    if len(data) > _GUESS_SAMPLE and (cut := sample.rfind(b"\n")) > 0:
        sample = sample[:cut]  # end on a line, not inside a multi-byte character
    if len(sample) - len(sample.translate(None, _HIGH_BYTES)) < _GUESS_MIN_HIGH_BYTES:
        return None
    best = from_bytes(sample, cp_isolation=_GUESS_CANDIDATES).best()
    if best is None or best.encoding not in _SCRIPT_CODECS:
        return None
    return str(best.encoding)


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode bytes in the declared charset, falling back sensibly; never raises."""
    if not data:
        return ""
    codec = codec_for(charset)
    if codec is not None:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec is not None and codec not in ("ascii", "cp1252"):
        # A multi-byte charset with a few bad bytes: keep the rest of its characters.
        try:
            text = data.decode(codec, errors="replace")
            if text.count("\ufffd") * 20 < len(text):
                return text
        except (LookupError, ValueError):
            pass
    guessed = guess_script_charset(data)
    if guessed is not None:
        try:
            return data.decode(guessed)
        except (UnicodeDecodeError, LookupError, ValueError):
            pass  # the guess came from the sample; a later byte proved it wrong
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_SURROGATE = re.compile("[\udc80-\udcff]")


def surrogates_to_text(value: str) -> str:
    """Headers with raw 8-bit bytes reach us as surrogate escapes: decode those bytes too."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    return decode_bytes(value.encode("utf-8", "surrogateescape"))


_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)[ \t\r\n]+(?==\?)")


def _word_bytes(kind: str, payload: str) -> bytes:
    if kind in "bB":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        cleaned = cleaned[: len(cleaned) - len(cleaned) % 4] if len(cleaned) % 4 == 1 else cleaned
        cleaned += "=" * (-len(cleaned) % 4)
        try:
            return binascii.a2b_base64(cleaned)
        except (binascii.Error, ValueError):
            return payload.encode("ascii", "replace")
    try:
        return binascii.a2b_qp(payload.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return payload.encode("ascii", "replace")


def decode_header_value(value: object) -> str:
    """An RFC 2047 header value (encoded words in any charset, or raw 8-bit) as text.

    Words are decoded one by one, so one bad word (wrong charset, broken base64) does
    not spoil the rest; adjacent words in one charset are joined before decoding,
    because senders split multi-byte characters across words.
    """
    if value is None:
        return ""
    text = surrogates_to_text(str(value))
    if "=?" not in text:
        return _unfold(text)
    text = _BETWEEN_WORDS.sub(r"\1", text)
    out: list[str] = []
    pending: bytearray = bytearray()
    pending_charset = ""
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            out.append(decode_bytes(bytes(pending), pending_charset))
        pending = bytearray()
        pending_charset = ""

    for match in _ENCODED_WORD.finditer(text):
        if match.start() > pos:
            flush()
            out.append(text[pos : match.start()])
        charset = match.group(1).split("*", 1)[0].lower()
        if pending and charset != pending_charset:
            flush()
        pending_charset = charset
        pending += _word_bytes(match.group(2), match.group(3))
        pos = match.end()
    flush()
    out.append(text[pos:])
    return _unfold("".join(out))


def _unfold(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: str) -> str:
    """The text with the code points databases refuse replaced by U+FFFD: NUL (PostgreSQL text
    and jsonb) and lone surrogates (not encodable as UTF-8). Linear; the same object when clean."""
    if "\x00" not in value:
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            pass
    return _UNSTORABLE.sub("\ufffd", value)
