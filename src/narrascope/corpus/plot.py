"""Draw narrative trends over time as a PNG/SVG/PDF chart (matplotlib, no display needed).

Owns the look of ``narrascope corpus plot``: one line per leading label, the share of
that period's dated articles pushing it, labelled at the line's end instead of a legend,
over a thin bar strip of article volume so a spike on three articles reads as such.
"""

from __future__ import annotations

from pathlib import Path

from narrascope.corpus.queries import OTHER, Trend

PALETTE = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#6a4c93", "#66a182", "#8d6a9f", "#e07a5f")


def leading(trend: Trend, top: int, include_other: bool = False) -> list[str]:
    """The ``top`` labels with the most articles over the whole span."""
    labels = [label for label in trend.series if include_other or label != OTHER]
    return sorted(labels, key=lambda label: (-sum(trend.series[label]), label))[:top]


def draw(
    trend: Trend, path: Path, *, by: str, over: str, top: int = 6, title: str | None = None
) -> list[str]:
    """Write the chart to ``path`` (format from the extension); returns the labels drawn."""
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
    for i, label in enumerate(labels):
        shares = [n / t if t else 0.0 for n, t in zip(trend.series[label], trend.totals, strict=True)]
        color = PALETTE[i % len(PALETTE)]
        ax.plot(x, shares, color=color, linewidth=2.2, marker="o", markersize=3.5)
        ends.append((shares[-1] if shares else 0.0, label, color))
        highest = max([highest, *shares])
    ax.set_ylim(0, max(0.05, highest * 1.1))
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
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel(f"share of the {over}'s articles")
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
