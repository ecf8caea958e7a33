import FlyingFox
import Foundation

/// RefStore's second way in, shaped like the logins real web apps take, for drills of login
/// flows: `GET /account/login` serves a form carrying a CSRF token bound to a session cookie;
/// `POST /account/login` (form: email, password, csrf_token) answers 302 to the code page;
/// `POST /account/two-factor` (JSON or form: code) on the same session answers `{token}`.
extension Handlers {
    static let loginCookie = "refstore_login"

    func loginPage() async -> HTTPResponse {
        let (session, csrf) = await server.challenges.open()
        let page = """
            <!doctype html><title>Sign in</title>
            <form method="post" action="/account/login">
              <input type="hidden" name="csrf_token" value="\(csrf)">
              <input name="email" type="email"> <input name="password" type="password"> <button>Sign in</button>
            </form>
            """
        return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8",
                                                       .setCookie: "\(Self.loginCookie)=\(session); Path=/; HttpOnly; SameSite=Lax"],
                            body: Data(page.utf8))
    }

    func loginForm(_ request: HTTPRequest, _ body: Data) async -> HTTPResponse {
        guard let session = Self.cookie(Self.loginCookie, in: request), let pending = await server.challenges.lookUp(session) else {
            return Self.json(.forbidden, ["error": "no login session: GET /account/login first"])
        }
        let fields = Self.formFields(body)
        guard fields["csrf_token"] == pending.csrf else {
            server.log("login refused: CSRF token missing or incorrect")
            return Self.json(.forbidden, ["error": "CSRF token missing or incorrect"])
        }
        switch await checkPassword(email: fields["email"] ?? "", password: fields["password"] ?? "") {
        case .unavailable: return Self.json(.serviceUnavailable, ["error": "database unavailable"])
        case .refused: return Self.json(.unauthorized, ["error": "invalid credentials"])
        case .accepted(let account):
            await server.challenges.passwordAccepted(session, account: account)
            return HTTPResponse(statusCode: .found, headers: [.location: "/account/two-factor"], body: Data())
        }
    }

    func twoFactor(_ request: HTTPRequest, _ body: Data) async -> HTTPResponse {
        guard let session = Self.cookie(Self.loginCookie, in: request), let account = await server.challenges.lookUp(session)?.account else {
            return Self.json(.unauthorized, ["error": "sign in with your password first"])
        }
        let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
        let code = (json?["code"] as? String) ?? Self.formFields(body)["code"] ?? ""
        guard checkCode(code, for: account) else {
            // One guess per password: a wrong code starts the login over.
            await server.challenges.close(session)
            return Self.json(.unauthorized, ["error": "invalid code"])
        }
        await server.challenges.close(session)
        return Self.json(.ok, ["token": await server.sessions.issue(forUser: account.id)])
    }

    static func cookie(_ name: String, in request: HTTPRequest) -> String? {
        for pair in (request.headers[.cookie] ?? "").split(separator: ";") {
            let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0] == name { return parts[1] }
        }
        return nil
    }

    static func formFields(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if let key = parts.first { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }
}
