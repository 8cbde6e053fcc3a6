"""Diagrams of model architectures: attention, autoencoder, GAN, diffusion, RNN, families."""

from courseware.diagrams.shapes import arrow, box, svg_diagram, text_label


def _attention() -> str:
    tokens = ["The", "cat", "sat", "down"]
    weights = [0.10, 0.25, 0.55, 0.10]
    parts = []
    for i, (token, weight) in enumerate(zip(tokens, weights, strict=True)):
        x = 40 + i * 150
        parts.append(arrow(x + 55, 236, 345, 120, "dg-accent-line", 1 + weight * 10))
        parts.append(
            f'<rect x="{x}" y="238" width="110" height="52" rx="8" class="dg-box"/>'
            f'<text x="{x + 55}" y="260" text-anchor="middle" class="dg-text">{token}</text>'
            f'<text x="{x + 55}" y="280" text-anchor="middle" class="dg-weight">'
            f"a{i + 1} = {weight:.2f}</text>"
        )
        parts.append(text_label(x + 55, 306, f"key k{i + 1}, value v{i + 1}"))
    parts.append(box(270, 76, 150, 44, "output z3", "dg-box dg-accent"))
    parts.append(arrow(345, 76, 345, 40))
    parts.append(text_label(345, 28, "z3 = a1·v1 + a2·v2 + a3·v3 + a4·v4"))
    parts.append(text_label(440, 103, "query q3 (from “sat”)", "dg-small dg-left"))
    parts.append(
        text_label(320, 334, "aᵢ = softmax(q3 · kᵢ / √d): how much “sat” attends to each token")
    )
    return svg_diagram(
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
        + text_label(200, 155, "encoder", "dg-text")
        + '<polygon points="390,100 490,40 490,260 390,200" class="dg-box"/>'
        + text_label(440, 155, "decoder", "dg-text")
        + box(270, 110, 100, 80, "code z", "dg-box dg-accent")
        + box(20, 110, 110, 80, "input x")
        + box(510, 110, 110, 80, "output x̂")
        + arrow(130, 150, 148, 150)
        + arrow(252, 150, 268, 150)
        + arrow(372, 150, 388, 150)
        + arrow(492, 150, 508, 150)
        + text_label(320, 212, "bottleneck")
        + text_label(320, 284, "z holds far fewer numbers than x; training makes x̂ close to x")
        + text_label(320, 302, "loss = ‖x − x̂‖²")
    )
    return svg_diagram(
        "Autoencoder",
        "The encoder compresses the input to a small code; the decoder reconstructs the "
        "input from the code; training minimises the reconstruction error.",
        640,
        315,
        body,
    )


def _gan() -> str:
    body = (
        box(20, 40, 120, 50, "noise z")
        + box(190, 40, 140, 50, "Generator G", "dg-box dg-accent")
        + box(380, 40, 120, 50, "fake G(z)")
        + box(380, 170, 120, 50, "real x")
        + box(190, 250, 140, 50, "Discriminator D", "dg-box dg-accent")
        + box(20, 250, 120, 50, "real or fake?")
        + arrow(140, 65, 188, 65)
        + arrow(330, 65, 378, 65)
        + arrow(440, 90, 320, 248)
        + arrow(440, 220, 332, 262)
        + arrow(190, 275, 142, 275)
        + '<path d="M80 248 C 80 160, 250 160, 258 92" class="dg-muted-line" fill="none" '
        'stroke-width="2" stroke-dasharray="6 5" marker-end="url(#dg-arrow)"/>'
        + text_label(150, 170, "G learns from D's gradient")
        + text_label(565, 258, "D: maximise log D(x)", "dg-small")
        + text_label(565, 276, "+ log(1 − D(G(z)))", "dg-small")
        + text_label(565, 302, "G: make D(G(z)) → 1", "dg-small")
    )
    return svg_diagram(
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
            parts.append(text_label(x + 36, 110, "…", "dg-text"))
        else:
            parts.append(_noise_square(x, 70, [0.0, 0.12, 0.28, 0.0, 0.5][i], 7 + i))
            parts.append(text_label(x + 36, 165, label, "dg-text"))
        if i < len(labels) - 1:
            parts.append(arrow(x + 80, 80, x + 118, 80, "dg-accent-line"))
            parts.append(arrow(x + 118, 130, x + 80, 130, "dg-line"))
    parts.append(text_label(320, 40, "forward process q(xₜ | xₜ₋₁): add a little Gaussian noise"))
    parts.append(
        text_label(320, 200, "reverse process p_θ(xₜ₋₁ | xₜ): a network learns to remove it")
    )
    parts.append(
        text_label(320, 230, "generate: start from pure noise xT and denoise step by step")
    )
    return svg_diagram(
        "Diffusion model",
        "Data is turned into noise by many small noising steps; a network learns to undo one "
        "step at a time, so new samples are made by denoising pure noise.",
        640,
        245,
        "".join(parts),
    )


def _rnn() -> str:
    parts = [
        box(30, 110, 90, 56, "RNN cell", "dg-box dg-accent"),
        '<path d="M100 110 C 130 60, 20 60, 50 108" class="dg-line" fill="none" '
        'stroke-width="2" marker-end="url(#dg-arrow)"/>',
        text_label(75, 60, "h feeds back"),
        arrow(75, 215, 75, 168),
        text_label(75, 232, "x_t", "dg-text"),
        arrow(75, 110, 75, 95),
        text_label(165, 145, "=", "dg-text"),
    ]
    for step in range(3):
        x = 200 + step * 145
        parts.append(box(x, 110, 100, 56, f"cell (t={step + 1})"))
        parts.append(arrow(x + 50, 215, x + 50, 168))
        parts.append(text_label(x + 50, 232, f"x{step + 1}", "dg-text"))
        parts.append(arrow(x + 50, 110, x + 50, 70))
        parts.append(text_label(x + 50, 60, f"h{step + 1}", "dg-text"))
        if step < 2:
            parts.append(arrow(x + 100, 138, x + 143, 138, "dg-accent-line"))
    parts.append(
        text_label(420, 270, "the same weights at every step: hₜ = tanh(W·hₜ₋₁ + U·xₜ + b)")
    )
    return svg_diagram(
        "Recurrent neural network",
        "An RNN cell reads one input per time step and passes its hidden state to the next "
        "step; unrolled over time it is a chain of copies of the same cell, sharing weights.",
        640,
        290,
        "".join(parts),
    )


def _model_families() -> str:
    families = [
        ("Text", ["GPT-4", "LLaMA", "Claude", "Falcon", "Mistral"]),
        ("Image", ["DALL-E", "Stable Diffusion", "Midjourney", "Imagen"]),
        ("Video", ["Phenaki", "Make-A-Video", "CogVideo"]),
        ("Multimodal", ["GPT-4 Vision", "CLIP", "BLIP-2", "Flamingo"]),
    ]
    parts = []
    for index, (name, models) in enumerate(families):
        x = 15 + index * 155
        parts.append(box(x, 20, 145, 44, name, "dg-box dg-accent"))
        parts.append(
            f'<rect x="{x}" y="72" width="145" height="{22 * len(models) + 14}" rx="8" '
            'class="dg-box"/>'
        )
        for line, model in enumerate(models):
            parts.append(text_label(x + 72, 96 + line * 22, model))
    return svg_diagram(
        "Generative AI models by output",
        "The models of this module grouped by what they produce: text (GPT-4, LLaMA, Claude, "
        "Falcon, Mistral), images (DALL-E, Stable Diffusion, Midjourney, Imagen), video "
        "(Phenaki, Make-A-Video, CogVideo) and several modalities (GPT-4 Vision, CLIP, BLIP-2, "
        "Flamingo).",
        640,
        210,
        "".join(parts),
    )


NETWORKS: dict[str, str] = {
    "rnn": _rnn(),
    "model-families": _model_families(),
    "attention": _attention(),
    "autoencoder": _autoencoder(),
    "gan": _gan(),
    "diffusion": _diffusion(),
}
