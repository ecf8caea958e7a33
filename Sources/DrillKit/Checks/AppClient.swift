/// Requests as the logged-in drill account: the login's cookies, and its token as Bearer
/// when the login handed one out.
struct AppClient {
    let session: HTTPSession
    let bearer: String?

    func send(_ method: String, _ url: String, json: [String: JSONValue]? = nil) async throws -> HTTPSession.Answer {
        try await session.send(method, url, body: json.map { .json(.object($0)) },
                               headers: bearer.map { ["Authorization": "Bearer \($0)"] } ?? [:])
    }
}
