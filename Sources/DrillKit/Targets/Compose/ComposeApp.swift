import Foundation

/// The app's services in a compose drill: their state from `docker compose ps`, their words
/// from `docker compose logs` (each line prefixed with its container's name).
struct ComposeApp: BootingApp {
    let project: ComposeProject
    let services: [String]
    let forbidden: [String]

    func exitDescription() async -> String? {
        guard let states = try? await project.states() else { return nil }
        for state in states where services.contains(state.service) {
            switch state.state {
            case "exited", "dead": return "\(state.service) exited with code \(state.exitCode)"
            case "restarting": return "\(state.service) is crash-looping (restarted \(state.restarts) times; last exit code \(state.exitCode))"
            default: continue
            }
        }
        return nil
    }

    func recentLines() async -> [String] {
        let text = (try? await project.logs(services, tail: AppOutput.keptLines)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    func forbiddenHit() async -> (pattern: String, line: String)? {
        guard !forbidden.isEmpty, let text = try? await project.logs(services) else { return nil }
        for line in text.split(separator: "\n") {
            if let pattern = forbidden.first(where: { line.contains($0) }) { return (pattern, String(line)) }
        }
        return nil
    }
}
