import Foundation

/// `schema`: the restored catalog against a reference of what it must be: the manifest's
/// fingerprint (production at backup time) or, without one, the last good drill's. Right rows
/// in the wrong catalog (an index, a trigger, a constraint lost on the way) restore cleanly
/// and pass every data check; this names what is missing, added or changed.
public struct SchemaCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: SchemaCheckSpec

    public init(spec: CheckSpec, settings: SchemaCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var readsPastDrills: Bool { true }
    public var readsRestoredSchema: Bool { true }

    public var displayName: String {
        "schema" + (settings.schemas.isEmpty ? "" : ": " + settings.schemas.joined(separator: ", "))
    }

    /// At most this many differences are named in the message; the observations hold them all.
    static let namedInMessage = 5

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        let restored: SchemaFingerprint
        transcript.recordShared(SchemaFingerprintReader.query)
        switch context.restoredSchema {
        case .success(let read):
            restored = read
        case .failure(let failure):
            transcript.cannotVerify("could not read the restored catalog: \(failure.description)")
            return transcript.outcome(passing: "")
        case nil:
            do {
                guard let connection = context.connection as? PostgresConnection else {
                    throw SchemaReadFailure(description: "the schema check reads PostgreSQL's catalog, and this store is \(context.connection.engine.rawValue)")
                }
                restored = try await SchemaFingerprintReader.read(connection)
            } catch {
                transcript.record(error, while: "read the restored catalog")
                return transcript.outcome(passing: "")
            }
        }
        guard let (reference, source) = reference(in: context, transcript) else {
            var outcome = transcript.outcome(passing: "")
            if outcome.verdict == .pass {
                let folder = context.pastDrills?.folder ?? "the reports folder"
                let manifest = settings.against == .lastGoodDrill ? "" : "no manifest with a schema and "
                outcome.verdict = .skipped
                outcome.nothingToCompare = true
                outcome.message = "no reference to compare the restored schema (\(restored.limited(to: settings.schemas).counts)) with: "
                    + "\(manifest)no earlier good drill of this scenario in \(folder)\(context.pastDrills?.distrustedNote ?? ""); "
                    + "if this drill passes, its schema is the first reference"
            }
            return outcome
        }
        let expected = reference.limited(to: settings.schemas)
        let actual = restored.limited(to: settings.schemas)
        let difference = SchemaDifference(reference: expected, restored: actual)
        guard !difference.isEmpty else {
            transcript.observe("schema", expected: "sha256 \(expected.sha256.prefix(16)) (\(source))", actual: "sha256 \(actual.sha256.prefix(16))", ok: true)
            return transcript.outcome(passing: "the restored schema equals \(source): \(actual.counts)")
        }
        var named: [String] = []
        for (object, dependents) in difference.missing {
            let with = dependents == 0 ? "" : " (with its \(CheckWording.count(Int64(dependents), "column, index, constraint or trigger", "columns, indexes, constraints and triggers")))"
            transcript.observe(object.described, expected: object.definition.isEmpty ? "present" : object.definition, actual: "missing", ok: false)
            named.append("missing \(object.described)\(with)")
        }
        for change in difference.changed {
            transcript.observe(change.reference.described, expected: change.reference.definition, actual: change.restored.definition, ok: false)
            named.append("changed \(change.reference.described): \(change.reference.definition) → \(change.restored.definition)")
        }
        for (object, dependents) in difference.added {
            let with = dependents == 0 ? "" : " (with \(CheckWording.count(Int64(dependents), "dependent object")))"
            transcript.observe(object.described, expected: "absent", actual: object.definition.isEmpty ? "present" : object.definition, ok: false)
            named.append("added \(object.described)\(with)")
        }
        let tally = [
            difference.missing.isEmpty ? nil : "\(difference.missing.count) missing",
            difference.changed.isEmpty ? nil : "\(difference.changed.count) changed",
            difference.added.isEmpty ? nil : "\(difference.added.count) added",
        ].compactMap { $0 }.joined(separator: ", ")
        var line = "the restored schema differs from \(source) (\(tally)): " + named.prefix(Self.namedInMessage).joined(separator: "; ")
        if named.count > Self.namedInMessage { line += "; and \(named.count - Self.namedInMessage) more (see the observations)" }
        if source.hasPrefix("the last good drill") {
            line += settings.against == .lastGoodDrill
                ? ". If the change is intended (a migration since that drill), set against: auto and take a manifest with the next backup (restore-drill manifest): its schema is compared instead"
                : ". If the change is intended (a migration since that drill), take a manifest with the next backup (restore-drill manifest): its schema is compared instead"
        }
        transcript.fail(line)
        return transcript.outcome(passing: "")
    }

    /// The fingerprint to compare with and how to name it; nil when there is none (said
    /// through the transcript when the scenario asked for one that is not there).
    private func reference(in context: CheckContext, _ transcript: CheckTranscript) -> (SchemaFingerprint, String)? {
        let manifestSchema = context.manifest.flatMap { manifest in
            manifest.schema.map { ($0, "production's schema in the manifest (taken \(ISO8601.string(from: manifest.takenAt, fractional: false)))") }
        }
        let lastGood = context.pastDrills?.good.lazy.compactMap { drill in
            drill.schema.map { ($0, "the last good drill's schema (\(ISO8601.day(drill.startedAt)), run \(drill.runId))") }
        }.first
        if settings.against != .manifest, manifestSchema == nil || settings.against == .lastGoodDrill, let problem = context.pastDrills?.problem {
            transcript.cannotVerify("the earlier drills to compare with could not be read: \(problem)")
            return nil
        }
        switch settings.against {
        case .auto:
            return manifestSchema ?? lastGood
        case .manifest:
            if manifestSchema == nil {
                transcript.cannotVerify(context.manifest == nil
                    ? "against: manifest, but this drill has no manifest (set backup.manifest)"
                    : "against: manifest, but the manifest holds no schema (it was taken by an older restore-drill): take it again with restore-drill manifest")
            }
            return manifestSchema
        case .lastGoodDrill:
            return lastGood
        }
    }
}
