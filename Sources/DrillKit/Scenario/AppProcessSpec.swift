/// One of several programs a local drill starts for the app, the way pm2 runs an install's
/// API, admin and storefront side by side (README, "app"): each gets its own free port and
/// its own ready probes, and `{{NAME:PORT}}` in any URL or command reaches it.
public struct AppProcessSpec: Sendable {
    public var name: String
    public var command: [String]
    /// Waited for once every process is started, in the order the processes are listed.
    public var ready: [ReadyProbe]

    public init(name: String, command: [String], ready: [ReadyProbe] = []) {
        self.name = name
        self.command = command
        self.ready = ready
    }
}
