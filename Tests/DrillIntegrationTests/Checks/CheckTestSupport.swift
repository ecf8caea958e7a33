import Foundation
import Testing
@testable import DrillKit

/// A check as the runner builds it, from a `checks:` entry.
func check(_ kind: CheckKind) throws -> any DrillCheck {
    try #require(makeCheck(CheckSpec(index: 0, location: SourceLocation(line: 1, column: 1), kind: kind)))
}

/// Runs one check against `connection` the way a drill would.
func run(_ kind: CheckKind, on connection: any DatabaseConnection, manifest: Manifest? = nil,
         environment: [String: String] = [:]) async throws -> CheckOutcome {
    let secrets = SecretStore(environment: environment)
    return try await check(kind).run(in: CheckContext(connection: connection, manifest: manifest, secrets: secrets))
}

/// A manifest as `restore-drill manifest` would write it for the test's tables.
func testManifest(rowCounts: [String: Int64] = [:], moneyTotals: [String: [String: Int64]] = [:],
                  invoiceLatest: [String: [String: Int64]] = [:]) -> Manifest {
    Manifest(takenAt: Date(timeIntervalSince1970: 1_782_000_000), database: "drill", serverVersion: "15",
             rowCounts: rowCounts, moneyTotals: moneyTotals, invoiceLatest: invoiceLatest)
}

/// Every piece of text a check hands to the record: what a report could ever show.
func reportedText(_ outcome: CheckOutcome) -> String {
    ([outcome.message] + outcome.queries
        + outcome.observations.flatMap { [$0.subject, $0.expected, $0.actual] }).joined(separator: "\n")
}

/// Opens a connection to the test database and closes it on every path.
func withConnection<T: Sendable>(to postgres: TestPostgres, _ body: (PostgresConnection) async throws -> T) async throws -> T {
    let connection = try await postgres.connect()
    do {
        let result = try await body(connection)
        connection.close()
        return result
    } catch {
        connection.close()
        throw error
    }
}

/// `withTestPostgres` plus a connection: the shape of nearly every check test.
func withRestoredDatabase<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
    try await withTestPostgres { postgres in
        try await withConnection(to: postgres, body)
    }
}
