import Foundation

/// What `restore-drill validate FILE...` reports for one file.
public struct ScenarioFileValidation: Sendable, Equatable {
    /// The path as given.
    public var file: String
    /// Empty when the file is a valid scenario.
    public var diagnostics: [ScenarioDiagnostic]
    /// The number of checks of a valid scenario; nil when it is not valid.
    public var checkCount: Int?

    public var isValid: Bool { diagnostics.isEmpty }

    /// `FILE: ok (3 checks)`, or one `FILE:LINE:COL: message` line per problem.
    public var lines: [String] {
        guard let checkCount, diagnostics.isEmpty else { return diagnostics.map(\.description) }
        return ["\(file): ok (\(checkCount) \(checkCount == 1 ? "check" : "checks"))"]
    }
}

/// The outcome of validating several scenario files, ready for the CLI to print and exit with.
public struct ScenarioValidation: Sendable, Equatable {
    public var files: [ScenarioFileValidation]

    /// Every problem in every file, files in the order given.
    public var diagnostics: [ScenarioDiagnostic] { files.flatMap(\.diagnostics) }

    /// The lines to print, in order: one per problem, or one `ok` line per valid file.
    public var lines: [String] { files.flatMap(\.lines) }

    /// 0 when every file is a valid scenario, 2 otherwise (and for an empty list of files,
    /// which validates nothing): the contract's "could not be carried out".
    public var exitCode: Int32 { !files.isEmpty && files.allSatisfy(\.isValid) ? 0 : 2 }
}

/// Checks scenario files without running anything (`restore-drill validate`). Referenced
/// files (dumps, manifests, compose files) are not required to exist: validation often runs
/// in CI, away from the backups.
public enum ScenarioValidator {
    public static func validate(paths: [String],
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> ScenarioValidation {
        ScenarioValidation(files: paths.map { validate(path: $0, environment: environment) })
    }

    public static func validate(path: String,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> ScenarioFileValidation {
        do {
            let scenario = try ScenarioLoader.load(path: path, environment: environment)
            return ScenarioFileValidation(file: path, diagnostics: [], checkCount: scenario.checks.count)
        } catch let error as ScenarioLoadError {
            return ScenarioFileValidation(file: path, diagnostics: error.diagnostics, checkCount: nil)
        } catch {
            let diagnostic = ScenarioDiagnostic(file: path, line: 0, column: 0, message: "\(error)")
            return ScenarioFileValidation(file: path, diagnostics: [diagnostic], checkCount: nil)
        }
    }
}
