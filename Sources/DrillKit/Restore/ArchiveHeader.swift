import Foundation

/// The header pg_dump writes at the start of custom-format archives (and of `toc.dat` in
/// directory and tar archives): format version, creation time, source database and versions.
/// Read here rather than through `pg_restore -l` so an archive too new for the local
/// pg_restore can still be identified exactly.
public struct ArchiveHeader: Sendable, Equatable {
    public var versionMajor: Int
    public var versionMinor: Int
    public var versionRevision: Int
    public var compression: String
    /// pg_dump stores the creation time as broken-down local time without a zone; it is
    /// read in this process's time zone, exactly as pg_restore reads it.
    public var createdAt: Date?
    public var databaseName: String?
    public var serverVersion: String?
    public var pgDumpVersion: String?

    public var formatVersion: String { "\(versionMajor).\(versionMinor)-\(versionRevision)" }
    public var versionNumber: Int { versionMajor * 10000 + versionMinor * 100 + versionRevision }

    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses the header from the first bytes of an archive (a few hundred suffice).
    public static func parse(_ bytes: [UInt8]) throws -> ArchiveHeader {
        var reader = ByteReader(bytes: bytes)
        guard reader.take(5) == Array("PGDMP".utf8) else {
            throw Unreadable(description: "no PGDMP signature: this is not a pg_dump archive")
        }
        let major = try reader.byte(), minor = try reader.byte(), revision = try reader.byte()
        let version = major * 10000 + minor * 100 + revision
        guard major == 1, minor >= 10 else {
            throw Unreadable(description: "archive format \(major).\(minor) is too old to read (pg_dump before 9.0)")
        }
        reader.intSize = try reader.byte()
        _ = try reader.byte()  // offset size
        _ = try reader.byte()  // archive format code
        let compression: String
        if version >= 1_15_00 {
            compression = ["none", "gzip", "lz4", "zstd"][safe: try reader.byte()] ?? "unknown"
        } else {
            let level = try reader.integer()
            compression = level == 0 ? "none" : "gzip"
        }
        var parts = DateComponents()
        parts.second = try reader.integer()
        parts.minute = try reader.integer()
        parts.hour = try reader.integer()
        parts.day = try reader.integer()
        parts.month = try reader.integer() + 1
        parts.year = try reader.integer() + 1900
        _ = try reader.integer()  // isdst
        parts.timeZone = TimeZone.current
        let created = Calendar(identifier: .gregorian).date(from: parts)
        let database = try reader.string()
        let server = try reader.string()
        let dumper = try reader.string()
        return ArchiveHeader(versionMajor: major, versionMinor: minor, versionRevision: revision, compression: compression,
                             createdAt: created, databaseName: database, serverVersion: server, pgDumpVersion: dumper)
    }

    /// The newest archive format a pg_restore of this major version reads.
    public static func newestReadableFormat(pgRestoreMajor: Int) -> Int {
        switch pgRestoreMajor {
        case ..<12: 1_13_00
        case 12...15: 1_14_00
        case 16: 1_15_00
        default: 1_16_00
        }
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0
    var intSize = 4

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func byte() throws -> Int {
        guard let value = take(1)?.first else { throw ArchiveHeader.Unreadable(description: "the archive header is cut short") }
        return Int(value)
    }

    /// pg_dump's ReadInt: a sign byte, then `intSize` little-endian bytes.
    mutating func integer() throws -> Int {
        let negative = try byte() != 0
        guard intSize <= 8, let raw = take(intSize) else { throw ArchiveHeader.Unreadable(description: "the archive header is cut short") }
        let value = raw.enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        return negative ? -value : value
    }

    mutating func string() throws -> String? {
        let length = try integer()
        guard length >= 0 else { return nil }
        guard length < 10_000, let raw = take(length) else { throw ArchiveHeader.Unreadable(description: "the archive header is cut short") }
        return String(decoding: raw, as: UTF8.self)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
