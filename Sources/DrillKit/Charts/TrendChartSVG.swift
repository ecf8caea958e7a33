import Foundation

/// A scenario's measured RTO and RPO over time, each in its own panel with its objective as
/// a dashed line: whether the drills stay inside their objectives, and which way they drift.
/// Each point is coloured and labelled by the drill's verdict; a drill that could not
/// measure an objective is marked on the axis, never plotted as a value.
public enum TrendChartSVG {
    static let width = 760.0
    static let panelHeight = 150.0
    static let left = 70.0
    static let right = 50.0

    public static func render(_ history: ScenarioHistory) -> String {
        let runs = history.runs
        let dates = runs.map(\.record.startedAt)
        var body = [
            SVGDrawing.text("\(history.scenario): RTO and RPO per drill", x: 12, y: 22, size: 15, weight: "bold"),
            SVGDrawing.text(legend(history), x: 12, y: 40, size: 11, fill: "#616161"),
        ]
        let first = dates.min() ?? Date(timeIntervalSince1970: 0)
        let last = dates.max() ?? first
        let span = max(last.timeIntervalSince(first), 1)
        let plotWidth = width - left - right
        func x(_ date: Date) -> Double {
            runs.count < 2 ? left + plotWidth / 2 : left + date.timeIntervalSince(first) / span * plotWidth
        }
        var top = 80.0
        for (name, pick) in [("RTO", { (record: DrillRecord) in record.rto }), ("RPO", { (record: DrillRecord) in record.rpo })] {
            body += panel(name: name, runs: runs, objective: pick, top: top, x: x)
            top += panelHeight + 50
        }
        // Date labels under the lower panel: first, last, and as many between as fit.
        let labelY = top - 50 + 18
        var lastLabelX = -Double.infinity
        for date in dates.sorted() where x(date) - lastLabelX >= 80 {
            body.append(SVGDrawing.text(ISO8601.day(date), x: x(date), y: labelY, anchor: "middle", size: 11, fill: "#616161"))
            lastLabelX = x(date)
        }
        let height = Int(labelY + 16)
        return SVGDrawing.document(width: Int(width), height: height, title: "RTO and RPO of \(history.scenario) over time", body: body)
    }

    static func legend(_ history: ScenarioHistory) -> String {
        let passed = history.runs.filter { $0.record.verdict == .pass }.count
        return "\(history.runs.count) drill(s), \(passed) passed · dots: ● PASS  ✕ FAIL  ▲ ERROR · dashed line: objective"
    }

    static func panel(name: String, runs: [ScenarioHistory.Run], objective pick: (DrillRecord) -> ObjectiveRecord?,
                      top: Double, x: (Date) -> Double) -> [String] {
        let points = runs.map { run in (run.record, pick(run.record)) }
        let measured = points.compactMap { $0.1?.measuredSeconds }
        let target = points.last { $0.1 != nil }?.1?.targetSeconds
        let highest = measured.max() ?? 1
        // The objective line is drawn when it is within reach of the data; a 24 h RPO beside
        // minutes of data would flatten every point, so it is then stated in words.
        let showTarget = target.map { $0 <= highest * 1.6 } ?? false
        let span = max(highest, showTarget ? target ?? 0 : 0) * 1.1
        let step = SVGDrawing.tickStep(for: max(span, 0.5), maximumTicks: 4)
        let axisTop = max((span / step).rounded(.up), 1) * step
        let bottom = top + panelHeight
        func y(_ seconds: Double) -> Double { bottom - seconds / axisTop * panelHeight }

        var body: [String] = []
        var title = "\(name) measured"
        if let target { title += " · objective \(DurationText.formatObjective(target))\(showTarget ? "" : " (above the chart)")" }
        body.append(SVGDrawing.text(title, x: left, y: top - 16, weight: "bold"))
        var tick = 0.0
        while tick <= axisTop + step / 2 {
            body.append(SVGDrawing.line(x1: left, y1: y(tick), x2: width - right, y2: y(tick), stroke: "#eeeeee"))
            body.append(SVGDrawing.text(SVGDrawing.durationLabel(tick), x: left - 6, y: y(tick) + 4, anchor: "end", size: 11, fill: "#616161"))
            tick += step
        }
        body.append(SVGDrawing.line(x1: left, y1: bottom, x2: width - right, y2: bottom, stroke: "#9e9e9e"))
        if showTarget, let target {
            body.append(SVGDrawing.line(x1: left, y1: y(target), x2: width - right, y2: y(target), stroke: "#6a1b9a", width: 1.5, dashed: true))
        }
        let plotted = points.compactMap { record, objective in objective?.measuredSeconds.map { (x(record.startedAt), y($0)) } }
        if plotted.count > 1 {
            let path = plotted.map { "\(SVGDrawing.number($0.0)),\(SVGDrawing.number($0.1))" }.joined(separator: " ")
            body.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\"/>")
        }
        for (record, objective) in points {
            let label = "\(ISO8601.minute(record.startedAt)) \(record.verdict.label): \(name) "
                + (objective?.measuredSeconds.map { DurationText.format($0) } ?? "not measured")
            let colour = SVGDrawing.colour(for: record.verdict)
            guard let seconds = objective?.measuredSeconds else {
                body.append(marker(.error, x: x(record.startedAt), y: bottom, colour: colour, tooltip: label))
                continue
            }
            body.append(marker(record.verdict, x: x(record.startedAt), y: y(seconds), colour: colour, tooltip: label))
        }
        return body
    }

    /// A shape per verdict, so the chart reads the same without colour.
    static func marker(_ verdict: Verdict, x: Double, y: Double, colour: String, tooltip: String) -> String {
        let title = "<title>\(XMLEscaping.text(tooltip))</title>"
        let cx = SVGDrawing.number(x), cy = SVGDrawing.number(y)
        switch verdict {
        case .pass:
            return "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"5\" fill=\"\(colour)\">\(title)</circle>"
        case .fail:
            let d = "M\(SVGDrawing.number(x - 5)),\(SVGDrawing.number(y - 5)) L\(SVGDrawing.number(x + 5)),\(SVGDrawing.number(y + 5)) M\(SVGDrawing.number(x - 5)),\(SVGDrawing.number(y + 5)) L\(SVGDrawing.number(x + 5)),\(SVGDrawing.number(y - 5))"
            return "<path d=\"\(d)\" stroke=\"\(colour)\" stroke-width=\"3\" fill=\"none\">\(title)</path>"
        case .error, .skipped:
            let d = "M\(cx),\(SVGDrawing.number(y - 6)) L\(SVGDrawing.number(x + 6)),\(SVGDrawing.number(y + 5)) L\(SVGDrawing.number(x - 6)),\(SVGDrawing.number(y + 5)) Z"
            return "<path d=\"\(d)\" fill=\"\(colour)\">\(title)</path>"
        }
    }
}
