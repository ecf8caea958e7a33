import Crypto
import Foundation

/// SHA-256 and size of a dump, streamed in 1 MiB chunks so memory stays flat for any size.
/// A directory-format dump hashes as `sha256` over `"<name> <sha256 of file>\n"` for each file in name order.
public enum FileDigest {
    public static func sha256(path: String) throws -> (hex: String, size: Int64) {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        guard isDirectory.boolValue else { return try sha256(file: path) }
        var listing = ""
        var total: Int64 = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() {
            let (hex, size) = try sha256(file: path + "/" + name)
            listing += "\(name) \(hex)\n"
            total += size
        }
        return (SHA256.hash(data: Data(listing.utf8)).hexString, total)
    }

    public static func sha256(data: Data) -> String { SHA256.hash(data: data).hexString }

    private static func sha256(file: String) throws -> (hex: String, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: file])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (hasher.finalize().hexString, size)
    }

    /// The first hash in a `sha256sum`-style file (`<hex>  <name>`), lower-cased.
    public static func expectedHash(fromChecksumFile path: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let token = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).first,
              token.count == 64, token.allSatisfy(\.isHexDigit) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path,
                NSLocalizedDescriptionKey: "\(path) holds no SHA-256 (expected `<64 hex digits>  <file name>` as sha256sum writes)"])
        }
        return token.lowercased()
    }
}

extension Digest {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
