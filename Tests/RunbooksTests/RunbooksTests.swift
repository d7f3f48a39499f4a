import Testing
@testable import Runbooks
