import Foundation
@testable import DrillKit
import RefStoreKit
import Testing

/// The key, app and login steps on real parts: a RefStore dump whose drill account's TOTP secret is
/// sealed under key A, the real `age`, the real `refstore serve` as the app. Each fault the
/// drill detects is shown on a broken setup, and the healthy setup shows none of them.
@Suite(.timeLimit(.minutes(10))) struct AppDrillTests {
    static let password = "correct horse battery"
    static let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    static let keyA = Data((0..<32).map { UInt8(($0 * 7 + 3) % 251) }).base64EncodedString()
    static let keyB = Data((0..<32).map { UInt8(($0 * 11 + 5) % 251) }).base64EncodedString()
    static let zeroKey = Data(count: 32).base64EncodedString()

    struct Fixture {
        var scratch: ScratchFolder
        var dump: String
        var refstore: String
        var manifest: String
        /// The same data, but the invoice counter 4 ahead of the last invoice (restored from another moment).
        var counterAheadDump: String

        func write(_ name: String, _ text: String) throws -> String { try scratch.write(name, text) }

        func run(_ arguments: [String]) async throws -> String {
            let output = try await CommandRunner.run(Command(arguments[0], Array(arguments.dropFirst())))
            guard output.succeeded else { throw ScratchError("\(arguments[0]) failed: \(output.errorTail())") }
            return output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// A new age identity, and `text` encrypted to it.
        func ageEncrypted(_ text: String, name: String) async throws -> (sealed: String, identity: String) {
            let identity = scratch.file("\(name).identity")
            _ = try await run(["age-keygen", "-o", identity])
            let recipient = try await run(["age-keygen", "-y", identity])
            let sealed = scratch.file("\(name).age")
            _ = try await run(["age", "--encrypt", "--recipient", recipient, "--output", sealed, try write("\(name).plain", text)])
            try FileManager.default.removeItem(atPath: scratch.file("\(name).plain"))
            return (sealed, identity)
        }

        func serve(keyFile: String = "{{master_key_file}}") -> [String] {
            [refstore, "serve", "--http-port", "{{port}}", "--master-key-file", keyFile]
        }

        static let testOrder = CheckKind.testOrder(TestOrderCheckSpec(
            loginURL: "http://{{api:3000}}/auth/login", ordersURL: "http://{{api:3000}}/api/orders", email: DrillAccount.defaultEmail,
            password: .environment("DRILL_PASSWORD"), secret: .environment("DRILL_TOTP_SECRET"),
            order: ["customer_id": .number(1), "currency": .string("EUR"),
                    "lines": .array([.object(["product_id": .number(1), "quantity": .number(2)])])],
            totalSQL: "SELECT total_cents FROM orders WHERE id = $1"))

        func drill(key: MasterKeySpec?, start: [String], ready: [ReadyProbe]? = nil, mustNotContain: [String] = ["env validation"],
                   dump: String? = nil, extraChecks: [CheckKind] = [], migrate: [String]? = nil,
                   appMigrations: MigrationsTable? = nil, appVersion: VersionProbe? = nil,
                   processes: [AppProcessSpec]? = nil) async -> DrillRecord {
            var scenario = Scenario.testScenario(dump: dump ?? self.dump, checks: [
                .totpLogin(TOTPLoginCheckSpec(url: "http://{{api:3000}}/auth/login", email: DrillAccount.defaultEmail,
                                              password: .environment("DRILL_PASSWORD"), secret: .environment("DRILL_TOTP_SECRET"))),
                .secretDecrypt(SecretDecryptCheckSpec(sql: "SELECT totp_secret_enc FROM users WHERE email = 'drill-2fa@example.test'",
                                                      secret: .environment("DRILL_TOTP_SECRET"))),
            ] + extraChecks, manifest: manifest, reportDirectory: scratch.path)
            scenario.masterKey = key
            scenario.app = AppSpec(start: processes.map(AppStart.processes) ?? .command(start), migrate: migrate.map { MigrateSpec(command: $0) },
                                   ready: ready ?? [ReadyProbe(http: HTTPProbe(url: "http://{{api:3000}}/health", status: 200,
                                                                               json: ["status": .string("ok")]), timeoutSeconds: 20)],
                                   logsMustNotContain: mustNotContain, migrations: appMigrations, version: appVersion)
            let secrets = SecretStore(environment: ["DRILL_PASSWORD": AppDrillTests.password, "DRILL_TOTP_SECRET": AppDrillTests.secret])
            return await DrillRunner(scenario: scenario, secrets: secrets).run()
        }
    }

    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await withTestPostgres { production in
            let connection = try await production.connect()
            try await Self.seedShop(on: connection, orders: 200)
            connection.close()
            let dump = scratch.file("shop.dump")
            try await production.dump(to: dump, format: .custom)
            let invoices = CheckSpec(index: 0, location: SourceLocation(line: 1, column: 1), kind: .invoiceSequence(
                InvoiceSequenceCheckSpec(table: "invoices", column: "number", series: "series", latest: .manifest)))
            let manifest = scratch.file("manifest.json")
            try JSONEncoder.drill.encode(try await ManifestTaker(connection: production.parameters, checks: [invoices]).take())
                .write(to: URL(fileURLWithPath: manifest))
            try await production.execute("UPDATE invoice_counters SET next_value = next_value + 4")
            let counterAhead = scratch.file("counter-ahead.dump")
            try await production.dump(to: counterAhead, format: .custom)
            try await body(Fixture(scratch: scratch, dump: dump, refstore: try HarnessBinary.path("refstore"), manifest: manifest,
                                   counterAheadDump: counterAhead))
        }
    }

    /// Whatever happened, nothing may outlive the drill: no app, no key file, no folder.
    func expectNothingLeft(_ record: DrillRecord, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(record.teardown?.leftovers == [], "\(label)", sourceLocation: sourceLocation)
        // The app's argv names its port, which no other test's app shares while this one runs.
        // Every process's: `started: … on 127.0.0.1:PORT`, `started admin: … on 127.0.0.1:PORT`.
        for started in record.step("app")?.evidence.filter({ $0.hasPrefix("started") }) ?? [] {
            guard let port = started.split(separator: ":").last else { continue }
            #expect(processes(matching: ["--http-port \(port)"]).isEmpty, "\(label): \(started) still running", sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/restore-drill-\(record.runId)"), "\(label)", sourceLocation: sourceLocation)
    }

    @Test func theRightKeyDecryptedWithAgeBootsTheAppAndBothProofsPass() async throws {
        try await withFixture { fixture in
            let (sealed, identity) = try await fixture.ageEncrypted(Self.keyA, name: "key-a")
            let record = await fixture.drill(
                key: MasterKeySpec(source: .file(sealed), decrypt: .age(identity: .file(identity)),
                                   install: .file(service: nil, path: "/data/master.key")),
                start: fixture.serve())
            #expect(record.exitCode == 0, "\(record.outline)")
            #expect(record.step("master_key")?.verdict == .pass)
            #expect(record.step("master_key")?.evidence.contains("decrypted with age") == true)
            #expect(record.step("app")?.verdict == .pass)
            #expect(record.checks.map(\.verdict) == [.pass, .pass], "\(record.outline)")
            #expect(record.teardown?.actions.contains("master key file removed") == true)
            #expect(record.step("app")?.evidence.contains { $0.hasPrefix("log: refstore") && $0.contains("listening on") } == true)
            let reports = try ReportWriter.write(record, to: fixture.scratch.path, formats: ReportFormat.allCases)
            for report in reports {
                let text = try String(contentsOfFile: report, encoding: .utf8)
                for secret in [Self.keyA, Self.password, Self.secret] {
                    #expect(!text.contains(secret), "\(report) shows a secret")
                }
            }
            expectNothingLeft(record, "healthy")
        }
    }

    /// The upgrade guide's test order: on the healthy backup it takes production's latest + 1
    /// and its total reads back; on a backup whose counter ran ahead, the gap is named.
    @Test func aTestOrderTakesTheNextGaplessNumberAndACounterAheadFails() async throws {
        try await withFixture { fixture in
            let key = MasterKeySpec(source: .file(try fixture.write("key-a", Self.keyA)), install: .environment("MASTER_KEY"))
            let start = [fixture.refstore, "serve", "--http-port", "{{port}}"]
            let healthy = await fixture.drill(key: key, start: start, extraChecks: [Fixture.testOrder])
            let order = try #require(healthy.checks.last)
            #expect(order.kind == "test_order")
            #expect(order.verdict == .pass, "\(healthy.outline)")
            #expect(order.message?.contains("follows production's latest") == true)
            #expect(order.observations.allSatisfy { $0.ok })
            #expect(healthy.exitCode == 0)

            let ahead = await fixture.drill(key: key, start: start, dump: fixture.counterAheadDump, extraChecks: [Fixture.testOrder])
            let broken = try #require(ahead.checks.last)
            #expect(broken.verdict == .fail, "\(ahead.outline)")
            #expect(broken.message?.contains("the counter is ahead") == true, "\(broken.message ?? "")")
            #expect(ahead.checks.dropLast().allSatisfy { $0.verdict == .pass }, "only the test order notices")
            expectNothingLeft(ahead, "counter ahead")
        }
    }

    /// The upgrade gate's migrate command runs before the app; its failure stops the boot.
    @Test func aMigrateCommandRunsFirstAndItsFailureIsQuoted() async throws {
        try await withFixture { fixture in
            let key = MasterKeySpec(source: .file(try fixture.write("key-a", Self.keyA)), install: .environment("MASTER_KEY"))
            let start = [fixture.refstore, "serve", "--http-port", "{{port}}"]
            let migrated = await fixture.drill(key: key, start: start, migrate: [fixture.refstore, "migrate"])
            #expect(migrated.step("app")?.verdict == .pass, "\(migrated.outline)")
            #expect(migrated.step("app")?.evidence.contains { $0.hasPrefix("migrate:") && $0.contains("exit code 0") } == true)

            let failed = await fixture.drill(key: key, start: start,
                                             migrate: ["/bin/sh", "-c", "echo 'migration 0012_add_vat failed: column exists' >&2; exit 1"])
            #expect(failed.step("app")?.verdict == .error)
            #expect(failed.step("app")?.message?.contains("the migrate command failed (exit code 1)") == true, "\(failed.outline)")
            #expect(failed.step("app")?.message?.contains("0012_add_vat failed") == true)
            expectNothingLeft(failed, "failed migration")
        }
    }

    /// An `http` check passes on what the restored data serves and fails, naming the status,
    /// on what it does not.
    @Test func anHTTPCheckPassesOnTheRestoredCatalogAndFailsOnAMissingProduct() async throws {
        try await withFixture { fixture in
            let key = MasterKeySpec(source: .file(try fixture.write("key-a", Self.keyA)), install: .environment("MASTER_KEY"))
            let start = [fixture.refstore, "serve", "--http-port", "{{port}}"]
            let record = await fixture.drill(key: key, start: start, extraChecks: [
                .http(HTTPCheckSpec(url: "http://{{storefront:4321}}/api/products/1", json: ["id": .number(1)])),
                .http(HTTPCheckSpec(url: "http://{{storefront:4321}}/api/products/987654")),
                .http(HTTPCheckSpec(url: "http://{{storefront:4321}}/health", json: ["db": .string("down")])),
            ])
            let http = record.checks.filter { $0.kind == "http" }
            #expect(http.map(\.verdict) == [.pass, .fail, .fail], "\(record.outline)")
            #expect(http[1].message?.contains("answered 404, not 200") == true, "\(http[1].message ?? "")")
            #expect(http[2].message?.contains("did not answer the expected JSON") == true, "\(http[2].message ?? "")")
            #expect(record.exitCode == 1)
            expectNothingLeft(record, "http checks")
        }
    }

    @Test func aWrongKeyBootsButTheLoginAndTheDecryptionFail() async throws {
        try await withFixture { fixture in
            let record = await fixture.drill(
                key: MasterKeySpec(source: .file(try fixture.write("key-b", Self.keyB)), install: .environment("MASTER_KEY")),
                start: [fixture.refstore, "serve", "--http-port", "{{port}}"])
            #expect(record.step("app")?.verdict == .pass, "\(record.outline)")
            #expect(record.checks.map(\.verdict) == [.fail, .fail], "\(record.outline)")
            #expect(record.checks[0].message?.contains("the master key most likely does not match the data") == true)
            #expect(record.checks[1].message?.contains("authentication tag does not verify") == true)
            #expect(record.exitCode == 1)
            expectNothingLeft(record, "wrong key")
        }
    }

    @Test func aKeyThatNeverReachedTheAppFailsTheBootQuotingItsLog() async throws {
        try await withFixture { fixture in
            // Installed where the app does not look: it boots without a key and refuses.
            let record = await fixture.drill(
                key: MasterKeySpec(source: .file(try fixture.write("key-a", Self.keyA)), install: .file(service: nil, path: "/data/master.key")),
                start: fixture.serve(keyFile: "/nonexistent/master.key"))
            let app = try #require(record.step("app"))
            #expect(app.verdict == .error)
            #expect(app.message?.contains("env validation failed: MASTER_KEY is not set") == true, "\(record.outline)")
            #expect(app.message?.contains("the master key did not make it onto the host") == true)
            #expect(record.checks[0].verdict == .error)
            #expect(record.exitCode == 2)
            expectNothingLeft(record, "missing key")
        }
    }

    @Test func anAllZeroKeyIsRefusedByTheAppInProduction() async throws {
        try await withFixture { fixture in
            let record = await fixture.drill(
                key: MasterKeySpec(source: .file(try fixture.write("zero", Self.zeroKey)), install: .environment("MASTER_KEY")),
                start: [fixture.refstore, "serve", "--http-port", "{{port}}"])
            #expect(record.step("app")?.verdict == .error)
            #expect(record.step("app")?.message?.contains("all zero bytes") == true, "\(record.outline)")
            #expect(!(record.step("app")?.message?.contains(Self.zeroKey) ?? true))
            expectNothingLeft(record, "zero key")
        }
    }

    @Test func anAppThatCrashesOrNeverGetsHealthyIsAnErrorQuotingItsLastLines() async throws {
        try await withFixture { fixture in
            let key = MasterKeySpec(source: .file(try fixture.write("key-a", Self.keyA)), install: .environment("MASTER_KEY"))
            let crashed = await fixture.drill(key: key, start: ["/bin/sh", "-c", "echo starting up; echo 'fatal: boom' >&2; exit 3"])
            #expect(crashed.step("app")?.verdict == .error)
            #expect(crashed.step("app")?.message?.contains("the app exited (exit code 3)") == true, "\(crashed.outline)")
            #expect(crashed.step("app")?.message?.contains("fatal: boom") == true)
            expectNothingLeft(crashed, "crash")

            let stuck = await fixture.drill(key: key, start: ["/bin/sleep", "300"],
                                            ready: [ReadyProbe(http: HTTPProbe(url: "http://{{api:3000}}/health"), timeoutSeconds: 2)])
            #expect(stuck.step("app")?.verdict == .error)
            #expect(stuck.step("app")?.message?.contains("did not become healthy within 2s") == true, "\(stuck.outline)")
            #expect(processes(matching: ["/bin/sleep", "300"]).isEmpty, "the stuck app was not stopped")
            expectNothingLeft(stuck, "never healthy")

            let noisy = await fixture.drill(key: key, start: fixture.serve(keyFile: "/unused"), mustNotContain: ["listening on"])
            #expect(noisy.step("app")?.verdict == .fail, "\(noisy.outline)")
            #expect(noisy.step("app")?.message?.contains("logs.must_not_contain") == true)
            expectNothingLeft(noisy, "forbidden log line")
        }
    }

    /// The key's shape is checked before anything boots, without showing it.
    @Test func aKeyOfTheWrongLengthOrNotBase64IsRefusedWithoutShowingIt() async throws {
        try await withFixture { fixture in
            let short = Data((0..<16).map { UInt8($0 + 40) }).base64EncodedString()
            let shortRecord = await fixture.drill(
                key: MasterKeySpec(source: .file(try fixture.write("short", short)), install: .environment("MASTER_KEY")),
                start: fixture.serve())
            #expect(shortRecord.step("master_key")?.verdict == .error)
            #expect(shortRecord.step("master_key")?.message?.contains("decodes to 16 bytes, not 32") == true, "\(shortRecord.outline)")
            #expect(!shortRecord.outline.contains(short))

            let (sealed, _) = try await fixture.ageEncrypted(Self.keyA, name: "still-sealed")
            let sealedRecord = await fixture.drill(key: MasterKeySpec(source: .file(sealed), install: .environment("MASTER_KEY")),
                                                   start: fixture.serve())
            #expect(sealedRecord.step("master_key")?.message?.contains("is it still encrypted? add master_key.decrypt") == true,
                    "\(sealedRecord.outline)")
            expectNothingLeft(sealedRecord, "sealed key")
        }
    }

    @Test func aGpgProtectedKeyOpensWithItsPassphraseAndAWrongOneIsNamed() async throws {
        try await withFixture { fixture in
            let passphraseFile = try fixture.write("passphrase", "drill passphrase 42")
            let plain = try fixture.write("key-a.plain", Self.keyA)
            let sealed = fixture.scratch.file("key-a.gpg")
            let home = fixture.scratch.file("gnupg")
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            _ = try await fixture.run(["gpg", "--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase-file",
                                       passphraseFile, "--symmetric", "--output", sealed, plain])
            _ = try? await fixture.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"])
            let right = await fixture.drill(
                key: MasterKeySpec(source: .file(sealed), decrypt: .gpg(passphrase: .file(passphraseFile)), install: .environment("MASTER_KEY")),
                start: fixture.serve())
            #expect(right.step("master_key")?.verdict == .pass, "\(right.outline)")
            #expect(right.step("master_key")?.evidence.contains("decrypted with gpg") == true)
            #expect(right.checks.map(\.verdict) == [.pass, .pass], "\(right.outline)")

            let wrong = await fixture.drill(
                key: MasterKeySpec(source: .file(sealed), decrypt: .gpg(passphrase: .file(try fixture.write("wrong", "not it"))),
                                   install: .environment("MASTER_KEY")),
                start: fixture.serve())
            #expect(wrong.step("master_key")?.verdict == .error)
            #expect(wrong.step("master_key")?.message?.contains("the gpg passphrase is wrong") == true, "\(wrong.outline)")
            #expect(processes(matching: ["gpg-agent", wrong.runId]).isEmpty, "gpg's agent outlived the drill")
            expectNothingLeft(wrong, "wrong passphrase")
        }
    }

    @Test func aWrongAgeIdentitySaysSoBeforeAnythingBoots() async throws {
        try await withFixture { fixture in
            let (sealed, _) = try await fixture.ageEncrypted(Self.keyA, name: "key-a")
            let (_, otherIdentity) = try await fixture.ageEncrypted("unrelated", name: "other")
            let record = await fixture.drill(
                key: MasterKeySpec(source: .file(sealed), decrypt: .age(identity: .file(otherIdentity)), install: .environment("MASTER_KEY")),
                start: fixture.serve())
            #expect(record.step("master_key")?.verdict == .error)
            #expect(record.step("master_key")?.message?.contains("the age identity does not match") == true, "\(record.outline)")
            #expect(record.step("app")?.verdict == .skipped)
            #expect(record.exitCode == 2)
            expectNothingLeft(record, "wrong identity")

            let missing = await fixture.drill(
                key: MasterKeySpec(source: .file(sealed), decrypt: .age(identity: .file(fixture.scratch.file("no-such.identity"))),
                                   install: .environment("MASTER_KEY")),
                start: fixture.serve())
            #expect(missing.step("master_key")?.message?.contains("no-such.identity is missing or unreadable") == true,
                    "\(missing.outline)")
            expectNothingLeft(missing, "missing identity")
        }
    }
}

extension AppDrillTests {
    /// RefStore migrated and seeded on `connection`, with the drill account (password and TOTP
    /// secret above, sealed under key A): the production every app test drills.
    static func seedShop(on connection: PostgresConnection, orders: Int, endingAt: Date? = nil) async throws {
        _ = try await RefStore.migrate(on: connection)
        let account = try DrillAccount.fromEnvironment([DrillAccount.passwordVariable: password, DrillAccount.secretVariable: secret]) {
            try MasterKey(bytes: [UInt8](Data(base64Encoded: keyA)!))
        }
        if let endingAt {
            _ = try await RefStore.seed(on: connection, orders: orders, account: account, endingAt: endingAt)
        } else {
            _ = try await RefStore.seed(on: connection, orders: orders, account: account)
        }
    }
}
