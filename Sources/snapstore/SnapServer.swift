import DrillKit
import FlyingFox
import Foundation

/// `snapstore serve`'s API:
/// - `GET /health` → `{"ok":true,"db":"ok","version":…,"schema":…}`; 503 with `"ok":false` when
///   the database cannot be read, or when the release plays the `health` fault.
/// - `GET /version` → the bare version as text.
/// - `GET /api/items/by-name?name=…` → the item (its price in integer cents); 404 when there is none.
/// - `GET /api/orders/{id}` → the order, its total in integer cents.
struct SnapServer: Sendable {
    var port: UInt16
    var release: SnapRelease
    var fault: SnapFault?
    var database: SQLiteConnection

    func run(onListening: @Sendable (UInt16) -> Void = { _ in }) async throws {
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), timeout: 60, logger: .disabled)
        let handlers = self
        await server.appendRoute("GET /health") { _ in await handlers.health() }
        await server.appendRoute("GET /version") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: Data((handlers.release.version + "\n").utf8))
        }
        await server.appendRoute("GET /api/items/by-name") { request in
            await handlers.item(named: request.query["name"] ?? "")
        }
        await server.appendRoute("GET /api/orders/*") { request in
            await handlers.order(id: String(request.path.split(separator: "/").last ?? ""))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await server.waitUntilListening(timeout: 10)
            var bound = port
            if case .ip4(_, let actual)? = await server.listeningAddress { bound = actual }
            say("listening on 127.0.0.1:\(bound)")
            onListening(bound)
            try await group.next()
        }
    }

    static func json(_ status: HTTPStatusCode, _ object: [String: Any]) -> HTTPResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: body)
    }

    func health() async -> HTTPResponse {
        let schema = try? await SnapSchema.version(of: database)
        guard let schema, (try? await database.query("SELECT count(*) FROM orders").scalar) != nil else {
            return Self.json(.serviceUnavailable, ["ok": false, "db": "down", "version": release.version])
        }
        if fault == .health {
            return Self.json(.serviceUnavailable, ["ok": false, "db": "ok", "version": release.version, "schema": schema,
                                                   "error": "item index out of date (the fault this run plays)"])
        }
        return Self.json(.ok, ["ok": true, "db": "ok", "version": release.version, "schema": schema])
    }

    func item(named name: String) async -> HTTPResponse {
        let columns = release.schemaVersion >= 2 ? "id, name, price_cents, currency, sku" : "id, name, price_cents, currency"
        guard let result = try? await database.query("SELECT \(columns) FROM items WHERE name = $1", [name]) else {
            return Self.json(.internalServerError, ["error": "the database could not be read"])
        }
        guard let row = result.rows.first else { return Self.json(.notFound, ["error": "no item named \(name)"]) }
        var item: [String: Any] = ["id": Int(row[0] ?? "") ?? 0, "name": row[1] ?? "", "price_cents": Int(row[2] ?? "") ?? 0,
                                   "currency": row[3] ?? ""]
        if row.count > 4 { item["sku"] = row[4] ?? "" }
        return Self.json(.ok, item)
    }

    func order(id: String) async -> HTTPResponse {
        guard let result = try? await database.query("SELECT id, total_cents, currency FROM orders WHERE id = $1", [id]) else {
            return Self.json(.internalServerError, ["error": "the database could not be read"])
        }
        guard let row = result.rows.first else { return Self.json(.notFound, ["error": "no order \(id)"]) }
        return Self.json(.ok, ["id": Int(row[0] ?? "") ?? 0, "total_cents": Int(row[1] ?? "") ?? 0, "currency": row[2] ?? ""])
    }
}
