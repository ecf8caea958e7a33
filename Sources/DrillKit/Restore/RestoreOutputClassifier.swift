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

    /// A verbose pg_restore line that marks one table-of-contents item done.
    public static func isItemProgress(_ line: String) -> Bool {
        guard line.hasPrefix("pg_restore: ") else { return false }
        let rest = line.dropFirst("pg_restore: ".count)
        return rest.hasPrefix("creating ") || rest.hasPrefix("processing data") || rest.hasPrefix("executing ")
            || rest.hasPrefix("finished item ")
    }
}
