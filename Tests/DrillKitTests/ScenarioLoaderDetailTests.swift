import Foundation
import Testing
@testable import DrillKit

/// Details of the loader exercised on small inline documents.
@Suite struct ScenarioLoaderDetailTests {
    private func diagnostics(_ yaml: String, environment: [String: String] = [:]) -> [String] {
        ScenarioFixtures.diagnostics(yaml: yaml, environment: environment).map { "\($0.line):\($0.column): \($0.fullMessage)" }
    }

    private func withChecks(_ checks: String) -> String {
        ScenarioFixtures.validPreamble + "checks:\n" + checks
    }

    // MARK: Duplicate keys

    @Test func aKeyWrittenThreeTimesIsReportedTwice() {
        let yaml = withChecks("  - sequences: {}\n") + "name: again\nname: and-again\n"
        #expect(diagnostics(yaml) == [
            "10:1: duplicate key 'name' at the top level (first defined on line 2)",
            "11:1: duplicate key 'name' at the top level (first defined on line 2)",
        ])
    }

    @Test func severalDuplicatedKeysInOneMappingAreAllReported() {
        let yaml = withChecks("""
              - http:
                  url: http://{{api:3000}}/a
                  status: 200
                  url: http://{{api:3000}}/b
                  status: 201

            """)
        #expect(diagnostics(yaml) == [
            "12:7: duplicate key 'url' under checks[0].http (first defined on line 10)",
            "13:7: duplicate key 'status' under checks[0].http (first defined on line 11)",
        ])
    }

    @Test func duplicatesInsideListItemsAndFlowMappingsArePlaced() {
        let yaml = withChecks("""
              - sql: { name: a, query: "SELECT 1, 2", expect: "= 1", "name": b }
              - row_counts:
                  tables: [orders]
                  tables: [customers]

            """)
        #expect(diagnostics(yaml) == [
            "9:58: duplicate key 'name' under checks[0].sql (first defined on line 9)",
            "12:7: duplicate key 'tables' under checks[1].row_counts (first defined on line 11)",
        ])
    }

    /// Yams checks keys when a mapping ends, so only duplicates in mappings closed before
    /// the malformed text can be found.
    @Test func duplicatesBeforeMalformedYAMLAreStillReported() {
        let yaml = "environment:\n  kind: local\n  kind: compose\nname: [unclosed\n"
        #expect(diagnostics(yaml) == [
            "3:3: duplicate key 'kind' (first defined on line 2)",
            "5:1: malformed YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 4, column 7)",
        ])
    }

    // MARK: Document shape

    @Test func theTopLevelMustBeAMapping() {
        #expect(diagnostics("- version: 1\n") == ["1:1: expected a mapping for the top level, found a list"])
    }

    @Test func aSecondDocumentIsMalformed() {
        let found = diagnostics(withChecks("  - sequences: {}\n") + "---\nversion: 1\n")
        #expect(found == ["10:1: malformed YAML: a scenario file holds a single YAML document, but found another one ('---')"])
    }

    @Test func tabIndentationIsMalformedWithItsPosition() {
        let found = diagnostics("version: 1\nenvironment:\n\tkind: local\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("3:1: malformed YAML: found character that cannot start any token") == true)
    }

    @Test func aDocumentMarkerAloneIsEmpty() {
        #expect(diagnostics("---\n").first?.contains("the file is empty") == true)
    }

    @Test func aCheckWithoutAMappingSaysWhatAnEntryLooksLike() {
        #expect(diagnostics(withChecks("  - sequences\n")) == [
            "9:5: expected a mapping holding one check (e.g. '- sql: { … }') for checks[0], found a string",
        ])
    }

    @Test func anUnknownCheckKindSuggestsTheClosest() {
        #expect(diagnostics(withChecks("  - row_count: { tables: [orders] }\n")) == [
            "9:5: unknown key 'row_count' under checks[0] (did you mean 'row_counts'?)",
        ])
    }

    @Test func anEmptyRequiredValuePointsAtItsKey() {
        let yaml = ScenarioFixtures.validPreamble.replacingOccurrences(of: "  dump: backups/shop.dump\n", with: "") + "checks:\n  - sequences: {}\n"
        #expect(diagnostics(yaml) == ["6:1: expected a mapping for backup, found an empty value"])
    }

    @Test func booleansAreNotSilentlyText() {
        let yaml = ScenarioFixtures.validPreamble.replacingOccurrences(of: "user: shop", with: "user: yes") + "checks: [sequences: {}]\n"
        #expect(diagnostics(yaml) == [
            "5:33: expected a string for environment.database.user, found a boolean; quote it if you mean the text",
        ])
    }

    // MARK: Values with their own syntax

    @Test(arguments: [("> 0", ComparisonOperator.greater, "0"), ("= 42", .equal, "42"), (">= 10", .greaterOrEqual, "10"),
                      ("<=-1.5", .lessOrEqual, "-1.5"), ("!= 'x'", .notEqual, "'x'"), ("= 'it''s'", .equal, "'it''s'"),
                      ("< 1e3", .less, "1e3"), ("= true", .equal, "true"),
                      ("== 5", .equal, "5"), ("==5", .equal, "5")])
    func comparisonsParse(text: String, op: ComparisonOperator, operand: String) {
        #expect(Comparison(parsing: text) == Comparison(op: op, operand: operand))
    }

    @Test(arguments: ["", "> ", "0", "=> 1", "=== 1", "= x", "= 'it's'", "~ 1", "> 1 2"])
    func malformedComparisonsAreRejected(text: String) {
        #expect(Comparison(parsing: text) == nil)
    }

    @Test(arguments: [("0.5%", 0.005), ("2%", 0.02), ("0%", 0), ("0", 0), ("100 %", 1)])
    func tolerancesAreFractions(text: String, fraction: Double) throws {
        #expect(try ToleranceText.parse(text) == fraction)
    }

    @Test func tolerancesMustBePercentagesWithinRange() {
        #expect(throws: ToleranceText.Problem.notAPercentage) { try ToleranceText.parse("0.5") }
        #expect(throws: ToleranceText.Problem.notAPercentage) { try ToleranceText.parse("half") }
        #expect(throws: ToleranceText.Problem.outOfRange) { try ToleranceText.parse("-1%") }
        #expect(throws: ToleranceText.Problem.outOfRange) { try ToleranceText.parse("101%") }
    }

    @Test func rowCountsNeedTablesOrExplicitCountsThatAgree() {
        let yaml = withChecks("""
              - row_counts: { expect: manifest }
              - row_counts: { tables: [orders, lines], expect: { orders: 3, refunds: -1 } }
              - row_counts: { tables: [orders, lines], expect: { orders: 3, refunds: 1 } }

            """)
        #expect(diagnostics(yaml) == [
            "9:5: missing required key 'tables' under checks[0].row_counts",
            "10:74: checks[1].row_counts.expect.refunds must not be negative",
            "11:19: tables does not list 'refunds', which expect gives a count for",
            "11:44: expect gives no row count for 'lines' listed in tables",
        ])
    }

    @Test func invoiceLatestMustMatchTheSeriesSetting() {
        let yaml = withChecks("""
              - invoice_sequence: { table: invoices, column: number, series: year, latest: 12 }
              - invoice_sequence: { table: invoices, column: number, latest: { 2026: 12 } }

            """)
        #expect(diagnostics(yaml) == [
            "9:80: with 'series', give the latest number per series, e.g. latest: { \"2026\": 1042 }",
            "10:58: latest per series needs 'series', the column that holds the series",
        ])
    }

    @Test func moneyTotalsNameListedColumnsAndCurrencies() {
        let yaml = withChecks("""
              - money:
                  columns: [orders.total_cents]
                  currency_column: orders.currency
                  totals: { orders.total_cents: { EUR: 100, usd: 5 }, lines.price_cents: { EUR: 1 } }

            """)
        #expect(diagnostics(yaml) == [
            "12:49: invalid currency 'usd' for checks[0].money.totals.orders.total_cents: expected an ISO 4217 code such as EUR (did you mean 'USD'?)",
            "12:59: totals names 'lines.price_cents', which is not in checks[0].money.columns",
        ])
    }

    @Test func pitrTargetsAreATimeOrLatest() throws {
        let base = ScenarioFixtures.validPreamble.replacingOccurrences(of: "  dump: backups/shop.dump\n", with: "  pitr:\n    base: b.tar\n    wal_archive: wal\n")
        let latest = try ScenarioFixtures.load(yaml: base + "checks: [sequences: {}]\n")
        if case .pitr(let pitr) = latest.backup.source { #expect(pitr.target == .latest) } else { Issue.record("pitr") }
        #expect(diagnostics(base + "    target: newest\ncheckS: []\n").contains(
            "10:13: invalid value 'newest' for backup.pitr.target: expected latest (or use target_time for a point in time)"))
        #expect(diagnostics(base + "    target_time: yesterday\nchecks: [sequences: {}]\n") == [
            "10:18: invalid time 'yesterday' for backup.pitr.target_time: write an ISO 8601 UTC time such as \"2026-06-24T14:01:00Z\"",
        ])
    }

    @Test func sqlChecksSayWhichSideOfTheRecoveryTargetTheyProve() throws {
        let base = ScenarioFixtures.validPreamble.replacingOccurrences(of: "  dump: backups/shop.dump\n", with: "  pitr: { base: b.tar, wal_archive: wal }\n")
        let yaml = base + """
            checks:
              - sql: { name: before, query: "SELECT 1", expect: "= 1", asserts: present_before_target }
              - sql: { name: after, query: "SELECT 0", expect: "= 0", asserts: absent_after_target }

            """
        let scenario = try ScenarioFixtures.load(yaml: yaml)
        let asserted = scenario.checks.compactMap { check -> PITRAssertion? in
            if case .sql(let settings) = check.kind { return settings.asserts }
            return nil
        }
        #expect(asserted == [.presentBeforeTarget, .absentAfterTarget])
        let wrong = diagnostics(yaml.replacingOccurrences(of: "asserts: absent_after_target", with: "asserts: after"))
        #expect(wrong.count == 1 && wrong[0].contains("present_before_target, absent_after_target"), "\(wrong)")
    }

    @Test func pitrRejectsDumpOnlyKeys() {
        let yaml = ScenarioFixtures.validPreamble.replacingOccurrences(of: "  dump: backups/shop.dump\n",
                                                                       with: "  pitr: { base: b.tar, wal_archive: wal }\n  jobs: 4\n")
        #expect(diagnostics(yaml + "checks: [sequences: {}]\n") == ["8:3: 'jobs' applies to 'dump' backups, but this backup uses 'pitr'"])
    }

    @Test func assertsWithADumpIsAnError() {
        let dump = ScenarioFixtures.validPreamble + "checks:\n  - sql: { name: n, query: \"SELECT 1\", expect: \"= 1\", asserts: present_before_target }\n"
        #expect(diagnostics(dump).first?.hasPrefix("9:55: 'asserts' says which side of a recovery target") == true, "\(diagnostics(dump))")
        // Its right place loads cleanly.
        let pitr = ScenarioFixtures.validPreamble.replacingOccurrences(of: "  dump: backups/shop.dump\n", with: "  pitr: { base: b.tar, wal_archive: wal }\n")
        #expect(diagnostics(pitr + "checks:\n  - sql: { name: n, query: \"SELECT 1\", expect: \"= 1\", asserts: present_before_target }\n").isEmpty)
    }

    @Test func newestNeedsAGlob() {
        let yaml = ScenarioFixtures.validPreamble + "  newest: true\nchecks: [sequences: {}]\n"
        #expect(diagnostics(yaml) == ["8:3: 'newest' picks the newest match of a glob, but backup.dump is not a glob (e.g. db-*.dump)"])
    }

    @Test func composeServicesNeedAComposeEnvironment() {
        let yaml = ScenarioFixtures.validPreamble + "app:\n  start: { services: [api] }\nchecks: [sequences: {}]\n"
        #expect(diagnostics(yaml) == [
            "8:1: app.start.services needs environment.kind: compose; a local environment starts the app with app.start.command",
        ])
    }

    @Test func secretReferencesNeedExactlyOneSource() {
        let yaml = withChecks("""
              - canary: { query: "SELECT 1" }
              - canary: { query: "SELECT 1", value_env: A, value_file: a.txt }
              - secret_decrypt: { sql: "SELECT 1", secret_env: 9LIVES }

            """)
        #expect(diagnostics(yaml) == [
            "9:5: missing 'value_env' or 'value_file' under checks[0].canary",
            "10:48: 'value_file' cannot be combined with 'value_env' under checks[1].canary: give only one of 'value_env' or 'value_file'",
            "11:52: checks[2].secret_decrypt.secret_env must name an environment variable (letters, digits and '_', not starting with a digit)",
        ])
    }

    @Test func ageIdentityFileEnvNeedsItsVariable() throws {
        let yaml = ScenarioFixtures.validPreamble + """
            master_key:
              source_env: KEY
              decrypt: { age: { identity_file_env: AGE_IDENTITY_PATH } }
              install: { file: { path: /data/master.key } }
            checks: [sequences: {}]

            """
        #expect(diagnostics(yaml) == [
            "10:40: environment variable 'AGE_IDENTITY_PATH' is not set (used in the path master_key.decrypt.age.identity_file_env)",
        ])
        let scenario = try ScenarioFixtures.load(yaml: yaml, environment: ["AGE_IDENTITY_PATH": "keys/age.txt"])
        #expect(scenario.masterKey?.decrypt == .age(identity: .file("/drills/keys/age.txt")))
        #expect(scenario.masterKey?.install == .file(service: nil, path: "/data/master.key"))
    }

    @Test func variablesAreExpandedInPathsOnly() throws {
        let yaml = withChecks("  - sql: { name: dollars, query: \"SELECT '${HOME}'\", expect: \"= '${HOME}'\" }\n")
        let scenario = try ScenarioFixtures.load(yaml: yaml, environment: ["HOME": "/root"])
        if case .sql(let sql) = scenario.checks[0].kind {
            #expect(sql.query == "SELECT '${HOME}'")
        } else { Issue.record("sql") }
    }

    // MARK: Building blocks

    @Test func pathResolverNormalisesLexically() throws {
        let resolver = ScenarioPathResolver(baseDirectory: "/drills/monthly", environment: ["A": "x", "B": "/abs"])
        #expect(try resolver.resolve("../reports") == "/drills/reports")
        #expect(try resolver.resolve("./a//b/./c") == "/drills/monthly/a/b/c")
        #expect(try resolver.resolve("${B}/${A}$x") == "/abs/x$x")
        #expect(try resolver.resolve("/../../etc") == "/etc")
        #expect(throws: ScenarioPathResolver.Problem.unsetVariable("C")) { try resolver.resolve("${C}/x") }
        #expect(throws: ScenarioPathResolver.Problem.malformedReference("${1A}")) { try resolver.resolve("${1A}/x") }
    }

    @Test func suggestionsCatchTyposButNotUnrelatedWords() {
        let keys = ["tables", "expect", "tolerance"]
        #expect(SpellingSuggestion.closest(to: "tolerence", among: keys) == "tolerance")
        #expect(SpellingSuggestion.closest(to: "Tables", among: keys) == "tables")
        #expect(SpellingSuggestion.closest(to: "exepct", among: keys) == "expect")
        #expect(SpellingSuggestion.closest(to: "columns", among: keys) == nil)
        #expect(SpellingSuggestion.closest(to: "sql", among: ["url", "run"]) == nil)
        #expect(SpellingSuggestion.closest(to: "sha256-file", among: ["sha256_file"]) == "sha256_file")
    }

    @Test func secretDetectorSpotsSecretsButNotReferences() {
        #expect(InlineSecretDetector.kindOfSecret(in: "AGE-SECRET-KEY-1ABC") == "an age secret key")
        #expect(InlineSecretDetector.kindOfSecret(in: "-----BEGIN RSA " + "PRIVATE KEY-----\nMII") == "a PEM private key")
        #expect(InlineSecretDetector.kindOfSecret(in: "postgresql://app:s3cret@db/app") == "a URL with a password")
        #expect(InlineSecretDetector.kindOfSecret(in: "sk_live_abc") != nil)
        #expect(InlineSecretDetector.kindOfSecret(in: "postgres://app:${PGPASSWORD}@db/app") == nil)
        #expect(InlineSecretDetector.kindOfSecret(in: "postgres://app@db/app") == nil)
        #expect(InlineSecretDetector.kindOfSecret(in: "http://{{api:3000}}/auth/login") == nil)
        #expect(InlineSecretDetector.kindOfSecret(in: "SELECT 1 FROM users WHERE password = $1 AND user = $2") == nil)
        #expect(InlineSecretDetector.kindOfSecret(in: "-----BEGIN PUBLIC KEY-----") == nil)
    }

    @Test func diagnosticsRenderWithAndWithoutAPosition() {
        #expect(ScenarioDiagnostic(file: "a.yml", line: 3, column: 7, message: "unknown key 'x'", suggestion: "y").description
            == "a.yml:3:7: unknown key 'x' (did you mean 'y'?)")
        #expect(ScenarioDiagnostic(file: "a.yml", line: 0, column: 0, message: "no such file").description == "a.yml: no such file")
        let error = ScenarioLoadError(diagnostics: [
            ScenarioDiagnostic(file: "a.yml", line: 1, column: 1, message: "one"),
            ScenarioDiagnostic(file: "a.yml", line: 2, column: 1, message: "two"),
        ])
        #expect(error.description == "a.yml:1:1: one\na.yml:2:1: two")
    }
}
