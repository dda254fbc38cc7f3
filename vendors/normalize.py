"""The search key of Japanese (and English) company names: one spelling for every way a
person may type the same name, so that ｱﾌﾀｰｺｰﾙ, あふたーこーる and （株）アフターコール all
find アフターコール株式会社. Pure functions, no database.

The steps, in order:
1. NFKC: half-width katakana become full-width (ｶﾞ → ガ), full-width letters and digits
   become ASCII, ㈱ and （株） become (株);
2. lower case;
3. hiragana folded to katakana (あ → ア);
4. legal-form words dropped: 株式会社, (株), カブシキガイシャ, 有限会社, 合同会社, 一般社団法人,
   Co., Ltd., Inc., K.K., LLC and the like, wherever they stand;
5. small kana folded to their full size (ッ → ツ, ャ → ヤ), so "キャノン" finds "キヤノン";
6. long-vowel marks, hyphens and dashes, spaces and punctuation dropped, so
   "アフタ-コール", "アフターコール" and "アフタコール" are one key, and 1234-5678-9012-3 is
   1234567890123.
"""

import re
import unicodedata

# Longest first, so that 医療法人社団 goes before 医療法人 and カブシキガイシャ whole.
_LEGAL_FORMS_JA = sorted(
    [
        "株式会社",
        "有限会社",
        "合同会社",
        "合資会社",
        "合名会社",
        "相互会社",
        "一般社団法人",
        "一般財団法人",
        "公益社団法人",
        "公益財団法人",
        "特定非営利活動法人",
        "npo法人",
        "医療法人社団",
        "医療法人財団",
        "医療法人",
        "社会福祉法人",
        "学校法人",
        "宗教法人",
        "地方独立行政法人",
        "独立行政法人",
        "国立大学法人",
        "(株)",
        "(有)",
        "(同)",
        "(資)",
        "(名)",
        "(社)",
        "(財)",
        "(医)",
        "(福)",
        "(学)",
        "(特非)",
        "(独)",
        # Readings (after hiragana → katakana), and the banks' abbreviations.
        "カブシキガイシャ",
        "カブシキカイシャ",
        "ユウゲンガイシャ",
        "ユウゲンカイシャ",
        "ゴウドウガイシャ",
        "ゴウドウカイシャ",
        "ゴウシガイシャ",
        "ゴウメイガイシャ",
        "イッパンシャダンホウジン",
        "イッパンザイダンホウジン",
        "(カ)",
        "(ユ)",
        "(ド)",
    ],
    key=len,
    reverse=True,
)
_LEGAL_JA = re.compile("|".join(re.escape(form) for form in _LEGAL_FORMS_JA))
# English forms as whole words (a Japanese letter next to them is a word character too).
_LEGAL_EN = re.compile(
    r"(?<![0-9a-z])(?:co\.?\s*,?\s*ltd\.?|company\s+limited|corporation|corp\.?|incorporated"
    r"|inc\.?|k\.\s?k\.?|kk|ltd\.?|limited|llc|l\.l\.c\.?|g\.k\.?|gk|co\.)(?![0-9a-z])"
)
_HIRAGANA = {code: code + 0x60 for code in range(0x3041, 0x3097)} | {0x309D: 0x30FD, 0x309E: 0x30FE}
_SMALL_KANA = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
# Long-vowel marks, hyphens and dashes, spaces, and punctuation a name may carry.
_DROPPED = re.compile(r"[%\\\s\-‐‑‒–—―−ー─━~〜～・･.,、。'’\"“”()\[\]「」『』【】&＆/+_!?:;|]")
SEPARATOR = "|"  # between the fields of one vendor's key; never inside a normalised part


def normalize(text: str) -> str:
    """The search key of one text (a name, a reading, a corporate number, a query)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower().translate(_HIRAGANA)
    text = _LEGAL_EN.sub(" ", _LEGAL_JA.sub(" ", text))
    return _DROPPED.sub("", text.translate(_SMALL_KANA))


def search_key(*texts: str) -> str:
    """The key of a vendor: its normalised texts, each once, between separators, so that
    a query never matches across two fields."""
    parts = []
    for text in texts:
        part = normalize(text)
        if part and part not in parts:
            parts.append(part)
    return SEPARATOR + SEPARATOR.join(parts) + SEPARATOR if parts else ""
