import Foundation
@testable import DrillKit
import RefStoreKit
import Testing

/// The same healthy and broken backups give the same verdicts on the local target and on the
/// compose target: every case runs on both, and both must match the case's expectation.
@Suite(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"),
       .serialized, .timeLimit(.minutes(10)))
struct TargetParityTests {
    enum Case: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case healthy, wrongKey, truncatedDump, counterAhead
        var testDescription: String { rawValue }
    }

    struct Outcome: Equatable, CustomStringConvertible {
        var exitCode: Int32
        var findings: [String]
        var checks: [Verdict]
        var description: String { "exit \(exitCode), findings \(findings), checks \(checks.map(\.rawValue))" }
    }

    static func expected(_ backup: Case) -> Outcome {
        switch backup {
        case .healthy: Outcome(exitCode: 0, findings: [], checks: [.pass, .pass, .pass, .pass])
        case .wrongKey: Outcome(exitCode: 1, findings: [], checks: [.pass, .fail, .fail, .fail])
        case .truncatedDump: Outcome(exitCode: 1, findings: ["archive-truncated"], checks: [.skipped, .skipped, .skipped, .skipped])
        case .counterAhead: Outcome(exitCode: 1, findings: [], checks: [.pass, .pass, .pass, .fail])
        }
    }

    static let checks: [CheckKind] = [
        .invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices", column: "number", series: "series", latest: .manifest)),
        .totpLogin(TOTPLoginCheckSpec(url: "http://{{api:3000}}/auth/login", email: DrillAccount.defaultEmail,
                                      password: .environment("DRILL_PASSWORD"), secret: .environment("DRILL_TOTP_SECRET"))),
        .secretDecrypt(SecretDecryptCheckSpec(sql: "SELECT totp_secret_enc FROM users WHERE email = 'drill-2fa@example.test'",
                                              secret: .environment("DRILL_TOTP_SECRET"))),
        AppDrillTests.Fixture.testOrder,
    ]

    /// One scenario, two targets: only `environment` and `app.start` differ.
    static func scenario(_ kind: EnvironmentKind, fixture: AppDrillTests.Fixture, dump: String, key: String) throws -> Scenario {
        var scenario = Scenario.testScenario(dump: dump, checks: checks, manifest: fixture.manifest, reportDirectory: fixture.scratch.path)
        scenario.name = "parity-\(kind.rawValue)"
        let keyFile = try fixture.write("key-\(RandomToken.hex(bytes: 3))", key)
        scenario.masterKey = MasterKeySpec(source: .file(keyFile), install: .file(service: nil, path: "/data/master.key"))
        let ready = [ReadyProbe(http: HTTPProbe(url: "http://{{api:3000}}/health", status: 200, json: ["status": .string("ok")]),
                                timeoutSeconds: 60)]
        switch kind {
        case .local:
            scenario.app = AppSpec(start: .command(fixture.serve()), ready: ready, logsMustNotContain: ["env validation"])
        case .compose:
            scenario.environment = EnvironmentSpec(kind: .compose, compose: ComposeSpec(file: ComposeEngine.composeFile, databaseService: "postgres"),
                                                   database: scenario.environment.database)
            scenario.app = AppSpec(start: .services(["api"]), ready: ready, logsMustNotContain: ["env validation"])
        }
        return scenario
    }

    static func outcome(_ record: DrillRecord) -> Outcome {
        Outcome(exitCode: record.exitCode, findings: record.steps.flatMap { $0.findings.map(\.code) }, checks: record.checks.map(\.verdict))
    }

    @Test(arguments: Case.allCases)
    func theSameBackupGetsTheSameVerdictOnBothTargets(_ backup: Case) async throws {
        try await AppDrillTests().withFixture { fixture in
            var dump = fixture.dump
            var key = AppDrillTests.keyA
            switch backup {
            case .healthy: break
            case .wrongKey: key = AppDrillTests.keyB
            case .counterAhead: dump = fixture.counterAheadDump
            case .truncatedDump:
                let data = try Data(contentsOf: URL(fileURLWithPath: fixture.dump))
                dump = fixture.scratch.file("truncated.dump")
                try data.prefix(data.count * 6 / 10).write(to: URL(fileURLWithPath: dump))
            }
            let environment = ["DRILL_PASSWORD": AppDrillTests.password, "DRILL_TOTP_SECRET": AppDrillTests.secret]
            var records: [EnvironmentKind: DrillRecord] = [:]
            for kind in [EnvironmentKind.local, .compose] {
                let record = await DrillRunner(scenario: try Self.scenario(kind, fixture: fixture, dump: dump, key: key),
                                               secrets: SecretStore(environment: environment)).run()
                records[kind] = record
                #expect(Self.outcome(record) == Self.expected(backup), "\(kind.rawValue):\n\(record.outline)")
                #expect(record.teardown?.leftovers == [], "\(kind.rawValue)")
            }
            let local = try #require(records[.local]), compose = try #require(records[.compose])
            #expect(Self.outcome(local) == Self.outcome(compose))
            #expect(compose.environment?.targetKind == "compose")
            #expect(await ComposeProject.labelled(ComposeTarget.runLabel + "=" + compose.runId).isEmpty)
            #expect(compose.teardown?.actions.contains { $0.hasPrefix("verified: no container, volume or network labelled \(ComposeTarget.runLabel)=") } == true)
            if backup == .healthy {
                let restore = try #require(compose.step("restore"))
                #expect(restore.evidence.contains { $0.contains("of the postgres container of compose project") }, "\(restore.evidence)")
                #expect(compose.environment?.restoreToolVersion?.contains("container") == true)
                let app = try #require(compose.step("app"))
                #expect(app.evidence.contains { $0.hasPrefix("{{api:3000}} → 127.0.0.1:") && $0.hasSuffix("(docker compose port)") }, "\(app.evidence)")
                #expect(app.evidence.contains("key in api: /data/master.key, owner and mode refstore 600"), "\(app.evidence)")
                #expect(app.evidence.contains { $0.hasPrefix("log: ") && $0.contains("listening on") }, "\(app.evidence)")
                for text in try ReportWriter.write(compose, to: fixture.scratch.path, formats: ReportFormat.allCases)
                    .map({ try String(contentsOfFile: $0, encoding: .utf8) }) {
                    for secret in [AppDrillTests.keyA, AppDrillTests.password, AppDrillTests.secret] { #expect(!text.contains(secret)) }
                }
            }
        }
    }
}
