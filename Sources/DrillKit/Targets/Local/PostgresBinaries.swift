import Foundation

/// The PostgreSQL programs one drill uses, all from the same folder so that initdb, the
/// server and pg_restore share a major version.
public struct PostgresBinaries: Sendable {
    public var directory: String

    public var initdb: String { directory + "/initdb" }
    public var pgCtl: String { directory + "/pg_ctl" }
    public var postgres: String { directory + "/postgres" }
    public var pgRestore: String { directory + "/pg_restore" }
    public var pgDump: String { directory + "/pg_dump" }
    public var psql: String { directory + "/psql" }

    public init(directory: String) { self.directory = directory }

    public struct NotFound: Error, CustomStringConvertible {
        public var searched: [String]
        public var description: String {
            "no PostgreSQL server programs found (looked for initdb and pg_ctl in \(searched.joined(separator: ", "))). "
                + "Install the server (Debian/Ubuntu: apt-get install postgresql) or set environment.local.postgres_bin "
                + "to the folder that holds initdb, pg_ctl and pg_restore."
        }
    }

    /// `postgres_bin: auto`: the newest `/usr/lib/postgresql/<major>/bin` (Debian's layout, not
    /// on PATH), then `pg_config --bindir`, then PATH.
    public static func locate(configured: String?) throws -> PostgresBinaries {
        let fileManager = FileManager.default
        func complete(_ directory: String) -> Bool {
            ["initdb", "pg_ctl", "pg_restore"].allSatisfy { fileManager.isExecutableFile(atPath: directory + "/" + $0) }
        }
        if let configured {
            guard complete(configured) else { throw NotFound(searched: [configured]) }
            return PostgresBinaries(directory: configured)
        }
        var searched: [String] = []
        let debianRoot = "/usr/lib/postgresql"
        let majors = ((try? fileManager.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        for major in majors {
            let directory = "\(debianRoot)/\(major)/bin"
            searched.append(directory)
            if complete(directory) { return PostgresBinaries(directory: directory) }
        }
        let pathDirectories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            .split(separator: ":").map(String.init)
        for directory in ["/usr/local/pgsql/bin"] + pathDirectories {
            searched.append(directory)
            let initdb = directory + "/initdb"
            if fileManager.isExecutableFile(atPath: initdb) {
                // A symlink in PATH (e.g. /usr/local/bin/initdb) points into the real folder.
                let resolved = (try? fileManager.destinationOfSymbolicLink(atPath: initdb)).map {
                    URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: directory)).deletingLastPathComponent().path
                } ?? directory
                if complete(resolved) { return PostgresBinaries(directory: resolved) }
                if complete(directory) { return PostgresBinaries(directory: directory) }
            }
        }
        throw NotFound(searched: searched)
    }

    /// The first `major.minor` number after the program's name:
    /// `pg_restore (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)` → `15.18`.
    static func versionNumber(in text: String) -> String? {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            .first { $0.first?.isNumber == true && $0.contains(".") }
            .map { String($0.prefix { $0.isNumber || $0 == "." }) }
    }
}
