import Foundation

/// What one run of a check gathers: the SQL it sent, what it compared, and every problem
/// filed under the verdict it deserves. A problem that kept the verification from happening
/// outranks a wrong answer, so a check that did not fully run can never come out as a pass.
final class CheckTranscript {
    /// SQLSTATEs meaning the restored database lacks a table, column or schema. The backup
    /// lost it (or never had it), which is a wrong answer about the data, not a broken check.
    static let missingObjectStates: Set<String> = ["42P01", "42703", "3F000"]

    let connection: any DatabaseConnection
    let sharedScans: SharedTableScans?
    private let secrets: SecretStore
    private(set) var queries: [String] = []
    private(set) var observations: [Observation] = []
    private(set) var failures: [String] = []
    private(set) var errors: [String] = []

    init(_ context: CheckContext) {
        self.connection = context.connection
        self.sharedScans = context.sharedScans
        self.secrets = context.secrets
    }

    /// Which engine the restored database runs on, for the SQL spellings that differ.
    var engine: DatabaseEngine { connection.engine }

    var hasErrors: Bool { !errors.isEmpty }
    var hasFailures: Bool { !failures.isEmpty }

    /// Sends one statement and remembers its text for the record (parameters are not kept).
    /// A statement repeated back to back (once per invoice series) is recorded once.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) async throws -> QueryResult {
        if queries.last != sql { queries.append(sql) }
        return try await connection.query(sql, parameters)
    }

    /// Records a statement another check sent whose answer this one used.
    func recordShared(_ sql: String) {
        if !queries.contains(sql) { queries.append(sql) }
    }

    func observe(_ subject: String, expected: String, actual: String, ok: Bool) {
        observations.append(Observation(subject: subject, expected: expected, actual: actual, ok: ok))
    }

    /// It ran and the restored data is wrong.
    func fail(_ problem: String) {
        failures.append(problem)
    }

    /// The verification did not happen (missing expectation, query error, missing secret).
    func cannotVerify(_ problem: String) {
        errors.append(problem)
    }

    /// Files a thrown error under the right verdict. `activity` completes "could not …".
    func record(_ error: any Error, while activity: String) {
        if let postgres = error as? PostgresError {
            if let state = postgres.sqlState, Self.missingObjectStates.contains(state) {
                // PostgreSQL words these as `relation "orders" does not exist`.
                let reason = postgres.message.trimmingCharacters(in: .whitespacesAndNewlines)
                fail("could not \(activity): \(reason) in the restored database")
            } else {
                cannotVerify("could not \(activity): \(postgres)")
            }
        } else if let sqlite = error as? SQLiteError, sqlite.isMissingObject {
            fail("could not \(activity): \(sqlite.message) in the restored database")
        } else if error is CancellationError {
            cannotVerify("\(activity) was cancelled before it finished")
        } else {
            cannotVerify("could not \(activity): \(error)")
        }
    }

    /// The verdict follows the worst problem; `summary` is the message only when nothing went wrong.
    /// Everything is passed through the secret store so no resolved secret can leave in a report.
    func outcome(passing summary: @autoclosure () -> String) -> CheckOutcome {
        let verdict: Verdict = !errors.isEmpty ? .error : !failures.isEmpty ? .fail : .pass
        let message = verdict == .pass ? summary() : (errors + failures).joined(separator: "; ")
        return CheckOutcome(
            verdict: verdict,
            message: secrets.redact(message),
            observations: observations.map {
                Observation(subject: secrets.redact($0.subject), expected: secrets.redact($0.expected),
                            actual: secrets.redact($0.actual), ok: $0.ok)
            },
            queries: queries.map(secrets.redact)
        )
    }
}
