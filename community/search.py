"""Chinese text for PostgreSQL full-text search: segmentation with jieba, and highlighting.

PostgreSQL's parser cannot split Chinese into words, so the portal does it:
documents are stored as space-separated words (``segment_document``) and
indexed with the ``simple`` configuration; queries are split the same way
(``query_words``). Both use the same dictionary with HMM off, so that a word
is cut identically wherever it appears. Only core PostgreSQL features are
used (no pg_trgm, no zhparser), so the embedded server behaves like production.
"""

import html
import logging
import re
import threading

from django.utils.html import escape
from django.utils.safestring import mark_safe

SEARCH_CONFIG = "simple"
MAX_QUERY_WORDS = 12

# Words of this community that jieba's general dictionary does not know.
# Changing this list changes how text is cut: run `manage.py reindex_articles` after.
COMMUNITY_WORDS = [
    "微心愿",
    "心愿墙",
    "红哨子",
    "吹哨报到",
    "邻里节",
    "千家宴",
    "垃圾分类",
    "网格员",
    "光荣榜",
    "适老化",
    "共建单位",
    "便民服务圈",
    "志愿服务队",
    "红马甲",
    "红袖章",
    "谈心室",
    "调解室",
    "爱心互助日",
    "主题党日",
    "楼道清理",
    "化粪池",
    "背街小巷",
]

# Words too common to search for on their own.
STOP_WORDS = {"的", "了", "和", "与", "及", "在", "是", "我", "你", "他", "她", "也", "就", "都", "而", "或"}
_WORD_RE = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
# A query word must be letters, digits or Chinese only: it goes into a tsquery.
_QUERY_WORD_RE = re.compile(r"^[\w\u3400-\u9fff]+$", re.UNICODE)

_lock = threading.Lock()
_tokenizer = None


def _jieba():
    """The jieba tokenizer, initialised once per process (about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in COMMUNITY_WORDS:
                    tokenizer.add_word(word, freq=20000)
                _tokenizer = tokenizer
    return _tokenizer


def _is_word(token: str) -> bool:
    return bool(_WORD_RE.search(token))


def segment_document(*texts: str) -> str:
    """Space-separated words of a document, fine and coarse (垃圾 分类 垃圾分类), for indexing."""
    tokenizer = _jieba()
    words = []
    for text in texts:
        if text:
            words.extend(token.lower() for token in tokenizer.cut_for_search(text, HMM=False) if _is_word(token))
    return " ".join(words)


def query_words(query: str) -> list[str]:
    """The words of a search query, cut as documents are, without duplicates or stop words."""
    query = (query or "")[:200]
    words = []
    for token in _jieba().cut(query, HMM=False):
        token = token.strip().lower()
        if _QUERY_WORD_RE.match(token) and token not in STOP_WORDS and token not in words:
            words.append(token)
    return words[:MAX_QUERY_WORDS]


def tsquery_text(words: list[str]) -> str:
    """The words joined for ``plainto_tsquery('simple', …)``, which requires all of them."""
    return " ".join(words)


def highlight(text: str, words: list[str], *, length: int = 120) -> str:
    """An escaped snippet of ``text`` around the first match, with every match in <mark>."""
    text = html.unescape(text or "")
    if not words:
        return escape(text[:length])
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - length // 4)
    snippet = text[start : start + length]
    parts, position = [], 0
    for match in pattern.finditer(snippet):
        parts.append(escape(snippet[position : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    parts.append(escape(snippet[position:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308 (every part is escaped above)
