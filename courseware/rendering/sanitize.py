"""The HTML allow-list every rendered text passes through (nh3): no raw HTML can run script."""

import nh3

_MATHML_TAGS = {
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
    "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "semantics", "annotation", "merror",
}  # fmt: skip
_MATHML_ATTRIBUTES = {
    "display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "accent",
    "accentunder", "lspace", "rspace", "columnalign", "columnspacing", "rowspacing",
    "displaystyle", "scriptlevel", "minsize", "maxsize", "movablelimits", "linethickness",
    "width", "height", "depth", "notation", "encoding", "symmetric", "largeop", "form",
}  # fmt: skip
_HTML_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
    "li", "mark", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class"},
    "a": {"href", "title", "target", "aria-label"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "ol": {"start"},
    "div": {"role", "aria-label"},
    "aside": {"role", "aria-label"},
    "span": {"aria-hidden"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS},
}
_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=_HTML_TAGS | _MATHML_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
