"""The Chinese catalogues keep the mechanical rules of locale/GLOSSARY.md.

A string added with 你, 电话号码, 代码 for a code, 登入, or ASCII punctuation inside a Chinese
sentence fails here, in our own catalogue and in the overrides of Django's and allauth's words.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CATALOGUES = [
    BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    BASE / "locale_overrides" / "zh_Hans" / "LC_MESSAGES" / "django.po",
]

CJK = "[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]"
# A Chinese character (or full-width sign), then ASCII punctuation; or ASCII punctuation that
# opens onto one. A colon or full stop before Chinese is left alone: "9:00" and ".xlsx".
ASCII_PUNCTUATION = re.compile(rf"{CJK}\s*[,:;?!(]|[,;?!)]\s*{CJK}")
# Words the glossary puts aside, each with the word to write instead.
WRONG_WORDS = {
    "你": "您",
    "电话号码": "手机号",
    "代码": "验证码 (or 标识 for a short name)",
    "请求码": "获取验证码",
    "登入": "登录",
    "登陆": "登录",
    "登出": "退出登录",
    "帐号": "账号",
    "工时": "服务时长",
}


def problems(text: str) -> list[str]:
    found = [f"{word} (write {better})" for word, better in WRONG_WORDS.items() if word in text]
    found += [f"ASCII punctuation in {match.group()!r}" for match in ASCII_PUNCTUATION.finditer(text)]
    return found


def translations(path: Path):
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                yield entry.msgid, text


@pytest.mark.parametrize("path", CATALOGUES, ids=["ours", "overrides"])
def test_the_catalogue_keeps_the_glossary(path):
    broken = [(msgid, text, problems(text)) for msgid, text in translations(path) if problems(text)]
    assert broken == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("您已报名。", []),
        ("你已报名。", ["你 (write 您)"]),
        ("请输入电话号码。", ["电话号码 (write 手机号)"]),
        ("紧急联系人电话", []),
        ("错误代码。", ["代码 (write 验证码 (or 标识 for a short name))"]),
        ("时间: 09:00", ["ASCII punctuation in '间:'"]),
        ("开始 09:00，结束 12:00", []),
        ("已保存,请刷新", ["ASCII punctuation in '存,'"]),
        ("确定吗?", ["ASCII punctuation in '吗?'"]),
        ("名册文件(.xlsx)", ["ASCII punctuation in '件('"]),
        ("名册文件（.xlsx）", []),
        ("Excel 文件已损坏，请另存为 .xlsx 格式。", []),
        ('"id" 必须是文本。', []),
    ],
)
def test_the_rules_catch_what_they_name(text, expected):
    assert problems(text) == expected
