/// Turns a path as written in a scenario into an absolute one: `${VAR}` expanded from the
/// environment, then resolved against the scenario file's folder. Only path values get this
/// treatment, so a `$` in SQL or a URL is never rewritten behind the operator's back.
struct ScenarioPathResolver {
    enum Problem: Error, Equatable {
        case unsetVariable(String)
        case malformedReference(String)
    }

    /// Absolute folder holding the scenario file.
    var baseDirectory: String
    var environment: [String: String]

    func resolve(_ written: String) throws(Problem) -> String {
        let expanded = try expandVariables(in: written)
        let absolute = expanded.hasPrefix("/") ? expanded : baseDirectory + "/" + expanded
        return Self.normalized(absolute)
    }

    /// Replaces each `${NAME}`. An unset or empty variable is an error rather than an empty
    /// string: `${BACKUP_ROOT}/db.dump` silently becoming `/db.dump` would restore the wrong file.
    func expandVariables(in text: String) throws(Problem) -> String {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let afterDollar = rest.index(after: dollar)
            guard afterDollar < rest.endIndex, rest[afterDollar] == "{" else {
                // A lone `$` is an ordinary path character.
                result.append("$")
                rest = rest[afterDollar...]
                continue
            }
            let nameStart = rest.index(after: afterDollar)
            guard let close = rest[nameStart...].firstIndex(of: "}") else {
                throw .malformedReference(String(rest[dollar...]))
            }
            let name = String(rest[nameStart..<close])
            guard EnvironmentVariableName.isValid(name) else {
                throw .malformedReference(String(rest[dollar...close]))
            }
            guard let value = environment[name], !value.isEmpty else { throw .unsetVariable(name) }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }

    /// Removes `.` and `..` segments and repeated slashes without touching the file system,
    /// so glob patterns and paths that don't exist yet (report folders) resolve the same way.
    static func normalized(_ absolutePath: String) -> String {
        var segments: [Substring] = []
        for segment in absolutePath.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        return "/" + segments.joined(separator: "/")
    }
}

/// The names `*_env:` keys and `${VAR}` may use: what a POSIX shell can export.
enum EnvironmentVariableName {
    static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || isASCIILetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || isASCIILetter($0) || ("0"..."9").contains($0) }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
