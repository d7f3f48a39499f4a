import Testing
@testable import Wiki
