//! XSD simple types: the [`SimpleValue`] trait and its implementations for Rust primitives,
//! [`Decimal`], binary data and our own date/time types.

mod binary;
mod datetime;
mod gregorian;
mod list;

use std::borrow::Cow;

pub use binary::HexBinary;
pub use datetime::{Date, DateTime, Time, TzOffset};
pub use gregorian::{Duration, GDay, GMonth, GMonthDay, GYear, GYearMonth};
pub use list::XsList;

use crate::Decimal;
use crate::error::ValueError;
use compact_str::CompactString;

/// A value with an XSD lexical form: element text or attribute content.
///
/// Reading applies the XSD whitespace rule of the type: every non-string type trims
/// (collapses) the text before parsing; `String` keeps the text as is.
/// Generated newtypes with facets implement this by delegating to the base type
/// and then checking the facets (see [`facets`](crate::facets)).
pub trait SimpleValue: Sized {
    /// Whether [`write_text`](Self::write_text) may produce characters that need escaping
    /// in XML (`<`, `&`, `>`, `"`, or control whitespace). `false` lets the writer skip
    /// the escaping scan (numbers, dates, booleans, binary). Keep the default (`true`)
    /// unless the lexical form is known to be plain.
    const NEEDS_ESCAPE: bool = true;

    /// Parses the lexical form (already unescaped).
    fn from_text(s: &str) -> Result<Self, ValueError>;

    /// Parses the lexical form, taking ownership of it when that saves a copy
    /// (the default calls [`from_text`](Self::from_text); `String` overrides it).
    fn from_cow(s: Cow<'_, str>) -> Result<Self, ValueError> {
        Self::from_text(&s)
    }

    /// Appends the lexical form (unescaped) to `out`.
    fn write_text(&self, out: &mut String);

    /// The lexical form as a new string.
    fn to_text(&self) -> String {
        let mut s = String::new();
        self.write_text(&mut s);
        s
    }
}

/// XSD whitespace processing (`whiteSpace` facet values `replace` and `collapse`).
pub mod whitespace {
    use std::borrow::Cow;

    /// Whether `c` is XML whitespace (space, tab, line feed, carriage return).
    #[inline]
    pub fn is_xml_space(c: char) -> bool {
        matches!(c, ' ' | '\t' | '\n' | '\r')
    }

    /// Removes leading and trailing XML whitespace.
    #[inline]
    pub fn trim(s: &str) -> &str {
        s.trim_matches(is_xml_space)
    }

    /// `whiteSpace="replace"`: tab, line feed and carriage return become spaces.
    pub fn replace(s: &str) -> Cow<'_, str> {
        if s.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
            Cow::Owned(
                s.chars()
                    .map(|c| if is_xml_space(c) { ' ' } else { c })
                    .collect(),
            )
        } else {
            Cow::Borrowed(s)
        }
    }

    /// `whiteSpace="collapse"`: replace, then trim, then squeeze runs of spaces to one.
    pub fn collapse(s: &str) -> Cow<'_, str> {
        let t = trim(s);
        let mut prev_space = false;
        let needs = t.chars().any(|c| {
            let bad = matches!(c, '\t' | '\n' | '\r') || (c == ' ' && prev_space);
            prev_space = c == ' ';
            bad
        });
        if !needs {
            return Cow::Borrowed(t);
        }
        let mut out = String::with_capacity(t.len());
        let mut prev_space = false;
        for c in t.chars() {
            if is_xml_space(c) {
                if !prev_space {
                    out.push(' ');
                }
                prev_space = true;
            } else {
                out.push(c);
                prev_space = false;
            }
        }
        Cow::Owned(out)
    }
}

use whitespace::trim;

// ---------------------------------------------------------------------------------------
// Strings, bool

impl SimpleValue for String {
    fn from_text(s: &str) -> Result<Self, ValueError> {
        Ok(s.to_owned())
    }
    fn from_cow(s: Cow<'_, str>) -> Result<Self, ValueError> {
        Ok(s.into_owned())
    }
    #[inline]
    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// The string type of generated code: short values (up to 24 bytes) are kept inline.
impl SimpleValue for CompactString {
    fn from_text(s: &str) -> Result<Self, ValueError> {
        Ok(CompactString::new(s))
    }
    fn from_cow(s: Cow<'_, str>) -> Result<Self, ValueError> {
        Ok(match s {
            Cow::Borrowed(b) => CompactString::new(b),
            Cow::Owned(o) => CompactString::from(o),
        })
    }
    #[inline]
    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl SimpleValue for bool {
    const NEEDS_ESCAPE: bool = false;
    fn from_text(s: &str) -> Result<Self, ValueError> {
        match trim(s) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(ValueError::invalid(
                "xs:boolean",
                s,
                "expected true, false, 1 or 0",
            )),
        }
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

// ---------------------------------------------------------------------------------------
// Integers

/// Parses an XSD integer lexical form (already trimmed): optional sign, at least one digit.
/// Returns (negative, magnitude); `None` magnitude means it does not fit in u128.
fn parse_integer(t: &str) -> Option<(bool, Option<u128>)> {
    let b = t.as_bytes();
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut mag: Option<u128> = Some(0);
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        mag = mag
            .and_then(|m| m.checked_mul(10))
            .and_then(|m| m.checked_add(u128::from(d - b'0')));
    }
    Some((neg, mag))
}

/// Appends the decimal digits of `v`.
#[inline]
pub(crate) fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if let Ok(s) = std::str::from_utf8(&buf[i..]) {
        out.push_str(s);
    }
}

/// Appends `v` zero-padded to at least `width` digits.
#[inline]
pub(crate) fn push_padded(out: &mut String, v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len().saturating_sub(width));
    if let Ok(s) = std::str::from_utf8(&buf[start..]) {
        out.push_str(s);
    }
}

macro_rules! signed_int {
    ($($t:ty => $name:literal),*) => {$(
        impl SimpleValue for $t {
            const NEEDS_ESCAPE: bool = false;
            fn from_text(s: &str) -> Result<Self, ValueError> {
                let t = trim(s);
                let Some((neg, mag)) = parse_integer(t) else {
                    return Err(ValueError::invalid($name, s, "not an integer"));
                };
                let out_of_range = || ValueError::invalid(
                    $name, s, &format!("out of range ({} to {})", <$t>::MIN, <$t>::MAX));
                let mag = mag.ok_or_else(out_of_range)?;
                let v = i128::try_from(mag).map_err(|_| out_of_range())?;
                let v = if neg { -v } else { v };
                <$t>::try_from(v).map_err(|_| out_of_range())
            }
            #[inline]
            fn write_text(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                push_u64(out, self.unsigned_abs() as u64);
            }
        }
    )*};
}

macro_rules! unsigned_int {
    ($($t:ty => $name:literal),*) => {$(
        impl SimpleValue for $t {
            const NEEDS_ESCAPE: bool = false;
            fn from_text(s: &str) -> Result<Self, ValueError> {
                let t = trim(s);
                let Some((neg, mag)) = parse_integer(t) else {
                    return Err(ValueError::invalid($name, s, "not an integer"));
                };
                let out_of_range = || ValueError::invalid(
                    $name, s, &format!("out of range (0 to {})", <$t>::MAX));
                let mag = mag.ok_or_else(out_of_range)?;
                if neg && mag != 0 {
                    return Err(out_of_range());
                }
                <$t>::try_from(mag).map_err(|_| out_of_range())
            }
            #[inline]
            fn write_text(&self, out: &mut String) {
                push_u64(out, *self as u64);
            }
        }
    )*};
}

signed_int!(i8 => "xs:byte", i16 => "xs:short", i32 => "xs:int", i64 => "xs:long");
unsigned_int!(u8 => "xs:unsignedByte", u16 => "xs:unsignedShort", u32 => "xs:unsignedInt",
    u64 => "xs:unsignedLong");

// ---------------------------------------------------------------------------------------
// Floating point

/// Checks the XSD float/double lexical form (without the special values).
fn is_float_lexical(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - f;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

macro_rules! float {
    ($($t:ty => $name:literal),*) => {$(
        impl SimpleValue for $t {
            const NEEDS_ESCAPE: bool = false;
            fn from_text(s: &str) -> Result<Self, ValueError> {
                let t = trim(s);
                match t {
                    "INF" | "+INF" => return Ok(<$t>::INFINITY),
                    "-INF" => return Ok(<$t>::NEG_INFINITY),
                    "NaN" => return Ok(<$t>::NAN),
                    _ => {}
                }
                if !is_float_lexical(t) {
                    return Err(ValueError::invalid($name, s, "not a number"));
                }
                t.parse::<$t>().map_err(|_| ValueError::invalid($name, s, "not a number"))
            }
            fn write_text(&self, out: &mut String) {
                use std::fmt::Write;
                if self.is_nan() {
                    out.push_str("NaN");
                } else if self.is_infinite() {
                    out.push_str(if *self > 0.0 { "INF" } else { "-INF" });
                } else {
                    // Debug gives the shortest round-tripping form, with an exponent for
                    // very large or small magnitudes; both are valid XSD lexical forms.
                    let _ = write!(out, "{:?}", self);
                }
            }
        }
    )*};
}

float!(f32 => "xs:float", f64 => "xs:double");

// ---------------------------------------------------------------------------------------
// Decimal

/// Largest mantissa a `Decimal` can hold (2^96 - 1).
const DECIMAL_MAX_MANTISSA: u128 = (1u128 << 96) - 1;
/// Largest scale a `Decimal` can hold.
const DECIMAL_MAX_SCALE: usize = 28;

fn decimal_mantissa(int: &[u8], frac: &[u8]) -> Option<u128> {
    let mut m: u128 = 0;
    for &d in int.iter().chain(frac) {
        m = m.checked_mul(10)?.checked_add(u128::from(d - b'0'))?;
        if m > DECIMAL_MAX_MANTISSA {
            return None;
        }
    }
    Some(m)
}

/// Parses an XSD decimal: optional sign, digits, optional fraction; no exponent.
/// The scale is kept (`12.50` stays `12.50`); values that `Decimal` cannot hold exactly
/// are errors, never rounded (trailing fractional zeros are dropped only if needed to fit).
pub(crate) fn parse_decimal(s: &str) -> Result<Decimal, ValueError> {
    const NAME: &str = "xs:decimal";
    let t = trim(s);
    let b = t.as_bytes();
    let (neg, rest) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let dot = rest.iter().position(|&c| c == b'.');
    let (int, frac) = match dot {
        Some(p) => (&rest[..p], &rest[p + 1..]),
        None => (rest, &rest[rest.len()..]),
    };
    if int.is_empty() && frac.is_empty() {
        return Err(ValueError::invalid(NAME, s, "not a decimal number"));
    }
    if !int.iter().chain(frac).all(u8::is_ascii_digit) {
        let reason = if rest.iter().any(|&c| c == b'e' || c == b'E') {
            "exponent notation is not allowed in xs:decimal"
        } else {
            "not a decimal number"
        };
        return Err(ValueError::invalid(NAME, s, reason));
    }
    let first_nonzero = int.iter().position(|&c| c != b'0').unwrap_or(int.len());
    let int = &int[first_nonzero..];
    let needed = frac.len() - frac.iter().rev().take_while(|&&c| c == b'0').count();
    let mut scale = frac.len().min(DECIMAL_MAX_SCALE);
    if scale < needed {
        return Err(ValueError::invalid(
            NAME,
            s,
            "more than 28 fraction digits cannot be represented exactly",
        ));
    }
    loop {
        if let Some(m) = decimal_mantissa(int, &frac[..scale]) {
            let lo = m as u32;
            let mid = (m >> 32) as u32;
            let hi = (m >> 64) as u32;
            return Ok(Decimal::from_parts(lo, mid, hi, neg, scale as u32));
        }
        if scale == needed {
            return Err(ValueError::invalid(
                NAME,
                s,
                "too many significant digits to be represented exactly (at most 28-29)",
            ));
        }
        scale -= 1;
    }
}

impl SimpleValue for Decimal {
    const NEEDS_ESCAPE: bool = false;
    fn from_text(s: &str) -> Result<Self, ValueError> {
        parse_decimal(s)
    }
    fn write_text(&self, out: &mut String) {
        write_decimal(out, self);
    }
}

/// Writes a decimal's lexical form (sign, digits, the scale's fraction digits) without the
/// formatting machinery: money is written on every call.
fn write_decimal(out: &mut String, d: &Decimal) {
    let m = d.mantissa();
    let scale = d.scale() as usize;
    if m < 0 {
        out.push('-');
    }
    let abs = m.unsigned_abs();
    let mut buf = [0u8; 40];
    let mut i = buf.len();
    if abs <= u128::from(u64::MAX) {
        // The common case: the 64-bit division is much cheaper than the 128-bit one.
        let mut v = abs as u64;
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
    } else {
        let mut v = abs;
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
    }
    let digits = std::str::from_utf8(&buf[i..]).unwrap_or("0");
    if scale == 0 {
        out.push_str(digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else {
        out.push_str("0.");
        for _ in digits.len()..scale {
            out.push('0');
        }
        out.push_str(digits);
    }
}
