import Foundation

/// One `<testcase>` of the JUnit report, built from a step, a check, an objective or the
/// teardown. The outcome comes straight from the record's verdict, so a check that could
/// not run is an `<error>` and a check that never ran is `<skipped>`: never a pass.
struct JUnitTestCase: Equatable {
    enum Outcome: Equatable {
        case passed
        case failed(message: String, type: String, details: String)
        case errored(message: String, type: String, details: String)
        case skipped(message: String)
    }

    var name: String
    var className: String
    var seconds: Double
    var outcome: Outcome
    /// Lines for the case's `<system-out>`: evidence worth seeing even when it passed.
    var output: [String] = []

    static func outcome(for verdict: Verdict, message: String, type: String, details: [String]) -> Outcome {
        switch verdict {
        case .pass: .passed
        case .fail: .failed(message: message, type: type, details: details.joined(separator: "\n"))
        case .error: .errored(message: message, type: type, details: details.joined(separator: "\n"))
        case .skipped: .skipped(message: message)
        }
    }
}

// MARK: - Steps

extension JUnitTestCase {
    init(step: StepRecord, suiteName: String) {
        let fallback = switch step.verdict {
        case .pass: "passed"
        case .fail: "step failed"
        case .error: "step could not run"
        case .skipped: "step skipped"
        }
        let message = step.message ?? step.findings.first?.title ?? fallback
        var details = Self.findingLines(step.findings)
        if details.isEmpty { details = [message] }
        self.init(
            name: "\(step.id): \(step.title)",
            className: "\(suiteName).steps",
            seconds: step.durationSeconds,
            outcome: Self.outcome(for: step.verdict, message: message,
                                  type: step.findings.first?.code ?? step.id.rawValue, details: details),
            output: (step.verdict == .pass ? step.message.map { [$0] } ?? [] : []) + step.evidence)
    }

    static func findingLines(_ findings: [Finding]) -> [String] {
        findings.flatMap { finding in
            var lines = ["[\(finding.code)] \(finding.title)", "  \(finding.explanation)"]
            if let detail = finding.detail, !detail.isEmpty {
                lines.append("  tool output:")
                lines += detail.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }
            }
            return lines
        }
    }
}

// MARK: - Checks

extension JUnitTestCase {
    init(check: CheckRecord, suiteName: String, scenarioFile: String) {
        let fallback = switch check.verdict {
        case .pass: "passed"
        case .fail: "check failed"
        case .error: "check could not run"
        case .skipped: "check skipped"
        }
        let message = check.message ?? fallback
        var details = [message]
        if let line = check.line { details.append("scenario: \(scenarioFile):\(line)") }
        if !check.observations.isEmpty {
            details.append("expected vs actual:")
            details += check.observations.map(Self.observationLine)
        }
        var output = check.queries.map { "query: \($0)" }
        if check.verdict == .pass {
            output = check.observations.map(Self.observationLine) + output
        }
        self.init(
            name: "\(check.id): \(check.name)",
            className: "\(suiteName).checks",
            seconds: check.durationSeconds,
            outcome: Self.outcome(for: check.verdict, message: message, type: check.kind, details: details),
            output: output)
    }

    static func observationLine(_ observation: Observation) -> String {
        let mark = observation.ok ? "ok      " : "MISMATCH"
        return "  \(mark) \(observation.subject): expected \(observation.expected), actual \(observation.actual)"
    }
}

// MARK: - Objectives

extension JUnitTestCase {
    init(objective: ObjectiveRecord?, named name: String, suiteName: String) {
        let caseName = switch name {
        case "RTO": "RTO: recovery time objective"
        case "RPO": "RPO: recovery point objective"
        default: name
        }
        let summary = Self.objectiveLine(objective, named: name)
        guard let objective else {
            self.init(name: caseName, className: "\(suiteName).objectives", seconds: 0,
                      outcome: .skipped(message: summary))
            return
        }
        let code = name.lowercased()
        let (message, type) = switch objective.verdict {
        case .pass: (summary, code)
        case .fail where objective.notRecovered != nil:
            ("\(name) not met: the drill did not recover (\(objective.notRecovered ?? "")); \(objective.measuredText), target \(objective.targetText)", "\(code)-not-met")
        case .fail: ("\(name) not met: measured \(objective.measuredText), target \(objective.targetText)", "\(code)-not-met")
        case .error: ("\(name) could not be measured", "\(code)-not-measured")
        case .skipped: ("\(name) not measured: the drill did not get far enough", "\(code)-not-measured")
        }
        let lines = [summary, "how measured: \(objective.basis)"]
        self.init(name: caseName, className: "\(suiteName).objectives", seconds: 0,
                  outcome: Self.outcome(for: objective.verdict, message: message, type: type, details: lines),
                  output: objective.verdict == .pass ? lines : [])
    }

    /// `RTO: measured 245.000 s (4m 05s), target 3600.000 s (1h): met`; shared with the
    /// suite's `<system-out>` so consumers that drop properties still see the numbers.
    static func objectiveLine(_ objective: ObjectiveRecord?, named name: String) -> String {
        guard let objective else { return "\(name): not recorded" }
        let measured = objective.measuredSeconds.map {
            "measured \(JUnitReport.seconds($0)) s (\(DurationText.format($0)))"
        } ?? "not measured"
        let target = "target \(JUnitReport.seconds(objective.targetSeconds)) s (\(objective.targetText))"
        return "\(name): \(measured), \(target): \(objective.outcomeWords)"
    }
}

// MARK: - Teardown

extension JUnitTestCase {
    /// The teardown case speaks for the `TeardownRecord` and, when the runner also recorded
    /// a `teardown` step, that step's message and findings, so teardown is counted once.
    init(teardown: TeardownRecord?, step: StepRecord?, suiteName: String) {
        let name = "teardown: throwaway target removed"
        let className = "\(suiteName).teardown"
        guard let teardown else {
            if let step {
                var fromStep = JUnitTestCase(step: step, suiteName: suiteName)
                fromStep.name = name
                fromStep.className = className
                self = fromStep
            } else {
                let message = "no teardown evidence recorded: it cannot be shown that the throwaway target was removed"
                self.init(name: name, className: className, seconds: 0,
                          outcome: .errored(message: message, type: "teardown-unrecorded", details: message))
            }
            return
        }
        // Leftovers mean something was left behind, whatever verdict the record carries.
        let verdict: Verdict = teardown.verdict == .pass && !teardown.leftovers.isEmpty ? .fail : teardown.verdict
        let findings = step?.findings ?? []
        var lines = ["trigger: \(teardown.trigger)"]
        lines += teardown.actions.map { "removed: \($0)" }
        lines += teardown.leftovers.map { "LEFT BEHIND: \($0)" }
        if verdict == .pass { lines.append("nothing left behind") }
        lines += Self.findingLines(findings)
        let message: String
        let type: String
        if !teardown.leftovers.isEmpty {
            message = "left behind: " + teardown.leftovers.joined(separator: ", ")
            type = "teardown-leftovers"
        } else {
            let fallback = switch verdict {
            case .pass: "nothing left behind"
            case .fail: "teardown failed"
            case .error: "teardown could not complete"
            case .skipped: "teardown skipped"
            }
            message = step?.message ?? findings.first?.title ?? fallback
            type = findings.first?.code ?? StepID.teardown.rawValue
        }
        self.init(name: name, className: className, seconds: teardown.durationSeconds,
                  outcome: Self.outcome(for: verdict, message: message, type: type, details: lines),
                  output: verdict == .pass ? lines : [])
    }
}
