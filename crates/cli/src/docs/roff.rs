//! A few man(7) macros and the escaping they need.
//!
//! ```text
//!   Roff::new() .th(..) .sh("NAME") .text("jool - ...") .tp(tag) ... .finish() ──► String
//! ```
//! Text goes through [`esc`]: backslashes are doubled, `-` becomes `\-` (a real minus, so that
//! options can be copied from the page), and a line starting with `.` or `'` is protected with
//! `\&`. Blank lines never reach the output (they are warnings for `groff -ww` and `mandoc`).

/// Escapes `s` for use inside a roff text line.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\e"),
            '-' => out.push_str("\\-"),
            // Typographic quotes and similar would need special glyph names; ASCII is enough.
            _ => out.push(c),
        }
    }
    if out.starts_with('.') || out.starts_with('\'') {
        out.insert_str(0, "\\&");
    }
    out
}

/// `s` in bold, then back to roman.
pub fn b(s: &str) -> String {
    format!("\\fB{}\\fR", esc(s))
}

/// `s` in italics, then back to roman.
pub fn i(s: &str) -> String {
    format!("\\fI{}\\fR", esc(s))
}

/// A quoted macro argument (`"..."`, inner quotes doubled).
fn arg(s: &str) -> String {
    format!("\"{}\"", esc(s).replace('"', "\"\""))
}

/// A man page under construction.
#[derive(Default)]
pub struct Roff {
    out: String,
}

impl Roff {
    /// An empty page.
    pub fn new() -> Roff {
        Roff::default()
    }

    /// The title line (`.TH`).
    pub fn th(&mut self, title: &str, section: &str, date: &str, source: &str, manual: &str) {
        // The title and the date stay unescaped: man readers and indexers parse them. No
        // hyphenation and ragged right: long synopses must be neither split nor stretched.
        self.out.push_str(&format!(
            ".TH \"{title}\" {section} \"{date}\" {} {}\n.nh\n.ad l\n",
            arg(source),
            arg(manual)
        ));
    }

    /// A section heading (`.SH`).
    pub fn sh(&mut self, title: &str) {
        self.out.push_str(&format!(".SH {}\n", arg(title)));
    }

    /// A subsection heading (`.SS`).
    pub fn ss(&mut self, title: &str) {
        self.out.push_str(&format!(".SS {}\n", arg(title)));
    }

    /// A new paragraph (`.PP`).
    pub fn pp(&mut self) {
        self.out.push_str(".PP\n");
    }

    /// A tagged paragraph (`.TP`) whose tag is `tag`, already escaped (it may carry fonts).
    pub fn tp(&mut self, tag: &str) {
        self.out.push_str(".TP\n");
        self.line(tag);
    }

    /// Starts an indented block (`.RS`).
    pub fn rs(&mut self) {
        self.out.push_str(".RS\n");
    }

    /// Ends an indented block (`.RE`).
    pub fn re(&mut self) {
        self.out.push_str(".RE\n");
    }

    /// A line break (`.br`).
    pub fn br(&mut self) {
        self.out.push_str(".br\n");
    }

    /// Plain text; each line of `s` is escaped, blank lines are dropped.
    pub fn text(&mut self, s: &str) {
        for l in s.lines().filter(|l| !l.trim().is_empty()) {
            self.out.push_str(&esc(l.trim_end()));
            self.out.push('\n');
        }
    }

    /// Text whose line breaks are kept (each source line after the first starts a new
    /// output line).
    pub fn lines(&mut self, s: &str) {
        for (n, l) in s.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            if n > 0 {
                self.br();
            }
            self.out.push_str(&esc(l.trim_end()));
            self.out.push('\n');
        }
    }

    /// One line of already escaped text (it may carry `\fB` fonts).
    pub fn line(&mut self, escaped: &str) {
        if escaped.starts_with('.') || escaped.starts_with('\'') {
            self.out.push_str("\\&");
        }
        self.out.push_str(escaped);
        self.out.push('\n');
    }

    /// Verbatim lines (`.nf` ... `.fi`), escaped.
    pub fn verbatim(&mut self, s: &str) {
        self.out.push_str(".nf\n");
        for l in s.lines() {
            if l.is_empty() {
                self.out.push_str("\\&\n");
            } else {
                self.out.push_str(&esc(l));
                self.out.push('\n');
            }
        }
        self.out.push_str(".fi\n");
    }

    /// The page's text.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_minus_backslash_and_leading_dots() {
        assert_eq!(esc("--tcp"), "\\-\\-tcp");
        assert_eq!(esc("a\\b"), "a\\eb");
        assert_eq!(esc(".hidden"), "\\&.hidden");
        assert_eq!(esc("'quoted'"), "\\&'quoted'");
    }

    #[test]
    fn drops_blank_lines_and_protects_macro_looking_text() {
        let mut r = Roff::new();
        r.text("first\n\n.second\n");
        r.lines("a\nb");
        assert_eq!(r.finish(), "first\n\\&.second\na\n.br\nb\n");
    }

    #[test]
    fn quotes_macro_arguments() {
        let mut r = Roff::new();
        r.sh("JOOL 3.x \"COMPAT\"");
        assert_eq!(r.finish(), ".SH \"JOOL 3.x \"\"COMPAT\"\"\"\n");
    }
}
