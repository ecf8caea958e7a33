import Foundation
@testable import DrillKit

/// A throwaway PostgreSQL for one test, on the product's own LocalCluster.
/// Call `stop()` on every path (use `withTestPostgres` to make that automatic).
struct TestPostgres: Sendable {
    let cluster: LocalCluster
    let database: String

    static func start(database: String = "drill") async throws -> TestPostgres {
        let binaries = try PostgresBinaries.locate(configured: nil)
        let cluster = try await LocalCluster.create(.init(runId: "test-" + RandomToken.hex(bytes: 5), scenario: "tests",
                                                          superuser: "drill", binaries: binaries))
        do {
            try await cluster.createDatabase(database)
        } catch {
            _ = await cluster.tearDown()
            throw error
        }
        return TestPostgres(cluster: cluster, database: database)
    }

    var parameters: ConnectionParameters { cluster.connectionParameters(database: database) }

    func parameters(database: String) -> ConnectionParameters { cluster.connectionParameters(database: database) }

    func connect(database: String? = nil) async throws -> PostgresConnection {
        try await PostgresConnection.connect(cluster.connectionParameters(database: database ?? self.database))
    }

    func createDatabase(_ name: String) async throws { try await cluster.createDatabase(name) }

    func stop() async { _ = await cluster.tearDown() }
}

/// Runs `body` against a fresh throwaway PostgreSQL and always tears it down.
func withTestPostgres<T: Sendable>(_ body: (TestPostgres) async throws -> T) async throws -> T {
    let postgres = try await TestPostgres.start()
    do {
        let result = try await body(postgres)
        await postgres.stop()
        return result
    } catch {
        await postgres.stop()
        throw error
    }
}
