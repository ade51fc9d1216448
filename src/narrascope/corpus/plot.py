"""Draw narrative trends over time as a PNG/SVG/PDF chart (matplotlib, no display needed).

Owns the look of ``narrascope corpus plot``: one line per leading label, the number of
that period's dated articles pushing it (or, as an option, their share), labelled at the
line's end instead of a legend, over a thin bar strip of article volume; periods with too
few articles to mean anything get hollow markers and a note, so a spike on three
articles reads as such.
"""

from __future__ import annotations

from pathlib import Path

from narrascope.corpus.queries import OTHER, SPARSE_PERIOD, Trend

PALETTE = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#6a4c93", "#66a182", "#8d6a9f", "#e07a5f")


def leading(trend: Trend, top: int, include_other: bool = False) -> list[str]:
    """The ``top`` labels with the most articles over the whole span."""
    labels = [label for label in trend.series if include_other or label != OTHER]
    return sorted(labels, key=lambda label: (-sum(trend.series[label]), label))[:top]


def draw(
    trend: Trend,
    path: Path,
    *,
    by: str,
    over: str,
    top: int = 6,
    title: str | None = None,
    shares: bool = False,
) -> list[str]:
    """Write the chart to ``path`` (format from the extension); returns the labels drawn.

    Counts by default: a share of a two-article week looks as solid as one of two hundred.
    """
    import matplotlib

    matplotlib.use("Agg")  # files only: never needs a display
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    labels = leading(trend, top)
    x = list(range(len(trend.periods)))
    fig, (ax, vol) = plt.subplots(
        2, 1, figsize=(11, 6.2), sharex=True, gridspec_kw={"height_ratios": [4, 1], "hspace": 0.08}
    )
    ends: list[tuple[float, str, str]] = []
    highest = 0.0
    thin = [i for i, total in enumerate(trend.totals) if total < SPARSE_PERIOD]
    for i, label in enumerate(labels):
        values = trend.shares(label) if shares else [float(n) for n in trend.series[label]]
        color = PALETTE[i % len(PALETTE)]
        ax.plot(x, values, color=color, linewidth=2.2, marker="o", markersize=3.5)
        if thin:  # hollow markers: too few articles that period to read anything into
            ax.plot([x[j] for j in thin], [values[j] for j in thin], linestyle="none", marker="o",
                    markersize=5, markerfacecolor="white", markeredgecolor=color)  # fmt: skip
        ends.append((values[-1] if values else 0.0, label, color))
        highest = max([highest, *values])
    ax.set_ylim(0, max(0.05 if shares else 1.0, highest * 1.1))
    for y, (share, label, color) in zip(
        spread([e[0] for e in ends], ax.get_ylim()[1] * 0.055), ends, strict=True
    ):
        ax.annotate(
            _short(label),
            xy=(x[-1], share),
            xytext=(x[-1] + 0.4, y),
            textcoords="data",
            va="center",
            fontsize=9,
            color=color,
            arrowprops={"arrowstyle": "-", "color": color, "linewidth": 0.6, "shrinkA": 0, "shrinkB": 2},
        )
    if shares:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel(f"share of the {over}'s articles")
    else:
        ax.set_ylabel(f"articles per {over}")
    ax.set_title(title or f"{by.capitalize()} trends by {over}", loc="left", fontsize=14, fontweight="bold")
    vol.bar(x, trend.totals, color="#b0b7bf", width=0.7)
    vol.set_ylabel("articles", fontsize=9)
    tick_every = max(1, -(-len(x) // 10))  # at most ~10 date labels
    vol.set_xticks(x[::tick_every], [trend.periods[i] for i in x[::tick_every]], rotation=30, ha="right")
    for axis in (ax, vol):
        axis.spines[["top", "right"]].set_visible(False)
        axis.grid(axis="y", color="#e5e5e5", linewidth=0.8)
        axis.set_axisbelow(True)
    if x:
        ax.set_xlim(-0.5, x[-1] + max(2.5, len(x) * 0.35))  # room for the end labels
    note = f"{sum(trend.totals)} dated articles"
    if trend.undated:
        note += f"; {trend.undated} without a date not shown"
    if thin:
        note += f"; hollow: {len(thin)} {over}(s) with fewer than {SPARSE_PERIOD} articles"
    vol.annotate(
        f"narrascope · {note}", xy=(0, 0), xycoords="figure fraction", xytext=(4, 4),
        textcoords="offset points", fontsize=8, color="#666666",
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return labels


def spread(values: list[float], gap: float) -> list[float]:
    """Label positions near ``values`` but at least ``gap`` apart (keeps end labels readable)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed: list[float] = [0.0] * len(values)
    last = float("-inf")
    for i in order:
        placed[i] = max(values[i], last + gap)
        last = placed[i]
    return placed


def _short(label: str, width: int = 42) -> str:
    """'URW: Discrediting Ukraine' stays; very long labels are cut for the end label."""
    return label if len(label) <= width else label[: width - 1] + "…"
