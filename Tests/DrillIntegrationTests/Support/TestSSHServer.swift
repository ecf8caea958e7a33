import Foundation
@testable import DrillKit

/// A private sshd on loopback standing in for a remote drill host: its sessions talk to the
/// engine this test run uses, so `DOCKER_HOST=ssh://root@127.0.0.1:PORT` is a real SSH
/// engine connection. Its client settings live in `bin/ssh`, a wrapper that adds `-F` for
/// the docker CLI and the harness alike; nothing in ~/.ssh is touched.
struct TestSSHServer {
    let folder: String
    let port: Int
    let process: AppProcess

    var endpoint: String { "ssh://root@127.0.0.1:\(port)" }
    /// PATH for a process that should reach this server: the wrapper first.
    var path: String { folder + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }

    static func start(in scratch: ScratchFolder, dockerHost: String) async throws -> TestSSHServer {
        let folder = scratch.file("sshd")
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)  // sshd's privilege separation folder
        for key in ["host_key", "client_key"] {
            let made = try await CommandRunner.run(Command("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", folder + "/" + key]))
            guard made.succeeded else { throw ScratchError("ssh-keygen: \(made.errorTail())") }
        }
        let publicKey = try String(contentsOfFile: folder + "/client_key.pub", encoding: .utf8)
        try "environment=\"DOCKER_HOST=\(dockerHost)\" \(publicKey)".write(toFile: folder + "/authorized_keys", atomically: true, encoding: .utf8)
        let port = try freeLoopbackPort()
        try """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(folder)/host_key
            AuthorizedKeysFile \(folder)/authorized_keys
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitUserEnvironment DOCKER_HOST
            StrictModes no
            UsePAM no
            PidFile none
            """.write(toFile: folder + "/sshd_config", atomically: true, encoding: .utf8)
        try """
            Host *
              IdentityFile \(folder)/client_key
              IdentitiesOnly yes
              StrictHostKeyChecking no
              UserKnownHostsFile /dev/null
              LogLevel ERROR
            """.write(toFile: folder + "/ssh_config", atomically: true, encoding: .utf8)
        try "#!/bin/sh\nexec /usr/bin/ssh -F \(folder)/ssh_config \"$@\"\n".write(toFile: folder + "/bin/ssh", atomically: true, encoding: .utf8)
        chmod(folder + "/bin/ssh", 0o755)
        let process = AppProcess(Command("/usr/sbin/sshd", ["-D", "-e", "-f", folder + "/sshd_config"]), forbidden: [])
        let server = TestSSHServer(folder: folder, port: port, process: process)
        guard await waitUntil(seconds: 10, { SSHPortForward.loopbackAccepts(port: port) }) else {
            await process.stop()
            throw ScratchError("sshd did not start: \(process.lastLines.joined(separator: "\n"))")
        }
        return server
    }

    func stop() async { await process.stop() }
}
