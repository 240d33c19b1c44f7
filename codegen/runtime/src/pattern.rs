//! Translation of XSD 1.0 regular expressions (the `pattern` facet) to `regex` syntax.

use std::fmt::Write;

/// XML 1.0 (fifth edition) `NameStartChar` ranges (`\i`).
const NAME_START: &[(u32, u32)] = &[
    (0x3A, 0x3A),
    (0x41, 0x5A),
    (0x5F, 0x5F),
    (0x61, 0x7A),
    (0xC0, 0xD6),
    (0xD8, 0xF6),
    (0xF8, 0x2FF),
    (0x370, 0x37D),
    (0x37F, 0x1FFF),
    (0x200C, 0x200D),
    (0x2070, 0x218F),
    (0x2C00, 0x2FEF),
    (0x3001, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFFD),
    (0x10000, 0xEFFFF),
];

/// Additional `NameChar` ranges (`\c` = `\i` plus these).
const NAME_EXTRA: &[(u32, u32)] = &[
    (0x2D, 0x2E),
    (0x30, 0x39),
    (0xB7, 0xB7),
    (0x300, 0x36F),
    (0x203F, 0x2040),
];

/// Unicode blocks usable as `\p{IsName}` (XSD 1.0 names from Unicode 3.1, plus a few
/// later names). Surrogate blocks map to nothing (Rust strings hold no surrogates).
const BLOCKS: &[(&str, &[(u32, u32)])] = &[
    ("BasicLatin", &[(0x0000, 0x007F)]),
    ("Latin-1Supplement", &[(0x0080, 0x00FF)]),
    ("LatinExtended-A", &[(0x0100, 0x017F)]),
    ("LatinExtended-B", &[(0x0180, 0x024F)]),
    ("IPAExtensions", &[(0x0250, 0x02AF)]),
    ("SpacingModifierLetters", &[(0x02B0, 0x02FF)]),
    ("CombiningDiacriticalMarks", &[(0x0300, 0x036F)]),
    ("Greek", &[(0x0370, 0x03FF)]),
    ("GreekandCoptic", &[(0x0370, 0x03FF)]),
    ("Cyrillic", &[(0x0400, 0x04FF)]),
    ("CyrillicSupplement", &[(0x0500, 0x052F)]),
    ("Armenian", &[(0x0530, 0x058F)]),
    ("Hebrew", &[(0x0590, 0x05FF)]),
    ("Arabic", &[(0x0600, 0x06FF)]),
    ("Syriac", &[(0x0700, 0x074F)]),
    ("Thaana", &[(0x0780, 0x07BF)]),
    ("Devanagari", &[(0x0900, 0x097F)]),
    ("Bengali", &[(0x0980, 0x09FF)]),
    ("Gurmukhi", &[(0x0A00, 0x0A7F)]),
    ("Gujarati", &[(0x0A80, 0x0AFF)]),
    ("Oriya", &[(0x0B00, 0x0B7F)]),
    ("Tamil", &[(0x0B80, 0x0BFF)]),
    ("Telugu", &[(0x0C00, 0x0C7F)]),
    ("Kannada", &[(0x0C80, 0x0CFF)]),
    ("Malayalam", &[(0x0D00, 0x0D7F)]),
    ("Sinhala", &[(0x0D80, 0x0DFF)]),
    ("Thai", &[(0x0E00, 0x0E7F)]),
    ("Lao", &[(0x0E80, 0x0EFF)]),
    ("Tibetan", &[(0x0F00, 0x0FFF)]),
    ("Myanmar", &[(0x1000, 0x109F)]),
    ("Georgian", &[(0x10A0, 0x10FF)]),
    ("HangulJamo", &[(0x1100, 0x11FF)]),
    ("Ethiopic", &[(0x1200, 0x137F)]),
    ("Cherokee", &[(0x13A0, 0x13FF)]),
    ("UnifiedCanadianAboriginalSyllabics", &[(0x1400, 0x167F)]),
    ("Ogham", &[(0x1680, 0x169F)]),
    ("Runic", &[(0x16A0, 0x16FF)]),
    ("Khmer", &[(0x1780, 0x17FF)]),
    ("Mongolian", &[(0x1800, 0x18AF)]),
    ("LatinExtendedAdditional", &[(0x1E00, 0x1EFF)]),
    ("GreekExtended", &[(0x1F00, 0x1FFF)]),
    ("GeneralPunctuation", &[(0x2000, 0x206F)]),
    ("SuperscriptsandSubscripts", &[(0x2070, 0x209F)]),
    ("CurrencySymbols", &[(0x20A0, 0x20CF)]),
    ("CombiningMarksforSymbols", &[(0x20D0, 0x20FF)]),
    ("CombiningDiacriticalMarksforSymbols", &[(0x20D0, 0x20FF)]),
    ("LetterlikeSymbols", &[(0x2100, 0x214F)]),
    ("NumberForms", &[(0x2150, 0x218F)]),
    ("Arrows", &[(0x2190, 0x21FF)]),
    ("MathematicalOperators", &[(0x2200, 0x22FF)]),
    ("MiscellaneousTechnical", &[(0x2300, 0x23FF)]),
    ("ControlPictures", &[(0x2400, 0x243F)]),
    ("OpticalCharacterRecognition", &[(0x2440, 0x245F)]),
    ("EnclosedAlphanumerics", &[(0x2460, 0x24FF)]),
    ("BoxDrawing", &[(0x2500, 0x257F)]),
    ("BlockElements", &[(0x2580, 0x259F)]),
    ("GeometricShapes", &[(0x25A0, 0x25FF)]),
    ("MiscellaneousSymbols", &[(0x2600, 0x26FF)]),
    ("Dingbats", &[(0x2700, 0x27BF)]),
    ("BraillePatterns", &[(0x2800, 0x28FF)]),
    ("CJKRadicalsSupplement", &[(0x2E80, 0x2EFF)]),
    ("KangxiRadicals", &[(0x2F00, 0x2FDF)]),
    ("IdeographicDescriptionCharacters", &[(0x2FF0, 0x2FFF)]),
    ("CJKSymbolsandPunctuation", &[(0x3000, 0x303F)]),
    ("Hiragana", &[(0x3040, 0x309F)]),
    ("Katakana", &[(0x30A0, 0x30FF)]),
    ("Bopomofo", &[(0x3100, 0x312F)]),
    ("HangulCompatibilityJamo", &[(0x3130, 0x318F)]),
    ("Kanbun", &[(0x3190, 0x319F)]),
    ("BopomofoExtended", &[(0x31A0, 0x31BF)]),
    ("EnclosedCJKLettersandMonths", &[(0x3200, 0x32FF)]),
    ("CJKCompatibility", &[(0x3300, 0x33FF)]),
    ("CJKUnifiedIdeographsExtensionA", &[(0x3400, 0x4DB5)]),
    ("CJKUnifiedIdeographs", &[(0x4E00, 0x9FFF)]),
    ("YiSyllables", &[(0xA000, 0xA48F)]),
    ("YiRadicals", &[(0xA490, 0xA4CF)]),
    ("HangulSyllables", &[(0xAC00, 0xD7A3)]),
    ("HighSurrogates", &[]),
    ("HighPrivateUseSurrogates", &[]),
    ("LowSurrogates", &[]),
    (
        "PrivateUse",
        &[(0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)],
    ),
    ("PrivateUseArea", &[(0xE000, 0xF8FF)]),
    ("CJKCompatibilityIdeographs", &[(0xF900, 0xFAFF)]),
    ("AlphabeticPresentationForms", &[(0xFB00, 0xFB4F)]),
    ("ArabicPresentationForms-A", &[(0xFB50, 0xFDFF)]),
    ("CombiningHalfMarks", &[(0xFE20, 0xFE2F)]),
    ("CJKCompatibilityForms", &[(0xFE30, 0xFE4F)]),
    ("SmallFormVariants", &[(0xFE50, 0xFE6F)]),
    ("ArabicPresentationForms-B", &[(0xFE70, 0xFEFE)]),
    ("Specials", &[(0xFEFF, 0xFEFF), (0xFFF0, 0xFFFD)]),
    ("HalfwidthandFullwidthForms", &[(0xFF00, 0xFFEF)]),
    ("OldItalic", &[(0x10300, 0x1032F)]),
    ("Gothic", &[(0x10330, 0x1034F)]),
    ("Deseret", &[(0x10400, 0x1044F)]),
    ("ByzantineMusicalSymbols", &[(0x1D000, 0x1D0FF)]),
    ("MusicalSymbols", &[(0x1D100, 0x1D1FF)]),
    ("MathematicalAlphanumericSymbols", &[(0x1D400, 0x1D7FF)]),
    ("CJKUnifiedIdeographsExtensionB", &[(0x20000, 0x2A6D6)]),
    (
        "CJKCompatibilityIdeographsSupplement",
        &[(0x2F800, 0x2FA1F)],
    ),
    ("Tags", &[(0xE0000, 0xE007F)]),
    ("SupplementaryPrivateUseArea-A", &[(0xF0000, 0xFFFFF)]),
    ("SupplementaryPrivateUseArea-B", &[(0x100000, 0x10FFFF)]),
];

/// Unicode general categories accepted by `\p{..}` (XSD 1.0 list).
const CATEGORIES: &[&str] = &[
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc",
    "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp", "S", "Sm", "Sc", "Sk", "So", "C",
    "Cc", "Cf", "Co", "Cn",
];

/// Translates an XSD 1.0 regular expression (as used by the `pattern` facet) into a Rust
/// `regex` pattern `^(?:...)$` (XSD patterns are implicitly anchored).
///
/// Handled: `\i \I \c \C` (XML name characters), `\d` (Unicode `Nd`), `\w`/`\W` and
/// `\s`/`\S` with their XSD meanings, `.` (anything but `\n` and `\r`), character class
/// subtraction `[a-z-[aeiou]]`, `\p{IsBlock}` block escapes, category escapes, and `^`/`$`
/// as ordinary characters. Groups become non-capturing. Errors describe the first problem.
pub fn xsd_pattern_to_regex(p: &str) -> Result<String, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut t = Translator {
        c: &chars,
        i: 0,
        out: String::with_capacity(p.len() * 2 + 8),
    };
    t.out.push_str("^(?:");
    t.regexp(0)?;
    if t.i < chars.len() {
        return Err(format!("unbalanced ')' at position {}", t.i));
    }
    t.out.push_str(")$");
    Ok(t.out)
}

struct Translator<'a> {
    c: &'a [char],
    i: usize,
    out: String,
}

/// An item of a character class.
enum ClassItem {
    Char(char),
    /// Text to put inside `[...]` as is (ranges, properties, nested classes).
    Raw(String),
}

fn push_lit(out: &mut String, c: char) {
    match c {
        '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$'
        | '#' | '&' | '-' | '~' => {
            out.push('\\');
            out.push(c);
        }
        c if c.is_control() || c == ' ' => {
            let _ = write!(out, "\\x{{{:X}}}", c as u32);
        }
        c => out.push(c),
    }
}

fn ranges_to_class_body(ranges: &[(u32, u32)]) -> String {
    let mut s = String::new();
    for &(a, b) in ranges {
        let _ = write!(s, "\\x{{{a:X}}}-\\x{{{b:X}}}");
    }
    s
}

/// The XSD multi-character escape `\x` (x in `sSiIcCdDwW`) as a class body and whether
/// the class is negated.
fn multi_escape(e: char) -> Option<(String, bool)> {
    let name_chars = || {
        let mut v = NAME_START.to_vec();
        v.extend_from_slice(NAME_EXTRA);
        ranges_to_class_body(&v)
    };
    Some(match e {
        's' => ("\\t\\n\\r\\x20".to_owned(), false),
        'S' => ("\\t\\n\\r\\x20".to_owned(), true),
        'i' => (ranges_to_class_body(NAME_START), false),
        'I' => (ranges_to_class_body(NAME_START), true),
        'c' => (name_chars(), false),
        'C' => (name_chars(), true),
        'd' => ("\\p{Nd}".to_owned(), false),
        'D' => ("\\p{Nd}".to_owned(), true),
        // XSD: \w = all characters except punctuation, separators and "other".
        'w' => ("\\p{P}\\p{Z}\\p{C}".to_owned(), true),
        'W' => ("\\p{P}\\p{Z}\\p{C}".to_owned(), false),
        _ => return None,
    })
}

fn single_escape(e: char) -> Option<char> {
    Some(match e {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        '\\' | '|' | '.' | '?' | '*' | '+' | '(' | ')' | '{' | '}' | '-' | '[' | ']' | '^' => e,
        // Not in XSD 1.0's list but unambiguous and common in real schemas.
        '$' | '/' | '"' | '\'' | '&' | ',' | ':' | '=' | '!' | '@' | '#' | '%' | ';' | '<'
        | '>' | '_' | '~' | '`' | ' ' => e,
        _ => return None,
    })
}

fn class(body: &str, negated: bool) -> String {
    if body.is_empty() {
        // Matches nothing (or everything, negated).
        return if negated {
            "[\\x{0}-\\x{10FFFF}]".to_owned()
        } else {
            "[^\\x{0}-\\x{10FFFF}]".to_owned()
        };
    }
    format!("[{}{body}]", if negated { "^" } else { "" })
}

impl Translator<'_> {
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn err<T>(&self, msg: &str) -> Result<T, String> {
        Err(format!("{msg} at position {}", self.i))
    }

    /// regExp ::= branch ( '|' branch )*
    fn regexp(&mut self, depth: usize) -> Result<(), String> {
        if depth > 64 {
            return self.err("groups nested too deeply");
        }
        loop {
            self.branch(depth)?;
            match self.peek() {
                Some('|') => {
                    self.i += 1;
                    self.out.push('|');
                }
                _ => return Ok(()),
            }
        }
    }

    fn branch(&mut self, depth: usize) -> Result<(), String> {
        loop {
            match self.peek() {
                None | Some('|') | Some(')') => return Ok(()),
                _ => {
                    self.atom(depth)?;
                    self.quantifier()?;
                }
            }
        }
    }

    fn quantifier(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(c @ ('?' | '*' | '+')) => {
                self.i += 1;
                self.out.push(c);
            }
            Some('{') => {
                self.i += 1;
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == ',') {
                    self.i += 1;
                }
                if self.peek() != Some('}') {
                    return self.err("malformed quantifier");
                }
                let body: String = self.c[start..self.i].iter().collect();
                self.i += 1;
                let (min, max) = match body.split_once(',') {
                    None => (body.as_str(), Some(body.as_str())),
                    Some((a, b)) => (a, if b.is_empty() { None } else { Some(b) }),
                };
                let min: u32 = min
                    .parse()
                    .map_err(|_| format!("malformed quantifier {{{body}}}"))?;
                if let Some(max) = max {
                    let max: u32 = max
                        .parse()
                        .map_err(|_| format!("malformed quantifier {{{body}}}"))?;
                    if max < min {
                        return Err(format!("quantifier {{{body}}} has max < min"));
                    }
                }
                self.out.push('{');
                self.out.push_str(&body);
                self.out.push('}');
            }
            _ => {}
        }
        Ok(())
    }

    fn atom(&mut self, depth: usize) -> Result<(), String> {
        let Some(c) = self.peek() else {
            return Ok(());
        };
        self.i += 1;
        match c {
            '(' => {
                self.out.push_str("(?:");
                self.regexp(depth + 1)?;
                if self.peek() != Some(')') {
                    return self.err("missing ')'");
                }
                self.i += 1;
                self.out.push(')');
            }
            '[' => {
                let s = self.char_class()?;
                self.out.push_str(&s);
            }
            '.' => self.out.push_str("[^\\n\\r]"),
            '\\' => match self.escape()? {
                ClassItem::Char(c) => push_lit(&mut self.out, c),
                ClassItem::Raw(r) => self.out.push_str(&r),
            },
            '?' | '*' | '+' | '{' => return self.err("quantifier without an atom"),
            ']' | '}' => push_lit(&mut self.out, c),
            c => push_lit(&mut self.out, c),
        }
        Ok(())
    }

    /// After a `\`: a single character or a complete class (`[...]` / `\p{..}`).
    fn escape(&mut self) -> Result<ClassItem, String> {
        let Some(e) = self.peek() else {
            return self.err("pattern ends with '\\'");
        };
        self.i += 1;
        if let Some((body, neg)) = multi_escape(e) {
            return Ok(ClassItem::Raw(class(&body, neg)));
        }
        if e == 'p' || e == 'P' {
            let (body, neg) = self.property(e == 'P')?;
            return Ok(ClassItem::Raw(class(&body, neg)));
        }
        match single_escape(e) {
            Some(c) => Ok(ClassItem::Char(c)),
            None => Err(format!("unknown escape \\{e} at position {}", self.i - 1)),
        }
    }

    /// `\p{...}` body (after `p`/`P`): returns a class body and negation.
    fn property(&mut self, negated: bool) -> Result<(String, bool), String> {
        if self.peek() != Some('{') {
            return self.err("expected '{' after \\p");
        }
        self.i += 1;
        let start = self.i;
        while self.peek().is_some_and(|c| c != '}') {
            self.i += 1;
        }
        if self.peek() != Some('}') {
            return self.err("unterminated \\p{");
        }
        let name: String = self.c[start..self.i].iter().collect();
        self.i += 1;
        if let Some(block) = name.strip_prefix("Is") {
            let norm = |s: &str| -> String {
                s.chars()
                    .filter(|c| !matches!(c, ' ' | '_'))
                    .flat_map(char::to_lowercase)
                    .collect()
            };
            let wanted = norm(block);
            let Some((_, ranges)) = BLOCKS.iter().find(|(n, _)| norm(n) == wanted) else {
                return Err(format!("unknown Unicode block {name}"));
            };
            return Ok((ranges_to_class_body(ranges), negated));
        }
        if CATEGORIES.contains(&name.as_str()) {
            return Ok((format!("\\p{{{name}}}"), negated));
        }
        Err(format!("unknown character property {name}"))
    }

    /// Parses `[...]` after the `[`; returns a Rust class.
    fn char_class(&mut self) -> Result<String, String> {
        let negated = if self.peek() == Some('^') {
            self.i += 1;
            true
        } else {
            false
        };
        let mut body = String::new();
        let mut first = true;
        let mut subtraction: Option<String> = None;
        loop {
            let Some(c) = self.peek() else {
                return self.err("unterminated character class");
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            if c == '-' && self.c.get(self.i + 1) == Some(&'[') && !first {
                self.i += 2;
                let sub = self.char_class()?;
                if self.peek() != Some(']') {
                    return self.err("expected ']' after a class subtraction");
                }
                self.i += 1;
                subtraction = Some(sub);
                break;
            }
            first = false;
            let item = self.class_atom()?;
            // A range?
            let is_range = matches!(item, ClassItem::Char(_))
                && self.peek() == Some('-')
                && !matches!(self.c.get(self.i + 1), None | Some(']') | Some('['));
            if let (true, ClassItem::Char(lo)) = (is_range, &item) {
                let lo = *lo;
                self.i += 1;
                let hi = match self.class_atom()? {
                    ClassItem::Char(h) => h,
                    ClassItem::Raw(_) => return self.err("a range cannot end with a class escape"),
                };
                if hi < lo {
                    return self.err("character range out of order");
                }
                push_lit(&mut body, lo);
                body.push('-');
                push_lit(&mut body, hi);
            } else {
                match item {
                    ClassItem::Char(c) => push_lit(&mut body, c),
                    ClassItem::Raw(r) => body.push_str(&r),
                }
            }
        }
        let base = class(&body, negated);
        Ok(match subtraction {
            None => base,
            Some(sub) => format!("[{base}--{sub}]"),
        })
    }

    /// One character or escape inside a class.
    fn class_atom(&mut self) -> Result<ClassItem, String> {
        let Some(c) = self.peek() else {
            return self.err("unterminated character class");
        };
        self.i += 1;
        if c == '\\' {
            return self.escape();
        }
        if c == '[' {
            return self.err("'[' must be escaped inside a character class");
        }
        Ok(ClassItem::Char(c))
    }
}
