import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback HTTP/1.1 server for tests that answers each request as a script says, including the ways real
/// servers and networks fail: slow answers, stalled bodies, bodies shorter than their Content-Length, resets
/// and early closes. Written on POSIX sockets with a thread per connection (no HTTP library would let a test
/// break the protocol on purpose). Binds 127.0.0.1 on a free port; every answer closes its connection.
public final class FaultServer: Sendable {
    private let core: FaultServerCore

    /// Starts listening; `handler` is called with each request and its 0-based arrival number.
    /// `dropBeforeBody(number)` true makes the server abort connection `number` with a reset as soon as the
    /// request head has arrived, while the client may still be sending the body.
    public init(dropBeforeBody: @escaping @Sendable (Int) -> Bool = { _ in false }, _ handler: @escaping Handler) throws {
        core = try FaultServerCore(handler, dropBeforeBody: dropBeforeBody)
    }

    /// Stops the server when the test lets go of it.
    deinit { core.stop() }

    /// The bound port.
    public var port: Int { core.port }
    /// `http://127.0.0.1:PORT/v1`.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    /// Requests received so far, in arrival order.
    public var requests: [Request] { core.requests }
    /// Most requests in flight at the same time: from a request read to the first byte of its answer. (Counting
    /// whole connections overcounts: the client may send its next request on a new connection while this
    /// server's thread is still closing the one it just answered.)
    public var maxConcurrentConnections: Int { core.maxConcurrentConnections }
    /// Stops accepting; connections still being served end at their next wait.
    public func stop() { core.stop() }

    /// A received request.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Header names lower-cased.
        public var headers: [String: String]
        public var body: [UInt8]

        /// The body as a JSON object (empty when it is not one).
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
        }

        public func int(_ key: String) -> Int? { (json[key] as? NSNumber)?.intValue }
        public func double(_ key: String) -> Double? { (json[key] as? NSNumber)?.doubleValue }
        public func string(_ key: String) -> String? { json[key] as? String }
        public func has(_ key: String) -> Bool { json[key] != nil }
    }

    /// What to do with a request.
    public indirect enum Action: Sendable {
        /// A complete answer.
        case respond(status: Int, headers: [String: String] = [:], body: [UInt8])
        /// Wait, then act (the client may give up meanwhile).
        case delay(seconds: Double, then: Action)
        /// Send the head, then the body in `chunks` pieces `interval` seconds apart.
        case trickle(status: Int, body: [UInt8], chunks: Int, interval: Double)
        /// Announce `declaredLength` bytes, send `body` (shorter), close.
        case truncated(status: Int, body: [UInt8], declaredLength: Int)
        /// Close without answering (an orderly FIN).
        case close
        /// Abort the connection without answering (TCP RST).
        case reset
        /// Send the head and part of the body, then abort with RST.
        case resetMidBody(status: Int, body: [UInt8], sentBytes: Int)
    }

    public typealias Handler = @Sendable (_ request: Request, _ number: Int) -> Action
}

/// The listening socket and its threads; threads hold this, not the ``FaultServer``, so that dropping the
/// server stops it.
private final class FaultServerCore: Sendable {
    typealias Request = FaultServer.Request
    typealias Action = FaultServer.Action
    typealias Handler = FaultServer.Handler

    private struct State {
        var requests: [Request] = []
        /// Connections whose request is read and whose answer has not begun.
        var inFlight: Set<Int32> = []
        var maxActive = 0
        var stopped = false
    }

    private let listener: Int32
    /// The bound port.
    let port: Int
    private let handler: Handler
    private let dropBeforeBody: @Sendable (Int) -> Bool
    private let state = Mutex(State())

    init(_ handler: @escaping Handler, dropBeforeBody: @escaping @Sendable (Int) -> Bool) throws {
        self.handler = handler
        self.dropBeforeBody = dropBeforeBody
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Requests received so far, in arrival order.
    var requests: [Request] { state.withLock { $0.requests } }

    /// Most requests in flight at the same time: from a request read to the first byte of its answer. (Counting
    /// whole connections overcounts: the client may send its next request on a new connection while this
    /// server's thread is still closing the one it just answered.)
    var maxConcurrentConnections: Int { state.withLock { $0.maxActive } }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    /// Stops accepting; connections still being served end at their next wait.
    func stop() {
        let already = state.withLock { s in
            defer { s.stopped = true }
            return s.stopped
        }
        if !already {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        var closed = false
        defer {
            state.withLock { _ = $0.inFlight.remove(fd) }
            if !closed { close(fd) }
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard var request = readHead(fd) else { return }
        let number = state.withLock { s in
            s.inFlight.insert(fd)
            s.maxActive = max(s.maxActive, s.inFlight.count)
            s.requests.append(request)
            return s.requests.count - 1
        }
        if dropBeforeBody(number) {
            abort(fd)
            closed = true
            return
        }
        guard readBody(fd, into: &request) else { return }
        state.withLock { $0.requests[number] = request }
        closed = perform(handler(request, number), on: fd)
    }

    /// Carries out an action; returns whether the socket was already closed.
    private func perform(_ action: Action, on fd: Int32) -> Bool {
        switch action {
        case .respond(let status, let headers, let body):
            send(fd, head(status: status, headers: headers, length: body.count) + body)
        case .delay(let seconds, let then):
            guard sleep(seconds) else { return false }
            return perform(then, on: fd)
        case .trickle(let status, let body, let chunks, let interval):
            send(fd, head(status: status, headers: [:], length: body.count))
            let size = max(1, (body.count + chunks - 1) / max(chunks, 1))
            var offset = 0
            while offset < body.count {
                guard sleep(interval) else { return false }
                let end = min(body.count, offset + size)
                guard send(fd, Array(body[offset..<end])) else { return false }
                offset = end
            }
        case .truncated(let status, let body, let declared):
            send(fd, head(status: status, headers: [:], length: declared) + body)
        case .close:
            break
        case .reset:
            abort(fd)
            return true
        case .resetMidBody(let status, let body, let sent):
            send(fd, head(status: status, headers: [:], length: body.count) + Array(body.prefix(sent)))
            usleep(50_000)
            abort(fd)
            return true
        }
        return false
    }

    /// Sleeps in small steps; `false` when the server was stopped meanwhile.
    private func sleep(_ seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if isStopped { return false }
            usleep(UInt32(min(0.01, max(0, end.timeIntervalSinceNow)) * 1_000_000))
        }
        return !isStopped
    }

    /// Closes with SO_LINGER 0, which makes the kernel send RST instead of FIN.
    private func abort(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }

    private func head(status: Int, headers: [String: String], length: Int) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        var all = headers
        all["Content-Length"] = String(length)
        all["Connection"] = "close"
        if all["Content-Type"] == nil { all["Content-Type"] = "application/json" }
        for (name, value) in all.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    @discardableResult
    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        state.withLock { _ = $0.inFlight.remove(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { raw in
                socketSend(fd, raw.baseAddress, raw.count)
            }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Reads the request line and headers, and whatever part of the body came with them.
    private func readHead(_ fd: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return nil }
            data += buffer[0..<n]
            if data.count >= 4 {
                for i in max(0, data.count - n - 3)...(data.count - 4) where Array(data[i..<i + 4]) == separator {
                    headerEnd = i
                    break
                }
            }
        }
        let headText = String(decoding: data[0..<headerEnd!], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = Array(data[(headerEnd! + 4)...])
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }

    /// Reads the rest of the body announced by Content-Length; `false` when the client went away.
    private func readBody(_ fd: Int32, into request: inout Request) -> Bool {
        let length = Int(request.headers["content-length"] ?? "0") ?? 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        while request.body.count < length {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return false }
            request.body += buffer[0..<n]
        }
        return true
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// `send(2)` without SIGPIPE when the peer has gone.
private func socketSend(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.send(fd, pointer, count, Int32(MSG_NOSIGNAL))
    #else
    Darwin.send(fd, pointer, count, 0)
    #endif
}
