import CZlib
import Foundation

/// Decompresses gzip data (RFC 1952) with the system zlib; concatenated members are read one after another.
///
/// The output is produced 64 KiB at a time and checked against a cap as it grows, so a gzip bomb (a few
/// megabytes that inflate to many gigabytes) fails once the cap is passed, holding at most the cap in memory.
///
/// zlib is linked directly (the `CZlib` system-library target) because Foundation on Linux offers no
/// public decompression API.
enum Gzip {
    /// Whether `data` starts with the gzip magic bytes `1F 8B`.
    static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The decompressed bytes, or why not: zlib refused them, or they would be more than `limit` bytes.
    static func decompress(_ data: Data, limit: Int) -> Result<Data, GzipFailure> {
        var stream = z_stream()
        // 15 window bits + 16: expect a gzip header (inflateInit2 is a macro, so call inflateInit2_).
        let initStatus = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { return .failure(GzipFailure(detail: "zlib init failed (\(initStatus))")) }
        defer { inflateEnd(&stream) }

        var output = Data()
        let chunkSize = 1 << 16
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let input = [UInt8](data)
        return input.withUnsafeBufferPointer { inputBuffer -> Result<Data, GzipFailure> in
            stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.avail_in = UInt32(inputBuffer.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunkSize - Int(stream.avail_out)
                guard output.count + produced <= limit else { return .failure(.tooLarge) }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_OK:
                    if stream.avail_in == 0, produced == 0 {
                        return .failure(GzipFailure(detail: "unexpected end of data (truncated .gz file?)"))
                    }
                case Z_STREAM_END:
                    // Another member may follow (`cat a.gz b.gz`); anything else after the end is an error.
                    let consumed = inputBuffer.count - Int(stream.avail_in)
                    if stream.avail_in == 0 { return .success(output) }
                    guard inputBuffer[consumed] == 0x1F else {
                        return .failure(GzipFailure(detail: "garbage after the end of the gzip stream"))
                    }
                    guard inflateReset(&stream) == Z_OK else {
                        return .failure(GzipFailure(detail: "zlib could not start the next member"))
                    }
                case Z_BUF_ERROR:
                    return .failure(GzipFailure(detail: "unexpected end of data (truncated .gz file?)"))
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return .failure(GzipFailure(detail: message))
                }
            }
        }
    }
}

/// Why a gzip stream was not decompressed.
enum GzipFailure: Error, Sendable {
    /// zlib refused the data, for `detail`.
    case corrupt(detail: String)
    /// The output would pass the cap.
    case tooLarge

    init(detail: String) { self = .corrupt(detail: detail) }
}
