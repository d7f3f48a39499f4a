/// How announcements are spoken: the espeak-ng voice and speed, a time limit, and an optional player.
public struct SpeechSettings: Sendable, Hashable {
    /// The espeak-ng program: a path, or a name looked up on `PATH`.
    public var program: String
    /// An espeak-ng voice, e.g. "en", "en-us", "de".
    public var voice: String
    /// Speaking rate in words per minute (espeak-ng's `-s`, 80...450).
    public var wordsPerMinute: Int
    /// The text spoken, with `{incident}`, `{number}`, `{priority}`, `{title}`, `{service}` and `{recipient}`;
    /// nil uses `Announcement.defaultTemplate(for:)`.
    public var template: String?
    /// How long rendering (and playing) may take.
    public var timeout: Duration
    /// Plays the WAV: an argv, never a shell line; `{wav}` in an argument is replaced by the file's path, and
    /// without it the path is appended. Example: `["aplay", "-q"]` or `["paplay", "--device=speakers", "{wav}"]`.
    public var playCommand: [String]?

    /// Creates settings; the defaults speak English at 160 words per minute and play nothing.
    public init(
        program: String = "espeak-ng",
        voice: String = "en",
        wordsPerMinute: Int = 160,
        template: String? = nil,
        timeout: Duration = .seconds(20),
        playCommand: [String]? = nil
    ) {
        self.program = program
        self.voice = voice
        self.wordsPerMinute = min(max(wordsPerMinute, 80), 450)
        self.template = template
        self.timeout = timeout
        self.playCommand = playCommand
    }
}
