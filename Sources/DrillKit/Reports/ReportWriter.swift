import Foundation

public struct ReportWriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot write report \(path): \(reason)" }
}

/// Writes a drill's reports as `<scenario>-<runId>.xml|.md|.json`, the Markdown's step
/// timeline as `.svg`, and, with a signing key, the seal over all of them as `.seal.json`.
public enum ReportWriter {
    /// Links the record to the newest record of its scenario already in `directory`, renders
    /// every file first and writes only when all rendered, so a rendering failure never
    /// leaves a partial set; each file is replaced atomically so a reader never sees half a
    /// report. The seal is written last: a crash before it leaves an unsigned set, which
    /// `verify-report` calls unsigned rather than trusting it. Returns the paths written:
    /// `formats` in order, then the timeline, then the seal.
    @discardableResult
    public static func write(_ record: DrillRecord, to directory: String, formats: [ReportFormat],
                             signingKey: SigningKey? = nil) throws -> [String] {
        var seen = Set<ReportFormat>()
        var unique = formats.filter { seen.insert($0).inserted }
        // A seal without the record would sign pages nobody can tie to evidence.
        if signingKey != nil, !unique.contains(.json) { unique.append(.json) }

        var linked = record
        var reference: RecordReference?
        var rendered: [(name: String, text: String)] = []
        if unique.contains(.json) {
            let folder: RecordFolder
            do {
                folder = try RecordFolder.readIfPresent(directory)
            } catch {
                throw ReportWriteError(path: directory, reason: "cannot read earlier records to link this one to (\(error))")
            }
            linked.chain = folder.nextLink(for: record.scenarioName, runId: record.runId)
            let json = try JSONReport.render(linked)
            let name = fileName(for: record, format: .json)
            reference = RecordReference(fileName: name, sha256: FileDigest.sha256(data: Data(json.utf8)),
                                        signerKeyID: signingKey?.keyID, sequence: linked.chain?.sequence,
                                        timelineFileName: unique.contains(.markdown) ? timelineFileName(for: record) : nil)
        }
        for format in unique {
            rendered.append((fileName(for: record, format: format), try format.render(linked, reference: reference)))
        }
        if let timeline = reference?.timelineFileName {
            rendered.append((timeline, StepTimelineSVG.render(linked)))
        }

        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportWriteError(path: directory, reason: "cannot create the directory (\(error.localizedDescription))")
        }
        var paths = try rendered.map { name, text in try writeAtomically(text, named: name, in: directory) }
        if let signingKey, let reference {
            let others = rendered.map(\.name).filter { $0 != reference.fileName }
            let seal: RecordSeal
            do {
                seal = try RecordSeal.seal(files: [reference.fileName] + others, in: directory, with: signingKey)
            } catch {
                throw ReportWriteError(path: directory, reason: "cannot sign the reports (\(error))")
            }
            let sealText = String(decoding: try seal.encoded(), as: UTF8.self)
            paths.append(try writeAtomically(sealText, named: RecordSeal.sealName(forRecord: reference.fileName), in: directory))
        }
        return paths
    }

    private static func writeAtomically(_ text: String, named name: String, in directory: String) throws -> String {
        let url = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(name)
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw ReportWriteError(path: url.path, reason: error.localizedDescription)
        }
        return url.path
    }

    public static func timelineFileName(for record: DrillRecord) -> String {
        "\(safeComponent(record.scenarioName))-\(safeComponent(record.runId)).svg"
    }

    /// `sovecom-monthly-20260624T021500Z-ab12.md`. Anything outside `[A-Za-z0-9._-]` in
    /// the scenario name or run id becomes `-`, so a name can never reach outside the
    /// report directory or trip up a shell.
    public static func fileName(for record: DrillRecord, format: ReportFormat) -> String {
        "\(safeComponent(record.scenarioName))-\(safeComponent(record.runId)).\(format.fileExtension)"
    }

    public static func safeComponent(_ text: String) -> String {
        let safe = String(text.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": Character(scalar)
            default: "-"
            }
        })
        // Leading dots would hide the file or, as `..`, point at the parent directory.
        let trimmed = safe.drop { $0 == "." }
        return trimmed.isEmpty ? "unnamed" : String(trimmed)
    }
}
