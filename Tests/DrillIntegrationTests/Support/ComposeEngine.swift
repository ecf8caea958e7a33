import Foundation

/// Whether a Docker engine answers here. Compose tests run when one does, and always under
/// CI=true, where a missing engine must fail them; elsewhere they show as skipped, by name.
enum ComposeEngine {
    static let isRequired = ProcessInfo.processInfo.environment["CI"] == "true"

    static let answers: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["docker", "info", "--format", "{{.ServerVersion}}"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static var shouldRun: Bool { answers || isRequired }

    static var composeFile: String { HarnessBinary.packageRoot + "/docker-compose.drill.yml" }
}
