import Yams

extension ScenarioReader {
    func readApp(_ value: ScenarioValue) -> AppSpec? {
        guard let app = mapping(value, allowed: ["start", "migrate", "ready", "logs", "variables", "migrations", "version"]) else { return nil }
        let start = required("start", in: app).flatMap(readAppStart)
        let migrate = app["migrate"].flatMap(readMigrate)
        let ready = app["ready"].flatMap(readReadyProbes) ?? []
        let logs = app["logs"].flatMap(readLogRules) ?? []
        let variables = app["variables"].flatMap(readComposeVariables)
        let migrations = app["migrations"].flatMap(readMigrationsTable)
        let version = app["version"].flatMap(readAppVersion)
        if migrate != nil, let section = app["migrations"] {
            // The migrate command runs inside the boot: its migrations would read as the app's own.
            report("app.migrations reads what the app applies as it starts; with app.migrate the command's migrations would count as the app's. "
                   + "Drop one of them", at: section.entryLocation)
            return nil
        }
        guard let start, app["variables"] == nil || variables != nil, app["migrations"] == nil || migrations != nil,
              app["version"] == nil || version != nil else { return nil }
        return AppSpec(start: start, migrate: migrate, ready: ready, logsMustNotContain: logs, variables: variables ?? [:],
                       migrations: migrations, version: version)
    }

    /// `variables: { DRILL_APP_IMAGE: restore-drill/refstore:2 }`: text values, names as the shell writes them.
    private func readComposeVariables(_ value: ScenarioValue) -> [String: String]? {
        guard let entries = dataEntries(value) else { return nil }
        var variables: [String: String] = [:]
        for entry in entries {
            guard entry.key.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
                report("'\(entry.key)' in \(value.displayPath) is not a variable name: letters, digits and '_'", at: entry.value.entryLocation)
                return nil
            }
            guard let text = scalarText(entry.value, expected: "a text value") else { return nil }
            variables[entry.key] = text
        }
        return variables
    }

    /// `services` start compose services; `command` starts a child process, `processes` several
    /// named ones (local environments).
    private func readAppStart(_ value: ScenarioValue) -> AppStart? {
        guard let start = mapping(value, allowed: ["services", "command", "processes"]) else { return nil }
        switch exactlyOne(of: ["services", "command", "processes"], in: start) {
        case "services": return start["services"].flatMap { stringList($0) }.map(AppStart.services)
        case "command": return start["command"].flatMap { stringList($0) }.map(AppStart.command)
        case "processes": return start["processes"].flatMap(readProcesses).map(AppStart.processes)
        default: return nil
        }
    }

    /// `processes: { api: { command: [...], ready: [...] }, admin: {...} }`, in the order written.
    private func readProcesses(_ value: ScenarioValue) -> [AppProcessSpec]? {
        guard let entries = dataEntries(value) else { return nil }
        guard !entries.isEmpty else {
            report("app.start.processes is empty: name at least one process, with its command", at: value.location)
            return nil
        }
        let processes = entries.map { entry -> AppProcessSpec? in
            guard entry.key.range(of: #"^[a-z0-9][a-z0-9_-]*$"#, options: .regularExpression) != nil else {
                report("'\(entry.key)' in app.start.processes is not a process name: lowercase letters, digits, '-' and '_' "
                       + "(it is written {{\(entry.key):PORT}} in URLs)", at: entry.value.entryLocation)
                return nil
            }
            guard let process = mapping(entry.value, allowed: ["command", "ready"]) else { return nil }
            let command = required("command", in: process).flatMap { stringList($0) }
            let ready = process["ready"].flatMap(readReadyProbes)
            guard let command, process["ready"] == nil || ready != nil else { return nil }
            return AppProcessSpec(name: entry.key, command: command, ready: ready ?? [])
        }
        return processes.contains { $0 == nil } ? nil : processes.compactMap { $0 }
    }

    /// With several processes, each `{{NAME:PORT}}` the app's URLs and commands use must name one
    /// of them; a misspelt name would otherwise be found only after the restore.
    func checkProcessAddresses(_ app: AppSpec, checks: [CheckSpec], versionURL: String? = nil, at appValue: ScenarioValue) {
        guard case .processes(let processes) = app.start else { return }
        let names = processes.map(\.name)
        let templates = ((app.ready + app.start.processProbes).map(\.http.url) + checks.compactMap(makeCheck).flatMap(\.urlTemplates)
                         + processes.flatMap(\.command) + [app.version?.url, versionURL].compactMap { $0 })
        for placeholder in AppAddress.placeholders(in: templates) where !names.contains(placeholder.service) {
            report("{{\(placeholder.service):\(placeholder.port)}} names no process of app.start.processes (\(names.joined(separator: ", "))): "
                   + "a local drill reaches each process by its name", at: appValue.entryLocation,
                   suggestion: SpellingSuggestion.closest(to: placeholder.service, among: names).map { "{{\($0):\(placeholder.port)}}" })
        }
    }

    /// Compose services only exist in a compose environment; catching this here beats a
    /// drill that fails after restoring a large dump.
    func checkAppFits(_ app: AppSpec, environment: EnvironmentSpec, at appValue: ScenarioValue) {
        switch (app.start, environment.target) {
        case (.services, .local):
            report("app.start.services needs environment.kind: compose; a local environment starts the app with app.start.command",
                   at: appValue.entryLocation)
        case (.command, .compose):
            report("app.start.command needs environment.kind: local; a compose environment starts app.start.services",
                   at: appValue.entryLocation)
        case (.processes, .compose):
            report("app.start.processes needs environment.kind: local; a compose environment starts app.start.services, each reached as {{service:port}}",
                   at: appValue.entryLocation)
        case (.command, .local) where !app.variables.isEmpty, (.processes, .local) where !app.variables.isEmpty:
            report("app.variables are the compose file's variables and need environment.kind: compose; a local app takes its settings on its command line",
                   at: appValue.entryLocation)
        default:
            break
        }
    }

    private func readMigrate(_ value: ScenarioValue) -> MigrateSpec? {
        guard let migrate = mapping(value, allowed: ["command", "service"]) else { return nil }
        let command = required("command", in: migrate).flatMap { stringList($0) }
        let service = migrate["service"].flatMap(string)
        guard let command else { return nil }
        return MigrateSpec(command: command, service: service)
    }

    private func readReadyProbes(_ value: ScenarioValue) -> [ReadyProbe]? {
        guard let elements = list(value) else { return nil }
        let probes = elements.map(readReadyProbe)
        return probes.contains { $0 == nil } ? nil : probes.compactMap { $0 }
    }

    private func readReadyProbe(_ value: ScenarioValue) -> ReadyProbe? {
        guard let probe = mapping(value, allowed: ["http", "timeout"]) else { return nil }
        let http = required("http", in: probe).flatMap(readHTTPProbe)
        let timeout = probe["timeout"].flatMap(duration)
        guard let http else { return nil }
        return ReadyProbe(http: http, timeoutSeconds: timeout ?? 120)
    }

    private func readHTTPProbe(_ value: ScenarioValue) -> HTTPProbe? {
        guard let http = mapping(value, allowed: ["url", "status", "json"]) else { return nil }
        guard let request = readHTTPRequest(http) else { return nil }
        return HTTPProbe(url: request.url, status: request.status, json: request.json)
    }

    /// The keys an HTTP probe and the http check share: `url`, `status` (default 200) and a
    /// `json` subset the response body must contain.
    func readHTTPRequest(_ http: ScenarioMapping) -> (url: String, status: Int, json: [String: JSONValue]?)? {
        let url = required("url", in: http).flatMap(string)
        let status = http["status"].flatMap(readHTTPStatus)
        let json = http["json"].flatMap(readJSONObject)
        guard let url else { return nil }
        return (url, status ?? 200, json)
    }

    private func readHTTPStatus(_ value: ScenarioValue) -> Int? {
        guard let status = integer(value) else { return nil }
        guard (100...599).contains(status) else {
            report("invalid HTTP status \(status) for \(value.displayPath): expected 100 to 599", at: value.location)
            return nil
        }
        return status
    }

    private func readLogRules(_ value: ScenarioValue) -> [String]? {
        guard let logs = mapping(value, allowed: ["must_not_contain"]) else { return nil }
        guard let patterns = logs["must_not_contain"] else { return [] }
        return stringList(patterns)
    }

    // MARK: JSON subsets

    func readJSONObject(_ value: ScenarioValue) -> [String: JSONValue]? {
        guard let entries = dataEntries(value) else { return nil }
        var object: [String: JSONValue] = [:]
        var valid = true
        for entry in entries {
            if let member = readJSON(entry.value) { object[entry.key] = member } else { valid = false }
        }
        return valid ? object : nil
    }

    private func readJSON(_ value: ScenarioValue) -> JSONValue? {
        switch value.node {
        case .mapping:
            return readJSONObject(value).map(JSONValue.object)
        case .sequence(let sequence):
            let elements = sequence.enumerated().map { readJSON(value.element($0.offset, node: $0.element)) }
            return elements.contains { $0 == nil } ? nil : .array(elements.compactMap { $0 })
        case .alias:
            reportWrongType(value, expected: "a JSON value")
            return nil
        case .scalar(let scalar):
            switch value.tagName {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return value.node.bool.map(JSONValue.bool)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
                guard let number = value.node.int.map(Double.init) ?? value.node.float else {
                    reportWrongType(value, expected: "a JSON number")
                    return nil
                }
                return .number(number)
            default: return .string(scalar.string)
            }
        }
    }
}
