"""Runs inside a GPU sandbox at a worker's start: says whether torch sees the device it was given.

It prints one JSON object: torch's version and CUDA build, torch.cuda.is_available(), how many
devices it sees (the sandbox is given exactly one), that device's name, and CUDA_VISIBLE_DEVICES.
Stdlib and torch only; the host reads the text of this file (sandbox/probe.py).
"""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    report: dict[str, object] = {"visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES", "")}
    try:
        import torch
    except ImportError as error:
        report["error"] = f"torch does not import: {error}"
        print(json.dumps(report))
        return 0
    report["torch"] = str(torch.__version__)
    report["cuda_build"] = torch.version.cuda
    available = bool(torch.cuda.is_available())
    report["available"] = available
    report["device_count"] = int(torch.cuda.device_count()) if available else 0
    if available:
        report["device_name"] = str(torch.cuda.get_device_name(0))
        # A tiny computation on the device: a driver that lists a device it cannot run on fails
        # here rather than in a learner's grading.
        value = (torch.ones(8, device="cuda") * 2).sum().item()
        report["computed"] = float(value)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
