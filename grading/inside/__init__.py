"""Programs that run inside sandboxes during grading (no Django here).

`learner_side.py` runs the learner's cells and answers requests; `test_side.py` runs the test
cells in a separate sandbox that never loads learner code; `wire.py` is the plain-data codec
both speak. The grader process relays messages between them (grading/pipeline.py).
"""
