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

    /// Why `up --wait` gave up, in the operator's terms: which service is not running or not
    /// healthy.
    func notReady() async -> String {
        guard let states = try? await project.states() else { return "docker compose ps did not answer" }
        let missing = services.filter { service in !states.contains { $0.service == service } }
            .map { "\($0): no container (still waiting for its dependencies?)" }
        let trouble = states.filter { services.contains($0.service) && ($0.state != "running" || $0.health == "unhealthy" || $0.health == "starting") }
            .map { "\($0.service): \($0.state)" + ($0.health.isEmpty ? "" : " (\($0.health))") + ($0.state == "running" ? "" : ", exit code \($0.exitCode)") }
        let problems = missing + trouble
        return problems.isEmpty ? "every app service is running" : problems.joined(separator: "; ")
    }
}
