import Testing
@testable import DrillKit

@Suite struct ComparisonEvaluationTests {
    @Test(arguments: [
        (ComparisonOperator.greater, "0", "168", true),
        (.greater, "0", "0", false),
        (.greaterOrEqual, "1000", "168", false),     // as text "168" > "1000"; as numbers it is not
        (.less, "10", "9", true),
        (.equal, "1.5", "1.50", true),
        (.equal, "100", "1e2", true),
        (.notEqual, "0", "-0", false),
        (.lessOrEqual, "9223372036854775807", "9223372036854775806", true),
        (.greater, "9223372036854775806", "9223372036854775807", true),
    ])
    func numbersCompareAsExactDecimals(op: ComparisonOperator, operand: String, actual: String, satisfied: Bool) {
        let comparison = Comparison(op: op, operand: operand)
        #expect(comparison.mode(for: actual) == .numeric)
        #expect(comparison.isSatisfied(by: actual) == satisfied)
    }

    @Test func quotedOperandsCompareAsTextWithoutTheirQuotes() {
        #expect(Comparison(op: .equal, operand: "'paid'").isSatisfied(by: "paid"))
        #expect(!Comparison(op: .equal, operand: "'paid'").isSatisfied(by: "refunded"))
        #expect(Comparison(op: .notEqual, operand: "'paid'").isSatisfied(by: "refunded"))
        #expect(Comparison(op: .equal, operand: "'it''s'").isSatisfied(by: "it's"))
        // Quotes ask for text even when both sides look like numbers.
        let quotedNumber = Comparison(op: .equal, operand: "'007'")
        #expect(quotedNumber.mode(for: "7") == .text)
        #expect(!quotedNumber.isSatisfied(by: "7"))
        #expect(quotedNumber.isSatisfied(by: "007"))
    }

    @Test func unquotedWordsCompareAsText() {
        #expect(Comparison(op: .equal, operand: "open").isSatisfied(by: "open"))
        #expect(Comparison(op: .less, operand: "b").isSatisfied(by: "a"))
        #expect(Comparison(op: .equal, operand: "12").mode(for: "12abc") == .text)
        #expect(!Comparison(op: .equal, operand: "12").isSatisfied(by: "12abc"))
    }

    @Test func postgresBooleansMatchTrueAndFalse() {
        #expect(Comparison(op: .equal, operand: "true").mode(for: "t") == .boolean)
        #expect(Comparison(op: .equal, operand: "true").isSatisfied(by: "t"))
        #expect(Comparison(op: .equal, operand: "false").isSatisfied(by: "f"))
        #expect(!Comparison(op: .equal, operand: "true").isSatisfied(by: "f"))
        #expect(Comparison(op: .notEqual, operand: "TRUE").isSatisfied(by: "f"))
    }
}
