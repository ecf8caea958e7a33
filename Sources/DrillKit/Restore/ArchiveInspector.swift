import Foundation

/// What the harness learns about a dump before restoring anything.
public struct ArchiveInspection: Sendable {
    public var format: DumpFormat
    public var header: ArchiveHeader?
    /// Entries in the archive's table of contents (`pg_restore -l`); nil for plain dumps.
    public var tocEntries: Int?
    public var plainServerVersion: String?
    public var plainPgDumpVersion: String?
    public var plainStartedAt: Date?
    /// The extensions it needs (its table of contents, or a plain dump's `CREATE EXTENSION`
    /// lines); nil until the archive was listed.
    public var extensions: [String]?

    public var createdAt: Date? { header?.createdAt ?? plainStartedAt }
    public var serverVersion: String? { header?.serverVersion ?? plainServerVersion }
    public var pgDumpVersion: String? { header?.pgDumpVersion ?? plainPgDumpVersion }
}

public enum ArchiveInspector {
    /// What the file itself tells, without any PostgreSQL program: format, archive header, and
    /// whether a plain dump ends with pg_dump's closing line. Problems come back as findings,
    /// never as a thrown error: the drill reports them.
    public static func inspectFile(path: String, declared: DumpFormat) -> Result<ArchiveInspection, Finding> {
        let detection: DumpFormatDetector.Detection
        do {
            detection = try DumpFormatDetector.detect(path: path)
        } catch {
            return .failure(RestoreFindings.archiveUnreadable("\(error)"))
        }
        if declared != .auto, declared != detection.format {
            return .failure(RestoreFindings.formatMismatch(declared: declared, detected: detection.format))
        }
        var inspection = ArchiveInspection(format: detection.format, plainServerVersion: detection.plainServerVersion,
                                           plainPgDumpVersion: detection.plainPgDumpVersion, plainStartedAt: detection.plainStartedAt)
        if detection.format == .plain {
            guard plainDumpIsComplete(path) else {
                return .failure(RestoreFindings.archiveTruncated(
                    "the file does not end with pg_dump's closing line `-- PostgreSQL database dump complete`"))
            }
            inspection.extensions = RequiredExtensions.fromPlainDump(path: path)
            return .success(inspection)
        }
        do {
            inspection.header = try ArchiveHeader.parse(detection.headerBytes)
        } catch {
            return .failure(RestoreFindings.archiveUnreadable("\(error)"))
        }
        return .success(inspection)
    }

    /// Whether the pg_restore that will restore can read the archive, and its table of
    /// contents (a truncated archive usually fails here).
    public static func list(_ inspection: ArchiveInspection, tools: any RestoreTools,
                            pgRestoreVersion: String) async throws -> Result<ArchiveInspection, Finding> {
        guard let header = inspection.header else { return .success(inspection) }
        var inspection = inspection
        let major = Int(pgRestoreVersion.split(separator: ".").first ?? "") ?? 0
        if header.versionNumber > ArchiveHeader.newestReadableFormat(pgRestoreMajor: major) {
            return .failure(RestoreFindings.archiveTooNew(archiveFormat: header.formatVersion, pgDumpVersion: header.pgDumpVersion,
                                                          localVersion: pgRestoreVersion))
        }
        let listing = try await CommandRunner.run(tools.command("pg_restore", ["--list", tools.dumpPath]))
        try Task.checkCancellation()
        guard listing.succeeded else {
            let text = listing.errorTail()
            if RestoreOutputClassifier.isTruncation(text) { return .failure(RestoreFindings.archiveTruncated(text)) }
            return .failure(RestoreFindings.archiveUnreadable(text))
        }
        inspection.tocEntries = listing.standardOutput.split(separator: "\n").filter { !$0.hasPrefix(";") && !$0.isEmpty }.count
        inspection.extensions = RequiredExtensions.fromListing(listing.standardOutput)
        return .success(inspection)
    }

    /// pg_dump ends every plain dump with this line; psql would happily run a cut-off file.
    static func plainDumpIsComplete(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 512 ? size - 512 : 0)
        let tail = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return tail.contains("-- PostgreSQL database dump complete")
    }
}
