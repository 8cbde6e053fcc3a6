"""Programs that run inside the grading sandboxes (stdlib, NumPy and torch only; no Django here).

`learner.py` runs the learner's cells and answers requests; `tester.py` runs the test cells in
a separate sandbox that never loads learner code, against the stand-ins of `stand_ins.py`;
`protocol.py` names every message key and kind and holds the codec both speak, and
`schema.py` checks what the learner's side sends before anything is built from it. The
grader ships each side as a zip archive of these modules (grading/pipeline.py) and relays
the messages between them (grading/relay.py).
"""
