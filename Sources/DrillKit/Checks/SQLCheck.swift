import Foundation

/// `sql`: the operator's own query, reduced to one value (first column of the first row)
/// and judged by the scenario's comparison (`> 0`, `= 'paid'`).
public struct SQLCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: SQLCheckSpec

    /// Values longer than this are cut in reports: the query may return anything.
    static let shownValueLength = 200

    public init(spec: CheckSpec, settings: SQLCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "sql: \(settings.name)" }
    public var recoveryAssertion: PITRAssertion? { settings.asserts }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        let expected = settings.expect.description
        let result: QueryResult
        do {
            result = try await transcript.query(settings.query)
        } catch {
            transcript.record(error, while: "run the query of \(settings.name)")
            return transcript.outcome(passing: "")
        }
        guard let row = result.rows.first, !row.isEmpty else {
            transcript.cannotVerify("\(settings.name): the query returned no row, so there is no value to compare with \(expected)")
            transcript.observe(settings.name, expected: expected, actual: "no row", ok: false)
            return transcript.outcome(passing: "")
        }
        guard let value = row[0] else {
            transcript.fail("\(settings.name): the query returned NULL, which satisfies no comparison (expected \(expected))")
            transcript.observe(settings.name, expected: expected, actual: "NULL", ok: false)
            return transcript.outcome(passing: "")
        }
        let shown = value.count > Self.shownValueLength ? String(value.prefix(Self.shownValueLength)) + "…" : value
        let satisfied = settings.expect.isSatisfied(by: value)
        transcript.observe(settings.name, expected: expected, actual: shown, ok: satisfied)
        if !satisfied {
            let mode = settings.expect.mode(for: value)
            transcript.fail("\(settings.name): got \(shown), expected \(expected) (compared as \(mode.description))")
        }
        return transcript.outcome(passing: "\(settings.name): \(shown) (expected \(expected))")
    }
}
