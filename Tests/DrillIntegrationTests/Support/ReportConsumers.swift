import Foundation

/// The real readers of restore-drill's output, installed by scripts/install-test-tools.sh:
/// junitparser, markdown-it-py, prometheus-client, check-jsonschema and Pillow in
/// .build-tools/venv (or the folder RESTORE_DRILL_TEST_TOOLS names), the common JUnit schema
/// beside it, and xmllint, rsvg-convert and openssl from the system. Suites that need them run
/// when they are there, and always under CI=true, where a missing reader must fail them;
/// elsewhere they show as skipped, by name.
enum ReportConsumers {
    static let isRequired = ProcessInfo.processInfo.environment["CI"] == "true"

    static var packageRoot: String { HarnessBinary.packageRoot }

    static var venvBin: String {
        ProcessInfo.processInfo.environment["RESTORE_DRILL_TEST_TOOLS"] ?? packageRoot + "/.build-tools/venv/bin"
    }

    static var python: String { venvBin + "/python" }
    static var checkJSONSchema: String { venvBin + "/check-jsonschema" }
    static var junitSchema: String { URL(fileURLWithPath: venvBin).deletingLastPathComponent().deletingLastPathComponent().path + "/junit-10.xsd" }

    static func system(_ name: String) -> String? {
        ["/usr/bin/", "/usr/local/bin/", "/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var missing: [String] {
        var missing: [String] = []
        for tool in [python, checkJSONSchema] where !FileManager.default.isExecutableFile(atPath: tool) { missing.append(tool) }
        if !FileManager.default.fileExists(atPath: junitSchema) { missing.append(junitSchema) }
        for name in ["xmllint", "rsvg-convert", "openssl"] where system(name) == nil { missing.append(name) }
        return missing
    }

    static var shouldRun: Bool { isRequired || missing.isEmpty }

    static func requireInstalled() throws {
        if !missing.isEmpty {
            throw ConsumerMissing(description: "missing \(missing.joined(separator: ", ")): run scripts/install-test-tools.sh")
        }
    }

    struct ConsumerMissing: Error, CustomStringConvertible { var description: String }

    /// Runs a tool; its exit status and combined output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs a Python snippet in the venv with the given arguments; it prints JSON, returned decoded.
    static func python<Result: Decodable>(_ script: String, _ arguments: [String], as _: Result.Type) throws -> Result {
        let result = try run(python, ["-c", script] + arguments)
        guard result.status == 0 else { throw ConsumerMissing(description: "python failed (\(result.status)): \(result.output)") }
        return try JSONDecoder().decode(Result.self, from: Data(result.output.utf8))
    }
}
