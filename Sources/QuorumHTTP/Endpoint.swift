import Foundation

/// An OpenAI-compatible server's API root, e.g. `http://127.0.0.1:8080/v1`.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The normalised API root without a trailing slash; `/v1` is appended when the URL has no path.
    public let base: String

    /// Parses one URL: `http://HOST:PORT`, `http://HOST:PORT/v1` or `…/v1/completions` all name the same root.
    public init(_ text: String) throws(HTTPBackendError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw .invalidEndpoint(text, reason: "not a URL (expected http://HOST:PORT/v1)")
        }
        guard scheme == "http" || scheme == "https" else {
            throw .invalidEndpoint(text, reason: "scheme '\(scheme)' is not http or https")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidEndpoint(text, reason: "no host")
        }
        if components.query != nil || components.fragment != nil {
            throw .invalidEndpoint(text, reason: "a query or fragment is not allowed")
        }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/completions") { path.removeLast("/completions".count) }
        if path.isEmpty { path = "/v1" }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let portPart = components.port.map { ":\($0)" } ?? ""
        base = "\(scheme)://\(hostPart)\(portPart)\(path)"
    }

    /// Parses a comma-separated list `URL1,URL2,…`; empty items and repeated endpoints are errors.
    public static func list(_ text: String) throws(HTTPBackendError) -> [Endpoint] {
        var result: [Endpoint] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            if item.trimmingCharacters(in: .whitespaces).isEmpty {
                throw .invalidEndpoint(text, reason: "empty item in the comma-separated endpoint list")
            }
            let endpoint = try Endpoint(String(item))
            if result.contains(endpoint) {
                throw .invalidEndpoint(String(item), reason: "listed twice")
            }
            result.append(endpoint)
        }
        return result
    }

    /// `BASE/completions`.
    public var completionsURL: String { base + "/completions" }
    /// `BASE/models`.
    public var modelsURL: String { base + "/models" }

    public var description: String { base }
}
