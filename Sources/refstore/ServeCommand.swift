import ArgumentParser
import DrillCommandLine
import DrillKit
import Foundation
import RefStoreKit

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run RefStore's HTTP API: health, TOTP login and orders with gapless invoices.",
        discussion: """
            The master key comes from MASTER_KEY (base64 of 32 bytes) or, when that is unset, \
            from the key file. In production mode (the default) a missing, malformed, all-zero \
            or placeholder key stops the server at boot with one line starting \
            "env validation failed:", and exit code 78. The key is never printed.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Address to listen on; loopback by default.")
    var listen = "127.0.0.1"

    @Option(help: "HTTP port to listen on (--port is the database's).")
    var httpPort: UInt16 = 3000

    @Option(help: "Key file read when MASTER_KEY is unset.")
    var masterKeyFile = MasterKey.defaultFile

    @Flag(help: "Accept placeholder keys (all zero, repeated bytes): for local experiments only.")
    var development = false

    @OptionGroup var release: ReleaseOption

    @Flag(help: "Apply this release's pending migrations before serving, as apps that migrate at start-up do.")
    var migrateOnStart = false

    func run() async throws {
        let masterKey: MasterKey
        do {
            masterKey = try MasterKey.load(environment: ProcessInfo.processInfo.environment, file: masterKeyFile,
                                           production: !development)
        } catch {
            FileHandle.standardError.write(Data("env validation failed: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let parameters = connection.parameters(applicationName: "refstore-serve")
        // A schema this release was not migrated to stops it at boot, in one line, like a
        // store whose new version refuses the old schema; an unreachable database does not
        // (health says so, and the server serves once it is back).
        if let database = try? await PostgresConnection.connect(parameters) {
            if migrateOnStart {
                do {
                    let applied = try await RefStore.migrate(on: database, to: release.release)
                    print(applied.isEmpty ? "migrations: nothing to apply" : "migrations: applied " + applied.map(\.identifier).joined(separator: ", "))
                } catch {
                    database.close()
                    FileHandle.standardError.write(Data("migrations failed at start-up: \(error)\n".utf8))
                    throw ExitCode(1)
                }
            }
            let refusal = try? await RefStore.schemaRefusal(on: database, for: release.release)
            database.close()
            if let refusal {
                FileHandle.standardError.write(Data("schema refused: \(refusal)\n".utf8))
                throw ExitCode(78)
            }
        }
        let server = RefStoreServer(host: listen, port: httpPort, masterKey: masterKey, release: release.release,
                                    connect: { try await PostgresConnection.connect(parameters) },
                                    log: { line in
                                        print(line)
                                        fflush(nil)
                                    })
        let serving = Task { try await server.run() }
        let handlers = SignalHandlers { name in
            print("refstore stopping on \(name)")
            fflush(nil)
            serving.cancel()
        }
        defer { handlers.cancel() }
        do {
            try await serving.value
        } catch where serving.isCancelled {
            return
        }
    }
}
