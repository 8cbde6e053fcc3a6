"""Our own SVG diagrams for core ideas, shown in place of figures that were never supplied.

A course maps a missing figure file to one of these names in course.yaml (`figures:`). The
markup is ours, so it is inserted after the lesson HTML has been sanitized. Colours come from
CSS classes (static/css/site.css) so the diagrams follow the site's theme. Each has a <title>
and a <desc> (its text alternative) that the <svg> is labelled by.
"""

import math

_ARROW = (
    '<defs><marker id="dg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" '
    'markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
    '<path d="M0 0L10 5L0 10z" class="dg-arrowhead"/></marker></defs>'
)


def _svg(title: str, description: str, width: int, height: int, body: str) -> str:
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


def _ai_ml_dl() -> str:
    rings = [
        (20, 20, 600, 300, "Artificial intelligence", "search, rules, planning, learning"),
        (70, 75, 500, 235, "Machine learning", "models that learn patterns from data"),
        (120, 130, 400, 170, "Deep learning", "many-layered neural networks"),
        (180, 185, 280, 100, "Generative AI", "models that create new data"),
    ]
    parts = []
    for index, (x, y, w, h, name, note) in enumerate(rings):
        css = "dg-box dg-accent" if index == len(rings) - 1 else "dg-box"
        parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="16" class="{css}"/>')
        parts.append(_label(x + w / 2, y + 24, name, "dg-text"))
        parts.append(_label(x + w / 2, y + 42, note))
    return _svg(
        "AI, machine learning and deep learning",
        "Nested fields: artificial intelligence contains machine learning, which contains deep "
        "learning, which contains generative AI.",
        640,
        340,
        "".join(parts),
    )


def _ai_applications() -> str:
    fields = [
        ("Healthcare", "diagnosis from scans"),
        ("Finance", "fraud detection"),
        ("Transport", "driver assistance"),
        ("Retail", "recommendations"),
        ("Manufacturing", "predictive maintenance"),
        ("Media", "content creation"),
    ]
    parts = []
    for index, (name, example) in enumerate(fields):
        angle = math.pi * 2 * index / len(fields) - math.pi / 2
        x, y = 320 + 225 * math.cos(angle), 168 + 125 * math.sin(angle)
        parts.append(
            f'<line x1="320" y1="168" x2="{x:.1f}" y2="{y:.1f}" class="dg-muted-line" '
            'stroke-width="2"/>'
        )
        parts.append(
            f'<rect x="{x - 85:.1f}" y="{y - 24:.1f}" width="170" height="48" rx="8" '
            'class="dg-box"/>'
        )
        parts.append(_label(round(x, 1), round(y - 3, 1), name, "dg-text"))
        parts.append(_label(round(x, 1), round(y + 15, 1), example))
    parts.append(_box(250, 140, 140, 56, "AI", "dg-box dg-accent"))
    return _svg(
        "Applications of AI",
        "AI at the centre, with examples from six fields: healthcare (diagnosis from scans), "
        "finance (fraud detection), transport (driver assistance), retail (recommendations), "
        "manufacturing (predictive maintenance) and media (content creation).",
        640,
        340,
        "".join(parts),
    )


def _math_for_ml() -> str:
    pillars = [
        ("Linear algebra", "vectors, matrices:", "data and weights"),
        ("Probability", "distributions:", "uncertainty, sampling"),
        ("Calculus", "derivatives:", "gradients for training"),
    ]
    parts = []
    for index, (name, line1, line2) in enumerate(pillars):
        x = 30 + index * 205
        parts.append(_box(x, 30, 170, 50, name))
        parts.append(_label(x + 85, 100, line1))
        parts.append(_label(x + 85, 118, line2))
        parts.append(_arrow(x + 85, 128, 320, 188))
    parts.append(_box(200, 190, 240, 54, "a machine learning model", "dg-box dg-accent"))
    return _svg(
        "Mathematics for machine learning",
        "Three areas of mathematics feed every model: linear algebra represents data and "
        "weights, probability describes uncertainty and sampling, and calculus gives the "
        "gradients used in training.",
        640,
        260,
        "".join(parts),
    )


def _curve(points: list[tuple[float, float]], css: str, dash: str = "") -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{coords}" class="{css}" stroke-width="2.5" fill="none"{extra}/>'


def _loss_functions() -> str:
    # Loss against the error e = prediction - target, for e in [-3, 3], drawn to scale.
    def plot(loss: object) -> list[tuple[float, float]]:
        assert callable(loss)
        samples = [-3 + step * 0.1 for step in range(61)]
        return [(320 + e * 80, 250 - min(float(loss(e)), 4.6) * 45) for e in samples]

    def huber(e: float) -> float:
        return 0.5 * e * e if abs(e) <= 1 else abs(e) - 0.5

    body = (
        _arrow(70, 250, 580, 250)
        + _arrow(320, 262, 320, 30)
        + _label(575, 240, "error e", "dg-small")
        + _label(320, 22, "loss")
        + _curve(plot(lambda e: 0.5 * e * e), "dg-accent-line")
        + _curve(plot(abs), "dg-line", "7 5")
        + _curve(plot(huber), "dg-muted-line", "2 4")
        + _label(200, 290, "solid: squared error (MSE), ½e²", "dg-small dg-left")
        + _label(200, 308, "dashed: absolute error (MAE), |e|", "dg-small dg-left")
        + _label(200, 326, "dotted: Huber, squared near 0 and linear beyond", "dg-small dg-left")
        + _label(320, 354, "MSE punishes large errors most; MAE and Huber are kinder to outliers")
    )
    return _svg(
        "Common loss functions",
        "Loss plotted against the error: squared error grows as a parabola, absolute error as a "
        "V, and the Huber loss is squared near zero and linear further out, so it is less "
        "sensitive to outliers than squared error.",
        640,
        370,
        body,
    )


def _rnn() -> str:
    parts = [
        _box(30, 110, 90, 56, "RNN cell", "dg-box dg-accent"),
        '<path d="M100 110 C 130 60, 20 60, 50 108" class="dg-line" fill="none" '
        'stroke-width="2" marker-end="url(#dg-arrow)"/>',
        _label(75, 60, "h feeds back"),
        _arrow(75, 215, 75, 168),
        _label(75, 232, "x_t", "dg-text"),
        _arrow(75, 110, 75, 95),
        _label(165, 145, "=", "dg-text"),
    ]
    for step in range(3):
        x = 200 + step * 145
        parts.append(_box(x, 110, 100, 56, f"cell (t={step + 1})"))
        parts.append(_arrow(x + 50, 215, x + 50, 168))
        parts.append(_label(x + 50, 232, f"x{step + 1}", "dg-text"))
        parts.append(_arrow(x + 50, 110, x + 50, 70))
        parts.append(_label(x + 50, 60, f"h{step + 1}", "dg-text"))
        if step < 2:
            parts.append(_arrow(x + 100, 138, x + 143, 138, "dg-accent-line"))
    parts.append(_label(420, 270, "the same weights at every step: hₜ = tanh(W·hₜ₋₁ + U·xₜ + b)"))
    return _svg(
        "Recurrent neural network",
        "An RNN cell reads one input per time step and passes its hidden state to the next "
        "step; unrolled over time it is a chain of copies of the same cell, sharing weights.",
        640,
        290,
        "".join(parts),
    )


def _training_pipeline() -> str:
    steps = ["data", "preprocess", "architecture", "train", "evaluate"]
    parts = []
    for index, name in enumerate(steps):
        x = 15 + index * 126
        css = "dg-box dg-accent" if name == "train" else "dg-box"
        parts.append(_box(x, 60, 112, 50, name, css))
        if index < len(steps) - 1:
            parts.append(_arrow(x + 112, 85, x + 124, 85))
    parts.append(
        '<path d="M580 112 C 580 190, 300 190, 290 114" class="dg-muted-line" fill="none" '
        'stroke-width="2" stroke-dasharray="6 5" marker-end="url(#dg-arrow)"/>'
    )
    parts.append(_label(430, 196, "not good enough: adjust and train again"))
    parts.append(
        _label(320, 30, "clean, normalise, augment · pick a model family · minimise a loss")
    )
    parts.append(_label(320, 232, "evaluate on held-out data with the metrics of the task"))
    return _svg(
        "Training a generative model",
        "The steps of training: collect data, preprocess it, choose an architecture, minimise a "
        "loss with an optimiser, and evaluate on held-out data, going back to adjust when the "
        "results are not good enough.",
        640,
        250,
        "".join(parts),
    )


def _few_shot() -> str:
    parts = [_label(150, 28, "support set: 2 classes × 3 examples", "dg-text")]
    for row, name in enumerate(["class A", "class B"]):
        y = 50 + row * 80
        parts.append(_label(45, y + 30, name, "dg-small"))
        for col in range(3):
            css = "dg-cell-dark" if row == 0 else "dg-cell-light"
            parts.append(
                f'<rect x="{90 + col * 60}" y="{y}" width="46" height="46" rx="6" '
                f'class="{css}" stroke="#5b6475"/>'
            )
        parts.append(_arrow(270, y + 23, 330, y + 23))
        parts.append(_box(335, y, 130, 46, f"prototype {name[-1]}", "dg-box"))
    parts.append(_box(520, 170, 100, 46, "query", "dg-box dg-accent"))
    parts.append(_arrow(540, 168, 468, 80, "dg-accent-line"))
    parts.append(_arrow(540, 218, 468, 160, "dg-muted-line"))
    parts.append(_label(320, 250, "embed everything with a pre-trained network;"))
    parts.append(_label(320, 268, "the query takes the class of the nearest prototype (here A)"))
    return _svg(
        "Few-shot learning",
        "Few-shot classification: a support set gives three examples of each of two classes; "
        "their embeddings are averaged into prototypes, and a query example is given the class "
        "of the nearest prototype.",
        640,
        285,
        "".join(parts),
    )


def _zero_shot() -> str:
    classes = [("horse", "hooves, mane", 95), ("tiger", "stripes, feline", 160)]
    parts = [_label(130, 30, "classes seen in training", "dg-text")]
    parts.append('<ellipse cx="420" cy="150" rx="120" ry="105" class="dg-box"/>')
    parts.append(_label(420, 66, "shared embedding space", "dg-small"))
    for name, words, y in classes:
        parts.append(_box(20, y - 25, 220, 44, f"{name}: {words}"))
        parts.append(_arrow(240, y - 3, 372, y - 3))
        parts.append(f'<circle cx="380" cy="{y - 3}" r="6" class="dg-box"/>')
        parts.append(_label(410, y + 2, name, "dg-small dg-left"))
    parts.append(_label(130, 210, "a class never seen", "dg-text"))
    parts.append(_box(20, 225, 220, 44, "zebra: hooves, stripes", "dg-box dg-accent"))
    parts.append(_arrow(240, 247, 392, 222, "dg-accent-line"))
    parts.append('<circle cx="400" cy="220" r="6" class="dg-box dg-accent"/>')
    parts.append(_label(430, 225, "zebra", "dg-small dg-left"))
    parts.append(_box(550, 195, 70, 44, "photo", "dg-box"))
    parts.append(_arrow(550, 217, 470, 214, "dg-line"))
    parts.append(_label(580, 260, "nearest: zebra", "dg-small"))
    parts.append(_label(320, 292, "class descriptions and images share one space, so a new class"))
    parts.append(_label(320, 310, "is recognised from its description alone"))
    return _svg(
        "Zero-shot learning",
        "Zero-shot classification: descriptions of classes and images are mapped into one "
        "shared space; a photo of a class never seen in training, such as a zebra, lands "
        "nearest the description hooves and stripes, so it is recognised from that "
        "description alone.",
        640,
        320,
        "".join(parts),
    )


def _fine_tuning() -> str:
    parts = [_label(190, 28, "pre-trained on a large data set", "dg-text")]
    for index in range(4):
        x = 30 + index * 85
        parts.append(_box(x, 50, 70, 100, f"layer {index + 1}"))
        parts.append(_label(x + 35, 170, "frozen"))
        if index < 3:
            parts.append(_arrow(x + 70, 100, x + 83, 100))
    parts.append(_arrow(370, 100, 418, 100, "dg-accent-line"))
    parts.append(_box(420, 50, 90, 100, "new head", "dg-box dg-accent"))
    parts.append(_label(465, 170, "trained"))
    parts.append(_arrow(510, 100, 560, 100))
    parts.append(_label(595, 105, "output", "dg-text"))
    parts.append(_label(320, 210, "small task data set → train the new head (lower layers kept)"))
    parts.append(
        _label(320, 230, "then optionally unfreeze upper layers with a small learning rate")
    )
    return _svg(
        "Fine-tuning a pre-trained model",
        "Fine-tuning: the layers of a network pre-trained on a large data set are kept frozen "
        "and a new output head is trained on the small task data; upper layers may later be "
        "unfrozen and trained with a small learning rate.",
        640,
        245,
        "".join(parts),
    )


def _timeline() -> str:
    events = [
        ("2014", "GAN"),
        ("2017", "Transformer"),
        ("2018", "GPT-1, BERT"),
        ("2020", "GPT-3, DDPM"),
        ("2021", "DALL-E, CLIP"),
        ("2022", "Stable Diffusion, ChatGPT"),
        ("2023", "GPT-4, LLaMA, Mistral 7B"),
    ]
    parts = [_arrow(20, 60, 625, 60)]
    for index, (year, names) in enumerate(events):
        x = 45 + index * 90
        parts.append(f'<circle cx="{x}" cy="60" r="6" class="dg-box dg-accent"/>')
        parts.append(_label(x, 45, year, "dg-text"))
        lines = names.split(", ")
        for line, name in enumerate(lines):
            # Alternate below and far below the line so neighbouring labels do not collide.
            top = 88 if index % 2 == 0 else 88 + 16 * 3
            parts.append(_label(x, top + line * 16, name))
    return _svg(
        "A timeline of generative AI",
        "Milestones: GANs (2014), the Transformer (2017), GPT-1 and BERT (2018), GPT-3 and "
        "DDPM diffusion models (2020), DALL-E and CLIP (2021), Stable Diffusion and ChatGPT "
        "(2022), GPT-4, LLaMA and Mistral 7B (2023).",
        640,
        180,
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
        parts.append(_box(x, 20, 145, 44, name, "dg-box dg-accent"))
        parts.append(
            f'<rect x="{x}" y="72" width="145" height="{22 * len(models) + 14}" rx="8" '
            'class="dg-box"/>'
        )
        for line, model in enumerate(models):
            parts.append(_label(x + 72, 96 + line * 22, model))
    return _svg(
        "Generative AI models by output",
        "The models of this module grouped by what they produce: text (GPT-4, LLaMA, Claude, "
        "Falcon, Mistral), images (DALL-E, Stable Diffusion, Midjourney, Imagen), video "
        "(Phenaki, Make-A-Video, CogVideo) and several modalities (GPT-4 Vision, CLIP, BLIP-2, "
        "Flamingo).",
        640,
        210,
        "".join(parts),
    )


DIAGRAMS: dict[str, str] = {
    "ai-ml-dl": _ai_ml_dl(),
    "ai-applications": _ai_applications(),
    "math-for-ml": _math_for_ml(),
    "loss-functions": _loss_functions(),
    "rnn": _rnn(),
    "training-pipeline": _training_pipeline(),
    "few-shot": _few_shot(),
    "zero-shot": _zero_shot(),
    "fine-tuning": _fine_tuning(),
    "timeline": _timeline(),
    "model-families": _model_families(),
    "attention": _attention(),
    "autoencoder": _autoencoder(),
    "gan": _gan(),
    "diffusion": _diffusion(),
}
