import Foundation

/// Drill outcomes in the Prometheus text exposition format, for node_exporter's textfile
/// collector (or a Pushgateway): operators alert on a drill that failed, missed an objective,
/// or — through `restore_drill_last_pass_timestamp_seconds` — stopped running at all.
public enum PrometheusTextfile {
    public struct Entry: Sendable {
        public var record: DrillRecord
        /// Start of the newest passing drill of this scenario, this one included.
        public var lastPass: Date?
        public var signed: Bool

        public init(record: DrillRecord, lastPass: Date?, signed: Bool) {
            self.record = record
            self.lastPass = lastPass
            self.signed = signed
        }
    }

    /// The latest drill of each scenario in a folder, as entries.
    public static func entries(from histories: [ScenarioHistory]) -> [Entry] {
        histories.compactMap { history in
            history.latest.map { Entry(record: $0.record, lastPass: history.lastPass?.record.startedAt, signed: $0.integrityIntact) }
        }
    }

    public static func render(_ entries: [Entry]) -> String {
        var families: [(name: String, help: String, samples: [String])] = [
            ("restore_drill_verified", "1 when the latest drill passed every check and met both objectives (exit code 0), else 0.", []),
            ("restore_drill_exit_code", "Exit code of the latest drill: 0 verified, 1 something failed, 2 could not be carried out.", []),
            ("restore_drill_last_run_timestamp_seconds", "Start of the latest drill, Unix time.", []),
            ("restore_drill_last_pass_timestamp_seconds", "Start of the newest passing drill, Unix time; absent when none passed. Alert when time() minus this exceeds the cadence.", []),
            ("restore_drill_cadence_seconds", "How often a passing drill is due (the scenario's evidence.cadence).", []),
            ("restore_drill_rto_seconds", "Measured recovery time of the latest drill; absent when it was not measured.", []),
            ("restore_drill_rto_objective_seconds", "The RTO objective.", []),
            ("restore_drill_rto_met", "1 when the measured RTO met the objective; 0 when it did not or was not measured.", []),
            ("restore_drill_rpo_seconds", "Measured recovery point (data age) of the latest drill; absent when it was not measured.", []),
            ("restore_drill_rpo_objective_seconds", "The RPO objective.", []),
            ("restore_drill_rpo_met", "1 when the measured RPO met the objective; 0 when it did not or was not measured.", []),
            ("restore_drill_check_pass", "1 when the check passed; 0 when it failed, errored or was skipped (the verdict label says which).", []),
            ("restore_drill_step_duration_seconds", "Duration of each step of the latest drill.", []),
            ("restore_drill_record_signed", "1 when the latest drill's record is signed and intact.", []),
        ]
        func add(_ name: String, _ labels: [(String, String)], _ value: Double) {
            guard let index = families.firstIndex(where: { $0.name == name }) else { return }
            let text = labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
            families[index].samples.append("\(name){\(text)} \(number(value))")
        }
        for entry in entries {
            let record = entry.record
            let scenario = [("scenario", record.scenarioName)]
            add("restore_drill_verified", scenario, record.exitCode == 0 && record.verdict == .pass ? 1 : 0)
            add("restore_drill_exit_code", scenario, Double(record.exitCode))
            add("restore_drill_last_run_timestamp_seconds", scenario, record.startedAt.timeIntervalSince1970)
            if let lastPass = entry.lastPass { add("restore_drill_last_pass_timestamp_seconds", scenario, lastPass.timeIntervalSince1970) }
            if let cadence = record.cadenceSeconds { add("restore_drill_cadence_seconds", scenario, cadence) }
            for (prefix, objective) in [("restore_drill_rto", record.rto), ("restore_drill_rpo", record.rpo)] {
                guard let objective else { continue }
                if let measured = objective.measuredSeconds { add("\(prefix)_seconds", scenario, measured) }
                add("\(prefix)_objective_seconds", scenario, objective.targetSeconds)
                add("\(prefix)_met", scenario, objective.measuredSeconds != nil && objective.verdict == .pass ? 1 : 0)
            }
            for check in record.checks {
                add("restore_drill_check_pass", scenario + [("check", check.id), ("kind", check.kind), ("verdict", check.verdict.rawValue)],
                    check.verdict == .pass ? 1 : 0)
            }
            for step in record.steps {
                add("restore_drill_step_duration_seconds", scenario + [("step", step.id.rawValue), ("verdict", step.verdict.rawValue)], step.durationSeconds)
            }
            add("restore_drill_record_signed", scenario, entry.signed ? 1 : 0)
        }
        return families.filter { !$0.samples.isEmpty }.map { family in
            (["# HELP \(family.name) \(family.help)", "# TYPE \(family.name) gauge"] + family.samples).joined(separator: "\n")
        }.joined(separator: "\n") + "\n"
    }

    /// Replaced atomically (a temporary file in the same folder, then a rename), so the
    /// collector never reads half a file. A folder gets `restore-drill-<scenario>.prom`.
    @discardableResult
    public static func write(_ entries: [Entry], to target: String) throws -> String {
        var isDirectory: ObjCBool = false
        var path = target
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue {
            let name = entries.count == 1 ? ReportWriter.safeComponent(entries[0].record.scenarioName) : "all"
            path = target + "/restore-drill-\(name).prom"
        }
        try Data(render(entries).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
