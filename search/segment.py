"""Chinese word segmentation for the site-group search, the same for indexed text and for queries.

SQLite FTS5 and PostgreSQL's parsers split text on spaces and punctuation only, so a run of Han
characters such as 住房公积金提取业务 is one single "word" to them and 公积金 is never found inside
it. jieba cuts the run into words (住房/公积金/提取/业务); `terms()` then also emits every other
dictionary word in the text, inside a longer word (住房公积金 → 住房, 公积金) or across two of
jieba's words, so any word a query is cut into is among the terms of a text that contains it. The
database then only matches whole space-separated words, which both backends do well.

A custom dictionary from the database (unit names and short names, live service item titles,
synonym words) teaches jieba the government's own words (蓝村镇 is one word, not 蓝/村镇), maps
pinyin to words (gongjijin → 公积金) and expands queries with the synonyms editors maintain. It is
rebuilt when those rows change: the signals in search/signals.py bump a version in the shared
cache, and every process compares that version before it segments anything.

jieba needs about a second to load its dictionary, so it is loaded once per process on first use,
with its cache file in VAR_DIR and its start-up chatter silenced.
"""

import logging
import re
import threading
import unicodedata
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

VERSION_CACHE_KEY = "search:dictionary:version"
# Longer queries are cut: nobody types more, and every extra word costs the database a lookup.
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 12

# A word is a run of letters, digits and Han characters; punctuation, symbols and emoji are dropped.
WORD = re.compile(r"[^\W_]+")
HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
ASCII_LETTERS = re.compile(r"^[a-z]+$")
# jieba only keeps a user word whole if it consists of these characters (its re_han_default).
JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")
# Query words that carry no meaning for matching; dropped unless nothing else is left.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 是 在 之 等 吗 呢 啊 吧 呀 么 我 我们 你 您 他 她 它 要 想 我要 我想 请问 请 "
    "怎么 怎样 如何 怎么样 哪里 哪儿 在哪 什么 哪些 哪个 多少 能否 可以 能 会 有 没有 去 到 把 被 "
    "这 那 这个 那个 一下 一个 个".split()
)


@dataclass
class Dictionary:
    """The custom dictionary as loaded from the database."""

    # Custom words given to jieba.
    words: frozenset = frozenset()
    # word → the other words of its synonym groups.
    synonyms: dict = field(default_factory=dict)
    # pinyin without tones → Chinese words ("gongjijin" → ("公积金",)).
    pinyin: dict = field(default_factory=dict)
    # Chinese word → its pinyin, for every word of the pinyin table.
    word_pinyin: dict = field(default_factory=dict)


_lock = threading.RLock()
_state = {
    "tokenizer": None,
    "dictionary": None,
    "version": None,
    "added": {},  # custom word → jieba's own frequency before we added it (0 when unknown)
    "pinned": 0,
}


# --- jieba ------------------------------------------------------------------------------------


def _tokenizer():
    tokenizer = _state["tokenizer"]
    if tokenizer is not None:
        return tokenizer
    with _lock:
        if _state["tokenizer"] is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            var_dir = getattr(settings, "VAR_DIR", None)
            if var_dir:
                try:
                    var_dir.mkdir(parents=True, exist_ok=True)
                    tokenizer.tmp_dir = str(var_dir)
                except OSError:  # read-only VAR_DIR: jieba falls back to the system temp directory
                    pass
            tokenizer.initialize()
            _state["tokenizer"] = tokenizer
        return _state["tokenizer"]


def normalise(text):
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", str(text or "")).lower()


def _is_number(token):
    return token.isascii() and token.isdigit()


def _pieces(tokenizer, text):
    """jieba's words of a query reduced to their letters, digits and Han characters; a number
    and the single character after it are one word (12路, 3号, 2026年), as `_index_words` indexes
    them, so "12路公交" does not match every text with a 12 and a 路 in it."""
    tokens = list(tokenizer.cut(text, HMM=True))
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if _is_number(token) and len(following) == 1 and HAN.match(following):
            yield token + following
            index += 2
            continue
        yield from WORD.findall(token)
        index += 1


def _dictionary_words(tokenizer, text):
    """(start, end, word) for every dictionary word of two or more characters anywhere in `text`,
    overlapping ones included: jieba's word graph (DAG) of the text."""
    found = []
    for start, ends in tokenizer.get_DAG(text).items():
        for last in ends:
            if last > start:
                word = text[start : last + 1]
                if WORD.fullmatch(word):
                    found.append((start, last + 1, word))
    return found


def _index_words(tokenizer, text):
    """jieba's words of `text`, then every other dictionary word in it: inside a longer word
    (住房公积金 → 公积金) or across two of jieba's words (一年/级新生 still holds 一年级), so a
    query word that occurs in the text is always one of its terms."""
    words, spans, position, previous = [], set(), 0, ""
    for token in tokenizer.cut(text, HMM=True):
        start, position = position, position + len(token)
        if WORD.fullmatch(token):
            words.append(token)
            spans.add((start, position))
            if _is_number(previous) and HAN.match(token[0]):
                words.append(previous + token[0])  # 12路, 2026年 (also from 2026年度)
        else:
            words += WORD.findall(token)
        previous = token
    words += [word for start, end, word in _dictionary_words(tokenizer, text) if (start, end) not in spans]
    return words


@lru_cache(maxsize=50000)
def _pinyin_of(word):
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word))


# --- The custom dictionary ----------------------------------------------------------------------


def _dictionary_rows():
    """The words the database knows: unit names, live public service item titles, synonym groups."""
    from home.models import Organisation
    from search.models import Synonym
    from services.models import ServiceItemPage

    words = []
    for name, short_name in Organisation.objects.values_list("name", "short_name"):
        words += [name, short_name]
    words += list(ServiceItemPage.objects.live().public().values_list("title", flat=True))
    groups = [synonym.word_list() for synonym in Synonym.objects.filter(enabled=True)]
    for group in groups:
        words += group
    return words, groups


def _clean_word(word):
    word = normalise(word).strip()
    return word if 2 <= len(word) <= 40 and WORD.search(word) else ""


def _build_dictionary():
    tokenizer = _tokenizer()
    raw_words, groups = _dictionary_rows()
    words = {word for word in map(_clean_word, raw_words) if word}
    jieba_words = {word for word in words if JIEBA_WORD.match(word)}

    # Give jieba the new set: restore what it knew before for words no longer wanted, add the rest.
    added = _state["added"]
    for word in list(added):
        if word not in jieba_words:
            original = added.pop(word)
            current = tokenizer.FREQ.get(word, 0)
            tokenizer.FREQ[word] = original
            tokenizer.total += original - current
    for word in sorted(jieba_words - set(added), key=len):
        added[word] = tokenizer.FREQ.get(word, 0)
        tokenizer.add_word(word)

    synonyms = {}
    for group in groups:
        members = [word for word in dict.fromkeys(map(_clean_word, group)) if word]
        for word in members:
            synonyms.setdefault(word, set()).update(other for other in members if other != word)

    # Pinyin of every Chinese dictionary word and of the words inside it (住房公积金提取 gives
    # zhufang, gongjijin, tiqu …), so a pinyin query finds the Chinese word.
    pinyin, word_pinyin = {}, {}
    for word in words:
        candidates = ([word] if HAN.match(word) else []) + _index_words(tokenizer, word)
        for candidate in candidates:
            if len(candidate) < 2 or not HAN.match(candidate) or candidate in word_pinyin:
                continue
            key = _pinyin_of(candidate)
            word_pinyin[candidate] = key
            pinyin.setdefault(key, []).append(candidate)

    return Dictionary(
        words=frozenset(words),
        synonyms={word: tuple(sorted(others)) for word, others in synonyms.items()},
        pinyin={key: tuple(values) for key, values in pinyin.items()},
        word_pinyin=word_pinyin,
    )


def _current_version():
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        cache.add(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_CACHE_KEY)
    # A cache that stores nothing (DummyCache): reload only when this process is told to.
    return version or "uncached"


def load_dictionary():
    """The custom dictionary, loaded into jieba; reloaded whenever another process (or this one)
    changed a unit, a service item title or a synonym since it was loaded."""
    with _lock:
        dictionary = _state["dictionary"]
        if dictionary is not None and _state["pinned"]:
            return dictionary
        version = _current_version()
        if dictionary is None or version != _state["version"]:
            dictionary = _build_dictionary()
            _state["dictionary"], _state["version"] = dictionary, version
        return dictionary


def invalidate_dictionary():
    """The words changed: every process reloads on its next use (this one at once)."""
    cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _state["dictionary"] = None


@contextmanager
def pinned():
    """Keep the loaded dictionary without checking the shared version (a rebuild segments
    thousands of documents; one cache round trip each would be wasted)."""
    load_dictionary()
    with _lock:
        _state["pinned"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["pinned"] -= 1


# --- Text and queries ---------------------------------------------------------------------------


def terms(text, dictionary=None):
    """The words of `text` for the index: jieba's words and every other dictionary word in the text
    (a superset of jieba's search mode), lower-cased, punctuation dropped, then the pinyin of
    every dictionary word found."""
    text = normalise(text)
    if not WORD.search(text):
        return []
    dictionary = dictionary or load_dictionary()
    tokenizer = _tokenizer()
    words = _index_words(tokenizer, text)
    pinyin = [dictionary.word_pinyin[word] for word in dict.fromkeys(words) if word in dictionary.word_pinyin]
    return words + pinyin


def query_words(query):
    """The words of a query (jieba's words, stop words dropped), at most MAX_QUERY_WORDS."""
    text = normalise(query)[:MAX_QUERY_CHARS]
    if not WORD.search(text):
        return []
    dictionary = load_dictionary()
    # "gong ji jin" is typed pinyin with spaces: read it as one word when that is a known word.
    compact = re.sub(r"\s+", "", text)
    if compact != text.strip() and ASCII_LETTERS.match(compact) and compact in dictionary.pinyin:
        text = compact
    words = list(dict.fromkeys(_pieces(_tokenizer(), text)))
    meaningful = [word for word in words if word not in STOPWORDS]
    return (meaningful or words)[:MAX_QUERY_WORDS]


def query_groups(query):
    """The query as groups of alternatives: a document must match every group (or, as a
    fallback, any group); within a group any alternative will do, and an alternative is a tuple
    of words that must all occur (a synonym jieba splits into several words).

    "公积金 提取" → [[("公积金",), ("住房公积金",)], [("提取",)]] when 公积金 = 住房公积金 is a synonym
    group; "gongjijin" → [[("gongjijin",), ("公积金",), ("住房公积金",)]].
    """
    words = query_words(query)
    if not words:
        return []
    dictionary = load_dictionary()
    tokenizer = _tokenizer()
    groups = []
    for word in words:
        alternatives = [(word,)]
        related = list(dictionary.synonyms.get(word, ()))
        if ASCII_LETTERS.match(word):
            for chinese in dictionary.pinyin.get(word, ()):
                related += [chinese, *dictionary.synonyms.get(chinese, ())]
        for other in related:
            pieces = tuple(dict.fromkeys(_pieces(tokenizer, other)))
            if pieces:
                alternatives.append(pieces)
        groups.append(list(dict.fromkeys(alternatives)))
    return groups


def query_terms(query):
    """Every word a query looks for: its own words, their synonyms, and the Chinese words a
    pinyin query stands for (used to highlight matches too)."""
    found = []
    for group in query_groups(query):
        for alternative in group:
            found += alternative
    return list(dict.fromkeys(found))


def pinyin_of(text):
    """Pinyin without tones of the Han characters of `text` ("公基金" → "gongjijin")."""
    han = "".join(char for char in normalise(text) if HAN.match(char))
    return _pinyin_of(han) if han else ""


def is_new_word(word):
    """Whether jieba's own dictionary lacks `word`, i.e. adding or removing it as a custom word
    changes how texts containing it are cut (those documents need re-indexing)."""
    word = _clean_word(word)
    if not word or not JIEBA_WORD.match(word):
        return False
    with _lock:
        if word in _state["added"]:
            return not _state["added"][word]
        return not _tokenizer().FREQ.get(word)
