import Foundation

/// The database container's programs, run with `docker compose exec`, over the container's
/// unix socket; user and password reach them by variable name, never in argv.
public struct ContainerRestoreTools: RestoreTools {
    public var project: ComposeProject
    public var service: String
    public var user: String
    public var password: String
    public var dumpPath: String

    public var place: String { "the \(service) container of compose project \(project.name)" }

    public func command(_ program: String, _ arguments: [String]) -> Command {
        project.execCommand(service, [program] + arguments, secrets: ["PGUSER": user, "PGPASSWORD": password])
    }
}
