import Foundation

/// What a SQLite database file says of itself in its first 100 bytes (the file format's
/// "database header"), read before SQLite opens it, so a file that is not one, or one cut
/// short, is named as such instead of surfacing as "file is not a database".
struct SQLiteFileHeader: Sendable, Equatable {
    static let magic = Array("SQLite format 3\u{0}".utf8)
    static let length = 100

    var pageSize: Int
    /// 1: rollback journal; 2: WAL (a `-wal` beside the file holds committed pages).
    var writeVersion: UInt8
    /// Pages the file should hold; nil when the header's count is stale (a writer older than 3.7.0).
    var pageCount: Int?
    /// The SQLite that last wrote the file, `3.40.1`.
    var writtenBy: String
    var fileChangeCounter: UInt32

    var isWAL: Bool { writeVersion == 2 }

    enum Problem: Error, Equatable {
        case notSQLite(looksLike: String?)
        case tooShortForHeader(size: Int64)
        case badPageSize(Int)
        case truncated(expectedBytes: Int64, actualBytes: Int64, pages: Int)
        case partialPage(size: Int64, pageSize: Int)
    }

    /// Reads and judges the header of the file at `path`, `size` bytes long. An empty file is
    /// a valid (empty) database for SQLite; the caller judges emptiness.
    static func read(path: String, size: Int64) throws -> SQLiteFileHeader? {
        guard size > 0 else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Problem.notSQLite(looksLike: nil) }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: length)) ?? Data())
        return try parse(bytes, size: size)
    }

    static func parse(_ bytes: [UInt8], size: Int64) throws -> SQLiteFileHeader {
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw Problem.notSQLite(looksLike: FileSignature.describe(bytes))
        }
        guard bytes.count >= length else { throw Problem.tooShortForHeader(size: size) }
        let rawPageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0 else { throw Problem.badPageSize(rawPageSize) }
        let changeCounter = bigEndian32(bytes, 24)
        let versionValidFor = bigEndian32(bytes, 92)
        let headerPages = Int(bigEndian32(bytes, 28))
        // The in-header size is valid only when the change counter matches version-valid-for.
        let pageCount: Int? = headerPages > 0 && changeCounter == versionValidFor ? headerPages : nil
        let number = Int(bigEndian32(bytes, 96))
        let writtenBy = "\(number / 1_000_000).\(number / 1000 % 1000).\(number % 1000)"
        let header = SQLiteFileHeader(pageSize: pageSize, writeVersion: bytes[18], pageCount: pageCount,
                                      writtenBy: writtenBy, fileChangeCounter: changeCounter)
        if let pageCount, size < Int64(pageCount) * Int64(pageSize) {
            throw Problem.truncated(expectedBytes: Int64(pageCount) * Int64(pageSize), actualBytes: size, pages: pageCount)
        }
        if size % Int64(pageSize) != 0 { throw Problem.partialPage(size: size, pageSize: pageSize) }
        return header
    }

    static func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// A `-wal` file's header (SQLite's WAL format): its page size and how many frames, from the
/// first, carry the header's salts and so belong to this generation of the log.
struct SQLiteWALHeader: Sendable, Equatable {
    static let length = 32
    static let frameHeaderLength = 24

    var pageSize: Int
    var frames: Int
    /// Frames of this generation up to the last commit: what SQLite will apply.
    var committedFrames: Int
    var salts: (UInt32, UInt32)

    static func == (left: SQLiteWALHeader, right: SQLiteWALHeader) -> Bool {
        left.pageSize == right.pageSize && left.frames == right.frames && left.committedFrames == right.committedFrames
            && left.salts == right.salts
    }

    /// nil for an empty `-wal` (nothing to apply) or one whose header is not a WAL's.
    static func read(path: String) -> SQLiteWALHeader? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return parse([UInt8](data))
    }

    static func parse(_ bytes: [UInt8]) -> SQLiteWALHeader? {
        guard bytes.count >= length else { return nil }
        let magic = SQLiteFileHeader.bigEndian32(bytes, 0)
        guard magic == 0x377f0682 || magic == 0x377f0683 else { return nil }
        let pageSize = Int(SQLiteFileHeader.bigEndian32(bytes, 8))
        let salts = (SQLiteFileHeader.bigEndian32(bytes, 16), SQLiteFileHeader.bigEndian32(bytes, 20))
        guard pageSize >= 512 else { return nil }
        var frames = 0, committed = 0
        var offset = length
        while offset + frameHeaderLength + pageSize <= bytes.count {
            let frameSalts = (SQLiteFileHeader.bigEndian32(bytes, offset + 8), SQLiteFileHeader.bigEndian32(bytes, offset + 12))
            guard frameSalts == salts else { break }
            frames += 1
            // A commit frame records the database's size in pages after it.
            if SQLiteFileHeader.bigEndian32(bytes, offset + 4) != 0 { committed = frames }
            offset += frameHeaderLength + pageSize
        }
        return SQLiteWALHeader(pageSize: pageSize, frames: frames, committedFrames: committed, salts: salts)
    }
}

/// What a file that is not the expected kind most likely is, from its first bytes.
enum FileSignature {
    static func describe(_ bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes[0..<prefix.count]) == prefix }
        func startsText(_ text: String) -> Bool { starts(Array(text.utf8)) }
        if bytes.isEmpty { return nil }
        if starts([0x1f, 0x8b]) { return "a gzip file (decompress it first)" }
        if starts([0x28, 0xb5, 0x2f, 0xfd]) { return "a zstd file (decompress it first)" }
        if starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return "an xz file (decompress it first)" }
        if starts([0x50, 0x4b, 0x03, 0x04]) { return "a zip archive" }
        if startsText("age-encryption.org/") { return "an age-encrypted file (decrypt it first)" }
        if startsText("-----BEGIN PGP") { return "a PGP-armoured file (decrypt it first)" }
        if startsText("PGDMP") { return "a pg_dump custom-format archive (a PostgreSQL backup: use backup.dump)" }
        if startsText("BEGIN TRANSACTION;") || startsText("PRAGMA foreign_keys") { return "an SQL text dump (sqlite3 .dump output), not a database file" }
        if bytes.count > 262, Array(bytes[257..<262]) == Array("ustar".utf8) { return "a tar archive" }
        if bytes.allSatisfy({ $0 == 0 }) { return "all zero bytes (a file allocated but never written)" }
        return nil
    }
}
