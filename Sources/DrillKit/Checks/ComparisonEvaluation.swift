import Foundation

/// How a `sql` check's expectation (`> 0`, `= 'paid'`) judges the value a query returned.
///
/// - Both sides numbers → compared as exact decimals (`10` > `9`, `1.50` = `1.5`), never as
///   text and never through a binary float, so bigint and numeric values stay exact.
/// - Operand in single quotes → always text, even when it looks like a number (`= '007'`);
///   `''` inside the quotes is one quote, as in SQL.
/// - Operand `true`/`false` against PostgreSQL's `t`/`f` → compared as booleans.
/// - Anything else → text, in Unicode order (not the database's collation).
public enum ComparisonMode: String, Sendable, Equatable, CustomStringConvertible {
    case numeric, boolean, text

    /// As a message says it: "compared as numbers".
    public var description: String {
        switch self {
        case .numeric: "numbers"
        case .boolean: "booleans"
        case .text: "text"
        }
    }
}

extension Comparison {
    /// The operand as written, with surrounding quotes removed; `quoted` records that they were there.
    var unquotedOperand: (text: String, quoted: Bool) {
        let trimmed = operand.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 2, trimmed.hasPrefix("'"), trimmed.hasSuffix("'") else { return (trimmed, false) }
        let inner = trimmed.dropFirst().dropLast()
        return (inner.replacingOccurrences(of: "''", with: "'"), true)
    }

    public func mode(for actual: String) -> ComparisonMode {
        let (operand, quoted) = unquotedOperand
        if quoted { return .text }
        if Self.number(actual) != nil, Self.number(operand) != nil { return .numeric }
        if Self.boolean(actual) != nil, Self.boolean(operand) != nil { return .boolean }
        // SQLite has no boolean type: a comparison answers 1 or 0, which `= true` means.
        if actual == "1" || actual == "0", Self.boolean(operand) != nil { return .boolean }
        return .text
    }

    /// Whether `actual` (a value in PostgreSQL's text format) satisfies this comparison.
    public func isSatisfied(by actual: String) -> Bool {
        let operand = unquotedOperand.text
        switch mode(for: actual) {
        case .numeric:
            guard let left = Self.number(actual), let right = Self.number(operand) else { return false }
            return op.holds(left, right)
        case .boolean:
            guard let left = Self.boolean(actual) ?? (actual == "1" ? true : actual == "0" ? false : nil),
                  let right = Self.boolean(operand) else { return false }
            return op.holds(left ? 1 : 0, right ? 1 : 0)
        case .text:
            return op.holds(actual, operand)
        }
    }

    static func number(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // Strict grammar first: `Decimal(string:)` alone would read `12abc` as 12.
        guard trimmed.wholeMatch(of: /[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/) != nil else { return nil }
        return Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "t", "true": true
        case "f", "false": false
        default: nil
        }
    }
}

extension ComparisonOperator {
    func holds<Value: Comparable>(_ left: Value, _ right: Value) -> Bool {
        switch self {
        case .equal: left == right
        case .notEqual: left != right
        case .less: left < right
        case .lessOrEqual: left <= right
        case .greater: left > right
        case .greaterOrEqual: left >= right
        }
    }
}
