import Foundation

/// `tolerance:` values of the row_counts check: a percentage such as `0.5%`, stored as the
/// fraction `0.005`.
///
/// A bare number is rejected (except 0, which can only mean "exact"): `tolerance: 0.5` reads
/// as 0.5% to some operators and 50% to others, and guessing wrong hides lost rows.
enum ToleranceText {
    static let hint = "write a tolerance as a percentage, e.g. 0.5% or 2% (0% means exact)"

    enum Problem: Error, Equatable {
        case notAPercentage
        case outOfRange
    }

    /// `maximum` is a share (1: 100 %); a growth ceiling may go past it.
    static func parse(_ text: String, maximum: Double = 1) throws(Problem) -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Double(trimmed) {
            guard number == 0 else { throw .notAPercentage }
            return 0
        }
        guard trimmed.hasSuffix("%"),
              let percent = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)),
              percent.isFinite
        else { throw .notAPercentage }
        guard (0...(maximum * 100)).contains(percent) else { throw .outOfRange }
        return percent / 100
    }
}
