import Foundation

extension ScenarioReader {
    static let checkKinds = CheckKindName.allCases.map(\.rawValue)

    /// A scenario without checks would "pass" having proved nothing, so an empty list is an error.
    func readChecks(_ value: ScenarioValue) -> [CheckSpec]? {
        guard let elements = list(value) else { return nil }
        guard !elements.isEmpty else {
            report("checks is empty: at least one check is required (a drill without checks proves nothing)",
                   at: value.problemLocation)
            return nil
        }
        let checks = elements.enumerated().map { readCheck($0.element, index: $0.offset) }
        let read = checks.compactMap { $0 }
        // Only a passing drill becomes a baseline, and a drill whose checks all wait for one can never pass.
        if read.count == checks.count, read.allSatisfy({ makeCheck($0)?.readsPastDrills ?? false }) {
            report("checks holds only comparisons with earlier drills (\(read.map(\.kind.key).joined(separator: ", "))): add a check that verifies "
                   + "on its own (row_counts, sql, …), or the first drill proves nothing and none can ever become their baseline",
                   at: value.problemLocation)
            return nil
        }
        // One recorded name, one program: a second would overwrite the first in the manifest.
        var recorders: [String: CheckSpec] = [:]
        for check in read {
            guard case .command(let command) = check.kind, case .recorded(let name)? = command.output else { continue }
            if let first = recorders[name] {
                report("\(check.path) compares with the output recorded as \(name), which \(first.path) records too: give each program its own name",
                       at: check.location)
            } else {
                recorders[name] = check
            }
        }
        return checks.contains { $0 == nil } ? nil : read
    }

    /// One list entry: a mapping with exactly one key, the check's kind.
    private func readCheck(_ value: ScenarioValue, index: Int) -> CheckSpec? {
        guard case .mapping(let yamlMapping) = value.node else {
            reportWrongType(value, expected: "a mapping holding one check (e.g. '- sql: { … }')")
            return nil
        }
        guard let entry = mapping(value, allowed: Self.checkKinds) else { return nil }
        if yamlMapping.count == 0 {
            report("\(value.displayPath) is empty: expected one check, one of \(Self.checkKinds.joined(separator: ", "))",
                   at: value.location)
        }
        for extra in entry.entries.dropFirst() {
            report("\(value.displayPath) holds more than one check ('\(entry.entries[0].key)' and '\(extra.key)'): "
                   + "start each check with its own '- '", at: extra.value.entryLocation)
        }
        // Every check in the entry is read, so the problems inside them surface in this run too.
        let kinds = entry.entries.map { readCheckKind($0.key, $0.value) }
        guard kinds.count == 1, let kind = kinds[0], let body = entry.entries.first?.value else { return nil }
        return CheckSpec(index: index, location: body.entryLocation, kind: kind)
    }

    private func readCheckKind(_ key: String, _ body: ScenarioValue) -> CheckKind? {
        guard let name = CheckKindName(rawValue: key) else { return nil }
        return switch name {
        case .rowCounts: readRowCounts(body).map(CheckKind.rowCounts)
        case .money: readMoney(body).map(CheckKind.money)
        case .invoiceSequence: readInvoiceSequence(body).map(CheckKind.invoiceSequence)
        case .totpLogin: readTOTPLogin(body).map(CheckKind.totpLogin)
        case .secretDecrypt: readSecretDecrypt(body).map(CheckKind.secretDecrypt)
        case .testOrder: readTestOrder(body).map(CheckKind.testOrder)
        case .sql: readSQLCheck(body).map(CheckKind.sql)
        case .canary: readCanary(body).map(CheckKind.canary)
        case .sequences: readSequences(body).map(CheckKind.sequences)
        case .http: readHTTPCheck(body).map(CheckKind.http)
        case .command: readCommandCheck(body).map(CheckKind.command)
        case .integrity: readIntegrity(body).map(CheckKind.integrity)
        case .freshness: readFreshness(body).map(CheckKind.freshness)
        case .volume: readVolume(body).map(CheckKind.volume)
        case .schema: readSchemaCheck(body).map(CheckKind.schema)
        }
    }

    private func readSQLCheck(_ value: ScenarioValue) -> SQLCheckSpec? {
        guard let sql = mapping(value, allowed: ["name", "query", "expect", "asserts"]) else { return nil }
        let name = required("name", in: sql).flatMap(string)
        let query = required("query", in: sql).flatMap(string)
        let expect = required("expect", in: sql).flatMap(readComparison)
        let asserts = sql["asserts"].flatMap { enumeration($0, choices: PITRAssertion.allCases) }
        if recoversToATarget == false, let misplaced = sql["asserts"] {
            report("'asserts' says which side of a recovery target a check proves, but this backup is a dump (backup.pitr recovers to a target)",
                   at: misplaced.entryLocation)
        }
        guard let name, let query, let expect else { return nil }
        return SQLCheckSpec(name: name, query: query, expect: expect, asserts: asserts)
    }

    private func readComparison(_ value: ScenarioValue) -> Comparison? {
        guard let text = scalarText(value, expected: "a comparison such as \"> 0\"") else { return nil }
        guard value.isString, let comparison = Comparison(parsing: text) else {
            report("invalid expectation '\(text)' for \(value.displayPath): \(Comparison.hint)", at: value.location)
            return nil
        }
        return comparison
    }

    /// `sequences: {}`; a bare `sequences:` means the same, as there is nothing to configure.
    private func readSequences(_ value: ScenarioValue) -> SequencesCheckSpec? {
        if value.isEmpty { return SequencesCheckSpec() }
        guard let sequences = mapping(value, allowed: ["ignore"]) else { return nil }
        guard let ignore = sequences["ignore"] else { return SequencesCheckSpec() }
        return stringList(ignore, nonEmpty: false).map(SequencesCheckSpec.init)
    }

    private func readHTTPCheck(_ value: ScenarioValue) -> HTTPCheckSpec? {
        guard let http = mapping(value, allowed: ["url", "status", "json"]), let request = readHTTPRequest(http) else { return nil }
        return HTTPCheckSpec(url: request.url, status: request.status, json: request.json)
    }

    /// `freshness: { columns: [orders.created_at], tolerance: 24h }`.
    private func readFreshness(_ value: ScenarioValue) -> FreshnessCheckSpec? {
        guard let freshness = mapping(value, allowed: ["columns", "tolerance"]) else { return nil }
        let tolerance = freshness["tolerance"].flatMap(duration)
        guard let columnsValue = required("columns", in: freshness), let names = stringList(columnsValue) else { return nil }
        var columns: [ColumnReference] = []
        for name in names {
            guard let column = ColumnReference(parsing: name) else {
                report("'\(name)' in \(columnsValue.displayPath) is not a column: write table.column or schema.table.column", at: columnsValue.location)
                return nil
            }
            columns.append(column)
        }
        return FreshnessCheckSpec(columns: columns, toleranceSeconds: tolerance ?? 24 * 3600)
    }

    /// `volume: { tables: [orders], money: [orders.total_cents], drop: 10%, growth: 100%, drills: 3 }`.
    private func readVolume(_ value: ScenarioValue) -> VolumeCheckSpec? {
        guard let volume = mapping(value, allowed: ["tables", "money", "drop", "growth", "drills"]) else { return nil }
        let tables = volume["tables"].flatMap { stringList($0) }
        let money = volume["money"].flatMap(readColumnList)
        let drop = volume["drop"].flatMap { readTolerance($0, what: "drop threshold") }
        let growth = volume["growth"].flatMap { readTolerance($0, what: "growth ceiling", maximum: 100) }
        let drills = volume["drills"].flatMap(integer)
        if let drills, drills < 1, let place = volume["drills"] {
            report("\(place.displayPath) must be at least 1: the baseline is the median of that many good drills", at: place.location)
            return nil
        }
        if volume["tables"] == nil, volume["money"] == nil {
            report("missing required key 'tables' \(value.placeDescription): name the tables whose row counts are compared with earlier drills",
                   at: value.entryLocation)
            return nil
        }
        if volume["tables"] != nil, tables == nil { return nil }
        if volume["money"] != nil, money == nil { return nil }
        if volume["drop"] != nil, drop == nil { return nil }
        if volume["growth"] != nil, growth == nil { return nil }
        if volume["drills"] != nil, drills == nil { return nil }
        return VolumeCheckSpec(tables: tables ?? [], money: money ?? [], drop: drop ?? 0.10, growth: growth ?? 1.0, drills: drills ?? 3)
    }

    /// `schema: {}`, `schema: { against: manifest, schemas: [public] }`; a bare `schema:` too.
    private func readSchemaCheck(_ value: ScenarioValue) -> SchemaCheckSpec? {
        if value.isEmpty { return SchemaCheckSpec() }
        guard let schema = mapping(value, allowed: ["against", "schemas"]) else { return nil }
        let against = schema["against"].flatMap { enumeration($0, as: SchemaCheckSpec.Reference.self) }
        let schemas = schema["schemas"].flatMap { stringList($0) }
        if schema["against"] != nil, against == nil { return nil }
        if schema["schemas"] != nil, schemas == nil { return nil }
        return SchemaCheckSpec(against: against ?? .auto, schemas: schemas ?? [])
    }

    /// `integrity: {}`; a bare `integrity:` means the same.
    private func readIntegrity(_ value: ScenarioValue) -> IntegrityCheckSpec? {
        if value.isEmpty { return IntegrityCheckSpec() }
        guard let integrity = mapping(value, allowed: ["budget", "heapallindexed"]) else { return nil }
        let budget = integrity["budget"].flatMap(duration)
        let heapAllIndexed = integrity["heapallindexed"].flatMap(boolean)
        return IntegrityCheckSpec(budgetSeconds: budget ?? 600, heapAllIndexed: heapAllIndexed ?? true)
    }

    /// A command check's `service` is a compose app service; a local drill runs commands on this host.
    func checkCommandsFit(_ checks: [CheckSpec], environment: EnvironmentSpec) {
        guard case .local = environment.target else { return }
        for check in checks {
            if case .command(let command) = check.kind, let service = command.service {
                report("\(check.path).service needs environment.kind: compose; a local drill runs the command on this host: drop 'service: \(service)'",
                       at: check.location)
            }
        }
    }

    static let commandOutputKeys = ["output", "output_contains", "output_matches", "output_file", "output_recorded"]

    private func readCommandCheck(_ value: ScenarioValue) -> CommandCheckSpec? {
        guard let command = mapping(value, allowed: ["service", "run", "timeout", "expect", "baseline_file"]) else { return nil }
        let service = command["service"].flatMap(string)
        let run = required("run", in: command).flatMap { stringList($0) }
        let timeout = command["timeout"].flatMap(duration)
        var exitCode: Int32 = 0
        var output: CommandOutputExpectation?
        var allow: OutputAllowance?
        var allowValue: ScenarioValue?
        var outputWritten = false
        if let expectValue = command["expect"],
           let expect = mapping(expectValue, allowed: ["exit_code", "output", "output_contains", "output_matches", "output_file",
                                                       "output_recorded", "allow"]) {
            if let code = expect["exit_code"].flatMap(integer) {
                if (0...255).contains(code) {
                    exitCode = Int32(code)
                } else if let codeValue = expect["exit_code"] {
                    report("exit_code \(code) is not an exit status: expected 0 to 255", at: codeValue.location)
                }
            }
            switch exactlyOne(of: Self.commandOutputKeys, in: expect, required: false) {
            case "output": output = expect["output"].flatMap(string).map(CommandOutputExpectation.equals)
            case "output_contains": output = expect["output_contains"].flatMap(string).map(CommandOutputExpectation.contains)
            case "output_matches":
                if let patternValue = expect["output_matches"], let pattern = string(patternValue) {
                    if (try? NSRegularExpression(pattern: pattern)) == nil {
                        report("output_matches '\(pattern)' is not a regular expression", at: patternValue.location)
                    } else {
                        output = .matches(pattern)
                    }
                }
            case "output_file": output = expect["output_file"].flatMap(path).map(CommandOutputExpectation.equalsFile)
            case "output_recorded": output = expect["output_recorded"].flatMap(readRecordedOutputName).map(CommandOutputExpectation.recorded)
            default: break
            }
            allowValue = expect["allow"]
            allow = allowValue.flatMap { enumeration($0, as: OutputAllowance.self) }
            outputWritten = expect.entries.contains { Self.commandOutputKeys.contains($0.key) }
        }
        if let baselineValue = command["baseline_file"] {
            if output != nil {
                report("baseline_file says what the output must be, and so does expect: keep one", at: baselineValue.entryLocation)
            } else {
                output = path(baselineValue).map(CommandOutputExpectation.equalsFile)
            }
        }
        // Judged once the output is known, baseline_file included; an expectation that was itself wrong is reported already.
        if let allowValue {
            let written = outputWritten || command["baseline_file"] != nil
            switch output {
            case .contains?, .matches?: report("allow says how far the output may differ from the text it must equal; output_contains and output_matches "
                                               + "have none", at: allowValue.entryLocation)
            case nil where !written: report("allow says how far the output may differ from output, output_file, output_recorded or baseline_file; "
                                            + "without one of them there is nothing to differ from", at: allowValue.entryLocation)
            default: break
            }
        }
        guard let run else { return nil }
        return CommandCheckSpec(service: service, run: run, timeoutSeconds: timeout ?? 60, exitCode: exitCode, output: output,
                                allow: allow ?? .exact)
    }

    /// The name `restore-drill manifest --record NAME=…` records it under.
    private func readRecordedOutputName(_ value: ScenarioValue) -> String? {
        guard let name = string(value) else { return nil }
        guard name.range(of: ManifestTaker.recordNamePattern, options: .regularExpression) != nil else {
            report("'\(name)' is not a recorded output's name: letters, digits, '-', '_' and '.'", at: value.location)
            return nil
        }
        return name
    }
}
