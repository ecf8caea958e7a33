import Foundation
@testable import DrillKit
import RefStoreKit

/// A scenario file from `Scenarios/`, run as shipped: copied into a scratch folder laid out
/// like the repository (`Scenarios/`, `.demo/` with the backup `scripts/demo.sh` writes there,
/// `.build/debug` pointing at the built products), so its relative paths resolve as they do
/// for an operator. The backup comes from a test "production" the caller may break first.
struct ShippedScenario {
    let scratch: ScratchFolder
    let file: String

    init(_ name: String) throws {
        scratch = try ScratchFolder()
        let fileManager = FileManager.default
        for folder in ["Scenarios", ".demo", ".build"] {
            try fileManager.createDirectory(atPath: scratch.file(folder), withIntermediateDirectories: true)
        }
        file = scratch.file("Scenarios/\(name)")
        try fileManager.copyItem(atPath: HarnessBinary.packageRoot + "/Scenarios/\(name)", toPath: file)
        let products = URL(fileURLWithPath: try HarnessBinary.path("refstore")).deletingLastPathComponent().path
        try fileManager.createSymbolicLink(atPath: scratch.file(".build/debug"), withDestinationPath: products)
    }

    func remove() { scratch.remove() }

    /// What the operator's shell holds: the drill account's secrets and where the age identity is.
    var environment: [String: String] {
        ["DRILL_PASSWORD": AppDrillTests.password, "DRILL_TOTP_SECRET": AppDrillTests.secret,
         "DRILL_AGE_IDENTITY": scratch.file(".demo/age-identity.txt")]
    }

    var secrets: SecretStore { SecretStore(environment: environment) }

    /// RefStore's shop seeded in a fresh production, `breakIt` run on it, then the dump, its
    /// checksum and the manifest this scenario asks for (`records` as `--record` gives them),
    /// and the master key encrypted with age, into `.demo/`.
    func takeBackup(orders: Int = 200, records: [String: String] = [:],
                    breakIt: @Sendable (PostgresConnection) async throws -> Void = { _ in }) async throws {
        let scenario = try ScenarioLoader.load(path: file, environment: environment)
        try await withTestPostgres { production in
            let connection = try await production.connect()
            try await AppDrillTests.seedShop(on: connection, orders: orders, endingAt: Date())
            try await breakIt(connection)
            connection.close()
            let dump = scratch.file(".demo/refstore.dump")
            try? FileManager.default.removeItem(atPath: dump)
            try await production.dump(to: dump, format: .custom)
            let (hash, _) = try FileDigest.sha256(path: dump)
            try "\(hash)  refstore.dump\n".write(toFile: dump + ".sha256", atomically: true, encoding: .utf8)
            let manifest = try await ManifestTaker(connection: production.parameters, checks: scenario.checks, records: records,
                                                   commandsFolder: scratch.file("Scenarios"), recordsOutputs: true).take()
            try JSONEncoder.drill.encode(manifest).write(to: URL(fileURLWithPath: scratch.file(".demo/refstore.manifest.json")))
        }
        try await sealKey()
    }

    /// StoreIT's shape: snapstore seeds a production file (at `release`), `breakIt` changes
    /// it, then `restore-drill manifest --sqlite` takes the manifest and the backup from one
    /// snapshot into `.demo/`, with the backup's checksum.
    func takeSQLiteBackup(orders: Int = 300, release: String = "1.0.0", breakIt: String = "") async throws {
        let scenario = try ScenarioLoader.load(path: file, environment: environment)
        let production = scratch.file("production/storeit.db")
        try? FileManager.default.removeItem(atPath: scratch.file("production"))
        try FileManager.default.createDirectory(atPath: scratch.file("production"), withIntermediateDirectories: true)
        let seeded = try await CommandRunner.run(Command(try HarnessBinary.path("snapstore"),
                                                         ["seed", "--db", production, "--orders", String(orders), "--release", release]))
        guard seeded.succeeded else { throw ScratchError("snapstore seed failed: \(seeded.errorTail())") }
        if !breakIt.isEmpty { try await SQLiteShop.change(production, breakIt) }
        let backup = scratch.file(".demo/storeit.db")
        try? FileManager.default.removeItem(atPath: backup)
        let manifest = try await SQLiteManifestTaker(file: production, checks: scenario.checks, backupTo: backup).take()
        try "\(manifest.dump?.sha256 ?? "")  storeit.db\n".write(toFile: backup + ".sha256", atomically: true, encoding: .utf8)
        try JSONEncoder.drill.encode(manifest).write(to: URL(fileURLWithPath: scratch.file(".demo/storeit.manifest.json")))
    }

    private func sealKey() async throws {
        let identity = scratch.file(".demo/age-identity.txt")
        guard !FileManager.default.fileExists(atPath: identity) else { return }
        func run(_ arguments: [String]) async throws -> String {
            let output = try await CommandRunner.run(Command(arguments[0], Array(arguments.dropFirst())))
            guard output.succeeded else { throw ScratchError("\(arguments[0]) failed: \(output.errorTail())") }
            return output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try await run(["age-keygen", "-o", identity])
        let recipient = try await run(["age-keygen", "-y", identity])
        let plain = try scratch.write("master.key.plain", AppDrillTests.keyA)
        defer { try? FileManager.default.removeItem(atPath: plain) }
        _ = try await run(["age", "--encrypt", "--recipient", recipient, "--output", scratch.file(".demo/master.key.age"), plain])
    }

    func drill() async throws -> DrillRecord {
        await DrillRunner(scenario: try ScenarioLoader.load(path: file, environment: environment), secrets: secrets).run()
    }
}
