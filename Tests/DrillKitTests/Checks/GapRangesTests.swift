import Testing
@testable import DrillKit

@Suite struct GapRangesTests {
    @Test func singlesAndRangesReadLikeAnAccountantWritesThem() {
        #expect(GapRanges.describe([4...6, 9...9]) == "4–6, 9")
        #expect(GapRanges.describe([1041...1043, 2001...2001]) == "1041–1043, 2001")
        #expect(GapRanges.describe([7...8]) == "7–8")
        #expect(GapRanges.describe([]) == "")
    }

    @Test func afterTwentyRangesTheRestAreCounted() {
        let ranges = (0..<20).map { Int64($0 * 10)...Int64($0 * 10) }
        let text = GapRanges.describe(ranges, total: 57)
        #expect(text.hasPrefix("0, 10, 20"))
        #expect(text.hasSuffix("180, 190, … and 37 more"))
    }

    @Test func moreRangesThanTheLimitAreCutEvenWithoutATotal() {
        let ranges = (1...25).map { Int64($0 * 2)...Int64($0 * 2) }
        #expect(GapRanges.describe(ranges).hasSuffix("38, 40, … and 5 more"))
    }

    @Test func bigintBoundsAreWrittenInFull() {
        #expect(GapRanges.describe([11...Int64.max - 1]) == "11–9223372036854775806")
    }
}
