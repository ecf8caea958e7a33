import Foundation
import Testing
@testable import DrillKit

@Suite struct CanaryCheckTests {
    static let planted = "canary-7f3a9c2e51d84b06"
    static let spec = CanaryCheckSpec(query: "SELECT token FROM drill_canary", value: .environment("DRILL_CANARY"))

    @Test func matchesWithoutEverShowingTheValue() async throws {
        try await withRestoredDatabase { db in
            try await db.execute(script: """
                CREATE TABLE drill_canary (token text NOT NULL);
                INSERT INTO drill_canary VALUES ('\(Self.planted)');
                """)
            let outcome = try await run(.canary(Self.spec), on: db, environment: ["DRILL_CANARY": Self.planted])
            #expect(outcome.verdict == .pass)
            #expect(outcome.message == "the restored canary matches the value in environment variable DRILL_CANARY")
            #expect(outcome.observations.map(\.actual) == ["matches"])
            #expect(!reportedText(outcome).contains(Self.planted))
        }
    }

    @Test func aWrongOrMissingCanaryFailsWithoutShowingEitherValue() async throws {
        try await withRestoredDatabase { db in
            let older = "canary-0000-older-backup"
            try await db.execute(script: """
                CREATE TABLE drill_canary (token text NOT NULL);
                INSERT INTO drill_canary VALUES ('\(older)');
                """)
            let wrong = try await run(.canary(Self.spec), on: db, environment: ["DRILL_CANARY": Self.planted])
            #expect(wrong.verdict == .fail)
            #expect(wrong.message.hasPrefix("the restored canary differs from the value in environment variable DRILL_CANARY"))
            #expect(wrong.observations.map(\.actual) == ["differs (restored value has 24 characters, expected 23)"])
            #expect(!reportedText(wrong).contains(Self.planted))
            #expect(!reportedText(wrong).contains(older))

            // A query that puts the value into an error message is redacted too.
            let leaky = CanaryCheckSpec(query: "SELECT '\(Self.planted)'::integer", value: .environment("DRILL_CANARY"))
            let failed = try await run(.canary(leaky), on: db, environment: ["DRILL_CANARY": Self.planted])
            #expect(failed.verdict == .error)
            #expect(!reportedText(failed).contains(Self.planted))
            #expect(failed.message.contains("[REDACTED]"))

            try await db.execute(script: "DELETE FROM drill_canary")
            let missing = try await run(.canary(Self.spec), on: db, environment: ["DRILL_CANARY": Self.planted])
            #expect(missing.verdict == .fail)
            #expect(missing.message == "the canary row is missing: the query returned no row")
            #expect(!reportedText(missing).contains(Self.planted))
        }
    }

    @Test func anUnavailableSecretIsAnError() async throws {
        try await withRestoredDatabase { db in
            let outcome = try await run(.canary(Self.spec), on: db, environment: [:])
            #expect(outcome.verdict == .error)
            #expect(outcome.message == "the canary was not compared: the secret in environment variable DRILL_CANARY "
                    + "is not available: DRILL_CANARY is not set; export it before running the drill")
            #expect(outcome.queries.isEmpty)
        }
    }
}
