/// A line a running step printed, as the process running it hands it to the feed: live, not committed
/// (the step's whole log is committed when it ends).
public struct StepOutput: Sendable {
    public let position: FeedPosition
    public let run: RunID
    /// The step's index in the runbook (from 0) and its id.
    public let index: Int
    public let step: String
    /// The line with its timestamp since the step started (`[   0.012s] text`).
    public let line: String

    public init(position: FeedPosition, run: RunID, index: Int, step: String, line: String) {
        self.position = position
        self.run = run
        self.index = index
        self.step = step
        self.line = line
    }
}
