import Foundation

/// One entry of `checks:`. `index` and `location` tie results and errors back to the file.
public struct CheckSpec: Sendable {
    public var index: Int
    public var location: SourceLocation
    public var kind: CheckKind

    public init(index: Int, location: SourceLocation, kind: CheckKind) {
        self.index = index
        self.location = location
        self.kind = kind
    }

    /// `checks[2].row_counts`: the path an operator finds in the scenario file.
    public var path: String { "checks[\(index)].\(kind.key)" }
}

public enum CheckKind: Sendable {
    case rowCounts(RowCountsCheckSpec)
    case money(MoneyCheckSpec)
    case invoiceSequence(InvoiceSequenceCheckSpec)
    case totpLogin(TOTPLoginCheckSpec)
    case secretDecrypt(SecretDecryptCheckSpec)
    case testOrder(TestOrderCheckSpec)
    case sql(SQLCheckSpec)
    case canary(CanaryCheckSpec)
    case sequences(SequencesCheckSpec)
    case http(HTTPCheckSpec)
    case command(CommandCheckSpec)
    case integrity(IntegrityCheckSpec)
    case freshness(FreshnessCheckSpec)
    case volume(VolumeCheckSpec)
    case schema(SchemaCheckSpec)

    /// The key as written in the scenario.
    public var key: String { name.rawValue }

    /// Which kind this is, by the one name it has in a scenario.
    public var name: CheckKindName {
        switch self {
        case .rowCounts: .rowCounts
        case .money: .money
        case .invoiceSequence: .invoiceSequence
        case .totpLogin: .totpLogin
        case .secretDecrypt: .secretDecrypt
        case .testOrder: .testOrder
        case .sql: .sql
        case .canary: .canary
        case .sequences: .sequences
        case .http: .http
        case .command: .command
        case .integrity: .integrity
        case .freshness: .freshness
        case .volume: .volume
        case .schema: .schema
        }
    }
}

/// Each check kind's key in a scenario, written once: the reader's list of kinds and its
/// switch both come from here, so the compiler catches a kind one of them forgets. In the
/// order the scenario reference lists them (ties in spelling suggestions go to the first).
public enum CheckKindName: String, Sendable, CaseIterable {
    case rowCounts = "row_counts"
    case money
    case invoiceSequence = "invoice_sequence"
    case totpLogin = "totp_login"
    case secretDecrypt = "secret_decrypt"
    case testOrder = "test_order"
    case sql
    case canary
    case sequences
    case http
    case command
    case integrity
    case freshness
    case volume
    case schema
}

/// `table.column`, optionally `schema.table.column`.
public struct ColumnReference: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var schema: String?
    public var table: String
    public var column: String

    public init(schema: String? = nil, table: String, column: String) {
        self.schema = schema
        self.table = table
        self.column = column
    }

    /// Parses `table.column` or `schema.table.column`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        switch parts.count {
        case 2: self.init(table: parts[0], column: parts[1])
        case 3: self.init(schema: parts[0], table: parts[1], column: parts[2])
        default: return nil
        }
    }

    public var description: String { [schema, table, column].compactMap { $0 }.joined(separator: ".") }
    public var qualifiedTable: String { [schema, table].compactMap { $0 }.joined(separator: ".") }
}

/// Where an expected value comes from: the manifest production wrote at dump time, or the file.
public enum Expectation<Value: Sendable & Equatable>: Sendable, Equatable {
    case manifest
    case value(Value)
}

public struct RowCountsCheckSpec: Sendable {
    public var tables: [String]
    /// `.manifest`, or explicit counts per table.
    public var expect: Expectation<[String: Int64]>
    /// Allowed relative difference (0.005 for `0.5%`); nil means exact.
    public var tolerance: Double?

    public init(tables: [String], expect: Expectation<[String: Int64]> = .manifest, tolerance: Double? = nil) {
        self.tables = tables
        self.expect = expect
        self.tolerance = tolerance
    }
}

/// A scalar in a `where:` map, kept with its YAML type so the SQL parameter is typed.
public enum ScalarValue: Sendable, Equatable, CustomStringConvertible {
    case integer(Int64)
    case string(String)
    case bool(Bool)

    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        }
    }
}

public struct MoneySpotCheck: Sendable, Equatable {
    public var table: String
    public var whereEquals: [(column: String, value: ScalarValue)]
    public var cents: Int64
    public var currency: String?
    /// Which money column holds `cents`; nil means the one column of `table` listed under `columns`.
    public var column: String?

    public init(table: String, whereEquals: [(column: String, value: ScalarValue)], cents: Int64, currency: String? = nil,
                column: String? = nil) {
        self.table = table
        self.whereEquals = whereEquals
        self.cents = cents
        self.currency = currency
        self.column = column
    }

    public static func == (lhs: MoneySpotCheck, rhs: MoneySpotCheck) -> Bool {
        lhs.table == rhs.table && lhs.cents == rhs.cents && lhs.currency == rhs.currency && lhs.column == rhs.column
            && lhs.whereEquals.map(\.column) == rhs.whereEquals.map(\.column)
            && lhs.whereEquals.map(\.value) == rhs.whereEquals.map(\.value)
    }
}

public struct MoneyCheckSpec: Sendable {
    public var columns: [ColumnReference]
    public var currencyColumn: ColumnReference?
    /// nil: totals not compared.
    public var totals: Expectation<[String: [String: Int64]]>?
    public var spotChecks: [MoneySpotCheck]

    public init(columns: [ColumnReference], currencyColumn: ColumnReference? = nil,
                totals: Expectation<[String: [String: Int64]]>? = nil, spotChecks: [MoneySpotCheck] = []) {
        self.columns = columns
        self.currencyColumn = currencyColumn
        self.totals = totals
        self.spotChecks = spotChecks
    }
}

public struct InvoiceSequenceCheckSpec: Sendable {
    public var table: String
    public var column: String
    public var series: String?
    /// nil: latest not compared. `.value` holds numbers per series ("" when there are no series).
    public var latest: Expectation<[String: Int64]>?
    public var nextNumberSQL: String?

    public init(table: String, column: String, series: String? = nil, latest: Expectation<[String: Int64]>? = nil,
                nextNumberSQL: String? = nil) {
        self.table = table
        self.column = column
        self.series = series
        self.latest = latest
        self.nextNumberSQL = nextNumberSQL
    }
}

public struct TOTPLoginCheckSpec: Sendable {
    /// The one-request login (`POST url` with email, password and code); unused with a flow.
    public var url: String
    public var email: String
    public var password: SecretReference
    public var secret: SecretReference
    /// The requests a real app's login takes, when it is not one request.
    public var flow: LoginFlowSpec?
    public init(url: String, email: String, password: SecretReference, secret: SecretReference, flow: LoginFlowSpec? = nil) {
        self.url = url
        self.email = email
        self.password = password
        self.secret = secret
        self.flow = flow
    }

    public var urlTemplates: [String] { flow.map { $0.steps.map(\.url) } ?? [url] }
}

/// `test_order`: log in, place an order through the app, and check its invoice number and total.
public struct TestOrderCheckSpec: Sendable {
    public var loginURL: String
    public var ordersURL: String
    public var email: String
    public var password: SecretReference
    public var secret: SecretReference
    /// The order's JSON body, sent as written.
    public var order: [String: JSONValue]
    /// The manifest's latest invoice numbers the new invoice must follow (`invoices.number`).
    public var invoiceNumber: ColumnReference
    /// Reads the stored total of order `$1` from the restored database; optional.
    public var totalSQL: String?
    /// The requests a real app's login takes; its cookies (and a captured `token`, sent as
    /// Bearer) carry the order. Replaces `loginURL`'s one-request login.
    public var flow: LoginFlowSpec?

    public init(loginURL: String, ordersURL: String, email: String, password: SecretReference, secret: SecretReference,
                order: [String: JSONValue], invoiceNumber: ColumnReference = ColumnReference(table: "invoices", column: "number"),
                totalSQL: String? = nil, flow: LoginFlowSpec? = nil) {
        self.flow = flow
        self.loginURL = loginURL
        self.ordersURL = ordersURL
        self.email = email
        self.password = password
        self.secret = secret
        self.order = order
        self.invoiceNumber = invoiceNumber
        self.totalSQL = totalSQL
    }
}

public struct SecretDecryptCheckSpec: Sendable {
    public var sql: String
    public var cipher: String
    public var secret: SecretReference
    public init(sql: String, cipher: String = "aes-256-gcm", secret: SecretReference) {
        self.sql = sql
        self.cipher = cipher
        self.secret = secret
    }
}

public enum ComparisonOperator: String, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// `"> 0"`, `"= 42"`, `"!= 'x'"`: an operator and the value it compares against.
public struct Comparison: Sendable, Equatable, CustomStringConvertible {
    public var op: ComparisonOperator
    public var operand: String

    public init(op: ComparisonOperator, operand: String) {
        self.op = op
        self.operand = operand
    }

    public var description: String { "\(op.rawValue) \(operand)" }
}

/// What a `sql` check proves in a point-in-time recovery drill (`asserts:`).
public enum PITRAssertion: String, Sendable, CaseIterable {
    /// Something written before the target is there.
    case presentBeforeTarget = "present_before_target"
    /// Something written after the target is not.
    case absentAfterTarget = "absent_after_target"
}

public struct SQLCheckSpec: Sendable {
    public var name: String
    public var query: String
    public var expect: Comparison
    public var asserts: PITRAssertion?
    public init(name: String, query: String, expect: Comparison, asserts: PITRAssertion? = nil) {
        self.name = name
        self.query = query
        self.expect = expect
        self.asserts = asserts
    }
}

public struct CanaryCheckSpec: Sendable {
    public var query: String
    public var value: SecretReference
    public init(query: String, value: SecretReference) {
        self.query = query
        self.value = value
    }
}

public struct SequencesCheckSpec: Sendable {
    /// Sequences to leave out, each with the reason the operator gave.
    public var ignore: [String]
    public init(ignore: [String] = []) { self.ignore = ignore }
}

public struct HTTPCheckSpec: Sendable {
    public var url: String
    public var status: Int
    public var json: [String: JSONValue]?
    public init(url: String, status: Int = 200, json: [String: JSONValue]? = nil) {
        self.url = url
        self.status = status
        self.json = json
    }
}

/// `freshness`: the columns that say how new the data is (`orders.created_at`); the newest
/// value must be within `tolerance` of when the backup was taken.
public struct FreshnessCheckSpec: Sendable {
    public var columns: [ColumnReference]
    public var toleranceSeconds: Double

    public init(columns: [ColumnReference], toleranceSeconds: Double = 24 * 3600) {
        self.columns = columns
        self.toleranceSeconds = toleranceSeconds
    }
}

/// `volume`: row counts and money totals against the last good drills of the same scenario.
public struct VolumeCheckSpec: Sendable {
    public var tables: [String]
    /// Money columns whose whole-column totals are compared too.
    public var money: [ColumnReference]
    /// More than this share fewer than the baseline fails (0.10: 10 % fewer).
    public var drop: Double
    /// More than this share more than the baseline fails (1.0: twice as many).
    public var growth: Double
    /// How many of the last good drills the baseline is the median of.
    public var drills: Int

    public init(tables: [String], money: [ColumnReference] = [], drop: Double = 0.10, growth: Double = 1.0, drills: Int = 3) {
        self.tables = tables
        self.money = money
        self.drop = drop
        self.growth = growth
        self.drills = drills
    }
}

/// `schema`: the restored catalog against the manifest's fingerprint, or the last good drill's.
public struct SchemaCheckSpec: Sendable {
    public enum Reference: String, Sendable, CaseIterable {
        /// The manifest's when it has one, else the last good drill's.
        case auto
        case manifest
        case lastGoodDrill = "last_good_drill"
    }

    public var against: Reference
    /// Only objects in these schemas are compared; empty: every schema.
    public var schemas: [String]

    public init(against: Reference = .auto, schemas: [String] = []) {
        self.against = against
        self.schemas = schemas
    }
}

/// `integrity`: PostgreSQL's own structure checks (amcheck) on the restored database.
public struct IntegrityCheckSpec: Sendable {
    /// `budget:` how long it may take; what it has not reached by then is reported as not checked.
    public var budgetSeconds: Double
    /// `heapallindexed:` also prove every heap tuple has its index entry (slower, finds more).
    public var heapAllIndexed: Bool

    public init(budgetSeconds: Double = 600, heapAllIndexed: Bool = true) {
        self.budgetSeconds = budgetSeconds
        self.heapAllIndexed = heapAllIndexed
    }
}

/// What a `command` check's standard output must be (trailing newlines aside).
public enum CommandOutputExpectation: Sendable, Equatable {
    case equals(String)
    case contains(String)
    /// A regular expression (ICU syntax) that must match somewhere in the output.
    case matches(String)
    /// The text of a file (a baseline taken before, e.g. the installed plugin list).
    case equalsFile(String)
    /// What the same program printed against production when the manifest was taken
    /// (`restore-drill manifest` records it under this name).
    case recorded(String)
}

/// `command`: run a program (argv, no shell) on this host with the restored database's `PG*`
/// variables, or inside an app service of a compose drill, and judge its exit code and output.
public struct CommandCheckSpec: Sendable {
    public var service: String?
    public var run: [String]
    public var timeoutSeconds: Double
    public var exitCode: Int32
    public var output: CommandOutputExpectation?
    /// How far the output may differ from an `output`, `output_file` or `output_recorded`.
    public var allow: OutputAllowance

    public init(service: String? = nil, run: [String], timeoutSeconds: Double = 60, exitCode: Int32 = 0,
                output: CommandOutputExpectation? = nil, allow: OutputAllowance = .exact) {
        self.allow = allow
        self.service = service
        self.run = run
        self.timeoutSeconds = timeoutSeconds
        self.exitCode = exitCode
        self.output = output
    }

    /// `baseline_file:`, the contract's first spelling of `expect.output_file`.
    public var baselineFile: String? { if case .equalsFile(let path)? = output { path } else { nil } }
}
