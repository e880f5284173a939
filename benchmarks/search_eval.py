"""Known-item search evaluation over SaudiNewsNet: how often a reader finds the article they remember.

    python -m benchmarks.search_eval                 # 5,000-article sample, about 300 queries per class
    python -m benchmarks.search_eval --full          # all 31,030 articles
    python -m benchmarks.search_eval --json out.json --systems haystack,lucene

Queries are 2-4 content words of an article's title, then respelled the ways readers respell them
(hamza, harakat, tatweel, ة/ه, ى/ي, clitics, foreign-name variants); the unchanged words are the control.
An answer counts when the article (or an article with the same title) is in the top 10 (Success@10);
MRR uses the first such rank up to 50 (0 beyond). The systems index the same documents (title + body):

  haystack  haystack 3.4's default Whoosh setup: ``WhooshSearchBackend.build_schema`` over a plain
            ``SearchIndex`` (English StemmingAnalyzer), haystack's ``AutoQuery`` cleaning, its QueryParser
            (AND of the words), Whoosh BM25F.
  lucene    Elasticsearch's ``arabic`` analyzer (Lucene ArabicAnalyzer, benchmarks/lucene_arabic.py) with
            BM25 (k1=1.2, b=0.75) and a ``match`` query (OR of the words), as Elasticsearch runs it.
  archive   this project: ``articles.search.query.run_search`` over an index built by its own backend
            (``rebuild_index``) from the same articles imported into a throwaway database.
  portable  (opt-in: ``--systems archive,portable``) the search page's path on other engines,
            ``articles.search.portable.run_search`` (haystack's SearchQuerySet), on the archive's index.
  opensearch (opt-in: ``--systems archive,opensearch``, with ``NEWSARCHIVE_BENCH_OPENSEARCH_URL=
            http://127.0.0.1:9250``, e.g. ``scripts/opensearch/cluster.sh start``) the same articles indexed
            by ``build_index`` into a real OpenSearch node (generated Arabic settings) and searched by
            ``run_search``, which takes the portable path there. Its index is deleted at the end.

The corpus is read in place from ``$NEWSARCHIVE_SHARED_DIR/data/saudinewsnet`` (never copied); every index and
the throwaway database live in a temporary directory removed at the end.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

from benchmarks import lucene_arabic

CUTOFF = 50  # ranks read per query (MRR is 0 when the article is not in the first CUTOFF)
SAMPLE_SIZE = 5000
QUERY_COUNT = 300
SEED = 20150721

ARABIC_WORD = re.compile(r"^[\u0621-\u064a]+$")
HARAKAT = "\u064e\u064f\u0650\u0652"  # fatha, damma, kasra, sukun
SHADDA = "\u0651"
TATWEEL = "\u0640"
# Letters that do not join to the next one: tatweel after them is not something a writer produces.
NON_JOINING = set("اأإآدذرزوؤةى")

# Foreign names and loanwords written more than one way in Arabic news (not hamza or ة/ى variants, which
# have their own classes). A title word matches a spelling with or without a leading clitic (و ال ب لل ...).
NAME_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("أستانا", "أستانة", "آستانة"),
    ("سوريا", "سورية"),
    ("أمريكا", "أميركا"),
    ("أمريكي", "أميركي"),
    ("أمريكية", "أميركية"),
    ("أمريكيين", "أميركيين"),
    ("أمريكيون", "أميركيون"),
    ("كونغرس", "كونجرس"),
    ("جوجل", "غوغل", "قوقل"),
    ("بنتاغون", "بنتاجون"),
    ("أوروبا", "أوربا"),
    ("أوروبي", "أوربي"),
    ("أوروبية", "أوربية"),
    ("ديمقراطية", "ديموقراطية"),
    ("ديمقراطي", "ديموقراطي"),
    ("إنترنت", "إنترنيت"),
    ("تكنولوجيا", "تكنولوجية"),
    ("موريتانيا", "موريتانية"),
    ("كمبيوتر", "كومبيوتر"),
    ("نتنياهو", "نتانياهو"),
    ("ترامب", "ترمب"),
    ("بوتين", "بوتن"),
    ("أولاند", "هولاند"),
    ("كاميرون", "كامرون"),
    ("واشنطن", "واشنطون"),
    ("إنستغرام", "إنستجرام", "انستقرام"),
    ("سامسونج", "سامسونغ"),
    ("مايكروسوفت", "ميكروسوفت"),
    ("يونسكو", "يونيسكو"),
    ("يونيسف", "يونسيف"),
    ("تشيلسي", "تشلسي"),
    ("يوفنتوس", "جوفنتوس"),
    ("مانشستر", "مانشيستر"),
    ("برشلونة", "برشلونا"),
    ("ماراثون", "ماراتون"),
    ("كازاخستان", "كازخستان"),
    ("أستراليا", "أوستراليا"),
    ("فيتنام", "فييتنام"),
    ("هولندا", "هولنده"),
    ("يوتيوب", "يوتوب"),
    ("ميركل", "ميركيل"),
    ("فيديو", "فيدیو"),
    ("جيجابايت", "غيغابايت"),
    ("تلفزيون", "تليفزيون"),
    ("تلفزيونية", "تليفزيونية"),
    ("بروتوكول", "بروتوكل"),
    ("كيلومتر", "كيلو متر"),
)
NAME_CLITICS = ("وبال", "وال", "بال", "لل", "ال", "و", "ب", "")
NAME_INDEX = {spelling: group for group in NAME_VARIANTS for spelling in group}
# Spellings that are also ordinary adjectives (سورية "Syrian", موريتانية "Mauritanian", تكنولوجية
# "technological"): a title word in this form is not necessarily the name, so it is never respelled.
# Only the unambiguous form is, and country names never take the article (السوريا is no spelling of Syria).
AMBIGUOUS_SPELLINGS = {"سورية", "موريتانية", "تكنولوجية"}
COUNTRY_NAMES = {"سوريا", "موريتانيا"}
STOP_NORMALIZED = {lucene_arabic.normalize(w) for w in lucene_arabic.STOPWORDS}


# --- corpus ------------------------------------------------------------------------------------------
@dataclass
class Doc:
    key: str  # "<file date>:<position>", stable across runs
    source: str
    url: str
    date: str
    title: str
    content: str
    title_key: str = ""


def corpus_dir() -> Path:
    shared = Path(os.environ.get("NEWSARCHIVE_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
    return shared / "data" / "saudinewsnet"


def load_corpus(directory: Path) -> list[Doc]:
    docs, seen_urls = [], set()
    for path in sorted(glob.glob(str(directory / "*.zip"))):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                for i, rec in enumerate(json.loads(archive.read(name))):
                    title, content, url = (rec.get("title") or "").strip(), rec.get("content") or "", rec.get("url")
                    if not title or not content.strip() or not url or url in seen_urls:
                        continue
                    seen_urls.add(url)
                    key = f"{Path(name).stem}:{i}"
                    docs.append(Doc(key, rec["source"], url, rec["date_extracted"], title, content))
    for doc in docs:
        doc.title_key = " ".join(lucene_arabic.normalize(w) for w in lucene_arabic.TOKEN_RE.findall(doc.title))
    return docs


def _rank_key(text: str) -> str:
    return hashlib.sha1(f"{SEED}:{text}".encode()).hexdigest()


def sample(docs: list[Doc], size: int | None) -> list[Doc]:
    """A fixed pseudo-random sample: the ``size`` documents with the smallest hash of their URL."""
    if size is None or size >= len(docs):
        return docs
    return sorted(docs, key=lambda d: _rank_key(d.url))[:size]


# --- queries -------------------------------------------------------------------------------------------
def content_words(title: str) -> list[str]:
    words = []
    for word in lucene_arabic.TOKEN_RE.findall(title):
        if ARABIC_WORD.match(word) and len(word) >= 3 and lucene_arabic.normalize(word) not in STOP_NORMALIZED:
            words.append(word)
    return words


@dataclass
class Query:
    target: str  # Doc.key
    words: list[str]
    variants: dict[str, str] = field(default_factory=dict)  # class -> query text


def _pick_words(rng: random.Random, words: list[str], must: int | None = None) -> list[str]:
    k = min(len(words), rng.choice((2, 3, 4)))
    positions = set(rng.sample(range(len(words)), k))
    if must is not None and must not in positions:
        positions.discard(rng.choice(sorted(positions)))
        positions.add(must)
    return [words[i] for i in sorted(positions)]


def _replace_first(words: list[str], test, change) -> list[str] | None:
    for i, word in enumerate(words):
        if test(word):
            return [*words[:i], change(word), *words[i + 1 :]]
    return None


def _hamza(words: list[str]) -> list[str] | None:
    # Readers drop the hamza seat (أ إ آ -> ا); a query without one gets a hamza written where there is none.
    if any(ch in w for w in words for ch in "أإآ"):
        return [re.sub("[أإآ]", "ا", w) for w in words]
    return _replace_first(words, lambda w: w.startswith("ا") and not w.startswith("ال"), lambda w: "أ" + w[1:])


def _diacritics(words: list[str]) -> list[str]:
    """A haraka after every other consonant, and a shadda on the second letter of the longest word."""
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    out = []
    for n, word in enumerate(words):
        marks = [HARAKAT[(i + n) % 4] if i % 2 == 0 and ch not in "اوي" else "" for i, ch in enumerate(word)]
        if n == longest and len(word) > 2:
            marks[1] = SHADDA + marks[1]
        out.append("".join(ch + mark for ch, mark in zip(word, marks, strict=True)))
    return out


def _tatweel(words: list[str]) -> list[str] | None:
    for i in sorted(range(len(words)), key=lambda i: -len(words[i])):
        w = words[i]
        for j in range(1, len(w) - 1):
            if w[j] not in NON_JOINING and w[j - 1] not in NON_JOINING:
                return [*words[:i], w[: j + 1] + TATWEEL * 2 + w[j + 1 :], *words[i + 1 :]]
    return None


def _teh_marbuta(words: list[str]) -> list[str] | None:
    changed = _replace_first(words, lambda w: w.endswith("ة"), lambda w: w[:-1] + "ه")
    return changed or _replace_first(words, lambda w: w.endswith("ه") and len(w) > 3, lambda w: w[:-1] + "ة")


def _alef_maqsura(words: list[str]) -> list[str] | None:
    changed = _replace_first(words, lambda w: w.endswith("ى"), lambda w: w[:-1] + "ي")
    return changed or _replace_first(words, lambda w: w.endswith("ي"), lambda w: w[:-1] + "ى")


def _has_prefix(w: str) -> bool:
    return w.startswith(("ال", "و", "ب", "ف", "ل", "ك"))


def _clitic_wa(words: list[str]) -> list[str] | None:
    return _replace_first(words, lambda w: not w.startswith("و"), lambda w: "و" + w)


def _clitic_al(words: list[str]) -> list[str] | None:
    return _replace_first(words, lambda w: not _has_prefix(w) and len(w) >= 3, lambda w: "ال" + w)


def _clitic_bi(words: list[str]) -> list[str] | None:
    return _replace_first(words, lambda w: w.startswith("ال") or not _has_prefix(w), lambda w: "ب" + w)


def _mixed(words: list[str]) -> list[str] | None:
    # The careless typist: no hamza, ه for ة, ي for ى, all at once.
    out = [re.sub("[أإآ]", "ا", w) for w in words]
    out = [w[:-1] + "ه" if w.endswith("ة") else w for w in out]
    out = [w[:-1] + "ي" if w.endswith("ى") else w for w in out]
    return out if out != words else None


PERTURBATIONS = {
    "control": lambda words: list(words),
    "hamza": _hamza,
    "diacritics": _diacritics,
    "tatweel": _tatweel,
    "teh_marbuta": _teh_marbuta,
    "alef_maqsura": _alef_maqsura,
    "clitic_wa": _clitic_wa,
    "clitic_al": _clitic_al,
    "clitic_bi": _clitic_bi,
    "mixed": _mixed,
}
CLASS_NOTES = {
    "control": "the title words as written",
    "hamza": "أ/إ/آ written ا (or a hamza added on a bare initial ا)",
    "diacritics": "harakat and a shadda added",
    "tatweel": "tatweel (ـ) stretched inside the longest word",
    "teh_marbuta": "final ة written ه (or ه written ة)",
    "alef_maqsura": "final ى written ي (or ي written ى)",
    "clitic_wa": "و prefixed to a word",
    "clitic_al": "ال prefixed to a bare word",
    "clitic_bi": "ب prefixed to a word",
    "mixed": "hamza dropped, ة->ه and ى->ي together",
    "names_control": "titles with a foreign name, name as written",
    "names": "the same queries with the name in another common spelling (أستانا/أستانة, سوريا/سورية ...)",
}


def _name_variant(word: str) -> tuple[str, str] | None:
    """(this spelling's clitic, another spelling of the same name) for a title word in NAME_VARIANTS."""
    for clitic in NAME_CLITICS:
        stem = word[len(clitic) :]
        if word.startswith(clitic) and stem in NAME_INDEX and stem not in AMBIGUOUS_SPELLINGS:
            if stem in COUNTRY_NAMES and clitic.endswith(("ال", "لل")):
                continue
            others = [s for s in NAME_INDEX[stem] if s != stem]
            return clitic, others[0]
    return None


def build_queries(docs: list[Doc], count: int) -> tuple[list[Query], list[Query]]:
    """(general queries, foreign-name queries), both chosen deterministically from ``docs``."""
    general, names = [], []
    for doc in sorted(docs, key=lambda d: _rank_key("q:" + d.url)):
        words = content_words(doc.title)
        if len(words) < 3:
            continue
        rng = random.Random(_rank_key("w:" + doc.url))
        name_at = next((i for i, w in enumerate(words) if _name_variant(w)), None)
        if name_at is not None and len(names) < count:
            picked = _pick_words(rng, words, must=name_at)
            q = Query(doc.key, picked)
            q.variants["names_control"] = " ".join(picked)
            clitic, other = _name_variant(words[name_at])
            q.variants["names"] = " ".join(clitic + other if w == words[name_at] else w for w in picked)
            names.append(q)
        elif len(general) < count:
            picked = _pick_words(rng, words)
            q = Query(doc.key, picked)
            for name, perturb in PERTURBATIONS.items():
                changed = perturb(picked)
                if changed is not None and (name == "control" or changed != picked):
                    q.variants[name] = " ".join(changed)
            general.append(q)
    return general, names


# --- systems -------------------------------------------------------------------------------------------
class HaystackDefault:
    """haystack 3.4's stock Whoosh schema and query path, minus Django models (documents written directly)."""

    name = "haystack"

    def __init__(self, workdir: Path):
        from haystack import indexes
        from haystack.backends.whoosh_backend import WhooshSearchBackend
        from whoosh.qparser import FuzzyTermPlugin, QueryParser

        class PlainIndex(indexes.SearchIndex):
            text = indexes.CharField(document=True)

        backend = WhooshSearchBackend("bench", PATH=str(workdir / "haystack"))
        self.content_field, self.schema = backend.build_schema(PlainIndex().fields)
        self.parser = QueryParser(self.content_field, schema=self.schema)
        self.parser.add_plugins([FuzzyTermPlugin])
        self.path = workdir / "haystack"
        self.backend_cls = WhooshSearchBackend

    def index(self, docs: list[Doc]) -> None:
        from whoosh import index

        self.path.mkdir(parents=True)
        ix = index.create_in(str(self.path), self.schema)
        writer = ix.writer(limitmb=256)
        for doc in docs:
            writer.add_document(
                id=f"bench.doc.{doc.key}", django_ct="bench.doc", django_id=doc.key, text=f"{doc.title}\n{doc.content}"
            )
        writer.commit()
        self.searcher = ix.searcher()

    def query_string(self, q: str) -> str:
        # haystack.inputs.AutoQuery + BaseSearchQuery.clean: reserved words lowercased, reserved characters escaped.
        words = []
        for word in q.split():
            if word in self.backend_cls.RESERVED_WORDS:
                word = word.lower()
            for char in self.backend_cls.RESERVED_CHARACTERS:
                word = word.replace(char, f"\\{char}")
            words.append(word)
        return " ".join(words)

    def search(self, q: str) -> list[str]:
        parsed = self.parser.parse(self.query_string(q))
        return [hit["django_id"] for hit in self.searcher.search(parsed, limit=CUTOFF)]


class LuceneArabicTokenizer(Tokenizer):
    """Whoosh adapter: yields the terms of ``lucene_arabic.tokens`` (module level so the schema pickles)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):  # fmt: skip
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (term, start, end) in enumerate(lucene_arabic.tokens(value)):
            token.text, token.boost, token.stopped = term, 1.0, False
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class LuceneArabicBM25:
    """Elasticsearch's ``arabic`` analyzer + BM25 + ``match`` (OR) query, on a Whoosh index."""

    name = "lucene"

    def __init__(self, workdir: Path):
        self.path = workdir / "lucene"

    def index(self, docs: list[Doc]) -> None:
        from whoosh import fields, index

        text = fields.TEXT(analyzer=LuceneArabicTokenizer())
        schema = fields.Schema(key=fields.ID(stored=True, unique=True), text=text)
        self.path.mkdir(parents=True)
        ix = index.create_in(str(self.path), schema)
        writer = ix.writer(limitmb=256)
        for doc in docs:
            writer.add_document(key=doc.key, text=f"{doc.title}\n{doc.content}")
        writer.commit()
        from whoosh import scoring

        self.searcher = ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))

    def search(self, q: str) -> list[str]:
        from whoosh.query import Or, Term

        terms = list(dict.fromkeys(lucene_arabic.analyze(q)))
        if not terms:
            return []
        return [hit["key"] for hit in self.searcher.search(Or([Term("text", t) for t in terms]), limit=CUTOFF)]


class Archive:
    """The project's own search: its backend builds the index, ``run_search`` answers."""

    name = "archive"
    _built: dict[int, str] | None = None  # pk -> doc key of the database and index built in this run

    def index(self, docs: list[Doc]) -> None:
        if Archive._built is not None:  # already built by another system of this run: same documents
            self.pk_to_key = Archive._built
            self.params, self.run = self.runner()
            return
        from django.core.management import call_command
        from django.utils import timezone

        from articles.models import Article, Paragraph, Publication, title_key

        call_command("migrate", verbosity=0, interactive=False)
        pubs = {s: Publication.objects.create(name=s, slug=s, source_key=s) for s in sorted({d.source for d in docs})}
        tz = timezone.get_current_timezone()
        articles = Article.objects.bulk_create(
            Article(
                title=d.title,
                title_key=title_key(d.title),  # bulk_create skips save(), which sets it
                publication=pubs[d.source],
                published_at=timezone.make_aware(datetime.fromisoformat(d.date), tz),
                status=Article.Status.PUBLISHED,
                source_url=d.url,
            )
            for d in docs
        )
        self.pk_to_key = {a.pk: d.key for a, d in zip(articles, docs, strict=True)}
        Paragraph.objects.bulk_create(
            Paragraph(article=a, position=i, text=line.strip())
            for a, d in zip(articles, docs, strict=True)
            for i, line in enumerate(x for x in d.content.split("\n") if x.strip())
        )
        call_command("rebuild_index", interactive=False, verbosity=0)
        Archive._built = self.pk_to_key
        self.params, self.run = self.runner()

    def runner(self):
        from articles.search.query import SearchParams, run_search

        return SearchParams, run_search

    def search(self, q: str) -> list[str]:
        try:
            outcome = self.run(self.params(q=q, page=1, page_size=CUTOFF))
        except Exception as exc:  # an input the pipeline refuses counts as a miss, and is reported
            self.errors = getattr(self, "errors", 0) + 1
            if self.errors <= 3:
                print(f"  archive: {q!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return []
        return [self.pk_to_key[hit.pk] for hit in outcome.hits if hit.pk in self.pk_to_key]


class Portable(Archive):
    """The search page's path on other engines (portable.run_search: haystack's SearchQuerySet),
    here on the same Arabic Whoosh index: the engine-independent query layer, not Elasticsearch."""

    name = "portable"

    def runner(self):
        from articles.search.portable import run_search
        from articles.search.query import SearchParams

        return SearchParams, run_search


class OpenSearch(Archive):
    """The archive on a real OpenSearch node: build_index fills it, run_search goes the portable path."""

    name = "opensearch"

    def index(self, docs: list[Doc]) -> None:
        from django.core.management import call_command
        from haystack import connections

        from articles.search import variants
        from articles.search.backend import reset_searchers
        from articles.search.engine_url import haystack_connection

        base = os.environ.get("NEWSARCHIVE_BENCH_OPENSEARCH_URL", "").rstrip("/")
        if not base:
            raise RuntimeError("set NEWSARCHIVE_BENCH_OPENSEARCH_URL=http://127.0.0.1:9250 (cluster.sh start)")
        if Archive._built is None:
            super().index(docs)  # the database (and the Whoosh index, unused here)
        self.pk_to_key = Archive._built
        self.alias = f"search-eval-{os.getpid()}"
        url = base.replace("http://", "elasticsearch://").replace("https://", "elasticsearch+https://")
        # From here on the default connection is OpenSearch: list this system after the Whoosh ones.
        connections.connections_info["default"] = haystack_connection(f"{url}/{self.alias}", "")
        connections.reload("default")
        reset_searchers()
        variants.invalidate()
        call_command("build_index", verbosity=0)
        self.params, self.run = self.runner()

    def close(self) -> None:
        from haystack import connections

        backend = connections["default"].get_backend()
        backend.conn.indices.delete(index=f"{self.alias}-build-*", ignore=404)
        backend.conn.indices.delete(index=self.alias, ignore=404)


# --- evaluation ------------------------------------------------------------------------------------------
def evaluate(system, queries: list[Query], relevant: dict[str, set[str]]) -> dict[str, dict]:
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    ranks: list[tuple[str, str, str, int | None]] = []  # (target, class, query, rank): for diagnosing misses
    started = time.perf_counter()
    for q in queries:
        for cls, text in q.variants.items():
            ranked = system.search(text)
            rank = next((i for i, key in enumerate(ranked, 1) if key in relevant[q.target]), None)
            ranks.append((q.target, cls, text, rank))
            s = sums[cls]
            s[0] += 1
            s[1] += 1 if rank is not None and rank <= 10 else 0
            s[2] += 1 / rank if rank else 0.0
    elapsed = time.perf_counter() - started
    total = sum(s[0] for s in sums.values())
    out = {cls: {"n": n, "success_at_10": hits / n, "mrr": rr / n} for cls, (n, hits, rr) in sums.items()}
    out["_timing"] = {"queries": total, "seconds": elapsed, "ms_per_query": 1000 * elapsed / max(total, 1)}
    out["_ranks"] = ranks
    return out


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def machine() -> dict[str, str]:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), platform.processor())
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "python": platform.python_version(), "commit": commit}


def setup_django(workdir: Path) -> None:
    # A throwaway database and index: the benchmark never touches the operator's data.
    os.environ["NEWSARCHIVE_DATA_DIR"] = str(workdir / "data")
    os.environ["NEWSARCHIVE_INDEX_DIR"] = str(workdir / "archive_index")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'data' / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    import django

    django.setup()


def format_report(results: dict[str, dict], classes: list[str]) -> str:
    systems = list(results)
    lines = []
    for cls in classes:
        n = next((results[s][cls]["n"] for s in systems if cls in results[s]), 0)
        lines.append(f"\n### {cls} (n={n}): {CLASS_NOTES.get(cls, '')}\n")
        lines.append("| system | Success@10 | MRR |")
        lines.append("|---|---:|---:|")
        for s in systems:
            r = results[s].get(cls)
            if r:
                lines.append(f"| {s} | {r['success_at_10']:.3f} | {r['mrr']:.3f} |")
    lines.append("\n### Summary: Success@10 per class\n")
    lines.append("| class | n | " + " | ".join(systems) + " |")
    lines.append("|---|---:|" + "---:|" * len(systems))
    for cls in classes:
        n = next((results[s][cls]["n"] for s in systems if cls in results[s]), 0)
        cells = [f"{results[s][cls]['success_at_10']:.3f}" if cls in results[s] else "-" for s in systems]
        lines.append(f"| {cls} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="index all 31,030 articles instead of a 5,000 sample")
    parser.add_argument("--sample", type=int, default=SAMPLE_SIZE, help="documents in the sample (default 5000)")
    parser.add_argument("--queries", type=int, default=QUERY_COUNT, help="known items per query set (default 300)")
    parser.add_argument("--systems", default="haystack,lucene,archive", help="comma-separated subset")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (indexes, database)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="search-eval-"))
    (workdir / "data").mkdir()
    try:
        setup_django(workdir)
        started = time.perf_counter()
        docs = sample(load_corpus(corpus_dir()), None if args.full else args.sample)
        print(f"{len(docs)} documents loaded in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        general, names = build_queries(docs, args.queries)
        by_title: dict[str, set[str]] = defaultdict(set)
        for d in docs:
            by_title[d.title_key].add(d.key)
        relevant = {d.key: by_title[d.title_key] for d in docs}
        queries = general + names

        makers = {"haystack": lambda: HaystackDefault(workdir), "lucene": lambda: LuceneArabicBM25(workdir),
                  "archive": Archive, "portable": Portable, "opensearch": OpenSearch}  # fmt: skip
        results, build = {}, {}
        for name in args.systems.split(","):
            system = makers[name]()
            t0 = time.perf_counter()
            try:
                system.index(docs)
            except Exception as exc:  # the archive pipeline may not exist yet on a branch
                print(f"{name}: not evaluated: {type(exc).__name__}: {exc}", file=sys.stderr)
                continue
            index_seconds = time.perf_counter() - t0
            path = workdir / ("archive_index" if name in ("archive", "portable") else name)
            build[name] = {"index_seconds": index_seconds, "index_bytes": dir_size(path)}
            print(f"{name}: indexed in {index_seconds:.1f}s", file=sys.stderr)
            results[name] = evaluate(system, queries, relevant)
            results[name]["_build"] = build[name]
            if hasattr(system, "close"):
                system.close()
            print(f"{name}: {results[name]['_timing']['ms_per_query']:.1f} ms/query", file=sys.stderr)

        classes = [c for c in [*PERTURBATIONS, "names_control", "names"] if any(c in r for r in results.values())]
        table_results = {s: {k: v for k, v in r.items() if not k.startswith("_")} for s, r in results.items()}
        info = machine()
        print(f"# Known-item search evaluation: {len(docs)} documents, {len(general)} + {len(names)} known items")
        print(f"machine: nproc={info['nproc']}, {info['cpu']}, Python {info['python']}, commit {info['commit']}")
        for s, r in results.items():
            b, t = r["_build"], r["_timing"]
            print(f"- {s}: index {b['index_seconds']:.1f}s, {b['index_bytes'] / 1e6:.1f} MB; "
                  f"{t['ms_per_query']:.1f} ms/query over {t['queries']} queries")  # fmt: skip
        print(format_report(table_results, classes))
        if args.json:
            payload = {"documents": len(docs), "known_items": [len(general), len(names)], "machine": info,
                       "results": results, "examples": [q.__dict__ for q in queries[:5]]}  # fmt: skip
            args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
