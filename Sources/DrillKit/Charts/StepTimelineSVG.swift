import Foundation

/// One drill's steps on a time axis: where the time went, which step failed, and how the
/// whole compares with the RTO objective. Drawn from the record alone.
public enum StepTimelineSVG {
    static let width = 760.0
    static let labelWidth = 170.0
    static let rowHeight = 28.0
    static let top = 58.0

    public static func render(_ record: DrillRecord) -> String {
        let bars = placedSteps(record)
        let end = bars.map { $0.start + $0.duration }.max() ?? 0
        let rtoTarget = record.rto?.targetSeconds
        // The RTO line is drawn when it falls near the drill; a 1 h objective beside a 9 s
        // drill would squash every bar to a sliver, so it is stated in words instead.
        let showTarget = rtoTarget.map { $0 <= max(end, 1) * 1.5 } ?? false
        let span = max(end, showTarget ? rtoTarget ?? 0 : 0, 0.5)
        let step = SVGDrawing.tickStep(for: span)
        let axisEnd = (span / step).rounded(.up) * step
        let plotWidth = width - labelWidth - 90
        func x(_ seconds: Double) -> Double { labelWidth + seconds / axisEnd * plotWidth }
        let height = top + Double(max(bars.count, 1)) * rowHeight + 62

        var body: [String] = [
            SVGDrawing.text("\(record.scenarioName) — run \(record.runId)", x: 12, y: 22, size: 15, weight: "bold"),
            SVGDrawing.text("\(record.verdict.label) · steps over time (UTC start \(ISO8601.string(from: record.startedAt, fractional: false)))",
                            x: 12, y: 40, fill: SVGDrawing.colour(for: record.verdict)),
        ]
        var tick = 0.0
        while tick <= axisEnd + step / 2 {
            body.append(SVGDrawing.line(x1: x(tick), y1: top - 6, x2: x(tick), y2: height - 48, stroke: "#e0e0e0"))
            body.append(SVGDrawing.text(SVGDrawing.durationLabel(tick), x: x(tick), y: height - 34, anchor: "middle", size: 11, fill: "#616161"))
            tick += step
        }
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowHeight
            body.append(SVGDrawing.text(bar.label, x: labelWidth - 8, y: y + 17, anchor: "end"))
            let barWidth = max(bar.duration / axisEnd * plotWidth, 2)
            body.append("<rect x=\"\(SVGDrawing.number(x(bar.start)))\" y=\"\(SVGDrawing.number(y + 5))\" width=\"\(SVGDrawing.number(barWidth))\" height=\"18\" rx=\"3\" fill=\"\(SVGDrawing.colour(for: bar.verdict))\"><title>\(XMLEscaping.text("\(bar.label): \(bar.verdict.label), \(DurationText.format(bar.duration))"))</title></rect>")
            body.append(SVGDrawing.text("\(DurationText.format(bar.duration)) \(bar.verdict.label)", x: x(bar.start) + barWidth + 6, y: y + 18, size: 11,
                                        fill: bar.verdict == .pass ? "#424242" : SVGDrawing.colour(for: bar.verdict)))
        }
        if bars.isEmpty {
            body.append(SVGDrawing.text("no steps were recorded", x: labelWidth, y: top + 18, fill: "#616161"))
        }
        var footer = "time since the drill started"
        if let rto = record.rto {
            let measured = rto.measuredSeconds.map { "measured \(DurationText.format($0))" } ?? "not measured"
            footer += " · RTO \(measured), objective \(DurationText.formatObjective(rto.targetSeconds)) (\(rto.verdict.label))"
            if showTarget, let rtoTarget {
                body.append(SVGDrawing.line(x1: x(rtoTarget), y1: top - 10, x2: x(rtoTarget), y2: height - 48, stroke: "#6a1b9a", width: 1.5, dashed: true))
                body.append(SVGDrawing.text("RTO objective", x: x(rtoTarget), y: top - 12, anchor: "middle", size: 11, fill: "#6a1b9a"))
            }
        }
        body.append(SVGDrawing.text(footer, x: 12, y: height - 12, size: 11, fill: "#616161"))
        return SVGDrawing.document(width: Int(width), height: Int(height), title: "Step timeline of \(record.scenarioName) run \(record.runId)", body: body)
    }

    struct PlacedStep {
        var label: String
        /// The step it draws; nil for the checks bar.
        var step: StepID?
        var verdict: Verdict
        var start: Double
        var duration: Double
    }

    /// Steps at their recorded start; one without a start time follows the one before it.
    /// The checks run inside the measured RTO window after the last step, so they are drawn
    /// as one bar up to where the RTO clock stopped, and teardown follows.
    static func placedSteps(_ record: DrillRecord) -> [PlacedStep] {
        var cursor = 0.0
        var placed = record.steps.filter { $0.id != .teardown }.map { step in
            let start = step.startedAt.map { max(0, $0.timeIntervalSince(record.startedAt)) } ?? cursor
            let duration = max(0, step.durationSeconds.isFinite ? step.durationSeconds : 0)
            cursor = start + duration
            return PlacedStep(label: step.id.rawValue, step: step.id, verdict: step.verdict, start: start, duration: duration)
        }
        if !record.checks.isEmpty {
            var duration = record.checks.reduce(0) { $0 + max(0, $1.durationSeconds) }
            if let measured = record.rto?.measuredSeconds,
               let targetStart = placed.first(where: { $0.step == .target })?.start, targetStart + measured > cursor {
                duration = targetStart + measured - cursor
            }
            let worst = record.checks.map(\.verdict).max() ?? .skipped
            placed.append(PlacedStep(label: "checks (\(record.checks.count))", verdict: worst, start: cursor, duration: duration))
            cursor += duration
        }
        if let teardown = record.teardown {
            placed.append(PlacedStep(label: StepID.teardown.rawValue, step: .teardown, verdict: teardown.verdict, start: cursor, duration: max(0, teardown.durationSeconds)))
        }
        return placed
    }
}
