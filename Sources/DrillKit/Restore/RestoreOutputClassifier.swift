/// Reads pg_restore's and psql's messages and decides what they mean.
public enum RestoreOutputClassifier {
    private static let truncationMarkers = [
        "could not read from input file: end of file", "unexpected end of file", "could not find block ID",
        "could not find header for file", "could not open input file", "could not read input file",
        "could not uncompress data", "corrupt", "could not read from input file",
    ]

    public static func isTruncation(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return truncationMarkers.contains { lowered.contains($0.lowercased()) }
    }

    /// Lines that report an error, each followed by pg_restore's `Command was:` line when present.
    public static func errorMessages(in stderr: String) -> [String] {
        var messages: [String] = []
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        for (index, line) in lines.enumerated() where isErrorLine(line) {
            var message = line
            if index + 1 < lines.count, lines[index + 1].hasPrefix("Command was:") {
                message += "\n" + lines[index + 1].prefix(300)
            }
            messages.append(message)
        }
        return messages
    }

    static func isErrorLine(_ line: String) -> Bool {
        line.hasPrefix("pg_restore: error:") || line.contains(": ERROR:") || line.hasPrefix("ERROR:")
            || line.hasPrefix("psql: error:") || line.contains("FATAL:")
    }

    /// Errors that cause others, the most fundamental first: a missing extension makes every
    /// type, table and index that uses it fail too; a server older than the dump refuses its
    /// syntax and settings; objects in a tablespace, owned by a role, calling a function or
    /// using a type the target lacks. Each reads a lowercased error line.
    static let rootCauseKinds: [@Sendable (String) -> Bool] = [
        { $0.contains("could not open extension control file")
            || $0.contains("extension \"") && ($0.contains("is not available") || $0.contains("does not exist")) },
        { $0.contains("syntax error at or near") || $0.contains("unrecognized configuration parameter") || $0.contains("unrecognized parameter") },
        { $0.contains("tablespace \"") && $0.contains("does not exist") },
        { $0.contains("role \"") && $0.contains("does not exist") },
        { $0.contains("function ") && $0.contains("does not exist") },
        { $0.contains("type \"") && $0.contains("does not exist") },
    ]

    /// The first error of each root-cause kind present, most fundamental first; empty when
    /// none of them is (the first error then speaks for itself).
    public static func rootCauses(_ errors: [String]) -> [String] {
        let firstLines = errors.map { String($0.split(separator: "\n").first ?? "") }
        var causes = rootCauseKinds.map { matches in firstLines.first { matches($0.lowercased()) } }
        // A missing type is what a missing extension leaves behind; only without one is it a cause.
        if causes[0] != nil { causes[causes.count - 1] = nil }
        return causes.compactMap { $0 }
    }

    /// A verbose pg_restore line that marks one table-of-contents item done.
    public static func isItemProgress(_ line: String) -> Bool {
        guard line.hasPrefix("pg_restore: ") else { return false }
        let rest = line.dropFirst("pg_restore: ".count)
        return rest.hasPrefix("creating ") || rest.hasPrefix("processing data") || rest.hasPrefix("executing ")
            || rest.hasPrefix("finished item ")
    }
}
