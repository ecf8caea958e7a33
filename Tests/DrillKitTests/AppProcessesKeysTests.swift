import Foundation
import Testing
@testable import DrillKit

/// `app.start.processes`, ecommus's shape on a local target: several named programs, each
/// on its own port, reached by name in every URL and command.
@Suite struct AppProcessesKeysTests {
    static let scenario = """
        version: 1
        name: ecommus-monthly
        environment:
          kind: local
          database: { name: shop, user: shop }
        backup:
          dump: backups/shop.dump
        app:
          start:
            processes:
              api:
                command: [refstore, serve, --http-port, "{{port}}"]
                ready:
                  - http: { url: "http://{{api:3000}}/health", json: { ok: true } }
              admin:
                command: [refstore, serve, --http-port, "{{port}}", --api, "http://{{api:3000}}"]
                ready:
                  - http: { url: "http://{{admin:3001}}/api/health", json: { ok: true } }
                    timeout: 20s
          ready:
            - http: { url: "http://{{api:3000}}/version" }
        checks:
          - http: { url: "http://{{admin:3001}}/api/health", json: { ok: true } }

        """

    @Test func processesAreReadInTheOrderWritten() throws {
        let scenario = try ScenarioFixtures.load(yaml: Self.scenario)
        guard case .processes(let processes)? = scenario.app?.start else {
            Issue.record("expected processes")
            return
        }
        #expect(processes.map(\.name) == ["api", "admin"])
        #expect(processes[1].command.last == "http://{{api:3000}}")
        #expect(processes[1].ready.first?.timeoutSeconds == 20)
        #expect(scenario.appURLTemplates.prefix(3) == ["http://{{api:3000}}/version", "http://{{api:3000}}/health",
                                                       "http://{{admin:3001}}/api/health"])
    }

    @Test func eachNameReachesItsOwnPortInURLsAndCommands() {
        let address = AppAddress(port: 41000, masterKeyFile: "/k", processPorts: ["api": 41000, "admin": 41001])
        #expect(address.url("http://{{admin:3001}}/api/health") == "http://127.0.0.1:41001/api/health")
        #expect(address.url("http://{{api:3000}}/health") == "http://127.0.0.1:41000/health")
        #expect(address.argument("--api=http://{{api:3000}}", ownPort: 41001) == "--api=http://127.0.0.1:41000")
        #expect(address.argument("{{port}}", ownPort: 41001) == "41001")
        #expect(address.argument("{{master_key_file}}", ownPort: 41001) == "/k")
        // One app: every name is the one port, as before.
        #expect(AppAddress(port: 5000).url("http://{{whatever:1}}/x") == "http://127.0.0.1:5000/x")
    }

    @Test func aNameNoProcessHasIsPlacedWithTheClosestOne() {
        let yaml = Self.scenario.replacingOccurrences(of: "url: \"http://{{admin:3001}}/api/health\", json", with: "url: \"http://{{amdin:3001}}/api/health\", json")
        let messages = ScenarioFixtures.diagnostics(yaml: yaml).map(\.fullMessage)
        #expect(messages == ["{{amdin:3001}} names no process of app.start.processes (api, admin): a local drill reaches each process by its name "
                             + "(did you mean '{{admin:3001}}'?)"], "\(messages)")
    }

    @Test func theVersionURLNamesAProcessToo() {
        let yaml = Self.scenario.replacingOccurrences(of: "  ready:\n    - http: { url: \"http://{{api:3000}}/version\" }\n",
                                                      with: "  version: { url: \"http://{{apii:3000}}/health\", expect: \"1.0.0\" }\n")
        #expect(ScenarioFixtures.diagnostics(yaml: yaml).map(\.fullMessage).contains { $0.hasPrefix("{{apii:3000}} names no process") },
                "\(ScenarioFixtures.diagnostics(yaml: yaml).map(\.fullMessage))")
    }

    @Test func processesNeedALocalEnvironmentAndAValidName() {
        let compose = Self.scenario.replacingOccurrences(of: "  kind: local\n", with: "  kind: compose\n  compose: { file: stack.yml, database_service: db }\n")
        #expect(ScenarioFixtures.diagnostics(yaml: compose).map(\.fullMessage).contains {
            $0.hasPrefix("app.start.processes needs environment.kind: local")
        })
        let badName = Self.scenario.replacingOccurrences(of: "      admin:\n", with: "      Admin Panel:\n")
        #expect(ScenarioFixtures.diagnostics(yaml: badName).map(\.fullMessage).contains {
            $0.hasPrefix("'Admin Panel' in app.start.processes is not a process name")
        })
        let noCommand = Self.scenario.replacingOccurrences(of: "        command: [refstore, serve, --http-port, \"{{port}}\"]\n", with: "")
        #expect(ScenarioFixtures.diagnostics(yaml: noCommand).map(\.fullMessage).contains { $0.contains("command") }, "the api has no command")
    }
}
