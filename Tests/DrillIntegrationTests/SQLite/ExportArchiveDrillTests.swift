import Foundation
import Testing
@testable import DrillKit

/// A SQLite store's export in the app's own format (`backup.export`): restored by the app's
/// own import into the throwaway's folder, then judged as a SQLite file is.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ExportArchiveDrillTests {
    private func scenario(_ scratch: ScratchFolder, archive: String, checks: [CheckKind], manifest: String? = nil) throws -> Scenario {
        let snapstore = try HarnessBinary.path("snapstore")
        var scenario = Scenario.sqliteScenario(backup: archive, checks: checks, manifest: manifest)
        scenario.backup = BackupSpec(source: .export(ExportBackupSpec(
            archive: SQLiteBackupSpec(path: archive, minSizeBytes: 0),
            importCommand: [snapstore, "import", "{{archive}}", "--db", "{{database_file}}", "--mode", "replace"])), manifest: manifest)
        return scenario
    }

    private func seed(_ scratch: ScratchFolder) async throws -> String {
        let production = scratch.file("storeit.db")
        let seeded = try await CommandRunner.run(Command(try HarnessBinary.path("snapstore"), ["seed", "--db", production, "--orders", "500"]))
        #expect(seeded.succeeded, "\(seeded.errorTail())")
        return production
    }

    private let counts = CheckKind.rowCounts(RowCountsCheckSpec(tables: ["orders", "invoices", "images"], expect: .manifest))

    @Test func anExportTakenWithTheManifestRestoresThroughTheAppsImport() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let production = try await seed(scratch)
        let archive = scratch.file("pre-upgrade.snapstore")
        let taken = try await HarnessBinary.run(["manifest", "--sqlite", production,
                                                 "--exec", "'\(try HarnessBinary.path("snapstore"))' export --db \"$DATABASE_FILE\" -o '\(archive)'",
                                                 "--dump", archive, "--out", scratch.file("m.json")])
        #expect(taken.succeeded, "\(taken.standardError)")
        let before = try FileDigest.sha256(path: archive).0
        let record = await DrillRunner(scenario: try scenario(scratch, archive: archive, checks: [counts, .sequences(SequencesCheckSpec())],
                                                              manifest: scratch.file("m.json"))).run()
        #expect(record.verdict == .pass, "\(record.outline)")
        #expect(record.backup?.format == "sqlite-export")
        #expect(record.step(.restore)?.message?.contains("opened what the app's import made: integrity_check ok") == true,
                "\(record.step(.restore)?.message ?? "")")
        #expect(record.checks.first?.message == "row counts match production: orders 500, invoices 500, images 5")
        #expect(try FileDigest.sha256(path: archive).0 == before, "the app imported a copy, never the original")
        #expect(record.teardown?.leftovers == [])
    }

    @Test func anArchiveTheImportCannotReadFailsWithTheImportsWords() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let production = try await seed(scratch)
        let archive = scratch.file("pre-upgrade.snapstore")
        let exported = try await CommandRunner.run(Command(try HarnessBinary.path("snapstore"), ["export", "--db", production, "-o", archive]))
        #expect(exported.succeeded)
        let data = try Data(contentsOf: URL(fileURLWithPath: archive))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: archive))
        let rows = CheckKind.rowCounts(RowCountsCheckSpec(tables: ["orders"], expect: .value(["orders": 500])))
        let record = await DrillRunner(scenario: try scenario(scratch, archive: archive, checks: [rows])).run()
        let restore = try #require(record.step(.restore))
        #expect(restore.findings.map(\.code) == ["export-import-failed"], "\(record.outline)")
        #expect(restore.findings.first?.detail?.contains("import failed") == true, "\(restore.findings.first?.detail ?? "")")
        #expect(record.verdict == .fail && record.teardown?.leftovers == [])
    }

    @Test func anExportThatLostRowsFailsTheCounts() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let production = try await seed(scratch)
        let archive = scratch.file("pre-upgrade.snapstore")
        _ = try await CommandRunner.run(Command(try HarnessBinary.path("snapstore"), ["export", "--db", production, "-o", archive]))
        // An export job that stopped writing invoices half way: the archive still reads.
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: archive))) as! [String: Any]
        var tables = json["tables"] as! [[String: Any]]
        let index = tables.firstIndex { $0["name"] as? String == "invoices" }!
        tables[index]["rows"] = Array((tables[index]["rows"] as! [[String]]).prefix(480))
        json["tables"] = tables
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: archive))
        let rows = CheckKind.rowCounts(RowCountsCheckSpec(tables: ["orders", "invoices"], expect: .value(["orders": 500, "invoices": 500])))
        let record = await DrillRunner(scenario: try scenario(scratch, archive: archive, checks: [rows])).run()
        #expect(record.step(.restore)?.verdict == .pass, "\(record.outline)")
        #expect(record.checks.first?.message == "invoices: 480 rows, the scenario expects 500 (−20)", "\(record.outline)")
    }
}
