import Foundation

extension Comparison {
    static let hint = #"write the expectation as an operator and a value, e.g. "> 0", "= 42", ">= 10" or "!= 'x'""#

    /// Parses `"> 0"`, `"= 42"`, `"!= 'x'"`; `==`, as most languages write equality, means `=`. The operand is kept as written (quotes included)
    /// so the check can tell a text comparison from a numeric one and reports show the rule
    /// exactly as the scenario states it. Operands are a number, a single-quoted text (`''`
    /// escapes a quote, as in SQL), `true` or `false`.
    init?(parsing text: String) {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("==") { trimmed.removeFirst() }
        // Longest operators first, so `>=` is not read as `>` followed by `= 10`.
        let operators = ComparisonOperator.allCases.sorted { $0.rawValue.count > $1.rawValue.count }
        guard let op = operators.first(where: { trimmed.hasPrefix($0.rawValue) }) else { return nil }
        let operand = trimmed.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces)
        guard Self.isValidOperand(operand) else { return nil }
        self.init(op: op, operand: operand)
    }

    private static func isValidOperand(_ operand: String) -> Bool {
        if operand == "true" || operand == "false" { return true }
        if Double(operand) != nil { return operand.allSatisfy { $0.isNumber || "+-.eE".contains($0) } }
        guard operand.count >= 2, operand.hasPrefix("'"), operand.hasSuffix("'") else { return false }
        // Inside the quotes, every quote must be doubled.
        let inner = operand.dropFirst().dropLast()
        return inner.replacingOccurrences(of: "''", with: "").contains("'") == false
    }
}
