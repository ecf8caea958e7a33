import Foundation

/// Tells a dump's format from its bytes (not its name), and finds the bytes of its header.
public enum DumpFormatDetector {
    public struct Detection: Sendable, Equatable {
        public var format: DumpFormat
        /// The first bytes of the pg_dump archive header (custom, directory, tar); empty for plain.
        public var headerBytes: [UInt8]
        /// Plain dumps: the `-- Dumped from/by` comment lines, when present.
        public var plainServerVersion: String?
        public var plainPgDumpVersion: String?
        public var plainStartedAt: Date?
    }

    public struct Unrecognised: Error, CustomStringConvertible {
        public var description: String
    }

    public static func detect(path: String) throws -> Detection {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Unrecognised(description: "\(path) does not exist")
        }
        if isDirectory.boolValue {
            let toc = path + "/toc.dat"
            guard let bytes = readPrefix(toc, count: 4096), bytes.starts(with: Array("PGDMP".utf8)) else {
                throw Unrecognised(description: "\(path) is a folder without a pg_dump toc.dat: not a directory-format dump")
            }
            return Detection(format: .directory, headerBytes: bytes)
        }
        guard let bytes = readPrefix(path, count: 8192), !bytes.isEmpty else {
            throw Unrecognised(description: "\(path) is empty or cannot be read")
        }
        if bytes.starts(with: Array("PGDMP".utf8)) {
            return Detection(format: .custom, headerBytes: bytes)
        }
        // A pg_dump tar archive: a ustar header whose first member is toc.dat.
        if bytes.count > 517, Array(bytes[257..<262]) == Array("ustar".utf8) {
            let name = String(decoding: bytes[0..<100].prefix { $0 != 0 }, as: UTF8.self)
            guard name == "toc.dat" else {
                throw Unrecognised(description: "\(path) is a tar file whose first member is \(name), not a pg_dump tar archive (toc.dat)")
            }
            return Detection(format: .tar, headerBytes: Array(bytes[512...]))
        }
        if bytes.starts(with: [0x1f, 0x8b]) {
            throw Unrecognised(description: "\(path) is gzip-compressed; decompress it first (gunzip) or dump with pg_dump -Fc, which compresses on its own")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.contains("PostgreSQL database dump") || text.contains("SET statement_timeout") {
            return Detection(format: .plain, headerBytes: [],
                             plainServerVersion: commentValue(text, "-- Dumped from database version "),
                             plainPgDumpVersion: commentValue(text, "-- Dumped by pg_dump version "),
                             plainStartedAt: commentValue(text, "-- Started on ").flatMap(parsePlainTimestamp))
        }
        throw Unrecognised(description: "\(path) is not a pg_dump archive (no PGDMP signature, no tar toc.dat, no SQL dump header)")
    }

    static func readPrefix(_ path: String, count: Int) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: count)).map { Array($0) } ?? []
    }

    /// The value after `prefix` on the first line that starts with it (`START TIME:` in a
    /// backup_label, `-- Started on` in a plain dump).
    static func commentValue(_ text: String, _ prefix: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
    }

    /// `2026-06-24 02:15:00 UTC` as pg_dump --verbose and pg_basebackup's backup_label write it.
    static func parsePlainTimestamp(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
