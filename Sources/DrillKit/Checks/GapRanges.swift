/// Missing invoice numbers written the way an accountant reads them: `1041–1043, 2001`.
/// The ranges come from the server already bounded; this only words them.
enum GapRanges {
    /// Ranges named one by one; the rest are counted.
    static let listedRanges = 20

    /// `ranges` in ascending order (at most `listedRanges` are shown); `total` counts every
    /// range the server found, so `… and N more` is exact even though only a few came back.
    static func describe(_ ranges: [ClosedRange<Int64>], total: Int? = nil) -> String {
        let words = ranges.map { range in
            range.lowerBound == range.upperBound
                ? String(range.lowerBound)
                : "\(range.lowerBound)\(CheckWording.enDash)\(range.upperBound)"
        }
        return CheckWording.list(words, limit: listedRanges, total: max(total ?? ranges.count, ranges.count))
    }
}
