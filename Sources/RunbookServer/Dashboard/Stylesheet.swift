/// The dashboard's stylesheet, `/assets/app.css`: our own, no framework; light and dark follow
/// `prefers-color-scheme`. Served as a file (the Content-Security-Policy allows no inline style).
enum Stylesheet {
    static let text = #"""
    :root { --bg: #fbfbfc; --fg: #1b1d21; --muted: #5f6670; --line: #d9dce1; --panel: #ffffff; --accent: #1f5fbf;
      --bad: #b3261e; --bad-bg: #fde7e6; --ok: #1e7a3c; --warn: #8a5a00; --p1: #b3261e; --p2: #c25e00; --p3: #8a6d00;
      --p4: #3a6ea5; --p5: #5f6670; color-scheme: light dark; }
    @media (prefers-color-scheme: dark) {
      :root { --bg: #15171a; --fg: #e6e8eb; --muted: #9aa3ad; --line: #30353c; --panel: #1d2024; --accent: #7fb0ff;
        --bad: #ff8a80; --bad-bg: #3b1d1b; --ok: #7ed699; --warn: #e0b050; --p1: #ff8a80; --p2: #ffb060; --p3: #e0c860;
        --p4: #8ab8ff; --p5: #9aa3ad; }
    }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
    a { color: var(--accent); }
    a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
    header.top { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); background: var(--panel); flex-wrap: wrap; }
    header.top .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
    header.top nav { display: flex; gap: 1rem; flex: 1; }
    header.top nav a { text-decoration: none; padding: .2rem 0; }
    header.top nav a[aria-current="page"] { font-weight: 600; border-bottom: 2px solid var(--accent); }
    .account { display: flex; gap: .6rem; align-items: center; }
    main { padding: 1rem 1.2rem 3rem; max-width: 1400px; }
    h1 { font-size: 1.4rem; margin: .3rem 0 1rem; } h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; } h3 { font-size: 1rem; }
    table { border-collapse: collapse; width: 100%; background: var(--panel); }
    th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
    /* Free text may be one long word (a label value): it may break anywhere; short columns keep their words whole. */
    td.summary, .labels td, .annotations td, .timeline td:nth-child(4), .audit td:last-child, .runbooks td:nth-child(2) { overflow-wrap: anywhere; }
    th { font-weight: 600; color: var(--muted); font-size: .85rem; }
    code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .88em; }
    pre { background: var(--panel); border: 1px solid var(--line); padding: .6rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
    pre.output { max-height: 24rem; margin: 0; }
    pre.output:empty::before { content: "waiting for output…"; color: var(--muted); }
    .muted { color: var(--muted); }
    .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1.5rem; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
    dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
    .priority { font-weight: 700; } .p1 .priority, .priority.p1 { color: var(--p1); } .priority.p2 { color: var(--p2); }
    .priority.p3 { color: var(--p3); } .priority.p4 { color: var(--p4); } .priority.p5 { color: var(--p5); }
    tr.p1 td:first-child { box-shadow: inset 4px 0 var(--p1); } tr.p2 td:first-child { box-shadow: inset 4px 0 var(--p2); }
    .state { display: inline-block; padding: 0 .4rem; border-radius: .6rem; border: 1px solid var(--line); font-size: .85rem; }
    .state.new, .state.running, .state.awaiting-approval { border-color: var(--warn); color: var(--warn); }
    .state.resolved, .state.closed, .state.succeeded { color: var(--ok); border-color: var(--ok); }
    .state.failed, .state.timed-out, .state.denied, .state.interrupted { color: var(--bad); border-color: var(--bad); }
    .sla.breached, .failed { color: var(--bad); font-weight: 600; } .sla.met, .ok { color: var(--ok); }
    .problem { background: var(--bad-bg); color: var(--bad); padding: .6rem .8rem; border-radius: .3rem; }
    .problems { border: 1px solid var(--bad); padding: .2rem 1rem; border-radius: .3rem; }
    form.filters { display: flex; gap: .8rem; flex-wrap: wrap; align-items: end; margin-bottom: 1rem; }
    form.inline { display: inline; }
    form.stacked { display: grid; gap: .5rem; max-width: 32rem; margin: .8rem 0; }
    form.stacked label { display: grid; gap: .2rem; }
    input, select, textarea, button { font: inherit; color: inherit; background: var(--panel); border: 1px solid var(--line); border-radius: .3rem; padding: .3rem .5rem; }
    button { cursor: pointer; } button.primary { background: var(--accent); color: var(--bg); border-color: var(--accent); font-weight: 600; }
    button.danger { color: var(--bad); border-color: var(--bad); }
    .login { margin-top: 1rem; }
    figure.step { margin: 1rem 0; border-left: 4px solid var(--accent); padding-left: .6rem; }
    figure.step figcaption { font-weight: 600; margin-bottom: .3rem; } .step-number { color: var(--accent); }
    .step-attributes { font-weight: 400; color: var(--muted); }
    pre.diff del { color: var(--bad); text-decoration: none; background: var(--bad-bg); display: block; }
    pre.diff ins { color: var(--ok); text-decoration: none; display: block; } pre.diff .same { color: var(--muted); }
    ol.notes { padding-left: 1.2rem; } .notes .meta { color: var(--muted); margin: 0; } p.text { white-space: pre-wrap; overflow-wrap: anywhere; }
    article.run { border: 1px solid var(--line); padding: .4rem .8rem .8rem; margin-bottom: 1rem; background: var(--panel); }
    """#
}
