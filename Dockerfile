# oncall-lint as a container image: a static musl binary on distroless, running as non-root.
#
#   docker build -t oncall-lint --build-arg ONCALL_LINT_BUILD_COMMIT="$(git rev-parse --short HEAD)" .
#   docker run --rm -v "$PWD:/work" oncall-lint deploy/oncall
#
# The build context leaves out .git (.dockerignore), so `--version` names a commit only when
# ONCALL_LINT_BUILD_COMMIT is given. Base images are pinned by version; bump them with the
# Rust version in docs/release.md's checklist.

# the rust image carries gcc and musl-dev; its default target is static x86_64/aarch64 musl
FROM rust:1.95.0-alpine3.22 AS build
WORKDIR /src
COPY . .
# the commit `oncall-lint --version` names (empty: the version alone)
ARG ONCALL_LINT_BUILD_COMMIT=""
RUN cargo build --release --locked --bin oncall-lint \
    && cp target/release/oncall-lint /oncall-lint \
    && /oncall-lint --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /oncall-lint /usr/local/bin/oncall-lint
# distroless `nonroot`, by number so that any runtime resolves it
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["oncall-lint"]
