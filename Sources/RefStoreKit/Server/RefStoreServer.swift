import DrillKit
import FlyingFox
import Foundation

/// `refstore serve`: the small HTTP API a drill boots to prove the application comes back.
///
/// - `GET /health` → `{"ok":true,"status":"ok","db":"ok","version":…}`; 503 with `"ok":false` and
///   `"db":"down"` when the database cannot be reached. `GET /api/health` answers the same, the
///   path ecommus's admin apps answer on, so a drill of that shape runs RefStore as each of them.
/// - `GET /account/login`, `POST /account/login`, `POST /account/two-factor`: the same login
///   in the shape browser apps take it (CSRF token, redirect, code in a second request); see
///   FormLogin.swift.
/// - `GET /version` → the bare version as text (`2.0.0`), as many apps answer it.
/// - `POST /auth/login` `{email, password, code}` → 200 `{token}`, or 401 `{"error":"invalid credentials"}`
///   whichever factor failed.
/// - `POST /api/orders` (Bearer token) `{customer_id, currency, lines: [{product_id, quantity}]}`
///   → 201 with the order and its invoice, numbered in the same transaction.
/// - `GET /api/products/{id}` (public) → the product, its price in integer cents.
/// - `GET /api/orders/{id}` (Bearer token) → the order, its total in integer cents and as text.
public struct RefStoreServer: Sendable {
    public var host: String
    public var port: UInt16
    let masterKey: MasterKey
    let connect: @Sendable () async throws -> PostgresConnection
    let log: @Sendable (String) -> Void
    let sessions = SessionTokens()
    let challenges = LoginChallenges()
    /// Which release this server is: the version its health reports.
    public let release: RefStoreRelease
    public var version: String { release.version }

    public init(host: String = "127.0.0.1", port: UInt16, masterKey: MasterKey, release: RefStoreRelease = .one,
                connect: @escaping @Sendable () async throws -> PostgresConnection,
                log: @escaping @Sendable (String) -> Void) {
        self.release = release
        self.host = host
        self.port = port
        self.masterKey = masterKey
        self.connect = connect
        self.log = log
    }

    /// Serves until the task is cancelled; `onListening` gets the bound port.
    public func run(onListening: @Sendable (UInt16) -> Void = { _ in }) async throws {
        // A login hashes with scrypt (ln=15): on a busy host, a debug build takes longer than
        // FlyingFox's 15 s handler limit, which answers 500 as if the login had broken.
        let server = HTTPServer(address: try .inet(ip4: host, port: port), timeout: 60, logger: .disabled)
        let handlers = Handlers(server: self)
        await server.appendRoute("GET /health") { _ in await handlers.health() }
        await server.appendRoute("GET /api/health") { _ in await handlers.health() }
        let version = self.version
        await server.appendRoute("GET /version") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: Data((version + "\n").utf8))
        }
        await server.appendRoute("POST /auth/login") { request in await handlers.login(try await request.bodyData) }
        await server.appendRoute("GET /account/login") { _ in await handlers.loginPage() }
        await server.appendRoute("POST /account/login") { request in await handlers.loginForm(request, try await request.bodyData) }
        await server.appendRoute("POST /account/two-factor") { request in await handlers.twoFactor(request, try await request.bodyData) }
        await server.appendRoute("POST /api/orders") { request in
            let body = try await request.bodyData
            return await handlers.authorised(request) { await handlers.placeOrder(body) }
        }
        await server.appendRoute("GET /api/products/*") { request in
            await handlers.product(id: String(request.path.split(separator: "/").last ?? ""))
        }
        await server.appendRoute("GET /api/orders/*") { request in
            let id = String(request.path.split(separator: "/").last ?? "")
            return await handlers.authorised(request) { await handlers.order(id: id) }
        }
        // Port 0 takes a free port; the log line names the one bound, for whoever started it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await server.waitUntilListening(timeout: 10)
            var bound = port
            if case .ip4(_, let actual)? = await server.listeningAddress { bound = actual }
            log("refstore \(version) listening on http://\(host):\(bound)")
            onListening(bound)
            try await group.next()
        }
    }
}

/// The routes' work, one method each; every database call gets its own connection, closed
/// on every path, so one slow request never holds another's transaction.
struct Handlers: Sendable {
    let server: RefStoreServer

    static func json(_ status: HTTPStatusCode, _ object: [String: Any]) -> HTTPResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: body)
    }

    func withDatabase<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await server.connect()
        defer { connection.close() }
        return try await body(connection)
    }

    func health() async -> HTTPResponse {
        do {
            _ = try await withDatabase { try await $0.query("SELECT 1") }
            return Self.json(.ok, ["ok": true, "status": "ok", "db": "ok", "version": server.version])
        } catch {
            server.log("health: database unreachable: \(error)")
            return Self.json(.serviceUnavailable, ["ok": false, "status": "degraded", "db": "down", "version": server.version])
        }
    }

    func login(_ body: Data) async -> HTTPResponse {
        let refused = Self.json(.unauthorized, ["error": "invalid credentials"])
        guard let request = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let email = request["email"] as? String, let password = request["password"] as? String,
              let code = request["code"] as? String else {
            return Self.json(.badRequest, ["error": "send JSON with email, password and code"])
        }
        switch await checkPassword(email: email, password: password) {
        case .unavailable: return Self.json(.serviceUnavailable, ["error": "database unavailable"])
        case .refused: return refused
        case .accepted(let account):
            guard checkCode(code, for: account) else { return refused }
            return Self.json(.ok, ["token": await server.sessions.issue(forUser: account.id)])
        }
    }

    struct Account: Sendable {
        var id: Int64
        var sealedSecret: String
    }

    enum PasswordCheck {
        case accepted(Account)
        case refused
        case unavailable
    }

    /// The first factor. Why a login is refused stays in the server's log, where a drill quotes
    /// it; the client learns nothing.
    func checkPassword(email: String, password: String) async -> PasswordCheck {
        let row: [String?]
        do {
            guard let found = try await withDatabase({ connection in
                try await connection.query("SELECT id, password_hash, totp_secret_enc FROM users WHERE email = $1", [email]).rows.first
            }) else {
                server.log("login refused: no such account")
                return .refused
            }
            row = found
        } catch {
            server.log("login failed: database error: \(error)")
            return .unavailable
        }
        guard let id = row[0].flatMap({ Int64($0) }), let hash = row[1], let sealed = row[2],
              PasswordHash.verify(password, against: hash) else {
            server.log("login refused: wrong password")
            return .refused
        }
        return .accepted(Account(id: id, sealedSecret: sealed))
    }

    /// The second factor: the code against the TOTP secret sealed under the master key.
    func checkCode(_ code: String, for account: Account) -> Bool {
        let secret: String
        do {
            secret = try SecretBox.open(account.sealedSecret, with: server.masterKey)
        } catch {
            server.log("login refused: the stored TOTP secret does not decrypt with this master key (\(error))")
            return false
        }
        guard TOTPVerifier.accepts(code, secret: secret, at: Date()) else {
            server.log("login refused: wrong TOTP code")
            return false
        }
        return true
    }

    func authorised(_ request: HTTPRequest, _ body: () async -> HTTPResponse) async -> HTTPResponse {
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), await server.sessions.isValid(String(header.dropFirst(7))) else {
            return Self.json(.unauthorized, ["error": "log in first: Authorization: Bearer TOKEN"])
        }
        return await body()
    }

    func placeOrder(_ body: Data) async -> HTTPResponse {
        guard let request = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let customer = (request["customer_id"] as? NSNumber)?.int64Value,
              let currency = request["currency"] as? String,
              let lines = request["lines"] as? [[String: Any]], !lines.isEmpty else {
            return Self.json(.badRequest, ["error": "send JSON with customer_id, currency and lines [{product_id, quantity}]"])
        }
        var products: [String?] = [], quantities: [String?] = []
        for line in lines {
            guard let product = (line["product_id"] as? NSNumber)?.int64Value,
                  let quantity = (line["quantity"] as? NSNumber)?.int64Value, quantity > 0 else {
                return Self.json(.badRequest, ["error": "each line needs a product_id and a positive quantity"])
            }
            products.append(String(product))
            quantities.append(String(quantity))
        }
        do {
            let row = try await withDatabase { connection in
                try await connection.inTransaction { connection in
                    try await connection.query(OrderStatements.place, [
                        String(customer), currency,
                        "{" + products.compactMap { $0 }.joined(separator: ",") + "}",
                        "{" + quantities.compactMap { $0 }.joined(separator: ",") + "}",
                    ]).rows.first
                }
            }
            guard let row, let orderID = row[0].flatMap({ Int64($0) }), let total = row[1].flatMap({ Int64($0) }),
                  let series = row[2], let number = row[3].flatMap({ Int64($0) }) else {
                return Self.json(.unprocessableContent, ["error": "the order could not be placed"])
            }
            return Self.json(.created, [
                "id": orderID, "total_cents": total, "currency": currency,
                "total": CurrencyAmount.format(total, currency: currency),
                "invoice": ["series": series, "number": number],
            ])
        } catch let error as PostgresError {
            server.log("order refused: \(error)")
            return Self.json(.unprocessableContent, ["error": "the order was refused: \(error.message.trimmingCharacters(in: .whitespacesAndNewlines))"])
        } catch {
            server.log("order failed: \(error)")
            return Self.json(.serviceUnavailable, ["error": "database unavailable"])
        }
    }

    /// The public catalog a storefront serves: no login.
    func product(id: String) async -> HTTPResponse {
        guard Int64(id) != nil else { return Self.json(.badRequest, ["error": "a product id is a number"]) }
        do {
            guard let row = try await withDatabase({ connection in
                try await connection.query("SELECT id, sku, name, price_cents FROM products WHERE id = $1", [id]).rows.first
            }), let productID = row[0].flatMap({ Int64($0) }), let price = row[3].flatMap({ Int64($0) }) else {
                return Self.json(.notFound, ["error": "no product \(id)"])
            }
            return Self.json(.ok, ["id": productID, "sku": row[1] ?? "", "name": row[2] ?? "", "price_cents": price])
        } catch {
            server.log("product lookup failed: \(error)")
            return Self.json(.serviceUnavailable, ["error": "database unavailable"])
        }
    }

    func order(id: String) async -> HTTPResponse {
        guard Int64(id) != nil else { return Self.json(.badRequest, ["error": "an order id is a number"]) }
        do {
            guard let row = try await withDatabase({ connection in
                try await connection.query(OrderStatements.read, [id]).rows.first
            }), let orderID = row[0].flatMap({ Int64($0) }), let total = row[1].flatMap({ Int64($0) }),
                  let currency = row[2] else {
                return Self.json(.notFound, ["error": "no order \(id)"])
            }
            var object: [String: Any] = ["id": orderID, "total_cents": total, "currency": currency,
                                         "total": CurrencyAmount.format(total, currency: currency)]
            if let series = row[3], let number = row[4].flatMap({ Int64($0) }) {
                object["invoice"] = ["series": series, "number": number]
            }
            return Self.json(.ok, object)
        } catch {
            server.log("order lookup failed: \(error)")
            return Self.json(.serviceUnavailable, ["error": "database unavailable"])
        }
    }
}
