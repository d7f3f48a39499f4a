import Foundation
import Hummingbird
import ITIL
import NIOCore
import RunbookAPI
import Runbooks

/// Reading request bodies: at most a given size, valid UTF-8 JSON, decoded into a type with
/// errors that name the JSON path of what was wrong.
enum JSONBody {
    /// The raw body, refused with 413 when it is larger than `limit` bytes.
    static func bytes(of request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw tooLarge(limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        } catch is NIOTooManyBytesError {
            // A chunked body has no length to refuse it by up front: it is refused once it passes the limit.
            throw tooLarge(limit)
        }
    }

    /// The body decoded as `type`.
    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request, limit: Int) async throws -> Value {
        let buffer = try await bytes(of: request, limit: limit)
        return try decode(type, from: Data(buffer.readableBytesView))
    }

    /// `data` decoded as `type`, with JSON errors turned into 400s that say where.
    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        guard !data.isEmpty else { throw APIError.badRequest("the request body is empty; send a JSON object", code: "invalid_json") }
        guard String(validating: data, as: UTF8.self) != nil else {
            throw APIError.badRequest("the request body is not valid UTF-8", code: "invalid_json")
        }
        if let comma = trailingComma(in: data) { throw trailingCommaError(at: comma) }
        let body = Value.self as? any APIRequestBody.Type
        // A field the API does not know first: `{"txt": "x"}` is a typo of `text`, better said than "text is missing".
        if let body { try checkFields(of: data, known: body.fieldNames) }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw describe(error, of: data, body: body)
        }
    }

    /// The 400 for a comma that closes an object or array, worded like Foundation's syntax errors.
    static func trailingCommaError(at offset: Int) -> APIError {
        .badRequest("the body is not valid JSON: a trailing comma around character \(offset) (JSON allows no comma before } or ])",
                    code: "invalid_json")
    }

    /// Refuses a field the body's type does not know, suggesting the one probably meant.
    private static func checkFields(of data: Data, known: [String]) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        guard let unknown = object.keys.sorted().first(where: { !known.contains($0) }) else { return }
        let suggestion = Suggestion.closest(to: unknown, in: known).map { " (did you mean '\($0)'?)" } ?? ""
        throw APIError.badRequest("unknown field '\(unknown)'\(suggestion); known: \(known.joined(separator: ", "))", field: unknown,
                                  code: "unknown_field")
    }

    /// A 400 naming the JSON path and what was expected there: for a field of `body` that takes a closed list
    /// (impact, a state), the values it takes.
    static func describe(_ error: DecodingError, of data: Data, body: (any APIRequestBody.Type)? = nil) -> APIError {
        switch error {
        case .keyNotFound(let key, let context):
            return .badRequest("missing required field '\(key.stringValue)'", field: path(context.codingPath + [key]), code: "missing_field")
        case .typeMismatch(let type, let context):
            if let refusal = outsideList(path(context.codingPath), of: body, in: data) { return refusal }
            return .badRequest("expected \(describe(type)) at \(path(context.codingPath))", field: path(context.codingPath),
                               code: "invalid_field")
        case .valueNotFound(let type, let context):
            return .badRequest("expected \(describe(type)), found null", field: path(context.codingPath), code: "invalid_field")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return rootProblem(of: data, body: body)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if let refusal = outsideList(field, of: body, in: data) { return refusal }
            // Foundation's words for a value outside an enumeration name a Swift type, not the field.
            if let range = context.debugDescription.range(of: "from invalid String value ") {
                let value = context.debugDescription[range.upperBound...]
                return .badRequest("'\(value)' is not an accepted value of \(field)", field: field, code: "invalid_field")
            }
            return .badRequest(context.debugDescription, field: field, code: "invalid_field")
        @unknown default:
            return .badRequest("the body does not have the expected shape", code: "invalid_json")
        }
    }

    /// What is wrong with a body the decoder rejected as a whole. Foundation's decoder says only
    /// "not valid JSON", also for valid JSON with a number that does not fit its field (1.5 where a
    /// whole number is expected), so the body is parsed again for the position of a syntax error,
    /// or searched for such a number.
    private static func rootProblem(of data: Data, body: (any APIRequestBody.Type)?) -> APIError {
        let tree: Any
        do {
            tree = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            return .badRequest("the body is not valid JSON: \(detail)", code: "invalid_json")
        }
        if let (field, number) = firstFractionalNumber(in: tree, at: "") {
            if let refusal = outsideList(field, of: body, in: data) { return refusal }
            return .badRequest("expected a whole number at \(field), found \(number)", field: field, code: "invalid_field")
        }
        return .badRequest("the body does not have the expected shape", code: "invalid_json")
    }

    /// The path and text of the first number (keys in order) that is not a whole number an `Int` holds.
    private static func firstFractionalNumber(in value: Any, at prefix: String) -> (String, String)? {
        switch value {
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = firstFractionalNumber(in: object[key]!, at: prefix.isEmpty ? key : prefix + "." + key) { return found }
            }
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = firstFractionalNumber(in: element, at: "\(prefix.isEmpty ? "$" : prefix)[\(index)]") { return found }
            }
        case is Bool:
            break
        case let number as NSNumber:
            let double = number.doubleValue
            if double.rounded() != double || abs(double) >= 9.2e18 { return (prefix.isEmpty ? "$" : prefix, number.stringValue) }
        default:
            break
        }
        return nil
    }

    /// `alerts[0].labels.severity` from a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "$" : text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String: String].Type: "an object of strings"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }

    private static func tooLarge(_ limit: Int) -> APIError {
        APIError(413, code: "body_too_large", "the request body is larger than \(limit) bytes, the limit of this endpoint").closingConnection()
    }

    /// The encoder of every response body: the incident record's (so the API and `--json` on the
    /// CLI write times alike), on one line with keys sorted. Made once: the event stream encodes a
    /// value per line of a step's output.
    static let encoder: JSONEncoder = {
        let encoder = IncidentRecordFile.makeJSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A JSON response with `value` and `status`, keys sorted.
    static func response<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
