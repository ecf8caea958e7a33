import ArgumentParser
import DrillKit
import Foundation

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show every drill per scenario: verdicts, RTO/RPO against objectives, trends, overdue drills.",
        discussion: """
            Reads the drill records (.json) in a reports folder. For each scenario: every run \
            with its verdict, measured RTO and RPO against the objectives and whether its signed \
            record is intact; the trend against the last good run ("restore 19% slower"); and \
            whether a passing drill is overdue (none within the scenario's evidence.cadence). \
            With --out, also writes history.md and an SVG chart per scenario. With \
            --fail-if-overdue, exits 1 when a scenario is overdue: run it in any pipeline that \
            still runs when the scheduled drill silently stops.
            """
    )

    @Argument(help: "The reports folder.")
    var directory = "reports"

    @Option(name: .customLong("out"), help: ArgumentHelp("Write history.md and history-<scenario>.svg here.", valueName: "DIR"))
    var output: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Judge overdue drills as of this UTC time or day (ISO 8601; a day is its midnight) instead of now.", valueName: "TIME"))
    var asOf: String?

    @OptionGroup var trustedKeys: TrustedKeyOptions

    @Option(name: .customLong("prometheus-textfile"), help: ArgumentHelp(
        "Write each scenario's latest outcome and last pass time as Prometheus metrics (a .prom file or a folder).", valueName: "PATH"))
    var prometheusTextfile: String?

    @Flag(name: .customLong("fail-if-overdue"), help: "Exit 1 when a scenario has no passing drill within its cadence.")
    var failIfOverdue = false

    func run() throws {
        var now = Date()
        if let asOf {
            guard let date = ISO8601.date(fromTimeOrDay: asOf) else {
                throw ValidationError("--as-of \(asOf) is not an ISO 8601 UTC time or day such as 2026-11-22T00:00:00Z or 2026-11-22")
            }
            now = date
        }
        let histories: [ScenarioHistory]
        do {
            histories = DrillHistory.read(try RecordFolder.read(directory), trusting: try trustedKeys.load())
        } catch let error as EvidenceError {
            FileHandle.standardError.write(Data("history: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        print(HistoryReport.text(histories, asOf: now), terminator: "")
        if let output {
            do {
                for path in try HistoryWriter.write(histories, asOf: now, to: output) { print("written: \(path)") }
            } catch {
                FileHandle.standardError.write(Data("history: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        if let prometheusTextfile {
            do {
                print("written: \(try PrometheusTextfile.write(PrometheusTextfile.entries(from: histories), to: prometheusTextfile))")
            } catch {
                FileHandle.standardError.write(Data("history: cannot write \(prometheusTextfile): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
        }
        if failIfOverdue, histories.contains(where: { $0.overdue(asOf: now).isOverdue }) {
            throw ExitCode(1)
        }
    }
}
