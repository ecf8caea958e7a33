import ArgumentParser
import DrillKit
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files without running anything.",
        discussion: "Prints FILE:LINE:COL: message for each problem. Exit code 0 when every file is valid, 2 otherwise."
    )

    @Argument(help: "Scenario files to check.")
    var files: [String]

    func run() throws {
        let result = ScenarioValidator.validate(paths: files)
        print(result.output, terminator: result.output.hasSuffix("\n") ? "" : "\n")
        throw ExitCode(result.exitCode)
    }
}
