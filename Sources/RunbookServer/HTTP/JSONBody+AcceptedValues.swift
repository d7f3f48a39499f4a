import Foundation
import RunbookAPI

extension JSONBody {
    /// The refusal of a value of the wrong type or shape in a field of `body` that takes a closed list, naming the
    /// list and the value found: `impact must be 1 (high), 2 (medium) or 3 (low), not "huge"`; nil for other fields.
    ///
    /// Foundation's words for these ("expected a number", "not valid JSON" for 1.5) leave the client to guess
    /// what would have been accepted.
    static func outsideList(_ field: String, of body: (any APIRequestBody.Type)?, in data: Data) -> APIError? {
        guard let accepted = body?.acceptedValues(ofField: field) else { return nil }
        let found = memberText(field, in: data).map { ", not \($0)" } ?? ""
        return .badRequest("\(field) must be \(accepted)\(found)", field: field, code: "invalid_field")
    }

    /// The JSON text of the member `name` of the object `data` holds, cut to 80 characters; nil when there is none.
    private static func memberText(_ name: String, in data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let member = object[name],
              let text = try? JSONSerialization.data(withJSONObject: member, options: [.fragmentsAllowed, .sortedKeys])
        else { return nil }
        let json = String(decoding: text, as: UTF8.self)
        return json.count > 80 ? String(json.prefix(80)) + "…" : json
    }
}
