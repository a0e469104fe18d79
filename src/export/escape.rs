//! Escaping of planners' text (site, task, hall, order names and ids) for
//! each place it lands. Every export goes through these functions, so a site
//! named `<script>alert(1)</script>` is text everywhere, never markup.
//!
//! CSV and JSON need nothing here: the `csv` crate quotes fields and
//! `serde_json` escapes strings.

use std::fmt::Write;

/// XML (and HTML) character data or attribute value: `& < > " '` become
/// entities; tab, newline and carriage return become character references
/// (so they survive attribute normalisation); characters XML 1.0 cannot hold
/// at all (other C0 controls, U+FFFE, U+FFFF) become U+FFFD.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An iCalendar TEXT value (RFC 5545 §3.3.11): backslash, `;` and `,` are
/// backslash-escaped, a line break becomes `\n`; other control characters
/// (which TEXT may not hold) become spaces.
pub fn ics_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF is one line break.
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One iCalendar content line, folded (RFC 5545 §3.1): no line longer than
/// 75 octets before its CRLF; continuation lines start with a space. Folds
/// fall between characters, never inside a UTF-8 sequence.
pub fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            // The leading space counts towards the next line's 75 octets.
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// Words that start a statement in a Mermaid gantt (its lexer is
/// case-insensitive): a task name beginning with one would be read as that
/// statement.
const MERMAID_KEYWORDS: [&str; 16] = [
    "accdescr",
    "acctitle",
    "axisformat",
    "call",
    "click",
    "dateformat",
    "excludes",
    "includes",
    "inclusiveenddates",
    "section",
    "tickinterval",
    "title",
    "todaymarker",
    "topaxis",
    "weekday",
    "weekend",
];

/// Text for a Mermaid gantt task or section name. Mermaid has no escape for
/// these positions, so characters with a meaning there are replaced by
/// look-alikes: `:` (ends the name), `;` and line breaks (end the
/// statement), `#` (starts an entity), `%` (`%%` starts a comment), and
/// `<`, `>`, `&`, `"`, `'` (markup once rendered) become their full-width or
/// angle-quote forms; other control characters become spaces. A name that
/// would start with a keyword (`section`, `title`, ...) gets a zero-width
/// space in front, so it stays a task.
pub fn mermaid(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| match c {
            ':' => '\u{FF1A}',  // ：
            ';' => '\u{FF1B}',  // ；
            '#' => '\u{FF03}',  // ＃
            '%' => '\u{FF05}',  // ％
            '&' => '\u{FF06}',  // ＆
            '"' => '\u{FF02}',  // ＂
            '\'' => '\u{FF07}', // ＇
            '<' => '\u{2039}',  // ‹
            '>' => '\u{203A}',  // ›
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let trimmed = out.trim();
    if trimmed.len() != out.len() {
        out = trimmed.to_owned();
    }
    if out.is_empty() {
        return "\u{2014}".into(); // an em dash: a task needs some name
    }
    let lower = out.to_lowercase();
    if MERMAID_KEYWORDS.iter().any(|k| lower.starts_with(k)) {
        out.insert(0, '\u{200B}');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_controls() {
        assert_eq!(
            xml("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(xml("a&b \"c\" 'd'"), "a&amp;b &quot;c&quot; &apos;d&apos;");
        assert_eq!(xml("x\ny\u{1}"), "x&#10;y\u{FFFD}");
        assert_eq!(xml("Zürich ⚡"), "Zürich ⚡");
    }

    #[test]
    fn ics_escapes_text() {
        assert_eq!(ics_text(r"a;b,c\d"), r"a\;b\,c\\d");
        assert_eq!(ics_text("one\r\ntwo\nthree"), r"one\ntwo\nthree");
        assert_eq!(ics_text("tab\there"), "tab here");
    }

    #[test]
    fn ics_folds_at_75_octets_between_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(100));
        ics_line(&mut out, &long);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        // Unfolding gives the line back.
        assert_eq!(out.replace("\r\n ", ""), format!("{long}\r\n"));
        let mut short = String::new();
        ics_line(&mut short, "BEGIN:VEVENT");
        assert_eq!(short, "BEGIN:VEVENT\r\n");
    }

    #[test]
    fn mermaid_text_cannot_break_out() {
        let s = mermaid("<script>alert(1)</script>: a; b # c %% d\ne");
        for bad in ['<', '>', ':', ';', '#', '%', '\n'] {
            assert!(!s.contains(bad), "{s}");
        }
        assert!(mermaid("Section 3 permits").starts_with('\u{200B}'));
        assert_eq!(mermaid("Shell"), "Shell");
        assert_eq!(mermaid("  "), "\u{2014}");
    }
}
