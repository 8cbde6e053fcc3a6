"""The drawing pieces every diagram is made of: the labelled <svg>, boxes, arrows, labels.

Ids inside a diagram are made unique per diagram here, so two diagrams can share a page.
"""

_ARROW = (
    '<defs><marker id="dg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" '
    'markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
    '<path d="M0 0L10 5L0 10z" class="dg-arrowhead"/></marker></defs>'
)


def svg_diagram(title: str, description: str, width: int, height: int, body: str) -> str:
    # Ids are made unique per diagram (two diagrams can share a page), from the title.
    key = "".join(ch for ch in title.lower() if ch.isalnum())[:24]
    markup = (
        f'<svg class="diagram" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="dg-{key}-t dg-{key}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="dg-{key}-t">{title}</title><desc id="dg-{key}-d">{description}</desc>'
        f"{_ARROW}{body}</svg>"
    )
    return markup.replace('id="dg-arrow"', f'id="dg-{key}-arrow"').replace(
        "url(#dg-arrow)", f"url(#dg-{key}-arrow)"
    )


def box(x: float, y: float, w: float, h: float, label: str, css: str = "dg-box") -> str:
    return (
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" class="{css}"/>'
        f'<text x="{x + w / 2}" y="{y + h / 2 + 5}" text-anchor="middle" class="dg-text">'
        f"{label}</text>"
    )


def arrow(
    x1: float, y1: float, x2: float, y2: float, css: str = "dg-line", width: float = 2
) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="{css}" '
        f'stroke-width="{width}" marker-end="url(#dg-arrow)"/>'
    )


def text_label(x: float, y: float, text: str, css: str = "dg-small") -> str:
    return f'<text x="{x}" y="{y}" text-anchor="middle" class="{css}">{text}</text>'
