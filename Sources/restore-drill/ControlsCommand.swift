import ArgumentParser
import DrillKit
import Foundation

struct ControlsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controls",
        abstract: "Turn a reports folder into an auditor's matrix: control → drills, verdicts, RTO/RPO, signatures.",
        discussion: """
            Each scenario names the controls it evidences under evidence.controls (e.g. \
            "ISO 27001 A.8.13", "SOC 2 A1.3", "PCI DSS 12.10.2"). The matrix lists, per control, \
            every drill in the period with its verdict, measured RTO and RPO against the \
            objectives, and whether its signed record is intact. Markdown on standard output, \
            or to --out.
            """
    )

    @Argument(help: "The reports folder.")
    var directory = "reports"

    @Option(name: .customLong("out"), help: ArgumentHelp("Write the matrix (Markdown) here.", valueName: "FILE"))
    var output: String?

    @Option(name: .customLong("since"), help: ArgumentHelp("First day of the audit period (YYYY-MM-DD, UTC).", valueName: "DAY"))
    var since: String?

    @Option(name: .customLong("until"), help: ArgumentHelp("Last day of the audit period (YYYY-MM-DD, UTC), inclusive.", valueName: "DAY"))
    var until: String?

    @OptionGroup var trustedKeys: TrustedKeyOptions

    func run() throws {
        let start = try since.map { try day($0, option: "--since") }
        let end = try until.map { try day($0, option: "--until").addingTimeInterval(86400 - 0.001) }
        let markdown: String
        do {
            let histories = DrillHistory.read(try RecordFolder.read(directory), trusting: try trustedKeys.load())
            markdown = ControlMatrix.markdown(histories, from: start, to: end, generatedAt: Date())
        } catch let error as EvidenceError {
            FileHandle.standardError.write(Data("controls: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        guard let output else { return print(markdown, terminator: "") }
        do {
            try Data(markdown.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            print("written: \(output)")
        } catch {
            FileHandle.standardError.write(Data("controls: cannot write \(output): \(error.localizedDescription)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func day(_ text: String, option: String) throws -> Date {
        guard let date = ISO8601.date(from: text + "T00:00:00Z") else {
            throw ValidationError("\(option) \(text) is not a day such as 2026-01-31")
        }
        return date
    }
}
