import Foundation
@testable import DrillKit
import RefStoreKit
import Testing

/// `totp_login` with a login flow, on the real refstore's browser-style login: a page with a
/// CSRF token bound to a session cookie, the password posted as a form and answered with a
/// redirect, the code posted in a second request on the same session. The right key passes,
/// the wrong key is refused at the code with the key named, a flow that forgets the CSRF token
/// is refused at the password without blaming the key, and no value the flow sent or captured
/// reaches a report.
@Suite(.timeLimit(.minutes(10))) struct LoginFlowDrillTests {
    static func flow(sendCSRF: Bool = true) -> LoginFlowSpec {
        var form = [("email", "{{email}}"), ("password", "{{password}}")]
        if sendCSRF { form.append(("csrf_token", "{{csrf}}")) }
        return LoginFlowSpec(steps: [
            LoginFlowStep(method: "GET", url: "http://{{api:3000}}/account/login",
                          captures: [("csrf", .html(#"name="csrf_token" value="([^"]+)""#)), ("session", .cookie("refstore_login"))]),
            LoginFlowStep(method: "POST", url: "http://{{api:3000}}/account/login", body: .form(form), status: [302]),
            LoginFlowStep(method: "POST", url: "http://{{api:3000}}/account/two-factor", body: .json(.object(["code": .string("{{totp}}")])),
                          captures: [("token", .json(["token"]))], status: [200]),
        ])
    }

    static func check(_ flow: LoginFlowSpec) -> CheckKind {
        .totpLogin(TOTPLoginCheckSpec(url: "", email: DrillAccount.defaultEmail, password: .environment("DRILL_PASSWORD"),
                                      secret: .environment("DRILL_TOTP_SECRET"), flow: flow))
    }

    @Test func theFlowPassesWithTheRightKeyAndNamesTheKeyOrTheStepWhenItDoesNot() async throws {
        try await AppDrillTests().withFixture { fixture in
            let start = [fixture.refstore, "serve", "--http-port", "{{port}}"]
            let keyA = MasterKeySpec(source: .file(try fixture.write("key-a", AppDrillTests.keyA)), install: .environment("MASTER_KEY"))
            let healthy = await fixture.drill(key: keyA, start: start, extraChecks: [Self.check(Self.flow())])
            let login = try #require(healthy.checks.last)
            #expect(login.verdict == .pass, "\(healthy.outline)")
            #expect(login.message == "drill-2fa@example.test logged in with password and TOTP through its login flow (3 requests): the master key matches the data",
                    "\(login.message ?? "")")
            #expect(login.observations.map(\.actual) == ["200", "302", "200"], "\(login.observations)")
            #expect(healthy.exitCode == 0, "\(healthy.outline)")
            let reports = try ReportWriter.write(healthy, to: fixture.scratch.path, formats: ReportFormat.allCases)
            for report in reports {
                let text = try String(contentsOfFile: report, encoding: .utf8)
                for secret in [AppDrillTests.keyA, AppDrillTests.password, AppDrillTests.secret] {
                    #expect(!text.contains(secret), "\(report) shows a secret")
                }
                #expect(!text.contains("csrf_token\" value"), "\(report) quotes the login page")
            }

            let keyB = MasterKeySpec(source: .file(try fixture.write("key-b", AppDrillTests.keyB)), install: .environment("MASTER_KEY"))
            let wrongKey = await fixture.drill(key: keyB, start: start, extraChecks: [Self.check(Self.flow())])
            let refused = try #require(wrongKey.checks.last)
            #expect(refused.verdict == .fail, "\(wrongKey.outline)")
            #expect(refused.message?.hasPrefix("step 3 of the login flow, POST http://127.0.0.1:") == true, "\(refused.message ?? "")")
            #expect(refused.message?.contains(#"answered 401, expected 200 (it said: {"error":"invalid code"}): the code from the known-good authenticator was refused; "#
                                              + "the master key most likely does not match the data") == true, "\(refused.message ?? "")")

            let noCSRF = await fixture.drill(key: keyA, start: start, extraChecks: [Self.check(Self.flow(sendCSRF: false))])
            let forbidden = try #require(noCSRF.checks.last)
            #expect(forbidden.verdict == .fail, "\(noCSRF.outline)")
            #expect(forbidden.message?.contains("step 2 of the login flow") == true && forbidden.message?.contains("answered 403, expected 302") == true,
                    "\(forbidden.message ?? "")")
            #expect(forbidden.message?.contains("master key") == false, "a refused password step does not blame the key: \(forbidden.message ?? "")")
        }
    }

    /// The order goes through the flow's session: its captured token as Bearer.
    @Test func aTestOrderPlacedAfterTheFlowTakesTheNextInvoiceNumber() async throws {
        try await AppDrillTests().withFixture { fixture in
            let start = [fixture.refstore, "serve", "--http-port", "{{port}}"]
            let keyA = MasterKeySpec(source: .file(try fixture.write("key-a", AppDrillTests.keyA)), install: .environment("MASTER_KEY"))
            guard case .testOrder(var order) = AppDrillTests.Fixture.testOrder else { Issue.record("not a test order"); return }
            order.flow = Self.flow()
            let record = await fixture.drill(key: keyA, start: start, extraChecks: [.testOrder(order)])
            let placed = try #require(record.checks.last)
            #expect(placed.kind == "test_order")
            #expect(placed.verdict == .pass, "\(record.outline)")
            #expect(placed.message?.contains("follows production's latest") == true, "\(placed.message ?? "")")

            let keyB = MasterKeySpec(source: .file(try fixture.write("key-b", AppDrillTests.keyB)), install: .environment("MASTER_KEY"))
            let refused = await fixture.drill(key: keyB, start: start, extraChecks: [.testOrder(order)])
            let notPlaced = try #require(refused.checks.last)
            #expect(notPlaced.verdict == .fail, "\(refused.outline)")
            #expect(notPlaced.message?.hasPrefix("the drill account could not log in to place the order: step 3 of the login flow") == true,
                    "\(notPlaced.message ?? "")")
        }
    }
}
