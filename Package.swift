// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "runbook",
    products: [
        .executable(name: "runbook", targets: ["runbook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
        // Already one of Hummingbird's; named for the header names it does not re-export (Last-Event-ID).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        // Notify: webhooks, Slack, ntfy over HTTP; HMAC for signatures and links; TLS for SMTP's STARTTLS.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
    ],
    targets: [
        // C stays at the edge: only Wiki imports CLibGit2 and CZlib, only Runbooks imports CCmark.
        .systemLibrary(name: "CLibGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        // zlib (a dependency of libgit2-dev) deflates the audit log's packs, which Wiki writes itself.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Crypto: audit commits are signed (SSH signatures, Ed25519) and anchors named by a hash.
        .target(name: "Wiki", dependencies: ["CLibGit2", "CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Runbooks", dependencies: ["CCmark", "Wiki", "Yams"]),
        .target(name: "ITIL", dependencies: ["Wiki", "Yams"]),
        // Pure on-call logic (people, schedules, escalation policies, silences) read from the wiki's files; no I/O.
        .target(name: "OnCall", dependencies: ["Runbooks", "Yams"]),
        .target(name: "Executor", dependencies: ["Runbooks", "ITIL", "Wiki"]),
        .target(name: "Telemetry"),
        // Delivers one notification over one channel; knows nothing of the project's other modules.
        .target(
            name: "Notify",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The escalation engine: who is paged, when, and what came of it, all on the audit branch.
        .target(name: "Escalation", dependencies: ["ITIL", "Notify", "OnCall", "Runbooks", "Wiki", "Yams", .product(name: "Logging", package: "swift-log")]),
        // The API's wire types and its one client protocol, in-process and over HTTP: the server answers
        // with them, the CLI speaks them.
        .target(name: "RunbookAPI", dependencies: ["Executor", "ITIL", "Runbooks", "Wiki"]),
        .target(
            name: "RunbookServer",
            dependencies: [
                "Wiki", "Runbooks", "ITIL", "Executor", "Telemetry", "RunbookAPI", "Yams", "OnCall", "Notify", "Escalation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "runbook",
            dependencies: [
                "Wiki", "Runbooks", "ITIL", "Executor", "Telemetry", "RunbookAPI", "RunbookServer", "OnCall", "Notify", "Escalation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Not part of the product: times runbook loading for bench/wiki-load.sh.
        .executableTarget(name: "WikiLoadBench", dependencies: ["Runbooks", "Wiki"], path: "bench/WikiLoadBench"),
        .target(name: "BenchSupport", path: "bench/BenchSupport"),
        // Not part of the product: drives the incident store for bench/incidents.sh and the kill -9 test in ITILTests.
        .executableTarget(name: "IncidentBench", dependencies: ["ITIL", "Wiki", "BenchSupport"], path: "bench/IncidentBench"),
        // Not part of the product: drives the executor for bench/executor.sh.
        .executableTarget(name: "ExecutorBench", dependencies: ["Executor", "ITIL", "Runbooks", "Wiki", "BenchSupport"], path: "bench/ExecutorBench"),
        .executableTarget(name: "TelemetryBench", dependencies: ["Telemetry"], path: "bench/TelemetryBench"),
        // Not part of the product: the detector's false alarms on stationary noise (bench/noise.sh).
        .executableTarget(name: "DetectorNoiseBench", dependencies: ["Telemetry"], path: "bench/DetectorNoiseBench"),
        // Not part of the product: the HTTP load generator of bench/intake.sh (raw sockets, one thread per connection).
        .executableTarget(name: "IntakeBench", dependencies: ["BenchSupport"], path: "bench/IntakeBench"),
        // Real receivers (HTTP, SMTP) that tests start as Python processes: shared by the tests of the channels and of the server.
        .target(name: "TestReceivers", path: "Tests/TestReceivers"),
        // A throwaway audit repository and a hand-moved clock, for the tests of the store and of the escalation engine.
        .target(name: "StoreTestSupport", dependencies: ["ITIL", "Wiki"], path: "Tests/StoreTestSupport"),
        .testTarget(name: "WikiTests", dependencies: ["Wiki"]),
        .testTarget(name: "RunbooksTests", dependencies: ["Runbooks", "Wiki"]),
        // A real sshd on loopback addresses, for the tests of remote steps and of audit remotes over SSH.
        .target(name: "SSHTestSupport", dependencies: ["Executor"], path: "Tests/SSHTestSupport"),
        .testTarget(name: "ExecutorTests", dependencies: ["Executor", "Runbooks", "ITIL", "Wiki", "SSHTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["ITIL", "Wiki", "TestReceivers"]),
        .testTarget(name: "ITILTests", dependencies: ["ITIL", "Wiki", "StoreTestSupport"]),
        .testTarget(name: "EscalationTests", dependencies: ["Escalation", "ITIL", "Notify", "OnCall", "Wiki", "StoreTestSupport"]),
        .testTarget(name: "OnCallTests", dependencies: ["OnCall", "Runbooks"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"]),
        // Starts real receivers: Debian's /usr/bin/python3 (HTTP, aiosmtpd), espeak-ng, sox and openssl.
        .testTarget(
            name: "NotifyTests",
            dependencies: [
                "Notify", "TestReceivers",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "RunbookServer", "RunbookAPI", "ITIL", "Wiki", "Runbooks", "Executor", "Escalation", "Notify", "OnCall", "TestReceivers",
                "SSHTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
