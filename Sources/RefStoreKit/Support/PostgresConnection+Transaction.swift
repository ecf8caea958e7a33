import DrillKit

extension PostgresConnection {
    /// Runs `body` inside BEGIN … COMMIT, rolling back when it throws (cancellation included)
    /// so no caller leaves a half-applied change or an open transaction behind.
    func inTransaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await query("BEGIN")
        let result: Result
        do {
            result = try await body(self)
        } catch {
            // The original error says what went wrong; a failing ROLLBACK (say, on a dropped
            // connection) would only hide it, and the server aborts the transaction anyway.
            _ = try? await query("ROLLBACK")
            throw error
        }
        try await query("COMMIT")
        return result
    }
}
