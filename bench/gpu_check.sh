#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: the GPU probe and the five GPU exercises' reference solutions
# graded on the device through bwrap and through Docker, each beside its CPU baseline of the same
# run. Prints nvidia-smi's view, torch.cuda.get_device_name() from inside each sandbox, and
# `name value unit` lines. Exits 2 at once, saying why, where there is no GPU.
#
# Needs (prepared before; the GPU host may have no network):
#   bwrap:  a sandbox Python with a CUDA build of torch, GPU_SANDBOX_PYTHON (default
#           .venv-sandbox-cuda/bin/python), made elsewhere with
#             python3 -m venv .venv-sandbox-cuda && .venv-sandbox-cuda/bin/pip install \
#               numpy==2.4.6 torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128
#   docker: the image academy-sandbox:cuda (sandbox/images/build-base.sh --variant cuda) and
#           the NVIDIA container toolkit. SKIP_DOCKER=1 grades through bwrap only.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PY:-$ROOT/.venv/bin/python}"
GPU_SANDBOX_PYTHON="${GPU_SANDBOX_PYTHON:-$ROOT/.venv-sandbox-cuda/bin/python}"

if [ ! -e /dev/nvidia0 ] || ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "gpu_check: no NVIDIA GPU on this machine (/dev/nvidia0 or nvidia-smi is missing):" \
        "run it on a GPU host" >&2
    exit 2
fi
nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader

export DJANGO_SETTINGS_MODULE=config.test_settings SANDBOX_GPUS=1
status=0

if [ ! -x "$GPU_SANDBOX_PYTHON" ]; then
    echo "gpu_check: bwrap: no sandbox Python at $GPU_SANDBOX_PYTHON (see the header of $0)" >&2
    status=1
elif ! cuda="$("$GPU_SANDBOX_PYTHON" -c 'import torch; print(torch.version.cuda or "")')" \
        || [ -z "$cuda" ]; then
    echo "gpu_check: bwrap: the torch of $GPU_SANDBOX_PYTHON is not a CUDA build" >&2
    status=1
else
    echo "# bwrap: torch built for CUDA $cuda"
    SANDBOX_BACKEND=bwrap SANDBOX_PYTHON="$GPU_SANDBOX_PYTHON" "$PY" bench/gpu_check.py || status=1
fi

if [ "${SKIP_DOCKER:-0}" = 1 ]; then
    echo "# docker: skipped (SKIP_DOCKER=1)"
elif ! docker info >/dev/null 2>&1; then
    echo "gpu_check: docker: no Docker daemon answers (make docker-daemon)" >&2
    status=1
elif ! docker image inspect "${SANDBOX_DOCKER_GPU_IMAGE:-academy-sandbox:cuda}" >/dev/null 2>&1; then
    echo "gpu_check: docker: no image ${SANDBOX_DOCKER_GPU_IMAGE:-academy-sandbox:cuda}" \
        "(sandbox/images/build-base.sh --variant cuda)" >&2
    status=1
else
    SANDBOX_BACKEND=docker "$PY" bench/gpu_check.py || status=1
fi
exit "$status"
