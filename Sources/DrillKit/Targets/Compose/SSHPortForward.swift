import Foundation

/// A port the engine published on its own loopback, reached from this host through the same
/// SSH connection details the docker CLI uses for an `ssh://` engine: `ssh -N -L`. Nothing is
/// ever published beyond the drill host's loopback for a remote drill.
final class SSHPortForward: Sendable {
    let localPort: Int
    private let process: AppProcess

    private init(localPort: Int, process: AppProcess) {
        self.localPort = localPort
        self.process = process
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `ssh://[user@]host[:port]` → the arguments naming that host for `ssh`.
    static func destination(of endpoint: String) -> [String]? {
        guard let url = URL(string: endpoint), url.scheme == "ssh", let host = url.host, !host.isEmpty else { return nil }
        return (url.port.map { ["-p", String($0)] } ?? []) + [(url.user.map { $0 + "@" } ?? "") + host]
    }

    /// Opens the tunnel and returns once the local end accepts connections.
    static func open(endpoint: String, remotePort: Int, timeoutSeconds: Double = 20) async throws -> SSHPortForward {
        guard let destination = destination(of: endpoint) else {
            throw Failure(description: "\(endpoint) is not an ssh:// address")
        }
        let localPort = try freeLoopbackPort()
        let process = AppProcess(Command("ssh", ["-N", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes",
                                                 "-L", "127.0.0.1:\(localPort):127.0.0.1:\(remotePort)"] + destination), forbidden: [])
        let forward = SSHPortForward(localPort: localPort, process: process)
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
        do {
            while !loopbackAccepts(port: localPort) {
                if let exit = process.exit {
                    throw Failure(description: "ssh could not forward port \(remotePort) of \(endpoint) (\(exit)): "
                                  + process.lastLines.suffix(3).joined(separator: " "))
                }
                guard ContinuousClock.now < deadline else {
                    throw Failure(description: "ssh did not open a tunnel to port \(remotePort) of \(endpoint) within \(Int(timeoutSeconds))s")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        } catch {
            // Also when the drill is cancelled mid-wait: the tunnel is not in the target's
            // list yet, so its teardown would never stop this ssh.
            await forward.close()
            throw error
        }
        return forward
    }

    func close() async {
        await process.stop()
    }

    static func loopbackAccepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { Foundation.close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
