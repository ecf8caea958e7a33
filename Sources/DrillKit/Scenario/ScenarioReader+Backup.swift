import Foundation

extension ScenarioReader {
    /// Keys that describe a dump; with `pitr` they would be silently ignored, so they are errors.
    private static let dumpOnlyKeys = ["newest", "format", "sha256_file", "min_size", "jobs"]

    func readBackup(_ value: ScenarioValue) -> BackupSpec? {
        guard let backup = mapping(value, allowed: ["dump", "pitr", "sqlite", "export", "manifest"] + Self.dumpOnlyKeys) else { return nil }
        let manifest = backup["manifest"].flatMap(path)
        let source: BackupSource?
        switch exactlyOne(of: ["dump", "pitr", "sqlite", "export"], in: backup) {
        case let kind? where kind == "sqlite" || kind == "export":
            recoversToATarget = false
            for key in ["format", "jobs"] {
                if let misplaced = backup[key] {
                    report("'\(key)' applies to 'dump' backups, but this backup is a SQLite store's", at: misplaced.entryLocation)
                }
            }
            source = kind == "sqlite" ? readSQLiteBackup(backup).map(BackupSource.sqlite) : readExportBackup(backup).map(BackupSource.export)
        case "dump":
            recoversToATarget = false
            source = readDump(backup).map(BackupSource.dump)
        case "pitr":
            recoversToATarget = true
            for key in Self.dumpOnlyKeys {
                if let misplaced = backup[key] {
                    report("'\(key)' applies to 'dump' backups, but this backup uses 'pitr'", at: misplaced.entryLocation)
                }
            }
            source = backup["pitr"].flatMap(readPITR).map(BackupSource.pitr)
        default:
            source = nil
        }
        guard let source else { return nil }
        return BackupSpec(source: source, manifest: manifest)
    }

    /// Unset keys keep `DumpSpec`'s defaults; invalid ones were reported and leave them too.
    private func readDump(_ backup: ScenarioMapping) -> DumpSpec? {
        guard let dumpPath = backup["dump"].flatMap(path) else { return nil }
        var dump = DumpSpec(path: dumpPath)
        if let newest = readNewest(backup, path: dumpPath, key: "backup.dump", example: "db-*.dump") { dump.newest = newest }
        if let format = backup["format"].flatMap({ enumeration($0, as: DumpFormat.self) }) { dump.format = format }
        if let sha256File = backup["sha256_file"].flatMap(path) { dump.sha256File = sha256File }
        if let minSize = backup["min_size"].flatMap(size) { dump.minSizeBytes = minSize }
        if let jobs = backup["jobs"].flatMap(readJobs) { dump.jobs = jobs }
        return dump
    }

    /// `export: { archive: PATH, import: [argv…] }`, with the file keys beside it as for `sqlite`.
    private func readExportBackup(_ backup: ScenarioMapping) -> ExportBackupSpec? {
        guard let exportValue = backup["export"], let export = mapping(exportValue, allowed: ["archive", "import"]) else { return nil }
        let archive = required("archive", in: export).flatMap(path)
        let importCommand = required("import", in: export).flatMap { stringList($0) }
        if let importCommand, let value = export["import"], !importCommand.contains(where: { $0.contains("{{archive}}") }) {
            report("backup.export.import never names the archive: write {{archive}} where the app's import takes it "
                   + "(e.g. [storeit-server, import, \"{{archive}}\", --mode, replace])", at: value.problemLocation)
        }
        guard let archive, let importCommand, let file = readSQLiteBackup(backup, path: archive) else { return nil }
        return ExportBackupSpec(archive: file, importCommand: importCommand)
    }

    private func readSQLiteBackup(_ backup: ScenarioMapping, path filePath: String? = nil) -> SQLiteBackupSpec? {
        guard let filePath = filePath ?? backup["sqlite"].flatMap(path) else { return nil }
        var spec = SQLiteBackupSpec(path: filePath)
        if let newest = readNewest(backup, path: filePath, key: "backup.sqlite", example: "storeit-*.db") { spec.newest = newest }
        if let sha256File = backup["sha256_file"].flatMap(path) { spec.sha256File = sha256File }
        if let minSize = backup["min_size"].flatMap(size) { spec.minSizeBytes = minSize }
        return spec
    }

    /// `newest: true|false`; true needs a glob to pick from.
    private func readNewest(_ backup: ScenarioMapping, path: String, key: String, example: String) -> Bool? {
        guard let newestValue = backup["newest"], let newest = boolean(newestValue) else { return nil }
        if newest, !Self.isGlob(path) {
            report("'newest' picks the newest match of a glob, but \(key) is not a glob (e.g. \(example))", at: newestValue.entryLocation)
        }
        return newest
    }

    private static func isGlob(_ path: String) -> Bool {
        path.contains { "*?[".contains($0) }
    }

    /// `auto` (one job per core) or a positive count.
    private func readJobs(_ value: ScenarioValue) -> JobCount? {
        if value.scalar?.string == "auto" { return .auto }
        guard value.isInteger, let count = value.node.int, count > 0 else {
            let written = value.scalar.map { "'\($0.string)'" } ?? value.typeDescription
            report("invalid value \(written) for backup.jobs: expected auto or a positive integer", at: value.problemLocation)
            return nil
        }
        return .fixed(count)
    }

    private func readPITR(_ value: ScenarioValue) -> PITRSpec? {
        guard let pitr = mapping(value, allowed: ["base", "wal_archive", "target_time", "target"]) else { return nil }
        let base = required("base", in: pitr).flatMap(path)
        let walArchive = required("wal_archive", in: pitr).flatMap(path)
        // Without a target, recovery replays the whole archive: the same as `target: latest`.
        var target: RecoveryTarget? = .latest
        switch exactlyOne(of: ["target_time", "target"], in: pitr, required: false) {
        case "target_time":
            target = pitr["target_time"].flatMap(readRecoveryTime)
        case "target":
            if let targetValue = pitr["target"], targetValue.scalar?.string != "latest" {
                let written = targetValue.scalar.map { "'\($0.string)'" } ?? targetValue.typeDescription
                report("invalid value \(written) for \(targetValue.displayPath): expected latest (or use target_time for a point in time)",
                       at: targetValue.problemLocation)
                target = nil
            }
        default:
            if pitr.contains("target_time") && pitr.contains("target") { target = nil }
        }
        guard let base, let walArchive, let target else { return nil }
        return PITRSpec(base: base, walArchive: walArchive, target: target)
    }

    /// YAML turns an unquoted `2026-06-24T14:01:00Z` into a timestamp; the text is what counts.
    private func readRecoveryTime(_ value: ScenarioValue) -> RecoveryTarget? {
        guard let text = scalarText(value, expected: "an ISO 8601 time such as \"2026-06-24T14:01:00Z\"") else { return nil }
        guard let date = ISO8601.date(from: text) else {
            report("invalid time '\(text)' for \(value.displayPath): write an ISO 8601 UTC time such as \"2026-06-24T14:01:00Z\"",
                   at: value.location)
            return nil
        }
        return .time(date)
    }
}
