import Glibc

/// A NULL-terminated array of C strings (`argv`, `envp`), owned and freed by this object.
///
/// Each string is copied with its exact bytes; callers check for NUL bytes first, since C would cut the
/// string there.
final class CStringArray {
    private let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: count + 1)
        for (index, string) in strings.enumerated() {
            pointers[index] = strdup(string)
        }
        pointers[count] = nil
    }

    deinit {
        for index in 0..<count {
            free(pointers[index])
        }
        pointers.deallocate()
    }

    /// The array as C wants it; valid while this object lives.
    var cArray: UnsafePointer<UnsafeMutablePointer<CChar>?> { UnsafePointer(pointers) }
}
