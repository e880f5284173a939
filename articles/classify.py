"""Sections for articles whose source names none: multinomial Naive Bayes over the archive's analysed words.

Some sources name a story's section in its URL (``alwatan.com.sa/Politics/...``) or title prefix
(``سياسي / ...``): ``articles.importers.cleaning`` reads those hints at import. About four in five corpus
articles have no hint and land in «عام». This module learns the hinted articles' words per section
and assigns the others the most probable section; the article keeps ``section_inferred = True`` so
readers and editors can tell an inferred section from a given one. Words are the stems of
``articles.search.analysis`` (normalised, clitics and suffixes stripped, stop words dropped), the same
words search uses, weighted by sublinear TF-IDF (better than raw counts in trials, 76 % against 75 % right).
A «عام» hint (the Saudi Press Agency's "عام /") names no topic: it is not learned from. See
docs/benchmarks/sections.md for the measured accuracy and ``manage.py classify_sections``.
"""

from __future__ import annotations

import math
import os
import platform
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from articles.importers import cleaning
from articles.search import analysis

# Additive smoothing: small, since news vocabularies are large and most words are rare.
ALPHA = 0.05
# A word must occur in this many training articles to count (drops typos and one-off names).
MIN_DF = 2
# Title words count this many times: a headline says what the story is about.
TITLE_WEIGHT = 3
# Words of the body read per article: the first paragraphs carry the topic; the rest adds noise and time.
BODY_WORDS = 400
# An article is given a section only when the model is at least this sure; the others stay in «عام».
# Measured on held-out articles (docs/benchmarks/sections.md): every article 78 % right, the ~76 % it
# is this sure about 86.5 % right, leaving about a quarter of the corpus in «عام».
MIN_PROBABILITY = 0.75


def words(text: str) -> list[str]:
    """The analysed words (query-mode stems) of ``text``; stop words and non-words dropped."""
    out: list[str] = []
    for token in analysis.iter_tokens(text):
        out.extend(analysis.analyze_stemmed(token.text))
    return out


def article_words(title: str, body: str) -> list[str]:
    body_words = words(" ".join(body.split()[:BODY_WORDS]))
    return words(title) * TITLE_WEIGHT + body_words


@dataclass(frozen=True)
class Example:
    """One article as the classifier sees it; ``section`` is the hinted label, or None when unknown."""

    key: str
    title: str
    body: str
    section: str | None


def _analyse(example: Example) -> list[str]:
    return article_words(example.title, example.body)


def is_label(section: str | None) -> bool:
    """Whether a hinted section is a topic to learn (not None, not «عام»)."""
    return bool(section) and section != cleaning.GENERAL


class SectionClassifier:
    """Multinomial Naive Bayes over sublinear TF-IDF vectors (l2-normalised), in plain Python.

    The same model as scikit-learn's ``TfidfTransformer(sublinear_tf=True)`` + ``MultinomialNB``, written
    here because scikit-learn's numpy 2 breaks the Elasticsearch 7 client the optional search backend
    needs (it reads ``numpy.float_`` at import), and the model is a few dictionaries.
    """

    def __init__(self, alpha: float = ALPHA, min_df: int = MIN_DF) -> None:
        self.alpha, self.min_df = alpha, min_df
        self.idf: dict[str, float] = {}
        self.log_prior: dict[str, float] = {}
        self.log_likelihood: dict[str, dict[str, float]] = {}
        self.log_unseen: dict[str, float] = {}

    def _vector(self, example: Example) -> dict[str, float]:
        counts = Counter(w for w in _analyse(example) if w in self.idf)
        weights = {w: (1 + math.log(n)) * self.idf[w] for w, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in weights.values()))
        return {w: v / norm for w, v in weights.items()} if norm else {}

    def fit(self, examples: list[Example]) -> SectionClassifier:
        labelled = [e for e in examples if is_label(e.section)]
        if len({e.section for e in labelled}) < 2:
            raise ValueError("at least two sections with labelled articles are needed to learn from")
        documents = [set(_analyse(e)) for e in labelled]
        df = Counter(w for doc in documents for w in doc)
        n = len(labelled)
        # scikit-learn's smooth idf: ln((1 + n) / (1 + df)) + 1.
        self.idf = {w: math.log((1 + n) / (1 + d)) + 1 for w, d in df.items() if d >= self.min_df}
        totals: dict[str, Counter] = defaultdict(Counter)
        for example in labelled:
            totals[example.section].update(self._vector(example))
        vocabulary = len(self.idf)
        sections = Counter(e.section for e in labelled)
        self.log_prior = {c: math.log(k / n) for c, k in sections.items()}
        self.log_likelihood, self.log_unseen = {}, {}
        for section, weights in totals.items():
            denominator = math.log(sum(weights.values()) + self.alpha * vocabulary)
            self.log_likelihood[section] = {w: math.log(v + self.alpha) - denominator for w, v in weights.items()}
            self.log_unseen[section] = math.log(self.alpha) - denominator
        return self

    def predict(self, examples: list[Example]) -> list[tuple[str | None, float]]:
        """(most probable section, its probability) per example; (None, 0.0) with no word the model knows."""
        out: list[tuple[str | None, float]] = []
        for example in examples:
            vector = self._vector(example)
            if not vector:
                out.append((None, 0.0))
                continue
            joint = {
                section: prior
                + sum(x * self.log_likelihood[section].get(w, self.log_unseen[section]) for w, x in vector.items())
                for section, prior in self.log_prior.items()
            }
            best = max(joint, key=joint.get)
            total = sum(math.exp(v - joint[best]) for v in joint.values())
            out.append((best, 1 / total))
        return out


def hinted_section(raw_title: str, url: str | None) -> str | None:
    """The section the source's own title prefix or URL names (as the importer reads it), or None."""
    section, _ = cleaning.section_from_title(raw_title)
    return section or cleaning.section_from_url(url)


def corpus_examples(path: Path) -> Iterator[Example]:
    """Every readable SaudiNewsNet article under ``path``, cleaned as the importer cleans it, with its hint."""
    from articles.importers import saudinewsnet
    from articles.importers.base import RecordInvalid

    for _label, loader in saudinewsnet.files(path):
        for raw in loader():
            try:
                (record,) = saudinewsnet.build(raw)
            except RecordInvalid:
                continue
            body = "\n".join(text for _kind, text in record.paragraphs)
            section = hinted_section(raw.get("title") or "", raw.get("url"))
            yield Example(key=record.source_url or record.key(), title=record.title, body=body, section=section)


def stratified_split(examples: Iterable[Example], test_share: float, seed: int) -> tuple[list[Example], list[Example]]:
    """Labelled examples split per section (the same share of each held out), reproducibly."""
    by_section: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        if is_label(example.section):
            by_section[example.section].append(example)
    rng = random.Random(seed)
    train, test = [], []
    for section in sorted(by_section):
        items = sorted(by_section[section], key=lambda e: e.key)
        rng.shuffle(items)
        cut = round(len(items) * test_share)
        test += items[:cut]
        train += items[cut:]
    return train, test


# --- The archive's articles ----------------------------------------------------------------------


@dataclass
class Assignment:
    labelled: int  # articles whose section the source gave (learned from)
    assigned: dict[str, int]  # section name -> articles newly given it (inferred)
    left_general: int  # candidates the model is not sure about (MIN_PROBABILITY): left in «عام»
    total: int
    general_before: int
    general_after: int


def _database_examples() -> tuple[list[Example], dict[int, object]]:
    from articles.models import Article, Paragraph

    bodies: dict[int, list[str]] = {}
    for article_id, text in Paragraph.objects.order_by("article_id", "position", "pk").values_list(
        "article_id", "text"
    ):
        bodies.setdefault(article_id, []).append(text)
    examples, rows = [], {}
    for article in Article.objects.select_related("section").only(
        "pk", "title", "section", "section_inferred", "source_url"
    ):
        name = article.section.name if article.section_id else None
        given = None if article.section_inferred or name == cleaning.GENERAL else name
        examples.append(
            Example(key=str(article.pk), title=article.title, body="\n".join(bodies.get(article.pk, [])), section=given)
        )
        rows[article.pk] = article
    return examples, rows


def assign_sections(
    dry_run: bool = False, min_probability: float = MIN_PROBABILITY, corpus: Path | None = None
) -> Assignment:
    """Learn from the articles whose section their source gave; give the others («عام», no section, or an
    earlier inference) the most probable section when the model is sure enough, marked ``section_inferred``.
    An earlier inference the model is no longer sure about goes back to «عام». One transaction.

    ``corpus``: also learn from the hinted articles of a SaudiNewsNet directory (read in place), for an
    archive holding only a sample of it: 370 labelled articles in the 2,000 sample against 5,643.
    """
    from django.db import transaction
    from django.utils import timezone

    from articles import cache
    from articles.models import Article, Section

    examples, rows = _database_examples()
    training = list(examples)
    if corpus is not None:
        urls = {a.source_url for a in rows.values() if a.source_url}
        training += [e for e in corpus_examples(corpus) if is_label(e.section) and e.key not in urls]
    general_before = sum(1 for a in rows.values() if a.section_id is None or a.section.name == cleaning.GENERAL)
    model = SectionClassifier().fit(training)
    candidates = [e for e in examples if e.section is None]
    sections = {s.name: s for s in Section.objects.all()}
    general = sections.get(cleaning.GENERAL) or Section.objects.get_or_create(name=cleaning.GENERAL)[0]
    now, changed, assigned, left, out_of_general = timezone.now(), [], {}, 0, 0
    for example, (name, probability) in zip(candidates, model.predict(candidates), strict=True):
        article = rows[int(example.key)]
        was_general = article.section_id is None or article.section_id == general.pk
        if name is None or probability < min_probability:
            left += 1
            if article.section_inferred:  # no longer sure: back to «عام», unmarked
                article.section, article.section_inferred, article.modified = general, False, now
                changed.append(article)
                out_of_general -= not was_general  # it comes back into «عام»
            continue
        assigned[name] = assigned.get(name, 0) + 1
        out_of_general += was_general
        if article.section_id != sections[name].pk or not article.section_inferred:
            article.section, article.section_inferred, article.modified = sections[name], True, now
            changed.append(article)
    if not dry_run and changed:
        with transaction.atomic():
            # modified moves too: check_index and update_index --age see the articles as changed.
            Article.objects.bulk_update(changed, ["section", "section_inferred", "modified"], batch_size=500)
            transaction.on_commit(cache.bump_version)
    return Assignment(
        labelled=len(examples) - len(candidates),
        assigned=assigned,
        left_general=left,
        total=len(examples),
        general_before=general_before,
        general_after=general_before - out_of_general,
    )


# --- Evaluation on the corpus, read in place --------------------------------------------------------


@dataclass
class Evaluation:
    corpus: int  # readable corpus articles
    labelled: int  # with a topic hint
    train: int
    test: int
    accuracy: float  # every held-out article given its most probable section
    sure_share: float  # held-out articles the model is MIN_PROBABILITY sure about
    sure_accuracy: float  # accuracy on those: what assign_sections actually assigns
    report: str  # per-section precision, recall, F1 and support (a text table)
    labels: list[str]
    confusion: list[list[int]]
    general_hinted: int  # «عام» by the source's own prefix (not learned from, assigned like the rest)
    projected: dict[str, int]  # section -> corpus articles after assignment (given + inferred)
    left_general: int

    def markdown(self, commit: str) -> str:
        """The report of docs/benchmarks/sections.md."""
        r = self
        general = r.projected.get(cleaning.GENERAL, 0)
        rows = "\n".join(
            f"| {name} | {n} | {n / r.corpus:.1%} |" for name, n in sorted(r.projected.items(), key=lambda kv: -kv[1])
        )
        header = "| truth \\ predicted | " + " | ".join(r.labels) + " |"
        confusion = "\n".join(
            f"| {label} | " + " | ".join(map(str, row)) + " |" for label, row in zip(r.labels, r.confusion, strict=True)
        )
        goal = "met" if r.sure_accuracy >= 0.85 else "**not met**"
        return f"""# Inferred sections: accuracy

Produced by `manage.py classify_sections --evaluate` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit},
Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores), reading the
SaudiNewsNet corpus in place. Model: multinomial Naive Bayes (alpha {ALPHA}) over sublinear TF-IDF of
the analysed words (`articles/search/analysis.py` stems; title words ×{TITLE_WEIGHT}, first
{BODY_WORDS} body words; words in at least {MIN_DF} training articles).

Labels are the sections the sources' own URLs and title prefixes name (`articles/importers/cleaning.py`):
{r.labelled} of {r.corpus} articles. {r.general_hinted} more carry the Saudi Press Agency's «عام /» prefix,
which names no topic: they are not learned from and are classified like the unlabelled ones.

## Held-out accuracy

{r.train} articles to train, {r.test} held out (20 % of each section, fixed seed).

- What the archive assigns: the articles the model gives at least {MIN_PROBABILITY:.0%} probability,
  {r.sure_share:.1%} of the held-out ones: **accuracy {r.sure_accuracy:.1%}** (goal 85 %: {goal}). The others stay
  in «عام».
- Every held-out article given its most probable section: accuracy {r.accuracy:.1%} (report and confusion
  matrix below).

```
{r.report.rstrip()}
```

{header}
|{"---|" * (len(r.labels) + 1)}
{confusion}

Most errors are between sections that overlap in the sources' own use: «سياسة» and «دولي» (the
sources split politics and world news differently), «محليات» and «اقتصاد» (local economy), and «رأي»,
a genre (opinion columns) rather than a topic, against «ثقافة وفنون». Counts or TF-IDF, smoothing, body
length, word pairs and byline/dateline markers moved the all-articles accuracy between 73 % and 78 %;
the probability floor is what trades coverage for accuracy.

## The corpus after assignment

Trained on every labelled article and applied to the other {r.corpus - r.labelled}; the {r.left_general} it is less than
{MIN_PROBABILITY:.0%} sure about stay in «عام». Share in «عام»: **{general / r.corpus:.1%}** (goal: under 30 %;
it was {(r.corpus - r.labelled) / r.corpus:.1%} before).

| section | articles | share |
|---|---|---|
{rows}
"""


def evaluate(path: Path, test_share: float = 0.2, seed: int = 13) -> Evaluation:
    """Accuracy on held-out hinted articles (``test_share`` of each section), then the whole corpus as
    ``assign_sections`` would leave it (trained on every hinted article)."""
    examples = list(corpus_examples(path))
    train, test = stratified_split(examples, test_share, seed)
    predictions = SectionClassifier().fit(train).predict(test)
    predicted = [name for name, _ in predictions]
    truth = [e.section for e in test]
    sure = [(name, t) for (name, p), t in zip(predictions, truth, strict=True) if name and p >= MIN_PROBABILITY]
    labels = sorted(set(truth))
    projected: dict[str, int] = {}
    candidates = [e for e in examples if not is_label(e.section)]
    left = 0
    for name, probability in SectionClassifier().fit(examples).predict(candidates):
        if name is None or probability < MIN_PROBABILITY:
            left += 1
            name = cleaning.GENERAL
        projected[name] = projected.get(name, 0) + 1
    for e in examples:
        if is_label(e.section):
            projected[e.section] = projected.get(e.section, 0) + 1
    return Evaluation(
        corpus=len(examples),
        labelled=len(train) + len(test),
        train=len(train),
        test=len(test),
        accuracy=sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(test),
        sure_share=len(sure) / len(test),
        sure_accuracy=sum(name == t for name, t in sure) / len(sure) if sure else 0.0,
        report=_report(truth, predicted, labels),
        labels=labels,
        confusion=[
            [sum(t == a and p == b for p, t in zip(predicted, truth, strict=True)) for b in labels] for a in labels
        ],
        general_hinted=sum(1 for e in examples if e.section == cleaning.GENERAL),
        projected=projected,
        left_general=left,
    )


def _report(truth: list[str], predicted: list[str | None], labels: list[str]) -> str:
    """Per-section precision, recall, F1 and support, as a text table."""
    lines = [f"{'section':>14} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for label in labels:
        hits = sum(p == label and t == label for p, t in zip(predicted, truth, strict=True))
        said, real = predicted.count(label), truth.count(label)
        precision, recall = (hits / said if said else 0.0), (hits / real if real else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        lines.append(f"{label:>14} {precision:9.3f} {recall:7.3f} {f1:6.3f} {real:8d}")
    return "\n".join(lines)
