import Foundation
import Testing
@testable import DrillKit

/// One diagnostic a bad fixture must produce: its exact position, the part of the message
/// that names the problem, and the suggestion when there is one.
struct ExpectedDiagnostic: Sendable {
    var line: Int
    var column: Int
    var message: String
    var suggestion: String?

    init(_ line: Int, _ column: Int, _ message: String, suggesting suggestion: String? = nil) {
        self.line = line
        self.column = column
        self.message = message
        self.suggestion = suggestion
    }
}

struct BadScenario: Sendable, CustomTestStringConvertible {
    var fixture: String
    var expected: [ExpectedDiagnostic]
    var environment: [String: String] = [:]

    var testDescription: String { fixture }
}

@Suite struct ScenarioLoaderBadFileTests {
    static let scenarios: [BadScenario] = [
        BadScenario(fixture: "unknown-key-with-suggestion.yml", expected: [
            ExpectedDiagnostic(13, 7, "unknown key 'tolerence' under checks[2].row_counts", suggesting: "tolerance"),
        ]),
        BadScenario(fixture: "unknown-top-level-key.yml", expected: [
            ExpectedDiagnostic(10, 1, "unknown key 'reprot' at the top level", suggesting: "report"),
            ExpectedDiagnostic(12, 1, "unknown key 'schedule' at the top level"),
        ]),
        BadScenario(fixture: "wrong-type.yml", expected: [
            ExpectedDiagnostic(5, 13, "expected a mapping for environment.database, found a string"),
            ExpectedDiagnostic(8, 11, "expected a boolean (true or false) for backup.newest, found a string"),
            ExpectedDiagnostic(10, 27, "expected a list for checks[0].row_counts.tables, found a string"),
            ExpectedDiagnostic(11, 56, "expected an integer for checks[1].http.status, found a string"),
        ]),
        BadScenario(fixture: "missing-required-keys.yml", expected: [
            ExpectedDiagnostic(1, 1, "missing required key 'name' at the top level"),
            ExpectedDiagnostic(4, 3, "missing required key 'user' under environment.database"),
            ExpectedDiagnostic(6, 1, "missing 'dump' or 'pitr' or 'sqlite' or 'export' under backup"),
            ExpectedDiagnostic(9, 5, "missing required key 'email' under checks[0].totp_login"),
        ]),
        BadScenario(fixture: "inline-secret-keys.yml", expected: [
            ExpectedDiagnostic(5, 39, "unknown key 'password' under environment.database; secrets are never written in a scenario"),
            ExpectedDiagnostic(9, 3, "inline secret 'source' under master_key: secrets are never written in a scenario; "
                               + "use 'source_env: VAR' (an environment variable) or 'source_file: PATH' instead"),
            ExpectedDiagnostic(11, 12, "inline secret 'identity' under master_key.decrypt.age"),
            ExpectedDiagnostic(18, 7, "inline secret 'password' under checks[0].totp_login: secrets are never written in a scenario; "
                               + "use 'password_env: VAR' (an environment variable) or 'password_file: PATH' instead"),
            ExpectedDiagnostic(20, 56, "inline secret 'value' under checks[1].canary"),
        ]),
        BadScenario(fixture: "inline-secret-values.yml", expected: [
            ExpectedDiagnostic(3, 14, "description looks like an inline secret (a PEM private key)"),
            ExpectedDiagnostic(13, 18, "checks[0].http.url looks like an inline secret (a URL with a password)"),
            ExpectedDiagnostic(14, 30, "checks[1].command.run[1] looks like an inline secret (a connection string with a password)"),
            ExpectedDiagnostic(18, 21, "checks[2].totp_login.password_env must name an environment variable"),
        ]),
        BadScenario(fixture: "bad-duration.yml", expected: [
            ExpectedDiagnostic(4, 8, "invalid duration '1 day' for objectives.rpo: \(DurationText.hint)"),
            ExpectedDiagnostic(15, 16, "invalid duration '5 minutes' for app.ready[0].timeout: \(DurationText.hint)"),
        ]),
        BadScenario(fixture: "bad-size.yml", expected: [
            ExpectedDiagnostic(8, 13, "invalid size '4kb' for backup.min_size: \(SizeText.hint)"),
        ]),
        BadScenario(fixture: "malformed.yml", expected: [
            ExpectedDiagnostic(6, 7, "malformed YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 5, column 13)"),
        ]),
        BadScenario(fixture: "empty.yml", expected: [
            ExpectedDiagnostic(1, 1, "the file is empty: a scenario needs at least `version: 1`, `name`"),
        ]),
        BadScenario(fixture: "comments-only.yml", expected: [
            ExpectedDiagnostic(1, 1, "the file is empty (it holds only comments): a scenario needs at least `version: 1`"),
        ]),
        BadScenario(fixture: "duplicate-keys.yml", expected: [
            ExpectedDiagnostic(8, 5, "duplicate key 'name' under environment.database (first defined on line 6)"),
            ExpectedDiagnostic(12, 60, "duplicate key 'query' under checks[0].sql (first defined on line 12)"),
            ExpectedDiagnostic(13, 1, "duplicate key 'backup' at the top level (first defined on line 9)"),
        ]),
        BadScenario(fixture: "bad-enums.yml", expected: [
            ExpectedDiagnostic(4, 9, "invalid value 'gold' for objectives.tier: expected one of baseline, standard, strict"),
            ExpectedDiagnostic(6, 9, "invalid value 'k8s' for environment.kind: expected one of compose, local"),
            ExpectedDiagnostic(10, 11, "invalid value 'zip' for backup.format: expected one of auto, custom, directory, tar, plain"),
            ExpectedDiagnostic(11, 9, "invalid value 'many' for backup.jobs: expected auto or a positive integer"),
            ExpectedDiagnostic(13, 20, "invalid value 'html' for report.formats[1]: expected one of junit, markdown, json"),
            ExpectedDiagnostic(15, 48, "invalid value 'aes-256-gmc' for checks[0].secret_decrypt.cipher", suggesting: "aes-256-gcm"),
        ]),
        BadScenario(fixture: "version-2.yml", expected: [
            ExpectedDiagnostic(1, 10, "unsupported version 2: this restore-drill reads version 1 scenarios"),
        ]),
        BadScenario(fixture: "bad-name.yml", expected: [
            ExpectedDiagnostic(2, 7, "invalid name 'Shop Nightly_Drill': use only lowercase letters, digits and '-'",
                               suggesting: "shop-nightly-drill"),
        ]),
        BadScenario(fixture: "bad-money.yml", expected: [
            ExpectedDiagnostic(10, 37, "invalid column reference 'total_cents' for checks[0].money.columns[1]: write table.column"),
            ExpectedDiagnostic(11, 24, "invalid column reference 'orders' for checks[0].money.currency_column"),
            ExpectedDiagnostic(13, 56, "expected an integer for checks[0].money.spot_checks[0].cents, found a string"),
            ExpectedDiagnostic(13, 75, "invalid currency 'eur' for checks[0].money.spot_checks[0].currency: expected an ISO 4217 code",
                               suggesting: "EUR"),
        ]),
        BadScenario(fixture: "bad-comparison.yml", expected: [
            ExpectedDiagnostic(9, 78, "invalid expectation 'about 5' for checks[0].sql.expect: \(Comparison.hint)"),
            ExpectedDiagnostic(10, 54, "invalid expectation '42' for checks[1].sql.expect"),
            ExpectedDiagnostic(11, 54, "invalid expectation '= x' for checks[2].sql.expect"),
        ]),
        BadScenario(fixture: "unset-variable.yml", expected: [
            ExpectedDiagnostic(7, 9, "environment variable 'BACKUP_ROOT' is not set (used in the path backup.dump)"),
            ExpectedDiagnostic(8, 13, "malformed variable reference '${BACKUP_ROOT/shop.manifest.json' in backup.manifest"),
        ]),
        BadScenario(fixture: "no-checks.yml", expected: [
            ExpectedDiagnostic(8, 9, "checks is empty: at least one check is required"),
        ]),
        BadScenario(fixture: "conflicting-choices.yml", expected: [
            ExpectedDiagnostic(3, 1, "missing required key 'compose' under environment"),
            ExpectedDiagnostic(5, 3, "'local' applies to kind: local, but environment.kind is compose"),
            ExpectedDiagnostic(9, 3, "'pitr' cannot be combined with 'dump' under backup"),
            ExpectedDiagnostic(11, 48, "invalid tolerance '0.5' for checks[0].row_counts.tolerance: \(ToleranceText.hint)"),
            ExpectedDiagnostic(12, 5, "checks[0] holds more than one check ('row_counts' and 'sql')"),
            ExpectedDiagnostic(13, 48, "tolerance '150%' for checks[1].row_counts.tolerance is out of range"),
        ]),
    ]

    @Test(arguments: scenarios)
    func reportsEveryProblemAtItsPosition(_ scenario: BadScenario) {
        let diagnostics = ScenarioFixtures.diagnostics("bad/\(scenario.fixture)", environment: scenario.environment)
        #expect(diagnostics.count == scenario.expected.count, "got:\n\(diagnostics.map(\.description).joined(separator: "\n"))")
        for (diagnostic, expected) in zip(diagnostics, scenario.expected) {
            #expect(diagnostic.line == expected.line && diagnostic.column == expected.column,
                    "\(diagnostic) should be at \(expected.line):\(expected.column)")
            #expect(diagnostic.message.contains(expected.message), "\(diagnostic.message)")
            #expect(diagnostic.suggestion == expected.suggestion, "\(diagnostic)")
        }
    }

    @Test func everyBadFixtureIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ScenarioFixtures.path("bad"))
        #expect(Set(files) == Set(Self.scenarios.map(\.fixture)))
    }

    @Test func unknownKeyRendersExactlyAsTheContractShows() throws {
        let path = ScenarioFixtures.path("bad/unknown-key-with-suggestion.yml")
        let diagnostics = ScenarioFixtures.diagnostics("bad/unknown-key-with-suggestion.yml")
        #expect(diagnostics.map(\.description)
            == ["\(path):13:7: unknown key 'tolerence' under checks[2].row_counts (did you mean 'tolerance'?)"])
    }

    @Test func inlineSecretsAreNeverRepeatedInMessages() {
        let secrets = ["hunter2", "c2VjcmV0", "AGE-SECRET-KEY-1", "canary-token-42", "b3BlbnNzaC1rZXkt", "hunter 2!"]
        for fixture in ["inline-secret-keys.yml", "inline-secret-values.yml"] {
            for diagnostic in ScenarioFixtures.diagnostics("bad/\(fixture)") {
                #expect(!secrets.contains { diagnostic.description.contains($0) }, "\(diagnostic)")
            }
        }
    }

    @Test func anEnvironmentVariableMakesTheUnsetVariableFileLoadItsDump() {
        let diagnostics = ScenarioFixtures.diagnostics("bad/unset-variable.yml", environment: ["BACKUP_ROOT": "/srv/backups"])
        #expect(diagnostics.map(\.line) == [8])
    }
}
