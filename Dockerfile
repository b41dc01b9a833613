# Multi-stage build of the one `masthead` binary. The Rust version is the
# channel of rust-toolchain.toml (.ci/run checks that they agree).
FROM rust:1.95.0-slim-bookworm AS build
WORKDIR /src

# Dependencies in their own cached layer: the manifests and the lock file with
# stub sources, so a change to Masthead's own code does not rebuild them.
COPY Cargo.toml Cargo.lock ./
COPY crates/domain/Cargo.toml crates/domain/
COPY crates/persistence/Cargo.toml crates/persistence/
COPY crates/api/Cargo.toml crates/api/
COPY migrations/Cargo.toml migrations/
COPY bench/ceiling/Cargo.toml bench/ceiling/
RUN mkdir -p src bench/ceiling/src crates/domain/src crates/persistence/src crates/api/src migrations/src \
 && echo 'fn main() {}' > src/main.rs \
 && echo 'fn main() {}' > bench/ceiling/src/main.rs \
 && touch crates/domain/src/lib.rs crates/persistence/src/lib.rs crates/api/src/lib.rs migrations/src/lib.rs \
 && cargo build --release --locked --bin masthead \
 && rm -rf src bench/ceiling/src crates/*/src migrations/src

# The real sources. COPY keeps their (older) modification times, so touch them
# or cargo would take the stubs' build for theirs.
COPY . .
RUN find src crates migrations bench -name '*.rs' -exec touch {} + \
 && cargo build --release --locked --bin masthead

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --create-home masthead \
 && install -d -o masthead -g masthead /data/media
COPY --from=build /src/target/release/masthead /usr/local/bin/masthead
USER masthead
WORKDIR /data
VOLUME ["/data"]
ENV MASTHEAD_BIND=0.0.0.0:8080 \
    MASTHEAD_DATABASE_URL=sqlite:///data/masthead.db?mode=rwc \
    MASTHEAD_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["masthead"]
CMD ["serve"]
