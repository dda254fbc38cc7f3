"""References to standards and laws, written one way per language.

The checklist stores them language-neutral: ISO/IEC 27001 Annex A controls as "5.1",
APPI articles as "Art. 23" (an admin typing 第23条 gets the same). Pages and PDFs show
controls as A.5.1 and articles as 第23条 in Japanese, Art. 23 in English."""

import re
import unicodedata

from django.utils.translation import get_language

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
# Art. 23, Art. 7(iv), Art. 26(1), Article 23, 23
_ARTICLE = re.compile(r"^(?:art(?:icle)?\.?\s*)?(\d+)(?:\s*\((\w+)\))?$", re.IGNORECASE)
# 第23条, 第7条第4号, 法第26条第1項, 23条
_ARTICLE_JA = re.compile(r"^法?第?(\d+)条(?:第(\d+)([項号]))?$")


def _japanese(language=None) -> bool:
    return (language or get_language() or "ja").startswith("ja")


def parse_article(text: str):
    """(article, paragraph or item number, "項" or "号") of an APPI reference, or None."""
    text = unicodedata.normalize("NFKC", text).strip()
    match = _ARTICLE.match(text)
    if match:
        article, sub = match.groups()
        if sub is None:
            return int(article), None, None
        if sub.isdigit():
            return int(article), int(sub), "項"
        if sub.lower() in ROMAN:
            return int(article), ROMAN[sub.lower()], "号"
        return None
    match = _ARTICLE_JA.match(text)
    if match:
        article, sub, kind = match.groups()
        return int(article), int(sub) if sub else None, kind
    return None


def canonical_article(text: str) -> str:
    """What the checklist stores: "Art. 23", "Art. 7(iv)", "Art. 26(1)"."""
    parsed = parse_article(text)
    if parsed is None:
        return text.strip()
    article, sub, kind = parsed
    if sub is None:
        return f"Art. {article}"
    if kind == "号":
        roman = {v: k for k, v in ROMAN.items()}.get(sub, str(sub))
        return f"Art. {article}({roman})"
    return f"Art. {article}({sub})"


def article(text: str, language=None) -> str:
    """One APPI reference as the language writes it: 第23条 / Art. 23."""
    parsed = parse_article(text)
    if parsed is None:
        return text
    number, sub, kind = parsed
    if _japanese(language):
        return f"第{number}条" + (f"第{sub}{kind}" if sub else "")
    return canonical_article(text)


def control(ref: str) -> str:
    """An ISO/IEC 27001:2022 Annex A control, always as A.5.1."""
    ref = ref.strip()
    return ref if ref[:2].upper() == "A." else f"A.{ref}"


def join(refs, language=None) -> str:
    return ("、" if _japanese(language) else ", ").join(refs)


def articles(refs, language=None) -> str:
    return join([article(r, language) for r in refs], language)


def controls(refs, language=None) -> str:
    return join([control(r) for r in refs], language)
