import ArgumentParser
import DrillCommandLine
import DrillKit
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Carry out the drill a scenario describes and write its reports.",
        discussion: """
            Ctrl-C (SIGINT) or SIGTERM stops the drill: the throwaway target is torn down and the \
            reports are still written, with an error verdict. A harness killed with SIGKILL leaves \
            its target behind; `restore-drill gc` removes it.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .customLong("report-dir"), help: "Write reports here instead of the scenario's report.dir.")
    var reportDirectory: String?

    @Option(name: .customLong("signing-key"), help: ArgumentHelp(
        "Sign the reports with this Ed25519 key (from keygen). Also $RESTORE_DRILL_SIGNING_KEY_FILE, or the PEM in $RESTORE_DRILL_SIGNING_KEY.",
        valueName: "FILE"))
    var signingKeyFile: String?

    @Option(name: .customLong("prometheus-textfile"), help: ArgumentHelp(
        "Also write the outcome as Prometheus metrics here (a .prom file, or a folder for node_exporter's textfile collector).",
        valueName: "PATH"))
    var prometheusTextfile: String?

    func run() async throws {
        // Before the drill: a key problem found after an hour-long restore would cost the evidence.
        let signingKey: SigningKey?
        do {
            signingKey = try SigningKey.resolve(file: signingKeyFile)
        } catch let error as EvidenceError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(2)
        }
        var loaded: Scenario
        do {
            loaded = try ScenarioLoader.load(path: scenario)
        } catch let error as ScenarioLoadError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
        // The drill reads its earlier records (volume and schema baselines) where it will write this one.
        if let reportDirectory { loaded.report.directory = reportDirectory }
        let interruption = Interruption()
        let console = ConsoleObserver()
        let runner = DrillRunner(scenario: loaded, observer: console, interruption: interruption)
        let drill = Task { await runner.run() }
        let handlers = SignalHandlers { name in
            interruption.record(name)
            drill.cancel()
        }
        let record = await drill.value
        handlers.cancel()

        let directory = loaded.report.directory
        do {
            let paths = try ReportWriter.write(record, to: directory, formats: loaded.report.formats, signingKey: signingKey)
            console.reportsWritten(paths)
        } catch {
            FileHandle.standardError.write(Data("could not write the reports: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let prometheusTextfile {
            do {
                let history = DrillHistory.read(try RecordFolder.read(directory)).first { $0.scenario == record.scenarioName }
                let lastPass = record.verdict == .pass ? record.startedAt : history?.lastPass?.record.startedAt
                let entry = PrometheusTextfile.Entry(record: record, lastPass: lastPass,
                                                     signed: history?.runs.last { $0.record.runId == record.runId }?.integrityIntact ?? false)
                console.reportsWritten([try PrometheusTextfile.write([entry], to: prometheusTextfile)])
            } catch {
                FileHandle.standardError.write(Data("could not write the Prometheus textfile \(prometheusTextfile): \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        throw ExitCode(record.exitCode)
    }
}
