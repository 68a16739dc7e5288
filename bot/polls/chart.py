"""A poll's results, and the rounds of a recurring poll, as PNG charts sized for a chat.

Drawn with matplotlib's Agg canvas on a `Figure` of its own (never pyplot, so no global state changes). The
palette is Okabe-Ito's, safe for colour-blind readers. Text the members typed is drawn as plain text: `$` is
escaped so that it is never read as mathtext, and long labels are wrapped and cut.
"""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.i18n import _, _n
from bot.polls.model import Poll, QuestionKind, QuestionResults, Results
from bot.polls.words import plain

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
WIDTH_INCHES = 8.0
DPI = 100
LABEL_WIDTH = 28
LABEL_LINES = 2

ANSWERS = _("Answers")
MEAN = _("Mean")
POINT = _("Point")
RESPONSES = _("Responses")
ROUND = _("Round")


def safe(text: str) -> str:
    """`text` as matplotlib draws it literally: no mathtext."""
    return text.replace("\\", "\\\\").replace("$", r"\$")


def label(text: str, width: int = LABEL_WIDTH) -> str:
    """A long label wrapped onto at most two lines, the rest cut with an ellipsis."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: width - 1] + "…"
    return safe("\n".join(lines))


def chart_words(language: str, answered: int, mean: float | None = None) -> dict[str, str]:
    """The words a chart draws, in `language`."""
    words = {"answers": plain(ANSWERS, language), "mean": plain(MEAN, language),
             "n": plain(_("n = {n}", n=answered), language), "point": plain(POINT, language),
             "responses": plain(RESPONSES, language), "round": plain(ROUND, language),
             "open": plain(_n("{n} answer", "{n} answers", answered), language)}
    if mean is not None:
        words["mean_value"] = f"{words['mean']}: {mean:.1f}"
    return words


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    out = io.BytesIO()
    with warnings.catch_warnings():
        # A glyph the font lacks (CJK, emoji) is drawn as a box; that is expected for what members type.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _height(question: QuestionResults) -> float:
    if question.question.kind is QuestionKind.OPEN:
        return 0.9
    return 1.2 + 0.42 * len(question.question.choices)


def results_chart(poll: Poll, results: Results, language: str) -> bytes:
    """A PNG of `results`: one panel per question (bars with counts and percentages; a rating's mean marked),
    open questions as their number of answers. Words in `language`."""
    questions = results.questions or ()
    heights = [_height(q) for q in questions] or [1.0]
    figure = Figure(figsize=(WIDTH_INCHES, min(0.8 + sum(heights), 40.0)), layout="constrained")
    figure.suptitle(label(poll.heading, 70), fontsize=13)
    if not questions:
        return _png(figure)
    axes = figure.subplots(len(questions), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, question in zip(axes, questions, strict=True):
        words = chart_words(language, question.answered, question.mean)
        ax.set_title(label(question.question.text, 80), fontsize=11, loc="left")
        if question.question.kind is QuestionKind.OPEN:
            ax.axis("off")
            ax.text(0.0, 0.5, words["open"], fontsize=11, transform=ax.transAxes, va="center")
        elif question.question.kind is QuestionKind.RATING:
            _rating(ax, question, words)
        else:
            _choices(ax, question, words)
    return _png(figure)


def _choices(ax: Axes, question: QuestionResults, words: dict[str, str]) -> None:
    choices = question.question.choices
    positions = list(range(len(choices)))
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in positions]
    ax.barh(positions, question.counts, color=colours)
    ax.set_yticks(positions, [label(choice) for choice in choices], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"{words['answers']} ({words['n']})")
    top = max(question.counts, default=0)
    ax.set_xlim(0, max(top * 1.3, 1))
    for position, count in zip(positions, question.counts, strict=False):
        share = 100 * count / question.answered if question.answered else 0.0
        ax.text(count, position, f" {count} ({share:.0f}%)", va="center", fontsize=8)


def _rating(ax: Axes, question: QuestionResults, words: dict[str, str]) -> None:
    points = list(range(1, question.question.scale + 1))
    ax.bar(points, question.counts, color=OKABE_ITO[0])
    ax.set_xticks(points, [str(point) for point in points])
    ax.set_xlabel(words["point"])
    ax.set_ylabel(words["answers"])
    ax.set_ylim(0, max(max(question.counts, default=0) * 1.25, 1))
    mean = question.mean
    if mean is not None:
        ax.axvline(mean, color=OKABE_ITO[3], linestyle="--", label=words["mean_value"])
        ax.legend(loc="upper left", fontsize=8)
    ax.text(0.99, 0.95, words["n"], transform=ax.transAxes, ha="right", va="top", fontsize=9)


def trend_chart(rounds: Sequence[tuple[str, Results]], language: str) -> bytes:
    """A PNG of a recurring poll's rounds (label: the round's date): the mean of the first rating question and
    the number of responses, as two labelled series."""
    words = chart_words(language, 0)
    labels = [safe(name) for name, _results in rounds]
    positions = list(range(len(rounds)))
    means = [_first_mean(results) for _name, results in rounds]
    responses = [results.respondents for _name, results in rounds]
    figure = Figure(figsize=(WIDTH_INCHES, 4.5), layout="constrained")
    ax = figure.subplots()
    ax.bar(positions, responses, color=OKABE_ITO[5], label=words["responses"])
    ax.set_ylabel(words["responses"])
    ax.set_xlabel(words["round"])
    ax.set_ylim(0, max(max(responses, default=0) * 1.2, 1))
    step = max(1, len(rounds) // 12)
    ax.set_xticks(positions[::step], labels[::step], rotation=45, ha="right", fontsize=8)
    mean_ax = ax.twinx()
    mean_ax.plot(positions, [m if m is not None else float("nan") for m in means], color=OKABE_ITO[3],
                 marker="o", label=words["mean"])
    mean_ax.set_ylabel(words["mean"])
    mean_ax.set_ylim(0, max((m for m in means if m is not None), default=5.0) * 1.15)
    bar_handles, bar_labels = ax.get_legend_handles_labels()
    line_handles, line_labels = mean_ax.get_legend_handles_labels()
    mean_ax.legend(bar_handles + line_handles, bar_labels + line_labels, loc="upper left", fontsize=8)
    return _png(figure)


def _first_mean(results: Results) -> float | None:
    for question in results.questions:
        if question.question.kind is QuestionKind.RATING:
            return question.mean
    return None
