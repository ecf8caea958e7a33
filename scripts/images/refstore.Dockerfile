# RefStore (the stand-in for the SovEcom API) on the base image: one static-stdlib binary
# that needs only glibc, libstdc++, libpq5, liboath0, libsqlite3-0 and libcurl4.
ARG BASE
FROM ${BASE}
# The release line the image serves and migrates to (refstore:1, refstore:2): RefStore reads it
# when --release is not given.
ARG RELEASE=1
ENV REFSTORE_RELEASE=${RELEASE}
COPY refstore /usr/local/bin/refstore
COPY refstore-entrypoint.sh /usr/local/bin/refstore-entrypoint
RUN chmod 0755 /usr/local/bin/refstore-entrypoint \
    && useradd --system --user-group --home-dir /data --create-home --shell /usr/sbin/nologin refstore \
    && chmod 0700 /data
EXPOSE 3000
ENTRYPOINT ["/usr/local/bin/refstore-entrypoint"]
CMD ["serve", "--listen", "0.0.0.0", "--http-port", "3000"]
