import Foundation
import Testing
@testable import DrillKit

/// Each restore finding is proven against a deliberately broken backup and shown not to
/// fire on a healthy one. All dumps come from real pg_dump runs.
@Suite(.serialized) struct RestoreFindingsTests {
    private func drill(_ scenario: Scenario) async -> DrillRecord {
        await DrillRunner(scenario: scenario).run()
    }

    @Test(arguments: [DumpFormat.custom, .directory, .tar, .plain])
    func healthyDumpRestoresInEveryFormat(format: DumpFormat) async throws {
        try await withProductionDump(format: format) { dump, _ in
            let record = await drill(.testScenario(dump: dump))
            let restore = try #require(record.step("restore"))
            #expect(restore.verdict == .pass, "\(restore.message ?? "")")
            #expect(restore.findings.isEmpty)
            #expect(record.backup?.format == format.rawValue)
            #expect(record.step("prepare")?.verdict == .pass)
            #expect(record.teardown?.verdict == .pass)
            #expect(record.teardown?.leftovers == [])
            if format != .plain {
                #expect(record.backup?.pgDumpVersion?.hasPrefix("15") == true)
                #expect(record.backup?.createdAt != nil)
                #expect((record.backup?.tocEntries ?? 0) > 5)
            }
        }
    }

    /// Enough data that cutting the archive at 60% cuts a table's rows, not only its end.
    static let hundredThousandOrdersSQL = smallShopSQL + "INSERT INTO orders (customer_id, currency, total_cents) SELECT 1, 'EUR', g FROM generate_series(1, 100000) g;"

    @Test func truncatedCustomDumpIsReportedAsTruncated() async throws {
        try await withProductionDump(sql: Self.hundredThousandOrdersSQL) { dump, _ in
            let data = try Data(contentsOf: URL(fileURLWithPath: dump))
            try data.prefix(data.count * 6 / 10).write(to: URL(fileURLWithPath: dump))
            let record = await drill(.testScenario(dump: dump))
            let restore = try #require(record.step("restore"))
            #expect(restore.verdict == .fail)
            // Under heavy load a parallel worker can die before its own error is out; the
            // Restorer then reads the archive again in one process.
            #expect(restore.findings.map(\.code) == ["archive-truncated"], "\(restore.findings.map { $0.detail ?? "" })")
            #expect(record.verdict == .fail && record.exitCode == 1)
            #expect(record.teardown?.leftovers == [])
        }
    }

    /// When a parallel worker dies without its own error, one more read of the archive in one
    /// process tells a cut-off dump from any other death; a whole dump reads clean.
    @Test func oneProcessReadingTheArchiveAgainFindsWhereItIsCut() async throws {
        try await withProductionDump(sql: Self.hundredThousandOrdersSQL) { dump, scratch in
            func reread(_ path: String) async throws -> String? {
                let inspection = try ArchiveInspector.inspectFile(path: path, declared: .auto).get()
                let tools = LocalRestoreTools(binaries: try PostgresBinaries.locate(configured: nil), environment: [:], dumpPath: path)
                return try await Restorer(inspection: inspection, jobs: 2, database: "shop", tools: tools, secrets: SecretStore()).truncationSeenInOneProcess()
            }
            #expect(try await reread(dump) == nil)
            let data = try Data(contentsOf: URL(fileURLWithPath: dump))
            let cut = scratch.file("cut.dump")
            try data.prefix(data.count * 6 / 10).write(to: URL(fileURLWithPath: cut))
            let said = try await reread(cut)
            #expect(said.map(RestoreOutputClassifier.isTruncation) == true, "\(said ?? "nothing")")
        }
    }

    @Test func truncatedPlainDumpIsCaughtBeforeRestoring() async throws {
        try await withProductionDump(format: .plain) { dump, _ in
            let data = try Data(contentsOf: URL(fileURLWithPath: dump))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: dump))
            let record = await drill(.testScenario(dump: dump))
            #expect(record.step("prepare")?.findings.map(\.code) == ["archive-truncated"])
            #expect(record.step("restore")?.verdict == .skipped)
        }
    }

    @Test func fileThatIsNotADumpIsUnreadable() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.file("random.dump")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 * 7919) }).write(to: URL(fileURLWithPath: path))
        let record = await drill(.testScenario(dump: path))
        let prepare = try #require(record.step("prepare"))
        #expect(prepare.verdict == .fail)
        #expect(prepare.findings.map(\.code) == ["archive-unreadable"])
        #expect(record.steps.filter { $0.verdict == .pass }.map(\.id) == ["plan"])
    }

    @Test func damagedHeaderIsUnreadable() async throws {
        try await withProductionDump { dump, _ in
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dump)))
            bytes.replaceSubrange(5..<bytes.count, with: [UInt8](repeating: 0xFF, count: 40))
            try Data(bytes).write(to: URL(fileURLWithPath: dump))
            let record = await drill(.testScenario(dump: dump))
            #expect(record.step("prepare")?.findings.map(\.code) == ["archive-unreadable"])
        }
    }

    @Test func dumpOfAnEmptyDatabaseIsAnEmptyRestore() async throws {
        try await withProductionDump(sql: "SELECT 1;") { dump, _ in
            let record = await drill(.testScenario(dump: dump))
            let restore = try #require(record.step("restore"))
            #expect(restore.verdict == .fail)
            #expect(restore.findings.map(\.code) == ["empty-restore"])
        }
    }

    @Test func archiveFromANewerPgDumpSaysWhatToInstall() async throws {
        try await withProductionDump { dump, _ in
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dump)))
            // Format 1.16 (PostgreSQL 17) writes the compression as one byte where 1.14 wrote
            // an int; rewrite the header the way pg_dump 17 would, keeping the rest.
            let data = try ArchiveHeader.parse(bytes)
            #expect(data.versionMinor == 14)
            bytes[6] = 16
            bytes[7] = 0
            bytes.replaceSubrange(11..<16, with: [0])
            try Data(bytes).write(to: URL(fileURLWithPath: dump))
            let record = await drill(.testScenario(dump: dump))
            let prepare = try #require(record.step("prepare"))
            #expect(prepare.verdict == .error)
            let finding = try #require(prepare.findings.first)
            #expect(finding.code == "archive-newer-than-pg-restore")
            #expect(finding.explanation.contains("Install"))
            #expect(record.exitCode == 2)
        }
    }

    @Test func restoreErrorQuotesPgRestore() async throws {
        // Production keeps a table in a tablespace the throwaway does not have.
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let dump = scratch.file("db.dump")
        try await withTestPostgres { production in
            let location = production.cluster.directory + "/fastdisk"
            try FileManager.default.createDirectory(atPath: location, withIntermediateDirectories: false)
            if let owner = production.cluster.runAs { chown(location, owner.uid, owner.gid) }
            try await production.execute(smallShopSQL)
            try await production.execute("CREATE TABLESPACE fastdisk LOCATION '\(location)'")
            try await production.execute("CREATE TABLE archive (id int) TABLESPACE fastdisk; INSERT INTO archive VALUES (1);")
            try await production.dump(to: dump, format: .custom)
        }
        let record = await drill(.testScenario(dump: dump))
        let restore = try #require(record.step("restore"))
        #expect(restore.verdict == .fail)
        let finding = try #require(restore.findings.first)
        #expect(finding.code == "restore-error")
        #expect(finding.detail?.contains("fastdisk") == true)
    }

    @Test func plainDumpWithFailingStatementsIsNotTrustedOnExitCode() async throws {
        try await withProductionDump(format: .plain) { dump, _ in
            var text = try String(contentsOfFile: dump, encoding: .utf8)
            text = text.replacingOccurrences(of: "CREATE TABLE public.orders", with: "CREATE TABLE public.orders_missing_type (x no_such_type);\nCREATE TABLE public.orders")
            try text.write(toFile: dump, atomically: true, encoding: .utf8)
            let record = await drill(.testScenario(dump: dump))
            let restore = try #require(record.step("restore"))
            #expect(restore.verdict == .fail)
            #expect(restore.findings.map(\.code) == ["errors-despite-exit-0"])
            #expect(restore.findings.first?.detail?.contains("no_such_type") == true)
        }
    }

    @Test func checksumAndMinimumSizeAreCheckedBeforeRestoring() async throws {
        try await withProductionDump { dump, scratch in
            let (hash, size) = try FileDigest.sha256(path: dump)
            let good = scratch.file("good.sha256"), bad = scratch.file("bad.sha256")
            try "\(hash)  db.custom\n".write(toFile: good, atomically: true, encoding: .utf8)
            try "\(String(repeating: "0", count: 64))  db.custom\n".write(toFile: bad, atomically: true, encoding: .utf8)

            let healthy = await drill(.testScenario(dump: dump, sha256File: good, minSize: 4096))
            #expect(healthy.step("restore")?.verdict == .pass)
            #expect(healthy.backup?.sha256Status?.hasPrefix("matches") == true)

            let corrupted = await drill(.testScenario(dump: dump, sha256File: bad))
            #expect(corrupted.step("prepare")?.findings.map(\.code) == ["checksum-mismatch"])
            #expect(corrupted.step("target")?.verdict == .skipped)

            let tooSmall = await drill(.testScenario(dump: dump, minSize: size + 1))
            #expect(tooSmall.step("prepare")?.findings.map(\.code) == ["dump-too-small"])
        }
    }

    @Test func missingDumpIsAFinding() async throws {
        let record = await drill(.testScenario(dump: "/nonexistent/db-*.dump"))
        #expect(record.step("prepare")?.findings.map(\.code) == ["dump-missing"])
        #expect(record.teardown?.actions == ["no throwaway target was created"])
    }
}
