import Foundation

/// The extensions a dump needs before anything in it can restore: from its table of contents
/// (`pg_restore --list`), or from a plain dump's `CREATE EXTENSION` lines.
public enum RequiredExtensions {
    /// `4; 3079 16551 EXTENSION - citext`: 3079 is `pg_extension`'s catalog id.
    public static func fromListing(_ listing: String) -> [String] {
        var names: [String] = []
        for line in listing.split(separator: "\n") where !line.hasPrefix(";") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[1] == "3079", fields[3] == "EXTENSION", fields[4] == "-", fields.count >= 6 else { continue }
            names.append(unquoted(String(fields[5])))
        }
        return uniqueSorted(names)
    }

    /// `CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;`. pg_dump writes them
    /// before any table, so the scan stops at the first table or data (or after `limit` bytes).
    public static func fromPlainDump(path: String, limit: Int = 16 << 20) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: limit)) ?? Data(), as: UTF8.self)
        var names: [String] = []
        for line in head.split(separator: "\n") {
            if line.hasPrefix("CREATE TABLE ") || line.hasPrefix("COPY ") { break }
            guard line.hasPrefix("CREATE EXTENSION ") else { continue }
            var words = line.dropFirst("CREATE EXTENSION ".count).split(separator: " ").map(String.init)
            if words.starts(with: ["IF", "NOT", "EXISTS"]) { words.removeFirst(3) }
            if let name = words.first { names.append(unquoted(name.trimmingCharacters(in: CharacterSet(charactersIn: ";")))) }
        }
        return uniqueSorted(names)
    }

    private static func unquoted(_ name: String) -> String {
        guard name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") else { return name }
        return String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }

    private static func uniqueSorted(_ names: [String]) -> [String] { Array(Set(names)).sorted() }

    /// What provides an extension that is not part of PostgreSQL's own contrib, for the finding.
    static func provider(of name: String, serverMajor: Int?) -> String {
        let major = serverMajor.map(String.init) ?? "N"
        return switch name {
        case "vector": "pgvector: a database image with pgvector (pgvector/pgvector:pg\(major)), or the package postgresql-\(major)-pgvector"
        case "postgis", "postgis_topology", "postgis_raster", "postgis_tiger_geocoder":
            "PostGIS: a database image with PostGIS (postgis/postgis), or the package postgresql-\(major)-postgis-3"
        case "timescaledb": "TimescaleDB: a database image with TimescaleDB, or Timescale's package for PostgreSQL \(major)"
        case "pg_partman": "pg_partman: the package postgresql-\(major)-partman"
        case "pg_cron": "pg_cron: the package postgresql-\(major)-cron"
        case "pgaudit": "pgAudit: the package postgresql-\(major)-pgaudit"
        case "hypopg": "HypoPG: the package postgresql-\(major)-hypopg"
        case "pg_repack": "pg_repack: the package postgresql-\(major)-repack"
        default: "an image or package that ships the \(name) extension for PostgreSQL \(major) (PostgreSQL's own contrib modules come with postgresql-\(major) on Debian, postgresql\(major)-contrib elsewhere)"
        }
    }
}
