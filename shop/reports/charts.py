"""Chart geometry for the staff page: bars by county and the monthly trend, drawn as inline SVG by the
templates (no chart library, no CDN)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value_fen: int
    share: float  # 0..1 of the largest bar


def bars(figures: list[tuple[str, int]], limit: int = 30) -> list[Bar]:
    """The largest `limit` of (label, net sales in fen) by net sales, scaled to the largest; negative nets draw as
    empty bars."""
    ranked = sorted(figures, key=lambda figure: figure[1], reverse=True)[:limit]
    top = max((net_fen for _, net_fen in ranked), default=0)
    return [Bar(label, net_fen, max(net_fen, 0) / top if top > 0 else 0.0) for label, net_fen in ranked]


def trend(months: list[tuple[str, int]]) -> list[Bar]:
    """Monthly net sales ('YYYY-MM', fen) in month order, scaled to the best month."""
    ordered = sorted(months)
    top = max((net_fen for _, net_fen in ordered), default=0)
    return [Bar(month, net_fen, max(net_fen, 0) / top if top > 0 else 0.0) for month, net_fen in ordered]
