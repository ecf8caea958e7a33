import Foundation

/// A physical base backup as `pg_basebackup` leaves it: `-Ft` tar files (`base.tar[.gz]`, and
/// `pg_wal.tar[.gz]` when WAL was streamed), alone or in their folder, or a plain data
/// folder (`-Fp`). The harness only reads it: it is unpacked into the throwaway's data folder.
public struct BaseBackup: Sendable {
    public enum Layout: Sendable, Equatable {
        case plainFolder(String)
        case tarFiles(base: String, wal: String?)
    }

    public var path: String
    public var layout: Layout
    /// From `backup_label`: when pg_basebackup started, and the WAL file recovery starts from.
    public var startTime: Date?
    public var startWALFile: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Finds the layout under `path` and reads its `backup_label`.
    public static func locate(_ path: String) async throws -> BaseBackup {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw Failure(description: "the base backup \(path) does not exist")
        }
        let layout: Layout
        if isFolder.boolValue {
            if FileManager.default.fileExists(atPath: path + "/PG_VERSION") {
                layout = .plainFolder(path)
            } else if let base = firstExisting(["base.tar.gz", "base.tgz", "base.tar"], in: path) {
                layout = .tarFiles(base: base, wal: streamedWAL(beside: path))
            } else {
                throw Failure(description: "\(path) holds neither a data folder (PG_VERSION) nor pg_basebackup's base.tar[.gz]")
            }
        } else {
            layout = .tarFiles(base: path, wal: streamedWAL(beside: (path as NSString).deletingLastPathComponent))
        }
        let (startTime, startWALFile) = Self.parseLabel(try await readLabel(layout))
        guard let startWALFile else {
            throw Failure(description: "\(path) has no readable backup_label: it is not a base backup taken with pg_basebackup (or it is damaged)")
        }
        return BaseBackup(path: path, layout: layout, startTime: startTime, startWALFile: startWALFile)
    }

    private static func firstExisting(_ names: [String], in folder: String) -> String? {
        names.map { folder + "/" + $0 }.first(where: FileManager.default.fileExists)
    }

    /// `pg_wal.tar[.gz]`, which `pg_basebackup -Ft -X stream` writes beside base.tar.
    private static func streamedWAL(beside folder: String) -> String? {
        firstExisting(["pg_wal.tar.gz", "pg_wal.tgz", "pg_wal.tar"], in: folder)
    }

    private static func readLabel(_ layout: Layout) async throws -> String {
        switch layout {
        case .plainFolder(let folder):
            return (try? String(contentsOfFile: folder + "/backup_label", encoding: .utf8)) ?? ""
        case .tarFiles(let base, _):
            let output = try await CommandRunner.run(Command("tar", ["-x", "-O", "-f", base, "backup_label"]))
            if output.succeeded { return output.standardOutput }
            // Some tar writers store members as ./name.
            let dotted = try await CommandRunner.run(Command("tar", ["-x", "-O", "-f", base, "./backup_label"]))
            guard dotted.succeeded else {
                throw Failure(description: "cannot read backup_label from \(base): \(output.errorTail())")
            }
            return dotted.standardOutput
        }
    }

    /// `START WAL LOCATION: 0/2000028 (file 000000010000000000000002)` and
    /// `START TIME: 2026-11-21 22:10:03 UTC`.
    static func parseLabel(_ text: String) -> (Date?, String?) {
        let start = DumpFormatDetector.commentValue(text, "START TIME:").flatMap(DumpFormatDetector.parsePlainTimestamp)
        let file = DumpFormatDetector.commentValue(text, "START WAL LOCATION:").flatMap { location -> String? in
            guard let open = location.range(of: "(file "), let close = location.range(of: ")", range: open.upperBound..<location.endIndex) else { return nil }
            return String(location[open.upperBound..<close.lowerBound])
        }
        return (start, file)
    }

    /// Unpacks into `dataDirectory` (which must exist, empty), then hands it to `runAs`: the
    /// harness reads the backup with its own rights, which the server's user may not have.
    public func unpack(into dataDirectory: String, runAs: SystemUser?) async throws {
        func run(_ arguments: [String]) async throws {
            let output = try await CommandRunner.run(Command(arguments[0], Array(arguments.dropFirst())))
            guard output.succeeded else {
                throw Failure(description: "\(arguments[0]) could not unpack \(path) (\(output.statusDescription)): \(output.errorTail())")
            }
        }
        switch layout {
        case .plainFolder(let folder):
            try await run(["cp", "-R", folder + "/.", dataDirectory])
        case .tarFiles(let base, let wal):
            try await run(["tar", "-x", "-f", base, "-C", dataDirectory])
            try? FileManager.default.createDirectory(atPath: dataDirectory + "/pg_wal", withIntermediateDirectories: true)
            if let wal { try await run(["tar", "-x", "-f", wal, "-C", dataDirectory + "/pg_wal"]) }
        }
        if let runAs { try await run(["chown", "-R", "\(runAs.uid):\(runAs.gid)", dataDirectory]) }
        chmod(dataDirectory, 0o700)
    }
}
