# Multi-stage build of the one `masthead` binary.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin masthead

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --create-home masthead
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
