import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Requests to one app the way a browser makes them during a login: the cookies the app sets
/// are sent back on every later request, and a redirect is answered, never followed (a form
/// login's success is a 302 that sets the session cookie; following it would hide both).
final class HTTPSession {
    enum Body {
        case json(JSONValue)
        /// `application/x-www-form-urlencoded`, fields in the order given.
        case form([(String, String)])
    }

    struct Answer {
        var status: Int
        /// Header names lower-cased; a repeated header's values joined with ", ".
        var headers: [String: String]
        var body: Data

        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The cookie jar: name → value, in the order first set. One app, so no domain matching.
    private(set) var cookies: [(name: String, value: String)] = []
    private let timeout: TimeInterval
    /// False for a login flow, which reads each redirect; true for API calls after it (an
    /// `orders_url` answered with a 307 to its trailing-slash form).
    private let followsRedirects: Bool

    /// How long a check's request may take before it is "no answer": a login runs a deliberately
    /// slow password hash (scrypt, argon2) on a cold restored copy, on a host that may be busy.
    static let checkTimeout: TimeInterval = 60

    init(timeout: TimeInterval = HTTPSession.checkTimeout, followsRedirects: Bool = false) {
        self.timeout = timeout
        self.followsRedirects = followsRedirects
    }

    func send(_ method: String, _ url: String, body: Body? = nil, headers: [String: String] = [:]) async throws -> Answer {
        guard let target = URL(string: url), target.scheme == "http" || target.scheme == "https" else {
            throw HTTPFailure(description: "\(url) is not an http(s) URL")
        }
        var request = URLRequest(url: target, timeoutInterval: timeout)
        request.httpMethod = method
        switch body {
        case .json(let value):
            request.httpBody = try JSONSerialization.data(withJSONObject: value.foundationObject, options: [.fragmentsAllowed])
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        case .form(let fields):
            request.httpBody = Data(Self.formEncoded(fields).utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        case nil:
            break
        }
        if !cookies.isEmpty {
            request.setValue(cookies.map { "\($0.name)=\($0.value)" }.joined(separator: "; "), forHTTPHeaderField: "Cookie")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        let session = URLSession(configuration: configuration, delegate: followsRedirects ? nil : RedirectRefuser(), delegateQueue: nil)
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
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http?.allHeaderFields ?? [:] {
            guard let name = key as? String, let text = value as? String else { continue }
            fields[name.lowercased()] = fields[name.lowercased()].map { $0 + ", " + text } ?? text
        }
        keep(HTTPCookie.cookies(withResponseHeaderFields: http?.allHeaderFields as? [String: String] ?? [:], for: target))
        return Answer(status: http?.statusCode ?? 0, headers: fields, body: data)
    }

    /// The value of a cookie the app set, if it set one.
    func cookie(_ name: String) -> String? { cookies.first { $0.name == name }?.value }

    private func keep(_ set: [HTTPCookie]) {
        for cookie in set {
            cookies.removeAll { $0.name == cookie.name }
            // An expired cookie is the app deleting it (logout, a rotated session).
            if let expires = cookie.expiresDate, expires < Date() { continue }
            cookies.append((cookie.name, cookie.value))
        }
    }

    static func formEncoded(_ fields: [(String, String)]) -> String {
        // ASCII letters and digits only: `alphanumerics` would let other scripts' letters through unencoded.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        func encode(_ text: String) -> String {
            (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: "%20", with: "+")
        }
        return fields.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }
}

/// Answers every redirect with "do not follow": the 3xx itself is the answer.
private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
