import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request and its answer, for ready probes and the checks that talk to the app.
public struct HTTPExchange: Sendable {
    public var status: Int
    public var body: Data

    public var json: Any? { try? JSONSerialization.jsonObject(with: body) }

    /// `timeout`: as `HTTPSession.checkTimeout`, a check's request.
    public static func send(_ method: String, _ url: String, json: [String: JSONValue]? = nil, bearer: String? = nil,
                            timeout: TimeInterval = 60) async throws -> HTTPExchange {
        // One request, redirects followed as a client would: the session's transport, without its jar.
        let answer = try await HTTPSession(timeout: timeout, followsRedirects: true)
            .send(method, url, body: json.map { .json(.object($0)) }, headers: bearer.map { ["Authorization": "Bearer \($0)"] } ?? [:])
        return HTTPExchange(status: answer.status, body: answer.body)
    }

    /// True when every key of `expected` is in the body's top-level JSON object with an equal value.
    public func matches(_ expected: [String: JSONValue]) -> Bool {
        guard let object = json as? [String: Any] else { return false }
        return expected.allSatisfy { key, value in object[key].map { JSONValue.equal(value, $0) } ?? false }
    }
}

public struct HTTPFailure: Error, CustomStringConvertible {
    public var description: String
}

extension JSONValue {
    /// The value as JSONSerialization takes it.
    var foundationObject: Any {
        switch self {
        case .string(let text): text
        case .number(let number): number.rounded() == number && abs(number) < 1e15 ? Int64(number) as Any : number
        case .bool(let flag): flag
        case .null: NSNull()
        case .array(let items): items.map(\.foundationObject)
        case .object(let fields): fields.mapValues(\.foundationObject)
        }
    }

    /// One line of JSON, keys sorted, for reports.
    var compactText: String {
        guard let data = try? JSONSerialization.data(withJSONObject: foundationObject, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) else {
            return "?"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func equal(_ expected: JSONValue, _ actual: Any) -> Bool {
        switch expected {
        case .string(let text): return (actual as? String) == text
        case .number(let number): return (actual as? NSNumber)?.doubleValue == number
        case .bool(let flag): return (actual as? Bool) == flag
        case .null: return actual is NSNull
        case .array(let items):
            guard let array = actual as? [Any], array.count == items.count else { return false }
            return zip(items, array).allSatisfy { equal($0, $1) }
        case .object(let fields):
            guard let object = actual as? [String: Any] else { return false }
            return fields.allSatisfy { key, value in object[key].map { equal(value, $0) } ?? false }
        }
    }
}
