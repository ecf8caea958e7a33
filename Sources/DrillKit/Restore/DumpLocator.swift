import Foundation

/// Turns `backup.dump` (a path or a glob) into the one dump this drill restores.
public enum DumpLocator {
    public struct NotFound: Error, CustomStringConvertible {
        public var description: String
    }

    public static func locate(_ spec: DumpSpec) throws -> String {
        try locate(spec.path, newest: spec.newest, noun: "dump")
    }

    /// `noun` names the backup in the error (`the dump …`, `the SQLite file …`).
    public static func locate(_ path: String, newest: Bool, noun: String) throws -> String {
        let isPattern = path.contains { "*?[".contains($0) }
        guard isPattern else {
            guard FileManager.default.fileExists(atPath: path) else {
                throw NotFound(description: "the \(noun) \(path) does not exist")
            }
            return path
        }
        let matches = glob(path)
        guard !matches.isEmpty else {
            throw NotFound(description: "no file matches \(path): the backup job has written nothing there")
        }
        if matches.count == 1 { return matches[0] }
        guard newest else {
            throw NotFound(description: "\(matches.count) files match \(path); add `newest: true` to take the newest, or name one file")
        }
        return matches.max { modificationDate($0) < modificationDate($1) }!
    }

    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }

    static func modificationDate(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }
}
