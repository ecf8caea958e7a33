import Foundation
@testable import DrillKit
import Testing

/// Extensions a dump needs are compared with what the throwaway offers before anything
/// restores; a restore that fails many times is headed by its root causes.
@Suite struct ExtensionFindingsTests {
    static let withExtensions = smallShopSQL + """

        CREATE EXTENSION hstore;
        CREATE EXTENSION pgcrypto;
        CREATE TABLE preferences (customer_id bigint PRIMARY KEY, settings hstore NOT NULL);
        INSERT INTO preferences SELECT id, hstore('theme', 'dark') FROM customers;
        """

    func drill(_ dump: String, in scratch: ScratchFolder) async -> DrillRecord {
        await DrillRunner(scenario: .testScenario(dump: dump, checks: [.sql(SQLCheckSpec(name: "preferences came back",
            query: "SELECT count(*) FROM preferences", expect: Comparison(op: .equal, operand: "200")))],
            reportDirectory: scratch.path)).run()
    }

    @Test(arguments: [DumpFormat.custom, .plain])
    func offeredExtensionsAreNamedAndTheDrillPasses(format: DumpFormat) async throws {
        try await withProductionDump(format: format, sql: Self.withExtensions) { dump, scratch in
            let record = await drill(dump, in: scratch)
            #expect(record.verdict == .pass, "\(record.outline)")
            let restore = try #require(record.step(.restore))
            #expect(restore.evidence.contains("extensions the dump needs: hstore, pgcrypto (all offered by the server)"), "\(restore.evidence)")
        }
    }

    @Test func aMissingExtensionIsFoundBeforeAnythingRestores() async throws {
        try await withProductionDump(format: .plain, sql: Self.withExtensions) { dump, scratch in
            var text = try String(contentsOfFile: dump, encoding: .utf8)
            let hstore = "CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;"
            try #require(text.contains(hstore))
            text = text.replacingOccurrences(of: hstore, with: hstore + "\nCREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;")
            text = text.replacingOccurrences(of: "CREATE TABLE public.preferences", with: "CREATE TABLE public.items (id bigint, embedding public.vector(3));\nCREATE TABLE public.preferences")
            try text.write(toFile: dump, atomically: true, encoding: .utf8)
            let record = await drill(dump, in: scratch)
            let restore = try #require(record.step(.restore))
            #expect(restore.verdict == .error, "the backup was never judged: \(record.outline)")
            #expect(restore.findings.map(\.code) == ["extension-missing"])
            #expect(restore.message?.hasPrefix("The dump needs the extension vector, which PostgreSQL 15") == true, "\(restore.message ?? "")")
            #expect(restore.findings.first?.explanation.contains("postgresql-15-pgvector") == true)
            #expect(!restore.evidence.contains { $0.hasPrefix("restore command:") }, "nothing was restored")
            #expect(record.checks.allSatisfy { $0.verdict == .skipped })
            #expect(record.summary.hasPrefix("The restore step could not be carried out: The dump needs the extension vector"), "\(record.summary)")
        }
    }

    @Test func manyRestoreErrorsAreHeadedByTheirRootCauses() async throws {
        try await withProductionDump(format: .plain, sql: Self.withExtensions) { dump, scratch in
            var text = try String(contentsOfFile: dump, encoding: .utf8)
            // What a dump from a newer server with a hand-removed extension looks like on this one.
            text = text.replacingOccurrences(of: "CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;", with: "")
            text = text.replacingOccurrences(of: "SET statement_timeout = 0;", with: "SET statement_timeout = 0;\nSET transaction_timeout = 0;")
            try text.write(toFile: dump, atomically: true, encoding: .utf8)
            let record = await drill(dump, in: scratch)
            let restore = try #require(record.step(.restore))
            #expect(restore.verdict == .fail)
            #expect(restore.findings.map(\.code) == ["errors-despite-exit-0"])
            let message = try #require(restore.message)
            #expect(message.contains("error(s) on stderr: root causes: "), "\(message)")
            #expect(message.contains("unrecognized configuration parameter \"transaction_timeout\""), "\(message)")
            // pg_dump's COMMENT ON EXTENSION names the extension the dump no longer creates:
            // that, not the missing type it leaves behind, is the cause.
            #expect(message.contains("extension \"hstore\" does not exist"), "\(message)")
            #expect(!message.contains("type \"public.hstore\""), "\(message)")
        }
    }
}
