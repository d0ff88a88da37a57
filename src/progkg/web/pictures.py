"""The two pictures, drawn as SVG on the server: no JavaScript, no library, works offline.

* :func:`structure_svg`: a programme's or parcours' semesters as horizontal bars, each cut
  into its teaching units in proportion to their hours (CM + TD; ECTS when no hours are
  given, equal parts when neither), each unit labelled and linked to its page.
* :func:`neighbourhood_svg`: a ROME code in the middle, the programmes preparing for it on
  the left, the moves ROME proposes from it on the right (with how many programmes prepare
  for each), every node linked.

Every text is escaped (:func:`html.escape`); links are the pages' own relative URLs. Each
picture has a ``<title>`` and ``role="img"`` with an ``aria-label``; the same facts are in the
page's lists, for screen readers and text browsers.
"""

from __future__ import annotations

from html import escape

from progkg.web.graph import Link, Semester

WIDTH = 760
BAR_X = 150
BAR_W = WIDTH - BAR_X - 10
BAR_H = 34
ROW_H = 58
PALETTE = ("#2b6cb0", "#2f855a", "#b7791f", "#9b2c2c", "#6b46c1", "#2c7a7b", "#c05621", "#4a5568")


def _clip(text: str, width_px: float, char_px: float = 6.6) -> str:
    """``text`` cut to fit ``width_px`` (an ellipsis when cut), or "" when nothing fits."""
    room = int(width_px / char_px)
    if room < 3:
        return ""
    return text if len(text) <= room else text[: room - 1] + "…"


def _two_lines(name: str) -> tuple[str, str]:
    """A programme's name as diploma and institution: "MASTER - X — UNIVERSITE Y" (national
    programmes) or "Master X (Université Y)" (brochures); else the name alone."""
    if " — " in name:
        first, _, second = name.partition(" — ")
        return first, second
    if name.endswith(")") and " (" in name:
        first, _, second = name[:-1].rpartition(" (")
        return first, second
    return name, ""


def structure_svg(semesters: list[Semester], href, t) -> str:  # noqa: ANN001 — href: iri → url, t: i18n
    """Semesters as bars cut into units by hours (see module docstring)."""
    rows = [s for s in semesters if s.units]
    if not rows:
        return ""
    height = 10 + ROW_H * len(rows)
    title = t("picture_structure")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="picture structure" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
    ]
    for i, sem in enumerate(rows):
        y = 6 + i * ROW_H
        label = f"S{sem.number}" if sem.number is not None else _clip(sem.name, BAR_X - 12)
        summary = f"{sem.hours} h" + (f" · {sem.ects:g} ECTS" if sem.ects else "")
        out.append(
            f'<a href="{escape(href(sem.iri))}">'
            f'<text x="4" y="{y + 15}" class="sem">{escape(label)}</text></a>'
        )
        out.append(f'<text x="4" y="{y + 31}" class="small">{escape(summary)}</text>')
        weights = [u.hours or (u.ects or 0) for u in sem.units]
        if not any(weights):
            weights = [1] * len(sem.units)
        total = sum(weights) or 1
        x = float(BAR_X)
        for j, (unit, weight) in enumerate(zip(sem.units, weights, strict=True)):
            w = BAR_W * weight / total
            if w <= 0:
                continue
            colour = PALETTE[j % len(PALETTE)]
            name = unit.name or t("no_unit")
            tip = f"{name} — {unit.hours} h" + (f", {unit.ects:g} ECTS" if unit.ects else "")
            out.append(
                f'<a href="{escape(href(unit.iri))}"><g class="unit"><title>{escape(tip)}</title>'
                f'<rect x="{x:.1f}" y="{y}" width="{max(w - 2, 1):.1f}" height="{BAR_H}" '
                f'fill="{colour}" rx="3"/>'
            )
            text = _clip(name, w - 8)
            if text:
                out.append(f'<text x="{x + 4:.1f}" y="{y + 14}" class="in">{escape(text)}</text>')
            hours = _clip(
                f"{unit.hours} h" if unit.hours else (f"{unit.ects:g} ECTS" if unit.ects else ""), w - 8
            )
            if hours:
                out.append(f'<text x="{x + 4:.1f}" y="{y + 28}" class="in small">{escape(hours)}</text>')
            out.append("</g></a>")
            x += w
    out.append("</svg>")
    return "".join(out)


def neighbourhood_svg(
    code: Link,
    programmes: list[Link],
    more_programmes: bool,
    moves: list[Link],
    href,
    t,  # noqa: ANN001
) -> str:
    """The code, the programmes preparing for it (left) and its ROME moves (right)."""
    left = programmes[:8]
    right = moves[:10]
    rows = max(len(left), len(right), 1)
    bottom = 22 if more_programmes else 6
    height = 40 + rows * 42 + bottom
    cx, cy = WIDTH / 2, 40 + (height - 40 - bottom) / 2
    title = t("picture_neighbourhood")
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="picture neighbourhood" '
        f'viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="10" y="16" class="legend">{escape(t("picture_left"))}</text>',
        f'<text x="{WIDTH - 10}" y="16" class="legend" text-anchor="end">{escape(t("picture_right"))}</text>',
    ]

    def y_of(i: int, n: int) -> float:
        return 40 + (i + 0.5) * (height - 40 - bottom) / max(n, 1)

    for i, prog in enumerate(left):
        y = y_of(i, len(left))
        out.append(f'<line x1="250" y1="{y:.1f}" x2="{cx - 60}" y2="{cy:.1f}" class="edge"/>')
        first, second = _two_lines(prog.name or prog.iri)
        out.append(
            f'<a href="{escape(href(prog.iri))}"><g class="node prog"><title>{escape(prog.name)}</title>'
            f'<rect x="6" y="{y - 16:.1f}" width="244" height="32" rx="4"/>'
            + (
                f'<text x="12" y="{y - 2:.1f}">{escape(_clip(first, 232))}</text>'
                f'<text x="12" y="{y + 11:.1f}" class="small">{escape(_clip(second, 232, 5.6))}</text>'
                if second
                else f'<text x="12" y="{y + 4:.1f}">{escape(_clip(first, 232))}</text>'
            )
            + "</g></a>"
        )
    if more_programmes:
        out.append(f'<text x="10" y="{height - 6}" class="small">{escape(t("picture_more"))}</text>')
    for i, move in enumerate(right):
        y = y_of(i, len(right))
        x0 = WIDTH - 250
        out.append(f'<line x1="{cx + 60}" y1="{cy:.1f}" x2="{x0}" y2="{y:.1f}" class="edge move"/>')
        badge = t("n_programmes", n=move.extra.get("programmes", 0))
        label = f"{move.extra.get('code', '')} {move.name}".strip()
        # Two lines: the code and title, then how many programmes prepare for it.
        out.append(
            f'<a href="{escape(href(move.iri))}"><g class="node move">'
            f"<title>{escape(label)} — {escape(badge)}</title>"
            f'<rect x="{x0}" y="{y - 16:.1f}" width="244" height="32" rx="4"/>'
            f'<text x="{x0 + 6}" y="{y - 2:.1f}">{escape(_clip(label, 220))}</text>'
            f'<text x="{x0 + 6}" y="{y + 11:.1f}" class="small">{escape(badge)}</text></g></a>'
        )
    label = code.extra.get("code", "") or code.name
    out.append(
        f'<g class="node centre"><title>{escape(code.name)}</title>'
        f'<rect x="{cx - 60}" y="{cy - 22:.1f}" width="120" height="44" rx="8"/>'
        f'<text x="{cx}" y="{cy - 3:.1f}" text-anchor="middle" class="code">{escape(label)}</text>'
        f'<text x="{cx}" y="{cy + 13:.1f}" text-anchor="middle" class="small">'
        f"{escape(_clip(code.name, 112, 5.6))}</text></g>"
    )
    out.append("</svg>")
    return "".join(out)
