#!/usr/bin/env bash
# Builds the Docker backend's sandbox image (academy-sandbox:cpu by default) from
# sandbox/images/Dockerfile, also where no image registry can be reached.
#
# The base image is, in order: $BASE_IMAGE if set; python:3.11-slim if it is present or can be
# pulled; else a Debian bookworm root (python3.11, python3-venv) made with debootstrap from
# Debian's package mirror and loaded with `docker import` as academy-sandbox-base:bookworm.
# The CPU image installs numpy and torch from wheels that this host's pip downloads into the
# build context, so `docker build` itself runs with --network none.
#
# Usage: sandbox/images/build-base.sh [--variant cpu|cuda] [--tag NAME] [--if-stale]
#   --if-stale: do nothing when the image exists and was built from this Dockerfile and these
#         requirements (its academy.sandbox.source label holds their hash).
#   cuda: torch from $TORCH_INDEX_URL (default the cu128 index) inside the build, which then
#         needs the network; run it on a GPU host with the NVIDIA container toolkit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VARIANT=cpu
TAG=""
IF_STALE=false
while [ $# -gt 0 ]; do
    case "$1" in
        --variant) VARIANT="$2"; shift 2 ;;
        --tag) TAG="$2"; shift 2 ;;
        --if-stale) IF_STALE=true; shift ;;
        *) echo "usage: $0 [--variant cpu|cuda] [--tag NAME] [--if-stale]" >&2; exit 2 ;;
    esac
done
TAG="${TAG:-academy-sandbox:$VARIANT}"
SOURCE="$(cat "$HERE/Dockerfile" "$ROOT/requirements/sandbox.txt" | sha256sum | cut -c1-16)-$VARIANT"
if $IF_STALE && [ "$(docker image inspect -f '{{index .Config.Labels "academy.sandbox.source"}}' \
        "$TAG" 2>/dev/null)" = "$SOURCE" ]; then
    exit 0
fi
DEBIAN_BASE=academy-sandbox-base:bookworm
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PIP="${PIP:-$ROOT/.venv/bin/python -m pip}"
[ -x "$ROOT/.venv/bin/python" ] || PIP="python3 -m pip"
# The legacy builder: it needs no buildx plugin and honours --network none.
export DOCKER_BUILDKIT=0

work="$(mktemp -d /var/tmp/academy-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT

debian_base() {
    if docker image inspect "$DEBIAN_BASE" >/dev/null 2>&1; then
        return
    fi
    command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
    echo "Building $DEBIAN_BASE with debootstrap from $DEBIAN_MIRROR" >&2
    debootstrap --variant=minbase --include=python3,python3-venv \
        bookworm "$work/rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
        || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    # Package caches and lists are of no use in a read-only sandbox.
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    tar -C "$work/rootfs" --numeric-owner -c . \
        | docker import --change 'CMD ["python3"]' - "$DEBIAN_BASE" >/dev/null
    rm -rf "$work/rootfs"
}

if [ -z "${BASE_IMAGE:-}" ]; then
    if docker image inspect python:3.11-slim >/dev/null 2>&1 \
        || timeout 120 docker pull -q python:3.11-slim >/dev/null 2>&1; then
        BASE_IMAGE=python:3.11-slim
    else
        debian_base
        BASE_IMAGE="$DEBIAN_BASE"
    fi
fi

context="$work/context"
mkdir -p "$context/wheels"
cp "$HERE/Dockerfile" "$context/Dockerfile"
cp "$ROOT/requirements/sandbox.txt" "$context/requirements.txt"
network=(--network none)
build_args=(--build-arg "BASE_IMAGE=$BASE_IMAGE" --label "academy.sandbox.source=$SOURCE")
if [ "$VARIANT" = cpu ]; then
    $PIP download -qq --only-binary :all: --python-version 3.11 \
        -r "$context/requirements.txt" -d "$context/wheels"
    if ! ls "$context/wheels"/torch-*+cpu-*.whl >/dev/null 2>&1; then
        echo "pip found no CPU build of torch; refusing to put a CUDA build in the CPU image" >&2
        exit 1
    fi
else
    network=()
    build_args+=(--build-arg "TORCH_INDEX_URL=${TORCH_INDEX_URL:-https://download.pytorch.org/whl/cu128}")
fi
echo "Building $TAG on $BASE_IMAGE" >&2
docker build "${network[@]}" "${build_args[@]}" -t "$TAG" "$context" >"$work/build.log" 2>&1 \
    || { tail -30 "$work/build.log" >&2; exit 1; }
echo "$TAG"
