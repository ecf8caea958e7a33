import ArgumentParser
import DrillKit
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files without running anything.",
        discussion: "Prints FILE:LINE:COL: message for each problem. Exit code 0 when every file is valid, 2 otherwise."
    )

    @Argument(help: "Scenario files to check (at least one).")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one scenario file") }
    }

    func run() throws {
        let result = ScenarioValidator.validate(paths: files)
        result.lines.forEach { print($0) }
        throw ExitCode(result.exitCode)
    }
}
