import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request and its answer, for ready probes and the checks that talk to the app.
public struct HTTPExchange: Sendable {
    public var status: Int
    public var body: Data

    public var json: Any? { try? JSONSerialization.jsonObject(with: body) }

    public static func send(_ method: String, _ url: String, json: [String: JSONValue]? = nil, bearer: String? = nil,
                            timeout: TimeInterval = 10) async throws -> HTTPExchange {
        guard let target = URL(string: url), target.scheme == "http" || target.scheme == "https" else {
            throw HTTPFailure(description: "\(url) is not an http(s) URL")
        }
        var request = URLRequest(url: target, timeoutInterval: timeout)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: JSONValue.object(json).foundationObject)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // URLSession's errors print their whole userInfo; its one sentence is what people need.
            throw HTTPFailure(description: (error as NSError).localizedDescription)
        }
        return HTTPExchange(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
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
