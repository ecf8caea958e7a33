import Foundation
import Yams

/// Loads scenario files (contract: the README's scenario reference, version 1) strictly: an unknown key, a wrong
/// type, an inline secret or an unparsable value is an error with the line and column where
/// the operator wrote it. Built on Yams nodes rather than Codable, which loses positions.
public enum ScenarioLoader {
    static let minimumScenarioHint = "a scenario needs at least `version: 1`, `name`, `environment`, `backup` and `checks`"

    /// Reads and validates the scenario at `path`.
    ///
    /// - Parameters:
    ///   - path: The scenario file; relative paths are taken from the current directory.
    ///     Diagnostics name the file exactly as given here.
    ///   - environment: Used to expand `${VAR}` in path values and `*_file_env` references.
    /// - Returns: The scenario with every path absolute and every secret a reference.
    /// - Throws: `ScenarioLoadError` holding every problem found, in file order.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Scenario {
        let text = try readText(path)
        return try load(yaml: text, file: path, environment: environment,
                        currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// Loads scenario text as if it were the file at `file` (resolved against `currentDirectory`).
    static func load(yaml text: String, file: String, environment: [String: String], currentDirectory: String) throws -> Scenario {
        let absoluteFile = ScenarioPathResolver.normalized(file.hasPrefix("/") ? file : currentDirectory + "/" + file)
        let folder = ScenarioPathResolver.normalized(absoluteFile + "/..")
        // libyaml skips a byte order mark; dropping it here keeps the duplicate-key search aligned.
        let yaml = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text

        let document = ScenarioDocumentComposer.compose(yaml, file: file)
        guard document.fatalDiagnostics.isEmpty else { throw ScenarioLoadError(diagnostics: document.fatalDiagnostics) }
        guard let root = document.root, !isEmptyDocument(root) else {
            let emptiness = yaml.allSatisfy(\.isWhitespace) ? "the file is empty" : "the file is empty (it holds only comments)"
            throw ScenarioLoadError(diagnostics: [
                ScenarioDiagnostic(file: file, line: 1, column: 1, message: "\(emptiness): \(minimumScenarioHint)"),
            ])
        }

        let reader = ScenarioReader(file: file,
                                    pathResolver: ScenarioPathResolver(baseDirectory: folder, environment: environment),
                                    currentDirectory: currentDirectory, duplicateKeys: document.duplicateKeys)
        let rootValue = ScenarioValue(node: root, path: "", keyLocation: nil)
        let scenario = reader.readScenario(rootValue, absoluteFile: absoluteFile)
        reader.scanForDuplicatesAndSecrets(rootValue)
        guard reader.diagnostics.isEmpty, let scenario else {
            throw ScenarioLoadError(diagnostics: inFileOrder(reader.diagnostics, file: file))
        }
        return scenario
    }

    /// A document of only `---`, or only `~`, says nothing, exactly like an empty file.
    private static func isEmptyDocument(_ root: Node) -> Bool {
        ScenarioValue(node: root, path: "", keyLocation: nil).isNull
    }

    private static func readText(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fileProblem(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw fileProblem(path, "is a directory, not a scenario file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw fileProblem(path, "cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw fileProblem(path, "is not UTF-8 text") }
        return text
    }

    private static func fileProblem(_ path: String, _ message: String) -> ScenarioLoadError {
        ScenarioLoadError(diagnostics: [ScenarioDiagnostic(file: path, line: 0, column: 0, message: message)])
    }

    private static func inFileOrder(_ diagnostics: [ScenarioDiagnostic], file: String) -> [ScenarioDiagnostic] {
        guard !diagnostics.isEmpty else {
            // Unreachable by the reader's contract (no nil without a diagnostic); never fail silently.
            return [ScenarioDiagnostic(file: file, line: 1, column: 1, message: "the scenario could not be read")]
        }
        return diagnostics.enumerated()
            .sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            .map(\.element)
    }
}
