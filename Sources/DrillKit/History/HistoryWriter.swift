import Foundation

/// Writes `history.md` and one `history-<scenario>.svg` chart per scenario.
public enum HistoryWriter {
    public static func chartFileName(for scenario: String) -> String {
        "history-\(ReportWriter.safeComponent(scenario)).svg"
    }

    @discardableResult
    public static func write(_ histories: [ScenarioHistory], asOf now: Date, to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files = [("history.md", HistoryReport.markdown(histories, asOf: now, chartFileName: chartFileName(for:)))]
        files += histories.map { (chartFileName(for: $0.scenario), TrendChartSVG.render($0)) }
        return try files.map { name, text in
            let path = directory + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return path
        }
    }
}
