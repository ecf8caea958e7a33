extension ScenarioReader {
    static let topLevelKeys = ["version", "name", "description", "objectives", "environment", "backup", "master_key", "app",
                               "upgrade", "checks", "report", "deadline", "evidence"]

    /// The whole scenario, or nil after reporting why not. Every section is read even when
    /// an earlier one failed, so all problems surface in one run.
    func readScenario(_ root: ScenarioValue, absoluteFile: String) -> Scenario? {
        guard let top = mapping(root, allowed: Self.topLevelKeys) else { return nil }
        let version = required("version", in: top).flatMap(readVersion)
        let name = required("name", in: top).flatMap(readName)
        let description = top["description"].flatMap(string)
        let objectives = top["objectives"].map(readObjectives) ?? Objectives(tier: nil, rpoSeconds: nil, rtoSeconds: nil)
        let environment = required("environment", in: top).flatMap(readEnvironment)
        let backup = required("backup", in: top).flatMap(readBackup)
        let masterKey = top["master_key"].flatMap(readMasterKey)
        let app = top["app"].flatMap(readApp)
        let upgrade = top["upgrade"].flatMap(readUpgrade)
        let checks = required("checks", in: top).flatMap(readChecks)
        let reportSpec = top["report"].map(readReport) ?? ReportSpec(directory: defaultReportDirectory)
        let deadline = top["deadline"].flatMap(duration)
        let evidence = top["evidence"].map(readEvidence) ?? EvidenceSpec()
        if let environment, let app, let appSection = top["app"] {
            checkAppFits(app, environment: environment, at: appSection)
        }
        if let environment, let upgrade, let section = top["upgrade"] {
            checkUpgradeFits(upgrade, app: app, backup: backup, environment: environment, at: section)
        }
        if let environment, let checks { checkCommandsFit(checks, environment: environment) }
        if let environment, let backup, let section = top["environment"] {
            checkEngineFits(environment: environment, backup: backup, checks: checks ?? [], app: app, upgrade: upgrade, at: section,
                            backupSection: top["backup"])
        }
        if let app, let checks, let appSection = top["app"] {
            checkProcessAddresses(app, checks: checks, versionURL: upgrade?.version?.url, at: appSection)
        }
        if let upgrade, let checks, let section = top["upgrade"] {
            checkProcessAddresses(upgrade.to, checks: checks, versionURL: upgrade.version?.url, at: section)
        }
        guard diagnostics.isEmpty, version != nil, let name, let environment, let backup, let checks, let reportSpec else {
            return nil
        }
        return Scenario(file: absoluteFile, name: name, description: description, objectives: objectives,
                        environment: environment, backup: backup, masterKey: masterKey, app: app, upgrade: upgrade, checks: checks,
                        report: reportSpec, deadlineSeconds: deadline, evidence: evidence)
    }

    private func readVersion(_ value: ScenarioValue) -> Int? {
        guard let version = integer(value) else { return nil }
        guard version == 1 else {
            report("unsupported version \(version): this restore-drill reads version 1 scenarios", at: value.location)
            return nil
        }
        return version
    }

    /// The name becomes part of report file names, hence the narrow alphabet.
    private func readName(_ value: ScenarioValue) -> String? {
        guard let name = string(value) else { return nil }
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard allowed else {
            let slug = Self.slug(name)
            report("invalid name '\(name)': use only lowercase letters, digits and '-' (the name is used in report file names)",
                   at: value.location, suggestion: slug.isEmpty ? nil : slug)
            return nil
        }
        return name
    }

    private static func slug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug
    }

    /// Explicit `rpo`/`rto` override the tier's values.
    private func readObjectives(_ value: ScenarioValue) -> Objectives {
        guard let objectives = mapping(value, allowed: ["tier", "rpo", "rto"]) else {
            return Objectives(tier: nil, rpoSeconds: nil, rtoSeconds: nil)
        }
        return Objectives(tier: objectives["tier"].flatMap { enumeration($0, as: Tier.self) },
                          rpoSeconds: objectives["rpo"].flatMap(duration),
                          rtoSeconds: objectives["rto"].flatMap(duration))
    }

    private var defaultReportDirectory: String {
        ScenarioPathResolver.normalized(currentDirectory + "/reports")
    }

    private func readReport(_ value: ScenarioValue) -> ReportSpec? {
        guard let section = mapping(value, allowed: ["dir", "formats"]) else { return nil }
        let directory = section["dir"].map(path) ?? defaultReportDirectory
        var formats: [ReportFormat]? = ReportFormat.allCases
        if let formatsValue = section["formats"] {
            formats = readReportFormats(formatsValue)
        }
        guard let directory, let formats else { return nil }
        return ReportSpec(directory: directory, formats: formats)
    }

    private func readReportFormats(_ value: ScenarioValue) -> [ReportFormat]? {
        guard let elements = list(value) else { return nil }
        guard !elements.isEmpty else {
            report("report.formats is empty: list at least one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))",
                   at: value.problemLocation)
            return nil
        }
        var formats: [ReportFormat] = []
        var valid = true
        for element in elements {
            guard let format = enumeration(element, as: ReportFormat.self) else {
                valid = false
                continue
            }
            if formats.contains(format) {
                report("report format '\(format.rawValue)' is listed twice", at: element.location)
                valid = false
            }
            formats.append(format)
        }
        return valid ? formats : nil
    }
}
