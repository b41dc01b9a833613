#!/usr/bin/env bash
# Checks the container image without a registry: builds a Debian bookworm base
# locally with debootstrap, builds the Dockerfile's own runtime stage on it with
# a prebuilt release binary standing in for the `build` stage, runs it with
# podman and checks what an operator relies on:
#   - the process runs as the non-root user `masthead` (uid 10001);
#   - /data is a volume and holds the SQLite file, the signing key and the
#     first admin's password file, owned by that user;
#   - the image's HEALTHCHECK passes (`podman healthcheck run`);
#   - the server serves the demo newsroom (/readyz, the article list);
#   - `podman stop` (SIGTERM) drains and exits 0.
#
#   ops/image-check.sh                      # builds target/release/masthead if missing
#   MASTHEAD_BINARY=path/to/masthead ops/image-check.sh
#
# Needs podman, debootstrap and (where crun cannot run containers, as in some
# VMs) runc: apt-get install podman debootstrap runc. Network access to the
# Debian mirror (debootstrap, and apt-get inside the runtime stage).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
binary="${MASTHEAD_BINARY:-target/release/masthead}"
base="docker.io/library/debian:bookworm-slim"
image="localhost/masthead:image-check"
container="masthead-image-check-$$"
port="${MASTHEAD_IMAGE_CHECK_PORT:-18990}"
work="$(mktemp -d /var/tmp/masthead-image-check.XXXXXX)"

fail() { echo "image check FAILED: $*" >&2; exit 1; }
for tool in podman debootstrap curl jq; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install podman debootstrap curl jq)"
done

podman_() { podman "${podman_flags[@]}" "$@"; }
cleanup() {
  podman_ rm -f -v "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
podman_flags=()
trap cleanup EXIT

if [ ! -x "$binary" ]; then
  echo "== building the release binary ($binary is missing)"
  cargo build --release --locked --bin masthead
  binary=target/release/masthead
fi

if podman image exists "$base"; then
  echo "== base $base: already built"
else
  echo "== base $base: debootstrap bookworm (minbase)"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  tar -C "$work/rootfs" -c . | podman import - "$base" >/dev/null
  rm -rf "$work/rootfs"
fi

echo "== image: the Dockerfile's runtime stage with $binary as the build stage's output"
mkdir -p "$work/build/src/target/release"
cp "$binary" "$work/build/src/target/release/masthead"
# --build-context replaces the `build` stage, so no Rust toolchain image is
# needed; chroot isolation runs the stage's RUN without cgroups.
podman build --quiet --format docker --pull=never --network host --isolation chroot \
  --build-context "build=$work/build" -t "$image" -f Dockerfile . >/dev/null

# crun refuses to start containers where the cgroup hierarchy is hybrid or
# CAP_SYS_RESOURCE is missing (some VMs); runc with cgroupfs and lowered
# limits runs there.
if ! podman run --rm --entrypoint /bin/true "$image" >/dev/null 2>&1; then
  command -v runc >/dev/null || fail "podman cannot run containers here with crun, and runc is not installed"
  podman_flags=(--runtime runc --cgroup-manager cgroupfs)
  run_flags=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
  echo "   (crun cannot run containers here: using runc with cgroupfs)"
else
  run_flags=()
fi

echo "== run"
# The health check is run by hand below: without systemd podman has no timer for it.
podman_ run -d --name "$container" "${run_flags[@]}" --health-interval disable -p "127.0.0.1:$port:8080" "$image" \
  2> >(grep -v 'systemd connection' >&2) >/dev/null
url="http://127.0.0.1:$port"
for _ in $(seq 1 60); do
  curl -fsS "$url/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$url/readyz" >/dev/null || { podman_ logs "$container" | tail -20; fail "the server did not become ready"; }

echo "== checks"
user=$(podman_ exec "$container" id -u)
[ "$user" = 10001 ] || fail "the server runs as uid $user, not 10001"
[ "$(podman_ exec "$container" sh -c 'ps -o user= -p 1 2>/dev/null || stat -c %U /proc/1')" = masthead ] \
  || fail "process 1 is not the masthead user's"
echo "   runs as masthead (uid 10001)"

volume=$(podman_ inspect "$container" --format '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Type}}{{end}}{{end}}')
[ "$volume" = volume ] || fail "/data is not a volume"
for file in masthead.db masthead.jwt.key masthead.admin-password; do
  owner=$(podman_ exec "$container" stat -c %U "/data/$file") || fail "/data/$file is missing"
  [ "$owner" = masthead ] || fail "/data/$file belongs to $owner"
done
[ "$(podman_ exec "$container" stat -c %a /data/masthead.jwt.key)" = 600 ] || fail "the signing key is readable by others"
echo "   /data is a volume holding masthead.db, masthead.jwt.key (0600) and masthead.admin-password"

healthcheck=$(podman_ image inspect "$image" --format '{{json .Config.Healthcheck.Test}}')
[ "$healthcheck" != null ] || fail "the image has no HEALTHCHECK"
podman_ healthcheck run "$container" >/dev/null || fail "the HEALTHCHECK ($healthcheck) fails"
echo "   HEALTHCHECK passes: $healthcheck"

articles=$(curl -fsS "$url/api/v1/articles" | jq '.data | length')
[ "$articles" -ge 1 ] || fail "the demo newsroom is not served"
graphql=$(curl -fsS "$url/graphql" -H 'content-type: application/json' \
  -d '{"query":"{ articles(first: 1) { edges { node { title } } } }"}' | jq -r '.data.articles.edges[0].node.title')
[ -n "$graphql" ] && [ "$graphql" != null ] || fail "GraphQL does not serve the demo"
echo "   serves the demo: $articles articles over REST, \"$graphql\" first over GraphQL"

podman_ stop -t 30 "$container" 2> >(grep -v 'systemd connection' >&2) >/dev/null
code=$(podman_ inspect "$container" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || fail "SIGTERM ended the server with exit code $code"
echo "   podman stop: drained and exited 0"

size=$(podman_ image inspect "$image" --format '{{.Size}}')
echo "image check passed in $(( $(date +%s) - started )) s (image $(( size / 1000000 )) MB)"
