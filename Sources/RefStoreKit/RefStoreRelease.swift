/// A RefStore release line: its version, the migrations it ships and the schema it runs on.
/// 1.x is what production runs today; 2.0 is the major upgrade a gate rehearses: it moves the
/// schema forward with a data rewrite and a hand-written, irreversible migration, and refuses
/// to serve a schema it was not migrated to.
public enum RefStoreRelease: String, Sendable, CaseIterable {
    case one = "1"
    case two = "2"

    /// What `/health` reports.
    public var version: String {
        switch self {
        case .one: "1.0.0"
        case .two: "2.0.0"
        }
    }

    /// Oldest first; each release ships every migration of the one before it.
    public var migrations: [Migration] {
        switch self {
        case .one: Migration.all
        case .two: Migration.all + [.customerNameParts, .dropCustomerName]
        }
    }

    /// What the release is made of, like a store's plugin list: 2.0 bumps some versions and
    /// drops nothing.
    public var components: [(name: String, version: String)] {
        switch self {
        case .one: [("api", "1.0.0"), ("invoices", "1.0.0"), ("totp", "1.0.0")]
        case .two: [("api", "2.0.0"), ("invoices", "1.1.0"), ("totp", "1.0.0")]
        }
    }

    /// The schema version this release serves.
    public var schemaVersion: Int { migrations.last?.version ?? 0 }
}
