import Foundation

/// What a database's structure is, down to what an app relies on: tables, columns with their
/// types, nullability and defaults, indexes, constraints, triggers (and whether they fire),
/// sequences and extensions. Recorded by `restore-drill manifest` and in every drill's record,
/// so a restore that brought back the right rows into the wrong catalog (an index, a trigger,
/// a constraint lost) is named, not passed.
public struct SchemaFingerprint: Sendable, Codable, Equatable {
    /// SHA-256 of the objects' canonical text: equal fingerprints, equal structures.
    public var sha256: String
    /// Sorted by kind, then name, then table.
    public var objects: [SchemaObject]
    /// How long reading the catalog took: what the fingerprint costs a drill (not compared).
    public var readSeconds: Double?

    public init(objects: [SchemaObject], readSeconds: Double? = nil) {
        self.readSeconds = readSeconds
        self.objects = objects.sorted()
        self.sha256 = FileDigest.sha256(data: Data(self.objects.map(\.canonicalLine).joined().utf8))
    }

    /// The part of the structure in the given schemas (extensions belong to none and stay).
    public func limited(to schemas: [String]) -> SchemaFingerprint {
        guard !schemas.isEmpty else { return self }
        return SchemaFingerprint(objects: objects.filter { object in object.schema.map(schemas.contains) ?? true })
    }

    public var counts: String {
        let order: [SchemaObject.Kind] = [.table, .column, .index, .constraint, .trigger, .sequence, .view, .extension]
        return order.compactMap { kind in
            let count = objects.filter { $0.kind == kind }.count
            return count == 0 ? nil : CheckWording.count(Int64(count), kind.noun, kind.plural)
        }.joined(separator: ", ")
    }
}

/// One object of the structure, named as an operator reads it.
public struct SchemaObject: Sendable, Codable, Equatable, Hashable, Comparable {
    public enum Kind: String, Sendable, Codable, CaseIterable, Comparable {
        case table, column, index, constraint, trigger, sequence, view, `extension`

        var noun: String { rawValue }
        var plural: String { self == .index ? "indexes" : rawValue + "s" }
        public static func < (lhs: Kind, rhs: Kind) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public var kind: Kind
    /// `public.orders`, `public.orders.total_cents`, `invoices_immutable` (a constraint's or
    /// a trigger's name is its table's), `vector`.
    public var name: String
    /// The table a column, constraint, trigger or index belongs to.
    public var table: String?
    /// The schema the object lives in; nil for an extension.
    public var schema: String?
    /// What it is: `bigint not null`, `CREATE TRIGGER …`, `CREATE INDEX … USING btree (…)`.
    public var definition: String

    public init(kind: Kind, name: String, table: String? = nil, schema: String? = nil, definition: String) {
        self.kind = kind
        self.name = name
        self.table = table
        self.schema = schema
        self.definition = definition
    }

    /// What identifies it across two catalogs: the same key with another definition is a change.
    public var key: String { "\(kind.rawValue) \(name) \(table ?? "")" }

    /// `trigger invoices_immutable on public.invoices`, `column public.orders.total_cents`.
    public var described: String {
        switch kind {
        case .constraint, .trigger, .index: "\(kind.noun) \(name)" + (table.map { " on \($0)" } ?? "")
        default: "\(kind.noun) \(name)"
        }
    }

    var canonicalLine: String { [kind.rawValue, name, table ?? "", definition].joined(separator: "\t") + "\n" }

    public static func < (lhs: SchemaObject, rhs: SchemaObject) -> Bool {
        (lhs.kind, lhs.name, lhs.table ?? "") < (rhs.kind, rhs.name, rhs.table ?? "")
    }
}
