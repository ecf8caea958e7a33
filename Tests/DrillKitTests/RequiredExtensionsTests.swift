import Foundation
@testable import DrillKit
import Testing

/// What a dump needs before it restores, and what a person reads first when a restore fails many times.
@Suite struct RequiredExtensionsTests {
    /// `pg_restore --list` of a PostgreSQL 15 dump with three extensions.
    static let listing = """
        ;
        ; Archive created at 2026-12-01 16:30:00 UTC
        ;     dbname: e
        ;
        ; Selected TOC Entries:
        ;
        5; 2615 16550 SCHEMA - x postgres
        4; 3079 16551 EXTENSION - citext 
        3572; 0 0 COMMENT - EXTENSION citext 
        3; 3079 16422 EXTENSION - hstore 
        3573; 0 0 COMMENT - EXTENSION hstore 
        2; 3079 16385 EXTENSION - pgcrypto 
        3574; 0 0 COMMENT - EXTENSION pgcrypto 
        215; 1259 16634 TABLE public t postgres
        """

    @Test func readsTheTableOfContents() {
        #expect(RequiredExtensions.fromListing(Self.listing) == ["citext", "hstore", "pgcrypto"])
        #expect(RequiredExtensions.fromListing("215; 1259 16634 TABLE public t postgres\n").isEmpty)
    }

    @Test func readsAPlainDumpUpToItsFirstTable() throws {
        let path = NSTemporaryDirectory() + "plain-\(RandomToken.hex(bytes: 4)).sql"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            SET statement_timeout = 0;
            CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;
            CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;
            CREATE EXTENSION hstore;
            CREATE TABLE public.items (id bigint, embedding public.vector(3));
            CREATE EXTENSION IF NOT EXISTS not_an_extension_line_pg_dump_writes;
            """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(RequiredExtensions.fromPlainDump(path: path) == ["hstore", "uuid-ossp", "vector"])
    }

    @Test func theFindingNamesWhatProvidesTheExtension() {
        let finding = RestoreFindings.extensionMissing(["vector"], serverVersion: "15.18")
        #expect(finding.code == "extension-missing")
        #expect(finding.title == "The dump needs the extension vector, which PostgreSQL 15.18 here does not offer")
        #expect(finding.explanation.contains("pgvector/pgvector:pg15"))
        #expect(finding.explanation.contains("postgresql-15-pgvector"))
        #expect(StepFailure(finding: finding).verdict == .error, "the backup was never judged")
    }

    @Test func manyErrorsAreHeadedByTheirRootCauses() {
        let missingExtension = [
            "pg_restore: error: could not execute query: ERROR:  could not open extension control file \"/usr/share/postgresql/15/extension/vector.control\": No such file or directory\nCommand was: CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;",
            "pg_restore: error: could not execute query: ERROR:  type \"public.vector\" does not exist",
            "pg_restore: error: could not execute query: ERROR:  relation \"public.items\" does not exist",
        ] + Array(repeating: "pg_restore: error: could not execute query: ERROR:  relation \"public.items\" does not exist", count: 200)
        #expect(Restorer.headline(missingExtension) == "root cause: pg_restore: error: could not execute query: ERROR:  could not open extension control file \"/usr/share/postgresql/15/extension/vector.control\": No such file or directory")

        let newerServer = [
            "pg_restore: error: could not execute query: ERROR:  relation \"public.t\" does not exist",
            "psql:dump.sql:9: ERROR:  unrecognized configuration parameter \"transaction_timeout\"",
            "psql:dump.sql:40: ERROR:  type \"hstore\" does not exist",
        ]
        #expect(RestoreOutputClassifier.rootCauses(newerServer) == [
            "psql:dump.sql:9: ERROR:  unrecognized configuration parameter \"transaction_timeout\"",
            "psql:dump.sql:40: ERROR:  type \"hstore\" does not exist",
        ])
        #expect(Restorer.headline(["pg_restore: error: could not execute query: ERROR:  relation \"x\" does not exist",
                                   "pg_restore: error: could not execute query: ERROR:  permission denied"]) == nil,
                "without a root cause the first error speaks for itself")
        #expect(Restorer.headline([missingExtension[0]]) == nil, "one error is its own headline")
    }
}
