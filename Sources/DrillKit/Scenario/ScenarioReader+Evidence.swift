import Foundation

extension ScenarioReader {
    /// `evidence: { cadence: 31d, controls: ["ISO 27001 A.8.13", …] }`
    func readEvidence(_ value: ScenarioValue) -> EvidenceSpec {
        guard let section = mapping(value, allowed: ["cadence", "controls"]) else { return EvidenceSpec() }
        let cadence = section["cadence"].flatMap(duration)
        if let cadence, cadence < 3600, let location = section["cadence"]?.location {
            report("evidence.cadence \(DurationText.format(cadence)) is shorter than an hour: it is how often a passing drill is due (e.g. 31d for monthly)",
                   at: location)
        }
        var controls: [String] = []
        if let list = section["controls"].flatMap({ stringList($0) }) {
            for (index, control) in list.enumerated() where list[..<index].contains(control) {
                if let location = section["controls"]?.location {
                    report("evidence.controls lists '\(control)' twice", at: location)
                }
            }
            controls = list.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return EvidenceSpec(cadenceSeconds: cadence, controls: controls)
    }
}
