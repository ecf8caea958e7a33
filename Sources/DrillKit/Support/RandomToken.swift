import Foundation

/// Random text for per-run passwords and run ids, from the system's CSPRNG.
public enum RandomToken {
    public static func hex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
