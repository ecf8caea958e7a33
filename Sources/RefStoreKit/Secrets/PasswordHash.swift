import Crypto
import CryptoExtras
import Foundation

/// Passwords are stored as scrypt hashes in the PHC string format:
/// `$scrypt$ln=15,r=8,p=1$SALT$HASH` (base64 without padding, 16-byte salt, 32-byte hash).
public enum PasswordHash {
    static let logRounds = 15
    static let blockSize = 8
    static let parallelism = 1

    public static func make(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        for index in salt.indices { salt[index] = UInt8.random(in: .min ... .max) }
        let hash = try derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return "$scrypt$ln=\(logRounds),r=\(blockSize),p=\(parallelism)$\(encode(salt))$\(encode(hash))"
    }

    /// False for a wrong password and for anything that is not a hash this type wrote.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "scrypt" else { return false }
        var parameters: [String: Int] = [:]
        for pair in parts[2].split(separator: ",") {
            let keyValue = pair.split(separator: "=")
            guard keyValue.count == 2, let value = Int(keyValue[1]) else { return false }
            parameters[String(keyValue[0])] = value
        }
        guard let logRounds = parameters["ln"], let blockSize = parameters["r"], let parallelism = parameters["p"],
              (10...20).contains(logRounds), let salt = decode(parts[3]), let expected = decode(parts[4]),
              let actual = try? derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize,
                                       parallelism: parallelism, length: expected.count) else { return false }
        // Constant time: the comparison must not say how many leading bytes matched.
        return zip(actual, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0 && actual.count == expected.count
    }

    private static func derive(_ password: String, salt: [UInt8], logRounds: Int, blockSize: Int, parallelism: Int,
                               length: Int = 32) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: length,
                                           rounds: 1 << logRounds, blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }

    private static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ text: Substring) -> [UInt8]? {
        var padded = String(text)
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map { [UInt8]($0) }
    }
}
