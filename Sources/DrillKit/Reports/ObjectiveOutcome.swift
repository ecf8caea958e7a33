import Foundation

/// How every report words an objective's outcome, so JUnit, Markdown and the console agree.
extension ObjectiveRecord {
    /// `met`, `not met`, `not measured (ERROR)`, `not measured (SKIPPED)`.
    var outcomeWords: String {
        switch verdict {
        case .pass: "met"
        case .fail: notRecovered == nil ? "not met" : "not met (the drill did not recover)"
        case .error: "not measured (ERROR)"
        case .skipped: "not measured (SKIPPED)"
        }
    }

    /// `true`/`false` only when the objective was judged; anything else is `unknown`,
    /// so a consumer testing for `false` never mistakes "not measured" for "met".
    var metFlag: String {
        switch verdict {
        case .pass: "true"
        case .fail: "false"
        case .error, .skipped: "unknown"
        }
    }

    /// `4m 05s`, or `not measured`.
    var measuredText: String {
        if let measuredSeconds { return DurationText.format(measuredSeconds) }
        if notRecovered != nil { return ranSeconds.map { "did not recover (ran \(DurationText.format($0)))" } ?? "did not recover" }
        return "not measured"
    }

    var targetText: String { DurationText.formatObjective(targetSeconds) }
}
