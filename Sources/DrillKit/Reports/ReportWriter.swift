import Foundation

public struct ReportWriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot write report \(path): \(reason)" }
}

/// Writes a drill's reports as `<scenario>-<runId>.xml|.md|.json`.
public enum ReportWriter {
    /// Renders every requested format first and writes only when all rendered, so a
    /// rendering failure never leaves a partial set; each file is replaced atomically so a
    /// reader never sees half a report. Returns the paths written, in `formats` order.
    @discardableResult
    public static func write(_ record: DrillRecord, to directory: String, formats: [ReportFormat]) throws -> [String] {
        var seen = Set<ReportFormat>()
        let unique = formats.filter { seen.insert($0).inserted }
        let rendered = try unique.map { format in (format, try format.render(record)) }

        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportWriteError(path: directory, reason: "cannot create the directory (\(error.localizedDescription))")
        }
        let directoryURL = URL(fileURLWithPath: directory, isDirectory: true)
        return try rendered.map { format, text in
            let url = directoryURL.appendingPathComponent(fileName(for: record, format: format))
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw ReportWriteError(path: url.path, reason: error.localizedDescription)
            }
            return url.path
        }
    }

    /// `sovecom-monthly-20260624T021500Z-ab12.md`. Anything outside `[A-Za-z0-9._-]` in
    /// the scenario name or run id becomes `-`, so a name can never reach outside the
    /// report directory or trip up a shell.
    public static func fileName(for record: DrillRecord, format: ReportFormat) -> String {
        "\(safeComponent(record.scenarioName))-\(safeComponent(record.runId)).\(format.fileExtension)"
    }

    static func safeComponent(_ text: String) -> String {
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
