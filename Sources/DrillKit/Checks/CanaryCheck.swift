import Foundation

/// `canary`: a row planted in production holds a value only the drill knows (from the
/// environment or a file); reading it back proves this backup is of that database. Neither
/// the expected nor the restored value ever reaches a message, observation or query text:
/// reports say `matches` or `differs`, with lengths at most.
public struct CanaryCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: CanaryCheckSpec

    public init(spec: CheckSpec, settings: CanaryCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "canary" }
    public var secretsRead: [SecretReference] { [settings.value] }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        let expectedLabel = "the value in \(settings.value)"
        // Read the secret before anything runs, so the store can redact it from any error text.
        let expected: String
        do {
            expected = try context.secrets.value(of: settings.value)
        } catch {
            transcript.cannotVerify("the canary was not compared: \(error)")
            transcript.observe("canary", expected: expectedLabel, actual: "not compared", ok: false)
            return transcript.outcome(passing: "")
        }

        let restored: String?
        do {
            let result = try await transcript.query(settings.query)
            guard let row = result.rows.first, !row.isEmpty else {
                transcript.fail("the canary row is missing: the query returned no row")
                transcript.observe("canary", expected: expectedLabel, actual: "no row", ok: false)
                return transcript.outcome(passing: "")
            }
            restored = row[0]
        } catch {
            transcript.record(error, while: "read the canary")
            return transcript.outcome(passing: "")
        }
        guard let restored else {
            transcript.fail("the canary value is NULL in the restored database")
            transcript.observe("canary", expected: expectedLabel, actual: "NULL", ok: false)
            return transcript.outcome(passing: "")
        }

        if restored == expected {
            transcript.observe("canary", expected: expectedLabel, actual: "matches", ok: true)
            return transcript.outcome(passing: "the restored canary matches \(expectedLabel)")
        }
        let lengths = restored.count == expected.count
            ? "same length"
            : "restored value has \(restored.count) characters, expected \(expected.count)"
        transcript.observe("canary", expected: expectedLabel, actual: "differs (\(lengths))", ok: false)
        transcript.fail("the restored canary differs from \(expectedLabel) (\(lengths)): "
                        + "this backup may be of another database or of an older state")
        return transcript.outcome(passing: "")
    }
}
