#!/usr/bin/env bash
# Builds every image of docker-compose.yml, also where no image registry can be reached:
#   academy-app:latest    web, beat and workers (Dockerfile)
#   academy-proxy:latest  nginx with the collected static files (deploy/proxy/)
#   academy-db:latest     PostgreSQL 15 from Debian's packages (deploy/db/)
#   academy-redis:latest  Redis from Debian's packages (deploy/redis/)
#   academy-sandbox:cpu   the workers' sandbox image (sandbox/images/build-base.sh --if-stale)
#
# Bases: $BASE_IMAGE for the app image and $DEBIAN_BASE_IMAGE for the others when set; else the
# official python:3.11-slim and debian:bookworm-slim when present or pullable; else the
# debootstrap-made academy-sandbox-base:bookworm that build-base.sh made for the sandbox image.
# Each image carries a label with the hash of its sources and base; an image whose label matches
# is not built again, so a second run with nothing changed takes seconds. Builds run with
# --network host (apt-get reaches its mirror through the host: dockerd here has no bridge) and the legacy builder, which needs no buildx plugin.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOCKER_BUILDKIT=0
FALLBACK_BASE=academy-sandbox-base:bookworm

sandbox/images/build-base.sh --if-stale >/dev/null

# Prints $1 if it is here or can be pulled, else the registry-free Debian base.
pick_base() {
    if docker image inspect "$1" >/dev/null 2>&1 || timeout 30 docker pull -q "$1" >/dev/null 2>&1; then
        echo "$1"
    elif docker image inspect "$FALLBACK_BASE" >/dev/null 2>&1; then
        echo "$FALLBACK_BASE"
    else
        echo "Neither $1 nor $FALLBACK_BASE is here; set BASE_IMAGE and DEBIAN_BASE_IMAGE" >&2
        exit 1
    fi
}

# The editor bundle of the app image: make rebuilds it when the lock or the source is newer, so a
# stale bundle is never shipped.
make -s static/js/editor.bundle.js
# The interface's compiled translations (.mo), build output beside their committed .po sources.
make -s compiled-messages

# The build context: the repository's files (tracked, or new and not ignored), the editor
# bundle and the compiled translations, which git ignores because `make setup` builds them.
# -h follows symbolic links (a worktree links the bundle from the main checkout).
work="$(mktemp -d /var/tmp/academy-deploy.XXXXXX)"
trap 'rm -rf "$work"' EXIT
files="$work/files"
mkdir "$work/wheels"
{ git ls-files -co --exclude-standard; echo static/js/editor.bundle.js; ls locale/*/LC_MESSAGES/*.mo; } \
    | sort -u | while read -r path; do [ -f "$path" ] && echo "$path"; done >"$files"
context_hash="$(tr '\n' '\0' <"$files" | xargs -0 sha256sum | sha256sum | cut -c1-16)"

# fresh TAG SOURCE_HASH: the image is here and was built from these sources.
fresh() {
    [ "$(docker image inspect -f '{{index .Config.Labels "academy.build.source"}}' \
        "$1" 2>/dev/null)" = "$2" ]
}

# build TAG DOCKERFILE SOURCE_HASH [--build-arg ...]
build() {
    local tag="$1" dockerfile="$2" source="$3"
    shift 3
    fresh "$tag" "$source" && return
    echo "Building $tag" >&2
    local log
    log="$(mktemp)"
    # The old image, if any, becomes a dangling one once the tag moves: removed after the build.
    local old
    old="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
    if ! tar -c -h -T "$files" -C "$work" wheels | docker build --network host --force-rm -q -f "$dockerfile" \
            --label "academy.build.source=$source" "$@" -t "$tag" - >"$log" 2>&1; then
        tail -30 "$log" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log"
    if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]; then
        docker image rm "$old" >/dev/null 2>&1 || true
    fi
    # The untagged images of build stages (Dockerfile: LABEL academy.build.stage).
    docker image prune -f --filter label=academy.build.stage >/dev/null
}

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

app_base="${BASE_IMAGE:-$(pick_base python:3.11-slim)}"
# The app's packages as wheels, downloaded by pip in a throwaway container of the base itself
# (so that requirement markers see its exact Python, e.g. redis's async-timeout below 3.11.3)
# on the host's network and with the host's certificate authorities; the image then installs
# them with --no-index.
HOST_CA="${HOST_CA:-/etc/ssl/certs/ca-certificates.crt}"
if ! fresh academy-app:latest "$context_hash-$app_base"; then
    docker run --rm --network host -u "$(id -u):$(id -g)" -e HOME=/tmp \
        -e PIP_CERT=/etc/ssl/host-ca.crt -v "$HOST_CA:/etc/ssl/host-ca.crt:ro" \
        -v "$ROOT/requirements/app.txt:/tmp/app.txt:ro" -v "$work/wheels:/tmp/wheels" \
        "$app_base" sh -c 'python3 -m venv /tmp/pip && /tmp/pip/bin/pip download -q \
            --disable-pip-version-check -r /tmp/app.txt -d /tmp/wheels'
fi
debian_base="${DEBIAN_BASE_IMAGE:-$(pick_base debian:bookworm-slim)}"

build academy-app:latest Dockerfile "$context_hash-$app_base" --build-arg "BASE_IMAGE=$app_base"
app_id="$(docker image inspect -f '{{.Id}}' academy-app:latest)"
build academy-proxy:latest deploy/proxy/Dockerfile \
    "$(hash_of deploy/proxy/Dockerfile deploy/proxy/nginx.conf)-$app_id-$debian_base" \
    --build-arg "BASE_IMAGE=$debian_base" --build-arg APP_IMAGE=academy-app:latest
build academy-db:latest deploy/db/Dockerfile \
    "$(hash_of deploy/db/Dockerfile deploy/db/entrypoint.sh)-$debian_base" \
    --build-arg "BASE_IMAGE=$debian_base"
build academy-redis:latest deploy/redis/Dockerfile \
    "$(hash_of deploy/redis/Dockerfile)-$debian_base" --build-arg "BASE_IMAGE=$debian_base"
