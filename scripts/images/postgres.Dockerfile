# The drill's PostgreSQL (15 on bookworm, 17 with pgvector on trixie), built offline on a
# base image of that major version's packages (scripts/build-images.sh).
ARG BASE
FROM ${BASE}
ARG PG_MAJOR=15
ENV PG_MAJOR=${PG_MAJOR}
COPY postgres-entrypoint.sh /usr/local/bin/drill-postgres
RUN chmod 0755 /usr/local/bin/drill-postgres \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
    && chmod 0700 /var/lib/postgresql/data
USER postgres
ENV PATH=/usr/lib/postgresql/${PG_MAJOR}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EXPOSE 5432
HEALTHCHECK --interval=1s --timeout=3s --retries=60 CMD pg_isready -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}" -q
ENTRYPOINT ["/usr/local/bin/drill-postgres"]
