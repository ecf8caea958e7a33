import Foundation

/// Prints the drill like a test runner: one line per step and check with its verdict and
/// duration, a live progress line during the restore when stdout is a terminal, and the
/// verdict with RTO/RPO at the end.
public final class ConsoleObserver: DrillObserver {
    private let isTerminal: Bool
    private let state = Mutex<(progressShown: Bool, lastProgress: ContinuousClock.Instant?)>((false, nil))
    private let write: @Sendable (String) -> Void

    public init(isTerminal: Bool = isatty(STDOUT_FILENO) == 1, write: @escaping @Sendable (String) -> Void = { text in
        FileHandle.standardOutput.write(Data(text.utf8))
    }) {
        self.isTerminal = isTerminal
        self.write = write
    }

    public func drillStarted(scenario: Scenario, runId: String) {
        emit("restore-drill \(DrillRunner.harnessVersion) · scenario \(scenario.name) · run \(runId)\n")
    }

    public func stepStarted(id: StepID, title: String) {
        guard isTerminal else { return }
        showProgress("  … \(pad(id.rawValue))  \(title)")
    }

    public func progress(stepId: StepID, text: String) {
        guard isTerminal else { return }
        // Redrawing for every pg_restore line would flood a slow terminal.
        let now = ContinuousClock.now
        let due = state.withLock { value -> Bool in
            if let last = value.lastProgress, now - last < .milliseconds(100) { return false }
            value.lastProgress = now
            return true
        }
        if due { showProgress("  … \(pad(stepId.rawValue))  \(text)") }
    }

    public func stepFinished(_ step: StepRecord) {
        line(step.verdict, step.id.rawValue, step.durationSeconds, step.message)
        for finding in step.findings {
            emit("      \(finding.code): \(finding.title)\n")
            emit("      \(finding.explanation)\n")
            if let detail = finding.detail {
                for detailLine in detail.split(separator: "\n").prefix(6) { emit("        | \(detailLine)\n") }
            }
        }
    }

    public func checkFinished(_ check: CheckRecord) {
        line(check.verdict, check.id, check.durationSeconds, check.message ?? check.name)
    }

    public func drillFinished(_ record: DrillRecord) {
        emit("\n\(record.verdict.label) · \(record.summary)\n")
        let objectives = [record.rto, record.rpo].compactMap { $0 }.map { objective in
            let measured = objective.measuredText
            return "\(objective.name) \(measured) (target \(DurationText.formatObjective(objective.targetSeconds))) \(objective.verdict.symbol)"
        }
        if !objectives.isEmpty { emit("  " + objectives.joined(separator: "   ") + "\n") }
    }

    /// Reports written after the drill, one per line.
    public func reportsWritten(_ paths: [String]) {
        for path in paths { emit("  report: \(path)\n") }
    }

    private func line(_ verdict: Verdict, _ id: String, _ seconds: Double, _ message: String?) {
        let text = "  \(verdict.symbol) \(verdict.label.padding(toLength: 7, withPad: " ", startingAt: 0)) \(pad(id)) "
            + DurationText.format(seconds).leftPadded(to: 8) + "  " + (message ?? "") + "\n"
        emit(text)
    }

    private func pad(_ id: String) -> String { id.count >= 28 ? id : id.padding(toLength: 28, withPad: " ", startingAt: 0) }

    private func showProgress(_ text: String) {
        state.withLock { $0.progressShown = true }
        write("\r\u{1B}[2K" + String(text.prefix(120)))
    }

    private func emit(_ text: String) {
        let clear = state.withLock { value -> Bool in
            defer { value.progressShown = false }
            return value.progressShown
        }
        write((clear ? "\r\u{1B}[2K" : "") + text)
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
