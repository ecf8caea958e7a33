/// Deterministic "random" numbers for the seed, written as plain SQL integer arithmetic so
/// the same key always yields the same value on any PostgreSQL, without `random()`.
///
/// The mixer is the 32-bit xorshift-multiply hash (`x ^= x >> 16; x *= 0x45d9f3b`, twice, then a
/// final fold), kept below 2^63 by masking to 32 bits after each multiply. It is spelled out
/// inline rather than wrapped in a SQL function because PostgreSQL refuses to inline a function
/// that uses its argument twice once that argument is non-trivial, and a real call per draw
/// costs about 2 µs: 20 s on its own for a million-order seed.
///
/// The key expression is repeated eight times in the output, so pass a column or a small
/// expression of columns, never another draw: nesting multiplies the text eightfold per level.
enum SeedDraw {
    private static let multiplier = "73244475"  // 0x45d9f3b
    private static let lowThirtyTwoBits = "4294967295"

    /// A value in `0 ..< modulus`. Each `stream` (0–63) gives an independent sequence for the
    /// same key, so one order id can drive its timestamp, customer, status and line count.
    static func sql(key: String, stream: Int, modulus: String) -> String {
        precondition((0..<64).contains(stream), "a draw stream must be in 0..<64")
        let seeded = "((\(key))::bigint * 64 + \(stream) & \(lowThirtyTwoBits))"
        let hashed = fold(mix(mix(seeded)))
        return "(\(hashed) % (\(modulus)))"
    }

    static func sql(key: String, stream: Int, modulus: Int) -> String {
        sql(key: key, stream: stream, modulus: String(modulus))
    }

    private static func mix(_ value: String) -> String {
        "(((\(value) >> 16) # \(value)) * \(multiplier) & \(lowThirtyTwoBits))"
    }

    private static func fold(_ value: String) -> String {
        "((\(value) >> 16) # \(value))"
    }
}
