import Foundation
@testable import DrillKit
import Testing

/// `totp_login.flow` read strictly: what a real app's login needs, and a line with what to do
/// for what could never work (a placeholder nothing captures, a flow that never sends the
/// code, a password written into the scenario).
@Suite struct LoginFlowKeysTests {
    static let app = """
        app:
          start: { command: [shop, serve] }

        """

    static func scenario(_ flow: String) -> String {
        ScenarioFixtures.validPreamble + app + """
            checks:
              - totp_login:
                  email: drill@example.test
                  password_env: DRILL_PASSWORD
                  secret_env: DRILL_TOTP_SECRET
                  flow:
            \(flow)
            """
    }

    static let twoStep = """
                    - url: "http://{{api:5000}}/login"
                      capture: { csrf: { html: 'name="csrf_token" value="([^"]+)"' } }
                    - url: "http://{{api:5000}}/login"
                      json: { email: "{{email}}", password: "{{password}}", csrf_token: "{{csrf}}" }
                      expect_json: { response: { tf_required: true } }
                    - method: post
                      url: "http://{{api:5000}}/tf-validate"
                      form: { code: "{{totp}}", csrf_token: "{{csrf}}" }
                      headers: { X-CSRF-Token: "{{csrf}}" }
                      status: [200, 302]
                      capture: { token: { json: response.user.authentication_token }, session: { cookie: session } }
        """

    static func messages(_ yaml: String) -> [String] {
        ScenarioFixtures.diagnostics(yaml: yaml).map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test func readsATwoStepLoginWithCSRF() throws {
        let scenario = try ScenarioFixtures.load(yaml: Self.scenario(Self.twoStep))
        guard case .totpLogin(let login) = scenario.checks.first?.kind else { Issue.record("not a totp_login"); return }
        let flow = try #require(login.flow)
        #expect(flow.steps.map(\.method) == ["GET", "POST", "POST"], "a body means POST unless a method is given")
        #expect(flow.steps[0].captures.map(\.name) == ["csrf"])
        #expect(flow.steps[1].json == ["response": .object(["tf_required": .bool(true)])])
        #expect(flow.steps[2].status == [200, 302])
        #expect(flow.steps[2].captures.map(\.source) == [.json(["response", "user", "authentication_token"]), .cookie("session")])
        #expect(flow.codeStepIndex == 2)
        #expect(login.urlTemplates.count == 3)
    }

    @Test func aTestOrderTakesTheSameFlow() throws {
        let yaml = ScenarioFixtures.validPreamble + Self.app + """
            checks:
              - test_order:
                  orders_url: "http://{{api:5000}}/api/orders"
                  email: drill@example.test
                  password_env: DRILL_PASSWORD
                  secret_env: DRILL_TOTP_SECRET
                  order: { customer_id: 1 }
                  flow:
            \(Self.twoStep)
            """
        let scenario = try ScenarioFixtures.load(yaml: yaml)
        guard case .testOrder(let order) = scenario.checks.first?.kind else { Issue.record("not a test_order"); return }
        #expect(order.flow?.steps.count == 3)
        #expect(order.loginURL == "http://{{api:5000}}/login")
    }

    @Test func aPlaceholderNothingCapturesIsNamedWithTheClosestOne() {
        let yaml = Self.scenario(Self.twoStep.replacingOccurrences(of: #"csrf_token: "{{csrf}}" }"#, with: #"csrf_token: "{{csfr}}" }"#))
        let messages = Self.messages(yaml)
        #expect(messages.contains { $0.contains("unknown placeholder {{csfr}}") }, "\(messages)")
        #expect(ScenarioFixtures.diagnostics(yaml: yaml).contains { $0.suggestion == "csrf" })
    }

    @Test func aFlowThatNeverSendsTheCodeIsRefused() {
        let yaml = Self.scenario(Self.twoStep.replacingOccurrences(of: #"code: "{{totp}}""#, with: #"code: "123456""#))
        #expect(Self.messages(yaml).contains { $0.contains("never sends {{totp}}") }, "\(Self.messages(yaml))")
    }

    @Test func aPasswordWrittenIntoTheFlowIsAnInlineSecret() {
        let yaml = Self.scenario(Self.twoStep.replacingOccurrences(of: #"password: "{{password}}""#, with: "password: hunter2"))
        let messages = Self.messages(yaml)
        #expect(messages.contains { $0.contains("inline secret 'password'") }, "\(messages)")
        #expect(!messages.joined().contains("hunter2"), "the error does not repeat the secret")
    }

    @Test func urlAndFlowTogetherAndAPatternWithoutAGroupAreRefused() {
        let both = Self.scenario(Self.twoStep).replacingOccurrences(of: "      email: drill@example.test", with: "      email: drill@example.test\n      url: http://x/login")
        #expect(Self.messages(both).contains { $0.contains("'flow' cannot be combined with 'url'") || $0.contains("'url' cannot be combined with 'flow'") },
                "\(Self.messages(both))")
        let noGroup = Self.scenario(Self.twoStep.replacingOccurrences(of: #"value="([^"]+)""#, with: #"value="[^"]+""#))
        #expect(Self.messages(noGroup).contains { $0.contains("one group around the value") }, "\(Self.messages(noGroup))")
    }

    @Test func formFieldsAreEncodedAsBrowsersDo() {
        #expect(HTTPSession.formEncoded([("email", "drill+2fa@example.test"), ("password", "a b&c=é")])
                == "email=drill%2B2fa%40example.test&password=a+b%26c%3D%C3%A9")
    }

    @Test func capturesReadJSONPathsHeadersAndPatterns() {
        let answer = HTTPSession.Answer(status: 200, headers: ["x-csrf-token": "abc"],
                                        body: Data(#"{"response": {"items": [{"id": 7}], "tf_state": "ready"}}"#.utf8))
        let session = HTTPSession()
        #expect(LoginFlowRun.capture(.json(["response", "tf_state"]), from: answer, session: session) == "ready")
        #expect(LoginFlowRun.capture(.json(["response", "items", "0", "id"]), from: answer, session: session) == "7")
        #expect(LoginFlowRun.capture(.json(["response", "missing"]), from: answer, session: session) == nil)
        #expect(LoginFlowRun.capture(.header("X-CSRF-Token"), from: answer, session: session) == "abc")
        let page = HTTPSession.Answer(status: 200, headers: [:], body: Data(#"<input name="csrf_token" value="t0k">"#.utf8))
        #expect(LoginFlowRun.capture(.html(#"name="csrf_token" value="([^"]+)""#), from: page, session: session) == "t0k")
    }

    @Test func theCodeStepMustSayWhatOnlyASuccessAnswers() {
        let yaml = Self.scenario(Self.twoStep.replacingOccurrences(of: "status: [200, 302]", with: "# no status"))
        #expect(Self.messages(yaml).contains { $0.contains("sends {{totp}} but says neither 'status' nor 'expect_json'") }, "\(Self.messages(yaml))")
    }

    @Test func capturesCannotHideTheAccountsOwnPlaceholders() {
        let yaml = Self.scenario(Self.twoStep.replacingOccurrences(of: "capture: { csrf:", with: "capture: { password:"))
        #expect(Self.messages(yaml).contains { $0.contains("capture 'password'") }, "\(Self.messages(yaml))")
    }

    @Test func literalCredentialsInHeadersOrNestedJSONAreInlineSecrets() {
        let header = Self.scenario(Self.twoStep.replacingOccurrences(of: #"headers: { X-CSRF-Token: "{{csrf}}" }"#,
                                                                     with: #"headers: { Authorization: "Bearer abc123" }"#))
        #expect(Self.messages(header).contains { $0.contains("inline secret 'Authorization'") }, "\(Self.messages(header))")
        let nested = Self.scenario(Self.twoStep.replacingOccurrences(of: #"json: { email: "{{email}}", password: "{{password}}", csrf_token: "{{csrf}}" }"#,
                                                                     with: #"json: { user: { email: "{{email}}", password: hunter2 }, csrf_token: "{{csrf}}" }"#))
        #expect(Self.messages(nested).contains { $0.contains("inline secret 'password'") }, "\(Self.messages(nested))")
    }

    @Test func eachPlaceholderIsFilledOnceAndEncodedInAURL() {
        let values = ["csrf": "a+b/c=", "password": "{{csrf}}"]
        #expect(LoginFlowRun.fill("{{password}}|{{csrf}}|{{api:5000}}", values) == "{{csrf}}|a+b/c=|{{api:5000}}",
                "a value holding {{…}} is sent as it is, and addresses are left for the app")
        #expect(LoginFlowRun.fill("http://h/verify?t={{csrf}}", values, encode: true) == "http://h/verify?t=a%2Bb%2Fc%3D")
    }
}
