import Foundation
import Testing
@testable import DrillKit

@Suite struct ScenarioLoaderGoodFileTests {
    private static let folder = ScenarioPathResolver.normalized(ScenarioFixtures.path("good"))
    private static let fullEnvironment = ["BACKUP_ROOT": "/srv/backups", "DRILL_AGE_IDENTITY": "/keys/drill-age.txt"]

    private func load(_ fixture: String, environment: [String: String]) throws -> Scenario {
        try ScenarioLoader.load(path: ScenarioFixtures.path("good/\(fixture)"), environment: environment)
    }

    private func inFolder(_ relative: String) -> String {
        ScenarioPathResolver.normalized(Self.folder + "/" + relative)
    }

    @Test func fullScenarioLoadsEverySection() throws {
        let scenario = try load("full.yml", environment: Self.fullEnvironment)
        #expect(scenario.file == inFolder("full.yml"))
        #expect(scenario.name == "sovecom-monthly")
        #expect(scenario.description == "Monthly restore drill of the production backup")
        #expect(scenario.objectives == Objectives(tier: .standard, rpoSeconds: 7200, rtoSeconds: 2700))

        #expect(scenario.environment.kind == .compose)
        #expect(scenario.environment.compose?.file == inFolder("../docker-compose.drill.yml"))
        #expect(scenario.environment.compose?.file.hasSuffix("/scenarios/docker-compose.drill.yml") == true)
        #expect(scenario.environment.compose?.databaseService == "postgres")
        #expect(scenario.environment.database == DatabaseSpec(name: "sovecom", user: "sovecom"))
        #expect(scenario.environment.local?.postgresBin == nil)

        guard case .dump(let dump) = scenario.backup.source else {
            Issue.record("expected a dump backup")
            return
        }
        #expect(dump.path == "/srv/backups/sovecom/db-*.dump")
        #expect(dump.newest)
        #expect(dump.format == .custom)
        #expect(dump.sha256File == inFolder("db-20260624T021500Z.dump.sha256"))
        #expect(dump.minSizeBytes == 10_000_000)
        #expect(dump.jobs == .fixed(4))
        #expect(scenario.backup.manifest == "/var/backups/sovecom/db-20260624T021500Z.manifest.json")

        #expect(scenario.masterKey?.source == .file("/secure/master.key.age"))
        #expect(scenario.masterKey?.decrypt == .age(identity: .file("/keys/drill-age.txt")))
        #expect(scenario.masterKey?.install == .file(service: "api", path: "/data/master.key"))

        #expect(scenario.report.directory == inFolder("../reports"))
        #expect(scenario.report.formats == [.junit, .markdown, .json])
    }

    @Test func fullScenarioLoadsTheApp() throws {
        let app = try #require(try load("full.yml", environment: Self.fullEnvironment).app)
        guard case .services(let services) = app.start else {
            Issue.record("expected compose services")
            return
        }
        #expect(services == ["api", "admin", "storefront"])
        #expect(app.migrate?.command == ["pnpm", "--filter", "@sovecom/api", "migrate:up"])
        #expect(app.migrate?.service == "api")
        #expect(app.ready.count == 2)
        #expect(app.ready[0].http.url == "http://{{api:3000}}/health")
        #expect(app.ready[0].http.status == 200)
        #expect(app.ready[0].http.json == [
            "status": .string("ok"), "checks": .object(["db": .bool(true)]), "version": .number(3),
        ])
        #expect(app.ready[0].timeoutSeconds == 120)
        #expect(app.ready[1].http.status == 200)
        #expect(app.ready[1].http.json == nil)
        #expect(app.logsMustNotContain == ["env validation", "MASTER_KEY"])
    }

    @Test func fullScenarioLoadsEveryCheckKind() throws {
        let checks = try load("full.yml", environment: Self.fullEnvironment).checks
        #expect(checks.map(\.kind.key) == ["row_counts", "row_counts", "money", "invoice_sequence", "totp_login", "secret_decrypt",
                                           "sql", "canary", "sequences", "http", "command"])
        #expect(checks.map(\.index) == Array(0..<11))
        #expect(checks[0].location == SourceLocation(line: 48, column: 5))
        #expect(checks[2].path == "checks[2].money")

        if case .rowCounts(let counts) = checks[0].kind {
            #expect(counts.tables == ["orders", "customers", "products"])
            #expect(counts.expect == .manifest)
            #expect(counts.tolerance == nil)
        } else { Issue.record("checks[0]") }
        if case .rowCounts(let counts) = checks[1].kind {
            #expect(counts.tables == ["orders", "customers"])
            #expect(counts.expect == .value(["orders": 1200, "customers": 300]))
            #expect(counts.tolerance == 0.005)
        } else { Issue.record("checks[1]") }
        if case .money(let money) = checks[2].kind {
            #expect(money.columns == [ColumnReference(table: "orders", column: "total_cents"),
                                      ColumnReference(table: "order_lines", column: "unit_price_cents")])
            #expect(money.currencyColumn == ColumnReference(table: "orders", column: "currency"))
            #expect(money.totals == .manifest)
            #expect(money.spotChecks == [MoneySpotCheck(table: "orders", whereEquals: [("id", .integer(1042)), ("status", .string("paid"))],
                                                        cents: 1999, currency: "EUR")])
        } else { Issue.record("checks[2]") }
        if case .invoiceSequence(let invoices) = checks[3].kind {
            #expect(invoices.table == "invoices")
            #expect(invoices.column == "number")
            #expect(invoices.series == "series")
            #expect(invoices.latest == .manifest)
            #expect(invoices.nextNumberSQL == "SELECT next_value FROM invoice_counters WHERE series = $1")
        } else { Issue.record("checks[3]") }
        if case .totpLogin(let login) = checks[4].kind {
            #expect(login.url == "http://{{api:3000}}/auth/login")
            #expect(login.email == "drill-2fa@example.test")
            #expect(login.password == .environment("DRILL_PASSWORD"))
            #expect(login.secret == .environment("DRILL_TOTP_SECRET"))
        } else { Issue.record("checks[4]") }
        if case .secretDecrypt(let decrypt) = checks[5].kind {
            #expect(decrypt.sql.hasPrefix("SELECT totp_secret_enc FROM users"))
            #expect(decrypt.cipher == "aes-256-gcm")
            #expect(decrypt.secret == .file(inFolder("secrets/totp.secret")))
        } else { Issue.record("checks[5]") }
        if case .sql(let sql) = checks[6].kind {
            #expect(sql.name == "recent orders exist")
            #expect(sql.expect == Comparison(op: .greater, operand: "0"))
        } else { Issue.record("checks[6]") }
        if case .canary(let canary) = checks[7].kind {
            #expect(canary.query == "SELECT token FROM drill_canary")
            #expect(canary.value == .environment("DRILL_CANARY"))
        } else { Issue.record("checks[7]") }
        if case .sequences(let sequences) = checks[8].kind {
            #expect(sequences.ignore.isEmpty)
        } else { Issue.record("checks[8]") }
        if case .http(let http) = checks[9].kind {
            #expect(http.url == "http://{{storefront:4321}}/api/storefront/categories")
            #expect(http.status == 200)
        } else { Issue.record("checks[9]") }
        if case .command(let command) = checks[10].kind {
            #expect(command.service == "api")
            #expect(command.run == ["node", "list-plugins.ts"])
            #expect(command.baselineFile == inFolder("plugins-pre.txt"))
        } else { Issue.record("checks[10]") }
    }

    @Test func localPITRScenarioLoadsItsAlternatives() throws {
        let scenario = try load("local-pitr.yml", environment: ["PG_HOME": "/opt/pg16"])
        #expect(scenario.objectives == Objectives(tier: .strict, rpoSeconds: nil, rtoSeconds: nil))
        #expect(scenario.objectives.rpoSeconds == 300)
        #expect(scenario.environment.kind == .local)
        #expect(scenario.environment.local?.postgresBin == "/opt/pg16/bin")
        #expect(scenario.environment.database == DatabaseSpec(name: "ledger", user: "ledger"))
        guard case .pitr(let pitr) = scenario.backup.source else {
            Issue.record("expected a PITR backup")
            return
        }
        #expect(pitr.base == inFolder("base/base-20260620T000000Z.tar.gz"))
        #expect(pitr.walArchive == inFolder("wal"))
        #expect(pitr.target == .time(try #require(ISO8601.date(from: "2026-06-24T14:01:00Z"))))
        #expect(scenario.backup.manifest == inFolder("ledger.manifest.json"))

        #expect(scenario.masterKey?.source == .environment("LEDGER_MASTER_KEY_B64"))
        #expect(scenario.masterKey?.decrypt == .gpg(passphrase: .file(inFolder("keys/passphrase.txt"))))
        #expect(scenario.masterKey?.install == .environment("MASTER_KEY"))
        if case .command(let command) = scenario.app?.start {
            #expect(command == [".build/debug/refstore", "serve"])
        } else { Issue.record("expected a command to start the app") }

        let kinds = scenario.checks.map(\.kind)
        #expect(kinds.map(\.key) == ["invoice_sequence", "invoice_sequence", "sql", "sql", "sequences", "money"])
        if case .invoiceSequence(let invoices) = kinds[0] { #expect(invoices.latest == .value(["": 1042])) }
        if case .invoiceSequence(let notes) = kinds[1] {
            #expect(notes.series == "year")
            #expect(notes.latest == .value(["2025": 77, "2026": 12]))
        }
        if case .sql(let sql) = kinds[2] { #expect(sql.expect == Comparison(op: .equal, operand: "0")) }
        if case .sql(let sql) = kinds[3] { #expect(sql.expect == Comparison(op: .notEqual, operand: "'XXX'")) }
        if case .sequences(let sequences) = kinds[4] { #expect(sequences.ignore == ["audit_log_id_seq"]) }
        if case .money(let money) = kinds[5] {
            #expect(money.columns == [ColumnReference(schema: "public", table: "ledger", column: "amount_cents")])
            #expect(money.currencyColumn == nil)
            #expect(money.totals == .value(["public.ledger.amount_cents": ["": 123456]]))
        }
        #expect(scenario.report.formats == [.json])
        #expect(scenario.report.directory == FileManager.default.currentDirectoryPath + "/reports")
    }

    @Test func minimalScenarioGetsTheDocumentedDefaults() throws {
        let scenario = try load("minimal.yml", environment: [:])
        guard case .dump(let dump) = scenario.backup.source else {
            Issue.record("expected a dump backup")
            return
        }
        #expect(dump.path == inFolder("backups/shop.dump"))
        #expect(!dump.newest)
        #expect(dump.format == .auto)
        #expect(dump.sha256File == nil)
        #expect(dump.minSizeBytes == 4096)
        #expect(dump.jobs == .auto)
        #expect(scenario.backup.manifest == nil)
        #expect(scenario.objectives == Objectives(tier: nil, rpoSeconds: nil, rtoSeconds: nil))
        #expect(scenario.masterKey == nil)
        #expect(scenario.app == nil)
        #expect(scenario.environment.local?.postgresBin == nil)
        #expect(scenario.report.directory == ScenarioPathResolver.normalized(FileManager.default.currentDirectoryPath + "/reports"))
        #expect(scenario.report.formats == ReportFormat.allCases)
        #expect(scenario.checks.count == 1)
    }

    @Test func pathsExpandVariablesAndResolveAgainstTheScenarioFolder() throws {
        let yaml = ScenarioFixtures.validPreamble.replacingOccurrences(of: "dump: backups/shop.dump", with: """
            dump: ${ROOT}/${HOST}/../shop.dump
              sha256_file: ./sums/shop.sha256
              manifest: ../manifests/shop.json
            """) + "checks: [sequences: {}]\n"
        let scenario = try ScenarioFixtures.load(yaml: yaml, environment: ["ROOT": "/srv", "HOST": "db1"])
        guard case .dump(let dump) = scenario.backup.source else {
            Issue.record("expected a dump backup")
            return
        }
        #expect(dump.path == "/srv/shop.dump")
        #expect(dump.sha256File == "/drills/sums/shop.sha256")
        #expect(scenario.backup.manifest == "/manifests/shop.json")
        #expect(scenario.report.directory == "/work/reports")
    }
}
