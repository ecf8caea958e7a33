import Foundation

/// Turns `backup.dump` (a path or a glob) into the one dump this drill restores.
public enum DumpLocator {
    public struct NotFound: Error, CustomStringConvertible {
        public var description: String
    }

    public static func locate(_ spec: DumpSpec) throws -> String {
        let isPattern = spec.path.contains { "*?[".contains($0) }
        guard isPattern else {
            guard FileManager.default.fileExists(atPath: spec.path) else {
                throw NotFound(description: "the dump \(spec.path) does not exist")
            }
            return spec.path
        }
        let matches = glob(spec.path)
        guard !matches.isEmpty else {
            throw NotFound(description: "no file matches \(spec.path): the backup job has written nothing there")
        }
        if matches.count == 1 { return matches[0] }
        guard spec.newest else {
            throw NotFound(description: "\(matches.count) files match \(spec.path); add `newest: true` to take the newest, or name one file")
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
