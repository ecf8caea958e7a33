import Foundation
@testable import DrillKit
import Testing

/// A two-factor login nobody here wrote: Flask-Security (from PyPI, in the test tools' venv)
/// as the app on the local target, its TOTP secrets sealed under SECURITY_TOTP_SECRETS, which
/// the shop reads from the master key (Tests/Apps/flask-security/shop.py). Its login takes
/// three requests: a GET for the CSRF token, the password answered with `tf_required` and
/// `tf_state: ready`, the code in a second POST on the same session. The right key logs in;
/// a wrong key is refused at the code, with the key named; no secret reaches a report.
@Suite(.serialized, .timeLimit(.minutes(10)), .enabled(if: ReportConsumers.shouldRun, "needs scripts/install-test-tools.sh"))
struct FlaskSecurityLoginTests {
    static let password = "correct horse battery"
    static let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    static let email = "drill-2fa@example.com"
    static var shop: String { HarnessBinary.packageRoot + "/Tests/Apps/flask-security/shop.py" }

    static let flow = LoginFlowSpec(steps: [
        LoginFlowStep(method: "GET", url: "http://{{api:5000}}/login", captures: [("csrf", .json(["response", "csrf_token"]))]),
        LoginFlowStep(method: "POST", url: "http://{{api:5000}}/login",
                      body: .json(.object(["email": .string("{{email}}"), "password": .string("{{password}}"), "csrf_token": .string("{{csrf}}")])),
                      status: [200], json: ["response": .object(["tf_required": .bool(true), "tf_state": .string("ready")])]),
        LoginFlowStep(method: "POST", url: "http://{{api:5000}}/tf-validate",
                      body: .json(.object(["code": .string("{{totp}}"), "csrf_token": .string("{{csrf}}")])), status: [200]),
    ])

    @Test func theRightKeyLogsInThroughFlaskSecurityAndAWrongOneIsNamed() async throws {
        try ReportConsumers.requireInstalled()
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let rightKey = Data((0..<32).map { UInt8(($0 * 13 + 1) % 251) }).base64EncodedString()
        let wrongKey = Data((0..<32).map { UInt8(($0 * 17 + 2) % 251) }).base64EncodedString()
        try await withTestPostgres { production in
            let parameters = production.parameters
            var environment: [String: String?] = [:]
            environment["PGHOST"] = parameters.host
            environment["PGPORT"] = parameters.port.map { String($0) }
            environment["PGUSER"] = parameters.user
            environment["PGPASSWORD"] = parameters.password
            environment["PGDATABASE"] = parameters.database
            environment["MASTER_KEY"] = rightKey
            environment["DRILL_PASSWORD"] = Self.password
            environment["DRILL_TOTP_SECRET"] = Self.secret
            let seeded = try await CommandRunner.run(Command(ReportConsumers.python, [Self.shop, "seed"], environment: environment))
            #expect(seeded.succeeded, "shop.py seed: \(seeded.errorTail())")
            let dump = scratch.file("shop.dump")
            try await production.dump(to: dump, format: .custom)

            func drill(key: String, twoProcesses: Bool = false) async throws -> DrillRecord {
                var scenario = Scenario.testScenario(dump: dump, checks: [
                    .rowCounts(RowCountsCheckSpec(tables: ["user"], expect: .value(["user": 51]))),
                    .totpLogin(TOTPLoginCheckSpec(url: "", email: Self.email, password: .environment("DRILL_PASSWORD"),
                                                  secret: .environment("DRILL_TOTP_SECRET"), flow: Self.flow)),
                ], reportDirectory: scratch.path)
                scenario.masterKey = MasterKeySpec(source: .file(try scratch.write("key-\(key.prefix(4))", key)), install: .environment("MASTER_KEY"))
                scenario.app = AppSpec(start: .command([ReportConsumers.python, Self.shop, "serve", "{{port}}"]),
                                       ready: [ReadyProbe(http: HTTPProbe(url: "http://{{api:5000}}/health", status: 200,
                                                                          json: ["status": .string("ok")]), timeoutSeconds: 180)])
                if twoProcesses {
                    // The shop twice, as a storefront and an admin on their own ports: the login reaches the admin by name.
                    let serve = [ReportConsumers.python, Self.shop, "serve", "{{port}}"]
                    func health(_ name: String) -> [ReadyProbe] {
                        [ReadyProbe(http: HTTPProbe(url: "http://{{\(name):5000}}/health", json: ["status": .string("ok")]), timeoutSeconds: 180)]
                    }
                    scenario.app?.start = .processes([AppProcessSpec(name: "storefront", command: serve, ready: health("storefront")),
                                                      AppProcessSpec(name: "admin", command: serve, ready: health("admin"))])
                    scenario.app?.ready = []
                    var flow = Self.flow
                    for index in flow.steps.indices {
                        flow.steps[index].url = flow.steps[index].url.replacingOccurrences(of: "{{api:5000}}", with: "{{admin:5000}}")
                    }
                    scenario.checks[1].kind = .totpLogin(TOTPLoginCheckSpec(url: "", email: Self.email, password: .environment("DRILL_PASSWORD"),
                                                                            secret: .environment("DRILL_TOTP_SECRET"), flow: flow))
                }
                let secrets = SecretStore(environment: ["DRILL_PASSWORD": Self.password, "DRILL_TOTP_SECRET": Self.secret])
                return await DrillRunner(scenario: scenario, secrets: secrets).run()
            }

            let healthy = try await drill(key: rightKey)
            let login = try #require(healthy.checks.last)
            #expect(login.verdict == .pass, "\(healthy.outline)")
            #expect(login.observations.map(\.actual) == ["200", "200", "200"], "\(login.observations)")
            #expect(healthy.exitCode == 0, "\(healthy.outline)")

            let two = try await drill(key: rightKey, twoProcesses: true)
            #expect(two.exitCode == 0, "\(two.outline)")
            #expect(two.step("app")?.message?.hasPrefix("2 processes up: storefront on 127.0.0.1:") == true, "\(two.step("app")?.message ?? "")")
            let adminPort = two.step("app")?.evidence.first { $0.hasPrefix("started admin:") }?.split(separator: ":").last.map(String.init)
            #expect(two.checks.last?.observations.first?.subject.contains("127.0.0.1:\(adminPort ?? "?")/login") == true,
                    "the flow went to the admin's port: \(two.checks.last?.observations.map(\.subject) ?? [])")
            #expect(two.teardown?.leftovers == [])

            let wrong = try await drill(key: wrongKey)
            let refused = try #require(wrong.checks.last)
            #expect(refused.verdict == .fail, "\(wrong.outline)")
            #expect(refused.message?.contains("step 3 of the login flow") == true, "\(refused.message ?? "")")
            #expect(refused.message?.contains("Invalid code") == true, "the app's own words are quoted: \(refused.message ?? "")")
            #expect(refused.message?.contains("the master key most likely does not match the data") == true, "\(refused.message ?? "")")
            #expect(wrong.teardown?.leftovers == [])

            for record in [healthy, wrong] {
                for report in try ReportWriter.write(record, to: scratch.path, formats: ReportFormat.allCases) {
                    let text = try String(contentsOfFile: report, encoding: .utf8)
                    for value in [rightKey, wrongKey, Self.password, Self.secret] {
                        #expect(!text.contains(value), "\(report) shows a secret")
                    }
                }
            }
        }
    }
}
