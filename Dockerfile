# cfmock in a container: docker build -t cfmock . && docker run -p 8780:8780 -v cfmock-data:/data cfmock
# Checked without a Docker engine by .ci/docker-check, which runs this file's
# build stage in a fresh Debian bookworm root and the runtime stage's files in
# an empty chroot: keep every instruction in the forms it reads (RUN in shell
# form, COPY with literal paths, JSON arrays for HEALTHCHECK and ENTRYPOINT).

# Build: the packages .ci/deps installs for building (not --test), then an
# optimised build of the server alone, as .ci/serve makes it.
FROM debian:bookworm AS build
COPY .ci/deps /tmp/deps
RUN bash /tmp/deps
WORKDIR /src
COPY . .
RUN meson setup /build --buildtype=release \
 && meson compile -C /build src/cfmock:executable
# The runtime image's files, staged: the binary, every library ldd lists for it
# (the dynamic loader included) at the path ldd gives, an empty /tmp, and a
# passwd/group naming the user it runs as. Fails if ldd cannot find a library.
RUN set -eu; \
    ldd /build/src/cfmock > /tmp/ldd; \
    cat /tmp/ldd; \
    if grep -q 'not found' /tmp/ldd; then echo 'cfmock: a library is missing' >&2; exit 1; fi; \
    mkdir -p /stage/root/etc /stage/root/tmp /stage/data; \
    chmod 1777 /stage/root/tmp; \
    cp /build/src/cfmock /stage/root/cfmock; \
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' /tmp/ldd \
      | xargs cp --parents --dereference -t /stage/root; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\ncfmock:x:65532:65532:cfmock:/data:/sbin/nologin\n' \
      > /stage/root/etc/passwd; \
    printf 'root:x:0:\ncfmock:x:65532:\n' > /stage/root/etc/group; \
    chown 65532:65532 /stage/data

# Runtime: nothing but those files (no shell, no package manager), as user
# cfmock (65532), serving on 0.0.0.0:8780 with its database in the volume /data.
# Every flag is also a CFMOCK_* variable: docker run -e CFMOCK_AUTH=strict ...
FROM scratch
COPY --from=build /stage/root/ /
COPY --from=build --chown=65532:65532 /stage/data /data
ENV CFMOCK_BIND=0.0.0.0 CFMOCK_PORT=8780 CFMOCK_DB=/data/cfmock.db
USER 65532:65532
EXPOSE 8780
VOLUME /data
HEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD ["/cfmock", "--healthcheck"]
ENTRYPOINT ["/cfmock"]
