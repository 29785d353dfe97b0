"""Pinyin keys for names: the order people look names up in, and what they type to find one.

`pypinyin` adds about 57 MB to a process when imported, so it is imported inside
`name_keys()` only: a process that never writes a name never loads it. The keys are stored on
the volunteer where the name is written, never computed per request.
"""

import re

# Characters read differently as a surname than in other words (曾 is ceng in 曾经, zeng as a
# name). pypinyin 0.55 has no surname mode, so the first character (or compound surname) is
# read from this table; the rest of the name goes to pypinyin.
COMPOUND_SURNAMES = {
    "尉迟": ["yu", "chi"],
    "万俟": ["mo", "qi"],
    "长孙": ["zhang", "sun"],
    "单于": ["chan", "yu"],
    "澹台": ["tan", "tai"],
    "令狐": ["ling", "hu"],
}
SURNAMES = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "查": "zha",
    "朴": "piao",
    "区": "ou",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "覃": "qin",
    "种": "chong",
    "召": "shao",
    "秘": "bi",
    "宿": "su",
    "繁": "po",
    "员": "yun",
    "隗": "wei",
    "尉": "wei",
    "柏": "bai",
    "薄": "bo",
    "卜": "bu",
    "长": "chang",
    "重": "chong",
    "都": "du",
    "费": "fei",
    "葛": "ge",
    "华": "hua",
    "纪": "ji",
    "句": "gou",
    "阚": "kan",
    "牟": "mu",
    "逄": "pang",
    "任": "ren",
    "沈": "shen",
    "石": "shi",
    "折": "she",
    "莘": "shen",
    "燕": "yan",
    "应": "ying",
    "臧": "zang",
    "祭": "zhai",
    "过": "guo",
    "洗": "xian",
    "冼": "xian",
    "能": "nai",
    "相": "xiang",
    "贲": "ben",
    "眭": "sui",
}

_NOT_LETTERS = re.compile(r"[^a-z0-9]+")


def _surname(name: str) -> tuple[list[str], str]:
    """The surname's syllables and the rest of the name."""
    if name[:2] in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[name[:2]], name[2:]
    if name[:1] in SURNAMES:
        return [SURNAMES[name[:1]]], name[1:]
    return [], name


def syllables(name: str) -> list[str]:
    """王秀英 → ["wang", "xiu", "ying"]; 曾小贤 → ["zeng", "xiao", "xian"]; Anna Li → ["anna", "li"]."""
    from pypinyin import Style, lazy_pinyin  # 57 MB: loaded only where a name is written

    name = (name or "").strip()
    head, rest = _surname(name)
    words = head + lazy_pinyin(rest, style=Style.NORMAL, errors="default", v_to_u=False)
    out = []
    for word in words:
        # Latin letters and digits pass through pypinyin as runs ("Anna Li"); split them on
        # anything that is not a letter or digit, and drop punctuation (·, spaces).
        out.extend(part for part in _NOT_LETTERS.split(word.lower()) if part)
    return out


def name_keys(name: str) -> tuple[str, str]:
    """(sort key, initials): ("wang xiu ying", "wxy").

    The sort key keeps a space between syllables, so that 李明 (li ming) comes before
    连 (lian), as in a dictionary; a search for the full pinyin typed without spaces
    compares against it with the spaces taken out.
    """
    words = syllables(name)
    return " ".join(words)[:150], "".join(word[0] for word in words)[:50]


def search_terms(text: str) -> str:
    """What someone typed, as the stored keys are written: lower case, letters only."""
    return _NOT_LETTERS.sub("", (text or "").lower())
