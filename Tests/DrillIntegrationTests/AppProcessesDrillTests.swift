import Foundation
@testable import DrillKit
import Testing

/// ecommus's shape on a local target: the API, admin, super-admin and storefront run side by
/// side (pm2), each on its own port with its own health (`/health` on the API, `/api/health`
/// on the admin apps, `{ok:true}`). Four RefStores play them on one restored copy. All four
/// healthy pass; one that answers `{ok:false}`, never answers, or exits fails the boot and is
/// named; every one is stopped and its log kept, whichever way the drill went.
@Suite(.timeLimit(.minutes(10))) struct AppProcessesDrillTests {
    static func health(_ name: String, _ path: String, timeout: Double = 20) -> [ReadyProbe] {
        [ReadyProbe(http: HTTPProbe(url: "http://{{\(name):3000}}\(path)", status: 200, json: ["ok": .bool(true)]), timeoutSeconds: timeout)]
    }

    static func ecommus(_ refstore: String, admin: [String]? = nil, superAdmin: [String]? = nil, storefront: [String]? = nil,
                        timeout: Double = 20) -> [AppProcessSpec] {
        let serve = [refstore, "serve", "--http-port", "{{port}}"]
        return [
            AppProcessSpec(name: "api", command: serve, ready: health("api", "/health")),
            AppProcessSpec(name: "admin", command: admin ?? serve, ready: health("admin", "/api/health", timeout: timeout)),
            AppProcessSpec(name: "super-admin", command: superAdmin ?? serve, ready: health("super-admin", "/api/health", timeout: timeout)),
            AppProcessSpec(name: "storefront", command: storefront ?? serve, ready: health("storefront", "/health", timeout: timeout)),
        ]
    }

    @Test func fourHealthyServicesPassAndOneThatIsNotFailsTheBootByName() async throws {
        try await AppDrillTests().withFixture { fixture in
            let key = MasterKeySpec(source: .file(try fixture.write("key-a", AppDrillTests.keyA)), install: .environment("MASTER_KEY"))
            let healthy = await fixture.drill(key: key, start: [], ready: [], processes: Self.ecommus(fixture.refstore))
            #expect(healthy.exitCode == 0, "\(healthy.outline)")
            let app = try #require(healthy.step("app"))
            #expect(app.message?.hasPrefix("4 processes up: api on 127.0.0.1:") == true, "\(app.message ?? "") \(healthy.outline)")
            #expect(app.message?.hasSuffix("; 4 ready probes passed") == true, "\(app.message ?? "")")
            let ports = app.evidence.filter { $0.hasPrefix("started ") }.compactMap { $0.split(separator: ":").last.map(String.init) }
            #expect(Set(ports).count == 4, "each process on its own port: \(app.evidence)")
            #expect(app.evidence.contains { $0.hasPrefix("ready: GET http://127.0.0.1:\(ports[1])/api/health → 200") }, "\(app.evidence)")
            for name in ["api", "admin", "super-admin", "storefront"] {
                #expect(app.evidence.contains { $0.hasPrefix("log (\(name)): refstore 1.0.0 listening on") }, "\(name)'s log is kept")
            }
            #expect(healthy.checks.map(\.verdict) == [.pass, .pass], "the login reaches {{api:3000}}: \(healthy.outline)")
            #expect(healthy.teardown?.actions.contains { $0.hasPrefix("app stopped (api: stopped by the harness; admin: stopped") } == true,
                    "\(healthy.teardown?.actions ?? [])")
            AppDrillTests().expectNothingLeft(healthy, "healthy")

            // The admin pointed at a database that is not there: it serves, and says {ok:false}.
            let wrongDatabase = [fixture.refstore, "serve", "--http-port", "{{port}}", "--dbname", "ecommus_missing"]
            let unhealthy = await fixture.drill(key: key, start: [], ready: [],
                                                processes: Self.ecommus(fixture.refstore, admin: wrongDatabase, timeout: 3))
            let down = try #require(unhealthy.step("app"))
            #expect(down.verdict == .error, "\(unhealthy.outline)")
            #expect(down.message?.hasPrefix("the process admin did not become healthy within 3s: GET http://127.0.0.1:") == true, "\(down.message ?? "")")
            #expect(down.message?.contains("/api/health wanted 200 and the expected JSON, last answer: 503 {\"db\":\"down\",\"ok\":false") == true,
                    "\(down.message ?? "")")
            #expect(unhealthy.checks.first { $0.kind == "totp_login" }?.verdict == .error, "the login needs the app: \(unhealthy.outline)")
            #expect(down.message?.contains(AppBoot.keyHint) == false, "the admin said why itself: \(down.message ?? "")")
            #expect(down.evidence.contains { $0.hasPrefix("log (admin): health: database unreachable") }, "\(down.evidence)")
            AppDrillTests().expectNothingLeft(unhealthy, "admin {ok:false}")

            // A super-admin that never listens, and a storefront that exits at once.
            // A length no other process on the host sleeps for, so the search below finds only this one.
            let nap = "300.\(Int.random(in: 1000...9999))"
            let silent = await fixture.drill(key: key, start: [], ready: [],
                                             processes: Self.ecommus(fixture.refstore, superAdmin: ["sleep", nap], timeout: 2))
            #expect(silent.step("app")?.message?.hasPrefix("the process super-admin did not become healthy within 2s: GET http://127.0.0.1:") == true,
                    "\(silent.outline)")
            #expect(processes(matching: ["sleep", nap]).isEmpty, "the silent process is stopped too")
            AppDrillTests().expectNothingLeft(silent, "super-admin silent")

            let crash = ["sh", "-c", "echo 'plugin registry: @ecommus-plugin/invoices missing' >&2; exit 3"]
            let exited = await fixture.drill(key: key, start: [], ready: [],
                                             processes: Self.ecommus(fixture.refstore, storefront: crash))
            let message = exited.step("app")?.message ?? ""
            #expect(message.hasPrefix("the process storefront exited (exit code 3) before http://127.0.0.1:"), "\(exited.outline)")
            #expect(message.contains("| plugin registry: @ecommus-plugin/invoices missing"), "its own last line is quoted: \(message)")
            AppDrillTests().expectNothingLeft(exited, "storefront exits")

            // A worker with no health of its own (pm2's ecommus-api-workers) that dies: named all the same.
            let worker = AppProcessSpec(name: "workers", command: ["sh", "-c", "echo 'workers: job queue table missing' >&2; exit 2"])
            let died = await fixture.drill(key: key, start: [], ready: [], processes: Self.ecommus(fixture.refstore) + [worker])
            #expect(died.step("app")?.message?.hasPrefix("the process workers exited (exit code 2)") == true, "\(died.outline)")
            #expect(died.step("app")?.message?.contains("| workers: job queue table missing") == true, "\(died.step("app")?.message ?? "")")
            AppDrillTests().expectNothingLeft(died, "workers die")
        }
    }
}
