import Foundation
import Testing
@testable import DrillKit

@Suite struct LocalClusterTests {
    @Test func startsPrivateClusterAndLeavesNothingBehind() async throws {
        let binaries = try PostgresBinaries.locate(configured: nil)
        let cluster = try await LocalCluster.create(.init(runId: "test-" + RandomToken.hex(bytes: 4), scenario: "test",
                                                          superuser: "drill", binaries: binaries))
        let pid = try #require(cluster.serverPid)
        #expect(processIsAlive(pid))
        let attributes = try FileManager.default.attributesOfItem(atPath: cluster.directory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(ThrowawayMarker.read(from: cluster.directory) != nil)

        try await cluster.createDatabase("shop")
        let connection = try await PostgresConnection.connect(cluster.connectionParameters(database: "shop"))
        let listen = try await connection.query("SHOW listen_addresses").scalar
        #expect(listen == "127.0.0.1")
        connection.close()

        var wrongPassword = cluster.connectionParameters(database: "shop")
        wrongPassword.password = "not-the-password"
        await #expect(throws: PostgresError.self) { try await PostgresConnection.connect(wrongPassword) }

        let outcome = await cluster.tearDown()
        #expect(outcome.leftovers.isEmpty)
        #expect(!processIsAlive(pid))
        #expect(!FileManager.default.fileExists(atPath: cluster.directory))
        #expect(LocalCluster.serverProcesses(using: cluster.dataDirectory).isEmpty)
        let again = await cluster.tearDown()
        #expect(again.actions.isEmpty && again.leftovers.isEmpty)
    }
}
