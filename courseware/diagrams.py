"""Our own SVG diagrams for core ideas, shown in place of figures that were never supplied.

A course maps a missing figure file to one of these names in course.yaml (`figures:`). The
markup is ours, so it is inserted after the lesson HTML has been sanitized. Colours come from
CSS classes (static/css/site.css) so the diagrams follow the site's theme.
"""

_ARROW = (
    '<defs><marker id="dg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" '
    'markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
    '<path d="M0 0L10 5L0 10z" class="dg-arrowhead"/></marker></defs>'
)


def _svg(title: str, description: str, width: int, height: int, body: str) -> str:
    return (
        f'<svg class="diagram" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="dg-{title[:3].lower()}-t" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="dg-{title[:3].lower()}-t">{title}</title><desc>{description}</desc>'
        f"{_ARROW}{body}</svg>"
    )


def _box(x: float, y: float, w: float, h: float, label: str, css: str = "dg-box") -> str:
    return (
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" class="{css}"/>'
        f'<text x="{x + w / 2}" y="{y + h / 2 + 5}" text-anchor="middle" class="dg-text">'
        f"{label}</text>"
    )


def _arrow(
    x1: float, y1: float, x2: float, y2: float, css: str = "dg-line", width: float = 2
) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="{css}" '
        f'stroke-width="{width}" marker-end="url(#dg-arrow)"/>'
    )


def _label(x: float, y: float, text: str, css: str = "dg-small") -> str:
    return f'<text x="{x}" y="{y}" text-anchor="middle" class="{css}">{text}</text>'


def _attention() -> str:
    tokens = ["The", "cat", "sat", "down"]
    weights = [0.10, 0.25, 0.55, 0.10]
    parts = []
    for i, (token, weight) in enumerate(zip(tokens, weights, strict=True)):
        x = 40 + i * 150
        parts.append(_arrow(x + 55, 236, 345, 120, "dg-accent-line", 1 + weight * 10))
        parts.append(
            f'<rect x="{x}" y="238" width="110" height="52" rx="8" class="dg-box"/>'
            f'<text x="{x + 55}" y="260" text-anchor="middle" class="dg-text">{token}</text>'
            f'<text x="{x + 55}" y="280" text-anchor="middle" class="dg-weight">'
            f"a{i + 1} = {weight:.2f}</text>"
        )
        parts.append(_label(x + 55, 306, f"key k{i + 1}, value v{i + 1}"))
    parts.append(_box(270, 76, 150, 44, "output z3", "dg-box dg-accent"))
    parts.append(_arrow(345, 76, 345, 40))
    parts.append(_label(345, 28, "z3 = a1·v1 + a2·v2 + a3·v3 + a4·v4"))
    parts.append(_label(440, 103, "query q3 (from “sat”)", "dg-small dg-left"))
    parts.append(
        _label(320, 334, "aᵢ = softmax(q3 · kᵢ / √d): how much “sat” attends to each token")
    )
    return _svg(
        "Self-attention",
        "Each token is compared with every token through query-key dot products; the softmax "
        "of the scores weights the value vectors, and their weighted sum is the output.",
        640,
        345,
        "".join(parts),
    )


def _autoencoder() -> str:
    body = (
        '<polygon points="150,40 250,100 250,200 150,260" class="dg-box"/>'
        + _label(200, 155, "encoder", "dg-text")
        + '<polygon points="390,100 490,40 490,260 390,200" class="dg-box"/>'
        + _label(440, 155, "decoder", "dg-text")
        + _box(270, 110, 100, 80, "code z", "dg-box dg-accent")
        + _box(20, 110, 110, 80, "input x")
        + _box(510, 110, 110, 80, "output x̂")
        + _arrow(130, 150, 148, 150)
        + _arrow(252, 150, 268, 150)
        + _arrow(372, 150, 388, 150)
        + _arrow(492, 150, 508, 150)
        + _label(320, 212, "bottleneck")
        + _label(320, 284, "z holds far fewer numbers than x; training makes x̂ close to x")
        + _label(320, 302, "loss = ‖x − x̂‖²")
    )
    return _svg(
        "Autoencoder",
        "The encoder compresses the input to a small code; the decoder reconstructs the "
        "input from the code; training minimises the reconstruction error.",
        640,
        315,
        body,
    )


def _gan() -> str:
    body = (
        _box(20, 40, 120, 50, "noise z")
        + _box(190, 40, 140, 50, "Generator G", "dg-box dg-accent")
        + _box(380, 40, 120, 50, "fake G(z)")
        + _box(380, 170, 120, 50, "real x")
        + _box(190, 250, 140, 50, "Discriminator D", "dg-box dg-accent")
        + _box(20, 250, 120, 50, "real or fake?")
        + _arrow(140, 65, 188, 65)
        + _arrow(330, 65, 378, 65)
        + _arrow(440, 90, 320, 248)
        + _arrow(440, 220, 332, 262)
        + _arrow(190, 275, 142, 275)
        + '<path d="M80 248 C 80 160, 250 160, 258 92" class="dg-muted-line" fill="none" '
        'stroke-width="2" stroke-dasharray="6 5" marker-end="url(#dg-arrow)"/>'
        + _label(150, 170, "G learns from D's gradient")
        + _label(565, 258, "D: maximise log D(x)", "dg-small")
        + _label(565, 276, "+ log(1 − D(G(z)))", "dg-small")
        + _label(565, 302, "G: make D(G(z)) → 1", "dg-small")
    )
    return _svg(
        "Generative adversarial network",
        "The generator turns noise into fake samples; the discriminator sees real and fake "
        "samples and tells them apart; the generator is trained through the discriminator's "
        "judgement.",
        640,
        320,
        body,
    )


def _noise_square(x: float, y: float, noise: float, seed: int) -> str:
    """An 8x8 picture of a ring, with a share `noise` of its cells flipped at random."""
    cells = []
    state = seed
    for row in range(8):
        for col in range(8):
            state = (state * 1103515245 + 12345) % 2**31
            distance = ((row - 3.5) ** 2 + (col - 3.5) ** 2) ** 0.5
            ring = 1.9 <= distance <= 3.6
            flip = (state >> 8) % 1000 < noise * 1000
            css = "dg-cell-dark" if ring != flip else "dg-cell-light"
            cells.append(
                f'<rect x="{x + col * 9}" y="{y + row * 9}" width="9" height="9" class="{css}"/>'
            )
    return "".join(cells)


def _diffusion() -> str:
    parts = []
    labels = ["x0", "x1", "x2", "…", "xT"]
    for i, label in enumerate(labels):
        x = 30 + i * 125
        if label == "…":
            parts.append(_label(x + 36, 110, "…", "dg-text"))
        else:
            parts.append(_noise_square(x, 70, [0.0, 0.12, 0.28, 0.0, 0.5][i], 7 + i))
            parts.append(_label(x + 36, 165, label, "dg-text"))
        if i < len(labels) - 1:
            parts.append(_arrow(x + 80, 80, x + 118, 80, "dg-accent-line"))
            parts.append(_arrow(x + 118, 130, x + 80, 130, "dg-line"))
    parts.append(_label(320, 40, "forward process q(xₜ | xₜ₋₁): add a little Gaussian noise"))
    parts.append(_label(320, 200, "reverse process p_θ(xₜ₋₁ | xₜ): a network learns to remove it"))
    parts.append(_label(320, 230, "generate: start from pure noise xT and denoise step by step"))
    return _svg(
        "Diffusion model",
        "Data is turned into noise by many small noising steps; a network learns to undo one "
        "step at a time, so new samples are made by denoising pure noise.",
        640,
        245,
        "".join(parts),
    )


DIAGRAMS: dict[str, str] = {
    "attention": _attention(),
    "autoencoder": _autoencoder(),
    "gan": _gan(),
    "diffusion": _diffusion(),
}
