/// What one catalog has that the other has not, or has otherwise. A missing table takes its
/// columns, indexes, constraints and triggers with it: they are counted under the table, not
/// listed one by one, so the line an operator reads names the cause.
public struct SchemaDifference: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public var reference: SchemaObject
        public var restored: SchemaObject
    }

    /// In the reference, not in the restored database, each with what went with it.
    public var missing: [(object: SchemaObject, dependents: Int)]
    /// In the restored database, not in the reference.
    public var added: [(object: SchemaObject, dependents: Int)]
    public var changed: [Change]

    public var isEmpty: Bool { missing.isEmpty && added.isEmpty && changed.isEmpty }

    public init(reference: SchemaFingerprint, restored: SchemaFingerprint) {
        let referenceByKey = Dictionary(reference.objects.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let restoredByKey = Dictionary(restored.objects.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        missing = Self.grouped(reference.objects.filter { restoredByKey[$0.key] == nil })
        added = Self.grouped(restored.objects.filter { referenceByKey[$0.key] == nil })
        changed = reference.objects.compactMap { object in
            guard let other = restoredByKey[object.key], other.definition != object.definition else { return nil }
            return Change(reference: object, restored: other)
        }
    }

    /// Objects of a table that is itself in the list fold into it.
    private static func grouped(_ objects: [SchemaObject]) -> [(object: SchemaObject, dependents: Int)] {
        let tables = Set(objects.filter { $0.kind == .table }.map(\.name))
        var dependents: [String: Int] = [:]
        var kept: [SchemaObject] = []
        for object in objects {
            if let table = object.table, tables.contains(table) {
                dependents[table, default: 0] += 1
            } else {
                kept.append(object)
            }
        }
        return kept.map { ($0, $0.kind == .table ? dependents[$0.name] ?? 0 : 0) }
    }

    public static func == (lhs: SchemaDifference, rhs: SchemaDifference) -> Bool {
        lhs.missing.map(\.object) == rhs.missing.map(\.object) && lhs.added.map(\.object) == rhs.added.map(\.object)
            && lhs.changed == rhs.changed
    }
}
