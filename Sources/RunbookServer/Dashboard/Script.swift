import ITIL

/// The dashboard's script, `/assets/app.js`, the only one (the Content-Security-Policy allows no other and no inline
/// script). Pages work without it; with it, they stay current:
///
/// - `time[data-due]` countdowns tick every second and turn red once due;
/// - a page with `#live` follows the event stream (`EventSource`, one incident's events on an incident page) from
///   the event its `data-after` names, so nothing between rendering and connecting is lost, and, when something
///   happened, fetches its own `?fragment=live` again and swaps it in, at most four times a second;
/// - `output` events append the running step's lines to its `pre.output`, as text, never as markup;
/// - a swap keeps what was typed or chosen in the live part's forms, and the focus.
enum Script {
    /// Every event name the stream may carry: EventSource delivers a named event only to a listener of that name.
    private static let eventNames = (AuditEventName.allCases.map(\.rawValue) + ["output"])
        .map { "\"\($0)\"" }.joined(separator: ",")

    static let text = #"""
    "use strict";
    (() => {
      const span = (seconds) => {
        const s = Math.floor(Math.abs(seconds));
        if (s < 60) return s + "s";
        if (s < 3600) return Math.floor(s / 60) + "m";
        if (s < 86400) return Math.floor(s / 3600) + "h " + String(Math.floor((s % 3600) / 60)).padStart(2, "0") + "m";
        return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
      };
      const tick = () => {
        const now = Date.now();
        for (const time of document.querySelectorAll("time[data-due]")) {
          const left = (Date.parse(time.dataset.due) - now) / 1000;
          time.textContent = left >= 0 ? "in " + span(left) : span(left) + " over";
          time.classList.toggle("breached", left < 0);
        }
      };
      tick();
      setInterval(tick, 1000);

      const live = document.getElementById("live");
      if (!live) return;
      const incident = live.dataset.incident;
      const logs = () => new Map([...live.querySelectorAll("pre.output")].map((pre) => [pre.dataset.run + "/" + pre.dataset.index, pre.textContent]));
      // What a person has typed or chosen in the live part's forms, by form and field, and the field they are in: a
      // swap must not take a half-written note away.
      const key = (field) => (field.form ? field.form.getAttribute("action") : "") + " " + field.name;
      const fields = () => [...live.querySelectorAll("input[name]:not([type=hidden]), select[name], textarea[name]")];
      const edited = (field) => field.tagName === "SELECT"
        ? [...field.options].some((option) => option.selected !== option.defaultSelected) : field.value !== field.defaultValue;
      const typed = () => {
        const focused = fields().find((field) => field === document.activeElement);
        return { values: new Map(fields().filter(edited).map((field) => [key(field), field.value])), focus: focused && key(focused),
                 start: focused && focused.selectionStart, end: focused && focused.selectionEnd };
      };
      const retype = (kept) => {
        for (const field of fields()) {
          const value = kept.values.get(key(field));
          if (value !== undefined && (field.tagName !== "SELECT" || [...field.options].some((option) => option.value === value))) field.value = value;
          if (key(field) !== kept.focus) continue;
          field.focus();
          if (typeof kept.start === "number") field.setSelectionRange(kept.start, kept.end);
        }
      };
      let timer = null, busy = false, again = false;
      const refresh = async () => {
        if (busy) { again = true; return; }
        busy = true;
        try {
          const url = new URL(location.href);
          url.searchParams.set("fragment", "live");
          const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
          if (response.status === 401 || response.redirected) { location.reload(); return; }
          if (response.ok) {
            const html = await response.text();
            // Read after the body: lines may arrive, and keys be typed, while it does.
            const kept = logs(), input = typed();
            // The fragment is this server's own page, rendered with every text escaped.
            live.innerHTML = html;
            for (const pre of live.querySelectorAll("pre.output")) {
              const text = kept.get(pre.dataset.run + "/" + pre.dataset.index);
              if (text) pre.textContent = text;
            }
            retype(input);
            tick();
            document.body.dataset.refreshed = String(Date.now());
          }
        } finally {
          busy = false;
          if (again) { again = false; schedule(); }
        }
      };
      const schedule = () => { if (!timer) timer = setTimeout(() => { timer = null; refresh(); }, 250); };
      const append = (event) => {
        const data = JSON.parse(event.data);
        const pre = live.querySelector(`pre.output[data-run="${CSS.escape(data.run || "")}"][data-index="${Number(data.index)}"]`);
        if (!pre) return;
        pre.appendChild(document.createTextNode(data.line + "\n"));
        while (pre.childNodes.length > 2000) pre.removeChild(pre.firstChild);
        pre.scrollTop = pre.scrollHeight;
      };
      // A reconnect sends Last-Event-ID, which the server prefers to last_event_id.
      const after = live.dataset.after ? "&last_event_id=" + encodeURIComponent(live.dataset.after) : "";
      const query = (incident ? "?incident=" + encodeURIComponent(incident) : "?output=false") + after;
      const source = new EventSource("/api/v1/events" + query);
      for (const name of [EVENT_NAMES]) {
        source.addEventListener(name, name === "output" ? append : schedule);
      }
      // After a reconnect the stream replays what was missed, but a page fetched fresh is simplest and certain.
      let opened = false;
      source.addEventListener("open", () => { if (opened) schedule(); opened = true; document.body.dataset.stream = "open"; });
    })();
    """#.replacingOccurrences(of: "[EVENT_NAMES]", with: "[\(eventNames)]")
}
