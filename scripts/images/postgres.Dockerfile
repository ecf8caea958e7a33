# The drill's PostgreSQL 15, built offline on the base image (scripts/build-images.sh).
ARG BASE
FROM ${BASE}
COPY postgres-entrypoint.sh /usr/local/bin/drill-postgres
RUN chmod 0755 /usr/local/bin/drill-postgres \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
    && chmod 0700 /var/lib/postgresql/data
USER postgres
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EXPOSE 5432
HEALTHCHECK --interval=1s --timeout=3s --retries=60 CMD pg_isready -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}" -q
ENTRYPOINT ["/usr/local/bin/drill-postgres"]
